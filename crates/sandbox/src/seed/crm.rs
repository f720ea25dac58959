//! Sample leads with their notes and events.

use serde_json::{Value, json};

use super::*;
use crate::model::{Crm, Lead, LeadContact, Note, lead_status_value};
use crate::values;

const DAY: i64 = 86_400;

/// Adds the sample entities to an account whose metadata is already loaded.
pub(crate) fn load(crm: &mut Crm) {
    super::contacts::load(crm);
    for spec in leads().into_iter().chain(super::work::company_leads()) {
        add_lead(crm, spec);
    }
    add_firebolt_feed(crm);
    add_notes(crm);
}

pub(super) struct LeadSpec {
    pub(super) id: i64,
    pub(super) name: &'static str,
    pub(super) price: i64,
    pub(super) pipeline: i64,
    pub(super) status: i64,
    pub(super) responsible: i64,
    pub(super) contacts: &'static [i64],
    pub(super) age_days: i64,
    pub(super) tags: &'static [&'static str],
    pub(super) values: Value,
}

/// The seeded deals: data, not logic, which is why this function is long.
fn leads() -> Vec<LeadSpec> {
    let lead = |id, name, price, pipeline, status, responsible, contacts, age_days| LeadSpec {
        id,
        name,
        price,
        pipeline,
        status,
        responsible,
        contacts,
        age_days,
        tags: &[],
        values: json!([]),
    };
    vec![
        LeadSpec {
            tags: &["vip", "brooms"],
            values: json!([
                { "field_id": FIELD_BUDGET_CONFIRMED, "values": [{ "value": 450000 }] },
                { "field_id": FIELD_PRODUCT, "values": [{ "enum_id": ENUM_PRODUCT_BROOMSTICKS }] },
                { "field_id": FIELD_INTERESTS, "values": [{ "enum_id": ENUM_INTEREST_QUIDDITCH }, { "enum_id": ENUM_INTEREST_CHARMS }] },
                { "field_id": FIELD_COMMENT, "values": [{ "value": "Seven Firebolt Supremes for the Gryffindor team.\nDelivery before the first match." }] },
                { "field_id": FIELD_WEBSITE, "values": [{ "value": "https://gryffindor.example/quidditch" }] },
                { "field_id": FIELD_RUSH_ORDER, "values": [{ "value": true }] },
                { "field_id": FIELD_DELIVERY_DATE, "values": [{ "value": SEED_TIME + 20 * DAY }] },
                { "field_id": FIELD_MEETING_AT, "values": [{ "value": "2025-09-06T15:30:00+03:00" }] },
                { "field_id": FIELD_PRIORITY, "values": [{ "enum_id": ENUM_PRIORITY_HIGH }] },
                { "field_id": FIELD_FOUNDER_BIRTHDAY, "values": [{ "value": "1980-07-31" }] },
                { "field_id": FIELD_ORDER_NUMBER, "values": [{ "value": "HT-2025-0042" }] },
                { "field_id": FIELD_UTM_SOURCE, "values": [{ "value": "usedesk" }] },
                { "field_id": FIELD_DELIVERY_REGION, "values": [{ "value": { "catalog_id": 5001, "catalog_element_id": 77, "name": "Scotland" } }] },
                { "field_id": FIELD_DELIVERY_ADDRESS, "values": [{ "value": "Hogwarts Castle, Highlands, Scotland" }] },
                { "field_id": FIELD_CONTRACT_VALUE, "values": [{ "value": 450000 }] },
            ]),
            ..lead(
                LEAD_HARRY_FIREBOLT,
                "Firebolt Supreme — team order",
                450_000,
                PIPELINE_SALES,
                STATUS_NEGOTIATION,
                USER_MINERVA,
                &[CONTACT_HARRY],
                30,
            )
        },
        LeadSpec {
            values: json!([
                { "field_id": FIELD_BUDGET_CONFIRMED, "values": [{ "value": 85000 }] },
                { "field_id": FIELD_PRODUCT, "values": [{ "value": "Robes" }] },
                { "field_id": FIELD_ORDER_NUMBER, "values": [{ "value": "HT-2025-0017" }] },
            ]),
            ..lead(
                LEAD_HARRY_KIT,
                "Quidditch practice kit",
                85_000,
                PIPELINE_SALES,
                STATUS_WON,
                USER_MINERVA,
                &[CONTACT_HARRY],
                60,
            )
        },
        LeadSpec {
            values: json!([{ "field_id": FIELD_COMMENT, "values": [{ "value": "Decided to keep the family heirloom after all." }] }]),
            ..lead(
                LEAD_HARRY_CLOAK,
                "Invisibility cloak insurance",
                120_000,
                PIPELINE_SALES,
                STATUS_LOST,
                USER_SEVERUS,
                &[CONTACT_HARRY],
                45,
            )
        },
        LeadSpec {
            values: json!([{ "field_id": FIELD_WEBSITE, "values": [{ "value": "https://hogsmeade.example/partners" }] }]),
            ..lead(
                LEAD_HARRY_PARTNERSHIP,
                "Hogsmeade partner programme",
                30_000,
                PIPELINE_PARTNERS,
                STATUS_QUALIFICATION,
                USER_ALBUS,
                &[CONTACT_HARRY],
                12,
            )
        },
        LeadSpec {
            values: json!([
                { "field_id": FIELD_BUDGET_CONFIRMED, "values": [{ "value": 64000 }] },
                { "field_id": FIELD_PRODUCT, "values": [{ "enum_id": ENUM_PRODUCT_CAULDRONS }] },
                { "field_id": FIELD_PRIORITY, "values": [{ "enum_id": ENUM_PRIORITY_NORMAL }] },
            ]),
            ..lead(
                LEAD_ARTHUR_FORD,
                "Flying Ford Anglia spare parts",
                64_000,
                PIPELINE_SALES,
                STATUS_DECISION_MAKING,
                USER_RUBEUS,
                &[CONTACT_ARTHUR],
                25,
            )
        },
        lead(
            20_000_006,
            "Muggle plug collection",
            12_000,
            PIPELINE_PARTNERS,
            STATUS_WON,
            USER_RUBEUS,
            &[CONTACT_ARTHUR],
            70,
        ),
        LeadSpec {
            values: json!([{ "field_id": FIELD_INTERESTS, "values": [{ "value": "Herbology" }] }]),
            ..lead(
                20_000_007,
                "Knitting wool — winter batch",
                9_000,
                PIPELINE_SALES,
                STATUS_FIRST_CONTACT,
                USER_RUBEUS,
                &[CONTACT_MOLLY],
                8,
            )
        },
        lead(
            20_000_008,
            "Burrow kitchen renovation",
            250_000,
            PIPELINE_SALES,
            STATUS_LOST,
            USER_RUBEUS,
            &[CONTACT_MOLLY],
            50,
        ),
        LeadSpec {
            values: json!([{ "field_id": FIELD_UTM_SOURCE, "values": [{ "value": "telegram" }] }]),
            ..lead(
                20_000_009,
                "Chudley Cannons season tickets",
                15_000,
                PIPELINE_SALES,
                STATUS_SALES_INCOMING,
                USER_SEVERUS,
                &[CONTACT_RON],
                2,
            )
        },
        lead(
            20_000_010,
            "S.P.E.W. badges print run",
            3_000,
            PIPELINE_SALES,
            STATUS_FIRST_CONTACT,
            USER_MINERVA,
            &[CONTACT_HERMIONE],
            15,
        ),
        lead(
            20_000_011,
            "Library books restoration",
            180_000,
            PIPELINE_SALES,
            STATUS_WON,
            USER_MINERVA,
            &[CONTACT_HERMIONE],
            90,
        ),
        LeadSpec {
            values: json!([{ "field_id": FIELD_BUDGET_CONFIRMED, "values": [{ "value": "700000" }] }]),
            ..lead(
                20_000_012,
                "Nimbus 2001 fleet",
                700_000,
                PIPELINE_SALES,
                STATUS_NEGOTIATION,
                USER_SEVERUS,
                &[CONTACT_DRACO],
                20,
            )
        },
        LeadSpec {
            values: json!([{ "field_id": FIELD_PARTNER_AGREEMENT, "values": [{ "value": "P-2025-007" }] }]),
            ..lead(
                20_000_013,
                "Hufflepuff merchandise partnership",
                50_000,
                PIPELINE_PARTNERS,
                STATUS_ONBOARDING,
                USER_RUBEUS,
                &[30_000_010],
                35,
            )
        },
        LeadSpec {
            values: json!([{ "field_id": FIELD_BUDGET_CONFIRMED, "values": [{ "value": 95000 }] }]),
            ..lead(
                LEAD_BURROW_ROOF,
                "Burrow roof repair",
                95_000,
                PIPELINE_SALES,
                STATUS_CONTRACT_SENT,
                USER_RUBEUS,
                &[CONTACT_ARTHUR, CONTACT_MOLLY],
                18,
            )
        },
    ]
}

