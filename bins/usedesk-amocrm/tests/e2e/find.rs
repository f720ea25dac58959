//! The agent's own search: in a ticket whose client matches nothing, a phone typed another way than amoCRM
//! stores it finds the contact, Link on the results page binds the client, and the reloaded block shows it.

use anyhow::{Context as _, ensure};
use sandbox::seed::TICKET_NO_MATCH;

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_finds_a_contact_by_a_phone_written_differently_and_links_it() -> anyhow::Result<()>
{
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
        Ok(())
    })
    .await
}
