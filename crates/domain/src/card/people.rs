//! The deal card's people: the deal's contacts — the main one first, at most a few — each with its position,
//! phones, e-mails and tags.
//!
//! The lead is read `with=contacts`, which names its contacts (stubs: id and whether main). When the card was
//! opened from a contact in the block, that contact is read beside the lead in the card's first wave; only the
//! contacts it does not cover (a deal with several, or a card opened without one) are read after the lead, in one
//! call. The contact a link names is shown only when the lead names it too.

use amocrm::{AmoClient, Contact, ContactsQuery, Lead};
use serde::{Deserialize, Serialize};

use crate::metadata::CoreMeta;
use crate::model::contact_url;

/// At most this many contacts on a card: a deal with a crowd of them is followed in amoCRM.
pub const CARD_CONTACTS_MAX: usize = 3;

/// A contact of a deal, as its card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardContact {
    /// The amoCRM contact id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its page in amoCRM.
    pub url: String,
    /// Whether it is the deal's main contact.
    pub is_main: bool,
    /// Its position (the `POSITION` field), when it has one.
    pub position: Option<String>,
    /// Its phones as written in amoCRM.
    pub phones: Vec<String>,
    /// Its e-mails as written in amoCRM.
    pub emails: Vec<String>,
    /// Its tags' names.
    pub tags: Vec<String>,
}

/// The contacts the card shows, by id with whether each is the main one: the main contact first, then the others
/// in amoCRM's order, at most [`CARD_CONTACTS_MAX`].
pub(crate) fn wanted(lead: &Lead) -> Vec<(i64, bool)> {
    let mut stubs: Vec<(i64, bool)> = lead.contacts.iter().map(|c| (c.id, c.is_main)).collect();
    // Stable: the others keep amoCRM's order.
    stubs.sort_by_key(|(_, main)| !main);
    stubs.dedup_by_key(|(id, _)| *id);
    stubs.truncate(CARD_CONTACTS_MAX);
    stubs
}

/// Reads the wanted contacts `first` (the first wave's) does not hold, in one call. The card is whole without its
/// contacts: a failure is logged and leaves them out.
pub(crate) async fn read_rest(
    client: &AmoClient,
    wanted: &[(i64, bool)],
    first: Vec<Contact>,
) -> Vec<Contact> {
    let missing: Vec<i64> = wanted
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !first.iter().any(|c| c.id == *id))
        .collect();
    if missing.is_empty() {
        return first;
    }
    let query = ContactsQuery::by_ids(missing);
    let contacts = client.contacts();
    match crate::retry::read(|| contacts.list_all(&query)).await {
        Ok(more) => first.into_iter().chain(more).collect(),
        Err(e) => {
            tracing::warn!(error = %crate::Report(&e), "could not read the deal's contacts");
            first
        }
    }
}

/// The wanted contacts in their order, from those read; one not read (deleted, or out of reach) is left out.
pub(crate) fn card_contacts(
    wanted: &[(i64, bool)],
    read: &[Contact],
    core: &CoreMeta,
) -> Vec<CardContact> {
    wanted
        .iter()
        .filter_map(|(id, is_main)| {
            let contact = read.iter().find(|c| c.id == *id && !c.is_deleted)?;
            Some(CardContact {
                id: contact.id,
                name: crate::render::display_name(contact),
                url: contact_url(&core.base_url, contact.id),
                is_main: *is_main,
                position: contact.position().map(str::to_owned),
                phones: contact.phones().into_iter().map(str::to_owned).collect(),
                emails: contact.emails().into_iter().map(str::to_owned).collect(),
                tags: tag_names(&contact.tags),
            })
        })
        .collect()
}

/// The names of tags, blank ones left out.
pub(crate) fn tag_names(tags: &[amocrm::Tag]) -> Vec<String> {
    tags.iter()
        .map(|t| t.name.trim())
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(contacts: serde_json::Value) -> Lead {
        serde_json::from_value(serde_json::json!({
            "id": 7001, "name": "Firebolt order", "_embedded": {"contacts": contacts}
        }))
        .expect("a lead")
    }

    #[test]
    fn the_main_contact_comes_first_and_the_others_keep_amocrms_order_up_to_the_limit() {
        let lead = lead(serde_json::json!([
            {"id": 1, "is_main": false}, {"id": 2, "is_main": false},
            {"id": 3, "is_main": true}, {"id": 4, "is_main": false}
        ]));

        assert_eq!(wanted(&lead), vec![(3, true), (1, false), (2, false)]);
    }

    #[test]
    fn a_contact_the_lead_does_not_name_is_not_shown() {
        let wanted = wanted(&lead(serde_json::json!([{"id": 1, "is_main": true}])));
        let core = CoreMeta {
            account: crate::model::AccountView {
                name: "Hogwarts".into(),
                currency: "RUB".into(),
                currency_symbol: None,
                time_zone: None,
            },
            base_url: "https://hogwarts.amocrm.ru".into(),
            pipelines: Vec::new(),
            users: None,
            task_types: Vec::new(),
        };
        let stranger: Contact =
            serde_json::from_value(serde_json::json!({"id": 2, "name": "Draco Malfoy"})).unwrap();

        assert!(card_contacts(&wanted, &[stranger], &core).is_empty());
    }
}
