//! Integration tests of the sandbox, over real HTTP on loopback.

mod controls;
mod faults;
mod metadata;
mod oauth;
mod pagination;
mod rate_limit;
mod search;
mod support;
mod usedesk;
mod webhooks;
mod work;
mod writes;
