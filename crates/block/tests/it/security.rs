//! What must never happen: markup from amoCRM or Usedesk data, cross-origin answers to unlisted origins,
//! pages without their security headers, secrets in `Debug` output.

use block::BlockConfig;
use domain::store::{FieldChoices, Store};
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const JS_URL: &str = "javascript:alert(1)";
const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The start tags of a document: each name with its attributes (name, value), text and styles skipped.
///
/// Escaped data never holds a raw `<`, so every tag found here is real markup.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let mut chars = rest.char_indices().peekable();
        let mut name = String::new();
        while let Some((_, c)) =
            chars.next_if(|(_, c)| !c.is_whitespace() && *c != '>' && *c != '/')
        {
            name.push(c.to_ascii_lowercase());
        }
        let mut attributes = Vec::new();
        let mut end = rest.len();
        loop {
            while chars
                .next_if(|(_, c)| c.is_whitespace() || *c == '/')
                .is_some()
            {}
            match chars.peek() {
                None => break,
                Some((i, '>')) => {
                    end = *i + 1;
                    break;
                }
                _ => {}
            }
            let mut attribute = String::new();
            while let Some((_, c)) =
                chars.next_if(|(_, c)| !c.is_whitespace() && !matches!(c, '=' | '>'))
            {
                attribute.push(c.to_ascii_lowercase());
            }
            let mut value = String::new();
            if chars.next_if(|(_, c)| *c == '=').is_some() {
                match chars.next_if(|(_, c)| *c == '"' || *c == '\'') {
                    Some((_, quote)) => {
                        for (_, c) in chars.by_ref() {
                            if c == quote {
                                break;
                            }
                            value.push(c);
                        }
                    }
                    None => {
                        while let Some((_, c)) =
                            chars.next_if(|(_, c)| !c.is_whitespace() && *c != '>')
                        {
                            value.push(c);
                        }
                    }
                }
            }
            attributes.push((attribute, value));
        }
        rest = &rest[end.min(rest.len())..];
        if name == "style" {
            rest = rest.find("</style>").map_or("", |i| &rest[i..]);
        }
        found.push((name, attributes));
    }
    found
}

/// Asserts no payload survives as markup — no injected element, handler, script URL or style — while
/// the data is still shown as text.
#[track_caller]
fn assert_inert(html: &str, shown: &[&str]) {
    for (name, attributes) in tags(html) {
        assert!(
            !matches!(
                name.as_str(),
                "script" | "img" | "iframe" | "object" | "embed" | "svg:script"
            ),
            "an injected <{name}> element:\n{html}"
        );
        for (attribute, value) in attributes {
            // The in-place handler of the block's own forms, and the pages' own handlers (a read-only field
            // selected on focus, the gear's filter box, the deal form's stage select) are the only inline code.
            let own = match attribute.as_str() {
                "onsubmit" => true,
                "onfocus" => value == "this.select()",
                "oninput" => value.starts_with("var q=this.value"),
                "onchange" => value.starts_with("var s=this.value,f=this.form"),
                _ => false,
            };
            assert!(
                !attribute.starts_with("on") || own,
                "an injected {attribute} handler:\n{html}"
            );
            let value = unescape(&value).trim().to_ascii_lowercase();
            if matches!(attribute.as_str(), "href" | "action" | "src" | "formaction") {
                assert!(!value.starts_with("javascript:"), "a script URL:\n{html}");
            }
            if attribute == "style" {
                assert!(
                    !value.contains("url(") && !value.contains("expression("),
                    "an injected style {value}:\n{html}"
                );
            }
        }
    }
    for text in shown {
        assert_shows(html, text);
    }
}

async fn mount_xss_metadata(app: &TestApp) {
    app.mount_get("/api/v4/account", fixture!("block/xss_account.json"))
        .await;
    app.mount_no_tasks().await;
    app.mount_get(
        "/api/v4/leads/pipelines",
        fixture!("block/xss_pipelines.json"),
    )
    .await;
    app.mount_get("/api/v4/users", fixture!("block/xss_users.json"))
        .await;
    app.mount_get(
        "/api/v4/leads/custom_fields",
        fixture!("block/xss_lead_fields.json"),
    )
    .await;
}

