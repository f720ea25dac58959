//! The new-deal form: the fields the chosen stage requires and the gear's shown, the rest folded under "More
//! fields"; each stage option says what it needs.

use askama::Template;
use domain::fields::{FieldDef, FieldKind};
use domain::{DealForm, FieldError, FieldKey, StageRef};

use super::{Banner, Choice, ErrorLine, Input, Refused, builtin_label, error_text, input_id};
use crate::view::model::Action;
use crate::view::style::FormTarget;
use crate::view::text::Tr;

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

/// A group of options (a pipeline with its stages).
pub(in crate::view) struct Group {
    pub(in crate::view) label: String,
    pub(in crate::view) options: Vec<Choice>,
}

/// How a custom field is entered.
#[derive(PartialEq, Eq)]
pub(in crate::view) enum InputKind {
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
pub(in crate::view) struct Custom {
    pub(in crate::view) key: String,
    pub(in crate::view) id: String,
    pub(in crate::view) label: String,
    pub(in crate::view) kind: InputKind,
    pub(in crate::view) value: String,
    pub(in crate::view) options: Vec<Choice>,
    /// Where it is required, in words ("Required at: Sales → Negotiation"); `None` when nowhere.
    pub(in crate::view) required_line: Option<String>,
    /// The `pipeline:status` pairs where it is required, space-separated, for the stage select's handler.
    pub(in crate::view) required_in: Option<String>,
    /// Whether the chosen stage requires it.
    pub(in crate::view) required_now: bool,
    /// Whether it goes back under "More fields" when no stage requires it (the gear did not choose it).
    pub(in crate::view) fold: bool,
    pub(in crate::view) error: Option<String>,
}

/// The label an error names: its own, a custom field's name, or a built-in field's.
pub(in crate::view) fn deal_error_label(tr: &Tr, form: &DealForm, error: &FieldError) -> String {
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
pub(in crate::view) fn stage_text(tr: &Tr, form: &DealForm, stage: StageRef) -> Option<String> {
    tr.stage_in_pipeline(&form.pipelines, stage)
}

/// The account's custom fields as inputs: those the chosen stage requires or the gear chose first (shown), then
/// the rest (folded). Each says where it is required.
pub(in crate::view) fn custom_inputs<'v>(
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
pub(in crate::view) fn stage_groups(
    tr: &Tr,
    form: &DealForm,
    stage: Option<StageRef>,
) -> Vec<Group> {
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
pub(in crate::view) fn user_choices(tr: &Tr, form: &DealForm, responsible: &str) -> Vec<Choice> {
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
        any_required: any_required(&main, &more),
        more_open: more_open(&more),
        main,
        more,
        on_stage: crate::http::STAGE_CHANGE,
    }
    .render()
}

/// The id of the deal form's input for `field`.
pub(in crate::view) fn deal_anchor(field: FieldKey) -> Option<String> {
    Some(match field {
        FieldKey::Name => input_id("name"),
        FieldKey::Price => input_id("price"),
        FieldKey::Stage => input_id("stage"),
        FieldKey::LossReason => input_id("loss_reason"),
        FieldKey::Responsible => input_id("responsible"),
        FieldKey::Note => input_id("note"),
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

/// Whether any field shown says where it is required (the form then explains the mark).
pub(in crate::view) fn any_required(main: &[Custom], more: &[Custom]) -> bool {
    main.iter().chain(more).any(|f| f.required_in.is_some())
}

/// Whether "More fields" starts open: a folded field holds a value (the form came back refused, or the deal has it).
pub(in crate::view) fn more_open(more: &[Custom]) -> bool {
    more.iter()
        .any(|f| !f.value.is_empty() || f.options.iter().any(|o| o.selected))
}
