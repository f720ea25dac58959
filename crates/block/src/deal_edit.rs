//! Changing a deal from the block: the edit page (`GET /deal?t=…&edit=1`, opened from the block's "Change" link
//! or the card's button with the card's own token) and its submit (`POST /action/deal-change`), which ends on
//! the deal card with a "Changed" banner (`303`). A refused submit brings the page back with every value kept,
//! the errors beside their fields and a fresh token.

use domain::{DealChange, StageRef};
use http::StatusCode;

use crate::Error;
use crate::app::App;
use crate::deals::{chosen_stage, custom_fields, page_url, typed_values_of};
use crate::extract::{ActionPost, PageRequest, subject};
use crate::http::{self as web, Fields, Response};
use crate::token::{ActionKind, Scope};
use crate::view::model::{DealEditPage, PageView, Problem};

/// The built-in fields of the edit form that come back as typed.
const KEPT: &[&str] = &["price", "responsible", "loss_reason"];

/// What the page shows besides the deal: the stage chosen, the values and why it came back.
struct Shown {
    stage: Option<StageRef>,
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
    let page = DealEditPage {
        submit: app.action(scope, ActionKind::ChangeDeal, Some(lead_id)),
        card: app.action(scope, ActionKind::Deal, Some(lead_id)),
        stage: shown.stage.unwrap_or(edit.stage),
        edit,
        values,
        errors: shown.errors,
        problem: shown.problem,
    };
    Ok(app.page(status, scope.lang, &PageView::DealEdit(Box::new(page))))
}

/// `GET /deal?t=…&edit=1`: the deal's stage, loss reason, budget, responsible and fields, to change.
pub(crate) async fn edit_page(
    app: &App,
    got: &PageRequest,
    lead_id: i64,
) -> Result<Response, Error> {
    let shown = Shown {
        stage: None,
        values: None,
        errors: Vec::new(),
        problem: None,
    };
    let (scope, ctx) = (got.claims.scope(), got.claims.context());
    edit_response(app, &scope, &ctx, lead_id, shown, StatusCode::OK).await
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
    let shown = |errors, problem| Shown {
        stage,
        values: Some(typed_values_of(&posted.fields, KEPT)),
        errors,
        problem,
    };
    match Box::pin(app.domain().change_deal(&ctx, lead_id, change)).await {
        Ok(()) => {
            let card = app.action(&scope, ActionKind::Deal, Some(lead_id));
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
