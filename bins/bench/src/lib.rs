//! The end-to-end benchmark of usedesk-amocrm as a library, so the binary stays small and the pure parts
//! (HTML markers, percentiles, pacing, tables) are tested.
//!
//! `cargo run --release -p bench` starts the amoCRM + Usedesk sandbox in this process, the release server as a
//! child process, logs in over HTTP, and measures block latency, amoCRM requests per block, throughput against
//! a minimal hyper handler, peak memory, a burst for one account and many agents on one ticket — all on
//! loopback, in a few minutes.
#![deny(missing_docs)]

pub mod ceiling;
pub mod curve;
pub mod html;
pub mod load;
pub mod login;
pub mod machine;
pub mod pacer;
pub mod report;
pub mod run;
pub mod server;
pub mod stats;
pub mod table;
