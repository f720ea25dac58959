//! The texts of JSON answers: in-place failures in the agent's language, and the trigger API's English.
//!
//! Pages and blocks are rendered by the views; these are the few texts that travel as JSON strings.

use domain::{FieldError, FieldErrorCode, FieldKey};
use i18n::{Arg, Lang, Translator};

use crate::view::model::Failure;

fn t(lang: Lang, id: &str) -> String {
    Translator::global().t(lang, id)
}

fn t1(lang: Lang, id: &str, name: &str, value: impl Into<Arg>) -> String {
    Translator::global().t_args(lang, id, &[(name, value.into())])
}

/// Why an action failed, as the agent reads it.
pub(crate) fn failure(lang: Lang, failure: &Failure, reference: &str) -> String {
    match failure {
        Failure::TokenInvalid => t(lang, "action-token-invalid"),
        Failure::TokenExpired => t(lang, "action-token-expired"),
        Failure::TokenReplayed => t(lang, "action-token-replayed"),
        Failure::NeedsLogin => t(lang, "state-login-expired"),
        Failure::Busy => t(lang, "state-busy"),
        Failure::Queued { seconds } => t1(
            lang,
            "state-queued",
            "seconds",
            i64::try_from(*seconds).unwrap_or(i64::MAX),
        ),
        Failure::Blocked => t(lang, "state-blocked"),
        Failure::PaymentRequired => t(lang, "state-payment-required"),
        Failure::Unavailable => t(lang, "action-unavailable"),
        Failure::NotFound => t(lang, "action-not-found"),
        Failure::Rejected(reason) => t1(lang, "action-rejected", "reason", reason.as_str()),
        Failure::Internal => t1(lang, "state-internal-error", "ref", reference),
    }
}

/// That a write whose answer was lost may have been saved all the same, and what was typed is kept.
pub(crate) fn maybe_saved(lang: Lang) -> String {
    t(lang, "form-problem-maybe-saved")
}

/// The name of a field the agent knows it by: its amoCRM name, or the form's label for a built-in key.
fn field_name(lang: Lang, error: &FieldError) -> String {
    if let Some(label) = error.label.as_deref().filter(|l| !l.trim().is_empty()) {
        // For phones and e-mails the label is the refused value; the field's own name reads better.
        if !matches!(error.field, FieldKey::Phone | FieldKey::Email) {
            return label.to_owned();
        }
    }
    match label_id(error.field, "form-name") {
        Some(id) => t(lang, id),
        None => error.field.to_string(),
    }
}

/// The message naming a built-in field (`name_id` for the name, which reads differently on each form); `None`
/// for a custom field, which has its own name.
pub(crate) fn label_id(field: FieldKey, name_id: &'static str) -> Option<&'static str> {
    Some(match field {
        FieldKey::Name => name_id,
        FieldKey::Price => "form-price",
        FieldKey::Phone => "form-phone",
        FieldKey::Email => "form-email",
        FieldKey::Responsible => "form-responsible",
        FieldKey::Stage => "form-pipeline-stage",
        FieldKey::Comment => "comment-label",
        FieldKey::Note => "feed-note-title",
        FieldKey::LossReason => "form-loss-reason",
        FieldKey::Position => "contact-position",
        FieldKey::Company => "form-company",
        FieldKey::Custom(_) => return None,
    })
}

/// One refused field, as the agent reads it.
pub(crate) fn field_error(lang: Lang, error: &FieldError) -> String {
    field_error_naming(lang, error, &field_name(lang, error))
}

/// One refused field, as the agent reads it, calling the field `name` (a form names it by its label there, or by
/// the refused value).
pub(crate) fn field_error_naming(lang: Lang, error: &FieldError, name: &str) -> String {
    match (&error.code, error.field) {
        (FieldErrorCode::Required, FieldKey::Comment) => t(lang, "error-comment-empty"),
        (FieldErrorCode::Required, _) => t1(lang, "error-field-required", "field", name),
        (FieldErrorCode::Number, FieldKey::Phone) => t1(lang, "error-field-phone", "field", name),
        (FieldErrorCode::Enum, FieldKey::Email) => t1(lang, "error-field-email", "field", name),
        (FieldErrorCode::Number, _) => t1(lang, "error-field-number", "field", name),
        (FieldErrorCode::Enum, _) => t1(lang, "error-field-enum", "field", name),
        (FieldErrorCode::Date, _) => t1(lang, "error-field-date", "field", name),
        (FieldErrorCode::Url, _) => t1(lang, "error-field-url", "field", name),
        (FieldErrorCode::Checkbox, _) => t(lang, "error-field-checkbox"),
        (FieldErrorCode::TooLong { max }, _) => Translator::global().t_args(
            lang,
            "error-field-too-long",
            &[
                ("field", Arg::from(name)),
                ("max", Arg::from(i64::try_from(*max).unwrap_or(i64::MAX))),
            ],
        ),
        (FieldErrorCode::UnknownField, _) => t1(lang, "error-field-unknown", "field", name),
        (FieldErrorCode::StageNotInPipeline, _) => t(lang, "error-stage-not-in-pipeline"),
        (FieldErrorCode::Refused { detail }, _) => Translator::global().t_args(
            lang,
            "error-field-refused",
            &[
                ("field", Arg::from(name)),
                ("detail", Arg::from(detail.as_str())),
            ],
        ),
    }
}

/// Every refused field, one sentence after another.
pub(crate) fn field_errors(lang: Lang, errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| field_error(lang, e))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why the block's stage select did not move a deal, beside it: the fields (or loss reason) the stage needs, named
/// together; any other refusal as its own sentence.
pub(crate) fn move_refused(lang: Lang, errors: &[FieldError]) -> String {
    if errors.iter().all(|e| e.code == FieldErrorCode::Required) {
        let names: Vec<String> = errors.iter().map(|e| field_name(lang, e)).collect();
        let names = names.join(", ");
        // The sentence ends with its own full stop: a name ending in one ("Agreement no.") does not add another.
        let names = names.strip_suffix('.').unwrap_or(&names);
        return t1(lang, "deal-move-needs", "fields", names);
    }
    field_errors(lang, errors)
}
