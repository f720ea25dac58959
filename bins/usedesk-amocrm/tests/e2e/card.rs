//! Step 6: the deal card's feed, and a comment posted from it that comes back to the card.

use anyhow::{Context as _, ensure};
use sandbox::seed::{LEAD_HARRY_FIREBOLT, TICKET_ONE_MATCH};

use crate::support::browser::has_class;
use crate::support::run;
use crate::support::shots::{self, Frame};

const COMMENT: &str = "The client confirmed delivery before the first match of the season.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_reads_a_deals_feed_and_posts_a_comment_that_appears_in_it() -> anyhow::Result<()>
{
    run(async |e2e| {
        // Arrange: Harry's Firebolt deal opened from the block in a new tab.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let deal = e2e
            .browser
            .xpath(&format!(
                "//*[{}]//a[{}][normalize-space(.) = 'Firebolt Supreme — team order']",
                has_class("uda-block"),
                has_class("uda-deal-name")
            ))
            .await?;
        e2e.browser.click_to_new_tab(&deal).await?;
        let title = e2e.browser.text_of("h1.deal-title").await?;
        let card_url = e2e.browser.client.current_url().await?;
        let feed = e2e.browser.text_of("ol.feed").await?;
        let items = e2e
            .browser
            .client
            .find_all(fantoccini::Locator::Css("ol.feed > li.feed-item"))
            .await?
            .len();

        // Act: write a comment and post it.
        e2e.browser
            .css("form.comment-form textarea[name=text]")
            .await?
            .send_keys(COMMENT)
            .await?;
        e2e.browser
            .css("form.comment-form button[type=submit]")
            .await?
            .click()
            .await?;
        // POST → redirect → GET: the card again, the comment the newest entry of its feed.
        e2e.browser
            .xpath(&format!(
                "//ol[{}]/li[1][contains(., {})]",
                has_class("feed"),
                crate::support::browser::literal(COMMENT)
            ))
            .await
            .context("waiting for the card with the comment on top")?;
        let back_on = e2e.browser.client.current_url().await?;
        let newest = e2e.browser.text_of("ol.feed > li.feed-item").await?;
        shots::save(&e2e.browser, "06-deal-card.png", "main.sheet", Frame::Whole).await?;

        // Assert: the card showed the deal, its events and notes with their authors; the comment reached
        // amoCRM once and is now the newest entry of the feed.
        ensure!(
            title.contains("Firebolt Supreme — team order"),
            "the card's title is “{title}”"
        );
        ensure!(
            back_on.path() == card_url.path(),
            "the comment ended on {back_on}, not on the card"
        );
        for expected in [
            "Stage changed: First contact → Negotiation",
            "Responsible changed",
            "Harry wants seven brooms for the house team",
            "Discount approved",
            "Incoming call",
            "Minerva McGonagall",
            "Albus Dumbledore",
        ] {
            ensure!(
                feed.contains(expected),
                "the feed lacks “{expected}”:\n{feed}"
            );
        }
        ensure!(items >= 8, "the feed has only {items} entries:\n{feed}");
        let posted = e2e.stack.amocrm_calls("POST /api/v4/leads/{id}/notes");
        ensure!(posted == 1, "amoCRM received {posted} notes");
        let notes = e2e.stack.sandbox_notes(LEAD_HARRY_FIREBOLT).await?;
        ensure!(
            notes
                .iter()
                .any(|n| n["params"]["text"] == COMMENT && n["note_type"] == "common"),
            "amoCRM has no such note on the deal: {notes:?}"
        );
        ensure!(
            newest.contains(COMMENT),
            "the newest feed entry is not the comment: {newest}"
        );
        ensure!(
            newest.contains("Albus Dumbledore"),
            "the comment's author is not shown: {newest}"
        );
        Ok(())
    })
    .await
}
