//! What the deal card and the in-place answer say after "Log this ticket to the deal".

use super::text::Tr;

/// How a press of "Log this ticket to the deal" ended, as the deal card shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketLogShown {
    /// The note was added.
    Done,
    /// The ticket was logged to the deal before (unix seconds); nothing was added.
    Already(i64),
    /// Another press is logging it right now; nothing more was added.
    InProgress,
}

impl TicketLogShown {
    /// The card's query after the redirect: `log=done`, `log=already&at=…`, `log=pending`.
    pub(crate) fn query(self) -> Vec<(&'static str, String)> {
        match self {
            Self::Done => vec![("log", "done".to_owned())],
            Self::Already(at) => vec![("log", "already".to_owned()), ("at", at.to_string())],
            Self::InProgress => vec![("log", "pending".to_owned())],
        }
    }

    /// Read back from the card's query; `None` when it names none.
    pub(crate) fn from_query(log: Option<&str>, at: Option<&str>) -> Option<Self> {
        match log? {
            "done" => Some(Self::Done),
            "already" => Some(Self::Already(at?.parse().ok()?)),
            "pending" => Some(Self::InProgress),
            _ => None,
        }
    }

    /// Whether it is good news (shown as a success).
    pub(crate) fn is_done(self) -> bool {
        self == Self::Done
    }
}

/// The sentence for `shown`, in the agent's language and zone.
pub(crate) fn message(tr: &Tr, shown: TicketLogShown) -> String {
    match shown {
        TicketLogShown::Done => tr.t("log-ticket-done"),
        TicketLogShown::Already(at) => tr.arg("log-ticket-already", "date", &tr.datetime(at)),
        TicketLogShown::InProgress => tr.t("log-ticket-in-progress"),
    }
}
