//! The rules of usedesk-amocrm, independent of HTTP and HTML.
//!
//! Connections and tokens, contact matching, linking, deals with their pipeline, stage and user names,
//! field choices, lead creation with validation, idempotency, the metadata cache and the audit trail —
//! over the amoCRM and Usedesk clients and a [`store::Store`].
#![deny(missing_docs)]

pub mod store;
