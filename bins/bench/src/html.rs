//! Just enough HTML reading for the benchmark: which state a block shows, the login link, and the fields of
//! the amoCRM consent form. The markup is our own templates' and the sandbox's, so plain substring search
//! is enough; the integration tests render the real templates to keep these markers honest.

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

pub use testkit::html::unescape;

/// The value of `name="…"` inside one tag's text, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(r#"{name}=""#);
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every tag `<name …>` of the document, as its text between `<` and `>`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    html.match_indices(open.as_str())
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            rest.find('>').map(|end| &rest[..end])
        })
        .collect()
}

/// The first `href` of an `<a>` whose address contains `needle`, unescaped.
pub fn link_containing(html: &str, needle: &str) -> Option<String> {
    tags(html, "a")
        .into_iter()
        .filter_map(|tag| attribute(tag, "href"))
        .find(|href| href.contains(needle))
}

/// A form as a browser would submit it with one button pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Where it posts (as written, possibly relative).
    pub action: String,
    /// Its hidden fields, in order.
    pub fields: Vec<(String, String)>,
}

/// The first `<form>` of a page with its hidden inputs.
pub fn first_form(html: &str) -> Option<Form> {
    let start = html.find("<form ")?;
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    let body = &html[start..end];
    let action = tags(body, "form")
        .into_iter()
        .next()
        .and_then(|tag| attribute(tag, "action"))?;
    let fields = tags(body, "input")
        .into_iter()
        .filter(|tag| attribute(tag, "type").as_deref() == Some("hidden"))
        .filter_map(|tag| {
            Some((
                attribute(tag, "name")?,
                attribute(tag, "value").unwrap_or_default(),
            ))
        })
        .collect();
    Some(Form { action, fields })
}

/// The first `<form>` of a page whose action contains `needle`, with its hidden inputs.
pub fn form_posting_to(html: &str, needle: &str) -> Option<Form> {
    let mut rest = html;
    while let Some(start) = rest.find("<form ") {
        let form = first_form(&rest[start..])?;
        if form.action.contains(needle) {
            return Some(form);
        }
        rest = &rest[start + "<form ".len()..];
    }
    None
}

/// The `value` of the `<input>` with this `id`, unescaped.
pub fn input_value(html: &str, id: &str) -> Option<String> {
    let marker = format!(r#"id="{id}""#);
    tags(html, "input")
        .into_iter()
        .find(|tag| tag.contains(&marker))
        .and_then(|tag| attribute(tag, "value"))
}

/// The seconds a "preparing" block says its data needs (`data-ready-in`), if it says.
pub fn ready_in(html: &str) -> Option<u64> {
    let rest = &html[html.find(r#"data-ready-in=""#)? + r#"data-ready-in=""#.len()..];
    rest[..rest.find('"')?].parse().ok()
}
