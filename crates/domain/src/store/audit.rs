//! The audit trail's entries, and the actions and results they record, stored as the same text they always were.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ConnectionId;

/// Declares an enum stored as text: each variant with its one spelling, plus `Other` for a spelling this build does
/// not know, so rows written by another version still read back.
macro_rules! stored_text {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)*
            /// A spelling this build does not know, as stored.
            Other(String),
        }

        impl $name {
            /// The stored spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(text) => text,
                }
            }

            /// Parses the stored spelling; an unknown one is kept as `Other`.
            pub fn from_stored(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|text| Self::from_stored(&text))
            }
        }
    };
}

stored_text! {
    /// What an audited write did.
    AuditAction {
        /// A contact was created (from the block or a trigger).
        ContactCreate = "contact.create",
        /// A contact was changed from the block (a phone or e-mail added).
        ContactUpdate = "contact.update",
        /// A deal was created (from the block or a trigger).
        LeadCreate = "lead.create",
        /// A deal was changed from the block (stage, budget, responsible, fields).
        LeadUpdate = "lead.update",
        /// A task was created from the block.
        TaskCreate = "task.create",
        /// A task was completed from the block.
        TaskComplete = "task.complete",
        /// A company was created for a new contact.
        CompanyCreate = "company.create",
        /// A contact was linked to a company.
        CompanyLink = "company.link",
        /// A note was added to a deal.
        NoteCreate = "note.create",
        /// A ticket's conversation was logged to a deal as one note.
        TicketLog = "ticket.log",
        /// A Usedesk client was linked to a contact.
        LinkSet = "link.set",
        /// A Usedesk client's link was removed.
        LinkRemove = "link.remove",
        /// The deals list and card field choices were saved.
        FieldsChoose = "fields.choose",
        /// A private comment was posted in a Usedesk ticket.
        UsedeskComment = "usedesk.comment",
        /// A connection's first trigger secret was created.
        TriggerSecretCreate = "trigger_secret.create",
        /// A connection's trigger secret was replaced.
        TriggerSecretRotate = "trigger_secret.rotate",
        /// A connection was disconnected (its tokens deleted), from the gear or by amoCRM's hook.
        Disconnect = "connection.disconnect",
    }
}

stored_text! {
    /// How an audited write ended.
    AuditResult {
        /// It succeeded.
        Ok = "ok",
        /// It failed.
        Error = "error",
    }
}

impl AuditResult {
    /// How a write that answered `result` ended.
    pub fn of<T, E>(result: &Result<T, E>) -> Self {
        if result.is_ok() {
            Self::Ok
        } else {
            Self::Error
        }
    }
}

/// One line of the audit trail. `action` and `result` are stored as their spelling, so an entry written by any
/// version reads back unchanged (an unknown spelling as `Other`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The connection the write went through.
    pub connection_id: ConnectionId,
    /// When, unix seconds.
    pub at: i64,
    /// Who: a Usedesk user or agent reference, or `trigger`.
    pub actor: String,
    /// The Usedesk ticket the write came from, when known.
    pub ticket_id: Option<i64>,
    /// What was done, e.g. `contact.create`, `lead.create`, `link.set`.
    pub action: AuditAction,
    /// What it was done to, e.g. `lead:123`.
    pub target: String,
    /// How it ended: `ok` or `error`.
    pub result: AuditResult,
}
