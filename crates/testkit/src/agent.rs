//! What an agent and an admin do over plain HTTP, as a browser would: "Login to amoCRM" from the block's link
//! through the sandbox's consent page, and the gear's Integration ID and trigger secret.

use reqwest::Url;
use reqwest::header::LOCATION;

use crate::html::{first_form, form_posting_to, input_value};

/// A step of a flow that did not go as a browser expects, said with the step.
#[derive(Debug)]
pub struct FlowError(String);

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FlowError {}

fn fail<T>(message: String) -> Result<T, FlowError> {
    Err(FlowError(message))
}

fn transport(step: &str) -> impl Fn(reqwest::Error) -> FlowError + '_ {
    move |e| FlowError(format!("{step}: {e}"))
}

/// Follows "Login to amoCRM" from the block's login link (`start`, the `/oauth/start` URL): the confirmation
/// page's button, the consent page, "Allow", and the redirect back to the server's callback. Returns the callback's
/// page (the server's "successfully authorized").
///
/// `http` must not follow redirects by itself: each hop is checked here so a failure says where it happened.
pub async fn log_in(http: &reqwest::Client, start: &str) -> Result<String, FlowError> {
    let start = Url::parse(start).map_err(|e| FlowError(format!("the login link {start}: {e}")))?;
    // The link opens the confirmation page; its button (a form posting back to /oauth/start) goes on.
    let page = get_page(http, start.clone(), "the login confirmation page").await?;
    let Some(form) = first_form(&page) else {
        return fail(format!("no form on the login confirmation page:\n{page}"));
    };
    let confirm = join(&start, &form.action)?;
    let sent = http.post(confirm).form(&form.fields).send().await;
    let consent_url = redirect_target(sent, "POST /oauth/start")?;
    let page = get_page(http, consent_url.clone(), "the consent page").await?;
    let Some(form) = first_form(&page) else {
        return fail(format!("no form on the consent page:\n{page}"));
    };
    let mut fields = form.fields;
    fields.push(("decision".to_owned(), "allow".to_owned()));
    let decision = join(&consent_url, &form.action)?;
    let sent = http.post(decision).form(&fields).send().await;
    let callback = redirect_target(sent, "POST the consent form")?;
    let what = format!("the callback {}", callback.path());
    successful_text(http.get(callback).send().await, &what).await
}

/// What an admin does in the block's gear (`gear`, the settings page's URL) to set up triggers: reads the
/// Integration ID, presses "Create trigger secret" and copies the secret from the page that answers. Returns
/// (Integration ID, secret).
pub async fn trigger_secret_from_the_gear(
    http: &reqwest::Client,
    gear: &str,
) -> Result<(String, String), FlowError> {
    let gear = Url::parse(gear).map_err(|e| FlowError(format!("the gear link {gear}: {e}")))?;
    let page = get_page(http, gear.clone(), "the gear page").await?;
    let Some(id) = integration_id(&page) else {
        return fail(format!("no Integration ID on the gear page:\n{page}"));
    };
    let Some(create) = form_posting_to(&page, "action/trigger-secret") else {
        return fail(format!(
            "no trigger secret button on the gear page:\n{page}"
        ));
    };
    let action = join(&gear, &create.action)?;
    let sent = http.post(action).form(&create.fields).send().await;
    let shown = successful_text(sent, "creating the trigger secret").await?;
    let Some(secret) = input_value(&shown, "trigger-secret") else {
        return fail(format!(
            "no trigger secret on the page that shows it:\n{shown}"
        ));
    };
    Ok((id, secret))
}

/// The Integration ID the gear page shows.
pub fn integration_id(gear: &str) -> Option<String> {
    input_value(gear, "integration-id")
}

/// A page that must answer 2xx, as text.
async fn get_page(http: &reqwest::Client, url: Url, what: &str) -> Result<String, FlowError> {
    successful_text(http.get(url).send().await, what).await
}

/// The text of an answer that must be 2xx; another status is an error that shows the answer.
async fn successful_text(
    sent: Result<reqwest::Response, reqwest::Error>,
    what: &str,
) -> Result<String, FlowError> {
    let response = sent.map_err(transport(what))?;
    let status = response.status();
    let text = response.text().await.map_err(transport(what))?;
    if !status.is_success() {
        return fail(format!("{what} answered {status}:\n{text}"));
    }
    Ok(text)
}

/// `action` as a form on `base` posts to it.
fn join(base: &Url, action: &str) -> Result<Url, FlowError> {
    base.join(action)
        .map_err(|e| FlowError(format!("the form's action {action:?}: {e}")))
}

/// The `Location` of a redirect, or an error naming the step.
fn redirect_target(
    sent: Result<reqwest::Response, reqwest::Error>,
    step: &str,
) -> Result<Url, FlowError> {
    let response = sent.map_err(transport(step))?;
    let status = response.status();
    if !status.is_redirection() {
        return fail(format!("{step}: expected a redirect, got {status}"));
    }
    let Some(location) = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return fail(format!("{step}: a redirect without Location"));
    };
    response
        .url()
        .join(location)
        .map_err(|e| FlowError(format!("{step}: Location {location:?} is not a URL: {e}")))
}
