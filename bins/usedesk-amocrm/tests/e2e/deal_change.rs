//! Changing a deal from the block: moved to a stage that requires a field (asked for before anything is sent),
//! then closed as lost with a reason; the block shows each new stage. The block's stage select moves a deal in
//! place, and sends a stage that needs a field to the edit page; the card shows the contact's position and tags.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::{
    FIELD_BUDGET_CONFIRMED, FIELD_PARTNER_AGREEMENT, PIPELINE_PARTNERS, PIPELINE_SALES,
    STATUS_ACTIVE_PARTNER, STATUS_NEGOTIATION, STATUS_ONBOARDING, TICKET_ONE_MATCH,
};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

const DEAL: &str = "Hogsmeade partner programme";

/// Opens the deal's edit page from the block's "Change" link, in a new tab.
async fn open_change(e2e: &crate::support::E2e) -> anyhow::Result<()> {
    let harry = e2e.open_contact("Harry Potter").await?;
    let change = harry
        .find(Locator::XPath(&format!(
            ".//li[contains(@class, 'uda-deal')][.//*[normalize-space(.) = '{DEAL}']]\
             //a[contains(@class, 'uda-change')]"
        )))
        .await
        .context("the deal's Change link")?;
    e2e.browser.click_to_new_tab(&change).await?;
    e2e.browser.css("form.deal-edit-form").await?;
    Ok(())
}

/// Saves the edit page and waits for the deal card it ends on; the card's banner.
async fn save(e2e: &crate::support::E2e) -> anyhow::Result<String> {
    e2e.browser
        .css("form.deal-edit-form .actions button[type=submit]")
        .await?
        .click()
        .await?;
    e2e.browser.text_of("h1.deal-title").await?;
    e2e.browser.text_of(".alert-success").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_moves_a_deal_to_a_stage_that_needs_a_field_then_closes_it_as_lost_with_a_reason()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block; his partner programme deal is in Partners → Qualification.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let preview = e2e.preview_tab().await?;
        open_change(e2e).await?;
        let budget = format!("[name='cf:{FIELD_BUDGET_CONFIRMED}']");

        // Act: choose Sales → Negotiation, which requires "Budget confirmed", and save without it.
        e2e.browser
            .css("select[name=stage]")
            .await?
            .select_by_value(&format!("{PIPELINE_SALES}:{STATUS_NEGOTIATION}"))
            .await?;
        let asked = e2e.browser.css(&budget).await?.is_displayed().await?;
        let required = e2e
            .browser
            .css(&budget)
            .await?
            .attr("aria-required")
            .await?;
        let reason_hidden = !e2e
            .browser
            .css("select[name=loss_reason]")
            .await?
            .is_displayed()
            .await?;
        shots::save(
            &e2e.browser,
            "19-deal-change.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;
        e2e.browser
            .css("form.deal-edit-form .actions button[type=submit]")
            .await?
            .click()
            .await?;
        let refused = e2e
            .browser
            .class_with_text("alert-danger", "Budget confirmed")
            .await?
            .text()
            .await?;
        let patched_before = e2e.stack.amocrm_calls("PATCH /api/v4/leads/{id}");

        // Act: fill it and save.
        e2e.browser.css(&budget).await?.send_keys("30000").await?;
        let moved = save(e2e).await?;
        let moved_feed = e2e.browser.text_of("main.sheet").await?;
        e2e.browser.close_tab_back_to(preview.clone()).await?;
        e2e.reload_block().await?;
        let in_negotiation = e2e
            .browser
            .class_with_text("uda-deal", DEAL)
            .await?
            .text()
            .await?;

        // Act: change it again, to "Closed — lost" with a reason.
        open_change(e2e).await?;
        e2e.browser
            .css("select[name=stage]")
            .await?
            .select_by_value(&format!("{PIPELINE_SALES}:143"))
            .await?;
        let reason = e2e.browser.css("select[name=loss_reason]").await?;
        let reason_shown = reason.is_displayed().await?;
        reason.select_by_label("Too expensive").await?;
        let lost = save(e2e).await?;
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.reload_block().await?;
        e2e.open_folds().await?;
        let closed = e2e
            .browser
            .class_with_text("uda-deal", DEAL)
            .await?
            .text()
            .await?;

        // Assert: the field was asked for before anything was sent, each change reached amoCRM once and ended on
        // the card saying so, and the block showed each new stage.
        ensure!(asked, "choosing Negotiation did not show Budget confirmed");
        ensure!(
            required.as_deref() == Some("true"),
            "aria-required is {required:?}"
        );
        ensure!(reason_hidden, "the loss reason is shown for Negotiation");
        ensure!(
            refused.contains("Budget confirmed"),
            "the errors: {refused}"
        );
        ensure!(
            patched_before == 0,
            "amoCRM received {patched_before} changes before the field was filled"
        );
        ensure!(
            moved.contains("The deal was changed"),
            "the card says {moved}"
        );
        ensure!(
            in_negotiation.contains("Negotiation"),
            "the block shows: {in_negotiation}"
        );
        ensure!(reason_shown, "the loss reason is not shown for “lost”");
        ensure!(
            lost.contains("The deal was changed"),
            "the card says {lost}"
        );
        ensure!(
            closed.contains("Closed - lost"),
            "the block shows: {closed}"
        );
        ensure!(
            moved_feed.contains("Stage changed: Qualification → Negotiation"),
            "the card's feed: {moved_feed}"
        );
        let patched = e2e.stack.amocrm_calls("PATCH /api/v4/leads/{id}");
        ensure!(patched == 2, "amoCRM received {patched} deal changes");
        let block = e2e.browser.text_of(BLOCK).await?;
        ensure!(
            block.contains("Firebolt Supreme"),
            "Harry's other deals are gone: {block}"
        );
        Ok(())
    })
    .await
}

