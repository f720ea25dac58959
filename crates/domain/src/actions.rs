//! The block's actions: create a contact, link and unlink, create a deal (validated first), choose fields.
//! Every write is audited, invalidates what it changes, and — when it comes from a ticket — can leave a
//! private comment in that ticket.

use amocrm::{CustomFieldValue, NewContact, NewLead};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::error::{FieldError, FieldErrorCode};
use crate::fields::{self, FieldDef};
use crate::identity::{normalize_email, normalize_phone};
use crate::metadata::PipelineInfo;
use crate::model::{FieldLabel, UserRef};
use crate::render::{contact_url, lead_url};
use crate::service::{ActionContext, Domain};
use crate::store::{ConnectionId, FieldChoices};

/// The longest deal or contact name we send (amoCRM's limit is 255 characters).
const NAME_MAX: usize = 255;

/// A contact to create, prefilled from the Usedesk client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContactInput {
    /// The name.
    pub name: String,
    /// Phones, as typed.
    pub phones: Vec<String>,
    /// E-mails, as typed.
    pub emails: Vec<String>,
    /// The responsible user; amoCRM's default when `None`.
    pub responsible_user_id: Option<i64>,
}

/// A created contact or deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedRef {
    /// The amoCRM id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its page in amoCRM.
    pub url: String,
}

/// A deal to create, as entered in the block or sent by a trigger. Values are raw text, checked here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDraft {
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
pub struct LeadForm {
    /// Pipelines open for new deals, with their stages (incoming and closed stages are left out).
    pub pipelines: Vec<PipelineInfo>,
    /// Users to choose as responsible (empty when the users list is not readable).
    pub users: Vec<UserRef>,
    /// Editable lead custom fields, in the account's order.
    pub fields: Vec<FieldDef>,
    /// The account's currency code.
    pub currency: String,
}

/// The gear: the fields that can be chosen and the current choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSettings {
    /// The connection (its id is the Integration ID shown for triggers).
    pub connection_id: ConnectionId,
    /// Every field that can be shown: key and label.
    pub available: Vec<(String, FieldLabel)>,
    /// The current choice; the card shows every filled field while its list is empty.
    pub choices: FieldChoices,
}

impl LeadForm {
    /// The (pipeline, stage) a new deal starts in when none is chosen — the one whose required fields the
    /// form marks first.
    pub fn default_stage(&self) -> Option<(i64, i64)> {
        crate::metadata::default_stage(&self.pipelines)
    }
}

