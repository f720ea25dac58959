//! The contact, link and settings routes. Their tokens are checked before they run (`extract`); a handler's
//! error is answered there too.

use domain::NewContactInput;
use domain::store::FieldChoices;
use http::StatusCode;

use crate::Error;
use crate::app::{App, Created};
use crate::extract::{ActionPost, PageRequest, subject};
use crate::http::{self as web, Fields, Response};
use crate::token::{ActionKind, Scope};
use crate::view::model::{Done, PageView, TriggerSecretPage, TriggerSecretSection};

/// Non-blank values of a repeated field, trimmed.
fn filled(fields: &Fields, key: &str) -> Vec<String> {
    fields
        .all(key)
        .into_iter()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The field keys ticked in `key`; a value that names no field is left out, as an unknown field is.
fn field_keys(fields: &Fields, key: &str) -> Vec<domain::FieldKey> {
    filled(fields, key)
        .iter()
        .filter_map(|k| k.parse().ok())
        .collect()
}

/// `GET /action/contact?t=…[&name=…&phone=…&email=…]`: the new-contact form, prefilled.
pub(crate) async fn contact_form(app: &App, got: PageRequest) -> Result<Response, Error> {
    let scope = got.claims.scope();
    let page = PageView::ContactForm {
        submit: app.action(&scope, ActionKind::CreateContact, None),
        name: got.query.text("name").unwrap_or_default().to_owned(),
        phones: filled(&got.query, "phone"),
        emails: filled(&got.query, "email"),
        errors: Vec::new(),
        problem: None,
    };
    Ok(app.page(StatusCode::OK, scope.lang, &page))
}

/// `POST /action/contact`: creates the contact and links the client to it, then shows it (in place:
/// `{"ok": true}`). A refused field, or an amoCRM that did not take the write, brings the form back with every
/// value kept.
pub(crate) async fn create_contact(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let input = NewContactInput {
        name: posted
            .fields
            .get("name")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        phones: filled(&posted.fields, "phone"),
        emails: filled(&posted.fields, "email"),
        responsible_user_id: None,
    };
    let scope = posted.scope();
    let form = |errors, problem| PageView::ContactForm {
        submit: app.action(&scope, ActionKind::CreateContact, None),
        name: input.name.clone(),
        phones: input.phones.clone(),
        emails: input.emails.clone(),
        errors,
        problem,
    };
    match app
        .domain()
        .create_contact(&posted.claims.context(), input.clone())
        .await
    {
        Ok(created) => {
            app.remember_created(
                scope.connection,
                Created::Contact(created.id, domain::now()),
            );
            Ok(posted.done(
                app,
                Done::ContactCreated {
                    name: created.name,
                    url: created.url,
                    phones: input.phones.clone(),
                    emails: input.emails.clone(),
                    new_deal: Some(app.action(&scope, ActionKind::NewDeal, Some(created.id))),
                },
            ))
        }
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let page = form(errors, None);
            Ok(app.page(StatusCode::UNPROCESSABLE_ENTITY, scope.lang, &page))
        }
        Err(e) => {
            let e = Error::from(e);
            match posted.problem(app, &e).await {
                Some((problem, classified)) => Ok(web::with_retry_after(
                    app.page(
                        classified.status,
                        scope.lang,
                        &form(Vec::new(), Some(problem)),
                    ),
                    classified.retry_after,
                )),
                None => Err(e),
            }
        }
    }
}

/// `POST /action/link`: binds the client to the token's contact.
pub(crate) async fn link(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let contact_id = subject(&posted.claims)?;
    app.domain()
        .link(&posted.claims.context(), contact_id)
        .await?;
    Ok(posted.done(app, Done::Linked))
}

/// `POST /action/unlink`: removes the client's link.
pub(crate) async fn unlink(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    app.domain().unlink(&posted.claims.context()).await?;
    Ok(posted.done(app, Done::Unlinked))
}

async fn settings_page(app: &App, scope: &Scope, saved: bool) -> Result<Response, Error> {
    let (settings, secret) = tokio::join!(
        app.domain().field_settings(scope.connection),
        app.domain().trigger_secret_status(scope.connection)
    );
    let (settings, secret) = (settings?, secret?);
    let page = PageView::Settings {
        submit: app.action(scope, ActionKind::SaveSettings, None),
        settings: Box::new(settings),
        saved,
        trigger_secret: TriggerSecretSection {
            set: secret.set,
            created_at: secret.created_at,
            required: secret.required,
            create: app.action(scope, ActionKind::TriggerSecret, None),
            endpoint: app.url("api/freeCreateLead").to_string(),
        },
        connection: app.action(scope, ActionKind::Connection, None),
    };
    Ok(app.page(StatusCode::OK, scope.lang, &page))
}

/// `GET /action/settings?t=…`: the gear — which fields the deals list and the deal card show.
pub(crate) async fn settings(app: &App, got: PageRequest) -> Result<Response, Error> {
    settings_page(app, &got.claims.scope(), false).await
}

/// `POST /action/settings`: saves the ticked fields (`list` and `card`, repeated).
pub(crate) async fn save_settings(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let choices = FieldChoices {
        list: field_keys(&posted.fields, "list"),
        card: field_keys(&posted.fields, "card"),
    };
    app.domain()
        .save_field_choices(&posted.claims.context(), choices)
        .await?;
    if posted.json {
        return Ok(web::json(
            StatusCode::OK,
            serde_json::json!({"ok": true}).to_string(),
        ));
    }
    settings_page(app, &posted.scope(), true).await
}

/// `POST /action/trigger-secret`: creates (or rotates) the connection's trigger secret and shows it, this once,
/// with how to put it in a Usedesk trigger. The old secret stops working at once. The answer is a page only: the
/// secret is never sent to an in-place handler, and a reload of the page is refused (the token is spent).
pub(crate) async fn trigger_secret(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let created = app
        .domain()
        .create_trigger_secret(&posted.claims.context())
        .await?;
    let page = PageView::TriggerSecret(Box::new(TriggerSecretPage {
        secret: created.secret,
        replaced: created.replaced,
        integration_id: posted.claims.connection.to_string(),
        endpoint: app.url("api/freeCreateLead").to_string(),
        ticket_id: posted.claims.ticket,
        required: app.domain().config().require_trigger_secret,
    }));
    Ok(app.page(StatusCode::OK, posted.lang(), &page))
}
