//! The standalone pages that open in a new tab: the outcome of the login, of an action, or its failure; the
//! forms and the deal card are in their own modules.

use askama::Template;
use domain::CompanyOutcome;

use super::model::{Done, Failure, OAuthFailure, PageView};
use super::style::safe_href;
use super::text::Tr;
use super::{card, connection, deal_edit, find, forms, secret, settings, tasks};

/// A page that tells one outcome: a heading, what happened, where to go next.
#[derive(Template)]
#[template(path = "page/message.html")]
struct Message {
    t: Tr,
    title: String,
    tone: &'static str,
    heading: String,
    lines: Vec<String>,
    link: Option<String>,
    reference: Option<String>,
    hints: Vec<String>,
    /// Text to copy (configuration), shown as code.
    code: Option<String>,
}

/// Before amoCRM's consent page: which two accounts are about to be joined, what it means, and the button.
#[derive(Template)]
#[template(path = "page/login_confirm.html")]
struct LoginConfirm {
    t: Tr,
    title: String,
    account: String,
    host: String,
    consequence: String,
    pin_hint: String,
    submit: String,
    sealed: String,
}

/// The last resort when a page cannot render: a page that still says something.
#[derive(Template)]
#[template(path = "page/fallback.html")]
struct Fallback {
    t: Tr,
    title: String,
}

/// A page's HTML. One `match` from each page to its view function: long, but a table to read, not logic.
pub(crate) fn render(tr: Tr, page: &PageView) -> String {
    let rendered = match page {
        PageView::LoginConfirm {
            account,
            host,
            submit,
            sealed,
        } => LoginConfirm {
            t: tr,
            title: tr.t("login-confirm-title"),
            account: tr.usedesk_account(account),
            host: host.clone(),
            consequence: tr.arg("login-confirm-consequence", "host", host),
            pin_hint: tr.arg(
                "login-confirm-pin-hint",
                "fingerprint",
                &account.fingerprint,
            ),
            submit: submit.clone(),
            sealed: sealed.clone(),
        }
        .render(),
        PageView::OAuthSuccess {
            host,
            account,
            user,
        } => {
            let mut hints = vec![tr.t("oauth-success-all-agents")];
            hints.extend(
                user.as_deref()
                    .map(|u| tr.arg("connection-user", "user", u)),
            );
            hints.push(tr.t("oauth-success-hint"));
            success(
                tr,
                tr.t("oauth-success"),
                vec![tr.args2(
                    "oauth-success-joined",
                    ("account", &tr.usedesk_account(account)),
                    ("host", host),
                )],
                None,
                hints,
            )
            .render()
        }
        PageView::OAuthFailure(OAuthFailure::NotPinned { account, host }) => {
            let mut page = failed(
                tr,
                vec![tr.args2(
                    "oauth-not-pinned",
                    ("account", &tr.usedesk_account(account)),
                    ("host", host),
                )],
                None,
            );
            page.hints = vec![tr.t("oauth-not-pinned-hint")];
            page.code = Some(pin_value(&account.fingerprint, host));
            page.render()
        }
        PageView::OAuthFailure(failure) => {
            failed(tr, vec![oauth_failure(&tr, failure)], None).render()
        }
        PageView::ContactForm {
            submit,
            name,
            phones,
            emails,
            company,
            company_choice,
            errors,
            problem,
        } => forms::contact(
            tr,
            submit,
            &forms::ContactValues {
                name,
                phones,
                emails,
                company,
                company_choice,
            },
            errors,
            problem.as_ref(),
        ),
        PageView::DealForm {
            submit,
            reload,
            form,
            stage,
            values,
            errors,
            problem,
        } => forms::deal(
            tr,
            submit,
            reload,
            form,
            *stage,
            values,
            &forms::Refused {
                errors,
                problem: problem.as_ref(),
            },
        ),
        PageView::Settings {
            submit,
            settings,
            saved,
            trigger_secret,
            connection,
        } => settings::settings(tr, submit, settings, *saved, trigger_secret, connection),
        PageView::TriggerSecret(page) => secret::render(tr, page),
        PageView::Connection(page) => connection::render(tr, page),
        PageView::DealCard {
            card,
            comment,
            edit,
            changed,
            errors,
            text,
            problem,
            can_log,
            logged,
        } => card::render(
            tr,
            card,
            &card::Composer {
                comment,
                edit: edit.as_ref(),
                changed: *changed,
                errors,
                text,
                problem: problem.as_ref(),
                can_log: *can_log,
                logged: *logged,
            },
        ),
        PageView::DealEdit(page) => deal_edit::render(tr, page),
        PageView::CommentForm {
            comment,
            text,
            problem,
        } => card::comment_only(tr, comment, text, problem),
        PageView::Done(Done::ContactCreated {
            name,
            url,
            phones,
            emails,
            new_deal,
            company,
        }) => {
            let mut page = contact_created(tr, name, url, phones, emails, new_deal.as_ref());
            page.company = company.as_ref().map(|c| created_company(&tr, c));
            page.render()
        }
        PageView::Search(page) => find::render(tr, page),
        PageView::Tasks(page) => tasks::render(tr, page),
        PageView::ContactEdit {
            submit,
            contact,
            errors,
        } => tasks::contact_edit(tr, submit, contact, errors),
        PageView::Done(done) => done_page(tr, done).render(),
        PageView::Failed { reason, reference } => failure_page(tr, reason, reference).render(),
    };
    rendered.unwrap_or_else(|_| {
        Fallback {
            t: tr,
            title: tr.t("page-failure-title"),
        }
        .render()
        .unwrap_or_default()
    })
}