/// The block request with markup in every Usedesk field.
fn xss_request(app: &TestApp) -> Value {
    let mut body = app.block_request();
    body["subject"] = Value::from(SCRIPT);
    body["client_data"]["name"] = Value::from(format!("{SCRIPT}{IMG}"));
    body["client_data"]["phones"] = json!([
        {"type": "mobile", "phone": "+7 (916) 123-45-67"},
        {"type": "other", "phone": IMG},
    ]);
    body["client_data"]["emails"] = json!(["harry.potter@hogwarts.example", JS_URL]);
    body
}

fn claims(connection: &str, kind: &str, subject: Option<i64>) -> Value {
    json!({"c": connection, "t": TICKET_ID, "u": CLIENT_ID, "k": kind, "s": subject,
           "l": "en", "e": domain::now() + 600, "n": format!("x-{kind}")})
}

#[tokio::test]
async fn markup_in_amocrm_and_usedesk_data_is_escaped_in_the_block() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await;
    app.store
        .set_field_choices(
            connection,
            &FieldChoices {
                list: vec![
                    "cf:711".parse().unwrap(),
                    "cf:712".parse().unwrap(),
                    "cf:713".parse().unwrap(),
                ],
                card: Vec::new(),
            },
        )
        .await
        .unwrap();
    mount_xss_metadata(&app).await;
    app.mount_search(PHONE_QUERY, Some(fixture!("block/xss_contacts.json")))
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .with_priority(10)
        .mount(&app.amo)
        .await;
    app.mount_get("/api/v4/leads", fixture!("block/xss_leads.json"))
        .await;

    // Act
    let (status, html) = app.post_block(&xss_request(&app)).await;

    // Assert
    assert_eq!(status, 200);
    assert_inert(&html, &[SCRIPT, IMG, JS_URL]);
    assert!(
        !html.contains("red;background"),
        "the colour is replaced:\n{html}"
    );
}

#[tokio::test]
async fn markup_in_the_usedesk_client_is_escaped_in_the_add_contact_form() {
    // Arrange
    let app = TestApp::start().await;
    app.connect().await;
    mount_xss_metadata(&app).await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&app.amo)
        .await;

    // Act
    let (status, html) = app.post_block(&xss_request(&app)).await;

    // Assert
    assert_eq!(status, 200);
    assert_inert(&html, &[&format!("{SCRIPT}{IMG}")]);
}

#[tokio::test]
async fn markup_in_amocrm_data_is_escaped_in_every_page() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await.to_string();
    mount_xss_metadata(&app).await;
    app.mount_get("/api/v4/leads/7001", fixture!("block/xss_lead.json"))
        .await;
    app.mount_get("/api/v4/leads/7001/notes", fixture!("block/xss_notes.json"))
        .await;
    app.mount_get("/api/v4/events", fixture!("block/xss_events.json"))
        .await;
    app.mount_get("/api/v4/contacts", fixture!("block/xss_card_contacts.json"))
        .await;
    let card = sign_claims(&claims(&connection, "deal", Some(7001)), SIGNING_KEY);
    let deal = sign_claims(&claims(&connection, "new_deal", Some(3001)), SIGNING_KEY);
    let settings = sign_claims(&claims(&connection, "settings", None), SIGNING_KEY);
    let contact = sign_claims(&claims(&connection, "add_contact", None), SIGNING_KEY);

    // Act
    let (card_status, card_page) = app.get_page(&app.url("/deal"), &card, &[]).await;
    let (deal_status, deal_page) = app
        .get_page(
            &app.url("/action/deal"),
            &deal,
            &[
                ("stage", "3001000:40001"),
                ("cf:711", SCRIPT),
                ("name", IMG),
            ],
        )
        .await;
    let (settings_status, settings_page) = app
        .get_page(&app.url("/action/settings"), &settings, &[])
        .await;
    let (contact_status, contact_page) = app
        .get_page(
            &app.url("/action/contact"),
            &contact,
            &[("name", IMG), ("phone", SCRIPT), ("email", JS_URL)],
        )
        .await;

    // Assert
    assert_eq!(
        (card_status, deal_status, settings_status, contact_status),
        (200, 200, 200, 200)
    );
    assert_inert(&card_page, &[SCRIPT, IMG, JS_URL]);
    assert_inert(&deal_page, &[SCRIPT, IMG]);
    assert_inert(&settings_page, &[SCRIPT, IMG]);
    assert_inert(&contact_page, &[SCRIPT, IMG, JS_URL]);
}

