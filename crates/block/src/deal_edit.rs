//! Changing a deal from the block: the edit page (`GET /deal?t=…&edit=1`, opened from the block's "Change" link
//! or the card's button with the card's own token) and its submit (`POST /action/deal-change`), which ends on
//! the deal card with a "Changed" banner (`303`). A refused submit brings the page back with every value kept,
//! the errors beside their fields and a fresh token. `stage=<pipeline>:<status>` opens the page with that stage
//! chosen (where the block's stage select sends a move that needs more).
//!
//! The block's stage select (`POST /action/deal-stage`) moves a deal in place and changes nothing else; a move
//! that needs fields or a loss reason answers with what, and with this page for that stage.

use domain::{DealChange, FieldError, FieldErrorCode, FieldKey, StageRef};
use http::StatusCode;

use crate::Error;
use crate::app::App;
use crate::deals::{chosen_stage, custom_fields, page_url, page_url_with, typed_values_of};
use crate::extract::{ActionPost, PageRequest, subject};
use crate::http::{self as web, Fields, Response};
use crate::token::{ActionKind, Scope};
use crate::view::model::{Action, DealEditPage, PageView, Problem};

/// The built-in fields of the edit form that come back as typed.
const KEPT: &[&str] = &["price", "responsible", "loss_reason"];

/// What the page shows besides the deal: the stage chosen, the values and why it came back.
struct Shown {
    stage: Option<StageRef>,
    /// The contact the card was opened from, carried to the card's links.
    contact: Option<i64>,
    values: Option<Vec<(String, Vec<String>)>>,
    errors: Vec<domain::FieldError>,
    problem: Option<Problem>,
}

async fn edit_response(
    app: &App,
    scope: &Scope,
    ctx: &domain::ActionContext,
    lead_id: i64,
    shown: Shown,
    status: StatusCode,
) -> Result<Response, Error> {
    // Boxed: the page may come after a refused change, and both futures inline would make one deep, large one.
    let edit = Box::pin(app.domain().deal_edit(ctx, lead_id)).await?;
    // The deal as it is, unless the page comes back with what was typed.
    let values = shown.values.unwrap_or_else(|| {
        let mut values = edit.values.clone();
        let mut put = |key: &str, value: Option<i64>| {
            if let Some(v) = value {
                values.push((key.to_owned(), vec![v.to_string()]));
            }
        };
        put("price", edit.price);
        put("responsible", edit.responsible_user_id);
        put("loss_reason", edit.loss_reason_id);
        values
    });
    // A stage asked for in the link but not offered (gone since, or made up) leaves the deal's own, and says so.
    let mut errors = shown.errors;
    let stage = match shown.stage {
        Some(stage) if !edit.offers(stage) => {
            errors.push(FieldError {
                field: FieldKey::Stage,
                label: None,
                code: FieldErrorCode::StageNotInPipeline,
            });
            edit.stage
        }
        Some(stage) => stage,
        None => edit.stage,
    };
    let about = (Some(lead_id), shown.contact);
    let page = DealEditPage {
        submit: app.action_about(scope, ActionKind::ChangeDeal, about),
        card: app.action_about(scope, ActionKind::Deal, about),
        stage,
        edit,
        values,
        errors,
        problem: shown.problem,
    };
    Ok(app.page(status, scope.lang, &PageView::DealEdit(Box::new(page))))
}

/// `GET /deal?t=…&edit=1[&stage=<pipeline>:<status>]`: the deal's stage (the one named, when the edit page offers
/// it), loss reason, budget, responsible and fields, to change.
pub(crate) async fn edit_page(
    app: &App,
    got: &PageRequest,
    lead_id: i64,
) -> Result<Response, Error> {
    let asked = got.query.text("stage");
    let stage = asked.map(|s| s.parse::<StageRef>());
    let shown = Shown {
        // Not a stage at all is a wrong link: the page says so beside the deal's own stage.
        stage: stage.map(|s| s.unwrap_or(StageRef::new(0, 0))),
        contact: got.claims.contact,
        values: None,
        errors: Vec::new(),
        problem: None,
    };
    let (scope, ctx) = (got.claims.scope(), got.claims.context());
    edit_response(app, &scope, &ctx, lead_id, shown, StatusCode::OK).await
}

