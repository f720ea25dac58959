//! Sample contacts, with phones written the many ways people type them.

use serde_json::{Value, json};

use super::*;
use crate::model::{Contact, Crm, CustomField};
use crate::values;

const DAY: i64 = 86_400;

/// Adds the sample contacts.
pub(super) fn load(crm: &mut Crm) {
    for spec in CONTACTS {
        add_contact(crm, spec);
    }
}

struct ContactSpec {
    id: i64,
    first: &'static str,
    last: &'static str,
    responsible: i64,
    position: Option<&'static str>,
    phones: &'static [(&'static str, &'static str)],
    emails: &'static [(&'static str, &'static str)],
    age_days: i64,
}

// The phones are written the many ways people really type them. The three ticket clients' numbers are
// chosen so that a search by the digits without the country prefix finds exactly the intended contacts,
// and Ginny's number differs from the family phone in the last digit only.
const CONTACTS: &[ContactSpec] = &[
    ContactSpec {
        id: CONTACT_HARRY,
        first: "Harry",
        last: "Potter",
        responsible: USER_MINERVA,
        position: Some("Seeker"),
        phones: &[("+7 (916) 123-45-67", "MOB")],
        emails: &[("harry.potter@hogwarts.example", "WORK")],
        age_days: 120,
    },
    ContactSpec {
        id: CONTACT_HERMIONE,
        first: "Hermione",
        last: "Granger",
        responsible: USER_MINERVA,
        position: Some("Deputy Head of Magical Law Enforcement"),
        phones: &[("8 916 765 43 21", "MOB"), ("+44 20 7946 0958", "WORK")],
        emails: &[("Hermione.Granger@Ministry.example", "WORK")],
        age_days: 118,
    },
    ContactSpec {
        id: CONTACT_RON,
        first: "Ron",
        last: "Weasley",
        responsible: USER_RUBEUS,
        position: Some("Auror"),
        phones: &[("+7-903-555-01-23", "MOB")],
        emails: &[("RON.WEASLEY@burrow.example", "PRIV")],
        age_days: 117,
    },
    ContactSpec {
        id: CONTACT_ARTHUR,
        first: "Arthur",
        last: "Weasley",
        responsible: USER_RUBEUS,
        position: Some("Head of the Misuse of Muggle Artefacts Office"),
        phones: &[("+7 (903) 555-01-01", "HOME"), ("+7 903 555 77 01", "WORK")],
        emails: &[("arthur.weasley@ministry.example", "WORK")],
        age_days: 110,
    },
    ContactSpec {
        id: CONTACT_MOLLY,
        first: "Molly",
        last: "Weasley",
        responsible: USER_RUBEUS,
        position: None,
        phones: &[("79035550101", "HOME")],
        emails: &[("Weasleys@Burrow.example", "PRIV")],
        age_days: 109,
    },
    ContactSpec {
        id: CONTACT_GINNY,
        first: "Ginny",
        last: "Weasley",
        responsible: USER_SEVERUS,
        position: Some("Chaser"),
        phones: &[("+7 903 555-01-02", "MOB")],
        emails: &[("ginny@hollyheadharpies.example", "WORK")],
        age_days: 100,
    },
    ContactSpec {
        id: CONTACT_DRACO,
        first: "Draco",
        last: "Malfoy",
        responsible: USER_SEVERUS,
        position: None,
        phones: &[("+1-202-555-0143 ext 12", "WORK")],
        emails: &[("Draco@Malfoy-Manor.example", "WORK")],
        age_days: 95,
    },
    ContactSpec {
        id: 30_000_008,
        first: "Sirius",
        last: "Black",
        responsible: USER_ALBUS,
        position: None,
        phones: &[("+7 495 123-45-00", "WORK")],
        emails: &[("padfoot@grimmauld.example", "PRIV")],
        age_days: 90,
    },
    ContactSpec {
        id: 30_000_009,
        first: "Remus",
        last: "Lupin",
        responsible: USER_ALBUS,
        position: Some("Teacher"),
        phones: &[("8-800-555-35-35", "WORK")],
        emails: &[("r.lupin@hogwarts.example", "WORK")],
        age_days: 80,
    },
    ContactSpec {
        id: 30_000_010,
        first: "Cedric",
        last: "Diggory",
        responsible: USER_RUBEUS,
        position: None,
        phones: &[("+49 30 901820", "WORK")],
        emails: &[("cedric@hufflepuff.example", "WORK")],
        age_days: 70,
    },
    ContactSpec {
        id: 30_000_011,
        first: "Cho",
        last: "Chang",
        responsible: USER_MINERVA,
        position: None,
        phones: &[("+86 10 6552 9988", "MOB")],
        emails: &[("Cho.Chang@Ravenclaw.example", "PRIV")],
        age_days: 60,
    },
    ContactSpec {
        id: CONTACT_NEVILLE,
        first: "Neville",
        last: "Longbottom",
        responsible: USER_SEVERUS,
        position: Some("Professor of Herbology"),
        phones: &[("+7 (921) 000-11-22", "MOB")],
        emails: &[("neville@herbology.example", "WORK")],
        age_days: 50,
    },
    ContactSpec {
        id: 30_000_013,
        first: "Horace",
        last: "Slughorn",
        responsible: USER_SEVERUS,
        position: Some("Potions Master"),
        phones: &[],
        emails: &[("HSlughorn@SlugClub.example", "WORK")],
        age_days: 40,
    },
    ContactSpec {
        id: CONTACT_XENOPHILIUS,
        first: "Xenophilius",
        last: "Lovegood",
        responsible: USER_ALBUS,
        position: Some("Editor"),
        phones: &[("+44 1632 960 111", "HOME")],
        emails: &[("xeno@quibbler.example", "PRIV")],
        age_days: 30,
    },
];

