//! Companies, task types, tasks and loss reasons of the sample account.

use super::crm::LeadSpec;
use super::*;
use crate::model::{Crm, LossReason, Task, TaskType};

const DAY: i64 = 86_400;

/// The account's task types and loss reasons, present even in an unseeded account.
pub(crate) fn load_metadata(crm: &mut Crm) {
    crm.next_task_id = TASK_FIRST - 1;
    crm.task_types = vec![
        TaskType {
            id: TASK_TYPE_FOLLOW_UP,
            name: "Follow-up".to_owned(),
            code: Some("FOLLOW_UP"),
        },
        TaskType {
            id: TASK_TYPE_MEETING,
            name: "Meeting".to_owned(),
            code: Some("MEETING"),
        },
        TaskType {
            id: TASK_TYPE_SEND_DOCUMENTS,
            name: "Send documents".to_owned(),
            code: None,
        },
    ];
    crm.loss_reasons = vec![
        LossReason {
            id: LOSS_REASON_PRICE,
            name: "Too expensive".to_owned(),
            sort: 10,
        },
        LossReason {
            id: LOSS_REASON_COMPETITOR,
            name: "Chose a competitor".to_owned(),
            sort: 20,
        },
        LossReason {
            id: 91_000_003,
            name: "No answer".to_owned(),
            sort: 30,
        },
    ];
}

/// The companies' own deals, linked to no contact (their company is set in [`load`]).
pub(super) fn company_leads() -> Vec<LeadSpec> {
    vec![LeadSpec {
        id: LEAD_MINISTRY_OWN,
        name: "Muggle Protection Act consultancy",
        price: 180_000,
        pipeline: PIPELINE_SALES,
        status: STATUS_NEGOTIATION,
        responsible: USER_MINERVA,
        contacts: &[],
        age_days: 12,
        tags: &[],
        values: serde_json::json!([]),
    }]
}

/// Adds the sample companies and tasks; contacts and leads exist already.
pub(crate) fn load(crm: &mut Crm) {
    let ministry = crm.add_company(
        "Ministry of Magic".to_owned(),
        USER_MINERVA,
        SEED_TIME - 300 * DAY,
    );
    debug_assert_eq!(ministry, COMPANY_MINISTRY);
    crm.contact_company.insert(CONTACT_ARTHUR, ministry);
    // One deal shared with Arthur, one of the company's own.
    crm.lead_company.insert(LEAD_ARTHUR_FORD, ministry);
    crm.lead_company.insert(LEAD_MINISTRY_OWN, ministry);
    let tasks = [
        (
            ("leads", LEAD_ARTHUR_FORD),
            TASK_TYPE_FOLLOW_UP,
            "Ask about the flying car licence",
            USER_SEVERUS,
            SEED_TIME + 2 * DAY + 10 * 3600,
        ),
        (
            ("contacts", CONTACT_ARTHUR),
            TASK_TYPE_SEND_DOCUMENTS,
            "Send the muggle artefacts catalogue",
            USER_MINERVA,
            SEED_TIME + 5 * DAY + 23 * 3600 + 59 * 60,
        ),
    ];
    for ((kind, entity_id), task_type_id, text, responsible, due) in tasks {
        let id = crm.new_task_id();
        crm.tasks.insert(
            id,
            Task {
                id,
                created_by: responsible,
                updated_by: responsible,
                created_at: SEED_TIME - DAY,
                updated_at: SEED_TIME - DAY,
                responsible_user_id: responsible,
                entity: Some((kind.to_owned(), entity_id)),
                duration: 0,
                is_completed: false,
                task_type_id,
                text: text.to_owned(),
                result: None,
                complete_till: due,
            },
        );
    }
}
