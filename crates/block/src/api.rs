//! `POST /api/`: what Usedesk calls when an agent opens a ticket. Every state the agent should see is
//! a `200 {"html": …}`; only a body that cannot be read at all is answered with an error status (still
//! with a block, so the agent reads what happened).

use std::time::Instant;

use amocrm::AccountHost;
use domain::edit::{ClientValue, missing_values};
use domain::model::{BlockData, TicketClient};
use domain::{BlockInput, BlockOutcome, Degradation};
use http::StatusCode;
use hyper::Request;
use hyper::body::Incoming;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use usedesk::{BlockRequest, BlockResponse};

use crate::app::App;
use crate::http::{self as web, Response, read_body};
use crate::keys;
use crate::token::{ActionKind, Scope};
use crate::view::{self, model};

/// One block answer before rendering: its metrics label, status, language and view.
struct Answer {
    outcome: &'static str,
    status: StatusCode,
    lang: i18n::Lang,
    view: model::BlockView,
    /// The zone its times are shown in.
    zone: &'static domain::Zone,
    /// Set for fresh data: where the rendered answer is kept for identical requests.
    keep_as: Option<RenderedKey>,
}

/// A rendered answer is the same for the same data (the domain's `render_id`), ticket, client, language
/// and time zone: the action tokens inside are bound to exactly these.
pub(crate) type RenderedKey = (u64, Option<i64>, Option<i64>, i18n::Lang, &'static str);

/// How long a rendered answer is kept: no longer than the domain keeps the data it shows.
const RENDERED_TTL: std::time::Duration = std::time::Duration::from_secs(10);
/// At most this many answers (≈ 16 KB each) are kept; expired ones are dropped as new ones come.
const RENDERED_MAX: usize = 2_000;

/// Rendered answers of fresh blocks, so that a render the domain answers from its cache is not rendered
/// and signed again. Agents opening the same ticket within that time share its action tokens; a write
/// action's token is still spent once (the second agent is told to refresh the block).
#[derive(Default)]
pub(crate) struct Rendered {
    answers: std::sync::Mutex<std::collections::HashMap<RenderedKey, (Instant, bytes::Bytes)>>,
}

impl Rendered {
    fn get(&self, key: &RenderedKey) -> Option<bytes::Bytes> {
        let answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        answers
            .get(key)
            .filter(|(at, _)| at.elapsed() < RENDERED_TTL)
            .map(|(_, body)| body.clone())
    }

    fn put(&self, key: RenderedKey, body: bytes::Bytes) {
        let mut answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if answers.len() >= RENDERED_MAX / 2 {
            answers.retain(|_, (at, _)| at.elapsed() < RENDERED_TTL);
        }
        if answers.len() < RENDERED_MAX {
            answers.insert(key, (Instant::now(), body));
        }
    }
}

pub(crate) async fn block(app: &App, request: Request<Incoming>) -> Response {
    let started = Instant::now();
    let answer = match answer(app, request).await {
        Answered::Fresh(answer) => *answer,
        Answered::Kept(kept) => {
            app.inner.metrics.observe_render("ready", started.elapsed());
            return web::json_bytes(StatusCode::OK, kept);
        }
    };
    let html = crate::app::DISPLAY_ZONE.sync_scope(answer.zone, || {
        view::render_block(answer.lang, &answer.view, &app.display())
    });
    app.inner
        .metrics
        .observe_render(answer.outcome, started.elapsed());
    let body = bytes::Bytes::from(BlockResponse::new(html).to_json());
    if let Some(key) = answer.keep_as {
        app.inner.rendered.put(key, body.clone());
    }
    web::json_bytes(answer.status, body)
}

/// A block that says a request could not be read, with a reference to the logged cause.
fn unreadable(app: &App, outcome: &'static str, status: StatusCode, cause: &str) -> Answer {
    let reference = keys::reference();
    tracing::warn!(%reference, cause, "block request could not be read");
    Answer {
        outcome,
        status,
        lang: app.config().default_language,
        view: model::BlockView::Degraded {
            reason: Degradation::Internal,
            reference,
            account_url: None,
        },
        zone: app.domain().zone(None, None).shared(),
        keep_as: None,
    }
}

/// What a block request is answered with.
enum Answered {
    /// A view to render (boxed: a block with data carries every action's signed URL).
    Fresh(Box<Answer>),
    /// An identical answer rendered moments ago, ready to send again.
    Kept(bytes::Bytes),
}

/// A view to render, with the outcome label its metrics use, its times in `zone`.
fn reply(
    outcome: &'static str,
    lang: i18n::Lang,
    zone: &'static domain::Zone,
    view: model::BlockView,
) -> Answer {
    Answer {
        outcome,
        status: StatusCode::OK,
        lang,
        view,
        zone,
        keep_as: None,
    }
}

/// The zone the block request asks for in its `timezone` parameter (an IANA name or an offset), if any.
fn requested_zone(request: &BlockRequest) -> Option<&str> {
    request
        .extra
        .get("timezone")
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|z| !z.is_empty())
}

