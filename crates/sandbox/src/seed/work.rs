//! Companies, task types, tasks and loss reasons of the sample account.
//!
//! Harry's open tasks are due relative to the moment the sandbox starts (the rest of the data is fixed), so his
//! block — the demo's and the benchmark's contact with deals — always has one overdue, one due today and later ones.

use super::crm::LeadSpec;
use super::*;
use crate::model::{Crm, LossReason, Task, TaskType, now_unix};

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
    let mut tasks = tasks.to_vec();
    tasks.extend(harrys_tasks(now_unix()));
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

/// A seeded task: what it is attached to, its type, text, responsible user and deadline.
type TaskSeed = ((&'static str, i64), i64, &'static str, i64, i64);

/// Harry's open tasks around `now`, in the account's zone (Moscow, UTC+3 all year): on his contact one overdue
/// since yesterday 16:00 and a meeting in three days; on his open Firebolt deal one due today (18:00, or 23:59 once
/// that has passed) and one in five days.
fn harrys_tasks(now: i64) -> [TaskSeed; 4] {
    const MOSCOW: i64 = 3 * 3600;
    let midnight = (now + MOSCOW).div_euclid(DAY) * DAY - MOSCOW;
    let today = if now < midnight + 17 * 3600 {
        midnight + 18 * 3600
    } else {
        midnight + DAY - 60
    };
    [
        (
            ("contacts", CONTACT_HARRY),
            TASK_TYPE_FOLLOW_UP,
            "Call Harry back about the broom servicing kit",
            USER_SEVERUS,
            midnight - DAY + 16 * 3600,
        ),
        (
            ("leads", LEAD_HARRY_FIREBOLT),
            TASK_TYPE_FOLLOW_UP,
            "Confirm the Firebolt delivery slot before the first match",
            USER_MINERVA,
            today,
        ),
        (
            ("contacts", CONTACT_HARRY),
            TASK_TYPE_MEETING,
            "Fit Harry for the new Quidditch robes at the Diagon Alley shop",
            USER_MINERVA,
            midnight + 3 * DAY + 11 * 3600,
        ),
        (
            ("leads", LEAD_HARRY_FIREBOLT),
            TASK_TYPE_SEND_DOCUMENTS,
            "Send the Firebolt warranty and care instructions",
            USER_SEVERUS,
            midnight + 5 * DAY + 15 * 3600,
        ),
    ]
}
