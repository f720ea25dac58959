//! The pages' view models: the forms with an account's pipelines and custom fields of every kind, the
//! settings, the deal card with its feed, and every outcome and failure.

use block::view::model::{
    ConnectionPage, Done, Failure, OAuthFailure, PageView, Problem, TriggerSecretPage,
    TriggerSecretSection,
};
use block::view::ticket_log::TicketLogShown;
use domain::fields::{FieldDef, FieldKind};
use domain::metadata::{PipelineInfo, StageInfo};
use domain::model::{FieldLabel, StageView, UserRef};
use domain::store::FieldChoices;
use domain::{
    CardContact, DealCard, DealForm, FeedItem, FeedKind, FieldError, FieldErrorCode, FieldSettings,
};

use secrecy::SecretString;

use super::{NOW, Texts, connection_id};

impl Texts {
    fn pipelines(&self) -> Vec<PipelineInfo> {
        let stage = |id: i64, name: &str, color: &str| StageInfo {
            view: StageView {
                id,
                name: name.to_owned(),
                color: self.color(color),
            },
            is_incoming: false,
        };
        vec![
            PipelineInfo {
                id: 3001,
                name: self.pipeline.clone(),
                is_main: true,
                is_archive: false,
                stages: vec![
                    stage(30, &self.stage[0], "#99ccff"),
                    stage(31, &self.stage[1], "#ffcc66"),
                    stage(142, &self.stage[2], "#ccff66"),
                    stage(143, &self.stage[3], "#d5d8db"),
                ],
            },
            PipelineInfo {
                id: 3002,
                name: "Сервис".into(),
                is_main: false,
                is_archive: false,
                stages: vec![
                    stage(40, "Новая заявка", "#87f2c0"),
                    stage(41, "Эскалация", "#4a6fa5"),
                ],
            },
        ]
    }

    /// Custom fields of every editable kind; some are required at the stage "Переговоры" (3001, 31).
    fn deal_fields(&self) -> Vec<FieldDef> {
        let def = |id: i64, name: &str, kind: FieldKind, required: bool| FieldDef {
            id,
            name: name.to_owned(),
            kind,
            options: Vec::new(),
            required_in: if required {
                vec![(3001, 31).into()]
            } else {
                Vec::new()
            },
            sort: id,
            api_only: false,
        };
        let options = vec![
            (1, "Сайт".to_owned()),
            (2, "Звонок".to_owned()),
            (3, self.option.clone()),
        ];
        vec![
            def(502, &self.field, FieldKind::Text, true),
            def(506, "Комментарий менеджера", FieldKind::Textarea, false),
            def(507, "Количество лицензий", FieldKind::Numeric, true),
            def(503, "Договор подписан", FieldKind::Checkbox, false),
            FieldDef {
                options: options.clone(),
                ..def(508, "Канал", FieldKind::Select, true)
            },
            FieldDef {
                options: vec![
                    (11, "Малый".into()),
                    (12, "Средний".into()),
                    (13, "Крупный".into()),
                ],
                ..def(509, "Размер компании", FieldKind::Radiobutton, false)
            },
            FieldDef {
                options,
                ..def(510, "Интересы", FieldKind::Multiselect, false)
            },
            def(501, "Дата демо", FieldKind::Date, true),
            def(511, "Созвон", FieldKind::DateTime, false),
            def(504, "Сайт клиента", FieldKind::Url, false),
        ]
    }

    pub(super) fn form_data(&self) -> DealForm {
        DealForm {
            pipelines: self.pipelines(),
            users: vec![
                UserRef {
                    id: 12,
                    name: Some("Анна Кузнецова".into()),
                },
                self.user(),
            ],
            fields: self.deal_fields(),
            currency: "RUB".into(),
            shown: vec!["cf:506".parse().unwrap()],
        }
    }

