//! Integration tests of the amoCRM client against wiremock stand-ins of amoCRM.

mod account;
mod backoff;
mod companies;
mod contacts;
mod edits;
mod errors;
mod examples;
mod feed;
mod gate;
mod handoff;
mod host;
mod leads;
mod limiter;
mod oauth;
mod support;
mod tasks;
mod tokens;
mod webhooks;
