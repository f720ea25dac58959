//! The steps of one claimed `freeCreateLead` run, in order: read the ticket's client; resolve the contact (linked →
//! matched → created); build and check the draft (linked to the contact's company too); create the deal once; add
//! the note and the ticket comment; log the ticket's conversation to the deal when asked (`log_ticket`).
//!
//! Every step that writes to amoCRM records its result in [`Progress`] first or right after, so a retry after a
//! crash resumes from the last recorded step instead of creating a second contact or deal.

use amocrm::{AmoClient, NewLead};
use usedesk::{FreeCreateLead, TriggerValue, UsedeskClient};

use super::{Progress, TriggerOutcome};
use crate::Error;
use crate::contacts::NewContactInput;
use crate::deals::DealDraft;
use crate::identity::identifiers;
use crate::model::{contact_url, deal_url};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, Connection, ConnectionId};

/// What a run works with: read before anything is written.
struct Run<'a> {
    connection_id: ConnectionId,
    key: &'a str,
    payload: &'a FreeCreateLead,
    connection: Connection,
    client: AmoClient,
    usedesk: UsedeskClient,
    /// The ticket's Usedesk client.
    client_id: i64,
    /// The ticket's subject, for the note on the deal.
    subject: Option<String>,
    ctx: ActionContext,
}

impl Run<'_> {
    /// The amoCRM account's base URL, for links to what the run created.
    fn base(&self) -> &str {
        self.connection.amo_host.trim_end_matches('/')
    }
}

/// The company of the deal's contact: known from reading the contact, or to be read (a resumed run).
enum CompanyOf {
    /// Read with the contact (`None`: it has none, or was just created).
    Known(Option<i64>),
    /// Not known: read this contact beside the metadata.
    Read(i64),
}

fn trigger_value_text(value: &TriggerValue) -> String {
    match value {
        TriggerValue::Value(serde_json::Value::String(s)) => s.clone(),
        TriggerValue::Value(other) => other.to_string(),
        TriggerValue::EnumId(id) => id.to_string(),
        TriggerValue::EnumCode(code) => code.clone(),
    }
}

/// The deal the trigger asks for, for `contact_id`; named after the ticket when the trigger names none.
fn draft_from(payload: &FreeCreateLead, contact_id: i64) -> DealDraft {
    let fields = &payload.fields;
    DealDraft {
        name: fields
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("Usedesk #{}", payload.ticket_id)),
        price: fields.price.map(|p| p.to_string()),
        pipeline_id: fields.pipeline_id,
        status_id: fields.status_id,
        responsible_user_id: fields.responsible_user_id,
        fields: fields
            .custom_fields_values
            .iter()
            .map(|f| {
                (
                    f.field_id,
                    f.values.iter().map(trigger_value_text).collect(),
                )
            })
            .collect(),
        contact_id: Some(contact_id),
        note: None,
    }
}

/// The contact to create for a Usedesk client no amoCRM contact matches.
fn contact_input(
    person: &usedesk::Client,
    client_id: i64,
    payload: &FreeCreateLead,
) -> NewContactInput {
    NewContactInput {
        name: person
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("Usedesk #{client_id}")),
        phones: person.phones.iter().map(|p| p.phone.clone()).collect(),
        emails: person.emails.iter().map(|e| e.email.clone()).collect(),
        responsible_user_id: payload.fields.responsible_user_id,
        company: crate::companies::attach::CompanyPick::None,
    }
}

impl Domain {
    pub(super) async fn run_trigger(
        &self,
        connection_id: ConnectionId,
        key: &str,
        payload: &FreeCreateLead,
        mut progress: Progress,
    ) -> Result<TriggerOutcome, Error> {
        let run = self.start_run(connection_id, key, payload).await?;
        let (contact_id, company) = self.resolve_contact(&run, &mut progress).await?;
        let lead = self
            .checked_deal(&run, &draft_from(payload, contact_id), company)
            .await?;
        let lead_name = lead.name.clone().unwrap_or_default();
        let lead_id = self
            .create_deal_once(&run, &mut progress, contact_id, lead, &lead_name)
            .await?;
        let url = deal_url(run.base(), lead_id);
        self.note_and_comment(&run, lead_id, &lead_name, &url).await;
        let (ticket_logged, ticket_log_problem) = if payload.log_ticket {
            let (logged, problem) = self.log_for_trigger(&run.ctx, lead_id).await;
            (Some(logged), problem)
        } else {
            (None, None)
        };
        Ok(TriggerOutcome {
            lead_id,
            lead_url: url,
            contact_id,
            contact_url: contact_url(run.base(), contact_id),
            contact_created: progress.contact_created,
            replayed: false,
            ticket_logged,
            ticket_log_problem,
        })
    }

