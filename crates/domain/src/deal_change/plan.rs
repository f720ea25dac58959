//! The pure part of a deal change: a change checked against the deal and the account (every error at once),
//! the PATCH that sends only what changes, the deal's values as the form shows them, and amoCRM's refusals mapped
//! back to the fields their paths name.

use amocrm::{CustomFieldValue, Lead, LeadUpdate, LossReason, Problem};

use super::{DealChange, STATUS_LOST, STATUS_WON};
use crate::error::{FieldError, FieldErrorCode};
use crate::fields::{self, FieldDef, FieldKind};
use crate::keys::{FieldKey, StageRef};
use crate::metadata::PipelineInfo;
use crate::model::FieldText;
use crate::zone::Zone;

/// The longest part of amoCRM's explanation shown beside a field.
const DETAIL_MAX: usize = 300;

/// What to send, and the custom fields in the order sent (amoCRM's error paths name them by position).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePlan {
    /// The PATCH.
    pub update: LeadUpdate,
    /// The ids of the custom fields sent, in order.
    pub sent_fields: Vec<i64>,
}

/// What a change is checked against.
pub struct Rules<'a> {
    /// The account's pipelines with their stages.
    pub pipelines: &'a [PipelineInfo],
    /// The deals' custom fields.
    pub defs: &'a [FieldDef],
    /// The account's loss reasons (read only when a reason is chosen for a lost deal).
    pub reasons: &'a [LossReason],
    /// Where typed dates are read.
    pub zone: &'a Zone,
}

/// Checks a change against the deal as it is; the PATCH to send, `None` when nothing changes, or every error.
pub fn plan_change(
    lead: &Lead,
    change: &DealChange,
    rules: &Rules<'_>,
) -> Result<Option<ChangePlan>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let current = StageRef::new(lead.pipeline_id, lead.status_id);
    let target = match change.stage {
        Some(stage)
            if stage != current && !stage_allowed(rules.pipelines, lead.pipeline_id, stage) =>
        {
            errors.push(refused(FieldKey::Stage, FieldErrorCode::StageNotInPipeline));
            current
        }
        Some(stage) => stage,
        None => current,
    };
    let moved = target != current;
    let price = budget(change.price.as_deref(), &mut errors);
    // The required fields of the stage the deal moves to; a field it already holds counts as filled.
    let values = match fields::validate_fields(
        rules.defs,
        &change.fields,
        moved.then_some(target),
        rules.zone,
    ) {
        Ok(values) => values,
        Err(field_errors) => {
            errors.extend(field_errors.into_iter().filter(|e| {
                !(e.code == FieldErrorCode::Required
                    && e.field
                        .custom_id()
                        .is_some_and(|id| has_value(&lead.custom_fields_values, id)))
            }));
            Vec::new()
        }
    };
    let lost = target.status_id == STATUS_LOST;
    let reason = change.loss_reason_id.filter(|r| *r > 0 && lost);
    if let Some(id) = reason
        && !rules.reasons.is_empty()
        && !rules.reasons.iter().any(|r| r.id == id)
    {
        errors.push(refused(FieldKey::LossReason, FieldErrorCode::Enum));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let changed = changed_values(lead, change, values, rules);
    let update = LeadUpdate {
        id: lead.id,
        price: price.filter(|p| *p != lead.price),
        status_id: moved.then_some(target.status_id),
        pipeline_id: (target.pipeline_id != lead.pipeline_id).then_some(target.pipeline_id),
        responsible_user_id: change
            .responsible_user_id
            .filter(|id| *id > 0 && *id != lead.responsible_user_id),
        // Only the account's reasons, and only when the deal is (or becomes) lost with another one.
        loss_reason_id: reason
            .filter(|id| !rules.reasons.is_empty() && (moved || lead.loss_reason_id != Some(*id))),
        custom_fields_values: (!changed.is_empty()).then_some(changed),
        ..LeadUpdate::default()
    };
    let sent_fields = update
        .custom_fields_values
        .iter()
        .flatten()
        .filter_map(|v| v.field_id)
        .collect();
    let nothing = update
        == LeadUpdate {
            id: lead.id,
            ..LeadUpdate::default()
        };
    Ok((!nothing).then_some(ChangePlan {
        update,
        sent_fields,
    }))
}

