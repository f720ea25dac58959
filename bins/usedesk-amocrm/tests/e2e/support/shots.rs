//! Screenshots of the main states for `docs/screenshots/`, taken when `E2E_SCREENSHOTS=1`.

use std::path::PathBuf;

use anyhow::{Context as _, ensure};

use super::browser::Browser;

/// Whether this run takes screenshots.
pub fn enabled() -> bool {
    std::env::var("E2E_SCREENSHOTS").is_ok_and(|value| value == "1")
}

/// Where the screenshots go: the workspace's `docs/screenshots/`.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}

/// Saves a PNG of the first element matching `css` as `docs/screenshots/<file>`, when screenshots are on.
pub async fn save(browser: &Browser, file: &str, css: &str) -> anyhow::Result<()> {
    if !enabled() {
        return Ok(());
    }
    let element = browser.css(css).await?;
    let png = element
        .screenshot()
        .await
        .with_context(|| format!("taking {file}"))?;
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
