//! Setting up a trigger: the gear creates the trigger secret and shows it once, selected for copying; a trigger
//! that sends it creates a deal; the gear never shows it again.

use anyhow::{Context as _, ensure};
use sandbox::seed::TICKET_ONE_MATCH;
use serde_json::Value;

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

/// Where the read-only field's selection is: (focused, start, end, length).
const SELECTION: &str = "var f = document.getElementById(arguments[0]); \
     return [document.activeElement === f, f.selectionStart, f.selectionEnd, f.value.length];";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gear_shows_a_new_trigger_secret_once_and_a_trigger_with_it_creates_a_deal()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block, logged in; the gear opened in a new tab.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let gear = e2e.browser.css(&format!("{BLOCK} a.uda-gear")).await?;
        let gear_url = gear.attr("href").await?.context("the gear's link")?;
        e2e.browser.click_to_new_tab(&gear).await?;
        let before = e2e.browser.text_of("section#trigger-secret").await?;

        // Act: press "Create trigger secret", read what the page shows, click into the body field.
        e2e.browser
            .css("form.secret-form button[type=submit]")
            .await?
            .click()
            .await?;
        let secret = e2e
            .browser
            .css("input#trigger-secret")
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        let on_load = e2e
            .browser
            .client
            .execute(SELECTION, vec!["trigger-secret".into()])
            .await?;
        shots::save(
            &e2e.browser,
            "09-trigger-secret.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;
        let body_field = e2e.browser.css("textarea#trigger-body").await?;
        let body = body_field.prop("value").await?.unwrap_or_default();
        body_field.click().await?;
        let on_click = e2e
            .browser
            .client
            .execute(SELECTION, vec!["trigger-body".into()])
            .await?;
        let endpoint = e2e
            .browser
            .css("input#trigger-url")
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        // The trigger Usedesk would send: the page's body with the ticket filled in, and the secret.
        let mut payload: Value = serde_json::from_str(&body).context("the body is JSON")?;
        payload["ticketId"] = TICKET_ONE_MATCH.into();
        let http = reqwest::Client::new();
        let refused = http.post(&endpoint).json(&payload).send().await?;
        let refused_status = refused.status().as_u16();
        let created = http
            .post(&endpoint)
            .header("X-Trigger-Secret", &secret)
            .json(&payload)
            .send()
            .await?;
        let created_status = created.status().as_u16();
        let created: Value = created.json().await?;
        e2e.browser.client.goto(&gear_url).await?;
        let after = e2e.browser.text_of("section#trigger-secret").await?;
        let gear_source = e2e.browser.client.source().await?;

        // Assert
        ensure!(
            before.contains("No trigger secret yet"),
            "the gear said: {before}"
        );
        ensure!(secret.len() == 43, "the secret field holds “{secret}”");
        let length = Value::from(secret.len());
        ensure!(
            on_load == Value::from(vec![Value::from(true), 0.into(), length.clone(), length]),
            "the secret is focused and selected when the page opens: {on_load}"
        );
        ensure!(
            on_click[1] == 0 && on_click[2] == on_click[3],
            "a click into the body selects all of it: {on_click}"
        );
        ensure!(
            payload["amoClientId"]
                .as_str()
                .is_some_and(|id| id.len() == 36),
            "the body names the Integration ID: {payload}"
        );
        ensure!(
            refused_status == 401,
            "without the secret: {refused_status}"
        );
        ensure!(
            created_status == 200 && created["lead_id"].as_i64().is_some(),
            "with the secret: {created_status} {created}"
        );
        ensure!(
            after.contains("This connection has a trigger secret") && after.contains("Rotate"),
            "the gear now says: {after}"
        );
        ensure!(
            !gear_source.contains(&secret),
            "the gear shows the secret again"
        );
        Ok(())
    })
    .await
}