    /// The connection's clients and the ticket's Usedesk client, read through the Usedesk API before anything
    /// is written.
    async fn start_run<'a>(
        &self,
        connection_id: ConnectionId,
        key: &'a str,
        payload: &'a FreeCreateLead,
    ) -> Result<Run<'a>, Error> {
        let (connection, client) = self.session(connection_id).await?;
        let usedesk_token = connection.usedesk_token.clone().ok_or_else(|| Error::Usedesk {
            cause: crate::error::Cause::message(
                "no Usedesk API token is stored for this connection: open the block in a ticket once",
            ),
            retryable: false,
        })?;
        let usedesk = self.usedesk_client(&usedesk_token);
        let ticket = usedesk.ticket(payload.ticket_id).await?;
        let client_id = ticket
            .ticket
            .client_id
            .ok_or_else(|| Error::NotFound(format!("client of ticket {}", payload.ticket_id)))?;
        let ctx = ActionContext {
            connection_id,
            ticket_id: Some(payload.ticket_id),
            client_id: Some(client_id),
            actor: "trigger".into(),
            lang: self.config().default_language,
            time_zone: None,
            agent: None,
        };
        Ok(Run {
            connection_id,
            key,
            payload,
            connection,
            client,
            usedesk,
            client_id,
            subject: ticket.ticket.subject.clone(),
            ctx,
        })
    }

    /// The contact: resumed from progress, else linked, matched, or created — then recorded; with its company as
    /// far as it is known from reading the contact.
    async fn resolve_contact(
        &self,
        run: &Run<'_>,
        progress: &mut Progress,
    ) -> Result<(i64, CompanyOf), Error> {
        if let Some(id) = progress.contact_id {
            return Ok((id, CompanyOf::Read(id)));
        }
        let (id, company) = match self.linked_contact(run).await? {
            Some(found) => found,
            None => self.matched_or_created_contact(run, progress).await?,
        };
        progress.contact_id = Some(id);
        self.record(run.connection_id, run.key, progress).await?;
        Ok((id, CompanyOf::Known(company)))
    }

    /// The contact the Usedesk client is linked to, when it still exists in amoCRM, with its company.
    async fn linked_contact(&self, run: &Run<'_>) -> Result<Option<(i64, Option<i64>)>, Error> {
        let Some(linked) = self
            .store()
            .get_link(run.connection_id, run.client_id)
            .await?
        else {
            return Ok(None);
        };
        Ok(run
            .client
            .contacts()
            .get(linked, false)
            .await?
            .map(|c| (c.id, c.company_id())))
    }

    /// The best contact matching the Usedesk client's phones and e-mails (with its company), or a new one made
    /// from them (without one).
    async fn matched_or_created_contact(
        &self,
        run: &Run<'_>,
        progress: &mut Progress,
    ) -> Result<(i64, Option<i64>), Error> {
        let person = run.usedesk.client(run.client_id).await?;
        let ids = identifiers(
            person.phones.iter().map(|p| p.phone.as_str()),
            person.emails.iter().map(|e| e.email.as_str()),
            self.config().default_country.as_deref(),
        );
        let matches = self
            .search_contacts(run.connection_id, &run.client, &ids)
            .await?;
        if let Some((contact, _)) = matches.first() {
            return Ok((contact.id, contact.company_id()));
        }
        let input = contact_input(&person, run.client_id, run.payload);
        let created = self.create_contact(&run.ctx, input).await?;
        progress.contact_created = true;
        Ok((created.contact.id, None))
    }

    /// The draft checked against the account's pipelines and fields, as amoCRM takes it, linked to the contact's
    /// company too (read beside the metadata when a resumed run does not know it).
    async fn checked_deal(
        &self,
        run: &Run<'_>,
        draft: &DealDraft,
        company: CompanyOf,
    ) -> Result<NewLead, Error> {
        let (core, defs, company) = tokio::join!(
            self.core_meta(run.connection_id, &run.client),
            self.deal_fields(run.connection_id, &run.client),
            async {
                match company {
                    CompanyOf::Known(company) => Ok(company),
                    CompanyOf::Read(contact) => {
                        crate::companies::company_of_contact(&run.client, Some(contact)).await
                    }
                }
            }
        );
        let core = core?.value;
        let (mut lead, _) = crate::deals::check_draft(
            draft,
            &core.pipelines,
            &defs?,
            &self.zone(None, Some(&core.account)),
        )
        .map_err(Error::Validation)?;
        lead.companies = company?.into_iter().collect();
        Ok(lead)
    }

    /// The deal: resumed from progress, else adopted from a crashed run, else created — then recorded.
    async fn create_deal_once(
        &self,
        run: &Run<'_>,
        progress: &mut Progress,
        contact_id: i64,
        lead: NewLead,
        lead_name: &str,
    ) -> Result<i64, Error> {
        if let Some(id) = progress.lead_id {
            return Ok(id);
        }
        let adopted = match progress.lead_started_at {
            // A run crashed while creating the deal: adopt it if amoCRM has it.
            Some(started) => {
                self.find_created_deal(&run.client, contact_id, lead_name, started)
                    .await?
            }
            None => None,
        };
        let id = match adopted {
            Some(id) => id,
            None => {
                self.create_trigger_deal(run, progress, lead, lead_name)
                    .await?
            }
        };
        progress.lead_id = Some(id);
        self.record(run.connection_id, run.key, progress).await?;
        self.after_write(run.connection_id);
        Ok(id)
    }

    /// Creates the deal, recording first that creation started (so a crash in between is adopted, not repeated).
    async fn create_trigger_deal(
        &self,
        run: &Run<'_>,
        progress: &mut Progress,
        lead: NewLead,
        lead_name: &str,
    ) -> Result<i64, Error> {
        progress.lead_started_at = Some(crate::now());
        self.record(run.connection_id, run.key, progress).await?;
        let created = match run.client.leads().create(&[lead]).await {
            Ok(ids) => ids
                .first()
                .map(|c| c.id)
                .ok_or_else(|| Error::Internal("amoCRM created no deal".into()))?,
            Err(e) => {
                let target = format!("lead:{lead_name}");
                self.audit(
                    &run.ctx,
                    AuditAction::LeadCreate,
                    target,
                    AuditResult::Error,
                )
                .await;
                return Err(e.into());
            }
        };
        let target = format!("lead:{created}");
        self.audit(&run.ctx, AuditAction::LeadCreate, target, AuditResult::Ok)
            .await;
        Ok(created)
    }

    /// The trigger's comment as a note on the deal, and a private comment in the ticket; neither fails the run.
    async fn note_and_comment(&self, run: &Run<'_>, lead_id: i64, lead_name: &str, url: &str) {
        if let Some(comment) = run
            .payload
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            && let Err(e) = run
                .client
                .notes()
                .create_for_lead(lead_id, &[amocrm::NewNote::common(comment)])
                .await
        {
            tracing::warn!(error = %crate::Report(&e), lead_id, "could not add the trigger's comment to the deal");
            let target = format!("lead:{lead_id}");
            self.audit(
                &run.ctx,
                AuditAction::NoteCreate,
                target,
                AuditResult::Error,
            )
            .await;
        }
        self.remember_deal_ticket(run.connection.id, lead_id, run.payload.ticket_id)
            .await;
        self.trace_created(
            &run.connection,
            &run.client,
            &run.ctx,
            crate::ticket::Created::Deal,
            lead_id,
            lead_name,
            url,
            run.subject.clone(),
        )
        .await;
    }

    /// A deal of the contact with this name created since `since` (a crashed run's deal), if amoCRM has one.
    async fn find_created_deal(
        &self,
        client: &AmoClient,
        contact_id: i64,
        name: &str,
        since: i64,
    ) -> Result<Option<i64>, Error> {
        let Some(contact) = client.contacts().get(contact_id, true).await? else {
            return Ok(None);
        };
        if contact.leads.is_empty() {
            return Ok(None);
        }
        let query = amocrm::LeadsQuery {
            ids: contact.leads.clone(),
            ..amocrm::LeadsQuery::default()
        };
        let leads = client.leads().list_all(&query).await?;
        Ok(leads
            .iter()
            .filter(|l| l.name == name && l.created_at >= since - 5)
            .map(|l| l.id)
            .max())
    }
}
