//! Writes in place from the block — one-click "Add to amoCRM" and a deal's quick comment — with the reason
//! beside the button when amoCRM refuses; the same forms without JavaScript, which end on a page that shows
//! the result; and forms that keep what was typed when amoCRM does not take the write.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::{LEAD_HARRY_FIREBOLT, TICKET_NO_MATCH, TICKET_ONE_MATCH};
use sandbox::{FaultMode, Faults};

use crate::support::E2e;
use crate::support::browser::{has_class, literal};
use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame, WINDOW};

const FIREBOLT: &str = "Firebolt Supreme — team order";
const COMMENT: &str = "Harry asked to deliver the brooms before the first match.";

/// The next write to `path` (a prefix) fails with `mode`, once.
fn fail_next(e2e: &E2e, path: &str, mode: FaultMode) {
    e2e.stack.sandbox.set_faults(Faults {
        mode,
        for_next: Some(1),
        only_path_prefix: Some(path.to_owned()),
    });
}

/// Whether the block is wider than Usedesk's sidebar gives it (a horizontal scroll bar).
async fn block_overflows(e2e: &E2e) -> anyhow::Result<bool> {
    let overflow = e2e
        .browser
        .client
        .execute(
            "var b = document.querySelector('.dynamic-block'); var u = b.querySelector('.uda-block'); \
             return Math.max(b.scrollWidth - b.clientWidth, u.scrollWidth - u.clientWidth);",
            vec![],
        )
        .await
        .context("measuring the block")?;
    Ok(overflow.as_f64().unwrap_or(0.0) > 0.5)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_adds_the_client_in_one_click_and_the_block_shows_the_new_contact_marked()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Luna's ticket matches no contact.
        e2e.open_preview(TICKET_NO_MATCH, "en").await?;
        e2e.log_in().await?;
        ensure!(
            !block_overflows(e2e).await?,
            "the empty block scrolls sideways"
        );
        shots::save(
            &e2e.browser,
            "10-one-click-add.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;

        // Act: one click; the inline handler posts it and reloads the block.
        let add = e2e.browser.control("uda-block", "Add to amoCRM").await?;
        e2e.browser.mark_block().await?;
        add.click().await.context("clicking Add to amoCRM")?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after Add")?;

        // Assert: one contact created from the ticket's data, shown (marked new) in the same tab.
        let names = e2e.contact_names().await?;
        ensure!(
            names == ["Luna Lovegood"],
            "after Add the block shows {names:?}"
        );
        let created = e2e.stack.amocrm_calls("POST /api/v4/contacts");
        ensure!(created == 1, "amoCRM received {created} contact creations");
        ensure!(
            e2e.browser
                .exists(&format!("{BLOCK} .uda-contact-new .uda-badge-new"))
                .await?,
            "the new contact is not marked new"
        );
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "Add opened a tab instead of acting in place"
        );
        ensure!(
            !block_overflows(e2e).await?,
            "the block scrolls sideways after Add"
        );
        shots::save(
            &e2e.browser,
            "11-after-one-click-add.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_comment_refused_says_why_beside_the_button_keeps_the_text_and_then_goes_through()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's block, the Firebolt deal's quick comment unfolded and typed in; amoCRM will
        // refuse the next note (its subscription ended).
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let form = e2e.quick_comment(FIREBOLT).await?;
        form.find(Locator::Css("textarea"))
            .await?
            .send_keys(COMMENT)
            .await?;
        fail_next(
            e2e,
            &format!("/api/v4/leads/{LEAD_HARRY_FIREBOLT}/notes"),
            FaultMode::PaymentRequired,
        );

        // Act: post it.
        form.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let why = e2e
            .browser
            .css(&format!(
                "{BLOCK} .uda-quick-comment .uda-inplace-error:not([hidden])"
            ))
            .await
            .context("waiting for the reason beside the button")?
            .text()
            .await?;
        let kept = form
            .find(Locator::Css("textarea"))
            .await?
            .prop("value")
            .await?;
        let enabled = form
            .find(Locator::Css("button[type=submit]"))
            .await?
            .attr("disabled")
            .await?
            .is_none();
        let overflows = block_overflows(e2e).await?;
        shots::save(
            &e2e.browser,
            "12-quick-comment-refused.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;

        // Act: send it again with the same button, now that amoCRM takes it.
        e2e.browser.mark_block().await?;
        form.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after the comment")?;

        // Assert: the reason in words, the text and the button kept, no tab, and the note in amoCRM once.
        ensure!(
            why.contains("subscription"),
            "the reason beside the button: {why}"
        );
        ensure!(
            kept.as_deref() == Some(COMMENT),
            "the textarea kept {kept:?}"
        );
        ensure!(enabled, "the button stayed disabled");
        ensure!(
            !overflows,
            "the block scrolls sideways with the reason shown"
        );
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "the comment opened a tab"
        );
        let notes = e2e.stack.sandbox_notes(LEAD_HARRY_FIREBOLT).await?;
        let posted = notes
            .iter()
            .filter(|n| n["params"]["text"] == COMMENT)
            .count();
        ensure!(posted == 1, "amoCRM has {posted} such notes: {notes:?}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_inline_handlers_a_quick_comment_ends_on_the_deal_card_with_the_comment_on_top()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: the block as Usedesk shows it where inline handlers are stripped.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        e2e.browser
            .client
            .execute(
                "document.querySelectorAll('.dynamic-block [onsubmit]').forEach(function (f) { f.removeAttribute('onsubmit'); });",
                vec![],
            )
            .await?;
        let form = e2e.quick_comment(FIREBOLT).await?;
        form.find(Locator::Css("textarea")).await?.send_keys(COMMENT).await?;

        // Act: the form posts in a new tab.
        let submit = form.find(Locator::Css("button[type=submit]")).await?;
        e2e.browser.click_to_new_tab(&submit).await?;

        // Assert: the deal's card, the comment the newest entry of its feed, the comment box above it.
        let title = e2e.browser.text_of("h1.deal-title").await?;
        let newest = e2e.browser.text_of("ol.feed > li.feed-item").await?;
        let box_first = e2e
            .browser
            .client
            .execute(
                "var c = document.querySelector('form.comment-form'), f = document.querySelector('ol.feed'); \
                 return !!(c && f && (c.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING));",
                vec![],
            )
            .await?;
        ensure!(title.contains(FIREBOLT), "the comment ended on “{title}”");
        ensure!(newest.contains(COMMENT), "the newest feed entry: {newest}");
        ensure!(box_first == serde_json::Value::Bool(true), "the comment box is not above the feed");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_on_the_card_that_amocrm_does_not_take_is_kept_and_sent_with_retry()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's Firebolt card in a new tab; amoCRM will fail the next note with a server error.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let deal = e2e
            .browser
            .xpath(&format!(
                "//*[{}]//a[{}][normalize-space(.) = {}]",
                has_class("uda-block"),
                has_class("uda-deal-name"),
                literal(FIREBOLT)
            ))
            .await?;
        e2e.browser.click_to_new_tab(&deal).await?;
        e2e.browser.css("form.comment-form textarea[name=text]").await?.send_keys(COMMENT).await?;
        fail_next(
            e2e,
            &format!("/api/v4/leads/{LEAD_HARRY_FIREBOLT}/notes"),
            FaultMode::ServerError,
        );

        // Act: post it; the card comes back saying why.
        e2e.browser.css("form.comment-form button[type=submit]").await?.click().await?;
        let banner = e2e.browser.css("#errors .alert-warning").await?.text().await?;
        let kept = e2e.browser.css("form.comment-form textarea").await?.prop("value").await?;
        let scrolled_to_banner = e2e.browser.client.current_url().await?.fragment() == Some("errors");
        shots::save(&e2e.browser, "13-comment-kept.png", "main.sheet", Frame::FirstScreen).await?;
        e2e.browser.client.set_window_size(320, WINDOW.1).await?;
        shots::save(&e2e.browser, "13b-comment-kept-320.png", "main.sheet", Frame::FirstScreen)
            .await?;
        let page_overflows = e2e
            .browser
            .client
            .execute(
                "var root = document.documentElement;
                 if (root.scrollWidth <= root.clientWidth) { return []; }
                 return Array.from(document.querySelectorAll('body *'))
                   .filter(function (e) { return e.getBoundingClientRect().right > root.clientWidth + 0.5; })
                   .slice(0, 5)
                   .map(function (e) { return e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40); });",
                vec![],
            )
            .await?;
        e2e.browser.client.set_window_size(WINDOW.0, WINDOW.1).await?;

        // Act: Retry.
        e2e.browser.control("alert-warning", "Try again").await?.click().await?;
        e2e.browser
            .xpath(&format!(
                "//ol[{}]/li[1][contains(., {})]",
                has_class("feed"),
                literal(COMMENT)
            ))
            .await
            .context("waiting for the card with the comment on top")?;

        // Assert
        ensure!(banner.contains("did not answer"), "the banner says: {banner}");
        ensure!(kept.as_deref() == Some(COMMENT), "the comment box kept {kept:?}");
        ensure!(scrolled_to_banner, "the page did not open at the banner");
        ensure!(page_overflows == serde_json::json!([]), "the card scrolls sideways at 320 px: {page_overflows}");
        let notes = e2e.stack.sandbox_notes(LEAD_HARRY_FIREBOLT).await?;
        let posted = notes.iter().filter(|n| n["params"]["text"] == COMMENT).count();
        ensure!(posted == 1, "amoCRM has {posted} such notes");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_amocrm_refuses_keeps_every_value_and_once_created_leads_to_its_first_deal()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Luna's prefilled form, opened with "Edit before adding"; a second e-mail typed in.
        e2e.open_preview(TICKET_NO_MATCH, "en").await?;
        e2e.log_in().await?;
        let edit = e2e
            .browser
            .control("uda-block", "Edit before adding")
            .await?;
        e2e.browser.click_to_new_tab(&edit).await?;
        let emails = e2e
            .browser
            .client
            .find_all(Locator::Css("input[name=email]"))
            .await?;
        let extra = emails.last().context("an empty e-mail line")?;
        extra.send_keys("luna@rook.example").await?;
        fail_next(e2e, "/api/v4/contacts", FaultMode::ServerError);

        // Act: submit; amoCRM fails it.
        e2e.browser
            .css("form.form .actions button[type=submit]")
            .await?
            .click()
            .await?;
        let banner = e2e
            .browser
            .css("#errors .alert-warning")
            .await?
            .text()
            .await?;
        let mut kept = Vec::new();
        for input in e2e
            .browser
            .client
            .find_all(Locator::Css(
                "form.form input[type=email], form.form input[name=name]",
            ))
            .await?
        {
            kept.push(input.prop("value").await?.unwrap_or_default());
        }
        shots::save(
            &e2e.browser,
            "14-contact-kept.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;

        // Act: Retry, then "New deal for this contact".
        e2e.browser
            .control("alert-warning", "Try again")
            .await?
            .click()
            .await?;
        let created = e2e
            .browser
            .class_with_text(
                "sheet",
                "The contact “Luna Lovegood” has been created in amoCRM.",
            )
            .await?
            .text()
            .await?;
        shots::save(
            &e2e.browser,
            "15-contact-created.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;
        e2e.browser
            .control("sheet", "New deal for this contact")
            .await?
            .click()
            .await?;
        let deal_form = e2e.browser.css("input[name=name]").await.is_ok();

        // Assert
        ensure!(
            banner.contains("did not answer"),
            "the banner says: {banner}"
        );
        for value in [
            "Luna Lovegood",
            "luna.lovegood@quibbler.example",
            "luna@rook.example",
        ] {
            ensure!(
                kept.iter().any(|k| k == value),
                "the form lost {value}: {kept:?}"
            );
        }
        ensure!(
            created.contains("luna@rook.example"),
            "the created contact shows: {created}"
        );
        ensure!(
            deal_form,
            "“New deal for this contact” did not open the deal form"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deal_amocrm_does_not_take_keeps_every_value_and_retry_ends_on_its_card()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's new-deal form opened from the block, filled in; amoCRM will fail the next write.
        const DEAL: &str = "Quaffle set — spare balls";
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let harry = e2e.open_contact("Harry Potter").await?;
        let new_deal = harry
            .find(Locator::XPath(
                ".//a[contains(normalize-space(.), 'New deal')]",
            ))
            .await?;
        e2e.browser.click_to_new_tab(&new_deal).await?;
        // The name comes prefilled with the ticket's subject; the agent writes their own.
        let name = e2e.browser.css("input[name=name]").await?;
        name.clear().await?;
        name.send_keys(DEAL).await?;
        e2e.browser
            .css("input[name=price]")
            .await?
            .send_keys("1250")
            .await?;
        fail_next(e2e, "/api/v4/leads", FaultMode::ServerError);

        // Act: submit; amoCRM fails it.
        e2e.browser
            .css("form.form .actions button[type=submit]")
            .await?
            .click()
            .await?;
        let banner = e2e
            .browser
            .css("#errors .alert-warning")
            .await?
            .text()
            .await?;
        let name = e2e
            .browser
            .css("input[name=name]")
            .await?
            .prop("value")
            .await?;
        let price = e2e
            .browser
            .css("input[name=price]")
            .await?
            .prop("value")
            .await?;
        let posted_before = e2e.stack.amocrm_calls("POST /api/v4/leads");

        // Act: Retry.
        e2e.browser
            .control("alert-warning", "Try again")
            .await?
            .click()
            .await?;
        let card = e2e.browser.text_of("h1.deal-title").await?;

        // Assert
        ensure!(
            banner.contains("did not answer"),
            "the banner says: {banner}"
        );
        ensure!(name.as_deref() == Some(DEAL), "the name kept is {name:?}");
        ensure!(
            price.as_deref() == Some("1250"),
            "the budget kept is {price:?}"
        );
        ensure!(
            posted_before == 1,
            "amoCRM received {posted_before} deals before Retry"
        );
        ensure!(card.contains(DEAL), "Retry ended on the card of “{card}”");
        Ok(())
    })
    .await
}
