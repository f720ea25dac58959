//! The form pages: a new contact and a new deal (with the fields the chosen stage requires); the gear is in
//! `settings.rs`.
//! They post plainly (no script element on our pages; the deal form's stage select has one inline handler that
//! reveals the stage's required fields, and the form is whole without it); a refused submit comes back with the
//! values kept and every error listed at the top and beside its field.

use askama::Template;
use domain::fields::{FieldDef, FieldKind};
use domain::{DealForm, FieldError, FieldErrorCode, FieldKey, StageRef};
use i18n::Arg;

use super::model::{Action, Problem};
use super::style::FormTarget;
use super::text::Tr;

/// The new-contact form.
#[derive(Template)]
#[template(path = "page/contact_form.html")]
struct ContactForm {
    t: Tr,
    title: String,
    submit: Option<FormTarget>,
    errors: Vec<ErrorLine>,
    problem: Option<Banner>,
    name: Input,
    phones: Vec<Input>,
    emails: Vec<Input>,
}

/// The new-deal form: name, budget, stage, responsible, the note, the fields the chosen stage requires and the
/// ones the gear chose; every other field folded under "More fields".
#[derive(Template)]
#[template(path = "page/deal_form.html")]
struct DealFormPage {
    t: Tr,
    title: String,
    submit: Option<FormTarget>,
    reload: Option<FormTarget>,
    errors: Vec<ErrorLine>,
    problem: Option<Banner>,
    name: Input,
    price_label: String,
    price: Input,
    stages: Vec<Group>,
    stage_error: Option<String>,
    users: Vec<Choice>,
    responsible_error: Option<String>,
    note: Input,
    /// The custom fields shown: the chosen stage's required ones and the gear's.
    main: Vec<Custom>,
    /// The custom fields folded under "More fields".
    more: Vec<Custom>,
    /// Whether "More fields" starts open: a folded field holds a value (the form came back refused).
    more_open: bool,
    any_required: bool,
    /// The stage select's handler (allowed by the page's policy by its hash).
    on_stage: &'static str,
}

/// A text input: its value and the error beside it.
pub(super) struct Input {
    pub(super) id: String,
    pub(super) value: String,
    pub(super) error: Option<String>,
}

/// One line of a form's error summary, linking to the field it is about.
pub(super) struct ErrorLine {
    pub(super) text: String,
    /// The id of the field's input, when the form has one.
    pub(super) anchor: Option<String>,
}

/// What the form says above itself when amoCRM did not take the submit: why, that nothing typed is lost, and
/// the button that sends it again.
pub(super) struct Banner {
    pub(super) reason: String,
    pub(super) kept: String,
    pub(super) reference: Option<String>,
}

impl Banner {
    pub(super) fn of(tr: &Tr, problem: &Problem) -> Self {
        let reason = super::page::failure_line(tr, &problem.reason, &problem.reference);
        let reference = (!matches!(problem.reason, super::model::Failure::Internal)
            && !problem.reference.is_empty())
        .then(|| tr.arg("block-reference", "ref", &problem.reference));
        Self {
            reason,
            kept: tr.t(if problem.maybe_saved {
                "form-problem-maybe-saved"
            } else {
                "form-problem-not-saved"
            }),
            reference,
        }
    }
}

/// An option of a select, a radio group or a checkbox list.
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) text: String,
    pub(super) selected: bool,
}

/// A group of options (a pipeline with its stages).
pub(super) struct Group {
    pub(super) label: String,
    pub(super) options: Vec<Choice>,
}

/// How a custom field is entered.
#[derive(PartialEq, Eq)]
pub(super) enum InputKind {
    Text,
    Textarea,
    Number,
    Checkbox,
    Select,
    Radio,
    Multiselect,
    Date,
    DateTime,
    Url,
}

/// A custom field of the deal form.
pub(super) struct Custom {
    pub(super) key: String,
    pub(super) id: String,
    pub(super) label: String,
    pub(super) kind: InputKind,
    pub(super) value: String,
    pub(super) options: Vec<Choice>,
    /// Where it is required, in words ("Required at: Sales → Negotiation"); `None` when nowhere.
    pub(super) required_line: Option<String>,
    /// The `pipeline:status` pairs where it is required, space-separated, for the stage select's handler.
    pub(super) required_in: Option<String>,
    /// Whether the chosen stage requires it.
    pub(super) required_now: bool,
    /// Whether it goes back under "More fields" when no stage requires it (the gear did not choose it).
    pub(super) fold: bool,
    pub(super) error: Option<String>,
}

