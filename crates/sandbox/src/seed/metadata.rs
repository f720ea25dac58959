//! Users, pipelines and custom fields: the part of the account that exists even without sample data.

use super::*;
use crate::model::{Crm, CustomField, FieldEnum, Pipeline, Status, User};

/// Fills in the account's metadata and sets the id counters above every seeded id.
pub(crate) fn load(crm: &mut Crm) {
    crm.users = users();
    crm.pipelines = pipelines();
    crm.lead_fields = lead_fields();
    crm.contact_fields = contact_fields();
    crm.next_contact_id = 30_000_100;
    crm.next_lead_id = 20_000_100;
    crm.next_note_id = 40_000_100;
    crm.next_company_id = 50_000_000;
}

fn users() -> Vec<User> {
    let user = |id, name: &str, email: &str, lang, is_admin| User {
        id,
        name: name.to_owned(),
        email: email.to_owned(),
        lang,
        is_admin,
        is_active: true,
        group_id: 0,
    };
    vec![
        user(
            USER_ALBUS,
            "Albus Dumbledore",
            "albus@hogwarts.example",
            "en",
            true,
        ),
        user(
            USER_MINERVA,
            "Minerva McGonagall",
            "minerva@hogwarts.example",
            "en",
            false,
        ),
        user(
            USER_SEVERUS,
            "Severus Snape",
            "severus@hogwarts.example",
            "ru",
            false,
        ),
        user(
            USER_RUBEUS,
            "Rubeus Hagrid",
            "rubeus@hogwarts.example",
            "en",
            false,
        ),
    ]
}

fn status(id: i64, name: &str, sort: i64, color: &'static str, kind: u8) -> Status {
    Status {
        id,
        name: name.to_owned(),
        sort,
        color,
        kind,
        is_editable: id != STATUS_WON && id != STATUS_LOST && kind == 0,
    }
}

fn pipelines() -> Vec<Pipeline> {
    vec![
        Pipeline {
            id: PIPELINE_SALES,
            name: "Sales".to_owned(),
            sort: 1,
            is_main: true,
            statuses: vec![
                status(STATUS_SALES_INCOMING, "Incoming leads", 10, "#c1c1c1", 1),
                status(STATUS_FIRST_CONTACT, "First contact", 20, "#99ccff", 0),
                status(STATUS_NEGOTIATION, "Negotiation", 30, "#ffff99", 0),
                status(STATUS_DECISION_MAKING, "Decision making", 40, "#ffcc66", 0),
                status(STATUS_CONTRACT_SENT, "Contract sent", 50, "#deff81", 0),
                status(STATUS_WON, "Closed - won", 10000, "#CCFF66", 0),
                status(STATUS_LOST, "Closed - lost", 11000, "#D5D8DB", 0),
            ],
        },
        Pipeline {
            id: PIPELINE_PARTNERS,
            name: "Partners".to_owned(),
            sort: 2,
            is_main: false,
            statuses: vec![
                status(STATUS_PARTNERS_INCOMING, "Incoming leads", 10, "#c1c1c1", 1),
                status(STATUS_QUALIFICATION, "Qualification", 20, "#d6eaff", 0),
                status(STATUS_ONBOARDING, "Onboarding", 30, "#ffdc7f", 0),
                status(STATUS_ACTIVE_PARTNER, "Active partner", 40, "#87f2c0", 0),
                status(STATUS_WON, "Closed - won", 10000, "#CCFF66", 0),
                status(STATUS_LOST, "Closed - lost", 11000, "#D5D8DB", 0),
            ],
        },
    ]
}

fn field(id: i64, name: &str, field_type: &str, sort: i64) -> CustomField {
    CustomField {
        id,
        name: name.to_owned(),
        code: None,
        sort,
        field_type: field_type.to_owned(),
        enums: Vec::new(),
        required_statuses: Vec::new(),
        is_api_only: false,
        is_predefined: false,
        entity_type: "leads",
    }
}

fn enums(pairs: &[(i64, &str)]) -> Vec<FieldEnum> {
    pairs
        .iter()
        .zip(1..)
        .map(|((id, value), n)| FieldEnum {
            id: *id,
            value: (*value).to_owned(),
            sort: n * 10,
        })
        .collect()
}

