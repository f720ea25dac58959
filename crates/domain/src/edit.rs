//! Keeping a contact in step with the ticket: the client's phones and e-mails the contact lacks, and adding one
//! of them to the contact without losing the values it has (amoCRM's PATCH replaces a field's whole list);
//! renaming a contact, setting its position and changing its responsible user.

use amocrm::{ContactUpdate, CustomFieldValue, EMAIL, PHONE};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::error::{FieldError, FieldErrorCode};
use crate::identity::{normalize_email, normalize_phone};
use crate::keys::FieldKey;
use crate::model::{ContactView, TicketClient};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult};

/// A phone or an e-mail of the ticket's client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientValue {
    /// A phone, in E.164 form.
    Phone(String),
    /// An e-mail, as the client has it (trimmed).
    Email(String),
}

impl ClientValue {
    /// The value.
    pub fn value(&self) -> &str {
        match self {
            ClientValue::Phone(v) | ClientValue::Email(v) => v,
        }
    }

    /// A phone typed or sent in any format, normalised; `None` when it is not a phone.
    pub fn phone(raw: &str, default_country: Option<&str>) -> Option<ClientValue> {
        normalize_phone(raw, default_country).map(ClientValue::Phone)
    }

    /// An e-mail, trimmed; `None` when it is not one.
    pub fn email(raw: &str) -> Option<ClientValue> {
        normalize_email(raw).map(|_| ClientValue::Email(raw.trim().to_owned()))
    }
}

/// The client's phones and e-mails that `contact` does not have (compared normalised), in the client's order.
pub fn missing_values(
    contact: &ContactView,
    client: &TicketClient,
    default_country: Option<&str>,
) -> Vec<ClientValue> {
    let has_phone = |phone: &str| {
        contact
            .phones
            .iter()
            .any(|p| normalize_phone(p, default_country).as_deref() == Some(phone))
    };
    let has_email = |email: &str| {
        contact
            .emails
            .iter()
            .any(|e| normalize_email(e).as_deref() == Some(email))
    };
    let mut missing: Vec<ClientValue> = Vec::new();
    for raw in &client.phones {
        if let Some(phone) = normalize_phone(raw, default_country)
            && !has_phone(&phone)
            && !missing.iter().any(|m| m.value() == phone)
        {
            missing.push(ClientValue::Phone(phone));
        }
    }
    for raw in &client.emails {
        if let Some(email) = normalize_email(raw)
            && !has_email(&email)
            && !missing
                .iter()
                .any(|m| normalize_email(m.value()).as_deref() == Some(&email))
        {
            missing.push(ClientValue::Email(raw.trim().to_owned()));
        }
    }
    missing
}

impl Domain {
    /// Adds a phone or an e-mail to a contact, keeping every value it has. Reads the contact first: amoCRM
    /// replaces the whole value list of a field sent in a PATCH. A value the contact already has is not sent.
    pub async fn add_contact_value(
        &self,
        ctx: &ActionContext,
        contact_id: i64,
        value: ClientValue,
    ) -> Result<(), Error> {
        let country = self.config().default_country.as_deref();
        let (field, code, key) = match &value {
            ClientValue::Phone(p) => (
                normalize_phone(p, country).map(ClientValue::Phone),
                PHONE,
                FieldKey::Phone,
            ),
            ClientValue::Email(e) => (ClientValue::email(e), EMAIL, FieldKey::Email),
        };
        let Some(value) = field else {
            return Err(Error::Validation(vec![FieldError {
                field: key,
                label: Some(value.value().to_owned()),
                code: match key {
                    FieldKey::Phone => FieldErrorCode::Number,
                    _ => FieldErrorCode::Enum,
                },
            }]));
        };
        let (_, client) = self.session(ctx.connection_id).await?;
        let contact = crate::contacts::live_contact(&client, contact_id, false).await?;
        let already = match &value {
            ClientValue::Phone(p) => contact
                .phones()
                .iter()
                .any(|raw| normalize_phone(raw, country).as_deref() == Some(p.as_str())),
            ClientValue::Email(e) => {
                let wanted = normalize_email(e);
                contact
                    .emails()
                    .iter()
                    .any(|raw| normalize_email(raw) == wanted)
            }
        };
        if already {
            return Ok(());
        }
        let update = ContactUpdate {
            id: contact_id,
            custom_fields_values: Some(vec![contact.field_with_added(code, value.value(), "WORK")]),
            ..ContactUpdate::default()
        };
        self.send_contact_update(ctx, &client, &update).await
    }
}

/// A contact's name, position and responsible user, as the edit form shows them, with the users to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEdit {
    /// The contact id.
    pub contact_id: i64,
    /// Its name.
    pub name: String,
    /// Its position (job title); empty when it has none.
    #[serde(default)]
    pub position: String,
    /// Its responsible user.
    pub responsible_user_id: Option<i64>,
    /// The users it can be given to (empty when the users list is not readable).
    pub users: Vec<crate::model::UserRef>,
}

impl Domain {
    /// What the contact edit form needs.
    pub async fn contact_edit(
        &self,
        ctx: &ActionContext,
        contact_id: i64,
    ) -> Result<ContactEdit, Error> {
        let (_, client) = self.session(ctx.connection_id).await?;
        let (core, contact) = tokio::join!(
            self.core_meta(ctx.connection_id, &client),
            crate::retry::read(|| async { client.contacts().get(contact_id, false).await })
        );
        let core = core?;
        let contact = contact?
            .filter(|c| !c.is_deleted)
            .ok_or_else(|| Error::NotFound(format!("contact {contact_id}")))?;
        let users = core.value.users_by_name();
        Ok(ContactEdit {
            contact_id,
            name: contact.name.clone(),
            position: contact.position().unwrap_or_default().to_owned(),
            responsible_user_id: (contact.responsible_user_id > 0)
                .then_some(contact.responsible_user_id),
            users,
        })
    }

