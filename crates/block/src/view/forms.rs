//! The form pages: a new contact and a new deal (with the fields the chosen stage requires); the gear is in
//! `settings.rs`.
//! They post plainly (no script element on our pages; the deal form's stage select has one inline handler that
//! reveals the stage's required fields, and the form is whole without it); a refused submit comes back with the
//! values kept and every error listed at the top and beside its field.

use askama::Template;
use domain::{FieldError, FieldKey};

use super::model::{Action, Problem};
use super::style::FormTarget;
use super::text::Tr;

pub(super) mod deal;

pub(crate) use deal::deal;

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
    company: Input,
    /// Several companies have the typed name: which one (`company_pick`), asked for that name (`company_for`).
    choice: Option<CompanyChoice>,
}

/// The companies with the typed name, to choose from, and "a new company with this name".
struct CompanyChoice {
    question: String,
    name: String,
    companies: Vec<CompanyLine>,
    new_company: String,
}

/// One company to choose: its name, responsible user and page in amoCRM.
struct CompanyLine {
    id: i64,
    name: String,
    responsible: Option<String>,
    href: Option<String>,
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
    pub(crate) company: &'a str,
    pub(crate) company_choice: &'a [domain::CompanyOption],
}

/// The choice among the companies named `name`.
fn company_choice(
    tr: &Tr,
    name: &str,
    companies: &[domain::CompanyOption],
) -> Option<CompanyChoice> {
    (!companies.is_empty()).then(|| CompanyChoice {
        question: tr.arg("form-company-choose", "name", name),
        name: name.to_owned(),
        companies: companies
            .iter()
            .map(|c| CompanyLine {
                id: c.id,
                name: c.name.clone(),
                responsible: c.responsible.as_ref().map(|u| tr.user(u)),
                href: super::style::safe_href(&c.url),
            })
            .collect(),
        new_company: tr.arg("form-company-new", "name", name),
    })
}

pub(crate) fn contact(
    tr: Tr,
    submit: &Action,
    values: &ContactValues<'_>,
    errors: &[FieldError],
    problem: Option<&Problem>,
) -> askama::Result<String> {
    let text = |e: &FieldError| error_text(&tr, e, &builtin_label(&tr, e.field, "form-name"));
    let mut phones = value_inputs(values.phones, "phone", errors, &text);
    let mut emails = value_inputs(values.emails, "email", errors, &text);
    let lines = errors
        .iter()
        .map(|e| ErrorLine {
            text: text(e),
            anchor: contact_anchor(e, &phones, &emails),
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
            value: values.name.to_owned(),
            error: errors.iter().find(|e| e.field == "name").map(text),
        },
        phones,
        emails,
        company: Input {
            id: input_id("company"),
            value: values.company.to_owned(),
            error: errors.iter().find(|e| e.field == "company").map(text),
        },
        choice: company_choice(&tr, values.company, values.company_choice),
    }
    .render()
}

/// The contact form's inputs of one kind (`phone` or `email`), the empty ones dropped. A phone or e-mail error
/// names the refused value, so it is shown beside the input holding that value.
fn value_inputs(
    values: &[String],
    field: &str,
    errors: &[FieldError],
    text: &dyn Fn(&FieldError) -> String,
) -> Vec<Input> {
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
                .map(text),
        })
        .collect()
}

/// Where the contact form's error summary links an error: a phone or e-mail error to the input holding its value
/// (else the first of its kind).
fn contact_anchor(error: &FieldError, phones: &[Input], emails: &[Input]) -> Option<String> {
    let inputs = match error.field {
        FieldKey::Name => return Some(input_id("name")),
        FieldKey::Company => return Some(input_id("company")),
        FieldKey::Phone => phones,
        FieldKey::Email => emails,
        _ => return None,
    };
    let by_value = inputs
        .iter()
        .find(|i| error.label.as_deref() == Some(i.value.as_str()));
    by_value.or(inputs.first()).map(|i| i.id.clone())
}

/// The id of a form's built-in input (`f-name`, …), which its label and the error summary point at.
pub(super) fn input_id(field: &str) -> String {
    format!("f-{field}")
}

/// The name of a built-in field as the form labels it.
fn builtin_label(tr: &Tr, field: FieldKey, name_message: &'static str) -> String {
    match crate::messages::label_id(field, name_message) {
        Some(id) => tr.t(id),
        None => field.to_string(),
    }
}

/// What is wrong with one field, in a sentence that names it: by its own label when it has one (phone and e-mail
/// errors carry the refused value as their label, and say so), else by `label`.
pub(crate) fn error_text(tr: &Tr, error: &FieldError, label: &str) -> String {
    let field = error.label.as_deref().unwrap_or(label);
    crate::messages::field_error_naming(tr.lang, error, field)
}
