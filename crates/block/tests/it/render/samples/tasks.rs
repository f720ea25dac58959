//! The tasks page's view models: open tasks overdue, due today and later, on the contact and on a deal, and the
//! create form after a refused submit; the contact edit page; and a block whose contact and open deal have open
//! tasks.

use block::view::model::{BlockView, PageView, TasksPage};
use domain::tasks::{ContactTasks, NewTaskInput, OpenTasks, TaskTarget, TaskView};
use domain::{FieldError, FieldErrorCode, FieldKey};

use super::{NOW, Texts};

impl Texts {
    /// Every state of the tasks page, by name.
    pub fn tasks_pages(&self) -> Vec<(&'static str, PageView)> {
        let task = |id: i64, due: i64, target: TaskTarget| TaskView {
            id,
            kind: self.option.clone(),
            text: self.note.clone(),
            due,
            responsible: Some(self.user()),
            target,
        };
        let tasks = ContactTasks {
            contact_id: 7001,
            contact_name: self.contact[0].clone(),
            tasks: vec![
                task(1, NOW - 86_400, TaskTarget::Contact),
                task(
                    2,
                    NOW + 3_600,
                    TaskTarget::Deal {
                        id: 9101,
                        name: self.deal[0].clone(),
                    },
                ),
                task(3, NOW + 3 * 86_400, TaskTarget::Contact),
            ],
            types: vec![(1, self.option.clone()), (2, self.value.clone())],
            users: vec![self.user()],
            default_responsible: Some(self.user().id),
            open_deals: vec![(9101, self.deal[0].clone())],
        };
        let page = |tasks: ContactTasks, errors: Vec<FieldError>, created: bool| {
            PageView::Tasks(Box::new(TasksPage {
                complete: tasks
                    .tasks
                    .iter()
                    .map(|t| (t.id, self.action("action/task-complete")))
                    .collect(),
                tasks: Box::new(tasks),
                create: self.action("action/tasks"),
                draft: NewTaskInput {
                    type_id: Some(1),
                    text: self.note.clone(),
                    due: "2026-11-25T10:00".into(),
                    responsible_user_id: Some(self.user().id),
                    deal_id: None,
                },
                errors,
                created,
            }))
        };
        let none = ContactTasks {
            tasks: Vec::new(),
            ..tasks.clone()
        };
        let refused = vec![FieldError {
            field: FieldKey::Custom(0),
            label: None,
            code: FieldErrorCode::Date,
        }];
        let edit = PageView::ContactEdit {
            submit: self.action("action/contact-edit"),
            contact: Box::new(domain::edit::ContactEdit {
                contact_id: 7001,
                name: self.contact[0].clone(),
                position: self.option.clone(),
                responsible_user_id: Some(self.user().id),
                users: vec![self.user()],
            }),
            errors: Vec::new(),
        };
        vec![
            ("contact_edit", edit),
            ("tasks_open", page(tasks.clone(), Vec::new(), false)),
            ("tasks_created", page(none.clone(), Vec::new(), true)),
            ("tasks_refused", page(none, refused, false)),
        ]
    }
}

impl Texts {
    /// One contact with four open tasks of its own (overdue since yesterday, due today, tomorrow, next week: three
    /// shown and "1 more") and two on its open deal (overdue this morning, later this year).
    pub fn with_tasks(&self) -> BlockView {
        let task = |id: i64, due: i64, target: TaskTarget| TaskView {
            id,
            kind: self.option.clone(),
            text: self.note.clone(),
            due,
            responsible: Some(self.user()),
            target,
        };
        let mut deals = self.deals();
        let on_deal = || TaskTarget::Deal {
            id: 9101,
            name: self.deal[0].clone(),
        };
        deals[0].tasks = OpenTasks {
            list: vec![
                task(61, NOW - 5 * 3_600, on_deal()),
                task(62, NOW + 9 * 86_400, on_deal()),
            ],
            more_unread: false,
            not_read: false,
        };
        let mut contact = self.contact(0, 7001, deals);
        contact.tasks = OpenTasks {
            list: vec![
                task(51, NOW - 26 * 3_600, TaskTarget::Contact),
                task(52, NOW + 2 * 3_600, TaskTarget::Contact),
                task(53, NOW + 86_400, TaskTarget::Contact),
                task(54, NOW + 7 * 86_400, TaskTarget::Contact),
            ],
            more_unread: false,
            not_read: false,
        };
        let mut actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        actions.complete_tasks = [51, 52, 53, 61, 62]
            .into_iter()
            .map(|id| (id, self.action("action/task-complete")))
            .collect();
        self.view(self.data(vec![contact], vec![actions]), None)
    }

    /// One contact whose open tasks could not be read this time (amoCRM busy): the block says so.
    pub fn tasks_not_read(&self) -> BlockView {
        let mut contact = self.contact(0, 7001, self.deals());
        contact.tasks.not_read = true;
        let actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        self.view(self.data(vec![contact], vec![actions]), None)
    }
}
