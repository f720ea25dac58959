//! The gear's page: which fields the deals list and the deal card show, the Integration ID, and the trigger
//! secret (whether one is set, and the button that creates or rotates it).

use askama::Template;
use domain::FieldSettings;

use super::forms::Choice;
use super::model::{Action, TriggerSecretSection};
use super::style::FormTarget;
use super::text::Tr;

/// The gear: which fields to show, the Integration ID, and the trigger secret.
#[derive(Template)]
#[template(path = "page/settings.html")]
struct Settings {
    t: Tr,
    title: String,
    submit: Option<FormTarget>,
    saved: bool,
    list: Vec<Choice>,
    card: Vec<Choice>,
    integration_id: String,
    secret: SecretSection,
    /// The link to the connection's page (`page/connection_link.html`).
    connection: Option<String>,
}

/// The gear's trigger-secret section, in words.
struct SecretSection {
    /// What the connection has: "A secret is set…" or "No secret yet…".
    status: Vec<String>,
    /// Said in the warning colour: triggers are refused, or open to anyone.
    warning: bool,
    form: Option<FormTarget>,
    button: String,
    hint: String,
}

pub(crate) fn settings(
    tr: Tr,
    submit: &Action,
    settings: &FieldSettings,
    saved: bool,
    trigger_secret: &TriggerSecretSection,
    connection: &Action,
) -> askama::Result<String> {
    let choices = |chosen: &[domain::FieldKey]| -> Vec<Choice> {
        settings
            .available
            .iter()
            .map(|(key, label)| Choice {
                value: key.to_string(),
                text: tr.label(label),
                selected: chosen.contains(key),
            })
            .collect()
    };
    Settings {
        t: tr,
        title: tr.t("settings-title"),
        submit: FormTarget::of(submit),
        saved,
        list: choices(&settings.choices.list),
        card: choices(&settings.choices.card),
        integration_id: settings.connection_id.to_string(),
        secret: secret_section(&tr, trigger_secret),
        connection: super::style::action_href(connection),
    }
    .render()
}

fn secret_section(tr: &Tr, section: &TriggerSecretSection) -> SecretSection {
    let status = if section.set {
        let mut lines = vec![tr.t("settings-trigger-secret-set")];
        if let Some(at) = section.created_at {
            lines.push(tr.arg("settings-trigger-secret-created", "date", &tr.datetime(at)));
        }
        lines
    } else if section.required {
        vec![tr.t("settings-trigger-secret-none")]
    } else {
        vec![tr.t("settings-trigger-secret-none-optional")]
    };
    let (button, hint) = if section.set {
        (
            "settings-trigger-secret-rotate",
            "settings-trigger-secret-rotate-hint",
        )
    } else {
        (
            "settings-trigger-secret-create",
            "settings-trigger-secret-hint",
        )
    };
    SecretSection {
        status,
        warning: !section.set,
        form: FormTarget::of(&section.create),
        button: tr.t(button),
        hint: tr.t(hint),
    }
}