/// The seeded deal fields: data, not logic, which is why this function is long.
fn lead_fields() -> Vec<CustomField> {
    let mut fields = vec![
        CustomField {
            required_statuses: vec![(PIPELINE_SALES, STATUS_NEGOTIATION)],
            ..field(FIELD_BUDGET_CONFIRMED, "Budget confirmed", "numeric", 10)
        },
        CustomField {
            enums: enums(&[
                (ENUM_PRODUCT_BROOMSTICKS, "Broomsticks"),
                (ENUM_PRODUCT_WANDS, "Wands"),
                (ENUM_PRODUCT_CAULDRONS, "Cauldrons"),
                (ENUM_PRODUCT_ROBES, "Robes"),
            ]),
            required_statuses: vec![(PIPELINE_SALES, STATUS_DECISION_MAKING)],
            ..field(FIELD_PRODUCT, "Product", "select", 20)
        },
        CustomField {
            enums: enums(&[
                (ENUM_INTEREST_QUIDDITCH, "Quidditch"),
                (ENUM_INTEREST_POTIONS, "Potions"),
                (ENUM_INTEREST_CHARMS, "Charms"),
                (ENUM_INTEREST_HERBOLOGY, "Herbology"),
            ]),
            ..field(FIELD_INTERESTS, "Interests", "multiselect", 30)
        },
        field(FIELD_COMMENT, "Comment", "textarea", 40),
        field(FIELD_WEBSITE, "Website", "url", 50),
        field(FIELD_RUSH_ORDER, "Rush order", "checkbox", 60),
        field(FIELD_DELIVERY_DATE, "Delivery date", "date", 70),
        field(FIELD_MEETING_AT, "Meeting at", "date_time", 80),
        CustomField {
            enums: enums(&[
                (ENUM_PRIORITY_LOW, "Low"),
                (ENUM_PRIORITY_NORMAL, "Normal"),
                (ENUM_PRIORITY_HIGH, "High"),
            ]),
            ..field(FIELD_PRIORITY, "Priority", "radiobutton", 90)
        },
        field(
            FIELD_FOUNDER_BIRTHDAY,
            "Founder's birthday",
            "birthday",
            100,
        ),
        field(FIELD_ORDER_NUMBER, "Order number", "text", 110),
        CustomField {
            code: Some("UTM_SOURCE".to_owned()),
            is_api_only: true,
            is_predefined: true,
            ..field(FIELD_UTM_SOURCE, "utm_source", "tracking_data", 120)
        },
        field(
            FIELD_DELIVERY_REGION,
            "Delivery region",
            "chained_list",
            130,
        ),
        field(
            FIELD_DELIVERY_ADDRESS,
            "Delivery address",
            "streetaddress",
            140,
        ),
        CustomField {
            required_statuses: vec![(PIPELINE_PARTNERS, STATUS_ONBOARDING)],
            ..field(
                FIELD_PARTNER_AGREEMENT,
                "Partner agreement no.",
                "text",
                150,
            )
        },
        field(FIELD_CONTRACT_VALUE, "Contract value", "monetary", 160),
    ];
    let extras = LEAD_FIELD_COUNT - fields.len();
    for n in 0..extras {
        let id = FIELD_FIRST_EXTRA + n as i64;
        fields.push(field(
            id,
            &format!("Extra field {}", n + 1),
            "text",
            200 + 10 * n as i64,
        ));
    }
    fields
}

fn contact_fields() -> Vec<CustomField> {
    let contact = |field: CustomField| CustomField {
        entity_type: "contacts",
        is_predefined: true,
        ..field
    };
    vec![
        contact(CustomField {
            code: Some("POSITION".to_owned()),
            ..field(CONTACT_FIELD_POSITION, "Position", "text", 4)
        }),
        contact(CustomField {
            code: Some("PHONE".to_owned()),
            enums: enums(&[
                (ENUM_PHONE_WORK, "WORK"),
                (720_002, "WORKDD"),
                (ENUM_PHONE_MOB, "MOB"),
                (720_004, "FAX"),
                (ENUM_PHONE_HOME, "HOME"),
                (720_006, "OTHER"),
            ]),
            ..field(CONTACT_FIELD_PHONE, "Phone", "multitext", 6)
        }),
        contact(CustomField {
            code: Some("EMAIL".to_owned()),
            enums: enums(&[
                (ENUM_EMAIL_WORK, "WORK"),
                (ENUM_EMAIL_PRIV, "PRIV"),
                (720_013, "OTHER"),
            ]),
            ..field(CONTACT_FIELD_EMAIL, "Email", "multitext", 8)
        }),
    ]
}
