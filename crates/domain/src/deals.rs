//! Deals from the block and from triggers: the deal form's offer, the draft's validation against the account's
//! pipelines and fields (every error at once, before anything is sent), and the creation with its note.

use amocrm::NewLead;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::error::{FieldError, FieldErrorCode};
use crate::fields::{self, FieldDef, NAME_MAX, required, too_long};
use crate::keys::{FieldKey, StageRef};
use crate::metadata::PipelineInfo;
use crate::model::{CreatedRef, UserRef, deal_url};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, ConnectionId};

/// A deal to create, as entered in the block or sent by a trigger. Values are raw text, checked here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealDraft {
    /// The deal's name.
    pub name: String,
    /// The price, as typed.
    pub price: Option<String>,
    /// The pipeline; the main one when `None`.
    pub pipeline_id: Option<i64>,
    /// The stage; the pipeline's first regular stage when `None`.
    pub status_id: Option<i64>,
    /// The responsible user; amoCRM's default when `None`.
    pub responsible_user_id: Option<i64>,
    /// Custom field values by field id, as typed (several for multiselect).
    pub fields: Vec<(i64, Vec<String>)>,
    /// The contact to link the deal to.
    pub contact_id: Option<i64>,
    /// A note to add to the deal.
    pub note: Option<String>,
}

/// What the deal form needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealForm {
    /// Pipelines open for new deals, with their stages (incoming and closed stages are left out).
    pub pipelines: Vec<PipelineInfo>,
    /// Users to choose as responsible (empty when the users list is not readable).
    pub users: Vec<UserRef>,
    /// Editable lead custom fields, in the account's order.
    pub fields: Vec<FieldDef>,
    /// The account's currency code.
    pub currency: String,
    /// The fields chosen in the gear (for the deals list or the card), which the form shows unfolded.
    pub shown: Vec<FieldKey>,
}

impl DealForm {
    /// The (pipeline, stage) a new deal starts in when none is chosen — the one whose required fields the
    /// form marks first.
    pub fn default_stage(&self) -> Option<StageRef> {
        crate::metadata::default_stage(&self.pipelines)
    }

    /// The stages (of the pipelines offered) where `field` must be filled, in the form's order.
    pub fn required_at(&self, field: &FieldDef) -> Vec<StageRef> {
        self.pipelines
            .iter()
            .flat_map(|p| p.stages.iter().map(|s| StageRef::new(p.id, s.view.id)))
            .filter(|stage| field.required_for(*stage))
            .collect()
    }

    /// The fields that must be filled for a deal in `stage`, in the account's order.
    pub fn required_for(&self, stage: StageRef) -> impl Iterator<Item = &FieldDef> {
        self.fields.iter().filter(move |f| f.required_for(stage))
    }

    /// Whether the gear chose `field` (for the deals list or the card).
    pub fn is_shown(&self, field: &FieldDef) -> bool {
        self.shown.contains(&field.key())
    }
}

impl Domain {
    /// What the deal form offers.
    pub async fn deal_form(&self, id: ConnectionId) -> Result<DealForm, Error> {
        let (core, defs, choices) = self.fields_with_choices(id).await?;
        let choices = choices.unwrap_or_default();
        let mut shown = choices.list;
        for key in choices.card {
            if !shown.contains(&key) {
                shown.push(key);
            }
        }
        let pipelines = core
            .pipelines
            .iter()
            .filter(|p| !p.is_archive)
            .map(|p| PipelineInfo {
                stages: p
                    .stages
                    .iter()
                    .filter(|s| !s.is_incoming)
                    .cloned()
                    .collect(),
                ..p.clone()
            })
            .collect();
        let users = core.users_by_name();
        Ok(DealForm {
            pipelines,
            users,
            fields: defs.iter().filter(|d| d.editable()).cloned().collect(),
            currency: core.account.currency.clone(),
            shown,
        })
    }