/// Why a form comes back: the fields refused, or amoCRM not taking the submit.
pub(crate) struct Refused<'a> {
    pub(crate) errors: &'a [FieldError],
    pub(crate) problem: Option<&'a Problem>,
}

/// The contact form's values as typed.
pub(crate) struct ContactValues<'a> {
    pub(crate) name: &'a str,
    pub(crate) phones: &'a [String],
    pub(crate) emails: &'a [String],
}

pub(crate) fn contact(
    tr: Tr,
    submit: &Action,
    values: &ContactValues<'_>,
    errors: &[FieldError],
    problem: Option<&Problem>,
) -> askama::Result<String> {
    let ContactValues {
        name,
        phones,
        emails,
    } = *values;
    let labels = |e: &FieldError| builtin_label(&tr, e.field, "form-name");
    let error_for = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| error_text(&tr, e, &labels(e)))
    };
    // A phone or e-mail error names the refused value, so it is shown beside the input holding that value.
    let inputs = |values: &[String], field: &str| -> Vec<Input> {
        values
            .iter()
            .filter(|v| !v.trim().is_empty())
            .enumerate()
            .map(|(i, v)| Input {
                id: format!("f-{field}-{i}"),
                value: v.clone(),
                error: errors
                    .iter()
                    .find(|e| e.field == field && e.label.as_deref() == Some(v.as_str()))
                    .map(|e| error_text(&tr, e, &labels(e))),
            })
            .collect::<Vec<_>>()
    };
    let mut phones = inputs(phones, "phone");
    let mut emails = inputs(emails, "email");
    // The summary links each error to its input: a phone or e-mail error to the input holding its value.
    let anchor = |e: &FieldError| -> Option<String> {
        match e.field {
            FieldKey::Name => Some(input_id("name")),
            FieldKey::Phone | FieldKey::Email => {
                let inputs = if e.field == FieldKey::Phone {
                    &phones
                } else {
                    &emails
                };
                let by_value = inputs
                    .iter()
                    .find(|i| e.label.as_deref() == Some(i.value.as_str()));
                by_value.or(inputs.first()).map(|i| i.id.clone())
            }
            _ => None,
        }
    };
    let lines = errors
        .iter()
        .map(|e| ErrorLine {
            text: error_text(&tr, e, &labels(e)),
            anchor: anchor(e),
        })
        .collect();
    // One empty line more for each, to add a number or an address.
    for (list, field) in [(&mut phones, "phone"), (&mut emails, "email")] {
        list.push(Input {
            id: format!("f-{field}-{}", list.len()),
            value: String::new(),
            error: None,
        });
    }
    ContactForm {
        t: tr,
        title: tr.t("form-contact-title"),
        submit: FormTarget::of(submit),
        errors: lines,
        problem: problem.map(|p| Banner::of(&tr, p)),
        name: Input {
            id: input_id("name"),
            value: name.to_owned(),
            error: error_for("name"),
        },
        phones,
        emails,
    }
    .render()
}

/// The label an error names: its own, a custom field's name, or a built-in field's.
pub(super) fn deal_error_label(tr: &Tr, form: &DealForm, error: &FieldError) -> String {
    error.label.clone().unwrap_or_else(|| {
        let custom = error
            .field
            .custom_id()
            .and_then(|id| form.fields.iter().find(|f| f.id == id));
        match custom {
            Some(def) => def.name.clone(),
            None => builtin_label(tr, error.field, "form-deal-name"),
        }
    })
}

/// A stage as the closed select shows it: with its pipeline ("Sales → Negotiation").
pub(super) fn stage_text(tr: &Tr, form: &DealForm, stage: StageRef) -> Option<String> {
    let pipeline = form.pipelines.iter().find(|p| p.id == stage.pipeline_id)?;
    let status = pipeline
        .stages
        .iter()
        .find(|s| s.view.id == stage.status_id)?;
    Some(tr.args2(
        "form-stage-in-pipeline",
        ("pipeline", &pipeline.name),
        ("stage", &status.view.name),
    ))
}

