//! "Login to amoCRM" over plain HTTP, as an agent's browser does it: the block's login link, the confirmation
//! page's button, the consent page, "Allow", and the redirect back to the server's callback — so that a
//! connection exists.

use anyhow::{Context as _, bail};
use bytes::Bytes;
use reqwest::header::LOCATION;
use url::Url;

use crate::html::{BlockState, first_form, link_containing};
use crate::load::post_block;

/// Follows the login from a block that offers it until the server has stored the connection.
///
/// `http` must not follow redirects by itself: each hop is checked here so a failure says where it happened.
pub async fn login(http: &reqwest::Client, server: &Url, block_body: Bytes) -> anyhow::Result<()> {
    let api = server.join("api/")?;
    let block = post_block(http, api.as_str(), block_body.clone()).await?;
    if block.state != BlockState::Login {
        bail!(
            "expected the block to offer \"Login to amoCRM\", it shows {:?}:\n{}",
            block.state,
            block.html
        );
    }
    let start = link_containing(&block.html, "/oauth/start")
        .with_context(|| format!("no /oauth/start link in the block:\n{}", block.html))?;

    // The link opens the confirmation page; its button (a form posting back to /oauth/start) goes on.
    let confirmation = http.get(&start).send().await?;
    if !confirmation.status().is_success() {
        bail!(
            "the login confirmation page answered {}",
            confirmation.status()
        );
    }
    let page = confirmation.text().await?;
    let form = first_form(&page)
        .with_context(|| format!("no form on the login confirmation page:\n{page}"))?;
    let confirm_url = Url::parse(&start)?.join(&form.action)?;
    let consent_url = redirect_target(
        http.post(confirm_url).form(&form.fields).send().await?,
        "POST /oauth/start",
    )?;
    let consent = http.get(consent_url.clone()).send().await?;
    if !consent.status().is_success() {
        bail!(
            "the consent page {consent_url} answered {}",
            consent.status()
        );
    }
    let page = consent.text().await?;
    let form =
        first_form(&page).with_context(|| format!("no form on the consent page:\n{page}"))?;
    let mut fields = form.fields;
    fields.push(("decision".to_owned(), "allow".to_owned()));
    let decision_url = consent_url.join(&form.action)?;
    let callback_url = redirect_target(
        http.post(decision_url).form(&fields).send().await?,
        "POST the consent form",
    )?;

    let done = http.get(callback_url.clone()).send().await?;
    let status = done.status();
    let page = done.text().await.unwrap_or_default();
    if !status.is_success() {
        bail!(
            "the callback {} answered {status}:\n{page}",
            callback_url.path()
        );
    }
    // The success page is the server's word; the block no longer offering a login is the proof.
    let after = post_block(http, api.as_str(), block_body).await?;
    if after.state == BlockState::Login {
        bail!(
            "after the login the block still offers \"Login to amoCRM\":\n{}\nthe callback said:\n{page}",
            after.html
        );
    }
    Ok(())
}

/// The `Location` of a redirect, or an error naming the step.
fn redirect_target(response: reqwest::Response, step: &str) -> anyhow::Result<Url> {
    let status = response.status();
    if !status.is_redirection() {
        bail!("{step}: expected a redirect, got {status}");
    }
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .with_context(|| format!("{step}: a redirect without Location"))?;
    response
        .url()
        .join(location)
        .with_context(|| format!("{step}: Location {location:?} is not a URL"))
}
