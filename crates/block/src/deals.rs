//! Deal routes: the new-deal form and its submit, the deal card and its comment (or, with `log=1`, the ticket
//! logged to the deal: `ticket_log.rs`).

use std::collections::HashMap;

use domain::store::ConnectionId;
use domain::{DealDraft, FieldError, FieldKey, StageRef};
use http::StatusCode;

use crate::Error;
use crate::app::{App, Created};
use crate::extract::{ActionPost, PageRequest, subject};
use crate::http::{self as web, Fields, Response};
use crate::token::{ActionKind, Scope};
use crate::view::model::{Action, PageView, Problem};
use crate::view::ticket_log::TicketLogShown;

/// The (pipeline, stage) a form names: `stage=pipeline:status`, or `pipeline` and `status` apart.
pub(crate) fn chosen_stage(fields: &Fields) -> (Option<i64>, Option<i64>) {
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
    typed_values_of(fields, &["name", "price", "responsible", "note"])
}

/// The values typed so far of the built-in fields `built_in` and every custom field, by field key, in the
/// order first seen.
pub(crate) fn typed_values_of(fields: &Fields, built_in: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut values: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (key, value) in fields.pairs() {
        let kept = built_in.contains(&key.as_str()) || key.starts_with("cf:");
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
pub(crate) fn custom_fields(fields: &Fields) -> Vec<(i64, Vec<String>)> {
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
    problem: Option<Problem>,
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
        problem: state.problem,
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
        problem: None,
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
    let state = |errors, problem| FormState {
        stage: pipeline_id.zip(status_id).map(StageRef::from),
        values: typed_values(fields),
        errors,
        problem,
    };
    let scope = posted.scope();
    match app
        .domain()
        .create_deal(&posted.claims.context(), draft)
        .await
    {
        Ok(created) => {
            app.remember_created(scope.connection, Created::Deal(created.id, domain::now()));
            let card = app.action(&scope, ActionKind::Deal, Some(created.id));
            Ok(posted.see_other(&page_url(&card)))
        }
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            form_page(app, &scope, contact_id, state(errors, None), status).await
        }
        Err(e) => {
            let e = Error::from(e);
            match posted.problem(app, &e).await {
                Some((problem, classified)) => {
                    let state = state(Vec::new(), Some(problem));
                    // The form's own metadata may be out of reach too: then the failure page says why.
                    let page = form_page(app, &scope, contact_id, state, classified.status).await;
                    page.map(|p| web::with_retry_after(p, classified.retry_after))
                        .map_err(|_| e)
                }
                None => Err(e),
            }
        }
    }
}

/// The address of a GET page with its token in the query.
pub(crate) fn page_url(action: &Action) -> String {
    page_url_with(action, &[])
}

/// The address of a GET page with its token and `extra` in the query.
pub(crate) fn page_url_with(action: &Action, extra: &[(&str, String)]) -> String {
    let mut url = url::Url::parse(&action.url).expect("our own URLs parse");
    url.query_pairs_mut().append_pair("t", &action.token);
    for (key, value) in extra {
        url.query_pairs_mut().append_pair(key, value);
    }
    url.to_string()
}

/// What the card page shows under a comment that was not taken.
struct Refused {
    /// The contact the card was opened from (read beside the deal), when known.
    contact: Option<i64>,
    errors: Vec<FieldError>,
    text: String,
    problem: Option<Problem>,
    /// Not a refusal: how the "Log this ticket" press the card follows ended.
    logged: Option<TicketLogShown>,
    /// Whether the deal was just changed (the card says so).
    changed: bool,
}

async fn card_page(
    app: &App,
    scope: &Scope,
    lead_id: i64,
    refused: Refused,
    status: StatusCode,
) -> Result<Response, Error> {
    let connection: ConnectionId = scope.connection;
    let card = app
        .domain()
        .deal_card(connection, lead_id, refused.contact)
        .await?;
    let page = PageView::DealCard {
        card: Box::new(card),
        comment: app.action(scope, ActionKind::Comment, Some(lead_id)),
        edit: Some(app.action_about(scope, ActionKind::Deal, (Some(lead_id), refused.contact))),
        changed: refused.changed,
        errors: refused.errors,
        text: refused.text,
        problem: refused.problem,
        can_log: scope.ticket.is_some(),
        logged: refused.logged,
    };
    Ok(app.page(status, scope.lang, &page))
}

/// `GET /deal?t=…`: the deal card with a comment form above its feed (after "Log this ticket to the deal",
/// `log=done|already|pending` and `at` say how it ended; `changed=1`: with a banner saying the deal was just
/// changed); with `edit=1`, the deal's edit page.
pub(crate) async fn deal_card(app: &App, got: PageRequest) -> Result<Response, Error> {
    let lead_id = subject(&got.claims)?;
    if got.query.text("edit") == Some("1") {
        return crate::deal_edit::edit_page(app, &got, lead_id).await;
    }
    let refused = Refused {
        contact: got.claims.contact,
        errors: Vec::new(),
        text: String::new(),
        problem: None,
        logged: TicketLogShown::from_query(got.query.text("log"), got.query.text("at")),
        changed: got.query.text("changed") == Some("1"),
    };
    card_page(app, &got.claims.scope(), lead_id, refused, StatusCode::OK).await
}

/// `POST /action/comment`: posts the field `text` as a note on the token's deal, then goes back to the card
/// (`303`), where the note is the newest entry of the feed (in place: `{"ok": true}`). A refused or lost
/// comment brings the card back with the text kept, and says why.
pub(crate) async fn comment(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    if posted.fields.get("log").is_some() {
        return crate::ticket_log::log_ticket(app, posted).await;
    }
    let lead_id = subject(&posted.claims)?;
    let text = posted.fields.get("text").unwrap_or_default();
    let scope = posted.scope();
    match app
        .domain()
        .post_comment(&posted.claims.context(), lead_id, text)
        .await
    {
        Ok(()) => {
            app.inner.rendered.forget_ticket(scope.ticket);
            let card = app.action(&scope, ActionKind::Deal, Some(lead_id));
            Ok(posted.see_other(&page_url(&card)))
        }
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let refused = Refused {
                contact: None,
                errors,
                text: text.to_owned(),
                problem: None,
                logged: None,
                changed: false,
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            card_page(app, &scope, lead_id, refused, status).await
        }
        Err(e) => {
            let e = Error::from(e);
            let Some((problem, classified)) = posted.problem(app, &e).await else {
                return Err(e);
            };
            let refused = Refused {
                contact: None,
                errors: Vec::new(),
                text: text.to_owned(),
                problem: Some(problem.clone()),
                logged: None,
                changed: false,
            };
            let page = match card_page(app, &scope, lead_id, refused, classified.status).await {
                Ok(page) => page,
                // The card is out of reach too: the comment form alone keeps the text.
                Err(_) => {
                    let page = PageView::CommentForm {
                        comment: app.action(&scope, ActionKind::Comment, Some(lead_id)),
                        text: text.to_owned(),
                        problem,
                    };
                    app.page(classified.status, scope.lang, &page)
                }
            };
            Ok(web::with_retry_after(page, classified.retry_after))
        }
    }
}