#[tokio::test]
async fn in_place_action_from_an_allowed_origin_gets_cors_headers() {
    // Arrange
    let app = TestApp::with(Options {
        cors: vec!["https://secure.usedesk.ru".into()],
        ..Options::default()
    })
    .await;
    let connection = app.connect().await;
    app.store
        .set_link(connection, CLIENT_ID, 3001)
        .await
        .unwrap();
    let unlink = sign_claims(
        &claims(&connection.to_string(), "unlink", Some(3001)),
        SIGNING_KEY,
    );

    // Act
    let (status, body, headers) = app
        .post_in_place(
            &app.url("/action/unlink"),
            &[("t", &unlink)],
            Some("https://secure.usedesk.ru"),
        )
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(body["ok"], true);
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://secure.usedesk.ru"
    );
    assert_eq!(headers["vary"], "Origin");
}

#[tokio::test]
async fn in_place_action_from_another_origin_is_refused_untouched_so_the_plain_form_still_works() {
    // Arrange
    let app = TestApp::with(Options {
        cors: vec!["https://secure.usedesk.ru".into()],
        ..Options::default()
    })
    .await;
    let connection = app.connect().await;
    app.store
        .set_link(connection, CLIENT_ID, 3001)
        .await
        .unwrap();
    let unlink = sign_claims(
        &claims(&connection.to_string(), "unlink", Some(3001)),
        SIGNING_KEY,
    );

    // Act
    let (status, body, headers) = app
        .post_in_place(
            &app.url("/action/unlink"),
            &[("t", &unlink)],
            Some("https://evil.example"),
        )
        .await;
    let untouched = linked_contact(&app, connection).await;
    let (plain, _) = app
        .post_form(&app.url("/action/unlink"), &[("t", &unlink)])
        .await;

    // Assert
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    assert!(!headers.contains_key("access-control-allow-origin"));
    assert_eq!(untouched, Some(3001), "nothing done, the token not spent");
    assert_eq!(plain, 200);
    assert_eq!(linked_contact(&app, connection).await, None);
}

