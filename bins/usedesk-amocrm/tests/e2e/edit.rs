//! Keeping the contact in step with the ticket: once Arthur is linked to the Weasleys' ticket, the block offers
//! the ticket's e-mail he lacks; adding it in place keeps the e-mail he had. His company is shown too.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::TICKET_THREE_MATCHES;

use crate::support::preview::BLOCK;
use crate::support::run;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_adds_the_tickets_email_to_the_linked_contact_in_place() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: link Arthur, one of the three Weasleys the ticket matches.
        e2e.open_preview(TICKET_THREE_MATCHES, "en").await?;
        e2e.log_in().await?;
        let arthur = e2e.open_contact("Arthur Weasley").await?;
        let link = arthur
            .find(Locator::XPath(".//button[normalize-space(.) = 'Link']"))
            .await?;
        e2e.browser.mark_block().await?;
        link.click().await.context("clicking Link")?;
        e2e.browser.fresh_block().await?;

        // Act: the block offers the family e-mail Arthur lacks; add it in place.
        let add = e2e
            .browser
            .control(
                "uda-contact-linked",
                "Add weasleys@burrow.example to this contact",
            )
            .await?;
        e2e.browser.mark_block().await?;
        add.click().await.context("clicking Add")?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after adding the e-mail")?;

        // Assert: Arthur now has both e-mails, and the added one is no longer offered.
        let contact = e2e
            .browser
            .text_of(&format!("{BLOCK} .uda-contact-linked"))
            .await?;
        ensure!(
            contact.contains("weasleys@burrow.example")
                && contact.contains("arthur.weasley@ministry.example"),
            "Arthur shows: {contact}"
        );
        ensure!(
            !contact.contains("Add weasleys@burrow.example"),
            "the e-mail is still offered: {contact}"
        );
        ensure!(
            contact.contains("Ministry of Magic"),
            "Arthur's company is not shown: {contact}"
        );
        let patches = e2e.stack.amocrm_calls("PATCH /api/v4/contacts/{id}");
        ensure!(patches == 1, "amoCRM received {patches} contact changes");
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "adding the e-mail opened a tab instead of acting in place"
        );
        Ok(())
    })
    .await
}