fn add_lead(crm: &mut Crm, spec: LeadSpec) {
    let mut stored = Vec::new();
    values::apply(
        &mut stored,
        super::contacts::checked(&crm.lead_fields, &spec.values),
    );
    let created_at = SEED_TIME - spec.age_days * DAY;
    let incoming = crm
        .pipeline(spec.pipeline)
        .and_then(|p| p.statuses.iter().find(|s| s.kind == 1))
        .map_or(spec.status, |s| s.id);
    let closed = spec.status == STATUS_WON || spec.status == STATUS_LOST;
    let moved_at = created_at + DAY;
    crm.leads.insert(
        spec.id,
        Lead {
            id: spec.id,
            name: spec.name.to_owned(),
            price: spec.price,
            responsible_user_id: spec.responsible,
            status_id: spec.status,
            pipeline_id: spec.pipeline,
            loss_reason_id: None,
            created_by: spec.responsible,
            updated_by: spec.responsible,
            created_at,
            updated_at: if spec.status == incoming {
                created_at
            } else {
                moved_at
            },
            closed_at: closed.then_some(moved_at),
            custom_fields_values: stored,
            contacts: spec
                .contacts
                .iter()
                .enumerate()
                .map(|(i, id)| LeadContact {
                    id: *id,
                    is_main: i == 0,
                })
                .collect(),
            tags: spec.tags.iter().map(|t| (*t).to_owned()).collect(),
        },
    );
    crm.push_event(
        "lead_added",
        spec.id,
        spec.responsible,
        created_at,
        json!([]),
        lead_status_value(incoming, spec.pipeline),
    );
    // Harry's open deal gets a step-by-step history of its own below.
    if spec.status != incoming && spec.id != LEAD_HARRY_FIREBOLT {
        crm.push_event(
            "lead_status_changed",
            spec.id,
            spec.responsible,
            moved_at,
            lead_status_value(incoming, spec.pipeline),
            lead_status_value(spec.status, spec.pipeline),
        );
    }
}

