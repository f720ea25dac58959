//! Step 5: the gear chooses a field for the deals list (plain HTML, new tab).

use anyhow::ensure;
use sandbox::seed::{FIELD_ORDER_NUMBER, TICKET_ONE_MATCH};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_ticked_in_the_gear_shows_in_the_deals_list() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block lists his deals without "Order number".
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let block = e2e.browser.text_of(BLOCK).await?;
        ensure!(
            !block.contains("HT-2025-0042"),
            "the order number shows before it is chosen: {block}"
        );
        let preview = e2e.preview_tab().await?;
        let order_number = format!("input[name=list][value='cf:{FIELD_ORDER_NUMBER}']");

        // Act: the gear opens the settings in a new tab; tick "Order number" for the list and save.
        let gear = e2e.browser.css(&format!("{BLOCK} a.uda-gear")).await?;
        e2e.browser.click_to_new_tab(&gear).await?;
        let integration_id = e2e
            .browser
            .css("#integration-id")
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        e2e.browser.css(&order_number).await?.click().await?;
        e2e.browser
            .css("form.form .actions button[type=submit]")
            .await?
            .click()
            .await?;
        let saved = e2e.browser.css(".alert-success").await?.text().await?;
        let still_ticked = e2e.browser.css(&order_number).await?.is_selected().await?;
        shots::save(
            &e2e.browser,
            "07-settings.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.reload_block().await?;

        // Assert: the settings showed the Integration ID and said they were saved; the deals list now shows
        // each deal's order number.
        ensure!(
            integration_id.len() >= 32,
            "the Integration ID field holds “{integration_id}”"
        );
        ensure!(
            saved.contains("Settings saved"),
            "the settings page says: {saved}"
        );
        ensure!(still_ticked, "the saved choice is not ticked");
        e2e.open_folds().await?;
        let firebolt = e2e
            .browser
            .class_with_text("uda-deal", "Firebolt Supreme — team order")
            .await?
            .text()
            .await?;
        ensure!(
            firebolt.contains("Order number") && firebolt.contains("HT-2025-0042"),
            "the deal does not show its order number: {firebolt}"
        );
        let kit = e2e
            .browser
            .class_with_text("uda-deal", "Quidditch practice kit")
            .await?
            .text()
            .await?;
        ensure!(
            kit.contains("HT-2025-0017"),
            "the second deal does not show its order number: {kit}"
        );
        Ok(())
    })
    .await
}
