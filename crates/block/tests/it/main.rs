//! The block service end to end: the real hyper service on 127.0.0.1:0, amoCRM and Usedesk as wiremock
//! servers, a SQLite store in a temporary directory — plus the views' rendering tests (`render`).

mod support;

mod actions;
mod api;
mod attacks;
mod companies;
mod deal_edit;
mod deals;
mod edit;
mod find;
mod logs;
mod oauth;
mod ops;
mod render;
mod security;
mod stage;
mod tasks;
mod ticket_log;
mod tokens;
mod trigger;