/// A feed with every event kind the block describes, including one by the system (author 0).
fn add_firebolt_feed(crm: &mut Crm) {
    let lead = LEAD_HARRY_FIREBOLT;
    let start = SEED_TIME - 30 * DAY;
    let status = |id| lead_status_value(id, PIPELINE_SALES);
    let budget = |text: &str| json!([{ "custom_field_value": { "field_id": FIELD_BUDGET_CONFIRMED, "field_type": 2, "enum_id": null, "text": text } }]);
    crm.push_event(
        "lead_status_changed",
        lead,
        USER_RUBEUS,
        start + DAY,
        status(STATUS_SALES_INCOMING),
        status(STATUS_FIRST_CONTACT),
    );
    crm.push_event(
        "entity_responsible_changed",
        lead,
        USER_ALBUS,
        start + 2 * DAY,
        json!([{ "responsible_user": { "id": USER_RUBEUS } }]),
        json!([{ "responsible_user": { "id": USER_MINERVA } }]),
    );
    crm.push_event(
        &format!("custom_field_{FIELD_BUDGET_CONFIRMED}_value_changed"),
        lead,
        USER_MINERVA,
        start + 3 * DAY,
        json!([]),
        budget("450000"),
    );
    crm.push_event(
        "lead_status_changed",
        lead,
        USER_MINERVA,
        start + 3 * DAY + 60,
        status(STATUS_FIRST_CONTACT),
        status(STATUS_NEGOTIATION),
    );
    crm.push_event(
        "sale_field_changed",
        lead,
        USER_MINERVA,
        start + 4 * DAY,
        json!([{ "sale_field_value": { "sale": 300000 } }]),
        json!([{ "sale_field_value": { "sale": 450000 } }]),
    );
    crm.push_event(
        "incoming_chat_message",
        lead,
        0,
        start + 5 * DAY,
        json!([]),
        json!([{ "message": { "id": "5d0c6f0e-8f3a-4c1e-9a57-2b1f0f6d4a11", "origin": "telegram", "talk_id": 1402 } }]),
    );
    if let Some(l) = crm.leads.get_mut(&lead) {
        l.updated_at = start + 5 * DAY;
    }
}

