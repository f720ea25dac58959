//! The state markers, checked against blocks rendered by the real templates.

use bench::html::{BlockState, classify, form_posting_to, input_value, link_containing, unescape};
use block::view::model::{Action, BlockActions, BlockView, ContactActions};
use block::view::{Display, render_block};
use domain::Degradation;
use domain::model::{AccountView, BlockData, ContactView, TicketClient};
use domain::store::ConnectionId;
use i18n::Lang;

static DISPLAY: std::sync::LazyLock<Display> = std::sync::LazyLock::new(|| Display {
    zone: domain::Zone::parse("Europe/Moscow")
        .expect("a known zone")
        .shared(),
    now: 1_756_728_000,
    default_country: Some(7),
});

fn action(path: &str) -> Action {
    Action {
        url: format!("https://service.example/{path}"),
        token: "token".into(),
    }
}

fn data(contacts: usize, stale_as_of: Option<i64>) -> BlockData {
    BlockData {
        connection_id: ConnectionId::new_random(),
        account: AccountView {
            name: "Hogwarts".into(),
            currency: "RUB".into(),
            currency_symbol: None,
            time_zone: Some("Europe/Moscow".into()),
        },
        client: TicketClient::default(),
        identifiers: vec!["+79161234567".into()],
        contacts: (0..contacts)
            .map(|i| ContactView {
                company: None,
                tasks: Default::default(),
                id: i64::try_from(i).unwrap() + 1,
                name: format!("Contact {i}"),
                phones: vec![],
                emails: vec![],
                responsible: None,
                updated_at: 0,
                url: "https://hogwarts.amocrm.ru/contacts/detail/1".into(),
                linked: false,
                matched_by: vec![],
                deals: vec![],
            })
            .collect(),
        linked: false,
        stale_as_of,
        not_searched: 0,
        render_id: 0,
        notices: Vec::new(),
        pipelines: Vec::new(),
    }
}

fn data_view(contacts: usize, stale: Option<Degradation>) -> BlockView {
    let data = data(contacts, stale.as_ref().map(|_| 1_756_700_000));
    let actions = BlockActions {
        contacts: data
            .contacts
            .iter()
            .map(|c| ContactActions {
                contact_id: c.id,
                link: None,
                unlink: None,
                new_deal: action("deal"),
                deals: vec![],
                comments: vec![],
                moves: vec![],
                add_values: vec![],
                tasks: None,
                edit: None,
                complete_tasks: Vec::new(),
            })
            .collect(),
        add_contact: action("contact"),
        create_contact: action("contact"),
        new_contacts: vec![],
        new_deals: vec![],
        settings: action("settings"),
        search: action("search"),
    };
    BlockView::Data {
        data: Box::new(data),
        actions: Box::new(actions),
        stale_reason: stale,
    }
}

fn state_of(view: &BlockView) -> BlockState {
    classify(&render_block(Lang::En, view, &DISPLAY))
}

#[test]
fn a_block_with_contacts_is_fresh() {
    // Arrange
    let view = data_view(3, None);

    // Act
    let state = state_of(&view);

    // Assert
    assert_eq!(state, BlockState::Fresh);
}

#[test]
fn a_block_that_found_nobody_is_fresh() {
    let view = data_view(0, None);

    let state = state_of(&view);

    assert_eq!(state, BlockState::Fresh);
}

#[test]
fn last_known_data_with_a_warning_is_stale() {
    let view = data_view(1, Some(Degradation::Busy { until: None }));

    let state = state_of(&view);

    assert_eq!(state, BlockState::Stale);
}

#[test]
fn each_degraded_reason_is_told_apart() {
    let cases = [
        (Degradation::Busy { until: None }, BlockState::Busy),
        (
            Degradation::Busy {
                until: Some(1_756_728_060),
            },
            BlockState::Busy,
        ),
        (Degradation::Timeout, BlockState::Timeout),
        (Degradation::Unavailable, BlockState::Degraded),
        (Degradation::Blocked { until: None }, BlockState::Degraded),
        (
            Degradation::Blocked {
                until: Some(1_756_728_300),
            },
            BlockState::Degraded,
        ),
    ];
    for (reason, expected) in cases {
        let view = BlockView::Degraded {
            reason: reason.clone(),
            reference: "ref-1".into(),
            account_url: Some("https://hogwarts.amocrm.ru".into()),
        };

        let state = state_of(&view);

        assert_eq!(state, expected, "for {reason:?}");
    }
}

#[test]
fn the_login_block_is_recognised_and_its_link_read_unescaped() {
    // Arrange
    let login_url = "http://127.0.0.1:9/oauth/start?s=a%2Bb&lang=en".to_owned();
    let view = BlockView::NeedsLogin {
        login_url: login_url.clone(),
        expired: false,
    };
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Act
    let state = classify(&html);
    let link = link_containing(&html, "/oauth/start");

    // Assert
    assert_eq!(state, BlockState::Login);
    assert_eq!(link.as_deref(), Some(login_url.as_str()));
}

#[test]
fn a_setup_message_is_neither_data_nor_degraded() {
    let state = state_of(&BlockView::MissingHost);

    assert_eq!(state, BlockState::Other);
}

#[test]
fn something_that_is_not_a_block_is_other() {
    let state = classify("<html><body>Service Unavailable</body></html>");

    assert_eq!(state, BlockState::Other);
}

#[test]
fn unescaping_restores_every_escaped_character_once() {
    let text =
        unescape("a&amp;b &lt;c&gt; &quot;d&#34; &#39;e&#x27; &amp;lt; &#38; & alone &unknown;");

    assert_eq!(text, "a&b <c> \"d\" 'e' &lt; & & alone &unknown;");
}

#[test]
fn the_gear_s_trigger_secret_button_and_the_secret_it_shows_are_found() {
    // Arrange: the real templates of the gear and of the page that shows the secret.
    let id = ConnectionId::new_random();
    let gear = block::view::render_page(
        Lang::En,
        &block::view::model::PageView::Settings {
            submit: action("action/settings"),
            settings: Box::new(domain::FieldSettings {
                connection_id: id,
                available: Vec::new(),
                choices: domain::store::FieldChoices::default(),
                pipelines: Vec::new(),
                users: Vec::new(),
                fields: Vec::new(),
            }),
            saved: false,
            trigger_secret: block::view::model::TriggerSecretSection {
                set: false,
                created_at: None,
                required: true,
                create: action("action/trigger-secret"),
                endpoint: action("api/freeCreateLead").url,
            },
            connection: action("action/connection"),
        },
        &DISPLAY,
    );
    let shown = block::view::render_page(
        Lang::En,
        &block::view::model::PageView::TriggerSecret(Box::new(
            block::view::model::TriggerSecretPage {
                secret: secrecy::SecretString::from("s3cr3t-&-more"),
                replaced: false,
                integration_id: id.to_string(),
                endpoint: "https://service.example/api/freeCreateLead".into(),
                ticket_id: Some(1002),
                required: true,
            },
        )),
        &DISPLAY,
    );

    // Act
    let form = form_posting_to(&gear, "action/trigger-secret");
    let integration_id = input_value(&gear, "integration-id");
    let secret = input_value(&shown, "trigger-secret");

    // Assert
    let form = form.expect("the trigger secret's form");
    assert_eq!(form.action, "https://service.example/action/trigger-secret");
    assert_eq!(form.fields, [("t".to_owned(), "token".to_owned())]);
    assert_eq!(integration_id, Some(id.to_string()));
    assert_eq!(secret.as_deref(), Some("s3cr3t-&-more"));
}
