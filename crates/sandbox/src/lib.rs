//! A stateful stand-in for amoCRM (API v4 and OAuth 2.0) and the Usedesk API, served over real
//! HTTP on loopback.
//!
//! It exists so that the demo, the browser end-to-end tests and the benchmarks can run the whole
//! service without the real services: it holds a sample account ("Hogwarts Trading") with users,
//! pipelines, custom fields of every type, contacts, leads, notes and events; writes change that
//! state; and it answers with amoCRM's own shapes and habits — HAL JSON, `_links.next` pagination,
//! 204 for empty lists, problem+json with `validation-errors`, refresh-token rotation, 429s from a
//! 7-per-second limit. Failures can be injected ([`Faults`]) and every request is counted
//! ([`Stats`]), from Rust or over HTTP under `/__sandbox/…`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig::default()).await?;
//! let token = sandbox.issue_long_lived_token();
//! println!("amoCRM at {} (token {token}), Usedesk at {}", sandbox.amocrm_url(), sandbox.usedesk_url());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! It depends on none of the project's other crates: it plays the outside world.
#![deny(missing_docs)]

mod amocrm;
mod config;
mod control;
mod error;
mod faults;
mod http;
mod model;
mod oauth;
pub mod seed;
mod server;
mod state;
mod stats;
mod usedesk;
mod values;

pub use config::SandboxConfig;
pub use faults::{FaultMode, Faults};
pub use seed::{SampleTicket, sample_tickets};
pub use server::{Sandbox, run_forever};
pub use stats::Stats;
pub use usedesk::model::UsedeskComment;
