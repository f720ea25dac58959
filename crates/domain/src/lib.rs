//! The rules of usedesk-amocrm, independent of HTTP and HTML.
//!
//! Connections and tokens, contact matching, linking, deals with their pipeline, stage and user names,
//! field choices, lead creation with validation, idempotency, the metadata cache and the audit trail —
//! over the amoCRM and Usedesk clients and a [`store::Store`].
//!
//! [`Domain`] is the entry point. It never formats user-facing text: it returns data and typed errors
//! ([`Error`]), and the HTTP layer turns them into the agent's language.
#![deny(missing_docs)]

pub mod amount;
mod batch;
pub mod cache;
mod card;
mod companies;
mod contacts;
pub mod deal_change;
mod deals;
mod disconnect;
pub mod edit;
mod error;
pub mod fields;
pub mod identity;
pub mod keys;
mod login;
pub mod metadata;
pub mod model;
mod render;
pub mod replicas;
mod retry;
pub mod search;
mod service;
mod settings;
pub mod store;
pub mod tasks;
mod ticket;
pub mod ticket_log;
mod tokens;
mod trigger;
pub mod trigger_secret;
mod webhooks;
pub mod zone;

pub use card::{CARD_CONTACTS_MAX, COMMENT_MAX, CardContact, DealCard, FeedItem, FeedKind};
pub use companies::attach::{CompanyOption, CompanyOutcome, CompanyPick};
pub use contacts::{CreatedContact, NewContactInput};
pub use deal_change::{DealChange, DealEdit};
pub use deals::{DealDraft, DealForm};
pub use error::{Cause, Error, FieldError, FieldErrorCode, Report};
pub use keys::{FieldKey, StageRef};
pub use login::{FINGERPRINT_LEN, LoginPin, UsedeskAccountLabel, fingerprint};
pub use model::CreatedRef;
pub use render::{BlockInput, BlockOutcome, Degradation};
pub use service::{ActionContext, CompletedLogin, Dependencies, Domain, DomainConfig};
pub use settings::FieldSettings;
pub use ticket_log::TicketLog;
pub use tokens::{RefreshObserver, StoreTokenSource};
pub use trigger::TriggerOutcome;
pub use trigger_secret::{NewTriggerSecret, TriggerSecretStatus};
pub use webhooks::{
    ConnectionDetails, LoginDetails, StageComment, StageCommentFacts, StageOutcome, Subscription,
    WEBHOOK_EVENTS, WebhookReceipt, WebhookVerdict,
};
pub use zone::{Zone, ZoneAt};

/// Now, as unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The README's example, compiled as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