    /// Renames a contact, sets its position and gives it to another responsible user; only what changes is
    /// sent. A blank position leaves the one the contact has (amoCRM documents no way to clear a field).
    pub async fn update_contact(
        &self,
        ctx: &ActionContext,
        contact_id: i64,
        changes: &ContactChanges,
    ) -> Result<(), Error> {
        let (name, position) = changes.checked()?;
        let (_, client) = self.session(ctx.connection_id).await?;
        let contact = crate::contacts::live_contact(&client, contact_id, false).await?;
        let position = position.filter(|p| contact.position() != Some(*p));
        let update = ContactUpdate {
            id: contact_id,
            name: (contact.name.trim() != name).then(|| name.to_owned()),
            responsible_user_id: changes
                .responsible_user_id
                .filter(|id| *id > 0 && *id != contact.responsible_user_id),
            custom_fields_values: position.map(|p| vec![CustomFieldValue::position(p)]),
            ..ContactUpdate::default()
        };
        if update.name.is_none()
            && update.responsible_user_id.is_none()
            && update.custom_fields_values.is_none()
        {
            return Ok(());
        }
        self.send_contact_update(ctx, &client, &update).await
    }
}

/// What the contact edit form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactChanges {
    /// The name as typed.
    pub name: String,
    /// The position as typed; blank keeps the contact's.
    pub position: String,
    /// The responsible user chosen.
    pub responsible_user_id: Option<i64>,
}

impl ContactChanges {
    /// The trimmed name and position (`None` when blank), or every refused field at once.
    fn checked(&self) -> Result<(&str, Option<&str>), Error> {
        let name = self.name.trim();
        let position = Some(self.position.trim()).filter(|p| !p.is_empty());
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(crate::fields::required(FieldKey::Name));
        } else if name.chars().count() > crate::fields::NAME_MAX {
            errors.push(crate::fields::too_long(FieldKey::Name));
        }
        if position.is_some_and(|p| p.chars().count() > crate::fields::NAME_MAX) {
            errors.push(crate::fields::too_long(FieldKey::Position));
        }
        if errors.is_empty() {
            Ok((name, position))
        } else {
            Err(Error::Validation(errors))
        }
    }
}

impl Domain {
    /// Sends one contact's update, audits it either way, and lets the next block read fresh data.
    async fn send_contact_update(
        &self,
        ctx: &ActionContext,
        client: &amocrm::AmoClient,
        update: &ContactUpdate,
    ) -> Result<(), Error> {
        let result = client.contacts().update_one(update).await;
        let outcome = AuditResult::of(&result);
        self.audit(
            ctx,
            AuditAction::ContactUpdate,
            format!("contact:{}", update.id),
            outcome,
        )
        .await;
        result?;
        self.after_write(ctx.connection_id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(phones: &[&str], emails: &[&str]) -> ContactView {
        ContactView {
            id: 3001,
            name: "Harry Potter".into(),
            phones: phones.iter().map(|p| (*p).to_owned()).collect(),
            emails: emails.iter().map(|e| (*e).to_owned()).collect(),
            responsible: None,
            updated_at: 0,
            url: String::new(),
            linked: false,
            matched_by: Vec::new(),
            deals: Vec::new(),
            company: None,
            tasks: Default::default(),
        }
    }

    fn client(phones: &[&str], emails: &[&str]) -> TicketClient {
        TicketClient {
            phones: phones.iter().map(|p| (*p).to_owned()).collect(),
            emails: emails.iter().map(|e| (*e).to_owned()).collect(),
            ..TicketClient::default()
        }
    }

    #[test]
    fn values_the_contact_has_in_another_format_are_not_missing() {
        let contact = contact(&["+7 (916) 123-45-67"], &["Harry.Potter@Hogwarts.example"]);
        let client = client(&["8 916 123 45 67"], &["harry.potter@hogwarts.example"]);
        assert!(missing_values(&contact, &client, Some("7")).is_empty());
    }

    #[test]
    fn a_phone_and_an_email_the_contact_lacks_are_missing_once_each() {
        let contact = contact(&["+7 (916) 123-45-67"], &[]);
        let client = client(
            &["+44 20 7946 0958", "+442079460958", "8 916 123 45 67"],
            &[" harry@example.com ", "HARRY@example.com"],
        );
        assert_eq!(
            missing_values(&contact, &client, Some("7")),
            [
                ClientValue::Phone("+442079460958".into()),
                ClientValue::Email("harry@example.com".into())
            ]
        );
    }

    #[test]
    fn a_blank_position_keeps_the_contacts_and_a_long_one_is_refused_with_the_name() {
        let changes = |name: &str, position: &str| ContactChanges {
            name: name.into(),
            position: position.into(),
            responsible_user_id: None,
        };
        let kept = changes(" Harry ", "   ");
        assert_eq!(kept.checked().expect("valid"), ("Harry", None));
        let long = changes("", &"x".repeat(crate::fields::NAME_MAX + 1));
        let Err(Error::Validation(errors)) = long.checked() else {
            panic!("refused");
        };
        let fields: Vec<FieldKey> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [FieldKey::Name, FieldKey::Position]);
    }

    #[test]
    fn what_is_not_a_phone_or_an_email_is_refused() {
        assert_eq!(ClientValue::phone("call me", Some("7")), None);
        assert_eq!(ClientValue::email("not an e-mail"), None);
    }
}