/// The block's zone before amoCRM's account is known: the request's, else the operator's, else UTC.
fn early_zone(app: &App, request: &BlockRequest) -> &'static domain::Zone {
    app.domain().zone(requested_zone(request), None).shared()
}

/// The block request, read within the body limit, or the block that says why it could not be.
async fn read_request(app: &App, request: Request<Incoming>) -> Result<BlockRequest, Box<Answer>> {
    let (parts, body) = request.into_parts();
    let body = read_body(body, &parts.headers, app.config().max_body_bytes)
        .await
        .map_err(|e| {
            let outcome = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                "too_large"
            } else {
                "bad_request"
            };
            Box::new(unreadable(app, outcome, e.status(), &e.to_string()))
        })?;
    BlockRequest::parse(web::content_type(&parts.headers), &body).map_err(|e| {
        Box::new(unreadable(
            app,
            "bad_request",
            StatusCode::BAD_REQUEST,
            &e.to_string(),
        ))
    })
}

/// The agent's language: the block's own, else the configured default.
fn language(app: &App, request: &BlockRequest) -> i18n::Lang {
    if request.language_given {
        i18n::Lang::from_code(request.language.code()).unwrap_or_default()
    } else {
        app.config().default_language
    }
}

/// What the block needs before it can look anything up — the secret, the amoCRM host, the Usedesk token — or
/// the setup block that says which one is missing or wrong.
fn setup(
    app: &App,
    request: &BlockRequest,
    lang: i18n::Lang,
) -> Result<(AccountHost, SecretString), Box<Answer>> {
    // Nothing of a request with a wrong secret is used, not even its language.
    if let Some(expected) = &app.config().block_secret
        && !secret_matches(request.secret_key.as_ref(), expected)
    {
        tracing::warn!("block request with a wrong or missing secret key");
        let lang = app.config().default_language;
        let zone = app.domain().zone(None, None).shared();
        return Err(Box::new(reply(
            "bad_secret",
            lang,
            zone,
            model::BlockView::BadSecret,
        )));
    }
    let zone = early_zone(app, request);
    let Some(raw_host) = request
        .amo_base_host
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
    else {
        return Err(Box::new(reply(
            "missing_host",
            lang,
            zone,
            model::BlockView::MissingHost,
        )));
    };
    let host = app.domain().parse_host(raw_host).map_err(|e| {
        let reference = keys::reference();
        tracing::info!(%reference, error = ?crate::oauth::untrusted(&e.to_string()), "amo_base_host refused");
        let view = model::BlockView::RefusedHost {
            host: raw_host.to_owned(),
            reference,
        };
        Box::new(reply("refused_host", lang, zone, view))
    })?;
    let token = request
        .usedesk_api_token
        .clone()
        .filter(|t| !t.expose_secret().trim().is_empty())
        .ok_or_else(|| {
            Box::new(reply(
                "missing_token",
                lang,
                zone,
                model::BlockView::MissingUsedeskToken,
            ))
        })?;
    Ok((host, token))
}

