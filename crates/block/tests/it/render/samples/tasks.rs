//! The tasks page's view models: open tasks overdue, due today and later, on the contact and on a deal, and the
//! create form after a refused submit; the contact edit page.

use block::view::model::{PageView, TasksPage};
use domain::tasks::{ContactTasks, NewTaskInput, TaskTarget, TaskView};
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
