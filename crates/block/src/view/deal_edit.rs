//! The deal's edit page: stage (grouped by pipeline, each saying what it needs, then won and lost of the deal's
//! own pipeline), the loss reason, budget, responsible user, and the custom fields — the chosen stage's required
//! ones and the gear's shown, the rest folded under "More fields". It posts plainly; the stage select's inline
//! handler (the new-deal form's) reveals the fields a stage requires and shows the loss reason only for "lost".
//! Without it the loss reason is always shown and the page is whole.

use askama::Template;
use domain::deal_change::{STATUS_LOST, STATUS_WON};
use domain::{DealEdit, FieldError, StageRef};

use super::forms::deal::{
    Custom, Group, InputKind, any_required, custom_inputs, deal_anchor, deal_error_label,
    more_open, stage_groups, stage_text, user_choices,
};
use super::forms::{Banner, Choice, ErrorLine, Input, error_text, input_id};
use super::model::DealEditPage;
use super::style::{FormTarget, action_href};
use super::text::Tr;

/// The edit page.
#[derive(Template)]
#[template(path = "page/deal_edit.html")]
struct DealEditHtml {
    t: Tr,
    title: String,
    submit: Option<FormTarget>,
    card: Option<String>,
    errors: Vec<ErrorLine>,
    problem: Option<Banner>,
    price_label: String,
    price: Input,
    stages: Vec<Group>,
    stage_error: Option<String>,
    /// The loss reasons to choose from (none when the account has none).
    reasons: Vec<Choice>,
    reason_error: Option<String>,
    users: Vec<Choice>,
    responsible_error: Option<String>,
    main: Vec<Custom>,
    more: Vec<Custom>,
    more_open: bool,
    any_required: bool,
    /// The stage select's handler (allowed by the page's policy by its hash).
    on_stage: &'static str,
}

pub(crate) fn render(tr: Tr, page: &DealEditPage) -> askama::Result<String> {
    let form = &page.edit.form;
    let value_of = |key: &str| -> &[String] {
        page.values
            .iter()
            .find(|(k, _)| k == key)
            .map_or(&[], |(_, v)| v.as_slice())
    };
    let first = |key: &str| value_of(key).first().cloned().unwrap_or_default();
    let label_for = |e: &FieldError| deal_error_label(&tr, form, e);
    let error_for = |key: &str| {
        page.errors
            .iter()
            .find(|e| e.field == key)
            .map(|e| error_text(&tr, e, &label_for(e)))
    };
    let (main, more) = custom_inputs(&tr, form, Some(page.stage), &value_of, &error_for);
    let reason = first("loss_reason");
    DealEditHtml {
        t: tr,
        title: tr.arg("deal-edit-title", "name", &page.edit.name),
        submit: FormTarget::of(&page.submit),
        card: action_href(&page.card),
        errors: page
            .errors
            .iter()
            .map(|e| ErrorLine {
                text: error_text(&tr, e, &label_for(e)),
                anchor: deal_anchor(e.field),
            })
            .collect(),
        problem: page.problem.as_ref().map(|p| Banner::of(&tr, p)),
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
        stages: stages(&tr, &page.edit, page.stage),
        stage_error: error_for("stage"),
        reasons: page
            .edit
            .loss_reasons
            .iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                text: name.clone(),
                selected: reason == id.to_string(),
            })
            .collect(),
        reason_error: error_for("loss_reason"),
        users: user_choices(&tr, form, &first("responsible")),
        responsible_error: error_for("responsible"),
        any_required: any_required(&main, &more),
        more_open: more_open(&more),
        main,
        more,
        on_stage: crate::http::STAGE_CHANGE,
    }
    .render()
}

/// The stages a deal can move to: each pipeline's open stages (with what each needs), then won and lost of the
/// deal's own pipeline; a stage the deal sits in that is not offered (incoming, or of an archived pipeline)
/// comes first, so that saving without choosing keeps it.
fn stages(tr: &Tr, edit: &DealEdit, chosen: StageRef) -> Vec<Group> {
    let (form, current) = (&edit.form, edit.stage);
    let closed = |s: &Choice| {
        s.value
            .parse::<StageRef>()
            .is_ok_and(|stage| matches!(stage.status_id, STATUS_WON | STATUS_LOST))
    };
    let mut groups: Vec<Group> = stage_groups(tr, form, Some(chosen))
        .into_iter()
        .map(|mut g| {
            g.options.retain(|o| !closed(o));
            g
        })
        .filter(|g| !g.options.is_empty())
        .collect();
    let close = [
        (STATUS_WON, "deal-edit-won"),
        (STATUS_LOST, "deal-edit-lost"),
    ]
    .map(|(status, id)| {
        let stage = StageRef::new(current.pipeline_id, status);
        Choice {
            value: stage.to_string(),
            text: tr.t(id),
            selected: chosen == stage,
        }
    });
    groups.push(Group {
        label: tr.t("deal-edit-close"),
        options: close.into(),
    });
    let offered = groups
        .iter()
        .flat_map(|g| &g.options)
        .any(|o| o.value == current.to_string());
    if !offered {
        let named = stage_text(tr, form, current).unwrap_or_else(|| {
            tr.args2(
                "form-stage-in-pipeline",
                ("pipeline", &edit.pipeline_name),
                ("stage", &edit.stage_name),
            )
        });
        groups.insert(
            0,
            Group {
                label: tr.t("deal-edit-current"),
                options: vec![Choice {
                    value: current.to_string(),
                    text: named,
                    selected: chosen == current,
                }],
            },
        );
    }
    groups
}
