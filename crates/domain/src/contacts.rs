//! Contacts from the block: create one from the Usedesk client (and link the client to it), link, unlink.
//! Every write is audited, invalidates what it changes, and — when it comes from a ticket — can leave a private
//! comment in that ticket.

use amocrm::{CustomFieldValue, NewContact};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::companies::attach::{CompanyOutcome, CompanyPick, check_pick};
use crate::error::{FieldError, FieldErrorCode};
use crate::fields::{NAME_MAX, required, too_long};
use crate::identity::{normalize_email, normalize_phone};
use crate::keys::FieldKey;
use crate::model::{CreatedRef, contact_url};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult};

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
    /// The company to link the contact to (found by name, chosen, or new).
    #[serde(default)]
    pub company: CompanyPick,
}

/// A contact created from the block or a trigger, and what became of the company asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedContact {
    /// The contact.
    pub contact: CreatedRef,
    /// The company, when one was asked for.
    pub company: Option<CompanyOutcome>,
}

/// The contact's trimmed name and its phone and e-mail values, checked: every invalid one is reported at once.
fn contact_fields(
    input: &NewContactInput,
    country: Option<&str>,
) -> Result<(String, Vec<CustomFieldValue>), Error> {
    let name = input.name.trim().to_owned();
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(required(FieldKey::Name));
    } else if name.chars().count() > NAME_MAX {
        errors.push(too_long(FieldKey::Name));
    }
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
                field: FieldKey::Phone,
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
                field: FieldKey::Email,
                label: Some(raw.to_owned()),
                code: FieldErrorCode::Enum,
            }),
        }
    }
    check_pick(&input.company, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    values.extend(
        emails
            .into_iter()
            .map(|e| CustomFieldValue::email(e, "WORK")),
    );
    Ok((name, values))
}

impl Domain {
    /// Creates a contact from the Usedesk client's data, links the client to it, and says so in the ticket. The
    /// company asked for is settled before anything is written (several with its exact name are
    /// [`Error::CompanyChoice`]); creating or linking it after the contact exists cannot undo the contact, so
    /// what did not happen is in the answer's `company`.
    pub async fn create_contact(
        &self,
        ctx: &ActionContext,
        input: NewContactInput,
    ) -> Result<CreatedContact, Error> {
        let country = self.config().default_country.as_deref();
        let (name, values) = contact_fields(&input, country)?;
        let (connection, client) = self.session(ctx.connection_id).await?;
        let company = self.plan_company(ctx, &client, &input.company).await?;
        let mut contact = NewContact::named(name.clone());
        contact.custom_fields_values = merge_multitext(values);
        contact.responsible_user_id = input.responsible_user_id;
        let created = client.contacts().create(&[contact]).await;
        let target = (AuditAction::ContactCreate, format!("contact:{name}"));
        let created = self.created_one(ctx, target, "contact", created).await?;
        if let Some(client_id) = ctx.client_id {
            self.store()
                .set_link(ctx.connection_id, client_id, created.id)
                .await?;
        }
        self.audit(
            ctx,
            AuditAction::ContactCreate,
            format!("contact:{}", created.id),
            AuditResult::Ok,
        )
        .await;
        let base = connection.amo_host.trim_end_matches('/');
        let company = match company {
            Some(plan) => Some(
                self.attach_company(
                    ctx,
                    (&client, base),
                    created.id,
                    input.responsible_user_id,
                    plan,
                )
                .await,
            ),
            None => None,
        };
        self.after_write(ctx.connection_id);
        let url = contact_url(base, created.id);
        self.trace_created(
            &connection,
            &client,
            ctx,
            crate::ticket::Created::Contact,
            created.id,
            &name,
            &url,
            None,
        )
        .await;
        Ok(CreatedContact {
            contact: CreatedRef {
                id: created.id,
                name,
                url,
            },
            company,
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
        self.audit(
            ctx,
            AuditAction::LinkSet,
            format!("contact:{contact_id}"),
            AuditResult::Ok,
        )
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
        self.audit(
            ctx,
            AuditAction::LinkRemove,
            format!("client:{client_id}"),
            AuditResult::Ok,
        )
        .await;
        self.after_write(ctx.connection_id);
        Ok(())
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

/// The contact `contact_id` as amoCRM has it now (with its deals' ids when `with_leads`), read with retries;
/// `NotFound` when it does not exist or is in the trash.
pub(crate) async fn live_contact(
    client: &amocrm::AmoClient,
    contact_id: i64,
    with_leads: bool,
) -> Result<amocrm::Contact, Error> {
    crate::retry::read(|| async { client.contacts().get(contact_id, with_leads).await })
        .await?
        .filter(|c| !c.is_deleted)
        .ok_or_else(|| Error::NotFound(format!("contact {contact_id}")))
}
