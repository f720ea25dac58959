//! Tasks: "Call back" on Harry opens his tasks with a call for tomorrow prefilled; creating it lists it among
//! his open tasks, and completing it with a result closes it in amoCRM.

use anyhow::{Context as _, ensure};
use sandbox::seed::TICKET_ONE_MATCH;

use crate::support::run;
use crate::support::shots::{self, Frame};

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

        // Act: complete it with a result.
        e2e.browser
            .css("form.task-complete input[name=result]")
            .await?
            .send_keys("Reached him, he will come on Monday")
            .await?;
        e2e.browser
            .css("form.task-complete button[type=submit]")
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
