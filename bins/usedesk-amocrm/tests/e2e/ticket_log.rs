//! "Log this ticket to the deal" from the block, in place: the first press adds one note with the ticket's
//! conversation and reloads the block; the second says when it was logged, beside the button, and adds nothing.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::{LEAD_HARRY_FIREBOLT, TICKET_ONE_MATCH};

use crate::support::E2e;
use crate::support::preview::BLOCK;
use crate::support::run;

const FIREBOLT: &str = "Firebolt Supreme — team order";

/// The notes of the Firebolt deal that log a ticket.
async fn ticket_logs(e2e: &E2e) -> anyhow::Result<usize> {
    let notes = e2e.stack.sandbox_notes(LEAD_HARRY_FIREBOLT).await?;
    Ok(notes
        .iter()
        .filter(|n| {
            n["params"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Conversation of Usedesk ticket #"))
        })
        .count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_logs_the_ticket_to_a_deal_in_place_once_and_a_second_press_says_it_was_logged()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block, the Firebolt deal's quick comment unfolded, nothing typed.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let form = e2e.quick_comment(FIREBOLT).await?;

        // Act: log the ticket; the block reloads itself.
        e2e.browser.mark_block().await?;
        form.find(Locator::Css("button.uda-log-ticket"))
            .await
            .context("the Log this ticket button")?
            .click()
            .await?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after logging the ticket")?;
        let after_first = ticket_logs(e2e).await?;

        // Act: press it again on the reloaded block.
        let form = e2e.quick_comment(FIREBOLT).await?;
        form.find(Locator::Css("button.uda-log-ticket"))
            .await?
            .click()
            .await?;
        let why = e2e
            .browser
            .css(&format!(
                "{BLOCK} .uda-quick-comment .uda-inplace-error:not([hidden])"
            ))
            .await
            .context("waiting for the answer beside the button")?
            .text()
            .await?;

        // Assert: one note, the second press told so in words, and no tab opened.
        ensure!(
            after_first == 1,
            "{after_first} notes after the first press"
        );
        ensure!(
            why.contains("already logged"),
            "the answer beside the button: {why}"
        );
        ensure!(
            ticket_logs(e2e).await? == 1,
            "the second press added a note"
        );
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "logging the ticket opened a tab"
        );
        Ok(())
    })
    .await
}
