//! How each class of amoCRM answer becomes an error, and the back-off it triggers.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use amocrm::{
    Account, AccountHost, AmoClient, BackoffPolicy, BackoffSteps, Error, HostPolicy, LeadUpdate,
    LocalRateLimiter, NewContact, PauseReason, StaticToken,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Harness, RecordingObserver, TEST_TOKEN, builder_for, fixture, problem};

/// Answers `verb route` once with `answer`.
async fn mount_once(server: &MockServer, verb: &str, route: &str, answer: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(answer)
        .expect(1)
        .named(format!("{verb} {route}"))
        .mount(server)
        .await;
}

/// Answers `GET /api/v4/account` once with `answer`.
async fn mount_account(server: &MockServer, answer: ResponseTemplate) {
    mount_once(server, "GET", "/api/v4/account", answer).await;
}

/// Answers the account read once with `answer` and reads it twice: (the first result, the second, when the first
/// began).
async fn read_account_twice(
    harness: &Harness,
    answer: ResponseTemplate,
) -> (Result<Account, Error>, Result<Account, Error>, SystemTime) {
    mount_account(&harness.server, answer).await;
    let before = SystemTime::now();
    let first = harness.client.account().get(&[]).await;
    let second = harness.client.account().get(&[]).await;
    (first, second, before)
}

/// One answer to `GET /api/v4/account` and the error it must become: its status, its fixture (a 200 is a HAL
/// body, any other status a problem body, no fixture no body), and what the error must look like. `says` is the
/// case as a sentence, for the failure message.
struct Case {
    says: &'static str,
    status: u16,
    fixture: Option<&'static str>,
    expected: fn(&Error) -> bool,
}

/// Answers the account read as `case` says and checks the error it becomes.
async fn check(case: Case) {
    // Arrange
    let harness = Harness::start().await;
    let answer = match (case.status, case.fixture) {
        (200, Some(fixture)) => harness.hal(fixture),
        (status, Some(fixture)) => problem(status, fixture),
        (status, None) => ResponseTemplate::new(status),
    };
    mount_account(&harness.server, answer).await;

    // Act
    let result = harness.client.account().get(&[]).await;

    // Assert
    match result {
        Err(error) => assert!((case.expected)(&error), "{}: got {error:?}", case.says),
        Ok(account) => panic!("{}: expected an error, got {account:?}", case.says),
    }
}

#[tokio::test]
async fn each_answer_that_needs_no_follow_up_becomes_its_error() {
    let cases = [
        Case {
            says: "a 401 with a long-lived token is unauthorized with amoCRM's problem",
            status: 401,
            fixture: Some(fixture!("unauthorized_401.json")),
            expected: |e| {
                matches!(e, Error::Unauthorized { problem: Some(p) }
                    if p.title.as_deref() == Some("Unauthorized"))
            },
        },
        Case {
            says: "a 402 means the subscription ended",
            status: 402,
            fixture: Some(fixture!("payment_required_402.json")),
            expected: |e| matches!(e, Error::PaymentRequired),
        },
        Case {
            says: "a 404 is not found",
            status: 404,
            fixture: Some(fixture!("not_found_404.json")),
            expected: |e| matches!(e, Error::NotFound),
        },
        Case {
            says: "an unexpected status is reported with its number",
            status: 405,
            fixture: None,
            expected: |e| {
                matches!(
                    e,
                    Error::UnexpectedStatus {
                        status: 405,
                        problem: None
                    }
                )
            },
        },
        Case {
            says: "a 500 carries its trace id and is retryable",
            status: 500,
            fixture: Some(fixture!("server_error_500.json")),
            expected: |e| {
                matches!(e, Error::Server { status: 500, trace_id: Some(t) } if t == "4b1f0e0a9c2d4e7f")
                    && e.is_retryable()
            },
        },
        Case {
            says: "a malformed answer is a decode error naming the endpoint",
            status: 200,
            fixture: Some(fixture!("account_malformed.json")),
            expected: |e| {
                matches!(
                    e,
                    Error::Decode {
                        endpoint: "GET /api/v4/account",
                        ..
                    }
                )
            },
        },
    ];
    for case in cases {
        check(case).await;
    }
}

