//! `usedesk` reads and writes Usedesk's wire formats: the dynamic-block request and its
//! `{"html": …}` answer, the `freeCreateLead` trigger payload, and the Usedesk API.
//!
//! Usedesk documents its formats only in part, so every reader here accepts
//! the shapes Usedesk really sends and those near them (ids as strings,
//! flags as `"0"`, lists as objects), and never fails on a field nobody uses.
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod api;
pub mod block;
mod client;
mod error;
mod lenient;
mod plain;
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
pub use plain::plain_text;
pub use trigger::{
    FreeCreateLead, LeadFields, MAX_BODY_BYTES, Problem, ProblemCode, TriggerFieldValue,
    TriggerValue,
};
