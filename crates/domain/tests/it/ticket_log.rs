//! Logging a ticket's conversation to a deal: one note per ticket and deal, however often and however
//! concurrently it is asked for.

use std::time::Duration;

use domain::ticket_log::NOTE_MAX;
use domain::{Error, TicketLog};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::harness::{World, json as fixture_answer, mount_metadata_on};

const NOTES: &str = "/api/v4/leads/4500/notes";

/// Usedesk answers the ticket (`ticket`), the client and the agents.
async fn mount_usedesk(world: &World, ticket: ResponseTemplate) {
    mount_usedesk_on(&world.usedesk, ticket).await;
}

async fn mount_usedesk_on(usedesk: &MockServer, ticket: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ticket)
        .mount(usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/client"))
        .respond_with(fixture_answer("usedesk_client.json"))
        .mount(usedesk)
        .await;
    Mock::given(method("POST"))
        .and(path("/users"))
        .respond_with(fixture_answer("usedesk_users.json"))
        .mount(usedesk)
        .await;
}

/// amoCRM takes notes on deal 4500, `times` of them at most (checked when the world is dropped).
async fn mount_notes(world: &World, times: u64, delay: Duration) {
    mount_notes_on(&world.amo, times, delay).await;
}

async fn mount_notes_on(amo: &MockServer, times: u64, delay: Duration) {
    mount_metadata_on(amo).await;
    Mock::given(method("POST"))
        .and(path(NOTES))
        .respond_with(fixture_answer("created_note.json").set_delay(delay))
        .expect(times)
        .mount(amo)
        .await;
}

/// The texts of the notes amoCRM was sent, in order.
async fn notes_sent(world: &World) -> Vec<String> {
    notes_sent_to(&world.amo).await
}

async fn notes_sent_to(amo: &MockServer) -> Vec<String> {
    amo.received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == NOTES)
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).expect("a JSON body");
            body[0]["params"]["text"]
                .as_str()
                .expect("a common note's text")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn logging_a_ticket_adds_one_note_of_who_said_what_and_when_oldest_first_in_the_accounts_zone()
 {
    // Arrange
    let world = World::new().await;
    mount_usedesk(&world, fixture_answer("usedesk_ticket_conversation.json")).await;
    mount_notes(&world, 1, Duration::ZERO).await;
    let ctx = domain::ActionContext {
        agent: Some("Minerva McGonagall".into()),
        ..world.ctx()
    };

    // Act
    let logged = world.domain.log_ticket_to_deal(&ctx, 4500).await.unwrap();

    // Assert
    let TicketLog::Logged {
        messages, trimmed, ..
    } = logged
    else {
        panic!("expected the note to be added, got {logged:?}")
    };
    assert_eq!((messages, trimmed), (3, false));
    let link = format!("{}/tickets/1002", world.usedesk.uri());
    // Usedesk's times are read as UTC and shown in the amoCRM account's zone (Europe/Moscow, UTC+3).
    let expected = format!(
        "Conversation of Usedesk ticket #1002 “Broom broke”: {link}\n\
         Logged by the Usedesk agent Minerva McGonagall.\n\
         \n\
         2026-11-20 12:00 — Harry Potter (client):\n\
         My Nimbus 2000 broke\n\
         after one match.\n\
         \n\
         2026-11-20 12:00 — Usedesk trigger:\n\
         We got your request.\n\
         \n\
         2026-11-20 13:15 — Minerva McGonagall (agent):\n\
         We are sending a new one today.\n\
         \n\
         Sorry & thanks!"
    );
    assert_eq!(notes_sent(&world).await, vec![expected]);
}

#[tokio::test]
async fn a_second_press_says_when_the_ticket_was_logged_and_adds_nothing() {
    // Arrange
    let world = World::new().await;
    mount_usedesk(&world, fixture_answer("usedesk_ticket_conversation.json")).await;
    mount_notes(&world, 1, Duration::ZERO).await;
    let first = world
        .domain
        .log_ticket_to_deal(&world.ctx(), 4500)
        .await
        .unwrap();

    // Act
    let second = world
        .domain
        .log_ticket_to_deal(&world.ctx(), 4500)
        .await
        .unwrap();

    // Assert
    let TicketLog::Logged { at, .. } = first else {
        panic!("the first press logs, got {first:?}")
    };
    assert_eq!(second, TicketLog::AlreadyLogged { at });
    assert_eq!(notes_sent(&world).await.len(), 1);
}

