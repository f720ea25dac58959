//! Changing a deal from the block: its stage (across pipelines, or closed as won or lost with a loss reason),
//! budget, responsible user and custom fields.
//!
//! The rules: the target stage's required fields are checked before anything is sent, by the deal form's rule
//! (`fields::validate_fields`), where a field the deal already holds counts as filled; won and lost are the
//! closed stages (142, 143) of the deal's own pipeline; a loss reason goes only with "lost", and only one of
//! the account's; only what changes is sent (amoCRM refuses some unchanged values, such as an incoming deal's
//! stage); amoCRM's own validation errors come back on the field their path names.

use amocrm::{CustomFieldValue, Lead, LeadUpdate, LossReason, Problem};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::deals::DealForm;
use crate::error::{FieldError, FieldErrorCode};
use crate::fields::{self, FieldDef, FieldKind};
use crate::keys::{FieldKey, StageRef};
use crate::metadata::PipelineInfo;
use crate::model::FieldText;
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult};
use crate::zone::Zone;

/// amoCRM's closed-as-won stage, the same id in every pipeline.
pub const STATUS_WON: i64 = 142;
/// amoCRM's closed-as-lost stage, the same id in every pipeline.
pub const STATUS_LOST: i64 = 143;

/// The longest part of amoCRM's explanation shown beside a field.
const DETAIL_MAX: usize = 300;

/// What an agent asks to change on a deal. `None` (or an empty list) leaves that part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealChange {
    /// The stage to move the deal to; won and lost are [`STATUS_WON`] and [`STATUS_LOST`] of its pipeline.
    pub stage: Option<StageRef>,
    /// The budget as typed; blank means none (zero).
    pub price: Option<String>,
    /// The responsible user.
    pub responsible_user_id: Option<i64>,
    /// Custom field values by field id, as typed (several for multiselect); blank fields are left as they are.
    pub fields: Vec<(i64, Vec<String>)>,
    /// Why the deal was lost, when it is closed as lost.
    pub loss_reason_id: Option<i64>,
}

/// What the deal's edit form shows: the deal as it is, and what can be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealEdit {
    /// The deal's id.
    pub deal_id: i64,
    /// Its name.
    pub name: String,
    /// Its stage now.
    pub stage: StageRef,
    /// The name of its pipeline.
    pub pipeline_name: String,
    /// The name of its stage.
    pub stage_name: String,
    /// Its budget, when it has one.
    pub price: Option<i64>,
    /// Its responsible user.
    pub responsible_user_id: Option<i64>,
    /// Its loss reason, when it was lost with one.
    pub loss_reason_id: Option<i64>,
    /// Its custom field values as the form's inputs take them, by field key (`cf:<id>`).
    pub values: Vec<(String, Vec<String>)>,
    /// The pipelines, users and fields to choose from (as the new-deal form offers them).
    pub form: DealForm,
    /// The account's loss reasons (id, name), in amoCRM's order; empty when it has none.
    pub loss_reasons: Vec<(i64, String)>,
}

/// What to send, and the custom fields in the order sent (amoCRM's error paths name them by position).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangePlan {
    /// The PATCH.
    pub update: LeadUpdate,
    /// The ids of the custom fields sent, in order.
    pub sent_fields: Vec<i64>,
}

impl Domain {
    /// What the deal's edit form needs: the deal, the form's choices and the account's loss reasons.
    pub async fn deal_edit(&self, ctx: &ActionContext, deal_id: i64) -> Result<DealEdit, Error> {
        let id = ctx.connection_id;
        let (_, client) = self.session(id).await?;
        let leads = client.leads();
        let (form, core, lead, reasons) = tokio::join!(
            self.deal_form(id),
            self.core_meta(id, &client),
            crate::retry::read(|| leads.get(deal_id, false)),
            crate::retry::read(|| leads.loss_reasons())
        );
        let (form, core) = (form?, core?.value);
        let lead = live(lead?, deal_id)?;
        // The reasons are an offer: without them the deal can still be closed as lost.
        let loss_reasons = reasons.unwrap_or_else(|e| {
            tracing::warn!(error = %crate::Report(&e), "could not read the loss reasons");
            Vec::new()
        });
        let zone = self.zone(ctx.time_zone.as_deref(), Some(&core.account));
        let (pipeline_name, stage) = core.stage(lead.pipeline_id, lead.status_id);
        Ok(DealEdit {
            deal_id,
            name: lead.name.clone(),
            stage: StageRef::new(lead.pipeline_id, lead.status_id),
            pipeline_name,
            stage_name: stage.name,
            price: (lead.price > 0).then_some(lead.price),
            responsible_user_id: (lead.responsible_user_id > 0).then_some(lead.responsible_user_id),
            loss_reason_id: lead.loss_reason_id.filter(|r| *r > 0),
            values: form_values(&lead.custom_fields_values, &form.fields, &zone),
            form,
            loss_reasons: loss_reasons.into_iter().map(|r| (r.id, r.name)).collect(),
        })
    }

