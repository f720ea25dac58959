//! Step 5: the gear chooses a field for the deals list (plain HTML, new tab).

use anyhow::ensure;
use sandbox::seed::{FIELD_BUDGET_CONFIRMED, FIELD_ORDER_NUMBER, TICKET_ONE_MATCH};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame, WINDOW};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gears_filter_box_leaves_only_the_ids_that_match() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: the gear, opened from Harry's block.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let gear = e2e.browser.css(&format!("{BLOCK} a.uda-gear")).await?;
        e2e.browser.click_to_new_tab(&gear).await?;
        let budget_row = format!("tr[data-filter^='{FIELD_BUDGET_CONFIRMED} ']");
        let order_row = format!("tr[data-filter^='{FIELD_ORDER_NUMBER} ']");
        let rows_before = e2e
            .browser
            .client
            .find_all(fantoccini::Locator::Css("tr[data-filter]"))
            .await?
            .len();
        if shots::enabled() {
            shots::save(
                &e2e.browser,
                "07a-settings-top.png",
                "main.sheet",
                Frame::FirstScreen,
            )
            .await?;
            e2e.browser.client.set_window_size(320, WINDOW.1).await?;
            shots::save(
                &e2e.browser,
                "07b-settings-top-320.png",
                "main.sheet",
                Frame::FirstScreen,
            )
            .await?;
            e2e.browser
                .client
                .set_window_size(WINDOW.0, WINDOW.1)
                .await?;
        }

        // Act: type part of a field's name into the filter box.
        e2e.browser
            .css("#filter")
            .await?
            .send_keys("budget")
            .await?;
        let budget_shown = e2e.browser.css(&budget_row).await?.is_displayed().await?;
        let order_shown = e2e.browser.css(&order_row).await?.is_displayed().await?;
        let pipeline_shown = e2e
            .browser
            .css("table.ids-pipelines tr[data-filter]")
            .await?
            .is_displayed()
            .await?;
        let budget_choice = e2e
            .browser
            .css(&format!(
                "label[data-filter] input[name=list][value='cf:{FIELD_BUDGET_CONFIRMED}']"
            ))
            .await?
            .is_displayed()
            .await?;
        if shots::enabled() {
            e2e.browser
                .client
                .execute("document.getElementById('ids').scrollIntoView()", vec![])
                .await?;
            shots::save(
                &e2e.browser,
                "07c-settings-filtered.png",
                "main.sheet",
                Frame::FirstScreen,
            )
            .await?;
        }

        // Assert: every row was there without typing; typing left the budget field (its id row and its
        // checkbox) and hid the rest.
        ensure!(
            rows_before > 20,
            "only {rows_before} id rows before filtering"
        );
        ensure!(budget_shown, "the Budget confirmed row is hidden");
        ensure!(budget_choice, "the Budget confirmed checkbox is hidden");
        ensure!(!order_shown, "the Order number row still shows");
        ensure!(!pipeline_shown, "the pipelines still show");
        Ok(())
    })
    .await
}