/// The account's custom fields as inputs: those the chosen stage requires or the gear chose first (shown), then
/// the rest (folded). Each says where it is required.
pub(super) fn custom_inputs<'v>(
    tr: &Tr,
    form: &DealForm,
    stage: Option<StageRef>,
    value_of: &dyn Fn(&str) -> &'v [String],
    error_for: &dyn Fn(&str) -> Option<String>,
) -> (Vec<Custom>, Vec<Custom>) {
    let (mut main, mut more) = (Vec::new(), Vec::new());
    for def in &form.fields {
        let at = form.required_at(def);
        let required_now = stage.is_some_and(|stage| def.required_for(stage));
        let required_line = (!at.is_empty()).then(|| {
            let stages: Vec<String> = at.iter().filter_map(|s| stage_text(tr, form, *s)).collect();
            tr.arg("form-required-at", "stages", &stages.join("; "))
        });
        let required_in = (!at.is_empty()).then(|| {
            at.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        });
        let key = def.key().to_string();
        let error = error_for(&key);
        let Some(mut input) = custom_input(def, value_of(&key), required_line, error) else {
            continue;
        };
        input.required_in = required_in;
        input.required_now = required_now;
        input.fold = !form.is_shown(def);
        // A field with an error is never folded: the agent must see what to fix.
        if required_now || !input.fold || input.error.is_some() {
            main.push(input);
        } else {
            more.push(input);
        }
    }
    (main, more)
}

/// The stages to choose from, grouped by pipeline, the chosen one selected; each option names its pipeline and
/// what the stage needs ("Sales → Negotiation · needs Budget confirmed").
pub(super) fn stage_groups(tr: &Tr, form: &DealForm, stage: Option<StageRef>) -> Vec<Group> {
    form.pipelines
        .iter()
        .map(|p| Group {
            label: p.name.clone(),
            options: p
                .stages
                .iter()
                .map(|s| {
                    let this = StageRef::new(p.id, s.view.id);
                    let named = stage_text(tr, form, this).unwrap_or_else(|| s.view.name.clone());
                    let needs: Vec<&str> =
                        form.required_for(this).map(|f| f.name.as_str()).collect();
                    Choice {
                        selected: stage == Some(this),
                        value: this.to_string(),
                        text: if needs.is_empty() {
                            named
                        } else {
                            tr.args2(
                                "form-stage-needs",
                                ("stage", &named),
                                ("fields", &needs.join(", ")),
                            )
                        },
                    }
                })
                .collect(),
        })
        .collect()
}

/// The users to choose as responsible, `responsible` (an id as typed) selected.
pub(super) fn user_choices(tr: &Tr, form: &DealForm, responsible: &str) -> Vec<Choice> {
    form.users
        .iter()
        .map(|u| Choice {
            value: u.id.to_string(),
            text: tr.user(u),
            selected: responsible == u.id.to_string(),
        })
        .collect()
}

pub(crate) fn deal(
    tr: Tr,
    submit: &Action,
    reload: &Action,
    form: &DealForm,
    stage: Option<StageRef>,
    values: &[(String, Vec<String>)],
    refused: &Refused<'_>,
) -> askama::Result<String> {
    let Refused { errors, problem } = *refused;
    let stage = stage.or_else(|| form.default_stage());
    let value_of = |key: &str| -> &[String] {
        values
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[], |(_, v)| v.as_slice())
    };
    let first = |key: &str| value_of(key).first().cloned().unwrap_or_default();
    let label_for = |e: &FieldError| deal_error_label(&tr, form, e);
    let error_for = |key: &str| {
        errors
            .iter()
            .find(|e| e.field == key)
            .map(|e| error_text(&tr, e, &label_for(e)))
    };
    let stages = stage_groups(&tr, form, stage);
    let users = user_choices(&tr, form, &first("responsible"));
    let (main, more) = custom_inputs(&tr, form, stage, &value_of, &error_for);
    DealFormPage {
        t: tr,
        title: tr.t("form-deal-title"),
        submit: FormTarget::of(submit),
        reload: FormTarget::of(reload),
        errors: errors
            .iter()
            .map(|e| ErrorLine {
                text: error_text(&tr, e, &label_for(e)),
                anchor: deal_anchor(e.field),
            })
            .collect(),
        problem: problem.map(|p| Banner::of(&tr, p)),
        name: Input {
            id: input_id("name"),
            value: first("name"),
            error: error_for("name"),
        },
        price_label: tr.arg(
            "form-price-currency",
            "currency",
            &tr.currency_sign(&form.currency),
        ),
        price: Input {
            id: input_id("price"),
            value: first("price"),
            error: error_for("price"),
        },
        stages,
        stage_error: error_for("stage"),
        users,
        responsible_error: error_for("responsible"),
        note: Input {
            id: input_id("note"),
            value: first("note"),
            error: error_for("note"),
        },
        any_required: main.iter().chain(&more).any(|f| f.required_in.is_some()),
        more_open: more
            .iter()
            .any(|f| !f.value.is_empty() || f.options.iter().any(|o| o.selected)),
        main,
        more,
        on_stage: crate::http::STAGE_CHANGE,
    }
    .render()
}

