//! A thin layer over fantoccini: bounded waits for elements and texts, tabs, and the block's own reloads.

use std::time::Duration;

use anyhow::{Context as _, bail};
use fantoccini::elements::Element;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, Locator};

/// How long any page state may take to appear. Generous for a 2-core machine under load; a passing
/// run waits far less.
pub const WAIT: Duration = Duration::from_secs(20);

/// How often a waited-for state is checked again.
const POLL: Duration = Duration::from_millis(50);

/// The attribute put on a block that has been seen, so that its replacement can be told apart.
const SEEN: &str = "data-e2e-seen";

/// The browser session of one test.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
}

impl Browser {
    /// Waits for the first element matching a CSS selector.
    pub async fn css(&self, css: &str) -> anyhow::Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for `{css}`"))
    }

    /// Waits for the first element matching an XPath expression.
    pub async fn xpath(&self, xpath: &str) -> anyhow::Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::XPath(xpath))
            .await
            .with_context(|| format!("waiting for `{xpath}`"))
    }

    /// Waits for an element of class `class` whose text contains `text`, and returns the innermost one.
    pub async fn class_with_text(&self, class: &str, text: &str) -> anyhow::Result<Element> {
        let test = format!(
            "{} and contains(normalize-space(.), {})",
            has_class(class),
            literal(text)
        );
        self.xpath(&format!("//*[{test}][not(descendant::*[{test}])]"))
            .await
            .with_context(|| format!("waiting for the text “{text}” in `.{class}`"))
    }

    /// Waits for a button or link whose text contains `label`, inside an element of class `within`.
    pub async fn control(&self, within: &str, label: &str) -> anyhow::Result<Element> {
        self.xpath(&format!(
            "//*[{}]//*[self::button or self::a or self::input[@type='submit']][contains(normalize-space(.), {label}) or @value={label}]",
            has_class(within),
            label = literal(label)
        ))
        .await
        .with_context(|| format!("waiting for the control “{label}” in `.{within}`"))
    }

    /// The text of the first element matching `css`, as the user sees it (hidden parts left out).
    pub async fn text_of(&self, css: &str) -> anyhow::Result<String> {
        Ok(self.css(css).await?.text().await?)
    }

    /// Whether any element matches `css` right now (no waiting).
    pub async fn exists(&self, css: &str) -> anyhow::Result<bool> {
        Ok(!self.client.find_all(Locator::Css(css)).await?.is_empty())
    }

    /// Polls `probe` until it gives a value, for at most [`WAIT`].
    pub async fn until<T>(
        &self,
        what: &str,
        mut probe: impl AsyncFnMut() -> anyhow::Result<Option<T>>,
    ) -> anyhow::Result<T> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(value) = probe().await? {
                return Ok(value);
            }
            if tokio::time::Instant::now() >= deadline {
                bail!("waited {WAIT:?} for {what}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks an element that opens a new tab (`target="_blank"`) and switches to that tab.
    pub async fn click_to_new_tab(&self, element: &Element) -> anyhow::Result<WindowHandle> {
        let before = self.client.windows().await?;
        element.click().await.context("clicking")?;
        let opened = self
            .until("a new tab to open", async || {
                let now = self.client.windows().await?;
                Ok(now.into_iter().find(|handle| !before.contains(handle)))
            })
            .await?;
        self.client.switch_to_window(opened.clone()).await?;
        Ok(opened)
    }

    /// Closes the current tab and goes back to `window`.
    pub async fn close_tab_back_to(&self, window: WindowHandle) -> anyhow::Result<()> {
        self.client
            .close_window()
            .await
            .context("closing the tab")?;
        self.client
            .switch_to_window(window)
            .await
            .context("switching back")?;
        Ok(())
    }

    /// How many tabs are open.
    pub async fn tab_count(&self) -> anyhow::Result<usize> {
        Ok(self.client.windows().await?.len())
    }

    /// Marks the block now shown, so [`fresh_block`](Self::fresh_block) can wait for the next one.
    pub async fn mark_block(&self) -> anyhow::Result<()> {
        self.client
            .execute(
                "var seen = arguments[0]; document.querySelectorAll('.dynamic-block .uda-block').forEach(function (b) { b.setAttribute(seen, ''); });",
                vec![serde_json::Value::from(SEEN)],
            )
            .await
            .context("marking the block")?;
        Ok(())
    }

    /// Waits for a block inserted after the last [`mark_block`](Self::mark_block).
    pub async fn fresh_block(&self) -> anyhow::Result<Element> {
        self.css(&format!(".dynamic-block .uda-block:not([{SEEN}])"))
            .await
            .context("waiting for the block to be rendered again")
    }

    /// What the user sees of the page now, for failure reports.
    pub async fn describe(&self) -> String {
        let url = match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(error) => format!("(no URL: {error})"),
        };
        let text = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(error) => format!("(no body: {error})"),
        };
        let text: String = text.chars().take(3000).collect();
        let picture = match self.save_failure_screenshot().await {
            Ok(path) => format!("screenshot: {}", path.display()),
            Err(error) => format!("(no screenshot: {error:#})"),
        };
        format!("the browser was at {url} ({picture}), showing:\n{text}")
    }

    /// Saves what the window shows as a PNG in the system's temporary directory, for the failure report.
    async fn save_failure_screenshot(&self) -> anyhow::Result<std::path::PathBuf> {
        let png = self.client.screenshot().await?;
        let file = tempfile::Builder::new()
            .prefix("e2e-failure-")
            .suffix(".png")
            .tempfile()?;
        let (_, path) = file.keep()?;
        std::fs::write(&path, png)?;
        Ok(path)
    }
}

/// An XPath test for one class among an element's classes.
pub fn has_class(class: &str) -> String {
    format!("contains(concat(' ', normalize-space(@class), ' '), ' {class} ')")
}

/// `text` as an XPath string literal, whatever quotes it contains.
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    if !text.contains('"') {
        return format!("\"{text}\"");
    }
    let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
    format!("concat({})", parts.join(", \"'\", "))
}