    /// Changes a deal: checked first (nothing is sent when a field is refused), then only what changes is
    /// sent; the next block reads the deal afresh.
    pub async fn change_deal(
        &self,
        ctx: &ActionContext,
        deal_id: i64,
        change: DealChange,
    ) -> Result<(), Error> {
        let (_, client) = self.session(ctx.connection_id).await?;
        let leads = client.leads();
        let (core, defs, lead) = tokio::join!(
            self.core_meta(ctx.connection_id, &client),
            self.deal_fields(ctx.connection_id, &client),
            crate::retry::read(|| leads.get(deal_id, false))
        );
        let (core, defs) = (core?.value, defs?);
        let lead = live(lead?, deal_id)?;
        let lost = change.stage.is_some_and(|s| s.status_id == STATUS_LOST)
            || (change.stage.is_none() && lead.status_id == STATUS_LOST);
        let reasons = if lost && change.loss_reason_id.is_some() {
            crate::retry::read(|| leads.loss_reasons()).await?
        } else {
            Vec::new()
        };
        let zone = self.zone(ctx.time_zone.as_deref(), Some(&core.account));
        let rules = Rules {
            pipelines: &core.pipelines,
            defs: &defs,
            reasons: &reasons,
            zone: &zone,
        };
        let Some(plan) = plan_change(&lead, &change, &rules).map_err(Error::Validation)? else {
            return Ok(());
        };
        let result = leads.update_one(&plan.update).await;
        let outcome = if result.is_ok() {
            AuditResult::Ok
        } else {
            AuditResult::Error
        };
        let target = format!("lead:{deal_id}");
        self.audit(ctx, AuditAction::LeadUpdate, target, outcome)
            .await;
        match result {
            Ok(_) => {
                self.after_write(ctx.connection_id);
                Ok(())
            }
            Err(amocrm::Error::Validation { problem, .. }) => {
                match refused_fields(&problem, &plan.sent_fields, &defs) {
                    Some(errors) => Err(Error::Validation(errors)),
                    None => Err(Error::Rejected(problem.to_string())),
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The deal, unless amoCRM has none (or only a deleted one) by that id.
fn live(lead: Option<Lead>, deal_id: i64) -> Result<Lead, Error> {
    lead.filter(|l| !l.is_deleted)
        .ok_or_else(|| Error::NotFound(format!("deal {deal_id}")))
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
        Some(stage) if stage == current => current,
        Some(stage) if stage_allowed(rules.pipelines, lead, stage) => stage,
        Some(_) => {
            errors.push(refused(FieldKey::Stage, FieldErrorCode::StageNotInPipeline));
            current
        }
        None => current,
    };
    let moved = target != current;
    let price = match change.price.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(0),
        Some(raw) => crate::amount::parse_budget(raw).or_else(|| {
            errors.push(refused(FieldKey::Price, FieldErrorCode::Number));
            None
        }),
    };
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
    let existing = form_values(&lead.custom_fields_values, rules.defs, rules.zone);
    let changed: Vec<CustomFieldValue> = values
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
        .collect();
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

/// Whether `stage` is one a deal can be moved to: a regular stage of an existing pipeline (not its incoming
/// one), or won or lost of the deal's own pipeline.
fn stage_allowed(pipelines: &[PipelineInfo], lead: &Lead, stage: StageRef) -> bool {
    if matches!(stage.status_id, STATUS_WON | STATUS_LOST) {
        return stage.pipeline_id == lead.pipeline_id;
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