    pub fn deal_form(&self) -> PageView {
        PageView::DealForm {
            submit: self.action("action/deal"),
            reload: self.action("action/deal"),
            form: Box::new(self.form_data()),
            stage: None,
            values: vec![(
                "name".into(),
                vec![format!("{} — {}", self.client, self.value)],
            )],
            errors: Vec::new(),
            problem: None,
        }
    }

    /// A refused submit at the stage that requires fields: values kept, errors at the top and beside fields.
    pub fn deal_form_with_errors(&self) -> PageView {
        let error = |field: &str, label: Option<&str>, code| FieldError {
            field: field.parse().expect("a field key"),
            label: label.map(str::to_owned),
            code,
        };
        PageView::DealForm {
            submit: self.action("action/deal"),
            reload: self.action("action/deal"),
            form: Box::new(self.form_data()),
            stage: Some((3001, 31).into()),
            values: vec![
                ("name".into(), vec![self.deal[0].clone()]),
                ("price".parse().unwrap(), vec!["12 5OO".into()]),
                ("stage".into(), vec!["3001:31".into()]),
                ("responsible".parse().unwrap(), vec!["11".into()]),
                ("cf:502".parse().unwrap(), vec![self.value.clone()]),
                ("cf:503".parse().unwrap(), vec!["1".into()]),
                ("cf:508".parse().unwrap(), vec!["2".into()]),
                ("cf:509".parse().unwrap(), vec!["12".into()]),
                ("cf:510".parse().unwrap(), vec!["1".into(), "3".into()]),
                ("cf:504".parse().unwrap(), vec!["ivanova.example.ru".into()]),
                ("cf:506".parse().unwrap(), vec![self.note.clone()]),
            ],
            errors: vec![
                error("price", None, FieldErrorCode::Number),
                error(
                    "cf:507",
                    Some("Количество лицензий"),
                    FieldErrorCode::Required,
                ),
                error("cf:501", Some("Дата демо"), FieldErrorCode::Required),
                error("cf:504", Some("Сайт клиента"), FieldErrorCode::Url),
            ],
            problem: None,
        }
    }

    pub fn contact_form(&self, errors: bool) -> PageView {
        let error = |field: &str, label: Option<&str>, code| FieldError {
            field: field.parse().expect("a field key"),
            label: label.map(str::to_owned),
            code,
        };
        PageView::ContactForm {
            submit: self.action("action/contact"),
            name: if errors {
                String::new()
            } else {
                self.client.clone()
            },
            phones: if errors {
                vec![self.phone.clone(), "12ab".into()]
            } else {
                vec![self.phone.clone(), "+7 495 000-11-22".into()]
            },
            emails: if errors {
                vec!["maria@".into()]
            } else {
                vec![self.email.clone()]
            },
            company: String::new(),
            company_choice: Vec::new(),
            errors: if errors {
                vec![
                    error("name", None, FieldErrorCode::Required),
                    error("phone", Some("12ab"), FieldErrorCode::Number),
                    error("email", Some("maria@"), FieldErrorCode::Enum),
                ]
            } else {
                Vec::new()
            },
            problem: None,
        }
    }

    pub fn settings(&self, saved: bool) -> PageView {
        let available = self
            .deal_fields()
            .into_iter()
            .map(|d| (d.key(), FieldLabel::Custom(d.name)))
            .chain([(
                domain::FieldKey::Responsible,
                FieldLabel::Builtin("responsible".parse().unwrap()),
            )])
            .collect();
        PageView::Settings {
            submit: self.action("action/settings"),
            settings: Box::new(FieldSettings {
                connection_id: connection_id(),
                available,
                choices: FieldChoices {
                    list: vec![
                        "cf:501".parse().unwrap(),
                        "cf:502".parse().unwrap(),
                        "responsible".parse().unwrap(),
                    ],
                    card: if saved {
                        vec!["cf:504".parse().unwrap()]
                    } else {
                        Vec::new()
                    },
                },
                pipelines: self.pipelines(),
                users: self.form_data().users,
                fields: self.deal_fields(),
            }),
            saved,
            trigger_secret: TriggerSecretSection {
                set: saved,
                created_at: saved.then_some(NOW - 3 * 86_400),
                required: true,
                create: self.action("action/trigger-secret"),
                endpoint: self.action("api/freeCreateLead").url,
            },
            connection: self.action("action/connection"),
        }
    }

