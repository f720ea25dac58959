//! While amoCRM refuses writes (it blocked the account, 403, or the subscription ended, 402) the block shows
//! the last known data with every write button disabled and the reason beside them; "Open in amoCRM" still
//! works, and without JavaScript the disabled buttons submit nothing.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::{TICKET_NO_MATCH, TICKET_ONE_MATCH, TICKET_THREE_MATCHES};
use sandbox::{FaultMode, Faults};

use crate::support::E2e;
use crate::support::preview::BLOCK;
use crate::support::run_with;

/// What the block says above the data while writes are off.
const PAUSED: &str = "amoCRM is not accepting changes right now, so adding, linking and comments are switched off. “Open in amoCRM” still works.";

/// The block's write controls shown now, as `(label, disabled, title)`: the submit buttons of its forms (but the
/// search's, which only reads) and the "New deal" control.
async fn write_controls(e2e: &E2e) -> anyhow::Result<Vec<(String, bool, Option<String>)>> {
    let mut controls = Vec::new();
    for button in e2e
        .browser
        .client
        .find_all(Locator::Css(&format!(
            "{BLOCK} form:not(.uda-search) button[type=submit], {BLOCK} .uda-btn:not(button)"
        )))
        .await?
    {
        let label = button.prop("textContent").await?.unwrap_or_default();
        let disabled = button.attr("disabled").await?.is_some()
            || button.attr("aria-disabled").await?.as_deref() == Some("true");
        controls.push((
            label.trim().to_owned(),
            disabled,
            button.attr("title").await?,
        ));
    }
    Ok(controls)
}

