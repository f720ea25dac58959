//! Integration tests of the `usedesk` crate: the block request reader, the
//! trigger payload reader, and the API client against a wiremock Usedesk.

/// The text of a file under `fixtures/usedesk/`.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("../../../../fixtures/usedesk/", $name))
    };
}

mod api_clients;
mod api_comments;
mod api_errors;
mod api_tickets;
mod api_users;
mod block_form;
mod block_json;
mod client_config;
mod examples;
mod language;
mod malformed_corpus;
mod plain_text;
mod properties;
mod support;
mod trigger_fingerprint;
mod trigger_parse;