    /// The gear's connection page: connected (with a webhook), or just disconnected.
    pub fn connection(&self, active: bool, disconnected: Option<bool>) -> PageView {
        PageView::Connection(Box::new(ConnectionPage {
            details: domain::ConnectionDetails {
                connection: connection_id(),
                amo_host: "https://hogwarts.amocrm.ru".into(),
                active,
                meta: domain::store::ConnectionMeta {
                    amo_account_id: Some(29_000_001),
                    amo_user_id: Some(9_000_002),
                    amo_user_name: Some("Minerva McGonagall".into()),
                    connected_at: Some(NOW - 2 * 86_400),
                    lang: Some("en".into()),
                    webhook_secret_hash: active.then(|| "hash".into()),
                    webhook_destination: None,
                    webhook_at: active.then_some(NOW - 2 * 86_400),
                    stage_comments: active,
                },
            },
            stage_comments: self.action("action/stage-comments"),
            disconnect: self.action("action/disconnect"),
            reconnect: Some("https://amo.usedesk.example/oauth/start?s=sealed".into()),
            disconnected,
        }))
    }

    /// The page that shows a new trigger secret once; `rotated` also shows it on a server that does not require
    /// secrets.
    pub fn trigger_secret(&self, rotated: bool) -> PageView {
        PageView::TriggerSecret(Box::new(TriggerSecretPage {
            secret: SecretString::from(if self.token.starts_with("v1.") {
                "q3ZkV1sWq0m8yJ6oX9c2aB7dE4fG5hI1jK0lM2nO3pQ".to_owned()
            } else {
                self.token.clone()
            }),
            replaced: rotated,
            integration_id: connection_id().to_string(),
            endpoint: self.action("api/freeCreateLead").url,
            ticket_id: Some(42_017),
            required: !rotated,
        }))
    }

    pub fn deal_card(&self, errors: bool) -> PageView {
        let mut deal = self.deals().remove(0);
        let fields = std::mem::take(&mut deal.fields);
        let at = |minutes: i64| NOW - minutes * 60;
        let feed = vec![
            FeedItem {
                at: at(1_500),
                author: Some(self.user()),
                kind: FeedKind::LeadAdded,
            },
            FeedItem {
                at: at(20),
                author: Some(self.user()),
                kind: FeedKind::Note {
                    note_type: "common".into(),
                    text: Some(self.note.clone()),
                },
            },
            FeedItem {
                at: at(45),
                author: Some(UserRef {
                    id: 12,
                    name: Some("Анна Кузнецова".into()),
                }),
                kind: FeedKind::StatusChanged {
                    from: Some(self.stage(30, 0, "#99ccff")),
                    to: Some(self.stage(31, 1, "#ffcc66")),
                },
            },
            FeedItem {
                at: at(44),
                author: None,
                kind: FeedKind::ResponsibleChanged {
                    from: Some(UserRef {
                        id: 12,
                        name: Some("Анна Кузнецова".into()),
                    }),
                    to: Some(self.user()),
                },
            },
            FeedItem {
                at: at(1_440),
                author: Some(self.user()),
                kind: FeedKind::PriceChanged {
                    from: Some(100_000),
                    to: Some(125_000),
                },
            },
            FeedItem {
                at: at(30),
                author: Some(self.user()),
                kind: FeedKind::FieldChanged {
                    field: self.field.clone(),
                },
            },
            FeedItem {
                at: at(5),
                author: None,
                kind: FeedKind::Call {
                    incoming: true,
                    phone: Some("+79035550101".into()),
                    duration_secs: Some(192),
                    recording: Some("https://records.example/call-5.mp3".into()),
                },
            },
            FeedItem {
                at: at(2_000),
                author: None,
                kind: FeedKind::Other {
                    event_type: self.event.clone(),
                },
            },
        ];
        PageView::DealCard {
            card: Box::new(DealCard {
                deal,
                fields,
                feed,
                account: self.account(),
                contacts: Vec::new(),
                tags: Vec::new(),
            }),
            comment: self.action("action/comment"),
            edit: Some(self.action("deal")),
            changed: false,
            errors: if errors {
                vec![FieldError {
                    field: "comment".parse().unwrap(),
                    label: None,
                    code: FieldErrorCode::TooLong { max: 10_000 },
                }]
            } else {
                Vec::new()
            },
            text: if errors {
                self.note.clone()
            } else {
                String::new()
            },
            problem: None,
            can_log: true,
            logged: None,
        }
    }

