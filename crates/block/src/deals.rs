//! Deal routes: the new-deal form and its submit, the deal card and its comment.

use std::collections::HashMap;

use domain::store::ConnectionId;
use domain::{DealDraft, FieldError, FieldKey, StageRef};
use http::StatusCode;

use crate::Error;
use crate::app::App;
use crate::extract::{ActionPost, PageRequest, subject};
use crate::http::{Fields, Response};
use crate::token::{ActionKind, Scope};
use crate::view::model::{Done, PageView};

/// The (pipeline, stage) a form names: `stage=pipeline:status`, or `pipeline` and `status` apart.
fn chosen_stage(fields: &Fields) -> (Option<i64>, Option<i64>) {
    if let Some(stage) = fields
        .text("stage")
        .and_then(|s| s.parse::<StageRef>().ok())
    {
        return (Some(stage.pipeline_id), Some(stage.status_id));
    }
    (
        fields.text("pipeline").and_then(|p| p.parse().ok()),
        fields.text("status").and_then(|s| s.parse().ok()),
    )
}

/// The values typed so far, by field key, in the order first seen; one pass, indexed by key.
fn typed_values(fields: &Fields) -> Vec<(String, Vec<String>)> {
    let mut values: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (key, value) in fields.pairs() {
        let kept = matches!(key.as_str(), "name" | "price" | "responsible" | "note")
            || key.starts_with("cf:");
        if !kept {
            continue;
        }
        match index.get(key.as_str()) {
            Some(&at) => values[at].1.push(value.clone()),
            None => {
                index.insert(key, values.len());
                values.push((key.clone(), vec![value.clone()]));
            }
        }
    }
    values
}

/// The custom field values of the form by field id; fields left entirely blank are left out, so the
/// domain reports them only when the stage requires them.
fn custom_fields(fields: &Fields) -> Vec<(i64, Vec<String>)> {
    typed_values(fields)
        .into_iter()
        .filter_map(|(key, values)| {
            let id = key.parse::<FieldKey>().ok()?.custom_id()?;
            values
                .iter()
                .any(|v| !v.trim().is_empty())
                .then_some((id, values))
        })
        .collect()
}

struct FormState {
    stage: Option<StageRef>,
    values: Vec<(String, Vec<String>)>,
    errors: Vec<FieldError>,
}

async fn form_page(
    app: &App,
    scope: &Scope,
    contact_id: i64,
    state: FormState,
    status: StatusCode,
) -> Result<Response, Error> {
    let form = app.domain().deal_form(scope.connection).await?;
    let stage = state.stage.or_else(|| form.default_stage());
    let page = PageView::DealForm {
        submit: app.action(scope, ActionKind::CreateDeal, Some(contact_id)),
        reload: app.action(scope, ActionKind::NewDeal, Some(contact_id)),
        form: Box::new(form),
        stage,
        values: state.values,
        errors: state.errors,
    };
    Ok(app.page(status, scope.lang, &page))
}

/// `GET /action/deal?t=…[&stage=p:s | &pipeline=…&status=…]`: the new-deal form; the chosen stage
/// decides which fields it marks as required. Values typed before a reload are kept. The form's own submit
/// token may come back here through "Show required fields".
pub(crate) async fn deal_form(app: &App, got: PageRequest) -> Result<Response, Error> {
    let scope = got.claims.scope();
    let contact_id = subject(&got.claims)?;
    let stage = match chosen_stage(&got.query) {
        (Some(pipeline), Some(status)) => Some(StageRef::new(pipeline, status)),
        _ => None,
    };
    let state = FormState {
        stage,
        values: typed_values(&got.query),
        errors: Vec::new(),
    };
    form_page(app, &scope, contact_id, state, StatusCode::OK).await
}

/// `POST /action/deal`: creates the deal for the token's contact; refused fields re-render the form
/// with the values kept.
pub(crate) async fn create_deal(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let contact_id = subject(&posted.claims)?;
    let fields = &posted.fields;
    let (pipeline_id, status_id) = chosen_stage(fields);
    let draft = DealDraft {
        name: fields.get("name").unwrap_or_default().trim().to_owned(),
        price: fields.text("price").map(str::to_owned),
        pipeline_id,
        status_id,
        responsible_user_id: fields.text("responsible").and_then(|r| r.parse().ok()),
        fields: custom_fields(fields),
        contact_id: Some(contact_id),
        note: fields.text("note").map(str::to_owned),
    };
    match app
        .domain()
        .create_deal(&posted.claims.context(), draft)
        .await
    {
        Ok(created) => Ok(posted.done(
            app,
            Done::DealCreated {
                name: created.name,
                url: created.url,
            },
        )),
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let state = FormState {
                stage: pipeline_id.zip(status_id).map(StageRef::from),
                values: typed_values(fields),
                errors,
            };
            let scope = posted.scope();
            form_page(
                app,
                &scope,
                contact_id,
                state,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn card_page(
    app: &App,
    scope: &Scope,
    lead_id: i64,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, Error> {
    let connection: ConnectionId = scope.connection;
    let card = app.domain().deal_card(connection, lead_id).await?;
    let page = PageView::DealCard {
        card: Box::new(card),
        comment: app.action(scope, ActionKind::Comment, Some(lead_id)),
        errors,
    };
    Ok(app.page(status, scope.lang, &page))
}

/// `GET /deal?t=…`: the deal card with its feed and a comment form.
pub(crate) async fn deal_card(app: &App, got: PageRequest) -> Result<Response, Error> {
    let lead_id = subject(&got.claims)?;
    card_page(
        app,
        &got.claims.scope(),
        lead_id,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /action/comment`: posts the field `text` as a note on the token's deal.
pub(crate) async fn comment(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let lead_id = subject(&posted.claims)?;
    let text = posted.fields.get("text").unwrap_or_default();
    match app
        .domain()
        .post_comment(&posted.claims.context(), lead_id, text)
        .await
    {
        Ok(()) => Ok(posted.done(app, Done::Commented)),
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let scope = posted.scope();
            card_page(
                app,
                &scope,
                lead_id,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
