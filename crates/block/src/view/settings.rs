//! The gear's page, admin first: the Integration ID (selected on focus), a ready-to-paste `freeCreateLead` trigger
//! for this connection (URL, secret header, JSON body), the account's pipelines and stages, users and deal fields
//! with their ids (a filter box hides rows that do not match while inline handlers run; without them every row
//! shows), then which fields the deals list and the deal card show, and the trigger secret (whether one is set,
//! and the button that creates or rotates it).

use askama::Template;
use domain::{FieldSettings, StageRef};

use super::forms::Choice;
use super::model::{Action, TriggerSecretSection};
use super::style::FormTarget;
use super::text::Tr;

/// The header a trigger sends its secret in.
const HEADER: &str = "X-Trigger-Secret";

/// Usedesk's variable for the ticket's id, inserted with the trigger's variable picker.
const TICKET_VARIABLE: &str = "{{ticket_id}}";

/// The gear.
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
    trigger: TriggerHelp,
    pipelines: Vec<Row>,
    users: Vec<Row>,
    fields: Vec<Row>,
    secret: SecretSection,
    /// The link to the connection's page (`page/connection_link.html`).
    connection: Option<String>,
    /// The read-only fields' focus handler and the filter box's input handler, allowed by the page's policy.
    select: &'static str,
    filter: &'static str,
}

/// How to call `freeCreateLead` from a Usedesk trigger, for this connection.
struct TriggerHelp {
    intro: String,
    endpoint: String,
    header: String,
    body: String,
    body_rows: usize,
}

/// A row of an id table: the ids, the name, what else it says, and the words the filter box matches.
struct Row {
    ids: Vec<String>,
    name: String,
    note: Option<String>,
    /// A stage under its pipeline (indented).
    nested: bool,
    filter: String,
}

impl Row {
    fn new(
        ids: Vec<String>,
        name: String,
        note: Option<String>,
        nested: bool,
        context: &str,
    ) -> Self {
        let filter = ids
            .iter()
            .map(String::as_str)
            .chain([name.as_str(), context])
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        Self {
            ids,
            name,
            note,
            nested,
            filter,
        }
    }
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

/// A JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// The trigger's JSON body for this connection: the deal in `stage` (the main pipeline's first), named after the
/// ticket, keys in the order of the setup guide; `log_ticket` is shown off, as the option it is.
pub(crate) fn trigger_body(tr: &Tr, integration_id: &str, stage: Option<StageRef>) -> String {
    let name = format!("{} {TICKET_VARIABLE}", tr.t("trigger-sample-deal"));
    let stage = stage
        .map(|s| {
            format!(
                ",\n    \"pipeline_id\": {},\n    \"status_id\": {}",
                s.pipeline_id, s.status_id
            )
        })
        .unwrap_or_default();
    format!(
        "{{\n  \"amoClientId\": {},\n  \"ticketId\": {},\n  \"fields\": {{\n    \"name\": {}{stage}\n  }},\n  \"comment\": {},\n  \"log_ticket\": false\n}}",
        json_string(integration_id),
        json_string(TICKET_VARIABLE),
        json_string(&name),
        json_string(&tr.t("trigger-sample-comment")),
    )
}

fn id_tables(tr: &Tr, settings: &FieldSettings) -> (Vec<Row>, Vec<Row>, Vec<Row>) {
    let stage_name = |stage: StageRef| tr.stage_in_pipeline(&settings.pipelines, stage);
    let mut pipelines = Vec::new();
    for p in &settings.pipelines {
        pipelines.push(Row::new(
            vec![p.id.to_string(), String::new()],
            p.name.clone(),
            p.is_archive.then(|| tr.t("settings-archived")),
            false,
            "",
        ));
        for s in &p.stages {
            pipelines.push(Row::new(
                vec![p.id.to_string(), s.view.id.to_string()],
                s.view.name.clone(),
                None,
                true,
                &p.name,
            ));
        }
    }
    let users = settings
        .users
        .iter()
        .map(|u| Row::new(vec![u.id.to_string()], tr.user(u), None, false, ""))
        .collect();
    let fields = settings
        .fields
        .iter()
        .map(|f| {
            let at: Vec<String> = f
                .required_in
                .iter()
                .filter_map(|s| stage_name(*s))
                .collect();
            Row::new(
                vec![f.id.to_string()],
                f.name.clone(),
                (!at.is_empty()).then(|| at.join("; ")),
                false,
                "",
            )
        })
        .collect();
    (pipelines, users, fields)
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
                text: tr.label(label).into_owned(),
                selected: chosen.contains(key),
            })
            .collect()
    };
    let integration_id = settings.connection_id.to_string();
    let open: Vec<_> = settings
        .pipelines
        .iter()
        .filter(|p| !p.is_archive)
        .cloned()
        .collect();
    let body = trigger_body(&tr, &integration_id, domain::metadata::default_stage(&open));
    let (pipelines, users, fields) = id_tables(&tr, settings);
    Settings {
        t: tr,
        title: tr.t("settings-title"),
        submit: FormTarget::of(submit),
        saved,
        list: choices(&settings.choices.list),
        card: choices(&settings.choices.card),
        trigger: TriggerHelp {
            intro: tr.arg("settings-trigger-intro", "variable", TICKET_VARIABLE),
            endpoint: trigger_secret.endpoint.clone(),
            header: tr.arg("settings-trigger-header", "name", HEADER),
            body_rows: body.lines().count().max(1),
            body,
        },
        integration_id,
        pipelines,
        users,
        fields,
        secret: secret_section(&tr, trigger_secret),
        select: crate::http::SELECT_ON_FOCUS,
        filter: crate::http::FILTER_ROWS,
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