    /// The card without errors, with `change` applied to how the last press of "Log this ticket" ended, the
    /// comment's text and the banner.
    fn deal_card_with(
        &self,
        change: impl FnOnce(&mut Option<TicketLogShown>, &mut String, &mut Option<Problem>),
    ) -> PageView {
        let mut page = self.deal_card(false);
        if let PageView::DealCard {
            logged,
            text,
            problem,
            ..
        } = &mut page
        {
            change(logged, text, problem);
        }
        page
    }

    /// The card with the deal's tags and its two contacts: the main one with a position, phones, e-mail and
    /// tags, the other with a phone alone.
    pub fn deal_card_contacts(&self) -> PageView {
        let mut page = self.deal_card(false);
        if let PageView::DealCard { card, .. } = &mut page {
            card.tags = vec!["VIP".into(), self.value.clone()];
            card.contacts = vec![
                CardContact {
                    id: 7001,
                    name: self.contact[0].clone(),
                    url: self.url("https://hogwarts.amocrm.ru/contacts/detail/7001"),
                    is_main: true,
                    // A real position, or the payload where every text is one.
                    position: Some(
                        self.color
                            .clone()
                            .unwrap_or_else(|| "Директор по закупкам".into()),
                    ),
                    phones: vec![self.phone.clone(), "+7 (495) 123-45-67".into()],
                    emails: vec![self.email.clone()],
                    tags: vec![self.option.clone(), "Постоянный клиент".into()],
                },
                CardContact {
                    id: 7002,
                    name: self.contact[1].clone(),
                    url: self.url("https://hogwarts.amocrm.ru/contacts/detail/7002"),
                    is_main: false,
                    position: None,
                    phones: vec!["89035550101".into()],
                    emails: Vec::new(),
                    tags: Vec::new(),
                },
            ];
        }
        page
    }

    /// The card after "Log this ticket to the deal": `shown` is how it ended.
    pub fn deal_card_logged(&self, shown: TicketLogShown) -> PageView {
        self.deal_card_with(|logged, _, _| *logged = Some(shown))
    }

    /// A write amoCRM did not take: `nothing` when it was refused outright, else its answer was lost.
    pub fn problem(&self, reason: Failure, nothing: bool) -> Problem {
        Problem {
            reason,
            reference: "QVQAQGRB".into(),
            maybe_saved: !nothing,
        }
    }

    /// The contact form back after amoCRM did not answer: every value kept, the banner, a Retry.
    pub fn contact_form_upstream(&self) -> PageView {
        let PageView::ContactForm {
            submit,
            name,
            phones,
            emails,
            ..
        } = self.contact_form(false)
        else {
            unreachable!("a contact form")
        };
        PageView::ContactForm {
            submit,
            name,
            phones,
            emails,
            company: String::new(),
            company_choice: Vec::new(),
            errors: Vec::new(),
            problem: Some(self.problem(Failure::Unavailable, false)),
        }
    }