/// The budget as typed: none (`None`), blank (zero), or a number in the agent's writing; else an error.
fn budget(typed: Option<&str>, errors: &mut Vec<FieldError>) -> Option<i64> {
    match typed.map(str::trim) {
        None => None,
        Some("") => Some(0),
        Some(raw) => crate::amount::parse_budget(raw).or_else(|| {
            errors.push(refused(FieldKey::Price, FieldErrorCode::Number));
            None
        }),
    }
}

/// The checked values whose input differs from what the deal holds, compared as the form shows them.
fn changed_values(
    lead: &Lead,
    change: &DealChange,
    values: Vec<CustomFieldValue>,
    rules: &Rules<'_>,
) -> Vec<CustomFieldValue> {
    let existing = form_values(&lead.custom_fields_values, rules.defs, rules.zone);
    values
        .into_iter()
        .filter(|value| {
            let Some(id) = value.field_id else {
                return true;
            };
            let key = FieldKey::Custom(id).to_string();
            let typed = change.fields.iter().find(|(f, _)| *f == id).map(|(_, v)| v);
            let had = existing.iter().find(|(k, _)| *k == key).map(|(_, v)| v);
            !same_values(typed, had)
        })
        .collect()
}

/// Whether `stage` is one a deal in pipeline `deal_pipeline` can be moved to: a regular stage of one of
/// `pipelines` (not its incoming one), or won or lost of the deal's own pipeline.
pub(super) fn stage_allowed(
    pipelines: &[PipelineInfo],
    deal_pipeline: i64,
    stage: StageRef,
) -> bool {
    if matches!(stage.status_id, STATUS_WON | STATUS_LOST) {
        return stage.pipeline_id == deal_pipeline;
    }
    pipelines
        .iter()
        .filter(|p| p.id == stage.pipeline_id)
        .flat_map(|p| &p.stages)
        .any(|s| s.view.id == stage.status_id && !s.is_incoming)
}

fn refused(field: FieldKey, code: FieldErrorCode) -> FieldError {
    FieldError {
        field,
        label: None,
        code,
    }
}

fn has_value(values: &[CustomFieldValue], id: i64) -> bool {
    values.iter().any(|v| {
        v.field_id == Some(id)
            && v.values
                .iter()
                .any(|i| !i.value.is_null() || i.enum_id.is_some())
    })
}

