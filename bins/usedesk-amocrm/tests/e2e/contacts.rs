//! Steps 2 and 3: adding the client of a ticket without a contact to amoCRM after editing it (plain HTML,
//! new tab), and linking one of several contacts and unlinking it (in place, and with the plain form). The
//! one-click add is in `inplace.rs`.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::{TICKET_NO_MATCH, TICKET_THREE_MATCHES};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_edits_the_client_of_a_ticket_without_a_contact_before_adding_it_to_amocrm()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Luna's ticket matches no contact.
        e2e.open_preview(TICKET_NO_MATCH, "en").await?;
        e2e.log_in().await?;
        let block = e2e.browser.text_of(BLOCK).await?;
        ensure!(
            block.contains("No data about this client in amoCRM yet."),
            "the block says: {block}"
        );
        ensure!(
            e2e.contact_names().await?.is_empty(),
            "the block shows contacts: {block}"
        );
        shots::save(
            &e2e.browser,
            "02-no-contact.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;
        let preview = e2e.preview_tab().await?;

        // Act: "Edit before adding" opens the prefilled form in a new tab; submit it as it is.
        let add = e2e
            .browser
            .control("uda-block", "Edit before adding")
            .await?;
        e2e.browser.click_to_new_tab(&add).await?;
        let name = e2e
            .browser
            .css("input[name=name]")
            .await?
            .prop("value")
            .await?;
        let phone = e2e
            .browser
            .css("input[name=phone]")
            .await?
            .prop("value")
            .await?;
        let email = e2e
            .browser
            .css("input[name=email]")
            .await?
            .prop("value")
            .await?;
        e2e.browser
            .css("form.form button[type=submit]")
            .await?
            .click()
            .await?;
        let done = e2e
            .browser
            .class_with_text(
                "sheet",
                "The contact “Luna Lovegood” has been created in amoCRM.",
            )
            .await?;
        let done_class = done.attr("class").await?.unwrap_or_default();
        let done_text = done.text().await?;
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.reload_block().await?;

        // Assert: the form was prefilled from the ticket, amoCRM got one contact, the ticket got a private
        // comment about it, and the block now shows Luna.
        ensure!(
            name.as_deref() == Some("Luna Lovegood"),
            "the name field held {name:?}"
        );
        ensure!(
            phone
                .as_deref()
                .is_some_and(|p| p.replace(' ', "").contains("+442079460321")),
            "the phone field held {phone:?}"
        );
        ensure!(
            email.as_deref() == Some("luna.lovegood@quibbler.example"),
            "the e-mail field held {email:?}"
        );
        ensure!(
            done_class.contains("outcome-success"),
            "the result page is not a success: {done_class}"
        );
        for shown in [
            "luna.lovegood@quibbler.example",
            "New deal for this contact",
            "Open in amoCRM",
        ] {
            ensure!(
                done_text.contains(shown),
                "the result page lacks “{shown}”: {done_text}"
            );
        }
        let created = e2e.stack.amocrm_calls("POST /api/v4/contacts");
        ensure!(created == 1, "amoCRM received {created} contact creations");
        let comments = e2e.stack.sandbox.usedesk_comments();
        ensure!(
            comments
                .iter()
                .any(|c| c.ticket_id == TICKET_NO_MATCH && c.message.contains("Luna Lovegood")),
            "the ticket got no comment about the new contact: {comments:?}"
        );
        let names = e2e.contact_names().await?;
        ensure!(
            names == ["Luna Lovegood"],
            "after the reload the block shows {names:?}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_links_one_of_three_contacts_in_place_and_unlinks_it_again() -> anyhow::Result<()>
{
    run(async |e2e| {
        // Arrange: the Weasleys' ticket matches three contacts, none linked.
        e2e.open_preview(TICKET_THREE_MATCHES, "en").await?;
        e2e.log_in().await?;
        let mut names = e2e.contact_names().await?;
        names.sort();
        ensure!(
            names == ["Arthur Weasley", "Molly Weasley", "Ron Weasley"],
            "the block shows {names:?}"
        );
        let block = e2e.browser.text_of(BLOCK).await?;
        ensure!(
            block.contains("3 contacts found"),
            "the block says: {block}"
        );
        ensure!(
            !e2e.browser
                .exists(&format!("{BLOCK} .uda-badge-linked"))
                .await?,
            "a contact is linked already"
        );
        shots::save(
            &e2e.browser,
            "04-three-contacts.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;

        // Act: "Link" on Molly; the inline handler posts it and reloads the block by itself.
        let molly = e2e.open_contact("Molly Weasley").await?;
        let link = molly
            .find(Locator::XPath(".//button[normalize-space(.) = 'Link']"))
            .await?;
        e2e.browser.mark_block().await?;
        link.click().await.context("clicking Link")?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after Link")?;

        // Assert: only Molly, marked linked, and no tab was opened.
        let names = e2e.contact_names().await?;
        ensure!(
            names == ["Molly Weasley"],
            "after Link the block shows {names:?}"
        );
        let badge = e2e
            .browser
            .text_of(&format!("{BLOCK} .uda-contact-linked .uda-badge-linked"))
            .await?;
        ensure!(badge == "Linked", "the badge says “{badge}”");
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "Link opened a tab instead of acting in place"
        );

        // Act: "Unlink", in place too.
        let unlink = e2e.browser.control("uda-contact-linked", "Unlink").await?;
        e2e.browser.mark_block().await?;
        unlink.click().await.context("clicking Unlink")?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after Unlink")?;

        // Assert: all three again, none linked.
        let mut names = e2e.contact_names().await?;
        names.sort();
        ensure!(
            names == ["Arthur Weasley", "Molly Weasley", "Ron Weasley"],
            "after Unlink the block shows {names:?}"
        );
        ensure!(
            !e2e.browser
                .exists(&format!("{BLOCK} .uda-badge-linked"))
                .await?,
            "a contact is still linked"
        );
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "Unlink opened a tab instead of acting in place"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_works_as_a_plain_form_in_a_new_tab_where_inline_handlers_do_not_run()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: the block as Usedesk shows it where inline handlers are stripped.
        e2e.open_preview(TICKET_THREE_MATCHES, "en").await?;
        e2e.log_in().await?;
        e2e.browser
            .client
            .execute(
                "document.querySelectorAll('.dynamic-block [onsubmit]').forEach(function (f) { f.removeAttribute('onsubmit'); });",
                vec![],
            )
            .await?;
        let preview = e2e.preview_tab().await?;
        let arthur = e2e.open_contact("Arthur Weasley").await?;
        let link = arthur.find(Locator::XPath(".//button[normalize-space(.) = 'Link']")).await?;

        // Act: the form posts to the service's page in a new tab; the agent comes back and reloads the block.
        e2e.browser.click_to_new_tab(&link).await?;
        let done = e2e.browser.css("main.sheet").await?;
        let done_text = done.text().await?;
        let done_class = done.attr("class").await?.unwrap_or_default();
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.reload_block().await?;

        // Assert
        ensure!(done_class.contains("outcome-success"), "the result page is not a success: {done_text}");
        ensure!(done_text.contains("linked"), "the result page says: {done_text}");
        let names = e2e.contact_names().await?;
        ensure!(names == ["Arthur Weasley"], "after Link the block shows {names:?}");
        ensure!(e2e.browser.exists(&format!("{BLOCK} .uda-badge-linked")).await?, "Arthur is not marked linked");
        Ok(())
    })
    .await
}