    /// The contact form back with a choice: two companies have exactly the typed name.
    pub fn contact_form_company_choice(&self) -> PageView {
        let PageView::ContactForm {
            submit,
            name,
            phones,
            emails,
            ..
        } = self.contact_form(false)
        else {
            unreachable!("a contact form")
        };
        let company =
            |id: i64, responsible: Option<domain::model::UserRef>| domain::CompanyOption {
                id,
                name: self.client.clone(),
                responsible,
                url: self.url(&format!("https://hogwarts.amocrm.ru/companies/detail/{id}")),
            };
        PageView::ContactForm {
            submit,
            name,
            phones,
            emails,
            company: self.client.clone(),
            company_choice: vec![company(5003, Some(self.user())), company(5001, None)],
            errors: Vec::new(),
            problem: None,
        }
    }

    /// The deal form back after amoCRM blocked the write.
    pub fn deal_form_upstream(&self) -> PageView {
        let PageView::DealForm {
            submit,
            reload,
            form,
            stage,
            values,
            ..
        } = self.deal_form_with_errors()
        else {
            unreachable!("a deal form")
        };
        PageView::DealForm {
            submit,
            reload,
            form,
            stage,
            values,
            errors: Vec::new(),
            problem: Some(self.problem(Failure::Blocked, true)),
        }
    }

    /// The card back after amoCRM rate-limited the comment: the text kept above the feed.
    pub fn deal_card_upstream(&self) -> PageView {
        self.deal_card_with(|_, text, problem| {
            *text = self.note.clone();
            *problem = Some(self.problem(Failure::Busy, true));
        })
    }