fn success(
    tr: Tr,
    heading: String,
    lines: Vec<String>,
    link: Option<String>,
    hints: Vec<String>,
) -> Message {
    Message {
        t: tr,
        title: tr.t("page-success-title"),
        tone: "success",
        heading,
        lines,
        link,
        reference: None,
        hints,
        code: None,
    }
}

fn failed(tr: Tr, lines: Vec<String>, reference: Option<String>) -> Message {
    Message {
        t: tr,
        title: tr.t("page-failure-title"),
        tone: "failure",
        heading: tr.t("page-failure-title"),
        lines,
        link: None,
        reference,
        hints: Vec::new(),
        code: None,
    }
}

/// The configuration that lets this pair connect, for the administrator to copy (TOML, shown as text).
fn pin_value(fingerprint: &str, host: &str) -> String {
    format!(
        "[security]\nlogin_pins = [{{ usedesk_account = {fingerprint:?}, amo_hosts = [{host:?}] }}]"
    )
}

fn oauth_failure(tr: &Tr, failure: &OAuthFailure) -> String {
    match failure {
        OAuthFailure::Denied => tr.t("oauth-denied"),
        OAuthFailure::BadState => tr.t("oauth-bad-state"),
        OAuthFailure::HostMismatch { expected, actual } => tr.args2(
            "oauth-host-mismatch",
            ("expected", expected),
            ("actual", actual),
        ),
        OAuthFailure::ExchangeFailed => tr.t("oauth-exchange-failed"),
        OAuthFailure::NotConfigured => tr.t("state-oauth-not-configured"),
        OAuthFailure::LinkSpent => tr.t("oauth-link-spent"),
        OAuthFailure::NotPinned { account, host } => tr.args2(
            "oauth-not-pinned",
            ("account", &tr.usedesk_account(account)),
            ("host", host),
        ),
        OAuthFailure::CrossSite => tr.t("oauth-cross-site"),
    }
}

/// A contact just created: what it holds, where it is in amoCRM, and a new deal for it.
#[derive(Template)]
#[template(path = "page/contact_created.html")]
struct ContactCreated {
    t: Tr,
    title: String,
    heading: String,
    name: String,
    phones: Vec<String>,
    emails: Vec<String>,
    amo: Option<String>,
    new_deal: Option<String>,
    /// What became of the contact's company: a line, and whether it is a warning.
    company: Option<CreatedCompany>,
}

/// The company line of a created contact's page.
struct CreatedCompany {
    text: String,
    href: Option<String>,
    /// Something did not happen: the agent has to finish it in amoCRM.
    warning: bool,
}