#[tokio::test]
async fn two_concurrent_presses_add_one_note() {
    // Arrange: amoCRM answers slowly, so the second press comes while the first is writing.
    let world = World::new().await;
    mount_usedesk(&world, fixture_answer("usedesk_ticket_conversation.json")).await;
    mount_notes(&world, 1, Duration::from_millis(300)).await;
    let ctx = world.ctx();

    // Act
    let (a, b) = tokio::join!(
        world.domain.log_ticket_to_deal(&ctx, 4500),
        world.domain.log_ticket_to_deal(&ctx, 4500),
    );

    // Assert
    let logged = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Ok(TicketLog::Logged { .. })))
        .count();
    assert_eq!(logged, 1, "{a:?} {b:?}");
    let other = if matches!(a, Ok(TicketLog::Logged { .. })) {
        &b
    } else {
        &a
    };
    assert!(
        matches!(
            other,
            Err(Error::InProgress) | Ok(TicketLog::AlreadyLogged { .. })
        ),
        "{other:?}"
    );
    assert_eq!(notes_sent(&world).await.len(), 1);
}

#[tokio::test]
async fn a_note_amocrm_refuses_gives_the_claim_back_so_a_retry_logs_the_ticket() {
    // Arrange
    let world = World::new().await;
    mount_usedesk(&world, fixture_answer("usedesk_ticket_conversation.json")).await;
    world.mount_metadata().await;
    Mock::given(method("POST"))
        .and(path(NOTES))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&world.amo)
        .await;
    Mock::given(method("POST"))
        .and(path(NOTES))
        .respond_with(fixture_answer("created_note.json"))
        .expect(1)
        .mount(&world.amo)
        .await;

    // Act
    let failed = world.domain.log_ticket_to_deal(&world.ctx(), 4500).await;
    let retried = world.domain.log_ticket_to_deal(&world.ctx(), 4500).await;

    // Assert
    assert!(failed.is_err(), "{failed:?}");
    assert!(
        matches!(retried, Ok(TicketLog::Logged { .. })),
        "{retried:?}"
    );
    assert_eq!(notes_sent(&world).await.len(), 2);
}