/// The id of a form's built-in input (`f-name`, …), which its label and the error summary point at.
pub(super) fn input_id(field: &str) -> String {
    format!("f-{field}")
}

/// The id of the deal form's input for `field`.
pub(super) fn deal_anchor(field: FieldKey) -> Option<String> {
    Some(match field {
        FieldKey::Name => input_id("name"),
        FieldKey::Price => input_id("price"),
        FieldKey::Stage => input_id("stage"),
        FieldKey::Responsible => input_id("responsible"),
        FieldKey::Note => input_id("note"),
        FieldKey::LossReason => input_id("loss_reason"),
        FieldKey::Custom(id) => format!("cf-{id}"),
        _ => return None,
    })
}

fn custom_input(
    def: &FieldDef,
    values: &[String],
    required_line: Option<String>,
    error: Option<String>,
) -> Option<Custom> {
    let kind = match &def.kind {
        FieldKind::Text => InputKind::Text,
        FieldKind::Textarea => InputKind::Textarea,
        FieldKind::Numeric | FieldKind::Money => InputKind::Number,
        FieldKind::Checkbox => InputKind::Checkbox,
        FieldKind::Select => InputKind::Select,
        FieldKind::Radiobutton => InputKind::Radio,
        FieldKind::Multiselect => InputKind::Multiselect,
        FieldKind::Date | FieldKind::Birthday => InputKind::Date,
        FieldKind::DateTime => InputKind::DateTime,
        FieldKind::Url => InputKind::Url,
        FieldKind::ReadOnly(_) => return None,
    };
    let value = values.first().cloned().unwrap_or_default();
    // Options are chosen by id; a value typed as the option's text (as triggers may send) still selects it.
    let chosen = |id: i64, text: &str| {
        values
            .iter()
            .any(|v| v.trim() == id.to_string() || v.trim().eq_ignore_ascii_case(text))
    };
    Some(Custom {
        key: def.key().to_string(),
        id: format!("cf-{}", def.id),
        label: def.name.clone(),
        options: def
            .options
            .iter()
            .map(|(id, text)| Choice {
                value: id.to_string(),
                text: text.clone(),
                selected: chosen(*id, text),
            })
            .collect(),
        value: if kind == InputKind::Checkbox {
            matches!(
                value.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "on" | "yes"
            )
            .then(|| "1".to_owned())
            .unwrap_or_default()
        } else {
            value
        },
        kind,
        required_line,
        required_in: None,
        required_now: false,
        fold: false,
        error,
    })
}

/// The name of a built-in field as the form labels it.
fn builtin_label(tr: &Tr, field: FieldKey, name_message: &'static str) -> String {
    match crate::messages::label_id(field, name_message) {
        Some(id) => tr.t(id),
        None => field.to_string(),
    }
}

/// What is wrong with one field, in a sentence that names it. Phone and e-mail errors carry the refused value
/// as their label, and say so.
pub(crate) fn error_text(tr: &Tr, error: &FieldError, label: &str) -> String {
    let field = error.label.as_deref().unwrap_or(label);
    let is = |key: FieldKey| error.field == key;
    match &error.code {
        FieldErrorCode::Required if is(FieldKey::Comment) => tr.t("error-comment-empty"),
        FieldErrorCode::Required => tr.arg("error-field-required", "field", field),
        FieldErrorCode::Number if is(FieldKey::Phone) => {
            tr.arg("error-field-phone", "field", field)
        }
        FieldErrorCode::Number => tr.arg("error-field-number", "field", field),
        FieldErrorCode::Enum if is(FieldKey::Email) => tr.arg("error-field-email", "field", field),
        FieldErrorCode::Enum => tr.arg("error-field-enum", "field", field),
        FieldErrorCode::Date => tr.arg("error-field-date", "field", field),
        FieldErrorCode::Url => tr.arg("error-field-url", "field", field),
        FieldErrorCode::Checkbox => tr.t("error-field-checkbox"),
        FieldErrorCode::TooLong { max } => tr.args(
            "error-field-too-long",
            &[
                ("field", Arg::from(field)),
                ("max", Arg::from(i64::try_from(*max).unwrap_or(i64::MAX))),
            ],
        ),
        FieldErrorCode::UnknownField => tr.arg("error-field-unknown", "field", field),
        FieldErrorCode::StageNotInPipeline => tr.t("error-stage-not-in-pipeline"),
        FieldErrorCode::Refused { detail } => {
            tr.args2("error-field-refused", ("field", field), ("detail", detail))
        }
    }
}
