//! A contact's company in the block — its name, link and its own open deals — and a new contact attached to an
//! existing company from the contact form (plain HTML, new tab).

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::{TICKET_NO_MATCH, TICKET_THREE_MATCHES};

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

/// Links Arthur Weasley, one of the three contacts of the Weasleys' ticket, in place: from then on he is shown
/// alone, with his company.
async fn link_arthur(e2e: &crate::support::E2e) -> anyhow::Result<()> {
    let arthur = e2e.open_contact("Arthur Weasley").await?;
    let link = arthur
        .find(Locator::XPath(".//button[normalize-space(.) = 'Link']"))
        .await?;
    e2e.browser.mark_block().await?;
    link.click().await.context("clicking Link")?;
    e2e.browser
        .fresh_block()
        .await
        .context("the block did not reload itself after Link")?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_with_a_company_shows_the_company_and_its_deals() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Arthur's company, the Ministry of Magic, shares his Ford Anglia deal and has one of its own.
        e2e.open_preview(TICKET_THREE_MATCHES, "en").await?;
        e2e.log_in().await?;
        link_arthur(e2e).await?;

        // Act
        let company = e2e
            .browser
            .text_of(&format!("{BLOCK} .uda-company"))
            .await?;
        let own = e2e
            .browser
            .text_of(&format!("{BLOCK} .uda-company-deals"))
            .await?;
        shots::save(
            &e2e.browser,
            "21-company.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;
        let deal = e2e
            .browser
            .css(&format!("{BLOCK} .uda-company-deal a"))
            .await?;
        let preview = e2e.preview_tab().await?;
        e2e.browser.click_to_new_tab(&deal).await?;
        let card = e2e.browser.text_of("main").await?;
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.choose_language("ru").await?;
        let russian = e2e
            .browser
            .text_of(&format!("{BLOCK} .uda-company"))
            .await?;
        shots::save(
            &e2e.browser,
            "21b-company-ru.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;

        // Assert: the company's name, and under it only its own open deal (the shared one is Arthur's, above),
        // whose name opens its card.
        ensure!(
            company.contains("Ministry of Magic"),
            "the company line says: {company}"
        );
        ensure!(
            own.contains("Muggle Protection Act consultancy") && own.contains("Negotiation"),
            "the company's deals say: {own}"
        );
        ensure!(
            !own.contains("Flying Ford Anglia spare parts"),
            "the shared deal is listed under the company too: {own}"
        );
        ensure!(
            card.contains("Muggle Protection Act consultancy"),
            "the card shows: {card}"
        );
        ensure!(
            russian.contains("Компания") && russian.contains("Muggle Protection Act consultancy"),
            "in Russian the company line says: {russian}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_creates_a_contact_attached_to_an_existing_company() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Luna's ticket matches no contact.
        e2e.open_preview(TICKET_NO_MATCH, "en").await?;
        e2e.log_in().await?;
        let preview = e2e.preview_tab().await?;

        // Act: the form in a new tab, with the company typed as the agent remembers it.
        let add = e2e
            .browser
            .control("uda-block", "Edit before adding")
            .await?;
        e2e.browser.click_to_new_tab(&add).await?;
        e2e.browser
            .css("input[name=company]")
            .await?
            .send_keys("  ministry of magic ")
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
                "The contact is linked to the company “Ministry of Magic”.",
            )
            .await?
            .text()
            .await?;
        shots::save(
            &e2e.browser,
            "22-contact-with-company.png",
            "main.sheet",
            Frame::Whole,
        )
        .await?;
        e2e.browser.close_tab_back_to(preview).await?;
        e2e.reload_block().await?;

        // Assert: one contact, no new company, one link; the block shows Luna with the Ministry and its deal.
        ensure!(
            done.contains("Luna Lovegood"),
            "the result page says: {done}"
        );
        let contacts = e2e.stack.amocrm_calls("POST /api/v4/contacts");
        ensure!(
            contacts == 1,
            "amoCRM received {contacts} contact creations"
        );
        let companies = e2e.stack.amocrm_calls("POST /api/v4/companies");
        ensure!(
            companies == 0,
            "amoCRM received {companies} company creations"
        );
        let links = e2e.stack.amocrm_calls("POST /api/v4/contacts/{id}/link");
        ensure!(links == 1, "amoCRM received {links} contact links");
        let company = e2e
            .browser
            .text_of(&format!("{BLOCK} .uda-company"))
            .await?;
        ensure!(
            company.contains("Ministry of Magic")
                && company.contains("Muggle Protection Act consultancy")
                && company.contains("Flying Ford Anglia spare parts"),
            "the block's company line says: {company}"
        );
        Ok(())
    })
    .await
}
