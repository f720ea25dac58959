//! Step 4: creating a deal in a stage that requires a field (plain HTML, new tab).

use anyhow::ensure;
use sandbox::seed::{FIELD_BUDGET_CONFIRMED, PIPELINE_SALES, STATUS_NEGOTIATION, TICKET_ONE_MATCH};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame, WINDOW};

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

        // Act: Sales → Negotiation, where "Budget confirmed" is required, with that field left empty (the name
        // prefilled from the ticket's subject replaced).
        let name = e2e.browser.css("input[name=name]").await?;
        name.clear().await?;
        name.send_keys(DEAL).await?;
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

/// Whether the custom field `name` is on screen, and whether its `.field` is marked required for the chosen
/// stage.
async fn field_state(e2e: &crate::support::E2e, name: &str) -> anyhow::Result<(bool, bool)> {
    let input = e2e.browser.css(&format!("[name='{name}']")).await?;
    let shown = input.is_displayed().await?;
    let field = input
        .find(fantoccini::Locator::XPath(
            "./ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' field ')][1]",
        ))
        .await?;
    let class = field.attr("class").await?.unwrap_or_default();
    Ok((shown, class.split_whitespace().any(|c| c == "required-now")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choosing_a_stage_reveals_its_required_fields() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: the new-deal form for Harry, opened from his ticket's block.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let harry = e2e.open_contact("Harry Potter").await?;
        let new_deal = harry
            .find(fantoccini::Locator::XPath(
                ".//a[contains(normalize-space(.), 'New deal')]",
            ))
            .await?;
        e2e.browser.click_to_new_tab(&new_deal).await?;
        let budget = format!("cf:{FIELD_BUDGET_CONFIRMED}");
        let prefilled = e2e
            .browser
            .css("input[name=name]")
            .await?
            .prop("value")
            .await?;
        let before = field_state(e2e, &budget).await?;
        let folded = e2e.browser.text_of("details.more > summary").await?;
        shots::save(
            &e2e.browser,
            "05a-deal-form.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;

        // Act: choose Sales → Negotiation, then back to the first stage.
        let stage = e2e.browser.css("select[name=stage]").await?;
        let negotiation = format!("{PIPELINE_SALES}:{STATUS_NEGOTIATION}");
        let option = e2e
            .browser
            .css(&format!("select[name=stage] option[value='{negotiation}']"))
            .await?
            .text()
            .await?;
        stage.select_by_value(&negotiation).await?;
        let revealed = field_state(e2e, &budget).await?;
        let required = e2e
            .browser
            .css(&format!("[name='{budget}']"))
            .await?
            .attr("aria-required")
            .await?;
        if shots::enabled() {
            shots::save(
                &e2e.browser,
                "05b-deal-form-required-revealed.png",
                "main.sheet",
                Frame::FirstScreen,
            )
            .await?;
            e2e.browser.client.set_window_size(320, WINDOW.1).await?;
            shots::save(
                &e2e.browser,
                "05c-deal-form-required-revealed-320.png",
                "main.sheet",
                Frame::FirstScreen,
            )
            .await?;
            e2e.browser
                .client
                .set_window_size(WINDOW.0, WINDOW.1)
                .await?;
        }
        let first = e2e
            .browser
            .css("select[name=stage] option")
            .await?
            .attr("value")
            .await?
            .unwrap_or_default();
        stage.select_by_value(&first).await?;
        let after = field_state(e2e, &budget).await?;

        // Assert: named after the ticket; the stage's option says what it needs; the field, folded at first,
        // shows and is marked as soon as its stage is chosen, and folds back when another stage is.
        ensure!(
            prefilled.as_deref() == Some("Firebolt delivery date"),
            "the name is not the ticket's subject: {prefilled:?}"
        );
        ensure!(
            option.contains("Sales → Negotiation · needs Budget confirmed"),
            "the option says: {option}"
        );
        ensure!(
            folded.starts_with("More fields ("),
            "the fold says: {folded}"
        );
        ensure!(before == (false, false), "before choosing: {before:?}");
        ensure!(
            revealed == (true, true),
            "after choosing Negotiation: {revealed:?}"
        );
        ensure!(
            required.as_deref() == Some("true"),
            "aria-required is {required:?}"
        );
        ensure!(
            after == (false, false),
            "after choosing the first stage: {after:?}"
        );
        Ok(())
    })
    .await
}