#[tokio::test]
async fn a_ticket_usedesk_cannot_give_logs_nothing_and_a_retry_works() {
    // Arrange
    let world = World::new().await;
    Mock::given(method("POST"))
        .and(path("/ticket"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&world.usedesk)
        .await;
    mount_usedesk(&world, fixture_answer("usedesk_ticket_conversation.json")).await;
    mount_notes(&world, 1, Duration::ZERO).await;

    // Act
    let failed = world.domain.log_ticket_to_deal(&world.ctx(), 4500).await;
    let retried = world.domain.log_ticket_to_deal(&world.ctx(), 4500).await;

    // Assert
    assert!(matches!(failed, Err(Error::Usedesk { .. })), "{failed:?}");
    assert!(
        matches!(retried, Ok(TicketLog::Logged { .. })),
        "{retried:?}"
    );
}

#[tokio::test]
async fn a_two_hundred_message_ticket_is_cut_to_the_note_limit_with_a_link_to_the_full_ticket() {
    // Arrange
    let world = World::new().await;
    let comments: Vec<Value> = (0..200)
        .map(|i| {
            json!({
                "id": 6000 + i,
                "message": format!("<p>Message {i}: {}</p>", "the broom still pulls to the left. ".repeat(3)),
                "from": if i % 2 == 0 { "client" } else { "user" },
                "user_id": if i % 2 == 0 { Value::Null } else { json!(7) },
                "client_id": if i % 2 == 0 { json!(55) } else { Value::Null },
                "ticket_id": 1002,
                "published_at": format!("2026-11-20 {:02}:{:02}:00", 9 + i / 60, i % 60),
            })
        })
        .collect();
    let ticket = json!({
        "ticket": {"id": 1002, "subject": "Broom broke", "client_id": 55},
        "comments": comments,
    });
    mount_usedesk(&world, ResponseTemplate::new(200).set_body_json(ticket)).await;
    mount_notes(&world, 1, Duration::ZERO).await;

    // Act
    let logged = world
        .domain
        .log_ticket_to_deal(&world.ctx(), 4500)
        .await
        .unwrap();

    // Assert
    let TicketLog::Logged {
        messages, trimmed, ..
    } = logged
    else {
        panic!("expected the note to be added, got {logged:?}")
    };
    assert!(trimmed);
    assert!((10..200).contains(&messages), "{messages} messages");
    let note = notes_sent(&world).await.pop().expect("one note");
    let link = format!("{}/tickets/1002", world.usedesk.uri());
    assert!(
        note.chars().count() <= NOTE_MAX,
        "{} characters",
        note.chars().count()
    );
    assert!(
        note.starts_with("Conversation of Usedesk ticket #1002"),
        "{note}"
    );
    assert!(
        note.contains("Message 0: the broom"),
        "the oldest message comes first"
    );
    assert!(
        !note.contains("Message 199:"),
        "the newest messages are left out"
    );
    assert!(
        note.ends_with(&format!(
            "… the rest of the conversation is in the full ticket: {link}"
        )),
        "{}",
        &note[note.len().saturating_sub(200)..]
    );
}

/// Two domains over two store handles on one PostgreSQL schema stand for two replicas.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres_pressing_at_once_add_one_note() {
    // Arrange
    let Some(pg) = crate::harness::postgres_pair().await else {
        return;
    };
    let amo = MockServer::start().await;
    let usedesk = MockServer::start().await;
    mount_usedesk_on(&usedesk, fixture_answer("usedesk_ticket_conversation.json")).await;
    mount_notes_on(&amo, 1, Duration::from_millis(300)).await;
    let config = crate::harness::config(&amo, &usedesk);
    let replica_a = crate::harness::domain_over(pg.a.clone(), config.clone());
    let replica_b = crate::harness::domain_over(pg.b.clone(), config);
    let host = replica_a.parse_host(&amo.uri()).unwrap();
    let connection =
        pg.a.save_login(
            &domain::Domain::usedesk_account(&crate::harness::usedesk_token()),
            host.as_str(),
            &crate::harness::tokens("good-access", 4_000_000_000),
            Some(&crate::harness::usedesk_token()),
        )
        .await
        .unwrap();
    let ctx = domain::ActionContext {
        connection_id: connection.id,
        ticket_id: Some(1002),
        client_id: Some(55),
        actor: "agent".into(),
        lang: i18n::Lang::En,
        time_zone: None,
        agent: None,
    };

    // Act
    let (a, b) = tokio::join!(
        replica_a.log_ticket_to_deal(&ctx, 4500),
        replica_b.log_ticket_to_deal(&ctx, 4500),
    );
    let later = replica_b.log_ticket_to_deal(&ctx, 4500).await;

    // Assert
    let logged = [&a, &b]
        .iter()
        .filter(|r| matches!(r, Ok(TicketLog::Logged { .. })))
        .count();
    assert_eq!(logged, 1, "{a:?} {b:?}");
    assert!(
        matches!(later, Ok(TicketLog::AlreadyLogged { .. })),
        "{later:?}"
    );
    assert_eq!(notes_sent_to(&amo).await.len(), 1);
    pg.cleanup().await;
}

#[test]
fn a_first_message_longer_than_a_note_is_cut_with_an_ellipsis_before_the_link() {
    // Arrange
    let details = usedesk::TicketDetails {
        ticket: usedesk::Ticket {
            id: 1002,
            ..Default::default()
        },
        comments: vec![usedesk::Comment {
            id: 1,
            message: Some("word ".repeat(5_000)),
            from: Some("client".into()),
            published_at: Some("2026-11-20 09:00:00".into()),
            ..Default::default()
        }],
        ..Default::default()
    };
    let link = "https://secure.usedesk.ru/tickets/1002";

    // Act
    let note = domain::ticket_log::log_note(
        i18n::Lang::En,
        &details,
        &domain::ticket_log::Names::default(),
        &domain::Zone::utc(),
        link,
        None,
    );

    // Assert
    assert!(note.trimmed);
    assert_eq!(note.messages, 1);
    assert!(note.text.chars().count() <= NOTE_MAX);
    assert!(note.text.starts_with(&format!(
        "Conversation of Usedesk ticket #1002: {link}\n\n2026-11-20 09:00 — Client:\nword word"
    )));
    assert!(note.text.ends_with(&format!(
        "word…\n\n… the rest of the conversation is in the full ticket: {link}"
    )));
}
