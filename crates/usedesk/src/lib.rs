//! Everything this project knows about Usedesk's wire formats, and nothing else.
//!
//! - [`BlockRequest`] reads what Usedesk POSTs to a dynamic block when an
//!   agent opens a ticket (JSON or a PHP-style form), and [`BlockResponse`]
//!   is the `{"html": …}` it expects back.
//! - [`FreeCreateLead`] reads the `freeCreateLead` trigger payload and
//!   reports every mistake in it as a [`Problem`] with a path.
//! - [`UsedeskClient`] calls the Usedesk API: tickets, clients, comments and
//!   agents.
//!
//! Usedesk documents its formats only in part, so every reader here accepts
//! the shapes Usedesk really sends and those near them (ids as strings,
//! flags as `"0"`, lists as objects), and never fails on a field nobody uses.
#![deny(missing_docs)]

pub mod api;
pub mod block;
mod client;
mod error;
mod lenient;
pub mod trigger;

pub use api::{
    Change, Client, ClientEmail, ClientPhone, ClientSearch, ClientSummary, ClientUpdate, Comment,
    CommentCreated, CommentFrom, CommentKind, NewComment, SearchType, Ticket, TicketDetails, User,
    UserGroup,
};
pub use block::{
    BlockRequest, BlockResponse, ClientData, Language, MAX_CLIENT_ITEMS, Phone, PhoneKind,
};
pub use client::UsedeskClient;
pub use error::{Error, ParseError};
pub use trigger::{
    FreeCreateLead, LeadFields, MAX_BODY_BYTES, Problem, ProblemCode, TriggerFieldValue,
    TriggerValue,
};

/// Compiles the README's example as a doctest, so it cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
