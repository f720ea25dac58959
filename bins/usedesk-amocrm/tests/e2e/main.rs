//! Browser end-to-end tests of the block: headless Chromium, driven through chromedriver, on the preview
//! page that imitates Usedesk's ticket card, against the whole product started in-process as
//! `usedesk-amocrm demo` starts it (the server on SQLite, the stateful amoCRM + Usedesk sandbox).
//!
//! Each test starts its own stack and browser and logs in through amoCRM's consent page, so the tests are
//! independent of each other; they take turns, one browser at a time. Without Chromium or chromedriver the
//! suite is skipped loudly, or fails when `CI` or `REQUIRE_SERVICES` is set. With `E2E_SCREENSHOTS=1` it
//! also saves the main states as PNGs into `docs/screenshots/`.

mod support;

mod card;
mod companies;
mod contacts;
mod deal_change;
mod deals;
mod edit;
mod find;
mod inplace;
mod languages;
mod login;
mod many_deals;
mod paused;
mod settings;
mod stage;
mod tasks;
mod ticket_log;
mod tools;
mod trigger_secret;
