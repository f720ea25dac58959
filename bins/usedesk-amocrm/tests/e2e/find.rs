//! The agent's own search: in a ticket whose client matches nothing, a phone typed another way than amoCRM
//! stores it finds the contact, Link on the results page binds the client, and the reloaded block shows it —
//! offering the ticket's phone the contact lacks, which one click adds in place.

use anyhow::{Context as _, ensure};
use sandbox::seed::TICKET_NO_MATCH;

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_finds_a_contact_by_a_phone_written_differently_links_it_and_adds_the_tickets_phone()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Luna's ticket matches no contact; the block offers the search first.
        e2e.open_preview(TICKET_NO_MATCH, "en").await?;
        e2e.log_in().await?;
        ensure!(
            e2e.contact_names().await?.is_empty(),
            "the block shows contacts already"
        );
        let preview = e2e.preview_tab().await?;

        // Act: search for Harry's "+7 (916) 123-45-67" typed as a Russian trunk number, then Link him.
        e2e.browser
            .css(&format!("{BLOCK} form.uda-search input[name=q]"))
            .await?
            .send_keys("8 916 1234567")
            .await?;
        let search = e2e.browser.control("uda-search", "Search").await?;
        e2e.browser.click_to_new_tab(&search).await?;
        let exact = e2e
            .browser
            .class_with_text("search-hit", "Harry Potter")
            .await?
            .text()
            .await?;
        shots::save(
            &e2e.browser,
            "17-search.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;
        let link = e2e.browser.control("search-hit", "Link").await?;
        link.click().await.context("clicking Link")?;
        e2e.browser
            .class_with_text("sheet", "The client is now linked")
            .await
            .context("the Link page did not say it was done")?;
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.reload_block().await?;

        // Assert: the search found Harry as an exact match, and the block now shows him, linked.
        ensure!(exact.contains("Exact match"), "the result says: {exact}");
        let names = e2e.contact_names().await?;
        ensure!(
            names == ["Harry Potter"],
            "after the reload the block shows {names:?}"
        );
        ensure!(
            e2e.browser
                .exists(&format!("{BLOCK} .uda-badge-linked"))
                .await?,
            "Harry is not marked linked"
        );

        // Then: Luna's ticket has a phone Harry lacks; the block offers it, and adding it in place keeps his own.
        let add = e2e
            .browser
            .control("uda-contact-linked", "Add +44 20 7946 0321 to this contact")
            .await?;
        e2e.browser.mark_block().await?;
        add.click().await.context("clicking Add")?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after adding the phone")?;
        let harry = e2e
            .browser
            .text_of(&format!("{BLOCK} .uda-contact-linked"))
            .await?;
        ensure!(
            harry.contains("+44 20 7946 0321") && harry.contains("+7 916 123-45-67"),
            "Harry shows: {harry}"
        );
        ensure!(
            !harry.contains("Add +44 20 7946 0321"),
            "the phone is still offered: {harry}"
        );
        let patches = e2e.stack.amocrm_calls("PATCH /api/v4/contacts/{id}");
        ensure!(patches == 1, "amoCRM received {patches} contact changes");
        Ok(())
    })
    .await
}
