//! The block: every state of [`BlockView`], as the inner HTML Usedesk puts in the ticket card.

use askama::Template;
use domain::Degradation;
use i18n::Arg;

use super::data::data_view;
use super::model::BlockView;
use super::style::safe_href;
use super::text::Tr;

/// The example account address shown where the block asks for one.
const EXAMPLE_HOST: &str = "https://yourcompany.amocrm.ru";
/// The example Kommo address shown beside it.
const EXAMPLE_KOMMO_HOST: &str = "https://yourcompany.kommo.com";

/// A setup problem: what to do, the POST parameter or addresses to use, and a hint for the administrator.
#[derive(Template)]
#[template(path = "block/setup.html")]
struct Setup {
    t: Tr,
    paragraphs: Vec<String>,
    /// POST parameters or addresses to copy: an optional parameter name and its value.
    code: Vec<(Option<&'static str>, String)>,
    hint: Option<String>,
    /// "For your administrator: reference …", where the problem was logged.
    reference: Option<String>,
}

/// "Login to amoCRM".
#[derive(Template)]
#[template(path = "block/login.html")]
struct Login {
    t: Tr,
    message: String,
    login: Option<String>,
    /// What connecting means: for every agent of the Usedesk account, acting as the amoCRM user who logs in.
    about: [String; 2],
}

/// No data at all: why, with the reference for the administrator.
#[derive(Template)]
#[template(path = "block/degraded.html")]
struct Degraded {
    t: Tr,
    severity: &'static str,
    message: String,
    reference: Option<String>,
    /// The account's home page in amoCRM: the way out while the block cannot show data.
    amo: Option<String>,
}

/// No data yet: it is being fetched in the background; the block reloads itself when it should be ready.
#[derive(Template)]
#[template(path = "block/preparing.html")]
struct Preparing {
    t: Tr,
    message: String,
    seconds: u64,
    /// When to reload, in milliseconds (the estimate plus a little, so the data is there).
    millis: u64,
}

/// The last resort when a template cannot render: a block that still says something.
#[derive(Template)]
#[template(path = "block/fallback.html")]
struct Fallback {
    t: Tr,
}

pub(crate) fn render(tr: Tr, view: &BlockView) -> String {
    let rendered = match view {
        BlockView::NeedsLogin { login_url, expired } => Login {
            t: tr,
            message: tr.t(if *expired {
                "state-login-expired"
            } else {
                "state-needs-login"
            }),
            login: safe_href(login_url),
            about: [tr.t("login-all-agents"), tr.t("login-acts-as")],
        }
        .render(),
        BlockView::Data {
            data,
            actions,
            stale_reason,
        } => data_view(tr, data, actions, stale_reason.as_ref()).render(),
        BlockView::Degraded {
            reason: Degradation::Preparing { seconds },
            ..
        } => Preparing {
            message: tr.args("state-preparing", &[seconds_arg(*seconds)]),
            t: tr,
            seconds: *seconds,
            millis: seconds.saturating_mul(1000).saturating_add(500),
        }
        .render(),
        BlockView::Degraded {
            reason,
            reference,
            account_url,
        } => degraded(tr, reason, reference, account_url.as_deref()).render(),
        BlockView::MissingHost
        | BlockView::RefusedHost { .. }
        | BlockView::OAuthNotConfigured { .. }
        | BlockView::BadSecret
        | BlockView::MissingUsedeskToken => match setup(tr, view) {
            Some(setup) => setup.render(),
            None => Fallback { t: tr }.render(),
        },
    };
    rendered.unwrap_or_else(|_| Fallback { t: tr }.render().unwrap_or_default())
}

/// The setup problems: a parameter missing or refused, OAuth not configured, a bad secret.
fn setup(tr: Tr, view: &BlockView) -> Option<Setup> {
    let (paragraphs, code, hint, reference) = match view {
        BlockView::MissingHost => (
            vec![tr.t("setup-missing-host")],
            vec![(Some("amo_base_host"), EXAMPLE_HOST.to_owned())],
            None,
            None,
        ),
        BlockView::RefusedHost { host, reference } => (
            vec![
                tr.arg("state-refused-host", "host", host),
                tr.t("setup-allowed-hosts"),
            ],
            vec![
                (None, EXAMPLE_HOST.to_owned()),
                (None, EXAMPLE_KOMMO_HOST.to_owned()),
            ],
            None,
            admin_reference(&tr, reference),
        ),
        BlockView::OAuthNotConfigured { reference } => (
            vec![tr.t("state-oauth-not-configured")],
            Vec::new(),
            Some(tr.t("setup-oauth-hint")),
            admin_reference(&tr, reference),
        ),
        BlockView::MissingUsedeskToken => (
            vec![tr.t("setup-missing-token")],
            vec![(Some("usedesk_api_token"), "…".to_owned())],
            None,
            None,
        ),
        BlockView::BadSecret => (
            vec![tr.t("state-bad-secret")],
            Vec::new(),
            Some(tr.t("setup-bad-secret-hint")),
            None,
        ),
        // Not setup problems: each has its own template.
        BlockView::NeedsLogin { .. } | BlockView::Data { .. } | BlockView::Degraded { .. } => {
            return None;
        }
    };
    Some(Setup {
        t: tr,
        paragraphs,
        code,
        hint,
        reference,
    })
}

fn degraded(tr: Tr, reason: &Degradation, reference: &str, account_url: Option<&str>) -> Degraded {
    let (severity, message) = match reason {
        Degradation::Busy { until: Some(until) } => (
            "warning",
            tr.arg("state-busy-until", "until", &tr.moment_with_zone(*until)),
        ),
        Degradation::Busy { until: None } => ("warning", tr.t("state-busy")),
        // Our own queue, not amoCRM, is what delays the data: the agent is told when it will come.
        Degradation::Queued { seconds } => {
            ("warning", tr.args("state-queued", &[seconds_arg(*seconds)]))
        }
        // Rendered by its own template above; kept here so every reason has a sentence.
        Degradation::Preparing { seconds } => {
            ("info", tr.args("state-preparing", &[seconds_arg(*seconds)]))
        }
        Degradation::Timeout => ("warning", tr.t("state-timeout")),
        Degradation::Unavailable => ("warning", tr.t("state-upstream-error")),
        Degradation::Blocked { until: Some(until) } => (
            "danger",
            tr.arg("state-blocked-until", "until", &tr.moment_with_zone(*until)),
        ),
        Degradation::Blocked { until: None } => ("danger", tr.t("state-blocked")),
        Degradation::PaymentRequired => ("danger", tr.t("state-payment-required")),
        Degradation::Internal => ("danger", tr.arg("state-internal-error", "ref", reference)),
    };
    // The internal error already quotes the reference in its sentence.
    let reference = (!matches!(reason, Degradation::Internal))
        .then(|| admin_reference(&tr, reference))
        .flatten();
    Degraded {
        t: tr,
        severity,
        message,
        reference,
        amo: account_url.and_then(safe_href),
    }
}

/// "For your administrator: reference …", when there is one.
fn admin_reference(tr: &Tr, reference: &str) -> Option<String> {
    (!reference.is_empty()).then(|| tr.arg("block-admin-reference", "ref", reference))
}

/// The `seconds` variable of the queued-requests messages.
pub(super) fn seconds_arg(seconds: u64) -> (&'static str, Arg) {
    (
        "seconds",
        Arg::from(i64::try_from(seconds).unwrap_or(i64::MAX)),
    )
}