#[tokio::test]
async fn preflight_is_answered_only_for_configured_origins() {
    // Arrange
    let app = TestApp::with(Options {
        cors: vec!["https://secure.usedesk.ru".into()],
        ..Options::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/action/comment"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "accept")
            .send()
    };

    // Act
    let allowed = preflight("https://secure.usedesk.ru").await.unwrap();
    let refused = preflight("https://evil.example").await.unwrap();

    // Assert
    assert_eq!(allowed.status().as_u16(), 204);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://secure.usedesk.ru"
    );
    assert_eq!(allowed.headers()["access-control-allow-methods"], "POST");
    assert!(
        allowed.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("accept")
    );
    assert_eq!(refused.status().as_u16(), 403);
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let response = app
        .http
        .get(app.url("/action/settings?t=forged"))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(response.status().as_u16(), 403);
    let headers = response.headers();
    assert_eq!(headers["content-security-policy"], PAGE_CSP);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn preview_page_runs_its_script_and_answers_in_the_chosen_language() {
    // Arrange
    let app = TestApp::with(Options {
        preview: true,
        ..Options::default()
    })
    .await;

    // Act
    let response = app
        .http
        .get(app.url("/preview?lang=ru"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = response.text().await.unwrap();

    // Assert
    assert_eq!(status, 200);
    assert!(csp.contains("script-src 'unsafe-inline'") && csp.contains("connect-src 'self'"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(page.contains("lang=\"ru\""), "a Russian page:\n{page}");
    assert_shows(&page, &app.url("/api/"));
}

#[tokio::test]
async fn preview_page_is_absent_unless_configured() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let response = app.http.get(app.url("/preview")).send().await.unwrap();

    // Assert
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn unknown_routes_answer_404_and_wrong_methods_405() {
    // Arrange
    let app = TestApp::start().await;

    // Act
    let unknown = app.http.get(app.url("/nope")).send().await.unwrap();
    let wrong = app.http.get(app.url("/api/")).send().await.unwrap();
    let wrong_action = app
        .http
        .delete(app.url("/action/link"))
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(unknown.status().as_u16(), 404);
    assert_eq!(wrong.status().as_u16(), 405);
    assert_eq!(wrong.headers()["allow"], "POST");
    assert_eq!(wrong_action.status().as_u16(), 405);
}

#[test]
fn config_debug_prints_no_secret() {
    // Arrange
    let mut config = BlockConfig::new(
        Url::parse("http://127.0.0.1:8080/").unwrap(),
        SecretString::from("the-signing-key-that-must-never-be-printed"),
    );
    config.block_secret = Some(SecretString::from("the-block-secret"));

    // Act
    let printed = format!("{config:?}");

    // Assert
    assert!(!printed.contains("the-signing-key"));
    assert!(!printed.contains("the-block-secret"));
    assert!(printed.contains("127.0.0.1:8080"));
}

#[test]
fn config_validation_refuses_a_short_signing_key_and_a_malformed_origin() {
    // Arrange
    let url = Url::parse("http://127.0.0.1:8080/").unwrap();
    let short = BlockConfig::new(url.clone(), SecretString::from("short"));
    let mut origin = BlockConfig::new(url, SecretString::from(SIGNING_KEY));
    origin.cors_origins = vec!["https://secure.usedesk.ru/path".into()];

    // Act
    let short = short.validate();
    let origin = origin.validate();

    // Assert
    assert!(short.is_err());
    assert!(origin.is_err());
}

#[tokio::test]
async fn a_login_link_minted_by_another_tenant_names_that_tenant_and_works_once_only() {
    // Arrange: the attacker renders a block with its own Usedesk token and the victim's amoCRM account, and
    // sends the victim (an amoCRM admin) the login link.
    let app = TestApp::start().await;
    app.mount_usedesk_users().await;
    let attacker = "attacker-usedesk-token";
    let mut request = app.block_request();
    request["usedesk_api_token"] = Value::from(attacker);
    let (_, html) = app.post_block(&request).await;
    let html = unescape(&html);
    let at = html
        .find(&format!("{}/oauth/start?s=", app.base))
        .expect("a login link");
    let link: String = html[at..].chars().take_while(|c| *c != '"').collect();
    let sealed = Url::parse(&link)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "s")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let attacker_account = domain::fingerprint(&domain::Domain::usedesk_account(
        &SecretString::from(attacker),
    ));

    // Act: the victim opens the link, presses the button; the attacker tries the link again.
    let (first, page) = app.confirm_login(&link).await;
    let again = app
        .http
        .post(app.url("/oauth/start"))
        .form(&[("s", sealed.as_str())])
        .send()
        .await
        .unwrap();
    // …and a link of the same tenant minted 21 minutes ago.
    let expired = seal_login(
        &json!({"u": attacker, "h": app.amo_host().as_str(), "l": "en",
            "e": domain::now() - 60, "n": "attack-expired"}),
        SIGNING_KEY,
    );
    let late = app
        .http
        .post(app.url("/oauth/start"))
        .form(&[("s", expired.as_str())])
        .send()
        .await
        .unwrap();

    // Assert: the victim was told which Usedesk account would get the access, and to which amoCRM account.
    let page = unescape(&page);
    assert_shows(&page, &format!("#{attacker_account}"));
    assert_shows(&page, app.amo_host().as_str());
    assert_shows(
        &page,
        &t1(
            i18n::Lang::En,
            "login-confirm-consequence",
            "host",
            app.amo_host().as_str(),
        ),
    );
    assert_eq!(first.status().as_u16(), 302);
    // The link does not lead to amoCRM a second time, nor once expired.
    for answer in [again, late] {
        assert_eq!(answer.status().as_u16(), 410);
        assert!(answer.headers().get("location").is_none());
        assert_shows(
            &answer.text().await.unwrap(),
            &t(i18n::Lang::En, "oauth-link-spent"),
        );
    }
}

/// POSTs the trigger fixture for `connection` as `build` shapes the request; the status and the JSON answer.
async fn attack(
    app: &TestApp,
    connection: domain::store::ConnectionId,
    build: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> (u16, Value) {
    let mut body: Value =
        serde_json::from_str(fixture!("block/trigger.json")).expect("the fixture is JSON");
    body["amoClientId"] = Value::from(connection.to_string());
    body["fields"]["name"] = Value::from("URGENT: pay invoice at https://evil.example/pay");
    body["comment"] = Value::from(IMG);
    let request = build(app.http.post(app.url("/api/freeCreateLead")).json(&body));
    let response = request.send().await.expect("the service answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

#[tokio::test]
async fn a_trigger_with_only_the_integration_id_or_a_bad_secret_is_refused_and_reaches_nothing() {
    // Arrange: two connections with secrets; the first one's secret rotated once. The catch-alls fail the test
    // on any request to amoCRM or Usedesk.
    let app = TestApp::start().await;
    let victim = app.connect().await;
    let other = app.connect_other().await;
    let old = app.trigger_secret(victim).await;
    let current = app.trigger_secret(victim).await;
    let others = app.trigger_secret(other).await;
    let unknown = domain::store::ConnectionId::new_random();

    // Act
    let answers = vec![
        ("no secret", attack(&app, victim, |r| r).await),
        (
            "blank header",
            attack(&app, victim, |r| r.header("X-Trigger-Secret", "  ")).await,
        ),
        (
            "wrong header",
            attack(&app, victim, |r| r.header("X-Trigger-Secret", "guessed")).await,
        ),
        (
            "wrong bearer",
            attack(&app, victim, |r| r.bearer_auth("guessed")).await,
        ),
        (
            "wrong query",
            attack(&app, victim, |r| r.query(&[("secret", "guessed")])).await,
        ),
        (
            "the Integration ID as the secret",
            attack(&app, victim, |r| {
                r.header("X-Trigger-Secret", victim.to_string())
            })
            .await,
        ),
        (
            "another connection's secret",
            attack(&app, victim, |r| r.header("X-Trigger-Secret", &others)).await,
        ),
        (
            "the secret before rotation",
            attack(&app, victim, |r| r.header("X-Trigger-Secret", &old)).await,
        ),
        (
            "an unknown Integration ID with a real secret",
            attack(&app, unknown, |r| r.header("X-Trigger-Secret", &current)).await,
        ),
        (
            "an unknown Integration ID without a secret",
            attack(&app, unknown, |r| r).await,
        ),
    ];

    // Assert: every one is a 401 naming where the secret is found, and none reached amoCRM or Usedesk.
    for (what, (status, body)) in &answers {
        assert_eq!(*status, 401, "{what}: {body}");
        let code = body["error"]["code"].as_str().unwrap();
        assert!(
            code == "trigger_secret_required" || code == "trigger_secret_invalid",
            "{what}: {body}"
        );
        assert_eq!(body["error"]["path"], Value::Null, "{what}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("gear of the amoCRM block"),
            "{what}: {body}"
        );
    }
    let answer_of = |what: &str| &answers.iter().find(|(w, _)| *w == what).unwrap().1;
    assert_eq!(
        answer_of("an unknown Integration ID with a real secret"),
        answer_of("wrong header"),
        "an unknown ID answers as a wrong secret does"
    );
    assert_eq!(
        answer_of("an unknown Integration ID without a secret"),
        answer_of("no secret"),
        "an unknown ID answers as a missing secret does"
    );
    assert!(app.amo.received_requests().await.unwrap().is_empty());
    assert!(app.usedesk.received_requests().await.unwrap().is_empty());
    // Nothing was stored: no audit line, no idempotency record for the request.
    for connection in [victim, unknown] {
        assert!(
            app.store
                .list_audit(connection, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
    let mut body: Value = serde_json::from_str(fixture!("block/trigger.json")).unwrap();
    body["amoClientId"] = Value::from(victim.to_string());
    body["fields"]["name"] = Value::from("URGENT: pay invoice at https://evil.example/pay");
    body["comment"] = Value::from(IMG);
    let parsed = usedesk::FreeCreateLead::parse(body.to_string().as_bytes()).unwrap();
    let fingerprint: String = parsed
        .fingerprint()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        app.store
            .claim_idempotency(
                victim,
                &format!("fp:{fingerprint}"),
                &fingerprint,
                3600,
                120
            )
            .await
            .unwrap(),
        domain::store::IdempotencyClaim::Claimed { progress: None },
        "no idempotency record was left"
    );
}

#[tokio::test]
async fn the_trigger_secret_page_runs_only_its_hashed_focus_handler() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await.to_string();
    let token = sign_claims(&claims(&connection, "trigger_secret", None), SIGNING_KEY);

    // Act
    let response = app
        .http
        .post(app.url("/action/trigger-secret"))
        .form(&[("t", token.as_str())])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let page = response.text().await.unwrap();

    // Assert
    assert_eq!(status, 200);
    let csp = headers["content-security-policy"].to_str().unwrap();
    let handlers: Vec<String> = tags(&page)
        .into_iter()
        .flat_map(|(_, attributes)| attributes)
        .filter(|(name, _)| name.starts_with("on"))
        .map(|(_, value)| value)
        .collect();
    assert!(!handlers.is_empty());
    for handler in &handlers {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD
            .encode(sha2::Sha256::digest(handler.as_bytes()));
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "{handler} is not allowed by {csp}"
        );
    }
    assert_eq!(
        csp.replace(
            &csp[csp.find("script-src").unwrap()..csp.find("form-action").unwrap()],
            ""
        ),
        PAGE_CSP,
        "otherwise the usual page policy"
    );
    assert!(
        !csp.contains("'unsafe-inline'; form-action")
            && !csp.contains("script-src 'unsafe-inline'")
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(!page.to_ascii_lowercase().contains("<script"));
}

#[tokio::test]
async fn a_trigger_secret_token_works_once_and_only_for_its_connection() {
    // Arrange
    let app = TestApp::start().await;
    let connection = app.connect().await.to_string();
    let token = sign_claims(&claims(&connection, "trigger_secret", None), SIGNING_KEY);
    let settings = sign_claims(&claims(&connection, "settings", None), SIGNING_KEY);
    let forged = sign_claims(
        &claims(&connection, "trigger_secret", None),
        "another-signing-key-of-32-bytes!!",
    );

    // Act
    let (first, _) = app
        .post_form(&app.url("/action/trigger-secret"), &[("t", &token)])
        .await;
    let (again, _) = app
        .post_form(&app.url("/action/trigger-secret"), &[("t", &token)])
        .await;
    let (wrong_kind, _) = app
        .post_form(&app.url("/action/trigger-secret"), &[("t", &settings)])
        .await;
    let (forged, _) = app
        .post_form(&app.url("/action/trigger-secret"), &[("t", &forged)])
        .await;
    let get = app
        .http
        .get(app.url("/action/trigger-secret"))
        .query(&[("t", &token)])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!((first, again, wrong_kind, forged), (200, 409, 403, 403));
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(get.headers()["allow"], "POST");
}