/// The stage select's form of the deal called `deal` in Harry's block.
async fn stage_form(
    e2e: &crate::support::E2e,
    deal: &str,
) -> anyhow::Result<fantoccini::elements::Element> {
    let harry = e2e.open_contact("Harry Potter").await?;
    harry
        .find(Locator::XPath(&format!(
            ".//li[contains(@class, 'uda-deal')][.//*[normalize-space(.) = '{deal}']]\
             //form[contains(@class, 'uda-stage-form')]"
        )))
        .await
        .with_context(|| format!("the stage select of {deal}"))
}

/// Chooses `stage` (`pipeline:status`) in the deal's stage select and presses "Move".
async fn move_to(e2e: &crate::support::E2e, stage: &str) -> anyhow::Result<()> {
    let form = stage_form(e2e, DEAL).await?;
    form.find(Locator::Css("select[name=stage]"))
        .await?
        .select_by_value(stage)
        .await?;
    form.find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stage_select_moves_a_deal_in_place_and_a_stage_needing_a_field_opens_the_edit_page_with_it_asked_for()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block; his partner programme deal is in Partners → Qualification.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let preview = e2e.preview_tab().await?;
        let tabs = e2e.browser.tab_count().await?;

        // Act: move it to "Active partner", which needs nothing; the block reloads in place.
        e2e.browser.mark_block().await?;
        move_to(e2e, &format!("{PIPELINE_PARTNERS}:{STATUS_ACTIVE_PARTNER}")).await?;
        e2e.browser.fresh_block().await?;
        let select = stage_form(e2e, DEAL)
            .await?
            .find(Locator::Css("select[name=stage]"))
            .await?;
        let chosen = select
            .find(Locator::Css("option:checked"))
            .await?
            .text()
            .await?;
        // The select wears the stage's colour, as the pill it stands in for does.
        let colour = select.attr("style").await?.unwrap_or_default();
        let patched = e2e.stack.amocrm_calls("PATCH /api/v4/leads/{id}");

        // Act: move it to "Onboarding", which needs the partner agreement: refused beside the select.
        move_to(e2e, &format!("{PIPELINE_PARTNERS}:{STATUS_ONBOARDING}")).await?;
        let said = e2e
            .browser
            .class_with_text("uda-inplace-error", "Partner agreement no.")
            .await?
            .text()
            .await?;
        shots::save(
            &e2e.browser,
            "23-stage-select.png",
            BLOCK,
            Frame::FirstScreen,
        )
        .await?;
        let refused_patches = e2e.stack.amocrm_calls("PATCH /api/v4/leads/{id}") - patched;
        let next = stage_form(e2e, DEAL)
            .await?
            .find(Locator::Css(".uda-inplace-next"))
            .await?;
        e2e.browser.click_to_new_tab(&next).await?;
        e2e.browser.css("form.deal-edit-form").await?;
        let stage = e2e
            .browser
            .css("select[name=stage] option:checked")
            .await?
            .text()
            .await?;
        let agreement = e2e
            .browser
            .css(&format!("[name='cf:{FIELD_PARTNER_AGREEMENT}']"))
            .await?;
        let asked = agreement.is_displayed().await?;
        let required = agreement.attr("aria-required").await?;
        e2e.browser.close_tab_back_to(preview).await?;

        // Assert: the first move reached amoCRM once and the block showed it without a new tab; the second was
        // refused before sending, said why beside the select, and its link opened the edit page at that stage
        // with the field asked for.
        ensure!(
            patched == 1,
            "amoCRM received {patched} changes for the first move"
        );
        ensure!(
            colour.contains("#87f2c0"),
            "the select is not in Active partner's colour: {colour}"
        );
        ensure!(chosen == "Active partner", "the select shows {chosen}");
        ensure!(
            e2e.browser.tab_count().await? == tabs,
            "the move opened a tab"
        );
        ensure!(
            said == "This stage needs: Partner agreement no.",
            "beside the select: {said}"
        );
        ensure!(
            refused_patches == 0,
            "amoCRM received {refused_patches} changes"
        );
        ensure!(stage.contains("Onboarding"), "the edit page chose {stage}");
        ensure!(
            asked,
            "the edit page does not ask for the partner agreement"
        );
        ensure!(
            required.as_deref() == Some("true"),
            "aria-required is {required:?}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_card_shows_the_contacts_position_and_tags() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let harry = e2e.open_contact("Harry Potter").await?;
        let deal = harry
            .find(Locator::XPath(&format!(
                ".//a[contains(@class, 'uda-deal-name')][normalize-space(.) = '{DEAL}']"
            )))
            .await?;

        // Act: open the deal's card.
        e2e.browser.click_to_new_tab(&deal).await?;
        let contacts = e2e.browser.text_of("ul.people").await?;

        // Assert
        for expected in [
            "Harry Potter",
            "Seeker",
            "VIP",
            "Quidditch",
            "harry.potter@hogwarts.example",
        ] {
            ensure!(
                contacts.contains(expected),
                "the card's contacts lack “{expected}”: {contacts}"
            );
        }
        Ok(())
    })
    .await
}
