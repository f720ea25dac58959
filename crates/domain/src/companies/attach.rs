//! A company for a contact created from the block: found by its exact name (trimmed, case-insensitive) among
//! amoCRM's loose `query` hits, created when none has it, or chosen by the agent when several have it — decided
//! before the contact is written. The contact is linked with `POST /api/v4/contacts/{id}/link` (the reference
//! documents `_embedded.companies` on create for leads only); a company that cannot be created or linked after the
//! contact was leaves the contact as it is and says exactly what did not happen.

use amocrm::{AmoClient, CompaniesQuery, Company, CompanyDraft, EntityLink};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, FieldErrorCode};
use crate::fields::{NAME_MAX, too_long};
use crate::keys::FieldKey;
use crate::model::{UserRef, company_url};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult};
use crate::{Error, Report};

/// The company the agent asked for the new contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompanyPick {
    /// No company.
    #[default]
    None,
    /// The company with this name: the one amoCRM has by exactly this name, a new one when none has it; when
    /// several have it the agent is asked ([`Error::CompanyChoice`]).
    Named(String),
    /// This existing company, chosen among several with the same name (checked: it must exist, not deleted).
    Existing(i64),
    /// A new company with this name, even though others have it.
    New(String),
}

/// One of several companies with the same name, for the agent to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyOption {
    /// The amoCRM company id.
    pub id: i64,
    /// Its name as amoCRM has it.
    pub name: String,
    /// Its responsible user.
    pub responsible: Option<UserRef>,
    /// Its page in amoCRM.
    pub url: String,
}

/// What became of the new contact's company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompanyOutcome {
    /// The contact is linked to the company (`created`: the company is new).
    Linked {
        /// The company id.
        id: i64,
        /// Its name.
        name: String,
        /// Its page in amoCRM.
        url: String,
        /// Whether it was created for this contact.
        created: bool,
    },
    /// The company could not be created: the contact exists without one.
    NotCreated {
        /// The name asked for.
        name: String,
    },
    /// The company exists (found, chosen or just created) but the contact could not be linked to it.
    NotLinked {
        /// The company id.
        id: i64,
        /// Its name.
        name: String,
        /// Its page in amoCRM.
        url: String,
        /// Whether it was created for this contact (and is now a company without contacts).
        created: bool,
    },
}

/// What will be done about the company, decided before the contact is written.
pub(crate) enum CompanyPlan {
    /// Link to this existing company.
    Existing(Company),
    /// Create a company with this name, then link.
    New(String),
}

/// The exact-name comparison: trimmed, case-insensitive.
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The pick's name checked for length.
pub(crate) fn check_pick(pick: &CompanyPick, errors: &mut Vec<FieldError>) {
    if let CompanyPick::Named(name) | CompanyPick::New(name) = pick
        && name.trim().chars().count() > NAME_MAX
    {
        errors.push(too_long(FieldKey::Company));
    }
}

impl Domain {
    /// What to do about the company the agent asked for: nothing is written here. Several companies with exactly
    /// this name are [`Error::CompanyChoice`]; a chosen company that does not exist (or is deleted) is refused
    /// as a field error.
    pub(crate) async fn plan_company(
        &self,
        ctx: &ActionContext,
        client: &AmoClient,
        pick: &CompanyPick,
    ) -> Result<Option<CompanyPlan>, Error> {
        match pick {
            CompanyPick::None => Ok(None),
            CompanyPick::Named(name) if name.trim().is_empty() => Ok(None),
            CompanyPick::New(name) if name.trim().is_empty() => Ok(None),
            CompanyPick::New(name) => Ok(Some(CompanyPlan::New(name.trim().to_owned()))),
            CompanyPick::Existing(id) => {
                let id = *id;
                let found =
                    crate::retry::read(|| async { client.companies().get(id, false).await })
                        .await?;
                match found.filter(|c| !c.is_deleted) {
                    Some(company) => Ok(Some(CompanyPlan::Existing(company))),
                    None => Err(Error::Validation(vec![FieldError {
                        field: FieldKey::Company,
                        label: None,
                        code: FieldErrorCode::Enum,
                    }])),
                }
            }
            CompanyPick::Named(name) => self.company_by_name(ctx, client, name.trim()).await,
        }
    }

