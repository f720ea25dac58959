//! The preview as a stage for demos: "Loading…" while a ticket loads, the selector that makes the sandbox's
//! amoCRM fail, and the ticket's private comments in the fake ticket.

use anyhow::{Context as _, ensure};
use sandbox::seed::{TICKET_NO_MATCH, TICKET_ONE_MATCH, TICKET_THREE_MATCHES};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

/// Picks a failure in the preview's "Simulate amoCRM" selector.
async fn simulate(e2e: &crate::support::E2e, value: &str) -> anyhow::Result<()> {
    e2e.browser
        .css("#uda-fault")
        .await?
        .select_by_value(value)
        .await
        .with_context(|| format!("choosing {value} in the fault selector"))?;
    Ok(())
}

/// Picks a sample ticket without waiting for its block.
async fn pick_ticket(e2e: &crate::support::E2e, ticket: i64) -> anyhow::Result<()> {
    let option = e2e
        .browser
        .xpath(&format!(
            "//select[@id='uda-sample']/option[starts-with(normalize-space(.), '#{ticket} ')]"
        ))
        .await?;
    let value = option.attr("value").await?.context("an option's value")?;
    e2e.browser
        .css("#uda-sample")
        .await?
        .select_by_value(&value)
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_says_loading_under_a_new_ticket_and_simulates_amocrm_failures()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let sandbox = &e2e.stack.sandbox;

        // Act: a slow amoCRM, then another ticket.
        simulate(e2e, "slow").await?;
        e2e.browser
            .until("the sandbox to be slow", async || {
                Ok((sandbox.faults().mode != sandbox::FaultMode::None).then_some(()))
            })
            .await?;
        pick_ticket(e2e, TICKET_THREE_MATCHES).await?;

        // Assert: the block of the previous ticket is gone at once; "Loading…" stands in its place.
        let slot = e2e.browser.text_of("#uda-slot").await?;
        ensure!(slot.contains("Loading"), "the slot shows {slot:?}");
        ensure!(
            !e2e.browser.exists("#uda-slot .uda-block").await?,
            "the previous ticket's block is still shown"
        );
        e2e.browser.css(BLOCK).await?;

        // Act: clear the failure.
        simulate(e2e, "none").await?;

        // Assert
        e2e.browser
            .until("the sandbox to answer normally again", async || {
                Ok((sandbox.faults().mode == sandbox::FaultMode::None).then_some(()))
            })
            .await?;
        e2e.browser.css(BLOCK).await?;

        // Act: amoCRM blocks the integration, and a ticket not seen yet is opened.
        simulate(e2e, "forbidden").await?;
        e2e.browser
            .until("the sandbox to answer 403", async || {
                Ok((sandbox.faults().mode == sandbox::FaultMode::Forbidden).then_some(()))
            })
            .await?;
        e2e.browser.mark_block().await?;
        pick_ticket(e2e, TICKET_NO_MATCH).await?;

        // Assert: the block says the integration is paused, and keeps the way out to amoCRM.
        let block = e2e.browser.fresh_block().await?.text().await?;
        ensure!(
            block.contains("amoCRM has paused this integration"),
            "the block says {block:?}"
        );
        ensure!(!block.contains("(403)"), "a bare status code: {block:?}");
        ensure!(block.contains("Open in amoCRM"), "no way out: {block:?}");
        shots::save(
            &e2e.browser,
            "degraded-blocked-320.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;
        simulate(e2e, "none").await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_ticket_shows_the_private_comments_posted_to_it() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: a private comment in ticket 1002, as the service leaves one after a create.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        let usedesk = e2e.stack.sandbox.usedesk_url();
        reqwest::Client::new()
            .post(usedesk.join("create/comment")?)
            .json(&serde_json::json!({
                "api_token": "preview-token",
                "ticket_id": TICKET_ONE_MATCH,
                "message": "The contact “Luna” was created in amoCRM from this ticket",
                "type": "private",
            }))
            .send()
            .await?
            .error_for_status()?;

        // Act
        e2e.reload_block().await?;

        // Assert
        let comment = e2e
            .browser
            .until("the comment in the fake ticket", async || {
                let shown = e2e.browser.text_of("#ud-comments").await?;
                Ok(shown.contains("was created in amoCRM").then_some(shown))
            })
            .await?;
        ensure!(comment.contains("“Luna”"), "{comment}");
        Ok(())
    })
    .await
}
