//! Changing a deal from the block: its stage (across pipelines, or closed as won or lost with a loss reason),
//! budget, responsible user and custom fields.
//!
//! The rules: the target stage's required fields are checked before anything is sent, by the deal form's rule
//! (`fields::validate_fields`), where a field the deal already holds counts as filled; won and lost are the
//! closed stages (142, 143) of the deal's own pipeline; a loss reason goes only with "lost", and only one of
//! the account's; only what changes is sent (amoCRM refuses some unchanged values, such as an incoming deal's
//! stage); amoCRM's own validation errors come back on the field their path names. The block's stage select moves
//! a deal by the same rules ([`Domain::move_deal`]), asking for a loss reason where the account has them.

mod plan;

use std::collections::BTreeSet;

use amocrm::Lead;
use serde::{Deserialize, Serialize};

pub use plan::{ChangePlan, Rules, form_values, plan_change, refused_fields};

use crate::Error;
use crate::deals::DealForm;
use crate::error::{FieldError, FieldErrorCode};
use crate::keys::{FieldKey, StageRef};
use crate::metadata::CoreMeta;
use crate::model::{ContactView, DealKind, PipelineStages};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult};

/// amoCRM's closed-as-won stage, the same id in every pipeline.
pub const STATUS_WON: i64 = 142;
/// amoCRM's closed-as-lost stage, the same id in every pipeline.
pub const STATUS_LOST: i64 = 143;

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

impl DealEdit {
    /// Whether the edit form offers `stage`: the deal's own, a regular stage of a pipeline the form offers, or won or
    /// lost of the deal's own pipeline — what a change may move the deal to.
    pub fn offers(&self, stage: StageRef) -> bool {
        stage == self.stage
            || plan::stage_allowed(&self.form.pipelines, self.stage.pipeline_id, stage)
    }
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
        self.apply_change(ctx, deal_id, change, false).await
    }

    /// Moves a deal to `stage` and changes nothing else (the block's stage select). Refused before sending, with
    /// the fields named, when the stage requires fields the deal lacks — and when the deal would be closed as
    /// lost while the account has loss reasons to choose from (the edit page asks for one).
    pub async fn move_deal(
        &self,
        ctx: &ActionContext,
        deal_id: i64,
        stage: StageRef,
    ) -> Result<(), Error> {
        let change = DealChange {
            stage: Some(stage),
            ..DealChange::default()
        };
        self.apply_change(ctx, deal_id, change, true).await
    }

    /// Changes a deal; `ask_reason`: a move to "lost" without a loss reason is refused when the account has some.
    async fn apply_change(
        &self,
        ctx: &ActionContext,
        deal_id: i64,
        change: DealChange,
        ask_reason: bool,
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
        // A move into "lost" that names no reason, where one is asked for.
        let reason_missing =
            ask_reason && lost && lead.status_id != STATUS_LOST && change.loss_reason_id.is_none();
        let reasons = if lost && (change.loss_reason_id.is_some() || reason_missing) {
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
        let mut planned = plan_change(&lead, &change, &rules);
        if reason_missing && !reasons.is_empty() {
            planned = Err(ask_for_reason(planned.err().unwrap_or_default()));
        }
        let Some(plan) = planned.map_err(Error::Validation)? else {
            return Ok(());
        };
        self.send_change(ctx, &leads, &plan, &defs).await
    }

    /// Sends a checked change; amoCRM's refusals come back on the fields their paths name.
    async fn send_change(
        &self,
        ctx: &ActionContext,
        leads: &amocrm::api::LeadsApi<'_>,
        plan: &ChangePlan,
        defs: &[crate::fields::FieldDef],
    ) -> Result<(), Error> {
        let result = leads.update_one(&plan.update).await;
        let outcome = if result.is_ok() {
            AuditResult::Ok
        } else {
            AuditResult::Error
        };
        let target = format!("lead:{}", plan.update.id);
        self.audit(ctx, AuditAction::LeadUpdate, target, outcome)
            .await;
        match result {
            Ok(_) => {
                self.after_write(ctx.connection_id);
                Ok(())
            }
            Err(amocrm::Error::Validation { problem, .. }) => {
                match refused_fields(&problem, &plan.sent_fields, defs) {
                    Some(errors) => Err(Error::Validation(errors)),
                    None => Err(Error::Rejected(problem.to_string())),
                }
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// The errors of a change, and that the loss reason must be chosen.
fn ask_for_reason(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.push(FieldError {
        field: FieldKey::LossReason,
        label: None,
        code: FieldErrorCode::Required,
    });
    errors
}

/// The stages the block offers to move its open deals to, for each pipeline one of them is in: the pipeline's
/// regular stages, from the metadata the render loaded anyway.
pub(crate) fn move_targets(core: &CoreMeta, contacts: &[ContactView]) -> Vec<PipelineStages> {
    let shown: BTreeSet<i64> = contacts
        .iter()
        .flat_map(|c| &c.deals)
        .filter(|d| d.kind == DealKind::Open)
        .map(|d| d.pipeline.0)
        .collect();
    core.pipelines
        .iter()
        .filter(|p| shown.contains(&p.id))
        .map(|p| PipelineStages {
            id: p.id,
            stages: p
                .stages
                .iter()
                .filter(|s| !s.is_incoming && !matches!(s.view.id, STATUS_WON | STATUS_LOST))
                .map(|s| s.view.clone())
                .collect(),
        })
        .collect()
}

/// The deal, unless amoCRM has none (or only a deleted one) by that id.
fn live(lead: Option<Lead>, deal_id: i64) -> Result<Lead, Error> {
    lead.filter(|l| !l.is_deleted)
        .ok_or_else(|| Error::NotFound(format!("deal {deal_id}")))
}
