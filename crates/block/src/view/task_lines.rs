//! A contact's or an unfolded open deal's open tasks in the block (`macros.html`, `task_lines`): the three soonest, each with its
//! type, its text (cut), when it is due ("today 15:00", "tomorrow 11:00", "Dec 3, 11:00") — overdue ones in red
//! and said to be, today's marked — its responsible user and its in-place Done form; "N more" leads to the tasks
//! page, which lists them all. The tasks page shares the overdue / today rule ([`state`]).
//!
//! Only the tasks shown here offer Done ([`shown`]): the HTTP layer signs a token for those alone. The Done forms, like
//! every in-place form of the block, are marked `data-inplace` and share the block's one handler (`inplace_all`).

use std::borrow::Cow;

use domain::model::ContactView;
use domain::tasks::{OpenTasks, TaskView};

use super::model::Action;
use super::style::FormTarget;
use super::text::Tr;

/// How many tasks a contact or a deal shows before "N more": a sidebar must stay one screen.
const VISIBLE_TASKS: usize = 3;

/// The most characters of a task's text the block shows; the whole text is the line's title.
const TEXT_SHOWN: usize = 120;

/// The ids of the tasks the block shows of `tasks`, the soonest due.
pub(crate) fn shown(tasks: &OpenTasks) -> impl Iterator<Item = i64> + '_ {
    tasks.list.iter().take(VISIBLE_TASKS).map(|t| t.id)
}

/// The tasks of `contact` the block shows, its own and those of the deals it shows unfolded, by id.
pub(crate) fn shown_of_contact(contact: &ContactView) -> Vec<i64> {
    let unfolded = super::deals_list::unfolded(contact);
    shown(&contact.tasks)
        .chain(
            contact
                .deals
                .iter()
                .filter(|d| unfolded.contains(&d.id))
                .flat_map(|d| shown(&d.tasks)),
        )
        .collect()
}

/// Whether a task due at `due` is overdue, due today or later: its class and the word that says it (never colour
/// alone).
pub(crate) fn state(tr: &Tr, due: i64) -> (&'static str, Option<Cow<'static, str>>) {
    if due < tr.display.now {
        ("overdue", Some(tr.word("task-overdue")))
    } else if tr.is_today(due) {
        ("today", Some(tr.word("task-due-today")))
    } else {
        ("later", None)
    }
}

/// When a task is due, compactly, in the display's zone: "today 15:00", "tomorrow 11:00", "yesterday 09:00",
/// "Dec 3, 11:00" this year, the full date otherwise.
fn due(tr: &Tr, unix: i64) -> String {
    let zone = tr.display.zone;
    let offset = zone.at(unix).offset_minutes();
    let day = |at: i64, offset: i32| at.saturating_add(i64::from(offset) * 60).div_euclid(86_400);
    let now = tr.display.now;
    let now_offset = zone.at(now).offset_minutes();
    let time = i18n::format_time(tr.lang, unix, offset);
    match day(unix, offset) - day(now, now_offset) {
        0 => tr.arg("task-due-today-at", "time", &time),
        1 => tr.arg("task-due-tomorrow-at", "time", &time),
        -1 => tr.arg("task-due-yesterday-at", "time", &time),
        _ if year(unix, offset) == year(now, now_offset) => {
            format!("{}, {time}", i18n::format_day_month(tr.lang, unix, offset))
        }
        _ => i18n::format_datetime(tr.lang, unix, offset),
    }
}

/// The calendar year of a moment in a zone.
fn year(unix: i64, offset_minutes: i32) -> i32 {
    time::OffsetDateTime::from_unix_timestamp(unix.saturating_add(i64::from(offset_minutes) * 60))
        .map_or(0, |t| t.year())
}

/// One task line.
pub(crate) struct TaskLine {
    pub kind: String,
    pub text: String,
    /// The whole text, when the line shows it cut.
    pub full_text: Option<String>,
    pub due: String,
    /// The due date and time in full, with the zone (the due time's title).
    pub due_full: String,
    /// `overdue`, `today` or `later`.
    pub state: &'static str,
    pub state_label: Option<Cow<'static, str>>,
    pub responsible: Option<String>,
    /// The in-place Done form; `None` while amoCRM takes no writes.
    pub done: Option<FormTarget>,
}

/// The open tasks of a contact or a deal, as the block lists them.
pub(crate) struct TaskLines {
    pub items: Vec<TaskLine>,
    /// "2 more on the tasks page", when there are more than fit (or amoCRM holds more than were read).
    pub more: Option<String>,
    /// The contact's tasks page.
    pub page: Option<String>,
    pub done_label: Cow<'static, str>,
    pub result_label: Cow<'static, str>,
    pub refresh_hint: Cow<'static, str>,
}

impl TaskLines {
    /// The lines of `tasks`; `done` are the signed Done actions by task id, `page` the contact's tasks page.
    /// `None` when there are no open tasks.
    pub(crate) fn of(
        tr: &Tr,
        tasks: &OpenTasks,
        done: &[(i64, Action)],
        page: Option<&str>,
    ) -> Option<Self> {
        if tasks.list.is_empty() {
            return None;
        }
        let items: Vec<TaskLine> = tasks
            .list
            .iter()
            .take(VISIBLE_TASKS)
            .map(|task| line(tr, task, done))
            .collect();
        let hidden = tasks.list.len().saturating_sub(VISIBLE_TASKS);
        let more = if hidden > 0 {
            Some(tr.count("block-tasks-more", hidden))
        } else {
            tasks.more_unread.then(|| tr.t("block-tasks-more-unread"))
        };
        Some(Self {
            items,
            page: more.as_ref().and(page).map(str::to_owned),
            more,
            done_label: tr.word("button-task-done"),
            result_label: tr.word("task-result"),
            refresh_hint: tr.word("block-refresh-hint"),
        })
    }
}

fn line(tr: &Tr, task: &TaskView, done: &[(i64, Action)]) -> TaskLine {
    let (state, state_label) = state(tr, task.due);
    let text = task.text.trim();
    let cut = text.chars().count() > TEXT_SHOWN;
    TaskLine {
        kind: task.kind.clone(),
        text: if cut {
            let mut shown: String = text.chars().take(TEXT_SHOWN - 1).collect();
            shown.truncate(shown.trim_end().len());
            shown.push('…');
            shown
        } else {
            text.to_owned()
        },
        full_text: cut.then(|| text.to_owned()),
        due: due(tr, task.due),
        due_full: tr.datetime(task.due),
        state,
        // "today 15:00" says it already; an overdue task is said to be in words.
        state_label: state_label.filter(|_| state == "overdue"),
        responsible: task.responsible.as_ref().map(|u| tr.user(u)),
        done: done
            .iter()
            .find(|(id, _)| *id == task.id)
            .and_then(|(_, action)| FormTarget::of(action)),
    }
}