/// Checks the block shown now: last known data, the reason, every write control off and saying why, no
/// quick comment, and "Open in amoCRM" links to amoCRM. Answers how many write controls it saw.
async fn assert_writes_off(e2e: &E2e, ticket: i64, stale: &str) -> anyhow::Result<usize> {
    let text = e2e.browser.text_of(BLOCK).await?;
    ensure!(
        text.contains(stale),
        "ticket #{ticket}: the block does not say it shows last known data: {text}"
    );
    let reason = e2e
        .browser
        .text_of(&format!("{BLOCK} .uda-paused"))
        .await
        .with_context(|| format!("ticket #{ticket}: no reason why writes are off"))?;
    ensure!(
        reason == PAUSED,
        "ticket #{ticket}: the reason says {reason:?}"
    );
    let controls = write_controls(e2e).await?;
    ensure!(
        !controls.is_empty(),
        "ticket #{ticket}: the block shows no write control at all"
    );
    for (label, disabled, title) in &controls {
        ensure!(
            *disabled && title.as_deref() == Some(PAUSED),
            "ticket #{ticket}: “{label}” is disabled: {disabled}, its title: {title:?}"
        );
    }
    ensure!(
        !e2e.browser
            .exists(&format!("{BLOCK} .uda-quick-comment"))
            .await?,
        "ticket #{ticket}: a quick comment is offered while amoCRM refuses writes"
    );
    ensure!(
        !text.contains("Edit before adding"),
        "ticket #{ticket}: the prefilled contact form is offered: {text}"
    );
    let amocrm = e2e.stack.sandbox.amocrm_url().to_string();
    for link in e2e
        .browser
        .client
        .find_all(Locator::Css(&format!("{BLOCK} a.uda-ext")))
        .await?
    {
        let href = link.attr("href").await?.unwrap_or_default();
        ensure!(
            href.starts_with(&amocrm)
                && link.attr("aria-disabled").await?.is_none()
                && link.attr("target").await?.as_deref() == Some("_blank"),
            "ticket #{ticket}: an “Open in amoCRM” link goes to {href:?}"
        );
    }
    Ok(controls.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_buttons_are_disabled_with_the_reason_while_amocrm_refuses_writes()
-> anyhow::Result<()> {
    writes_refused(
        FaultMode::Forbidden,
        "amoCRM has paused this integration until ",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_buttons_are_disabled_with_the_reason_while_the_amocrm_subscription_has_ended()
-> anyhow::Result<()> {
    writes_refused(
        FaultMode::PaymentRequired,
        "The amoCRM subscription has ended (tell your administrator); data as of",
    )
    .await
}

/// The blocks of three tickets shown once, then amoCRM answers every request with `mode`: each block shows
/// its last known data saying `stale`, with every write off, and "Open in amoCRM" still opens amoCRM.
async fn writes_refused(mode: FaultMode, stale: &'static str) -> anyhow::Result<()> {
    // No render cache: the block asks amoCRM at every render, so the reload after the block shows what it
    // does when amoCRM refuses, and not the answer of a moment ago.
    run_with(
        |config| config.render_cache_ms = 0,
        async |e2e| {
            // Arrange: the three kinds of block shown once with fresh data — Harry (one contact, his
            // deals), the Weasleys (three contacts to link) and Luna (no contact, "Add to amoCRM") — and
            // then amoCRM refuses every API request (403: the account is blocked; 402: its subscription ended).
            e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
            e2e.log_in().await?;
            ensure!(
                e2e.browser
                    .exists(&format!("{BLOCK} .uda-quick-comment"))
                    .await?,
                "Harry's block offers no quick comment even before amoCRM refuses writes"
            );
            e2e.choose_ticket(TICKET_THREE_MATCHES).await?;
            e2e.choose_ticket(TICKET_NO_MATCH).await?;
            e2e.stack.sandbox.set_faults(Faults {
                mode,
                for_next: None,
                only_path_prefix: None,
            });
            e2e.stack.sandbox.reset_stats();

            // Act + Assert: each ticket again shows its last known data with the writes off.
            let mut seen = 0;
            for ticket in [TICKET_ONE_MATCH, TICKET_THREE_MATCHES, TICKET_NO_MATCH] {
                e2e.choose_ticket(ticket).await?;
                seen += assert_writes_off(e2e, ticket, stale).await?;
            }
            ensure!(
                seen >= 6,
                "only {seen} write controls were checked across the three blocks"
            );

            // Act: without JavaScript (Usedesk strips inline handlers), click the disabled "Add to
            // amoCRM" and, on the Weasleys' block, the disabled "Link".
            let preview = e2e.preview_tab().await?;
            let mut clicked = Vec::new();
            for ticket in [TICKET_NO_MATCH, TICKET_THREE_MATCHES] {
                e2e.choose_ticket(ticket).await?;
                e2e.browser
                    .client
                    .execute(
                        "document.querySelectorAll('.dynamic-block [onsubmit]').forEach(function (f) { f.removeAttribute('onsubmit'); });",
                        vec![],
                    )
                    .await
                    .context("stripping the inline handlers")?;
                let button = e2e
                    .browser
                    .css(&format!("{BLOCK} form:not(.uda-search) button[type=submit]"))
                    .await?;
                clicked.push(button.prop("textContent").await?.unwrap_or_default());
                // A disabled button takes the click and does nothing; some drivers refuse it instead.
                let _ = button.click().await;
            }
            let tabs = e2e.browser.tab_count().await?;
            let writes: Vec<String> = e2e
                .stack
                .sandbox
                .stats()
                .endpoints
                .into_keys()
                .filter(|e| !e.starts_with("GET "))
                .collect();

            // Assert: nothing was submitted: no tab opened, amoCRM received no write.
            ensure!(
                tabs == 1,
                "clicking the disabled {clicked:?} opened {} tab(s)",
                tabs - 1
            );
            ensure!(
                writes.is_empty(),
                "amoCRM received writes while refusing them: {writes:?}"
            );

            // Act: "Open in amoCRM" of the Weasleys' first contact.
            let open = e2e.browser.css(&format!("{BLOCK} a.uda-ext")).await?;
            let href = open
                .attr("href")
                .await?
                .context("“Open in amoCRM” has no address")?;
            e2e.browser.click_to_new_tab(&open).await?;
            let opened = e2e
                .browser
                .until("amoCRM's page to open", async || {
                    let url = e2e.browser.client.current_url().await?.to_string();
                    Ok((url != "about:blank").then_some(url))
                })
                .await?;
            e2e.browser.close_tab_back_to(preview).await?;

            // Assert: the link opened the contact's page in amoCRM.
            ensure!(
                opened == href && href.contains("/contacts/detail/"),
                "“Open in amoCRM” ({href}) opened {opened}"
            );
            Ok(())
        },
    )
    .await
}