impl Domain {
    /// Creates a contact from the Usedesk client's data, links the client to it, and says so in the ticket.
    pub async fn create_contact(
        &self,
        ctx: &ActionContext,
        input: NewContactInput,
    ) -> Result<CreatedRef, Error> {
        let name = input.name.trim().to_owned();
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(required("name"));
        } else if name.chars().count() > NAME_MAX {
            errors.push(too_long("name"));
        }
        let country = self.config().default_country.as_deref();
        let mut values = Vec::new();
        for raw in input
            .phones
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
        {
            match normalize_phone(raw, country) {
                Some(phone) => values.push(CustomFieldValue::phone(phone, "WORK")),
                None => errors.push(FieldError {
                    field: "phone".into(),
                    label: Some(raw.to_owned()),
                    code: FieldErrorCode::Number,
                }),
            }
        }
        let mut emails = Vec::new();
        for raw in input
            .emails
            .iter()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty())
        {
            match normalize_email(raw) {
                Some(_) => emails.push(raw.to_owned()),
                None => errors.push(FieldError {
                    field: "email".into(),
                    label: Some(raw.to_owned()),
                    code: FieldErrorCode::Enum,
                }),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        values.extend(
            emails
                .into_iter()
                .map(|e| CustomFieldValue::email(e, "WORK")),
        );

        let (connection, client) = self.session(ctx.connection_id).await?;
        let mut contact = NewContact::named(name.clone());
        contact.custom_fields_values = merge_multitext(values);
        contact.responsible_user_id = input.responsible_user_id;
        let created = client.contacts().create(&[contact]).await;
        let created = match created {
            Ok(mut ids) if !ids.is_empty() => ids.remove(0),
            Ok(_) => return Err(Error::Internal("amoCRM created no contact".into())),
            Err(e) => {
                self.audit(ctx, "contact.create", format!("contact:{name}"), "error")
                    .await;
                return Err(e.into());
            }
        };
        if let Some(client_id) = ctx.client_id {
            self.store()
                .set_link(ctx.connection_id, client_id, created.id)
                .await?;
        }
        self.audit(
            ctx,
            "contact.create",
            format!("contact:{}", created.id),
            "ok",
        )
        .await;
        self.after_write(ctx.connection_id);
        let url = contact_url(connection.amo_host.trim_end_matches('/'), created.id);
        self.comment_in_ticket(&connection, ctx, "contact", &name, &url)
            .await;
        Ok(CreatedRef {
            id: created.id,
            name,
            url,
        })
    }

    /// Binds the Usedesk client to one contact: from then on only that contact is shown.
    pub async fn link(&self, ctx: &ActionContext, contact_id: i64) -> Result<(), Error> {
        let client_id = ctx
            .client_id
            .ok_or_else(|| Error::NotFound("Usedesk client".into()))?;
        let (_, client) = self.session(ctx.connection_id).await?;
        if client.contacts().get(contact_id, false).await?.is_none() {
            return Err(Error::NotFound(format!("contact {contact_id}")));
        }
        self.store()
            .set_link(ctx.connection_id, client_id, contact_id)
            .await?;
        self.audit(ctx, "link.set", format!("contact:{contact_id}"), "ok")
            .await;
        self.after_write(ctx.connection_id);
        Ok(())
    }

    /// Removes the client's link: every matching contact is shown again.
    pub async fn unlink(&self, ctx: &ActionContext) -> Result<(), Error> {
        let client_id = ctx
            .client_id
            .ok_or_else(|| Error::NotFound("Usedesk client".into()))?;
        self.store()
            .remove_link(ctx.connection_id, client_id)
            .await?;
        self.audit(ctx, "link.remove", format!("client:{client_id}"), "ok")
            .await;
        self.after_write(ctx.connection_id);
        Ok(())
    }

    /// What the deal form offers.
    pub async fn lead_form(&self, id: ConnectionId) -> Result<LeadForm, Error> {
        let (_, client) = self.session(id).await?;
        let (core, defs) = tokio::join!(self.core_meta(id, &client), self.lead_fields(id, &client));
        let (core, defs) = (core?.value, defs?);
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
        let mut users: Vec<UserRef> = core
            .users
            .iter()
            .flatten()
            .map(|(id, name)| UserRef {
                id: *id,
                name: Some(name.clone()),
            })
            .collect();
        users.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(LeadForm {
            pipelines,
            users,
            fields: defs.iter().filter(|d| d.editable()).cloned().collect(),
            currency: core.account.currency.clone(),
        })
    }

    /// Checks a draft against the account's pipelines and fields; amoCRM's values, or every error at once.
    pub(crate) fn check_draft(
        draft: &LeadDraft,
        pipelines: &[PipelineInfo],
        defs: &[FieldDef],
        utc_offset_minutes: i32,
    ) -> Result<(NewLead, (i64, i64)), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = draft.name.trim();
        if name.is_empty() {
            errors.push(required("name"));
        } else if name.chars().count() > NAME_MAX {
            errors.push(too_long("name"));
        }
        let price = match draft
            .price
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(raw) => match fields::parse_budget(raw) {
                Some(p) => Some(p),
                None => {
                    errors.push(FieldError {
                        field: "price".into(),
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
            status.map(|s| (p.id, s))
        });
        if stage.is_none() {
            errors.push(FieldError {
                field: "stage".into(),
                label: None,
                code: FieldErrorCode::StageNotInPipeline,
            });
        }
        let values = match fields::validate_fields(defs, &draft.fields, stage, utc_offset_minutes) {
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
            pipeline_id: Some(stage.0),
            status_id: Some(stage.1),
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

    /// Creates a deal: validated first (the stage's required fields, every value's type), then linked to its
    /// contact, with its note; a private comment in the ticket says so.
    pub async fn create_lead(
        &self,
        ctx: &ActionContext,
        draft: LeadDraft,
    ) -> Result<CreatedRef, Error> {
        let (connection, client) = self.session(ctx.connection_id).await?;
        let (core, defs) = tokio::join!(
            self.core_meta(ctx.connection_id, &client),
            self.lead_fields(ctx.connection_id, &client)
        );
        let (core, defs) = (core?.value, defs?);
        let (lead, _) = Self::check_draft(
            &draft,
            &core.pipelines,
            &defs,
            self.config().utc_offset_minutes,
        )
        .map_err(Error::Validation)?;
        let name = lead.name.clone().unwrap_or_default();
        let created = match client.leads().create(&[lead]).await {
            Ok(mut ids) if !ids.is_empty() => ids.remove(0),
            Ok(_) => return Err(Error::Internal("amoCRM created no deal".into())),
            Err(e) => {
                self.audit(ctx, "lead.create", format!("lead:{name}"), "error")
                    .await;
                return Err(e.into());
            }
        };
        self.audit(ctx, "lead.create", format!("lead:{}", created.id), "ok")
            .await;
        self.after_write(ctx.connection_id);
        if let Some(note) = draft
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            // The deal exists; a failed note is reported in the log and the audit trail, not as a failed deal.
            if let Err(e) = client
                .notes()
                .create_for_lead(created.id, &[amocrm::NewNote::common(note)])
                .await
            {
                tracing::warn!(error = %e, lead = created.id, "could not add the note to the new deal");
                self.audit(ctx, "note.create", format!("lead:{}", created.id), "error")
                    .await;
            }
        }
        let url = lead_url(connection.amo_host.trim_end_matches('/'), created.id);
        self.comment_in_ticket(&connection, ctx, "deal", &name, &url)
            .await;
        Ok(CreatedRef {
            id: created.id,
            name,
            url,
        })
    }

    /// The gear's choices and the fields available.
    pub async fn field_settings(&self, id: ConnectionId) -> Result<FieldSettings, Error> {
        let (_, client) = self.session(id).await?;
        let (defs, choices) = tokio::join!(
            self.lead_fields(id, &client),
            self.store().get_field_choices(id)
        );
        let available = defs?
            .iter()
            .map(|d| (d.key(), FieldLabel::Custom(d.name.clone())))
            .collect();
        Ok(FieldSettings {
            connection_id: id,
            available,
            choices: choices?.unwrap_or_default(),
        })
    }

    /// Saves the gear's choices (unknown keys are dropped).
    pub async fn save_field_choices(
        &self,
        ctx: &ActionContext,
        choices: FieldChoices,
    ) -> Result<(), Error> {
        let settings = self.field_settings(ctx.connection_id).await?;
        let known = |k: &String| settings.available.iter().any(|(key, _)| key == k);
        let mut clean = FieldChoices {
            list: choices.list.into_iter().filter(known).collect(),
            card: choices.card.into_iter().filter(known).collect(),
        };
        clean.list.dedup();
        clean.card.dedup();
        self.store()
            .set_field_choices(ctx.connection_id, &clean)
            .await?;
        self.audit(ctx, "fields.choose", "fields".into(), "ok")
            .await;
        self.after_write(ctx.connection_id);
        Ok(())
    }

    /// Leaves a private comment in the ticket about something created from it (when configured and possible).
    pub(crate) async fn comment_in_ticket(
        &self,
        connection: &crate::store::Connection,
        ctx: &ActionContext,
        what: &str,
        name: &str,
        url: &str,
    ) {
        let (Some(ticket_id), Some(token), true) = (
            ctx.ticket_id,
            connection.usedesk_token.as_ref(),
            self.config().usedesk_comment_on_create,
        ) else {
            return;
        };
        let message = format!(
            "amoCRM: {what} \u{ab}{}\u{bb} — {url}",
            name.replace(['<', '>'], "")
        );
        let client = self.usedesk_client(token);
        let comment = usedesk::NewComment::private(ticket_id, message);
        if let Err(e) = client.create_comment(&comment).await {
            tracing::warn!(error = %e, ticket_id, "could not add the private comment to the Usedesk ticket");
            self.audit(
                ctx,
                "usedesk.comment",
                format!("ticket:{ticket_id}"),
                "error",
            )
            .await;
        }
    }

    pub(crate) fn usedesk_client(&self, token: &SecretString) -> usedesk::UsedeskClient {
        usedesk::UsedeskClient::new(
            self.config().usedesk_base.clone(),
            token.clone(),
            self.inner.deps.http.clone(),
        )
    }
}

fn required(field: &str) -> FieldError {
    FieldError {
        field: field.into(),
        label: None,
        code: FieldErrorCode::Required,
    }
}

fn too_long(field: &str) -> FieldError {
    FieldError {
        field: field.into(),
        label: None,
        code: FieldErrorCode::TooLong { max: NAME_MAX },
    }
}

/// amoCRM wants one PHONE entry and one EMAIL entry holding every value, not one entry per value.
fn merge_multitext(values: Vec<CustomFieldValue>) -> Vec<CustomFieldValue> {
    let mut merged: Vec<CustomFieldValue> = Vec::new();
    for value in values {
        match merged.iter_mut().find(|m| m.field_code == value.field_code) {
            Some(existing) => existing.values.extend(value.values),
            None => merged.push(value),
        }
    }
    merged
}