    /// Creates a deal: validated first (the stage's required fields, every value's type), then linked to its
    /// contact and the contact's company, with its note; a private comment in the ticket says so.
    pub async fn create_deal(
        &self,
        ctx: &ActionContext,
        draft: DealDraft,
    ) -> Result<CreatedRef, Error> {
        let (connection, client) = self.session(ctx.connection_id).await?;
        // The contact's company is read beside the metadata: the deal is linked to both on create.
        let (core, defs, company) = tokio::join!(
            self.core_meta(ctx.connection_id, &client),
            self.deal_fields(ctx.connection_id, &client),
            crate::companies::company_of_contact(&client, draft.contact_id)
        );
        let (core, defs) = (core?.value, defs?);
        let (mut lead, _) = check_draft(
            &draft,
            &core.pipelines,
            &defs,
            &self.zone(ctx.time_zone.as_deref(), Some(&core.account)),
        )
        .map_err(Error::Validation)?;
        // A refused draft is told as such even when the contact could not be read.
        lead.companies = company?.into_iter().collect();
        let name = lead.name.clone().unwrap_or_default();
        let created = client.leads().create(&[lead]).await;
        let target = (AuditAction::LeadCreate, format!("lead:{name}"));
        let created = self.created_one(ctx, target, "deal", created).await?;
        self.audit(
            ctx,
            AuditAction::LeadCreate,
            format!("lead:{}", created.id),
            AuditResult::Ok,
        )
        .await;
        self.after_write(ctx.connection_id);
        self.add_deal_note(ctx, &client, created.id, draft.note.as_deref())
            .await;
        let url = deal_url(connection.amo_host.trim_end_matches('/'), created.id);
        if let Some(ticket) = ctx.ticket_id {
            self.remember_deal_ticket(connection.id, created.id, ticket)
                .await;
        }
        self.trace_created(
            &connection,
            &client,
            ctx,
            crate::ticket::Created::Deal,
            created.id,
            &name,
            &url,
            None,
        )
        .await;
        Ok(CreatedRef {
            id: created.id,
            name,
            url,
        })
    }

    /// Adds the draft's note, when it has one, to the new deal `lead_id`. The deal exists: a failed note is reported
    /// in the log and the audit trail, not as a failed deal.
    async fn add_deal_note(
        &self,
        ctx: &ActionContext,
        client: &amocrm::AmoClient,
        lead_id: i64,
        note: Option<&str>,
    ) {
        let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
            return;
        };
        if let Err(e) = client
            .notes()
            .create_for_lead(lead_id, &[amocrm::NewNote::common(note)])
            .await
        {
            tracing::warn!(error = %crate::Report(&e), lead = lead_id, "could not add the note to the new deal");
            self.audit(
                ctx,
                AuditAction::NoteCreate,
                format!("lead:{lead_id}"),
                AuditResult::Error,
            )
            .await;
        }
    }
}

/// Checks a draft against the account's pipelines and fields; amoCRM's values, or every error at once.
pub(crate) fn check_draft(
    draft: &DealDraft,
    pipelines: &[PipelineInfo],
    defs: &[FieldDef],
    zone: &crate::Zone,
) -> Result<(NewLead, StageRef), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = draft.name.trim();
    if name.is_empty() {
        errors.push(required(FieldKey::Name));
    } else if name.chars().count() > NAME_MAX {
        errors.push(too_long(FieldKey::Name));
    }
    let price = match draft
        .price
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(raw) => match crate::amount::parse_budget(raw) {
            Some(p) => Some(p),
            None => {
                errors.push(FieldError {
                    field: FieldKey::Price,
                    label: None,
                    code: FieldErrorCode::Number,
                });
                None
            }
        },
    };
    let pipeline = match draft.pipeline_id {
        Some(id) => pipelines.iter().find(|p| p.id == id),
        None => crate::metadata::default_pipeline(pipelines),
    };
    let stage = pipeline.and_then(|p| {
        let status = match draft.status_id {
            Some(status) => p
                .stages
                .iter()
                .find(|s| s.view.id == status)
                .map(|s| s.view.id),
            None => p.first_regular_stage(),
        };
        status.map(|s| StageRef::new(p.id, s))
    });
    if stage.is_none() {
        errors.push(FieldError {
            field: FieldKey::Stage,
            label: None,
            code: FieldErrorCode::StageNotInPipeline,
        });
    }
    let values = match fields::validate_fields(defs, &draft.fields, stage, zone) {
        Ok(values) => values,
        Err(mut field_errors) => {
            errors.append(&mut field_errors);
            Vec::new()
        }
    };
    let (Some(stage), true) = (stage, errors.is_empty()) else {
        return Err(errors);
    };
    let lead = NewLead {
        name: Some(name.to_owned()),
        price,
        pipeline_id: Some(stage.pipeline_id),
        status_id: Some(stage.status_id),
        responsible_user_id: draft.responsible_user_id,
        custom_fields_values: values,
        contacts: draft
            .contact_id
            .map(|id| amocrm::LeadContact { id, is_main: true })
            .into_iter()
            .collect(),
        ..NewLead::default()
    };
    Ok((lead, stage))
}