#[tokio::test]
async fn every_request_carries_the_bearer_token_and_asks_for_json() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .and(header(
            "authorization",
            format!("Bearer {TEST_TOKEN}").as_str(),
        ))
        .and(header("accept", "application/json"))
        .respond_with(harness.hal(fixture!("account.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let account = harness.client.account().get(&[]).await;

    // Assert
    assert_eq!(account.expect("the call succeeds").name, "Hogwarts Trading");
}

#[tokio::test]
async fn a_403_pauses_the_account_and_the_next_call_sends_nothing() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let (first, second, before) =
        read_account_twice(&harness, problem(403, fixture!("forbidden_403.json"))).await;

    // Assert
    match first {
        Err(Error::Forbidden {
            problem: Some(problem),
        }) => {
            assert_eq!(problem.detail.as_deref(), Some("Access denied"));
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    match second {
        Err(Error::Paused { until, reason }) => {
            assert_eq!(reason, PauseReason::Forbidden);
            assert!(until >= before + Duration::from_secs(300));
        }
        other => panic!("expected Paused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_403_on_the_users_list_is_a_rights_problem_and_does_not_pause_the_account() {
    // Arrange
    let harness = Harness::start().await;
    mount_once(
        &harness.server,
        "GET",
        "/api/v4/users",
        problem(403, fixture!("forbidden_403.json")),
    )
    .await;
    mount_account(&harness.server, harness.hal(fixture!("account.json"))).await;

    // Act
    let users = harness.client.users().list_all().await;
    let account = harness.client.account().get(&[]).await;

    // Assert
    assert!(matches!(users, Err(Error::Forbidden { .. })), "{users:?}");
    assert!(account.is_ok(), "{account:?}");
    assert_eq!(
        harness
            .client
            .rate_limiter()
            .paused(harness.client.host().as_str())
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_json_429_pauses_the_account_for_its_retry_after() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let (first, second, before) = read_account_twice(
        &harness,
        problem(429, fixture!("too_many_requests_429.json")),
    )
    .await;

    // Assert
    assert!(
        matches!(first, Err(Error::TooManyRequests { retry_after: Some(d) }) if d == Duration::from_secs(300)),
        "{first:?}"
    );
    match second {
        Err(Error::Paused { until, reason }) => {
            assert_eq!(reason, PauseReason::TooManyRequests);
            assert!(until >= before + Duration::from_secs(300));
            assert!(until <= SystemTime::now() + Duration::from_secs(300));
        }
        other => panic!("expected Paused, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_429_has_no_retry_after_and_pauses_for_the_first_step() {
    // Arrange
    let server = MockServer::start().await;
    crate::support::mount_catch_all(&server).await;
    mount_account(
        &server,
        ResponseTemplate::new(429)
            .set_body_raw(fixture!("too_many_requests_429.html"), "text/html"),
    )
    .await;
    let client = builder_for(&server, Arc::new(StaticToken::new(TEST_TOKEN)))
        .backoff(BackoffPolicy {
            steps_429: BackoffSteps {
                first: Duration::from_secs(42),
                cap: Duration::from_secs(100),
            },
            forbidden_cooldown: Duration::from_secs(300),
        })
        .build();
    let before = SystemTime::now();

    // Act
    let first = client.account().get(&[]).await;
    let paused = client
        .rate_limiter()
        .paused(client.host().as_str())
        .await
        .unwrap();

    // Assert
    assert!(
        matches!(first, Err(Error::TooManyRequests { retry_after: None })),
        "{first:?}"
    );
    let (until, reason) = paused.expect("the account is paused");
    assert_eq!(reason, PauseReason::TooManyRequests);
    assert!(until >= before + Duration::from_secs(42));
    assert!(until < before + Duration::from_secs(60));
}

#[tokio::test]
async fn a_400_validation_error_keeps_every_validation_detail() {
    // Arrange
    let harness = Harness::start().await;
    mount_once(
        &harness.server,
        "POST",
        "/api/v4/contacts",
        problem(400, fixture!("validation_400.json")),
    )
    .await;

    // Act
    let result = harness
        .client
        .contacts()
        .create(&[NewContact::named("Neville")])
        .await;

    // Assert
    let error = result.expect_err("a 400 is an error");
    match &error {
        Error::Validation {
            status: 400,
            problem,
        } => {
            assert_eq!(problem.detail.as_deref(), Some("Request validation failed"));
            let item = &problem.validation_errors[0];
            assert_eq!(item.request_id.as_deref(), Some("0"));
            assert_eq!(item.errors[0].code, "NotSupportedChoice");
            assert_eq!(item.errors[0].path, "custom_fields_values.0.field_id");
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("NotSupportedChoice"));
}

#[tokio::test]
async fn a_422_is_a_validation_error_too() {
    // Arrange
    let harness = Harness::start().await;
    mount_once(
        &harness.server,
        "PATCH",
        "/api/v4/leads",
        problem(422, fixture!("unprocessable_422.json")),
    )
    .await;
    let update = LeadUpdate {
        id: 7001,
        price: Some(1),
        ..LeadUpdate::default()
    };

    // Act
    let result = harness.client.leads().update(&[update]).await;

    // Assert
    match result {
        Err(Error::Validation {
            status: 422,
            problem,
        }) => {
            assert_eq!(problem.detail.as_deref(), Some("Limit 250 per page"));
        }
        other => panic!("expected a 422 validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_paused_account_fails_fast_and_sends_nothing() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(harness.hal(fixture!("account.json")))
        .expect(0)
        .named("any request while paused")
        .mount(&harness.server)
        .await;
    let until = SystemTime::now() + Duration::from_secs(120);
    harness
        .client
        .rate_limiter()
        .pause(
            harness.client.host().as_str(),
            until,
            PauseReason::TooManyRequests,
        )
        .await
        .unwrap();

    // Act
    let read = harness.client.account().get(&[]).await;
    let write = harness
        .client
        .contacts()
        .create(&[NewContact::named("Neville")])
        .await;

    // Assert
    for result in [read.map(drop), write.map(drop)] {
        match result {
            Err(Error::Paused {
                until: paused_until,
                reason,
            }) => {
                assert_eq!(paused_until, until);
                assert_eq!(reason, PauseReason::TooManyRequests);
            }
            other => panic!("expected Paused, got {other:?}"),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_request_slower_than_the_timeout_fails_with_timeout() {
    // Arrange: the paused clock jumps to the timeout as soon as the runtime waits on the network,
    // which may be before the request has even reached the server, so the mock has no count.
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .respond_with(
            harness
                .hal(fixture!("account.json"))
                .set_delay(Duration::from_secs(600)),
        )
        .mount(&harness.server)
        .await;
    let client = builder_for(&harness.server, Arc::new(StaticToken::new(TEST_TOKEN)))
        .timeout(Duration::from_secs(10))
        .build();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    let error = result.expect_err("the request times out");
    assert!(matches!(error, Error::Timeout), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_unreachable_host_is_a_retryable_transport_error() {
    // Arrange: a port that was free a moment ago and has nothing listening on it now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let policy = HostPolicy::with_extra_allowed(vec![origin.clone()]);
    let client = AmoClient::builder(
        AccountHost::parse(&origin, &policy).unwrap(),
        Arc::new(StaticToken::new(TEST_TOKEN)),
    )
    .build();

    // Act
    let result = client.account().get(&[]).await;

    // Assert
    let error = result.expect_err("nothing listens there");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn the_observer_sees_each_call_with_its_endpoint_label_and_status() {
    // Arrange
    let harness = Harness::start().await;
    mount_account(&harness.server, harness.hal(fixture!("account.json"))).await;
    mount_once(
        &harness.server,
        "GET",
        "/api/v4/contacts/42",
        problem(404, fixture!("not_found_404.json")),
    )
    .await;
    let observer = Arc::new(RecordingObserver::default());
    let client = builder_for(&harness.server, Arc::new(StaticToken::new(TEST_TOKEN)))
        .observer(observer.clone())
        .rate_limiter(Arc::new(LocalRateLimiter::new(100, Duration::from_secs(1))))
        .build();

    // Act
    client.account().get(&[]).await.unwrap();
    let missing = client.contacts().get(42, false).await.unwrap();

    // Assert
    assert_eq!(missing, None);
    assert_eq!(
        *observer.calls.lock().unwrap(),
        [
            ("GET /api/v4/account", Some(200)),
            ("GET /api/v4/contacts/{id}", Some(404)),
        ]
    );
    assert_eq!(
        *observer.waits.lock().unwrap(),
        [Duration::ZERO, Duration::ZERO]
    );
}

#[tokio::test]
async fn debug_output_of_the_client_shows_the_host_but_no_token() {
    // Arrange
    let harness = Harness::start().await;

    // Act
    let printed = format!("{:?}", harness.client);

    // Assert
    assert!(printed.contains(&harness.server.uri()), "{printed}");
    assert!(!printed.contains(TEST_TOKEN), "{printed}");
}
