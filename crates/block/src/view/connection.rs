//! The gear's connection page: which amoCRM account and user the connection acts as and since when, whether
//! amoCRM sends its changes here (the webhook), the stage-comments option, Reconnect as another amoCRM user, and
//! Disconnect — which says what it deletes and offers to keep the links and field choices.

use askama::Template;

use super::model::ConnectionPage;
use super::style::{FormTarget, safe_href};
use super::text::Tr;

#[derive(Template)]
#[template(path = "page/connection.html")]
struct Page {
    t: Tr,
    title: String,
    done: Vec<String>,
    lines: Vec<String>,
    warning: Option<String>,
    webhook: String,
    stage_comments: String,
    stage_form: Option<FormTarget>,
    stage_button: String,
    reconnect: Option<String>,
    disconnect: Option<FormTarget>,
}

pub(crate) fn render(tr: Tr, page: &ConnectionPage) -> askama::Result<String> {
    let details = &page.details;
    let meta = &details.meta;
    let mut lines = vec![
        tr.arg("connection-account", "host", &details.amo_host),
        tr.t("connection-all-agents"),
    ];
    let warning = if details.active {
        lines.push(match &meta.amo_user_name {
            Some(user) => tr.arg("connection-user", "user", user),
            None => tr.t("connection-user-unknown"),
        });
        if let Some(at) = meta.connected_at {
            lines.push(tr.arg("connection-since", "date", &tr.datetime(at)));
        }
        None
    } else {
        Some(tr.t("connection-needs-login"))
    };
    let webhook = match meta.webhook_at {
        Some(at) if details.active => tr.arg("connection-webhooks-on", "date", &tr.datetime(at)),
        _ => tr.t("connection-webhooks-off"),
    };
    let (stage_comments, stage_button) = if meta.stage_comments {
        (
            tr.t("connection-stage-comments-on"),
            tr.t("connection-stage-comments-turn-off"),
        )
    } else {
        (
            tr.t("connection-stage-comments-off"),
            tr.t("connection-stage-comments-turn-on"),
        )
    };
    let done = match page.disconnected {
        Some(true) => vec![
            tr.t("connection-disconnected"),
            tr.t("connection-disconnected-kept"),
        ],
        Some(false) => vec![
            tr.t("connection-disconnected"),
            tr.t("connection-disconnected-forgotten"),
        ],
        None => Vec::new(),
    };
    Page {
        t: tr,
        title: tr.t("connection-title"),
        done,
        lines,
        warning,
        webhook,
        stage_comments,
        stage_form: FormTarget::of(&page.stage_comments),
        stage_button,
        reconnect: page.reconnect.as_deref().and_then(safe_href),
        disconnect: details
            .active
            .then(|| FormTarget::of(&page.disconnect))
            .flatten(),
    }
    .render()
}