fn add_notes(crm: &mut Crm) {
    let start = SEED_TIME - 30 * DAY;
    let notes = [
        (
            LEAD_HARRY_FIREBOLT,
            "common",
            USER_MINERVA,
            start + DAY,
            json!({ "text": "Harry wants seven brooms for the house team and asked for a team discount." }),
        ),
        (
            LEAD_HARRY_FIREBOLT,
            "call_in",
            USER_MINERVA,
            start + 2 * DAY,
            json!({ "uniq": "8f2c1a7e-0d55-4a8b-9c61-5f1e2b3c4d5e", "duration": 185, "source": "Sipuni",
                    "link": "https://calls.example/8f2c1a7e.mp3", "phone": "+79161234567",
                    "call_result": "Agreed on a demo flight", "call_status": 4 }),
        ),
        (
            LEAD_HARRY_FIREBOLT,
            "service_message",
            0,
            start + 2 * DAY + 600,
            json!({ "service": "Usedesk", "text": "Ticket #1002 was opened by the client" }),
        ),
        (
            LEAD_HARRY_FIREBOLT,
            "common",
            USER_ALBUS,
            start + 4 * DAY,
            json!({ "text": "Discount approved: 10% if the order is paid before the first match." }),
        ),
        (
            LEAD_HARRY_KIT,
            "common",
            USER_MINERVA,
            SEED_TIME - 59 * DAY,
            json!({ "text": "Paid in full. The kit was delivered to the pitch." }),
        ),
        (
            LEAD_ARTHUR_FORD,
            "call_out",
            USER_RUBEUS,
            SEED_TIME - 24 * DAY,
            json!({ "uniq": "c3b1e2d4-7a6f-4e58-8d9c-0a1b2c3d4e5f", "duration": 42, "source": "Sipuni",
                    "link": "https://calls.example/c3b1e2d4.mp3", "phone": "+79035557701",
                    "call_result": "Asked for a quote", "call_status": 4 }),
        ),
        (
            LEAD_BURROW_ROOF,
            "common",
            USER_RUBEUS,
            SEED_TIME - 17 * DAY,
            json!({ "text": "Molly prefers the red tiles. Arthur signs the contract." }),
        ),
    ];
    for (i, (entity_id, note_type, by, at, params)) in notes.into_iter().enumerate() {
        let id = 40_000_001 + i as i64;
        crm.notes.insert(
            id,
            Note {
                entity_type: "leads",
                id,
                entity_id,
                note_type: note_type.to_owned(),
                params,
                created_by: by,
                created_at: at,
                updated_at: at,
                responsible_user_id: if by == 0 { USER_ALBUS } else { by },
            },
        );
    }
}