/// The answer to a block request.
async fn answer(app: &App, request: Request<Incoming>) -> Answered {
    let request = match read_request(app, request).await {
        Ok(request) => request,
        Err(answer) => return Answered::Fresh(answer),
    };
    let lang = language(app, &request);
    let (host, usedesk_token) = match setup(app, &request, lang) {
        Ok(ready) => ready,
        Err(answer) => return Answered::Fresh(answer),
    };
    let client = TicketClient {
        ticket_id: request.ticket_id,
        client_id: request.client_id,
        name: request.client_data.name.clone(),
        phones: request
            .client_data
            .phones
            .iter()
            .map(|p| p.phone.clone())
            .collect(),
        emails: request.client_data.emails.clone(),
    };
    let input = BlockInput {
        usedesk_token: usedesk_token.clone(),
        host: host.clone(),
        client,
    };
    let outcome = app.domain().block(input).await;
    let zone = early_zone(app, &request);
    let login = |expired: bool| {
        if app.domain().oauth_configured() {
            let login_url = crate::oauth::login_url(app, &usedesk_token, &host, lang);
            model::BlockView::NeedsLogin { login_url, expired }
        } else {
            let reference = keys::reference();
            tracing::warn!(%reference, "the block asks for a login, but OAuth is not configured on the server");
            model::BlockView::OAuthNotConfigured { reference }
        }
    };
    Answered::Fresh(Box::new(match outcome {
        BlockOutcome::NotConnected => reply("not_connected", lang, zone, login(false)),
        BlockOutcome::NeedsLogin { .. } => reply("needs_login", lang, zone, login(true)),
        BlockOutcome::Ready(data) => return ready(app, &request, lang, data),
        BlockOutcome::Degraded {
            reason,
            last_known: Some(data),
            cause,
        } => {
            tracing::warn!(%cause, ?reason, "amoCRM did not answer; the last known data is shown");
            let zone = data_zone(app, &request, &data);
            let view = data_view(app, &request, lang, zone, data, Some(reason));
            reply("stale", lang, zone, view)
        }
        BlockOutcome::Degraded {
            reason,
            last_known: None,
            cause,
        } => {
            let reference = keys::reference();
            tracing::warn!(%reference, %cause, ?reason, "the block shows no data");
            let account_url = Some(host.as_str().trim_end_matches('/').to_owned());
            let known = app.domain().known_account(&usedesk_token, &host).await;
            let zone = app
                .domain()
                .zone(requested_zone(&request), known.as_ref())
                .shared();
            reply(
                "degraded",
                lang,
                zone,
                model::BlockView::Degraded {
                    reason,
                    reference,
                    account_url,
                },
            )
        }
    }))
}

/// Fresh data: the answer rendered moments ago for the same data, ticket, client and language when there is
/// one, else a view to render and keep.
fn ready(app: &App, request: &BlockRequest, lang: i18n::Lang, data: Box<BlockData>) -> Answered {
    let zone = data_zone(app, request, &data);
    let key = (
        data.render_id,
        request.ticket_id,
        request.client_id,
        lang,
        zone.name(),
    );
    // A notice is said once: an answer with one is neither served from the cache (which would hide it) nor
    // kept there (which would repeat it).
    let says_notice = !data.notices.is_empty() || {
        // What was just created is marked for a minute only: such an answer is not kept either.
        let (contacts, deals) = app.just_created(data.connection_id);
        !contacts.is_empty() || !deals.is_empty()
    };
    if !says_notice && let Some(kept) = app.inner.rendered.get(&key) {
        return Answered::Kept(kept);
    }
    let view = data_view(app, request, lang, zone, data, None);
    let mut answer = reply("ready", lang, zone, view);
    answer.keep_as = (!says_notice).then_some(key);
    Answered::Fresh(Box::new(answer))
}

/// The zone of a block with data: the request's, else the operator's, else the amoCRM account's.
fn data_zone(app: &App, request: &BlockRequest, data: &BlockData) -> &'static domain::Zone {
    app.domain()
        .zone(requested_zone(request), Some(&data.account))
        .shared()
}

