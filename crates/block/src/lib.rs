//! The hyper service of usedesk-amocrm: what Usedesk's dynamic block calls and what the agent sees.
//!
//! It routes Usedesk's block requests, the OAuth flow, the signed actions of the block and the
//! `freeCreateLead` trigger endpoint to `domain`, and renders every answer through `view`.
#![deny(missing_docs)]

pub mod view;
