//! Tasks: "Call back" on Harry opens his tasks with a call for tomorrow prefilled; creating it lists it among
//! his open tasks, and completing it with a result closes it in amoCRM. The block lists it under Harry too, and
//! its Done completes it in place.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use fantoccini::elements::Element;
use sandbox::seed::TICKET_ONE_MATCH;

use crate::support::browser::{has_class, literal};
use crate::support::preview::BLOCK;
use crate::support::shots::{self, Frame};
use crate::support::{E2e, run};

/// From Harry's block, "Call back" and the tasks page's form as it is prefilled: a call for tomorrow 10:00. Back
/// in the preview's tab when done.
async fn create_call_back(e2e: &E2e) -> anyhow::Result<()> {
    let preview = e2e.preview_tab().await?;
    e2e.open_contact("Harry Potter").await?;
    let call = e2e.browser.control("uda-contact", "Call back").await?;
    e2e.browser.click_to_new_tab(&call).await?;
    e2e.browser
        .css("form.task-form button[type=submit]")
        .await?
        .click()
        .await?;
    e2e.browser
        .class_with_text("sheet", "The task has been created in amoCRM.")
        .await
        .context("the page did not say the task was created")?;
    e2e.browser.close_tab_back_to(preview).await
}

/// The open task whose text is `text`, in the tasks page's list (`li.task`) or in the block (`li.uda-task`).
async fn task_line(e2e: &E2e, within: &str, class: &str, text: &str) -> anyhow::Result<Element> {
    e2e.browser
        .xpath(&format!(
            "//*[{}]//li[{}][.//*[{}][normalize-space(.) = {}]]",
            has_class(within),
            has_class(class),
            has_class(&format!("{class}-text")),
            literal(text)
        ))
        .await
        .with_context(|| format!("finding the task “{text}”"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_creates_a_call_back_task_for_tomorrow_and_completes_it() -> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's ticket shows Harry.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        let preview = e2e.preview_tab().await?;
        e2e.open_contact("Harry Potter").await?;

        // Act: "Call back" opens the tasks page prefilled; create the task as it is.
        let call = e2e.browser.control("uda-contact", "Call back").await?;
        e2e.browser.click_to_new_tab(&call).await?;
        let text = e2e
            .browser
            .css("form.task-form input[name=text]")
            .await?
            .prop("value")
            .await?;
        let due = e2e
            .browser
            .css("form.task-form input[name=due]")
            .await?
            .prop("value")
            .await?;
        e2e.browser
            .css("form.task-form button[type=submit]")
            .await?
            .click()
            .await?;
        e2e.browser
            .class_with_text("sheet", "The task has been created in amoCRM.")
            .await
            .context("the page did not say the task was created")?;
        let listed = e2e.browser.text_of("ul.tasks").await?;
        shots::save(
            &e2e.browser,
            "18-tasks.png",
            "main.sheet",
            Frame::FirstScreen,
        )
        .await?;

        // Act: complete it with a result (Harry's other open tasks are listed beside it).
        let line = task_line(e2e, "sheet", "task", "Call back").await?;
        line.find(Locator::Css("form.task-complete input[name=result]"))
            .await?
            .send_keys("Reached him, he will come on Monday")
            .await?;
        line.find(Locator::Css("form.task-complete button[type=submit]"))
            .await?
            .click()
            .await?;
        e2e.browser
            .class_with_text("sheet", "The task has been completed.")
            .await
            .context("the page did not say the task was completed")?;
        e2e.browser.close_tab_back_to(preview).await?;

        // Assert: a call for tomorrow 10:00 was prefilled, created once, listed, and completed once.
        ensure!(
            text.as_deref() == Some("Call back"),
            "the text field held {text:?}"
        );
        ensure!(
            due.as_deref().is_some_and(|d| d.ends_with("T10:00")),
            "the deadline field held {due:?}"
        );
        ensure!(listed.contains("Call back"), "the open tasks are: {listed}");
        let created = e2e.stack.amocrm_calls("POST /api/v4/tasks");
        ensure!(created == 1, "amoCRM received {created} task creations");
        let completed = e2e.stack.amocrm_calls("PATCH /api/v4/tasks/{id}");
        ensure!(completed == 1, "amoCRM received {completed} task changes");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_task_created_for_tomorrow_shows_in_the_block_and_done_completes_it_in_place()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Harry's ticket; a call back for tomorrow created from his block, which is then reloaded.
        e2e.open_preview(TICKET_ONE_MATCH, "en").await?;
        e2e.log_in().await?;
        create_call_back(e2e).await?;
        e2e.reload_block().await?;
        let line = task_line(e2e, "uda-block", "uda-task", "Call back").await?;
        let due = line
            .find(Locator::Css(".uda-task-due"))
            .await?
            .text()
            .await?;
        let overdue = e2e
            .browser
            .exists(&format!("{BLOCK} .uda-task-overdue .uda-task-state"))
            .await?;
        shots::save(
            &e2e.browser,
            "20-block-tasks.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;

        // Act: Done, with a result, in place.
        line.find(Locator::Css("summary.uda-task-done-head"))
            .await?
            .click()
            .await?;
        line.find(Locator::Css("input[name=result]"))
            .await?
            .send_keys("Reached him")
            .await?;
        e2e.browser.mark_block().await?;
        line.find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        e2e.browser
            .fresh_block()
            .await
            .context("the block did not reload itself after Done")?;

        // Assert: due tomorrow at 10:00, the seeded overdue task said to be overdue; completed once, in place, and
        // gone from the block.
        ensure!(due == "tomorrow 10:00", "the call is due “{due}”");
        ensure!(overdue, "no task is marked overdue in words");
        let completed = e2e.stack.amocrm_calls("PATCH /api/v4/tasks/{id}");
        ensure!(completed == 1, "amoCRM received {completed} task changes");
        ensure!(
            e2e.browser.tab_count().await? == 1,
            "Done opened a tab instead of acting in place"
        );
        let still = e2e
            .browser
            .client
            .find_all(Locator::XPath(&format!(
                "//*[{}]//*[{}][normalize-space(.) = 'Call back']",
                has_class("uda-block"),
                has_class("uda-task-text")
            )))
            .await?
            .len();
        ensure!(still == 0, "the completed task is still listed");
        Ok(())
    })
    .await
}