    /// Every page.
    pub fn every_page(&self) -> Vec<(&'static str, PageView)> {
        vec![
            (
                "oauth_confirm",
                PageView::LoginConfirm {
                    account: self.usedesk_account(),
                    host: self.host.clone(),
                    submit: "https://amo.usedesk.example/oauth/start".into(),
                    sealed: self.token.clone(),
                },
            ),
            (
                "oauth_confirm_unnamed",
                PageView::LoginConfirm {
                    account: domain::UsedeskAccountLabel {
                        fingerprint: "a1b2c3d4e5f6".into(),
                        domains: Vec::new(),
                        agents: None,
                    },
                    host: self.host.clone(),
                    submit: "https://amo.usedesk.example/oauth/start".into(),
                    sealed: self.token.clone(),
                },
            ),
            (
                "oauth_success",
                PageView::OAuthSuccess {
                    host: self.host.clone(),
                    account: self.usedesk_account(),
                    user: Some("Minerva McGonagall".into()),
                },
            ),
            (
                "oauth_link_spent",
                PageView::OAuthFailure(OAuthFailure::LinkSpent),
            ),
            (
                "oauth_not_pinned",
                PageView::OAuthFailure(OAuthFailure::NotPinned {
                    account: self.usedesk_account(),
                    host: self.host.clone(),
                }),
            ),
            (
                "oauth_cross_site",
                PageView::OAuthFailure(OAuthFailure::CrossSite),
            ),
            ("oauth_denied", PageView::OAuthFailure(OAuthFailure::Denied)),
            (
                "oauth_bad_state",
                PageView::OAuthFailure(OAuthFailure::BadState),
            ),
            (
                "oauth_host_mismatch",
                PageView::OAuthFailure(OAuthFailure::HostMismatch {
                    expected: self.host.clone(),
                    actual: self.other_host.clone(),
                }),
            ),
            (
                "oauth_exchange_failed",
                PageView::OAuthFailure(OAuthFailure::ExchangeFailed),
            ),
            (
                "oauth_not_configured",
                PageView::OAuthFailure(OAuthFailure::NotConfigured),
            ),
            ("contact_form", self.contact_form(false)),
            ("contact_form_errors", self.contact_form(true)),
            ("deal_form", self.deal_form()),
            ("deal_form_errors", self.deal_form_with_errors()),
            ("settings", self.settings(false)),
            ("settings_saved", self.settings(true)),
            ("connection", self.connection(true, None)),
            (
                "connection_disconnected",
                self.connection(false, Some(true)),
            ),
            ("trigger_secret_created", self.trigger_secret(false)),
            ("trigger_secret_rotated", self.trigger_secret(true)),
            ("deal_card", self.deal_card(false)),
            ("deal_card_errors", self.deal_card(true)),
            ("contact_form_upstream", self.contact_form_upstream()),
            (
                "contact_form_company_choice",
                self.contact_form_company_choice(),
            ),
            ("deal_form_upstream", self.deal_form_upstream()),
            ("deal_card_upstream", self.deal_card_upstream()),
            ("deal_card_changed", self.deal_card_changed()),
            ("deal_card_contacts", self.deal_card_contacts()),
            (
                "deal_edit",
                self.deal_edit(super::deal_edit::EditState::AsItIs),
            ),
            (
                "deal_edit_errors",
                self.deal_edit(super::deal_edit::EditState::Refused),
            ),
            (
                "deal_edit_lost",
                self.deal_edit(super::deal_edit::EditState::Lost),
            ),
            (
                "log_ticket_done",
                self.deal_card_logged(TicketLogShown::Done),
            ),
            (
                "log_ticket_already",
                self.deal_card_logged(TicketLogShown::Already(NOW - 26 * 3600)),
            ),
            (
                "log_ticket_in_progress",
                self.deal_card_logged(TicketLogShown::InProgress),
            ),
            (
                "comment_form_upstream",
                PageView::CommentForm {
                    comment: self.action("action/comment"),
                    text: self.note.clone(),
                    problem: self.problem(Failure::Unavailable, false),
                },
            ),
            (
                "done_contact_created",
                PageView::Done(Done::ContactCreated {
                    name: self.contact[0].clone(),
                    url: self.url("https://hogwarts.amocrm.ru/contacts/detail/7001"),
                    phones: vec![self.phone.clone()],
                    emails: vec![self.email.clone()],
                    new_deal: Some(self.action("action/deal")),
                    company: None,
                }),
            ),
            (
                "done_contact_created_company_not_linked",
                PageView::Done(Done::ContactCreated {
                    name: self.contact[0].clone(),
                    url: self.url("https://hogwarts.amocrm.ru/contacts/detail/7001"),
                    phones: vec![self.phone.clone()],
                    emails: Vec::new(),
                    new_deal: Some(self.action("action/deal")),
                    company: Some(domain::CompanyOutcome::NotLinked {
                        id: 5001,
                        name: self.client.clone(),
                        url: self.url("https://hogwarts.amocrm.ru/companies/detail/5001"),
                        created: true,
                    }),
                }),
            ),
            ("done_linked", PageView::Done(Done::Linked)),
            ("done_unlinked", PageView::Done(Done::Unlinked)),
            ("failed_token_invalid", failed(Failure::TokenInvalid)),
            ("failed_token_expired", failed(Failure::TokenExpired)),
            ("failed_token_replayed", failed(Failure::TokenReplayed)),
            ("failed_needs_login", failed(Failure::NeedsLogin)),
            ("failed_busy", failed(Failure::Busy)),
            ("failed_queued", failed(Failure::Queued { seconds: 3 })),
            ("failed_blocked", failed(Failure::Blocked)),
            ("failed_payment_required", failed(Failure::PaymentRequired)),
            ("failed_unavailable", failed(Failure::Unavailable)),
            ("failed_not_found", failed(Failure::NotFound)),
            (
                "failed_rejected",
                failed(Failure::Rejected(self.reason.clone())),
            ),
            ("failed_internal", failed(Failure::Internal)),
        ]
    }
}

fn failed(reason: Failure) -> PageView {
    PageView::Failed {
        reason,
        reference: "r7K2mQ".into(),
    }
}
