//! Screenshots of the main states for `docs/screenshots/`, taken when `E2E_SCREENSHOTS=1`.

use std::path::PathBuf;

use anyhow::{Context as _, ensure};
use fantoccini::actions::{InputSource as _, MouseActions, PointerAction};

use super::browser::Browser;

/// The window size every test starts with (the `--window-size` given to Chromium).
pub const WINDOW: (u32, u32) = (1280, 900);

/// The tallest window a screenshot may grow to.
const TALLEST: u32 = 4000;

/// How much of an element a screenshot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// All of it: the window grows to fit it for the shot.
    Whole,
    /// What the first screen shows of it, as the agent first sees it.
    FirstScreen,
}

/// Whether this run takes screenshots.
pub fn enabled() -> bool {
    std::env::var("E2E_SCREENSHOTS").is_ok_and(|value| value == "1")
}

/// Where the screenshots go: the workspace's `docs/screenshots/`.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}

/// Saves a PNG of the first element matching `css` as `docs/screenshots/<file>`, when screenshots are on.
pub async fn save(browser: &Browser, file: &str, css: &str, frame: Frame) -> anyhow::Result<()> {
    if !enabled() {
        return Ok(());
    }
    let element = browser.css(css).await?;
    // A pointer left over a button would show it hovered.
    let away = MouseActions::new("e2e-mouse".into()).then(PointerAction::MoveTo {
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    browser
        .client
        .perform_actions(away)
        .await
        .context("moving the pointer away")?;
    // The focus left on the reload link just clicked would show as well.
    browser
        .client
        .execute(
            "if (document.activeElement) { document.activeElement.blur(); }",
            vec![],
        )
        .await
        .context("moving the focus away")?;
    let grown = match frame {
        Frame::Whole => grow_to_fit(browser, css).await?,
        Frame::FirstScreen => false,
    };
    let png = element
        .screenshot()
        .await
        .with_context(|| format!("taking {file}"));
    if grown {
        browser
            .client
            .set_window_size(WINDOW.0, WINDOW.1)
            .await
            .context("restoring the window size")?;
    }
    let png = png?;
    let (width, height) = png_size(&png).with_context(|| format!("{file} is not a PNG"))?;
    ensure!(
        width >= 100 && height >= 100,
        "{file} is only {width}×{height} pixels: `{css}` is not shown"
    );
    let dir = dir();
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(file);
    std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Makes the window tall enough to show all of the element; says whether it had to.
async fn grow_to_fit(browser: &Browser, css: &str) -> anyhow::Result<bool> {
    let needed = browser
        .client
        .execute(
            "var box = document.querySelector(arguments[0]).getBoundingClientRect();\
             return Math.ceil(box.bottom + window.scrollY + (window.outerHeight - window.innerHeight) + 24);",
            vec![serde_json::Value::from(css)],
        )
        .await
        .context("measuring the element")?
        .as_f64()
        .context("the element's height is not a number")?;
    // The value is a page height in CSS pixels, far below u32::MAX; the cast cannot truncate meaningfully.
    let needed = (needed.max(0.0) as u32).min(TALLEST);
    if needed <= WINDOW.1 {
        return Ok(false);
    }
    browser
        .client
        .set_window_size(WINDOW.0, needed)
        .await
        .context("growing the window")?;
    Ok(true)
}

/// The width and height a PNG declares in its header chunk.
pub fn png_size(png: &[u8]) -> anyhow::Result<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    ensure!(
        png.len() > 24 && png.starts_with(SIGNATURE) && &png[12..16] == b"IHDR",
        "no PNG header"
    );
    let number = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    Ok((number(16), number(20)))
}
