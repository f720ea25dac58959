//! Sample Usedesk tickets, clients and agents.

use std::collections::BTreeMap;

use super::*;
use crate::usedesk::model::{Agent, Client, Ticket, Usedesk};

/// A sample ticket with its client's identifiers, enough to build the body Usedesk POSTs to a
/// dynamic block (`ticket_id`, `subject`, `client_id`, `client_data`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleTicket {
    /// The ticket id.
    pub ticket_id: i64,
    /// The ticket subject.
    pub subject: String,
    /// The Usedesk client id.
    pub client_id: i64,
    /// The client's name.
    pub client_name: String,
    /// The client's e-mails, as Usedesk stores them.
    pub emails: Vec<String>,
    /// The client's phones as `(type, phone)`; types are `home`, `mobile`, `stationary`, `fax`, `other`.
    pub phones: Vec<(String, String)>,
}

struct TicketSpec {
    ticket_id: i64,
    subject: &'static str,
    client_id: i64,
    client_name: &'static str,
    emails: &'static [&'static str],
    phones: &'static [(&'static str, &'static str)],
    channel_id: i64,
    message: &'static str,
    published_at: &'static str,
}

const TICKETS: &[TicketSpec] = &[
    TicketSpec {
        ticket_id: TICKET_NO_MATCH,
        subject: "Where is my Quibbler subscription?",
        client_id: CLIENT_LUNA,
        client_name: "Luna Lovegood",
        emails: &["luna.lovegood@quibbler.example"],
        phones: &[("mobile", "+44 20 7946 0321")],
        channel_id: 31,
        message: "Hello! My subscription has not arrived for two weeks. The Nargles may have taken it.",
        published_at: "2025-08-31 09:12:00",
    },
    TicketSpec {
        ticket_id: TICKET_ONE_MATCH,
        subject: "Firebolt delivery date",
        client_id: CLIENT_HARRY,
        client_name: "Harry Potter",
        emails: &["Harry.Potter@Hogwarts.example"],
        phones: &[("mobile", "8 916 123 45 67")],
        channel_id: 31,
        message: "Hi, could you confirm the brooms arrive before the first match?",
        published_at: "2025-08-31 10:05:00",
    },
    TicketSpec {
        ticket_id: TICKET_THREE_MATCHES,
        subject: "Roof repair invoice",
        client_id: CLIENT_WEASLEYS,
        client_name: "Weasley family",
        emails: &["weasleys@burrow.example", "ron.weasley@burrow.example"],
        phones: &[("home", "+7 903 555-01-01")],
        channel_id: 31,
        message: "We received two invoices for the roof. Which one should we pay?",
        published_at: "2025-08-31 11:40:00",
    },
    TicketSpec {
        ticket_id: TICKET_NO_IDENTIFIERS,
        subject: "Question from the website chat",
        client_id: CLIENT_TONKS,
        client_name: "Nymphadora Tonks",
        emails: &[],
        phones: &[],
        channel_id: 32,
        message: "Do you ship to Hogsmeade?",
        published_at: "2025-08-31 12:20:00",
    },
];

/// The four sample tickets: no match, one match, three matches, no identifiers.
pub fn sample_tickets() -> Vec<SampleTicket> {
    TICKETS
        .iter()
        .map(|t| SampleTicket {
            ticket_id: t.ticket_id,
            subject: t.subject.to_owned(),
            client_id: t.client_id,
            client_name: t.client_name.to_owned(),
            emails: t.emails.iter().map(|e| (*e).to_owned()).collect(),
            phones: t
                .phones
                .iter()
                .map(|(k, p)| ((*k).to_owned(), (*p).to_owned()))
                .collect(),
        })
        .collect()
}

/// The Usedesk company: agents always, tickets and clients when `with_samples`.
pub(crate) fn load(with_samples: bool) -> Usedesk {
    let agent = |id, name: &str, email: &str, group_id, group_name: &str| Agent {
        id,
        name: name.to_owned(),
        email: email.to_owned(),
        group_id,
        group_name: group_name.to_owned(),
    };
    let mut usedesk = Usedesk {
        clients: BTreeMap::new(),
        tickets: BTreeMap::new(),
        agents: vec![
            agent(
                USEDESK_USER_POPPY,
                "Poppy Pomfrey",
                "poppy@hogwarts.example",
                11,
                "Support",
            ),
            agent(
                USEDESK_USER_FILIUS,
                "Filius Flitwick",
                "filius@hogwarts.example",
                12,
                "Sales",
            ),
        ],
        comments: Vec::new(),
        next_comment_id: 900_000,
        next_ticket_id: 1100,
        next_client_id: 2100,
    };
    if !with_samples {
        return usedesk;
    }
    for spec in TICKETS {
        usedesk.clients.insert(
            spec.client_id,
            Client {
                id: spec.client_id,
                name: spec.client_name.to_owned(),
                emails: spec.emails.iter().map(|e| (*e).to_owned()).collect(),
                phones: spec
                    .phones
                    .iter()
                    .map(|(k, p)| ((*k).to_owned(), (*p).to_owned()))
                    .collect(),
                note: String::new(),
                position: String::new(),
                created_at: "2025-06-01 08:00:00".to_owned(),
            },
        );
        usedesk.tickets.insert(
            spec.ticket_id,
            Ticket {
                id: spec.ticket_id,
                subject: spec.subject.to_owned(),
                client_id: spec.client_id,
                status_id: 1,
                channel_id: spec.channel_id,
                email: spec.emails.first().map(|e| (*e).to_owned()),
                published_at: spec.published_at.to_owned(),
                last_updated_at: spec.published_at.to_owned(),
                assignee_id: Some(USEDESK_USER_POPPY),
                group: Some(11),
                first_message: spec.message.to_owned(),
            },
        );
    }
    usedesk
}
