//! Changes to a shown contact from the block: adding one of the client's phones or e-mails it lacks
//! (`POST /action/contact-value`, in place or as a page).

use domain::edit::ClientValue;
use domain::{FieldError, FieldErrorCode, FieldKey};

use crate::Error;
use crate::app::App;
use crate::extract::{ActionPost, subject};
use crate::http::Response;
use crate::view::model::Done;

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
