//! The domain's rules, over real amoCRM and Usedesk clients talking to wiremock, and a real store.

mod bursts;
mod harness;

mod actions;
mod audit;
mod companies;
mod deal_change;
mod fields;
mod identity;
mod render;
mod replicas;
mod tasks;
mod ticket_log;
mod tokens;
mod trigger;
mod trigger_secret;
mod zone;
