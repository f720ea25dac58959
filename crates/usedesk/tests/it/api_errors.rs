//! How Usedesk's failures become [`usedesk::Error`]s.

use std::time::Duration;

use usedesk::{Error, NewComment, UsedeskClient};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{TOKEN, client_for, json_response, usedesk};

/// The call a case makes, and the path it posts to.
#[derive(Debug, Clone, Copy)]
enum Call {
    Ticket,
    Users,
    Client,
    CreateComment,
}

impl Call {
    fn path(self) -> &'static str {
        match self {
            Call::Ticket => "/ticket",
            Call::Users => "/users",
            Call::Client => "/client",
            Call::CreateComment => "/create/comment",
        }
    }

    async fn on(self, client: &UsedeskClient) -> Result<(), Error> {
        match self {
            Call::Ticket => client.ticket(1).await.map(drop),
            Call::Users => client.users().await.map(drop),
            Call::Client => client.client(1).await.map(drop),
            Call::CreateComment => client
                .create_comment(&NewComment::private(1, ""))
                .await
                .map(drop),
        }
    }
}

/// What Usedesk answers with: a JSON fixture, a fixture as text, or nothing.
#[derive(Debug, Clone, Copy)]
enum Body {
    Json(&'static str),
    Text(&'static str),
    Empty,
}

/// One failing answer and the error it must become. `says` is the case as a sentence, for the failure message.
struct Case {
    says: &'static str,
    call: Call,
    status: u16,
    body: Body,
    expected: fn(&Error) -> bool,
}

/// Answers `POST route` once with `answer`.
async fn mount_once(server: &MockServer, route: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(answer)
        .expect(1)
        .mount(server)
        .await;
}

/// Answers the case's call as it says and checks the error it becomes.
async fn check(case: Case) {
    // Arrange
    let server = usedesk().await;
    let answer = match case.body {
        Body::Json(fixture) => json_response(case.status, fixture),
        Body::Text(fixture) => ResponseTemplate::new(case.status).set_body_string(fixture),
        Body::Empty => ResponseTemplate::new(case.status),
    };
    mount_once(&server, case.call.path(), answer).await;

    // Act
    let result = case.call.on(&client_for(&server)).await;

    // Assert
    match result {
        Err(error) => assert!((case.expected)(&error), "{}: got {error:?}", case.says),
        Ok(()) => panic!("{}: expected an error, got a success", case.says),
    }
}

#[tokio::test]
async fn each_failing_answer_becomes_its_error() {
    let cases = [
        Case {
            says: "a 401 answer is unauthorized and not retryable",
            call: Call::Ticket,
            status: 401,
            body: Body::Json(fixture!("error_invalid_token.json")),
            expected: |e| {
                matches!(e, Error::Unauthorized { body } if body.contains("Invalid api token"))
                    && !e.is_retryable()
            },
        },
        Case {
            says: "a 403 answer is unauthorized",
            call: Call::Users,
            status: 403,
            body: Body::Empty,
            expected: |e| matches!(e, Error::Unauthorized { .. }),
        },
        Case {
            says: "an error body about the token is unauthorized even with status 200",
            call: Call::Client,
            status: 200,
            body: Body::Json(fixture!("error_invalid_token.json")),
            expected: |e| matches!(e, Error::Unauthorized { .. }),
        },
        Case {
            says: "a 500 answer is a retryable HTTP error that keeps Usedesk's body",
            call: Call::Ticket,
            status: 500,
            body: Body::Text(fixture!("not_json.html")),
            expected: |e| {
                matches!(e, Error::Http { status: 500, body } if body.contains("502 Bad Gateway"))
                    && e.is_retryable()
            },
        },
        Case {
            says: "an error body with status 200 is an API error with Usedesk's message",
            call: Call::CreateComment,
            status: 200,
            body: Body::Json(fixture!("error_validation.json")),
            expected: |e| {
                matches!(e, Error::Api { message, body }
                    if message == "The message field is required."
                        && body.contains("The message field is required."))
                    && !e.is_retryable()
            },
        },
        Case {
            says: "a success answer that is not JSON is a decode error naming the method",
            call: Call::Users,
            status: 200,
            body: Body::Text(fixture!("not_json.html")),
            expected: |e| {
                matches!(e, Error::Decode { method, message }
                    if method == "users" && message.starts_with("expected JSON, got \"<html>"))
            },
        },
        Case {
            says: "a 404 HTML page is an HTTP error because it means a wrong base URL",
            call: Call::Ticket,
            status: 404,
            body: Body::Text(fixture!("not_json.html")),
            expected: |e| matches!(e, Error::Http { status: 404, .. }),
        },
        Case {
            says: "a 404 with a JSON error is not found",
            call: Call::Ticket,
            status: 404,
            body: Body::Json(fixture!("error_ticket_not_found.json")),
            expected: |e| matches!(e, Error::NotFound { .. }),
        },
        Case {
            says: "a 429 answer is retryable",
            call: Call::Users,
            status: 429,
            body: Body::Empty,
            expected: |e| matches!(e, Error::Http { status: 429, .. }) && e.is_retryable(),
        },
    ];
    for case in cases {
        check(case).await;
    }
}

#[tokio::test]
async fn an_answer_slower_than_the_timeout_is_a_retryable_timeout() {
    // Arrange
    let server = usedesk().await;
    mount_once(
        &server,
        "/ticket",
        json_response(200, fixture!("ticket.json")).set_delay(Duration::from_secs(5)),
    )
    .await;
    let client = client_for(&server).with_timeout(Duration::from_millis(200));

    // Act
    let error = client.ticket(1).await.expect_err("the answer is too slow");

    // Assert
    assert_eq!(error, Error::Timeout);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_unreachable_server_is_a_retryable_transport_error() {
    // Arrange: a port that was free a moment ago has no listener now.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("the port's address");
    drop(listener);
    let base = url::Url::parse(&format!("http://{address}/")).expect("a valid URL");
    let client = usedesk::UsedeskClient::new(
        base,
        secrecy::SecretString::from(TOKEN),
        reqwest::Client::new(),
    );

    // Act
    let error = client.users().await.expect_err("nobody listens");

    // Assert
    assert!(matches!(error, Error::Transport(_)), "got {error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn error_bodies_never_carry_the_token_even_when_usedesk_echoes_it() {
    // Arrange
    let server = usedesk().await;
    mount_once(
        &server,
        "/ticket",
        ResponseTemplate::new(500).set_body_string(format!("{}{TOKEN}", fixture!("not_json.html"))),
    )
    .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("Usedesk fails");

    // Assert
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    assert!(shown.contains("[REDACTED]"), "the echo is marked: {shown}");
}

#[tokio::test]
async fn long_error_bodies_are_cut_to_two_kibibytes() {
    // Arrange
    let server = usedesk().await;
    let long_page = fixture!("not_json.html").repeat(100);
    mount_once(
        &server,
        "/ticket",
        ResponseTemplate::new(503).set_body_string(long_page),
    )
    .await;

    // Act
    let error = client_for(&server)
        .ticket(1)
        .await
        .expect_err("Usedesk fails");

    // Assert
    match error {
        Error::Http { status, body } => {
            assert_eq!(status, 503);
            assert!(
                body.len() <= 2048 + '…'.len_utf8(),
                "body is {} bytes",
                body.len()
            );
            assert!(body.ends_with('…'));
        }
        other => panic!("expected Http, got {other:?}"),
    }
}
