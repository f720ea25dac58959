//! Step 1: logging in to amoCRM from the block.

use anyhow::ensure;
use sandbox::seed::TICKET_ONE_MATCH;

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_logs_in_from_the_block_and_then_sees_harrys_contact_and_deals()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: before any login the block only offers to log in.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        let before = e2e.browser.text_of(BLOCK).await?;
        ensure!(
            before.contains("Log in to amoCRM to see this client"),
            "the block before login says: {before}"
        );
        ensure!(
            !before.contains("Harry Potter"),
            "the block shows data before login: {before}"
        );
        shots::save(&e2e.browser, "01-login.png", ".dynamic-block", Frame::Whole).await?;

        // Act: Login to amoCRM → consent page → Allow → success page → back → reload the block.
        e2e.log_in().await?;

        // Assert: Harry's contact with his four deals, in amoCRM's currency, and one code exchange.
        ensure!(
            e2e.contact_names().await? == ["Harry Potter"],
            "contacts: {:?}",
            e2e.contact_names().await?
        );
        e2e.open_folds().await?;
        let block = e2e.browser.text_of(BLOCK).await?;
        for expected in [
            "Firebolt Supreme — team order",
            "Quidditch practice kit",
            "Invisibility cloak insurance",
            "Hogsmeade partner programme",
            "₽450,000",
            "Negotiation",
            "Closed - won",
            "Closed - lost",
            "Minerva McGonagall",
            "+7 916 123-45-67",
        ] {
            ensure!(
                block.contains(expected),
                "the block lacks “{expected}”:\n{block}"
            );
        }
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "the login tab was left open"
        );
        let exchanges = e2e.stack.amocrm_calls("POST /oauth2/access_token");
        ensure!(exchanges == 1, "the code was exchanged {exchanges} times");
        shots::save(
            &e2e.browser,
            "03-contacts-with-deals.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;
        Ok(())
    })
    .await
}
