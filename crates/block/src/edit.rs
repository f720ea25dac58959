//! Changes to a shown contact from the block: adding one of the client's phones or e-mails it lacks
//! (`POST /action/contact-value`, in place or as a page), and its name, position and responsible user
//! (`GET`/`POST /action/contact-edit`).

use domain::edit::ClientValue;
use domain::{FieldError, FieldErrorCode, FieldKey};

use http::StatusCode;

use crate::Error;
use crate::app::App;
use crate::extract::{ActionPost, subject};
use crate::http::Response;
use crate::token::ActionKind;
use crate::view::model::{Done, PageView};

/// `POST /action/contact-value` with `phone` or `email`: adds the value to the token's contact, keeping the
/// values it has.
pub(crate) async fn add_value(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let contact_id = subject(&posted.claims)?;
    let country = app.domain().config().default_country.clone();
    let phone = posted.fields.text("phone");
    let email = posted.fields.text("email");
    let value = match (phone, email) {
        (Some(raw), None) => ClientValue::phone(raw, country.as_deref())
            .ok_or_else(|| refused(FieldKey::Phone, raw, FieldErrorCode::Number))?,
        (None, Some(raw)) => ClientValue::email(raw)
            .ok_or_else(|| refused(FieldKey::Email, raw, FieldErrorCode::Enum))?,
        _ => {
            return Err(domain::Error::Validation(vec![FieldError {
                field: FieldKey::Phone,
                label: None,
                code: FieldErrorCode::Required,
            }])
            .into());
        }
    };
    let shown = value.value().to_owned();
    app.domain()
        .add_contact_value(&posted.claims.context(), contact_id, value)
        .await?;
    Ok(posted.done(app, Done::ValueAdded { value: shown }))
}

fn refused(field: FieldKey, raw: &str, code: FieldErrorCode) -> Error {
    domain::Error::Validation(vec![FieldError {
        field,
        label: Some(raw.to_owned()),
        code,
    }])
    .into()
}

/// `GET /action/contact-edit?t=…`: the contact's name, position and responsible user, to change.
pub(crate) async fn edit_form(
    app: &App,
    got: crate::extract::PageRequest,
) -> Result<Response, Error> {
    let scope = got.claims.scope();
    let contact_id = subject(&got.claims)?;
    let contact = app
        .domain()
        .contact_edit(&got.claims.context(), contact_id)
        .await?;
    let page = PageView::ContactEdit {
        submit: app.action(&scope, ActionKind::SaveContact, Some(contact_id)),
        contact: Box::new(contact),
        errors: Vec::new(),
    };
    Ok(app.page(StatusCode::OK, scope.lang, &page))
}

/// `POST /action/contact-edit` with `name`, `position` and `responsible`: saves what changed.
pub(crate) async fn save_contact(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let contact_id = subject(&posted.claims)?;
    let changes = domain::edit::ContactChanges {
        name: posted.fields.get("name").unwrap_or_default().to_owned(),
        position: posted.fields.get("position").unwrap_or_default().to_owned(),
        responsible_user_id: posted
            .fields
            .text("responsible")
            .and_then(|v| v.parse::<i64>().ok()),
    };
    match app
        .domain()
        .update_contact(&posted.claims.context(), contact_id, &changes)
        .await
    {
        Ok(()) => Ok(posted.done(app, Done::ContactSaved)),
        Err(domain::Error::Validation(errors)) if !posted.json => {
            let scope = posted.scope();
            let mut contact = app
                .domain()
                .contact_edit(&posted.claims.context(), contact_id)
                .await?;
            contact.name = changes.name;
            contact.position = changes.position;
            contact.responsible_user_id =
                changes.responsible_user_id.or(contact.responsible_user_id);
            let page = PageView::ContactEdit {
                submit: app.action(&scope, ActionKind::SaveContact, Some(contact_id)),
                contact: Box::new(contact),
                errors,
            };
            Ok(app.page(StatusCode::UNPROCESSABLE_ENTITY, scope.lang, &page))
        }
        Err(e) => Err(e.into()),
    }
}