/// The edit page with `stage` chosen: where a move that needs more is finished.
fn edit_link(
    app: &App,
    scope: &Scope,
    lead_id: i64,
    contact: Option<i64>,
    stage: StageRef,
) -> String {
    let card: Action = app.action_about(scope, ActionKind::Deal, (Some(lead_id), contact));
    page_url_with(
        &card,
        &[("edit", "1".to_owned()), ("stage", stage.to_string())],
    )
}

/// `POST /action/deal-stage`: the block's stage select moves the token's deal to `stage` (`pipeline:status`) and
/// changes nothing else; in place `{"ok": true}` (the block reloads), else `303` to the card with the "Changed"
/// banner. A stage that needs what the deal lacks — fields, a loss reason — or that amoCRM refuses on a field:
/// in place, why, beside the select, with the edit page for that stage (`error.next`); as a plain form, that edit
/// page itself, with the stage chosen and what it needs marked.
pub(crate) async fn move_deal(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let lead_id = subject(&posted.claims)?;
    let (scope, ctx, contact) = (
        posted.scope(),
        posted.claims.context(),
        posted.claims.contact,
    );
    let Some(stage) = posted
        .fields
        .text("stage")
        .and_then(|s| s.parse::<StageRef>().ok())
    else {
        return Err(Error::from(domain::Error::Validation(vec![FieldError {
            field: FieldKey::Stage,
            label: None,
            code: FieldErrorCode::Required,
        }])));
    };
    let errors = match Box::pin(app.domain().move_deal(&ctx, lead_id, stage)).await {
        Ok(()) => {
            app.inner.rendered.forget_ticket(scope.ticket);
            let card = app.action_about(&scope, ActionKind::Deal, (Some(lead_id), contact));
            return Ok(posted.see_other(&format!("{}&changed=1", page_url(&card))));
        }
        Err(domain::Error::Validation(errors)) => errors,
        Err(e) => return Err(e.into()),
    };
    if posted.json {
        // Nothing was written: the same select may try another stage.
        posted.release(app).await;
        let message = crate::messages::move_refused(posted.lang(), &errors);
        let next = edit_link(app, &scope, lead_id, contact, stage);
        let error = Error::from(domain::Error::Validation(errors));
        return Ok(app.refused_json(&error, message, &next));
    }
    let shown = Shown {
        stage: Some(stage),
        contact,
        values: None,
        errors,
        problem: None,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    edit_response(app, &scope, &ctx, lead_id, shown, status).await
}

/// The change a submitted form asks for.
fn change_of(fields: &Fields) -> DealChange {
    let stage = match chosen_stage(fields) {
        (Some(pipeline), Some(status)) => Some(StageRef::new(pipeline, status)),
        _ => None,
    };
    DealChange {
        stage,
        price: fields.get("price").map(str::to_owned),
        responsible_user_id: fields.text("responsible").and_then(|r| r.parse().ok()),
        fields: custom_fields(fields),
        loss_reason_id: fields.text("loss_reason").and_then(|r| r.parse().ok()),
    }
}

/// `POST /action/deal-change`: changes the token's deal, then `303` to its card with a "Changed" banner. Refused
/// fields, or amoCRM not taking the change, bring the page back with every value kept.
pub(crate) async fn change_deal(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let lead_id = subject(&posted.claims)?;
    let change = change_of(&posted.fields);
    let stage = change.stage;
    let scope = posted.scope();
    let ctx = posted.claims.context();
    let contact = posted.claims.contact;
    let shown = |errors, problem| Shown {
        stage,
        contact,
        values: Some(typed_values_of(&posted.fields, KEPT)),
        errors,
        problem,
    };
    match Box::pin(app.domain().change_deal(&ctx, lead_id, change)).await {
        Ok(()) => {
            app.inner.rendered.forget_ticket(scope.ticket);
            let card = app.action_about(&scope, ActionKind::Deal, (Some(lead_id), contact));
            Ok(posted.see_other(&format!("{}&changed=1", page_url(&card))))
        }
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let shown = shown(errors, None);
            edit_response(app, &scope, &ctx, lead_id, shown, status).await
        }
        Err(e) => {
            let e = Error::from(e);
            let Some((problem, classified)) = posted.problem(app, &e).await else {
                return Err(e);
            };
            let shown = shown(Vec::new(), Some(problem));
            // The deal may be out of reach too: then the failure page says why.
            let page = edit_response(app, &scope, &ctx, lead_id, shown, classified.status).await;
            page.map(|p| web::with_retry_after(p, classified.retry_after))
                .map_err(|_| e)
        }
    }
}
