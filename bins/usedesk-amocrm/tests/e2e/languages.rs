//! Step 7: the block in English, Spanish, Portuguese and Russian.

use anyhow::{Context as _, ensure};
use sandbox::seed::TICKET_ONE_MATCH;

use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

/// The block's messages in each language, straight from the translations, so the test follows them.
const LOCALES: [(&str, &str); 4] = [
    ("en", include_str!("../../../../locales/en/block.ftl")),
    ("es", include_str!("../../../../locales/es/block.ftl")),
    ("pt", include_str!("../../../../locales/pt/block.ftl")),
    ("ru", include_str!("../../../../locales/ru/block.ftl")),
];

/// A one-line message of a Fluent file, e.g. `button-new-deal = New deal`.
fn message(ftl: &str, id: &str) -> anyhow::Result<String> {
    ftl.lines()
        .find_map(|line| {
            line.strip_prefix(id)?
                .trim_start()
                .strip_prefix('=')
                .map(str::trim)
        })
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
        .with_context(|| format!("no one-line message {id}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_block_speaks_english_spanish_portuguese_and_russian() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let english_new_deal = message(LOCALES[0].1, "button-new-deal")?;

        for (lang, ftl) in LOCALES {
            // Act: switch the preview's language; the block is asked for again in it.
            e2e.choose_language(lang).await?;

            // Assert: the block's own words are in that language, the data stays the same.
            let block = e2e.browser.text_of(BLOCK).await?;
            for id in ["button-new-deal", "contact-phones", "contact-responsible"] {
                let expected = message(ftl, id)?;
                ensure!(
                    block.contains(&expected),
                    "the {lang} block lacks {id} “{expected}”:\n{block}"
                );
            }
            if lang != "en" {
                ensure!(
                    !block.contains(&english_new_deal),
                    "the {lang} block still says “{english_new_deal}”"
                );
            }
            ensure!(
                block.contains("Firebolt Supreme — team order"),
                "the {lang} block lost the deals:\n{block}"
            );
            if lang == "ru" {
                shots::save(
                    &e2e.browser,
                    "08-russian.png",
                    ".dynamic-block",
                    Frame::Whole,
                )
                .await?;
            }
        }
        Ok(())
    })
    .await
}