    /// The one company named exactly `name`, a new one when none is, or the agent's choice when several are.
    async fn company_by_name(
        &self,
        ctx: &ActionContext,
        client: &AmoClient,
        name: &str,
    ) -> Result<Option<CompanyPlan>, Error> {
        let query = CompaniesQuery {
            limit: Some(250),
            ..CompaniesQuery::search(name)
        };
        let hits = crate::retry::read(|| async { client.companies().list(&query).await }).await?;
        let mut exact: Vec<Company> = hits
            .items
            .into_iter()
            .filter(|c| !c.is_deleted && same_name(&c.name, name))
            .collect();
        match exact.len() {
            0 => Ok(Some(CompanyPlan::New(name.to_owned()))),
            1 => Ok(exact.pop().map(CompanyPlan::Existing)),
            _ => {
                let core = self.core_meta(ctx.connection_id, client).await?.value;
                exact.sort_by_key(|c| std::cmp::Reverse(c.updated_at));
                Err(Error::CompanyChoice(
                    exact
                        .iter()
                        .map(|c| CompanyOption {
                            id: c.id,
                            name: c.name.trim().to_owned(),
                            responsible: core.user(c.responsible_user_id),
                            url: company_url(&core.base_url, c.id),
                        })
                        .collect(),
                ))
            }
        }
    }

    /// Carries out the plan for the new contact `contact_id`: creates the company when it is new (with the
    /// contact's responsible), then links the contact to it. Never fails: what did not happen is the outcome, the
    /// log and the audit trail.
    pub(crate) async fn attach_company(
        &self,
        ctx: &ActionContext,
        (client, base): (&AmoClient, &str),
        contact_id: i64,
        responsible: Option<i64>,
        plan: CompanyPlan,
    ) -> CompanyOutcome {
        let (id, name, created) = match plan {
            CompanyPlan::Existing(company) => (company.id, company.name.trim().to_owned(), false),
            CompanyPlan::New(name) => {
                let draft = CompanyDraft {
                    responsible_user_id: responsible,
                    ..CompanyDraft::named(name.clone())
                };
                let result = client.companies().create(&[draft]).await;
                let target = (AuditAction::CompanyCreate, format!("company:{name}"));
                match self.created_one(ctx, target, "company", result).await {
                    Ok(created) => {
                        let target = format!("company:{}", created.id);
                        self.audit(ctx, AuditAction::CompanyCreate, target, AuditResult::Ok)
                            .await;
                        (created.id, name, true)
                    }
                    Err(e) => {
                        tracing::warn!(error = %Report(&e), contact = contact_id, "the new contact's company could not be created");
                        return CompanyOutcome::NotCreated { name };
                    }
                }
            }
        };
        let url = company_url(base, id);
        let linked = client
            .contacts()
            .link(contact_id, &[EntityLink::company(id)])
            .await;
        let target = format!("contact:{contact_id}:company:{id}");
        self.audit(
            ctx,
            AuditAction::CompanyLink,
            target,
            AuditResult::of(&linked),
        )
        .await;
        match linked {
            Ok(()) => CompanyOutcome::Linked {
                id,
                name,
                url,
                created,
            },
            Err(e) => {
                tracing::warn!(error = %Report(&e), contact = contact_id, company = id, "the new contact could not be linked to its company");
                CompanyOutcome::NotLinked {
                    id,
                    name,
                    url,
                    created,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_same_trimmed_and_in_any_case() {
        assert!(same_name("  Gringotts Bank ", "gringotts bank"));
        assert!(same_name("Гринготтс", "ГРИНГОТТС"));
        assert!(!same_name("Gringotts Bank", "Gringotts"));
    }

    #[test]
    fn a_company_name_longer_than_a_name_may_be_is_refused() {
        let mut errors = Vec::new();
        check_pick(&CompanyPick::Named("x".repeat(NAME_MAX + 1)), &mut errors);
        check_pick(&CompanyPick::Named("Gringotts".into()), &mut errors);
        assert_eq!(errors, vec![too_long(FieldKey::Company)]);
    }
}