/// Whether what was typed is what the deal holds, compared as the form shows it.
fn same_values(typed: Option<&Vec<String>>, had: Option<&Vec<String>>) -> bool {
    let clean = |v: Option<&Vec<String>>| -> Vec<String> {
        v.into_iter()
            .flatten()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    clean(typed) == clean(had)
}

/// A deal's custom field values as the form's inputs take them back: options by id, flags as `1`, dates as
/// `YYYY-MM-DD` (and times as `YYYY-MM-DDTHH:MM`) in `zone`, the rest as text.
pub fn form_values(
    values: &[CustomFieldValue],
    defs: &[FieldDef],
    zone: &Zone,
) -> Vec<(String, Vec<String>)> {
    defs.iter()
        .filter_map(|def| {
            let stored = values.iter().find(|v| v.field_id == Some(def.id))?;
            let raw: Vec<String> = match &def.kind {
                kind if kind.has_options() => stored
                    .values
                    .iter()
                    .filter_map(|i| i.enum_id.map(|id| id.to_string()).or_else(|| i.as_text()))
                    .collect(),
                FieldKind::Checkbox => match fields::show_value(stored, Some(def)) {
                    Some(FieldText::Flag(true)) => vec!["1".to_owned()],
                    _ => Vec::new(),
                },
                FieldKind::Date | FieldKind::Birthday | FieldKind::DateTime => {
                    match fields::show_value(stored, Some(def)) {
                        Some(FieldText::Date(at)) => {
                            local_text(zone, at, def.kind == FieldKind::DateTime)
                                .into_iter()
                                .collect()
                        }
                        _ => Vec::new(),
                    }
                }
                _ => stored
                    .values
                    .first()
                    .and_then(|i| i.as_text())
                    .into_iter()
                    .collect(),
            };
            (!raw.is_empty()).then(|| (def.key().to_string(), raw))
        })
        .collect()
}

/// A moment as a date input (or a date-and-time input) shows it in `zone`.
fn local_text(zone: &Zone, unix: i64, with_time: bool) -> Option<String> {
    // The wall clock in `zone`, written as if it were UTC.
    let offset = i64::from(zone.at(unix).offset_seconds);
    let local = jiff::Timestamp::from_second(unix.checked_add(offset)?).ok()?;
    let format = if with_time {
        "%Y-%m-%dT%H:%M"
    } else {
        "%Y-%m-%d"
    };
    Some(local.strftime(format).to_string())
}

/// amoCRM's validation errors on the fields their paths name (`status_id`, `price`,
/// `custom_fields_values.2.values.0.value`, …); `None` when one of them names no field the form has.
pub fn refused_fields(
    problem: &Problem,
    sent: &[i64],
    defs: &[FieldDef],
) -> Option<Vec<FieldError>> {
    let mut errors = Vec::new();
    for detail in problem.validation_errors.iter().flat_map(|v| &v.errors) {
        let mut parts = detail.path.split('.');
        let field = match parts.next().unwrap_or_default() {
            "status_id" | "pipeline_id" => FieldKey::Stage,
            "price" => FieldKey::Price,
            "responsible_user_id" => FieldKey::Responsible,
            "loss_reason_id" => FieldKey::LossReason,
            "name" => FieldKey::Name,
            "custom_fields_values" => {
                let by_position = parts
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| sent.get(n).copied());
                // Without a position, the field whose id the explanation quotes; else the stage (a move
                // amoCRM refused for a field it requires).
                let quoted = || {
                    defs.iter()
                        .find(|d| detail.detail.contains(&d.id.to_string()))
                        .map(|d| d.id)
                };
                by_position
                    .or_else(quoted)
                    .map_or(FieldKey::Stage, FieldKey::Custom)
            }
            _ => return None,
        };
        let label = field
            .custom_id()
            .and_then(|id| defs.iter().find(|d| d.id == id))
            .map(|d| d.name.clone());
        let text = if detail.detail.trim().is_empty() {
            &detail.code
        } else {
            &detail.detail
        };
        errors.push(FieldError {
            field,
            label,
            code: FieldErrorCode::Refused {
                detail: text.trim().chars().take(DETAIL_MAX).collect(),
            },
        });
    }
    (!errors.is_empty()).then_some(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(path: &str, detail: &str) -> Problem {
        Problem {
            validation_errors: vec![amocrm::ValidationError {
                request_id: Some("0".into()),
                errors: vec![amocrm::ValidationDetail {
                    code: "FieldIsRequired".into(),
                    path: path.into(),
                    detail: detail.into(),
                }],
            }],
            ..Problem::default()
        }
    }

    fn budget_confirmed() -> FieldDef {
        FieldDef {
            id: 600_001,
            name: "Budget confirmed".into(),
            kind: FieldKind::Numeric,
            options: Vec::new(),
            required_in: Vec::new(),
            sort: 1,
            api_only: false,
        }
    }

    #[test]
    fn a_refusal_without_a_position_goes_to_the_field_whose_id_it_quotes() {
        let refusal = problem(
            "custom_fields_values",
            "The field \"Budget confirmed\" (600001) must be filled",
        );

        let errors = refused_fields(&refusal, &[], &[budget_confirmed()]).unwrap();

        assert_eq!(errors[0].field, FieldKey::Custom(600_001));
        assert_eq!(errors[0].label.as_deref(), Some("Budget confirmed"));
    }

    #[test]
    fn a_refusal_of_a_path_the_form_does_not_have_is_left_to_the_whole_write() {
        let refusal = problem("_embedded.tags.0.name", "Bad tag");

        assert_eq!(refused_fields(&refusal, &[], &[budget_confirmed()]), None);
    }
}
