//! The contact, link and settings routes. Their tokens are checked before they run (`extract`); a handler's
//! error is answered there too.

use domain::store::FieldChoices;
use domain::{CompanyPick, NewContactInput};
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

/// `GET /action/contact?t=…[&name=…&phone=…&email=…&company=…]`: the new-contact form, prefilled.
pub(crate) async fn contact_form(app: &App, got: PageRequest) -> Result<Response, Error> {
    let scope = got.claims.scope();
    let page = PageView::ContactForm {
        submit: app.action(&scope, ActionKind::CreateContact, None),
        name: got.query.text("name").unwrap_or_default().to_owned(),
        phones: filled(&got.query, "phone"),
        emails: filled(&got.query, "email"),
        company: got
            .query
            .text("company")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        company_choice: Vec::new(),
        errors: Vec::new(),
        problem: None,
    };
    Ok(app.page(StatusCode::OK, scope.lang, &page))
}

/// The company asked for the new contact: the typed name, or — when the form offered a choice among companies of
/// that very name (`company_for`) — the chosen one (`company_pick`: an id, or `new`). A choice made for another
/// name than the one now typed is dropped: the name is matched again.
fn company_pick(fields: &Fields) -> CompanyPick {
    let name = fields.get("company").unwrap_or_default().trim();
    if name.is_empty() {
        return CompanyPick::None;
    }
    let offered_for = fields.get("company_for").map(str::trim);
    if offered_for.is_some_and(|offered| offered.to_lowercase() == name.to_lowercase()) {
        match fields.get("company_pick").map(str::trim) {
            Some("new") => return CompanyPick::New(name.to_owned()),
            Some(id) => {
                if let Ok(id) = id.parse() {
                    return CompanyPick::Existing(id);
                }
            }
            None => {}
        }
    }
    CompanyPick::Named(name.to_owned())
}

/// `POST /action/contact`: creates the contact (attached to its company, when one is typed) and links the client
/// to it, then shows it (in place: `{"ok": true}`). A refused field, several companies with the typed name, or an
/// amoCRM that did not take the write, brings the form back with every value kept.
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
        company: company_pick(&posted.fields),
    };
    let scope = posted.scope();
    let form = |errors, problem, company_choice| PageView::ContactForm {
        submit: app.action(&scope, ActionKind::CreateContact, None),
        name: input.name.clone(),
        phones: input.phones.clone(),
        emails: input.emails.clone(),
        company: posted
            .fields
            .get("company")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        company_choice,
        errors,
        problem,
    };
    match app
        .domain()
        .create_contact(&posted.claims.context(), input.clone())
        .await
    {
        Ok(created) => {
            let contact = created.contact;
            app.remember_created(
                scope.connection,
                Created::Contact(contact.id, domain::now()),
            );
            Ok(posted.done(
                app,
                Done::ContactCreated {
                    name: contact.name,
                    url: contact.url,
                    phones: input.phones.clone(),
                    emails: input.emails.clone(),
                    new_deal: Some(app.action(&scope, ActionKind::NewDeal, Some(contact.id))),
                    company: created.company,
                },
            ))
        }
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let page = form(errors, None, Vec::new());
            Ok(app.page(StatusCode::UNPROCESSABLE_ENTITY, scope.lang, &page))
        }
        Err(domain::Error::CompanyChoice(companies)) if !posted.json => {
            // Nothing was written: the same form, asking which company is meant.
            let page = form(Vec::new(), None, companies);
            Ok(app.page(StatusCode::OK, scope.lang, &page))
        }
        Err(e) => {
            let e = Error::from(e);
            match posted.problem(app, &e).await {
                Some((problem, classified)) => Ok(web::with_retry_after(
                    app.page(
                        classified.status,
                        scope.lang,
                        &form(Vec::new(), Some(problem), Vec::new()),
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
