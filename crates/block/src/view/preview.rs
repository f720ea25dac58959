//! The preview page: a stand-in for Usedesk's ticket card. Its own script POSTs a sample ticket to `/api/` and
//! inserts the answer's `html` into a `.dynamic-block` wrapper with an `a.block-reload-button`, as Usedesk does.

use askama::Template;
use i18n::Lang;
use serde_json::Value;

use super::style::safe_href;
use super::text::Tr;
use super::{Display, Preview};

/// The page.
#[derive(Template)]
#[template(path = "preview.html")]
struct Page {
    t: Tr,
    title: String,
    api: String,
    samples: Vec<Sample>,
    languages: Vec<Language>,
    ticket: Ticket,
    /// The sandbox's address, for the fault selector and the ticket's comments (demo mode only).
    sandbox: Option<String>,
    /// The failures the selector simulates: its value and label.
    faults: Vec<(&'static str, String)>,
}

/// What the fault selector offers, by the value its script reads and the message of its label.
const FAULTS: [(&str, &str); 7] = [
    ("none", "preview-fault-none"),
    ("server_error", "preview-fault-down"),
    ("too_many", "preview-fault-busy"),
    ("forbidden", "preview-fault-blocked"),
    ("payment_required", "preview-fault-payment"),
    ("revoked", "preview-fault-revoked"),
    ("slow", "preview-fault-slow"),
];

/// A sample in the picker: its label and the JSON body the script sends.
struct Sample {
    label: String,
    body: String,
}

/// A language in the picker.
struct Language {
    code: &'static str,
    name: &'static str,
    selected: bool,
}

/// The fake ticket on the left, as first shown (the script refills it when another sample is picked).
struct Ticket {
    number: String,
    subject: String,
    client: String,
    phones: String,
    emails: String,
}

/// Shown when the page cannot render.
#[derive(Template)]
#[template(path = "page/fallback.html")]
struct Fallback {
    t: Tr,
    title: String,
}

pub(crate) fn render(lang: Lang, preview: &Preview) -> String {
    let tr = Tr::new(
        lang,
        Display {
            zone: domain::Zone::utc().shared(),
            now: 0,
            default_country: None,
        },
    );
    let offered = if preview.languages.is_empty() {
        &Lang::ALL[..]
    } else {
        &preview.languages[..]
    };
    let languages: Vec<Language> = offered
        .iter()
        .map(|l| Language {
            code: l.code(),
            name: l.native_name(),
            selected: *l == lang,
        })
        .collect();
    let page = Page {
        t: tr,
        title: tr.t("preview-title"),
        api: safe_href(&preview.api_url).unwrap_or_else(|| "/api/".to_owned()),
        samples: preview
            .samples
            .iter()
            .map(|s| Sample {
                label: s.label.clone(),
                body: s.body.to_string(),
            })
            .collect(),
        languages,
        sandbox: preview
            .sandbox_url
            .as_deref()
            .and_then(safe_href)
            .map(|u| u.trim_end_matches('/').to_owned()),
        faults: FAULTS.iter().map(|(v, id)| (*v, tr.t(id))).collect(),
        ticket: preview
            .samples
            .first()
            .map(|s| ticket(&tr, &s.label, &s.body))
            .unwrap_or_else(|| ticket(&tr, "", &Value::Null)),
    };
    page.render().unwrap_or_else(|_| {
        Fallback {
            t: tr,
            title: tr.t("preview-title"),
        }
        .render()
        .unwrap_or_default()
    })
}

/// The ticket's number, subject and client as Usedesk would show them, read from the sample's body.
fn ticket(tr: &Tr, label: &str, body: &Value) -> Ticket {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let client = &body["client_data"];
    let list = |items: &Value, key: &str| -> String {
        items
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| text(i).or_else(|| text(&i[key])))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    Ticket {
        number: text(&body["ticket_id"])
            .map(|id| tr.arg("preview-ticket", "id", &id))
            .unwrap_or_default(),
        subject: text(&body["subject"]).unwrap_or_else(|| label.to_owned()),
        client: text(&client["name"]).unwrap_or_default(),
        phones: list(&client["phones"], "phone"),
        emails: list(&client["emails"], "email"),
    }
}
