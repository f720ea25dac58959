//! Step 4: creating a deal in a stage that requires a field (plain HTML, new tab).

use anyhow::ensure;
use sandbox::seed::{FIELD_BUDGET_CONFIRMED, PIPELINE_SALES, STATUS_NEGOTIATION, TICKET_ONE_MATCH};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

const DEAL: &str = "Nimbus 2001 — spare brooms";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_is_told_which_field_the_stage_requires_and_then_creates_the_deal()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block, and the new-deal form opened from it in a new tab.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let preview = e2e.preview_tab().await?;
        let harry = e2e.open_contact("Harry Potter").await?;
        let new_deal = harry
            .find(fantoccini::Locator::XPath(
                ".//a[contains(normalize-space(.), 'New deal')]",
            ))
            .await?;
        e2e.browser.click_to_new_tab(&new_deal).await?;
        let budget_field = format!("[name='cf:{FIELD_BUDGET_CONFIRMED}']");

        // Act: Sales → Negotiation, where "Budget confirmed" is required, with that field left empty.
        e2e.browser
            .css("input[name=name]")
            .await?
            .send_keys(DEAL)
            .await?;
        e2e.browser
            .css("input[name=price]")
            .await?
            .send_keys("72000")
            .await?;
        e2e.browser
            .css("select[name=stage]")
            .await?
            .select_by_value(&format!("{PIPELINE_SALES}:{STATUS_NEGOTIATION}"))
            .await?;
        e2e.browser
            .css("form.form .actions button[type=submit]")
            .await?
            .click()
            .await?;
        let refused = e2e
            .browser
            .class_with_text("alert-danger", "Budget confirmed")
            .await?
            .text()
            .await?;
        let kept_name = e2e
            .browser
            .css("input[name=name]")
            .await?
            .prop("value")
            .await?;
        let marked = e2e
            .browser
            .css(&format!(".field.invalid {budget_field}"))
            .await
            .is_ok();
        let posted_before_filling = e2e.stack.amocrm_calls("POST /api/v4/leads");
        shots::save(
            &e2e.browser,
            "05-deal-form-required.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;

        // Act: fill it and submit again.
        e2e.browser
            .css(&budget_field)
            .await?
            .send_keys("72000")
            .await?;
        e2e.browser
            .css("form.form .actions button[type=submit]")
            .await?
            .click()
            .await?;
        // The new deal's card is where the form ends.
        let card = e2e.browser.text_of("h1.deal-title").await?;
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.reload_block().await?;

        // Assert: the form named the missing field and kept what was typed, nothing reached amoCRM until it
        // was filled, then exactly one deal was created and the block lists it in its stage.
        ensure!(
            refused.contains("Budget confirmed"),
            "the errors say: {refused}"
        );
        ensure!(
            kept_name.as_deref() == Some(DEAL),
            "the refused form kept the name {kept_name:?}"
        );
        ensure!(marked, "the empty required field is not marked invalid");
        ensure!(
            posted_before_filling == 0,
            "amoCRM received {posted_before_filling} deals before the field was filled"
        );
        ensure!(
            card.contains(DEAL),
            "the form ended on the card of “{card}”"
        );
        let posted = e2e.stack.amocrm_calls("POST /api/v4/leads");
        ensure!(posted == 1, "amoCRM received {posted} deal creations");
        let deal = e2e
            .browser
            .class_with_text("uda-deal", DEAL)
            .await?
            .text()
            .await?;
        ensure!(
            deal.contains("Negotiation"),
            "the new deal is not in Negotiation: {deal}"
        );
        ensure!(
            deal.contains("₽72,000"),
            "the new deal lacks its price: {deal}"
        );
        let block = e2e.browser.text_of(BLOCK).await?;
        ensure!(
            block.contains("Firebolt Supreme — team order"),
            "Harry's other deals are gone: {block}"
        );
        Ok(())
    })
    .await
}