/// What became of the new contact's company, precisely.
fn created_company(tr: &Tr, outcome: &CompanyOutcome) -> CreatedCompany {
    let (id, name, url, warning) = match outcome {
        CompanyOutcome::Linked {
            name,
            url,
            created: true,
            ..
        } => ("contact-created-company-created", name, Some(url), false),
        CompanyOutcome::Linked { name, url, .. } => {
            ("contact-created-company-linked", name, Some(url), false)
        }
        CompanyOutcome::NotCreated { name } => {
            ("contact-created-company-not-created", name, None, true)
        }
        CompanyOutcome::NotLinked {
            name,
            url,
            created: true,
            ..
        } => (
            "contact-created-company-created-not-linked",
            name,
            Some(url),
            true,
        ),
        CompanyOutcome::NotLinked { name, url, .. } => {
            ("contact-created-company-not-linked", name, Some(url), true)
        }
    };
    CreatedCompany {
        text: tr.arg(id, "name", name),
        href: url.and_then(|u| safe_href(u)),
        warning,
    }
}

fn contact_created(
    tr: Tr,
    name: &str,
    url: &str,
    phones: &[String],
    emails: &[String],
    new_deal: Option<&super::model::Action>,
) -> ContactCreated {
    ContactCreated {
        t: tr,
        title: tr.t("page-success-title"),
        heading: tr.arg("action-done-contact-created", "name", name),
        name: name.to_owned(),
        phones: phones.to_vec(),
        emails: emails.to_vec(),
        amo: safe_href(url),
        new_deal: new_deal.and_then(super::style::action_href),
        company: None,
    }
}

fn done_page(tr: Tr, done: &Done) -> Message {
    let (line, url) = match done {
        Done::ContactCreated { name, url, .. } => (
            tr.arg("action-done-contact-created", "name", name),
            Some(url),
        ),
        Done::Linked => (tr.t("action-done-link"), None),
        Done::Unlinked => (tr.t("action-done-unlinked"), None),
        Done::ContactSaved => (tr.t("action-done-contact-saved"), None),
        Done::TaskCreated => (tr.t("action-done-task-created"), None),
        Done::TaskCompleted => (tr.t("action-done-task-completed"), None),
        Done::ValueAdded { value } => (tr.arg("action-done-value-added", "value", value), None),
    };
    success(
        tr,
        tr.t("page-success-title"),
        vec![line],
        url.and_then(|u| safe_href(u)),
        vec![tr.t("block-refresh-hint"), tr.t("page-close-tab")],
    )
}

fn failure_page(tr: Tr, reason: &Failure, reference: &str) -> Message {
    let line = failure_line(&tr, reason, reference);
    // The internal error quotes the reference in its sentence; the others show it on a line of its own.
    let reference = (!matches!(reason, Failure::Internal) && !reference.is_empty())
        .then(|| tr.arg("block-reference", "ref", reference));
    failed(tr, vec![line], reference)
}

/// Why an action failed, in a sentence.
pub(super) fn failure_line(tr: &Tr, reason: &Failure, reference: &str) -> String {
    match reason {
        Failure::TokenInvalid => tr.t("action-token-invalid"),
        Failure::TokenExpired => tr.t("action-token-expired"),
        Failure::TokenReplayed => tr.t("action-token-replayed"),
        Failure::NeedsLogin => tr.t("state-login-expired"),
        Failure::Busy => tr.t("state-busy"),
        Failure::Queued { seconds } => tr.args(
            "state-queued",
            &[(
                "seconds",
                i18n::Arg::from(i64::try_from(*seconds).unwrap_or(i64::MAX)),
            )],
        ),
        Failure::Blocked => tr.t("state-blocked"),
        Failure::PaymentRequired => tr.t("state-payment-required"),
        Failure::Unavailable => tr.t("action-unavailable"),
        Failure::NotFound => tr.t("action-not-found"),
        Failure::Rejected(why) => tr.arg("action-rejected", "reason", why),
        Failure::Internal => tr.arg("state-internal-error", "ref", reference),
    }
}