/// The contacts' tags, as an agent would set them.
const TAGS: &[(i64, &[&str])] = &[
    (CONTACT_HARRY, &["VIP", "Quidditch"]),
    (CONTACT_HERMIONE, &["Ministry"]),
];

fn add_contact(crm: &mut Crm, spec: &ContactSpec) {
    let mut input = Vec::new();
    if let Some(position) = spec.position {
        input.push(json!({ "field_code": "POSITION", "values": [{ "value": position }] }));
    }
    if !spec.phones.is_empty() {
        let phones: Vec<Value> = spec
            .phones
            .iter()
            .map(|(v, k)| json!({ "value": v, "enum_code": k }))
            .collect();
        input.push(json!({ "field_code": "PHONE", "values": phones }));
    }
    if !spec.emails.is_empty() {
        let emails: Vec<Value> = spec
            .emails
            .iter()
            .map(|(v, k)| json!({ "value": v, "enum_code": k }))
            .collect();
        input.push(json!({ "field_code": "EMAIL", "values": emails }));
    }
    let mut stored = Vec::new();
    values::apply(
        &mut stored,
        checked(&crm.contact_fields, &Value::Array(input)),
    );
    let at = SEED_TIME - spec.age_days * DAY;
    crm.contacts.insert(
        spec.id,
        Contact {
            id: spec.id,
            name: format!("{} {}", spec.first, spec.last),
            first_name: spec.first.to_owned(),
            last_name: spec.last.to_owned(),
            responsible_user_id: spec.responsible,
            created_by: USER_ALBUS,
            updated_by: USER_ALBUS,
            created_at: at,
            updated_at: at,
            custom_fields_values: stored,
            tags: TAGS
                .iter()
                .filter(|(id, _)| *id == spec.id)
                .flat_map(|(_, tags)| tags.iter().map(|t| (*t).to_owned()))
                .collect(),
        },
    );
}

/// Runs seed values through the same validation as API writes, so the sample data can never hold a
/// shape the API would refuse.
pub(super) fn checked(fields: &[CustomField], input: &Value) -> Vec<values::FieldWrite> {
    let mut errors = Vec::new();
    let writes = values::normalize(fields, input, "custom_fields_values", &mut errors);
    debug_assert!(errors.is_empty(), "invalid seed values: {errors:?}");
    writes
}
