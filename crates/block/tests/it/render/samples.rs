//! Hand-built view models with realistic data: an amoCRM account in roubles, a sales pipeline with coloured
//! stages, a client with open, won and lost deals; the pages' models are in `pages`. Every text can be replaced
//! by one payload (`Texts::all`) so the same models serve the escaping tests.

mod deal_edit;
mod pages;
mod search;
mod tasks;

use block::view::Display;
use block::view::model::{Action, BlockActions, BlockView, ContactActions, ValueAction};
use domain::Degradation;
use domain::model::{
    AccountView, BlockData, ContactView, DealKind, DealView, FieldLabel, FieldShown, FieldText,
    StageView, TicketClient, UserRef,
};
use domain::store::ConnectionId;

/// 2026-11-24 17:05 in Moscow (14:05 UTC).
pub const NOW: i64 = 1_795_529_100;

/// Moscow time, fixed "now".
pub static DISPLAY: std::sync::LazyLock<Display> = std::sync::LazyLock::new(|| Display {
    zone: domain::Zone::parse("Europe/Moscow")
        .expect("a known zone")
        .shared(),
    now: NOW,
    default_country: Some(7),
});

/// Every text the models carry. `Texts::real()` reads like an account; `Texts::all(payload)` puts one string everywhere.
#[derive(Clone)]
pub struct Texts {
    pub contact: [String; 3],
    pub deal: [String; 3],
    pub phone: String,
    pub email: String,
    pub user: String,
    pub client: String,
    pub pipeline: String,
    pub stage: [String; 4],
    pub color: Option<String>,
    pub field: String,
    pub value: String,
    pub url: Option<String>,
    pub note: String,
    pub host: String,
    pub other_host: String,
    pub event: String,
    pub identifier: String,
    pub option: String,
    pub reason: String,
    pub link: Option<String>,
    pub token: String,
}

impl Texts {
    pub fn real() -> Self {
        Self {
            contact: [
                "Мария Иванова".into(),
                "ИП Иванова М. А.".into(),
                "Maria Ivanova".into(),
            ],
            deal: [
                "Подписка Pro на 12 месяцев".into(),
                "Внедрение и обучение".into(),
                "Пробный период".into(),
            ],
            phone: "+7 916 123-45-67".into(),
            email: "maria@example.ru".into(),
            user: "Олег Смирнов".into(),
            client: "Мария Иванова".into(),
            pipeline: "Продажи".into(),
            stage: [
                "Первичный контакт".into(),
                "Переговоры".into(),
                "Успешно реализовано".into(),
                "Закрыто и не реализовано".into(),
            ],
            color: None,
            field: "Источник".into(),
            value: "Сайт".into(),
            url: None,
            note: "Клиент просит счёт на юрлицо.\nОтправить до пятницы.".into(),
            host: "https://hogwarts.amocrm.ru".into(),
            other_host: "https://durmstrang.amocrm.ru".into(),
            event: "entity_linked".into(),
            identifier: "+79161234567".into(),
            option: "Партнёр".into(),
            reason: "Поле «Бюджет» заполнено неверно".into(),
            link: None,
            token: "v1.eyJrIjoibGluayJ9.c2ln".into(),
        }
    }

    /// The same string in every text, colour and address.
    pub fn all(payload: &str) -> Self {
        let p = || payload.to_owned();
        Self {
            contact: [p(), p(), p()],
            deal: [p(), p(), p()],
            phone: p(),
            email: p(),
            user: p(),
            client: p(),
            pipeline: p(),
            stage: [p(), p(), p(), p()],
            color: Some(p()),
            field: p(),
            value: p(),
            url: Some(p()),
            note: p(),
            host: p(),
            other_host: p(),
            event: p(),
            identifier: p(),
            option: p(),
            reason: p(),
            link: Some(p()),
            token: p(),
        }
    }