/// The agent as the block request names them (`agent_name`, `agent_email`), for the notes an action leaves.
fn agent(request: &BlockRequest) -> Option<String> {
    let field = |key: &str| {
        request
            .extra
            .get(key)
            .and_then(serde_json::Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| v.chars().take(100).collect::<String>())
    };
    match (field("agent_name"), field("agent_email")) {
        (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
        (name, email) => name.or(email),
    }
}

fn data_view(
    app: &App,
    request: &BlockRequest,
    lang: i18n::Lang,
    zone: &'static domain::Zone,
    data: Box<BlockData>,
    stale_reason: Option<Degradation>,
) -> model::BlockView {
    let scope = Scope {
        connection: data.connection_id,
        ticket: request.ticket_id,
        client: request.client_id,
        lang,
        zone: Some(zone.name().to_owned()),
        agent: agent(request),
    };
    model::BlockView::Data {
        actions: Box::new(actions(app, &scope, &data, request.subject.as_deref())),
        data,
        stale_reason,
    }
}

/// The new-deal form's link for `contact`: prefilled with the ticket's subject as the deal's name and the
/// contact's responsible as the deal's (plain query values, like the contact form's; the token names the contact).
fn new_deal_action(
    app: &App,
    scope: &Scope,
    contact: &domain::model::ContactView,
    subject: Option<&str>,
) -> model::Action {
    let mut action = app.action(scope, ActionKind::NewDeal, Some(contact.id));
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(subject) = subject.map(str::trim).filter(|s| !s.is_empty()) {
        let name: String = subject.chars().take(domain::fields::NAME_MAX).collect();
        query.append_pair("name", &name);
    }
    if let Some(user) = &contact.responsible {
        query.append_pair("responsible", &user.id.to_string());
    }
    let query = query.finish();
    if !query.is_empty() {
        action.url = format!("{}?{query}", action.url);
    }
    action
}

/// Every action of a block with data, each with its own signed token.
pub(crate) fn actions(
    app: &App,
    scope: &Scope,
    data: &BlockData,
    subject: Option<&str>,
) -> model::BlockActions {
    // Linking needs a Usedesk client to link, and is offered only while there is a choice to make.
    let can_link = scope.client.is_some() && !data.linked && data.contacts.len() > 1;
    // The client's missing phones and e-mails are offered for the contact that is the client: the linked one,
    // or the only one found.
    let offers_values = data.linked || data.contacts.len() == 1;
    let country = app.domain().config().default_country.clone();
    let contacts = data
        .contacts
        .iter()
        .map(|contact| model::ContactActions {
            contact_id: contact.id,
            link: can_link.then(|| app.action(scope, ActionKind::Link, Some(contact.id))),
            unlink: (contact.linked && scope.client.is_some())
                .then(|| app.action(scope, ActionKind::Unlink, Some(contact.id))),
            new_deal: new_deal_action(app, scope, contact, subject),
            deals: contact
                .deals
                .iter()
                .map(|deal| (deal.id, app.action(scope, ActionKind::Deal, Some(deal.id))))
                .collect(),
            // Only the deals shown unfolded offer a quick comment; the others are commented on their card.
            comments: view::unfolded_deals(contact)
                .into_iter()
                .map(|id| (id, app.action(scope, ActionKind::Comment, Some(id))))
                .collect(),
            add_values: if offers_values {
                missing_values(contact, &data.client, country.as_deref())
                    .into_iter()
                    .map(|value| model::ValueAction {
                        field: match value {
                            ClientValue::Phone(_) => "phone",
                            ClientValue::Email(_) => "email",
                        },
                        value: value.value().to_owned(),
                        action: app.action(scope, ActionKind::AddContactValue, Some(contact.id)),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            tasks: Some(app.action(scope, ActionKind::Tasks, Some(contact.id))),
            edit: Some(app.action(scope, ActionKind::EditContact, Some(contact.id))),
        })
        .collect();
    let (new_contacts, new_deals) = app.just_created(data.connection_id);
    model::BlockActions {
        contacts,
        add_contact: app.action(scope, ActionKind::AddContact, None),
        create_contact: app.action(scope, ActionKind::CreateContact, None),
        new_contacts,
        new_deals,
        settings: app.action(scope, ActionKind::Settings, None),
        search: app.action(scope, ActionKind::Search, None),
    }
}

/// Compares the block's secret in constant time; hashing first hides the length too.
fn secret_matches(given: Option<&SecretString>, expected: &SecretString) -> bool {
    let Some(given) = given else {
        return false;
    };
    let given = Sha256::digest(given.expose_secret().trim().as_bytes());
    let expected = Sha256::digest(expected.expose_secret().trim().as_bytes());
    given.ct_eq(&expected).into()
}
