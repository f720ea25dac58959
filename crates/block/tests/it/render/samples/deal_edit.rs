//! The deal's edit page: as the deal is, refused (by our checks and by amoCRM), and closed as lost with a reason;
//! and the card saying the deal was just changed.

use block::view::model::{DealEditPage, PageView};
use domain::{DealEdit, FieldError, FieldErrorCode, StageRef};

use super::Texts;

/// Which state of the edit page.
pub enum EditState {
    /// Opened from the block: the deal as it is.
    AsItIs,
    /// Moved to a stage that needs fields left empty, with a budget that is not a number and a field amoCRM
    /// refused: the values kept, every error listed and beside its field.
    Refused,
    /// "Closed — lost" chosen with a reason, and amoCRM did not answer: the values kept, a banner, "Try again".
    Lost,
}

impl Texts {
    fn deal_edit_data(&self) -> DealEdit {
        DealEdit {
            deal_id: 7001,
            name: self.deal[0].clone(),
            stage: StageRef::new(3001, 30),
            pipeline_name: self.pipeline.clone(),
            stage_name: self.stage[0].clone(),
            price: Some(125_000),
            responsible_user_id: Some(12),
            loss_reason_id: None,
            values: vec![("cf:506".into(), vec![self.note.clone()])],
            form: self.form_data(),
            loss_reasons: vec![
                (9101, "Выбрали конкурента".into()),
                (9102, self.option.clone()),
            ],
        }
    }

    pub fn deal_edit(&self, state: EditState) -> PageView {
        let edit = self.deal_edit_data();
        let error = |field: &str, label: Option<&str>, code| FieldError {
            field: field.parse().expect("a field key"),
            label: label.map(str::to_owned),
            code,
        };
        let as_it_is = vec![
            ("price".to_owned(), vec!["125000".to_owned()]),
            ("responsible".to_owned(), vec!["12".to_owned()]),
            ("cf:506".to_owned(), vec![self.note.clone()]),
        ];
        let (stage, values, errors, problem) = match state {
            EditState::AsItIs => (edit.stage, as_it_is, Vec::new(), None),
            EditState::Refused => (
                StageRef::new(3001, 31),
                vec![
                    ("price".to_owned(), vec!["12 5OO".to_owned()]),
                    ("responsible".to_owned(), vec!["12".to_owned()]),
                    ("cf:508".to_owned(), vec!["2".to_owned()]),
                ],
                vec![
                    error("price", None, FieldErrorCode::Number),
                    error("cf:502", Some(&self.field), FieldErrorCode::Required),
                    error(
                        "cf:508",
                        Some("Канал"),
                        FieldErrorCode::Refused {
                            detail: "The value you selected is not a valid choice.".into(),
                        },
                    ),
                ],
                None,
            ),
            EditState::Lost => (
                StageRef::new(3001, 143),
                vec![
                    ("price".to_owned(), vec!["125000".to_owned()]),
                    ("loss_reason".to_owned(), vec!["9101".to_owned()]),
                ],
                Vec::new(),
                Some(self.problem(block::view::model::Failure::Unavailable, true)),
            ),
        };
        PageView::DealEdit(Box::new(DealEditPage {
            submit: self.action("action/deal-change"),
            card: self.action("deal"),
            edit,
            stage,
            values,
            errors,
            problem,
        }))
    }

    /// The card right after a change: it says so.
    pub fn deal_card_changed(&self) -> PageView {
        let mut page = self.deal_card(false);
        if let PageView::DealCard { changed, .. } = &mut page {
            *changed = true;
        }
        page
    }
}
