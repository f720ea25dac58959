//! The preview page, which imitates Usedesk's ticket card: picking a sample ticket and a language,
//! reloading the block, and logging in to amoCRM from it.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use fantoccini::elements::Element;
use fantoccini::wd::WindowHandle;

use super::E2e;
use super::browser::{has_class, literal};

/// The block as the preview shows it, inside Usedesk's wrapper.
pub const BLOCK: &str = ".dynamic-block .uda-block";

impl E2e {
    /// The quick comment of the deal called `deal`, unfolded; its form.
    pub async fn quick_comment(&self, deal: &str) -> anyhow::Result<Element> {
        let fold = self
            .browser
            .xpath(&format!(
                "//li[{}][.//*[{}][normalize-space(.) = {}]]//details[{}]",
                has_class("uda-deal"),
                has_class("uda-deal-name"),
                literal(deal),
                has_class("uda-quick-comment")
            ))
            .await
            .with_context(|| format!("finding the quick comment of {deal}"))?;
        fold.find(Locator::Css("summary")).await?.click().await?;
        fold.find(Locator::Css("form"))
            .await
            .context("the quick comment's form")
    }

    /// Opens the preview page and shows the block for `ticket` in language `lang` (`en`, `es`, `pt`, `ru`).
    pub async fn open_preview(&self, ticket: i64, lang: &str) -> anyhow::Result<()> {
        let browser = &self.browser;
        browser
            .client
            .goto(&self.stack.preview_url)
            .await
            .context("opening the preview page")?;
        // The page renders its first sample on load; waiting for it keeps that render from replacing ours.
        browser
            .css(BLOCK)
            .await
            .context("waiting for the preview's first render")?;
        self.choose("uda-lang", lang).await?;
        self.choose_ticket(ticket).await
    }

    /// Picks another sample ticket in the preview and waits for its block.
    pub async fn choose_ticket(&self, ticket: i64) -> anyhow::Result<()> {
        let option = self
            .browser
            .xpath(&format!(
                "//select[@id='uda-sample']/option[starts-with(normalize-space(.), {})]",
                literal(&format!("#{ticket} "))
            ))
            .await
            .with_context(|| format!("finding the sample ticket #{ticket}"))?;
        let value = option
            .attr("value")
            .await?
            .context("a sample option without a value")?;
        self.choose("uda-sample", &value).await
    }

    /// Picks the language of the block in the preview and waits for the block in that language.
    pub async fn choose_language(&self, lang: &str) -> anyhow::Result<()> {
        self.choose("uda-lang", lang).await?;
        let shown = self.browser.css(BLOCK).await?.attr("lang").await?;
        ensure!(
            shown.as_deref() == Some(lang),
            "the block says it is in {shown:?}, not {lang}"
        );
        Ok(())
    }

    /// Sets one of the preview's pickers; when the value changes, the page renders the block again.
    async fn choose(&self, select: &str, value: &str) -> anyhow::Result<()> {
        let browser = &self.browser;
        let picker = browser.css(&format!("#{select}")).await?;
        if picker.prop("value").await?.as_deref() == Some(value) {
            return Ok(());
        }
        browser.mark_block().await?;
        picker
            .select_by_value(value)
            .await
            .with_context(|| format!("choosing {value} in #{select}"))?;
        browser.fresh_block().await?;
        Ok(())
    }

    /// Clicks the wrapper's reload link, as the agent does after an action in a new tab, and waits for the
    /// block to be rendered again.
    pub async fn reload_block(&self) -> anyhow::Result<()> {
        let browser = &self.browser;
        browser.mark_block().await?;
        browser
            .css(".dynamic-block a.block-reload-button")
            .await?
            .click()
            .await
            .context("clicking reload")?;
        browser.fresh_block().await?;
        Ok(())
    }

    /// The preview's tab.
    pub async fn preview_tab(&self) -> anyhow::Result<WindowHandle> {
        Ok(self.browser.client.window().await?)
    }

    /// Logs in to amoCRM from the block shown now: "Login to amoCRM" opens a tab with the service's
    /// confirmation page (naming the Usedesk account and the amoCRM account), "Continue to amoCRM" leads to
    /// amoCRM's consent page, "Allow" to the success page; then back in the preview the block is reloaded.
    pub async fn log_in(&self) -> anyhow::Result<()> {
        let browser = &self.browser;
        let preview = self.preview_tab().await?;
        let login = browser.control("uda-block", "Login to amoCRM").await?;
        browser.click_to_new_tab(&login).await?;
        let continue_button = browser
            .control("sheet", "Continue to amoCRM")
            .await
            .context("waiting for the login confirmation page")?;
        let confirmation = browser.text_of("main").await?;
        ensure!(
            confirmation.contains("Usedesk account of agents @hogwarts.example")
                && confirmation.contains("every agent of this Usedesk account"),
            "the confirmation page does not name the Usedesk account: {confirmation}"
        );
        continue_button
            .click()
            .await
            .context("clicking Continue to amoCRM")?;
        let allow = browser
            .css("#allow")
            .await
            .context("waiting for amoCRM's consent page")?;
        let consent = browser.text_of("body").await?;
        ensure!(
            consent.contains(sandbox::seed::ACCOUNT_NAME),
            "the consent page does not name the account: {consent}"
        );
        allow.click().await.context("clicking Allow")?;
        browser
            .class_with_text("sheet", "You have successfully authorized!")
            .await
            .context("waiting for the success page")?;
        let success = browser.text_of("main").await?;
        ensure!(
            success.contains("@hogwarts.example"),
            "the success page does not name the Usedesk account: {success}"
        );
        browser.close_tab_back_to(preview).await?;
        self.reload_block().await
    }

    /// The names of the contacts the block shows, in order.
    pub async fn contact_names(&self) -> anyhow::Result<Vec<String>> {
        let mut names = Vec::new();
        for name in self
            .browser
            .client
            .find_all(Locator::Css(&format!("{BLOCK} .uda-contact-name")))
            .await?
        {
            names.push(name.text().await?.trim().to_owned());
        }
        Ok(names)
    }

    /// The block's `<details>` of the contact called `name`, opened so that its deals and buttons show.
    pub async fn open_contact(&self, name: &str) -> anyhow::Result<Element> {
        let browser = &self.browser;
        let contact = browser
            .xpath(&format!(
                "//details[{}][.//*[{}][normalize-space(.) = {}]]",
                has_class("uda-contact"),
                has_class("uda-contact-name"),
                literal(name)
            ))
            .await
            .with_context(|| format!("finding the contact {name} in the block"))?;
        if contact.attr("open").await?.is_none() {
            // The name, not the summary's centre: the centre can fall on the "open in amoCRM" link beside a
            // long name, and that opens amoCRM instead of the contact.
            contact
                .find(Locator::Css("summary .uda-contact-name"))
                .await?
                .click()
                .await?;
        }
        Ok(contact)
    }

    /// Opens every folded list of deals in the block ("Show all N", "N closed deals"), as an agent who wants
    /// to see them all would.
    pub async fn open_folds(&self) -> anyhow::Result<()> {
        for fold in self
            .browser
            .client
            .find_all(Locator::Css(&format!(
                "{BLOCK} details.uda-fold:not([open]) > summary"
            )))
            .await?
        {
            fold.click().await?;
        }
        Ok(())
    }
}