    fn color<'a>(&'a self, real: &'a str) -> String {
        self.color.clone().unwrap_or_else(|| real.to_owned())
    }

    fn url(&self, real: &str) -> String {
        self.link.clone().unwrap_or_else(|| real.to_owned())
    }

    /// One of the service's actions; its address is the service's own, whatever the texts.
    pub fn action(&self, path: &str) -> Action {
        Action {
            url: format!("https://amo.usedesk.example/{path}"),
            token: self.token.clone(),
        }
    }

    fn user(&self) -> UserRef {
        UserRef {
            id: 11,
            name: Some(self.user.clone()),
        }
    }

    pub fn account(&self) -> AccountView {
        AccountView {
            name: "Hogwarts".into(),
            currency: "RUB".into(),
            currency_symbol: Some("₽".into()),
            time_zone: Some("Europe/Moscow".into()),
        }
    }

    fn stage(&self, id: i64, index: usize, color: &str) -> StageView {
        StageView {
            id,
            name: self.stage[index].clone(),
            color: self.color(color),
        }
    }

    /// The deals of the first contact: open (with chosen fields), won, lost.
    fn deals(&self) -> Vec<DealView> {
        let fields = vec![
            FieldShown {
                key: "cf:501".parse().unwrap(),
                label: FieldLabel::Custom("Дата демо".into()),
                // A date field: midnight UTC, shown as a date only.
                value: Some(FieldText::Date(1_795_996_800)),
            },
            FieldShown {
                key: "cf:502".parse().unwrap(),
                label: FieldLabel::Custom(self.field.clone()),
                value: Some(FieldText::Text(self.value.clone())),
            },
            FieldShown {
                key: "cf:503".parse().unwrap(),
                label: FieldLabel::Custom("Договор подписан".into()),
                value: Some(FieldText::Flag(false)),
            },
            FieldShown {
                key: "cf:504".parse().unwrap(),
                label: FieldLabel::Custom("Сайт клиента".into()),
                value: Some(FieldText::Url(
                    self.url
                        .clone()
                        .unwrap_or_else(|| "https://ivanova.example.ru".into()),
                )),
            },
            FieldShown {
                key: "cf:505".parse().unwrap(),
                label: FieldLabel::Custom("Скидка".into()),
                value: None,
            },
            FieldShown {
                key: "responsible".parse().unwrap(),
                label: FieldLabel::Builtin("responsible".parse().unwrap()),
                value: Some(FieldText::Text(self.user.clone())),
            },
        ];
        vec![
            DealView {
                id: 9101,
                name: self.deal[0].clone(),
                price: Some(125_000),
                pipeline: (3001, self.pipeline.clone()),
                stage: self.stage(31, 1, "#ffcc66"),
                kind: DealKind::Open,
                responsible: Some(self.user()),
                created_at: NOW - 6 * 86_400,
                updated_at: NOW - 3_600,
                fields,
                url: self.url("https://hogwarts.amocrm.ru/leads/detail/9101"),
                tasks: Default::default(),
            },
            DealView {
                id: 9102,
                name: self.deal[1].clone(),
                price: Some(48_000),
                pipeline: (3001, self.pipeline.clone()),
                stage: self.stage(142, 2, "#ccff66"),
                kind: DealKind::Won,
                responsible: Some(self.user()),
                created_at: NOW - 60 * 86_400,
                updated_at: NOW - 40 * 86_400,
                fields: vec![FieldShown {
                    key: "cf:501".parse().unwrap(),
                    label: FieldLabel::Custom("Дата демо".into()),
                    value: None,
                }],
                url: self.url("https://hogwarts.amocrm.ru/leads/detail/9102"),
                tasks: Default::default(),
            },
            DealView {
                id: 9103,
                name: self.deal[2].clone(),
                price: None,
                pipeline: (3001, self.pipeline.clone()),
                stage: self.stage(143, 3, "#d5d8db"),
                kind: DealKind::Lost,
                // The users list is admin-only: the name is unknown.
                responsible: Some(UserRef { id: 15, name: None }),
                created_at: NOW - 200 * 86_400,
                updated_at: NOW - 190 * 86_400,
                fields: Vec::new(),
                url: self.url("https://hogwarts.amocrm.ru/leads/detail/9103"),
                tasks: Default::default(),
            },
        ]
    }

    fn contact(&self, index: usize, id: i64, deals: Vec<DealView>) -> ContactView {
        ContactView {
            id,
            name: self.contact[index].clone(),
            phones: if index == 2 {
                Vec::new()
            } else {
                vec![self.phone.clone(), "+7 495 000-11-22".into()]
            },
            emails: if index == 1 {
                Vec::new()
            } else {
                vec![self.email.clone()]
            },
            responsible: (index == 0).then(|| self.user()),
            updated_at: NOW - 86_400,
            url: self.url(&format!("https://hogwarts.amocrm.ru/contacts/detail/{id}")),
            linked: false,
            matched_by: vec![self.identifier.clone()],
            deals,
            company: (index == 0).then(|| domain::model::CompanyRef {
                id: 5001,
                name: self.client.clone(),
                url: self.url("https://hogwarts.amocrm.ru/companies/detail/5001"),
                deals: Vec::new(),
                unread_deals: 0,
            }),
            tasks: Default::default(),
        }
    }

    fn contact_actions(&self, id: i64, deals: &[i64], link: bool, unlink: bool) -> ContactActions {
        ContactActions {
            contact_id: id,
            link: link.then(|| self.action("action/link")),
            unlink: unlink.then(|| self.action("action/unlink")),
            new_deal: self.action("action/deal"),
            deals: deals.iter().map(|d| (*d, self.action("deal"))).collect(),
            comments: deals
                .iter()
                .map(|d| (*d, self.action("action/comment")))
                .collect(),
            moves: Vec::new(),
            add_values: Vec::new(),
            tasks: Some(self.action("action/tasks")),
            complete_tasks: Vec::new(),
            edit: Some(self.action("action/contact-edit")),
        }
    }

    fn client(&self) -> TicketClient {
        TicketClient {
            ticket_id: Some(42_017),
            client_id: Some(3_301),
            name: Some(self.client.clone()),
            phones: vec![self.phone.clone()],
            emails: vec![self.email.clone()],
        }
    }

    fn data(
        &self,
        contacts: Vec<ContactView>,
        actions: Vec<ContactActions>,
    ) -> (BlockData, BlockActions) {
        let data = BlockData {
            connection_id: connection_id(),
            account: self.account(),
            client: self.client(),
            identifiers: vec![self.identifier.clone(), self.email.clone()],
            contacts,
            linked: false,
            stale_as_of: None,
            not_searched: 0,
            render_id: 0,
            notices: Vec::new(),
            pipelines: Vec::new(),
        };
        let actions = BlockActions {
            contacts: actions,
            add_contact: self.action("action/contact"),
            create_contact: self.action("action/contact"),
            new_contacts: Vec::new(),
            new_deals: Vec::new(),
            settings: self.action("action/settings"),
            search: self.action("action/search"),
        };
        (data, actions)
    }

    fn view(
        &self,
        (data, actions): (BlockData, BlockActions),
        stale: Option<Degradation>,
    ) -> BlockView {
        BlockView::Data {
            data: Box::new(data),
            actions: Box::new(actions),
            stale_reason: stale,
        }
    }

    pub fn one_contact(&self) -> BlockView {
        let contact = self.contact(0, 7001, self.deals());
        let actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        self.view(self.data(vec![contact], vec![actions]), None)
    }

    /// One contact whose company has deals of its own: six open (five listed, "1 more"), one won (counted).
    pub fn company_deals(&self) -> BlockView {
        let template = self.deals();
        let own: Vec<DealView> = (0..7)
            .map(|i| {
                let mut deal = template[i % 2].clone();
                deal.id = 9300 + i as i64;
                deal.name = format!("{} #{}", deal.name, i + 1);
                deal.fields = Vec::new();
                deal.kind = if i == 6 {
                    DealKind::Won
                } else {
                    DealKind::Open
                };
                if deal.kind == DealKind::Open {
                    deal.stage = template[0].stage.clone();
                }
                deal
            })
            .collect();
        let mut ids = vec![9101, 9102, 9103];
        ids.extend(own.iter().map(|d| d.id));
        let mut contact = self.contact(0, 7001, self.deals());
        if let Some(company) = contact.company.as_mut() {
            company.deals = own;
        }
        let actions = self.contact_actions(7001, &ids, false, false);
        self.view(self.data(vec![contact], vec![actions]), None)
    }

    /// One contact whose open deal has the stage select: its pipeline's stages (the deal's chosen), won, lost.
    pub fn stage_select(&self) -> BlockView {
        let contact = self.contact(0, 7001, self.deals());
        let mut actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        actions.moves = vec![(9101, self.action("action/deal-stage"))];
        let (mut data, actions) = self.data(vec![contact], vec![actions]);
        data.pipelines = vec![domain::model::PipelineStages {
            id: 3001,
            stages: vec![
                self.stage(30, 0, "#99ccff"),
                self.stage(31, 1, "#ffcc66"),
                StageView {
                    id: 32,
                    // A long name, to see the select shrink; the payload where every text is one.
                    name: self
                        .color
                        .clone()
                        .unwrap_or_else(|| "Договор на согласовании у юристов".into()),
                    color: self.color("#ff8f92"),
                },
            ],
        }];
        self.view((data, actions), None)
    }

    /// One contact with 22 deals: 13 open (one of them changed long ago) and 9 closed.
    pub fn many_deals(&self) -> BlockView {
        let template = self.deals();
        let deals: Vec<DealView> = (0..22)
            .map(|i| {
                let mut deal = template[i % 3].clone();
                deal.id = 9200 + i as i64;
                deal.name = format!("{} #{i:02}", deal.name);
                deal.updated_at = NOW - 3_600 * (i as i64 + 1);
                if i >= 13 {
                    deal.kind = if i % 2 == 0 {
                        DealKind::Won
                    } else {
                        DealKind::Lost
                    };
                } else {
                    deal.kind = DealKind::Open;
                    deal.stage = template[0].stage.clone();
                }
                deal
            })
            .collect();
        let ids: Vec<i64> = deals.iter().map(|d| d.id).collect();
        let contact = self.contact(0, 7001, deals);
        let actions = self.contact_actions(7001, &ids, false, false);
        self.view(self.data(vec![contact], vec![actions]), None)
    }

    /// One contact, found among the first five phones of a client with 42 phones and e-mails.
    pub fn not_searched(&self) -> BlockView {
        let contact = self.contact(0, 7001, self.deals());
        let actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        let (mut data, actions) = self.data(vec![contact], vec![actions]);
        data.not_searched = 32;
        self.view((data, actions), None)
    }

    pub fn many_contacts(&self) -> BlockView {
        let contacts = vec![
            self.contact(0, 7001, self.deals()),
            self.contact(1, 7002, Vec::new()),
            self.contact(2, 7003, vec![self.deals().remove(1)]),
        ];
        let actions = vec![
            self.contact_actions(7001, &[9101, 9102, 9103], true, false),
            self.contact_actions(7002, &[], true, false),
            self.contact_actions(7003, &[9102], true, false),
        ];
        self.view(self.data(contacts, actions), None)
    }

    pub fn linked_contact(&self) -> BlockView {
        let mut contact = self.contact(0, 7001, self.deals());
        contact.linked = true;
        let actions = self.contact_actions(7001, &[9101, 9102, 9103], false, true);
        let (mut data, actions) = self.data(vec![contact], vec![actions]);
        data.linked = true;
        self.view((data, actions), None)
    }

    /// The linked contact lacks the client's second phone and its e-mail: both are offered.
    pub fn contact_missing_values(&self) -> BlockView {
        let mut contact = self.contact(1, 7002, Vec::new());
        contact.linked = true;
        let mut actions = self.contact_actions(7002, &[], false, true);
        actions.add_values = vec![
            ValueAction {
                field: "phone",
                value: "+442079460958".into(),
                action: self.action("action/contact-value"),
            },
            ValueAction {
                field: "email",
                value: self.email.clone(),
                action: self.action("action/contact-value"),
            },
        ];
        let (mut data, actions) = self.data(vec![contact], vec![actions]);
        data.linked = true;
        self.view((data, actions), None)
    }

    pub fn contact_without_deals(&self) -> BlockView {
        let contact = self.contact(1, 7002, Vec::new());
        let actions = self.contact_actions(7002, &[], false, false);
        self.view(self.data(vec![contact], vec![actions]), None)
    }

    /// Moments after the contact and one of its deals were created from the block: both marked new.
    pub fn just_created(&self) -> BlockView {
        let contact = self.contact(0, 7001, self.deals());
        let actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        let (data, mut actions) = self.data(vec![contact], vec![actions]);
        actions.new_contacts = vec![7001];
        actions.new_deals = vec![9102];
        self.view((data, actions), None)
    }

    /// Nothing matched while amoCRM refuses writes: the last known (empty) answer, "Add" disabled.
    pub fn stale_no_contact_payment(&self) -> BlockView {
        let (mut data, actions) = self.data(Vec::new(), Vec::new());
        data.stale_as_of = Some(NOW - 600);
        self.view((data, actions), Some(Degradation::PaymentRequired))
    }

    pub fn no_contact(&self) -> BlockView {
        self.view(self.data(Vec::new(), Vec::new()), None)
    }

    pub fn no_identifiers(&self) -> BlockView {
        let (mut data, actions) = self.data(Vec::new(), Vec::new());
        data.client.phones.clear();
        data.client.emails.clear();
        data.identifiers.clear();
        self.view((data, actions), None)
    }

    /// The last known data, fetched `age` seconds ago.
    pub fn stale(&self, reason: Degradation, age: i64) -> BlockView {
        let contact = self.contact(0, 7001, self.deals());
        let actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        let (mut data, actions) = self.data(vec![contact], vec![actions]);
        data.stale_as_of = Some(NOW - age);
        self.view((data, actions), Some(reason))
    }

    /// A Usedesk account named by its agents' e-mail domain.
    pub fn usedesk_account(&self) -> domain::UsedeskAccountLabel {
        let domain = self.email.rsplit('@').next().unwrap_or_default().to_owned();
        domain::UsedeskAccountLabel {
            fingerprint: "a1b2c3d4e5f6".into(),
            domains: vec![domain],
            agents: Some(5),
        }
    }

    /// One contact, and the notice that another Usedesk account connected to the amoCRM account.
    pub fn other_account_connected(&self) -> BlockView {
        let contact = self.contact(0, 7001, self.deals());
        let actions = self.contact_actions(7001, &[9101, 9102, 9103], false, false);
        let (mut data, actions) = self.data(vec![contact], vec![actions]);
        data.notices = vec![domain::model::BlockNotice::OtherAccountConnected {
            account: self.usedesk_account(),
            at: NOW - 7 * 60,
        }];
        self.view((data, actions), None)
    }

    pub fn refused_host(&self) -> BlockView {
        BlockView::RefusedHost {
            host: self.host.clone(),
            reference: "h4T8pW".into(),
        }
    }

    pub fn needs_login(&self, expired: bool) -> BlockView {
        BlockView::NeedsLogin {
            login_url: self.url("https://amo.usedesk.example/oauth/start?s=c2VhbGVk"),
            expired,
        }
    }

    pub fn degraded(&self, reason: Degradation) -> BlockView {
        BlockView::Degraded {
            reason,
            reference: "r7K2mQ".into(),
            account_url: Some("https://hogwarts.amocrm.ru".into()),
        }
    }

    /// Every block state.
    pub fn every_block(&self) -> Vec<(&'static str, BlockView)> {
        vec![
            ("missing_host", BlockView::MissingHost),
            ("refused_host", self.refused_host()),
            (
                "oauth_not_configured",
                BlockView::OAuthNotConfigured {
                    reference: "k9P3zX".into(),
                },
            ),
            ("bad_secret", BlockView::BadSecret),
            ("missing_usedesk_token", BlockView::MissingUsedeskToken),
            ("needs_login", self.needs_login(false)),
            ("login_expired", self.needs_login(true)),
            ("no_contact", self.no_contact()),
            ("no_identifiers", self.no_identifiers()),
            ("one_contact", self.one_contact()),
            ("company_deals", self.company_deals()),
            ("stage_select", self.stage_select()),
            ("one_contact_with_tasks", self.with_tasks()),
            ("tasks_not_read", self.tasks_not_read()),
            ("many_contacts", self.many_contacts()),
            ("many_deals", self.many_deals()),
            ("not_searched", self.not_searched()),
            ("linked_contact", self.linked_contact()),
            ("contact_missing_values", self.contact_missing_values()),
            ("contact_without_deals", self.contact_without_deals()),
            ("other_account_connected", self.other_account_connected()),
            (
                "stale_unavailable",
                self.stale(Degradation::Unavailable, 25 * 60),
            ),
            (
                "stale_busy",
                self.stale(Degradation::Busy { until: None }, 26 * 3_600),
            ),
            (
                "stale_blocked",
                self.stale(Degradation::Blocked { until: None }, 10 * 60),
            ),
            (
                "stale_busy_until",
                self.stale(
                    Degradation::Busy {
                        until: Some(NOW + 60),
                    },
                    3 * 60,
                ),
            ),
            (
                "stale_blocked_until",
                self.stale(
                    Degradation::Blocked {
                        until: Some(NOW + 9 * 60),
                    },
                    10 * 60,
                ),
            ),
            ("stale_payment_no_contact", self.stale_no_contact_payment()),
            ("just_created", self.just_created()),
            (
                "stale_queued",
                self.stale(Degradation::Queued { seconds: 12 }, 5 * 60),
            ),
            (
                "stale_preparing",
                self.stale(Degradation::Preparing { seconds: 12 }, 5 * 60),
            ),
            (
                "degraded_busy",
                self.degraded(Degradation::Busy { until: None }),
            ),
            (
                "degraded_busy_until",
                self.degraded(Degradation::Busy {
                    until: Some(NOW + 60),
                }),
            ),
            (
                "degraded_preparing",
                self.degraded(Degradation::Preparing { seconds: 9 }),
            ),
            (
                "degraded_preparing_one_second",
                self.degraded(Degradation::Preparing { seconds: 1 }),
            ),
            (
                "degraded_queued",
                self.degraded(Degradation::Queued { seconds: 12 }),
            ),
            (
                "degraded_queued_one_second",
                self.degraded(Degradation::Queued { seconds: 1 }),
            ),
            (
                "degraded_blocked",
                self.degraded(Degradation::Blocked { until: None }),
            ),
            (
                "degraded_blocked_until",
                self.degraded(Degradation::Blocked {
                    until: Some(NOW + 9 * 60),
                }),
            ),
            (
                "degraded_payment_required",
                self.degraded(Degradation::PaymentRequired),
            ),
            (
                "degraded_unavailable",
                self.degraded(Degradation::Unavailable),
            ),
            ("degraded_timeout", self.degraded(Degradation::Timeout)),
            ("degraded_internal", self.degraded(Degradation::Internal)),
        ]
    }
}

pub fn connection_id() -> ConnectionId {
    ConnectionId::parse("3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a12").expect("a valid uuid")
}
