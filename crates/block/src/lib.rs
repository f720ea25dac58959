//! The hyper service of usedesk-amocrm: what Usedesk's dynamic block calls and what the agent sees.
//!
//! [`App`] routes Usedesk's block requests (`POST /api/`), the amoCRM login (`/oauth/…`), the block's
//! signed actions (`/action/…`, `/deal`) and the trigger endpoint (`POST /api/freeCreateLead`) to
//! [`domain::Domain`], and renders every answer through [`view`]. [`serve`] runs it on a listener with
//! a graceful shutdown; [`Metrics`] collects what `/metrics` shows.
//!
//! Every identity an action touches travels in an HMAC-signed, expiring token; the Usedesk API token
//! travels only sealed (ChaCha20-Poly1305); HTML comes only from the views' auto-escaping templates.
#![deny(missing_docs)]

mod actions;
mod api;
mod app;
mod config;
mod connection;
mod cors;
mod created;
mod deal_edit;
mod deals;
mod edit;
mod error;
mod extract;
mod failures;
mod find;
mod hooks;
mod http;
mod keys;
mod messages;
mod metrics;
mod oauth;
mod rendered;
mod routes;
mod seal;
mod serve;
mod tasks;
mod ticket_log;
mod token;
mod trigger;
pub mod view;

pub use app::App;
pub use config::{BlockConfig, MIN_SIGNING_KEY_BYTES};
pub use error::{Classified, Error};
pub use metrics::Metrics;
pub use serve::serve;

/// Builds what the first block would otherwise build on first use — the translation catalogue of every
/// language and libphonenumber's metadata — so that a server just started answers its first block as fast as
/// any other. A serving process calls it before it takes requests.
pub fn warm_up() {
    let _ = i18n::Translator::global();
    let _ = view::text::international("+74951234567");
}
