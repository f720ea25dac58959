//! The page that shows a new trigger secret, once: the secret, and how to put it into a Usedesk trigger — the
//! URL, the `X-Trigger-Secret` header (or the URL with `?secret=`), the JSON body for this connection, and a
//! request to try it from a terminal. Every value sits in a read-only field that selects itself on focus.

use askama::Template;
use secrecy::ExposeSecret as _;

use super::model::TriggerSecretPage;
use super::text::Tr;

/// The header a trigger sends its secret in, as an admin types it.
const HEADER: &str = "X-Trigger-Secret";

/// Usedesk's variable for the ticket's id, inserted with the trigger's variable picker.
const TICKET_VARIABLE: &str = "{{ticket_id}}";

#[derive(Template)]
#[template(path = "page/trigger_secret.html")]
struct SecretPage {
    t: Tr,
    title: String,
    secret: String,
    replaced: bool,
    not_required: bool,
    endpoint: String,
    header_line: String,
    header_step: String,
    url_with_secret: String,
    body: String,
    body_rows: usize,
    /// The test request and the sentence that introduces it, when the gear was opened from a ticket.
    try_it: Option<(String, String, usize)>,
    /// The fields' focus handler: the one the page's policy allows by its hash.
    select: &'static str,
}

/// `text` in single quotes for a POSIX shell.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// The trigger's JSON body for this connection, keys in the order of the setup article.
fn body(tr: &Tr, integration_id: &str, ticket: &str) -> String {
    let name = format!("{} {TICKET_VARIABLE}", tr.t("trigger-sample-deal"));
    format!(
        "{{\n  \"amoClientId\": {},\n  \"ticketId\": {ticket},\n  \"fields\": {{\n    \"name\": {}\n  }},\n  \"comment\": {}\n}}",
        json_string(integration_id),
        json_string(&name),
        json_string(&tr.t("trigger-sample-comment")),
    )
}

fn lines(text: &str) -> usize {
    text.lines().count().max(1)
}

pub(crate) fn render(tr: Tr, page: &TriggerSecretPage) -> askama::Result<String> {
    let secret = page.secret.expose_secret().to_owned();
    let body = body(&tr, &page.integration_id, &json_string(TICKET_VARIABLE));
    let try_it = page.ticket_id.map(|ticket| {
        let sample = body
            .replace(&json_string(TICKET_VARIABLE), &ticket.to_string())
            .replace(TICKET_VARIABLE, &ticket.to_string());
        let compact: serde_json::Value =
            serde_json::from_str(&sample).unwrap_or(serde_json::Value::Null);
        let command = format!(
            "curl -X POST {} \\\n  -H 'Content-Type: application/json' \\\n  -H {} \\\n  -d {}",
            shell_quoted(&page.endpoint),
            shell_quoted(&format!("{HEADER}: {secret}")),
            shell_quoted(&compact.to_string()),
        );
        let rows = lines(&command);
        (
            tr.arg("trigger-secret-try", "ticket", &ticket.to_string()),
            command,
            rows,
        )
    });
    SecretPage {
        t: tr,
        title: tr.t(if page.replaced {
            "trigger-secret-title-rotated"
        } else {
            "trigger-secret-title-created"
        }),
        header_line: format!("{HEADER}: {secret}"),
        header_step: tr.arg("trigger-secret-step-header", "name", HEADER),
        url_with_secret: format!("{}?secret={secret}", page.endpoint),
        body_rows: lines(&body),
        body,
        secret,
        replaced: page.replaced,
        not_required: !page.required,
        endpoint: page.endpoint.clone(),
        try_it,
        select: crate::http::SELECT_ON_FOCUS,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_survives_single_quotes() {
        assert_eq!(shell_quoted("it's"), r"'it'\''s'");
        assert_eq!(shell_quoted("plain"), "'plain'");
    }
}
