//! `amocrm` is an async client for the amoCRM / Kommo REST API v4: OAuth 2.0 with safe token
//! rotation, contacts, companies, leads, tasks, loss reasons, pipelines, custom fields, users,
//! notes and events, behind a per-account rate limiter with 429 / 403 back-off and an SSRF
//! guard on account hosts.
#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod api;
mod builder;
mod client;
mod error;
mod gate;
mod host;
mod limiter;
pub mod models;
mod oauth;
mod page;
mod serde_util;
mod status;
mod tokens;
pub mod webhook;

pub use builder::{BackoffPolicy, ClientBuilder};
pub use client::{AmoClient, CallObserver};
pub use error::{Error, Problem, ValidationDetail, ValidationError};
pub use gate::{GatePermit, Priority, PriorityGate};
pub use host::{AccountHost, HostPolicy, Product};
pub use limiter::{BackoffSteps, LocalRateLimiter, PauseReason, RateLimiter, RecentStarts};
pub use oauth::{AuthMode, OAuthClient, OAuthConfig, TokenPair};
pub use page::Page;
pub use tokens::{
    DEFAULT_REFRESH_LEEWAY, OAuthTokenSource, StaticToken, TokenPersister, TokenSource,
};

pub use api::{
    CompaniesQuery, ContactsQuery, EventEntity, EventsQuery, LeadsQuery, NewWebhook, TasksQuery,
    Webhook,
};
pub use models::*;
pub use webhook::{DisconnectHook, WebhookAction, WebhookDelivery, WebhookEntity, WebhookEvent};

/// `secrecy`'s string type, re-exported so callers need not depend on the same version.
pub use secrecy::SecretString;
