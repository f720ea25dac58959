//! Just enough HTML reading for the benchmark: which state a block shows and how soon a preparing one is ready;
//! links, forms and inputs are read by `testkit::html` (re-exported here). The markup is our own templates' and the
//! sandbox's, so plain substring search is enough; the integration tests render the real templates to keep these
//! markers honest.

use testkit::html::tags;
pub use testkit::html::{
    Form, first_form, form_posting_to, input_value, link_containing, unescape,
};

/// What a block answer shows the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockState {
    /// Contacts (or "no data yet") fetched just now.
    Fresh,
    /// The last known data, with a warning that it is not fresh.
    Stale,
    /// No data yet: it is being fetched in the background, ready in the estimate the block gives.
    Preparing,
    /// No data: amoCRM is rate-limiting.
    Busy,
    /// No data: the render deadline passed.
    Timeout,
    /// No data for another reason (amoCRM error, blocked, subscription, our own failure).
    Degraded,
    /// "Login to amoCRM".
    Login,
    /// Anything else (a setup message, or not a block at all).
    Other,
}

impl BlockState {
    /// A short lower-case name for tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Fresh => "fresh",
            Self::Stale => "stale",
            Self::Preparing => "preparing",
            Self::Busy => "busy",
            Self::Timeout => "timeout",
            Self::Degraded => "degraded",
            Self::Login => "login",
            Self::Other => "other",
        }
    }
}

/// Says which state a block's inner HTML (in English) shows.
///
/// Only tags' attributes and texts are read: the block's own stylesheet names every class, so the markers
/// are `class="…"` and `role="…"` attributes of the elements themselves.
pub fn classify(html: &str) -> BlockState {
    let divs = tags(html, "div");
    let has_class = |class: &str| {
        let marker = format!(r#"class="{class}"#);
        html.contains(&marker)
    };
    if !has_class("uda-block") {
        return BlockState::Other;
    }
    if has_class("uda-login") {
        return BlockState::Login;
    }
    if has_class("uda-preparing") {
        return BlockState::Preparing;
    }
    // The stale warning is a polite status above the data; a degraded block is a warning or danger alert
    // instead of data (setup messages are info alerts).
    let alert = |role: &str| {
        let marker = format!(r#"role="{role}""#);
        divs.iter().any(|tag| {
            tag.contains("uda-alert") && tag.contains(&marker) && !tag.contains("uda-alert-info")
        })
    };
    if alert("status") {
        return BlockState::Stale;
    }
    if alert("alert") {
        if html.contains("too many requests") {
            return BlockState::Busy;
        }
        if html.contains("took too long") {
            return BlockState::Timeout;
        }
        return BlockState::Degraded;
    }
    if has_class("uda-contact") || has_class("uda-notice") {
        return BlockState::Fresh;
    }
    BlockState::Other
}

/// The seconds a "preparing" block says its data needs (`data-ready-in`), if it says.
pub fn ready_in(html: &str) -> Option<u64> {
    let rest = &html[html.find(r#"data-ready-in=""#)? + r#"data-ready-in=""#.len()..];
    rest[..rest.find('"')?].parse().ok()
}
