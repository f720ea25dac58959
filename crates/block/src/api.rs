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
    /// Set for fresh data: where the rendered answer is kept for identical requests.
    keep_as: Option<RenderedKey>,
}

/// A rendered answer is the same for the same data (the domain's `render_id`), ticket, client and
/// language: the action tokens inside are bound to exactly these.
pub(crate) type RenderedKey = (u64, Option<i64>, Option<i64>, i18n::Lang);

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
    let html = view::render_block(answer.lang, &answer.view, &app.display());
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
        },
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

/// A view to render, with the outcome label its metrics use.
fn reply(outcome: &'static str, lang: i18n::Lang, view: model::BlockView) -> Answer {
    Answer {
        outcome,
        status: StatusCode::OK,
        lang,
        view,
        keep_as: None,
    }
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
        return Err(Box::new(reply(
            "bad_secret",
            lang,
            model::BlockView::BadSecret,
        )));
    }
    let Some(raw_host) = request
        .amo_base_host
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
    else {
        return Err(Box::new(reply(
            "missing_host",
            lang,
            model::BlockView::MissingHost,
        )));
    };
    let host = app.domain().parse_host(raw_host).map_err(|e| {
        tracing::info!(error = ?crate::oauth::untrusted(&e.to_string()), "amo_base_host refused");
        let view = model::BlockView::RefusedHost {
            host: raw_host.to_owned(),
        };
        Box::new(reply("refused_host", lang, view))
    })?;
    let token = request
        .usedesk_api_token
        .clone()
        .filter(|t| !t.expose_secret().trim().is_empty())
        .ok_or_else(|| {
            Box::new(reply(
                "missing_token",
                lang,
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
    let login = |expired: bool| {
        if app.domain().oauth_configured() {
            let login_url = crate::oauth::login_url(app, &usedesk_token, &host, lang);
            model::BlockView::NeedsLogin { login_url, expired }
        } else {
            model::BlockView::OAuthNotConfigured
        }
    };
    Answered::Fresh(Box::new(match outcome {
        BlockOutcome::NotConnected => reply("not_connected", lang, login(false)),
        BlockOutcome::NeedsLogin { .. } => reply("needs_login", lang, login(true)),
        BlockOutcome::Ready(data) => return ready(app, &request, lang, data),
        BlockOutcome::Degraded {
            reason,
            last_known: Some(data),
            cause,
        } => {
            tracing::warn!(%cause, ?reason, "amoCRM did not answer; the last known data is shown");
            let view = data_view(app, &request, lang, data, Some(reason));
            reply("stale", lang, view)
        }
        BlockOutcome::Degraded {
            reason,
            last_known: None,
            cause,
        } => {
            let reference = keys::reference();
            tracing::warn!(%reference, %cause, ?reason, "the block shows no data");
            reply(
                "degraded",
                lang,
                model::BlockView::Degraded { reason, reference },
            )
        }
    }))
}

/// Fresh data: the answer rendered moments ago for the same data, ticket, client and language when there is
/// one, else a view to render and keep.
fn ready(app: &App, request: &BlockRequest, lang: i18n::Lang, data: Box<BlockData>) -> Answered {
    let key = (data.render_id, request.ticket_id, request.client_id, lang);
    // A notice is said once: an answer with one is neither served from the cache (which would hide it) nor
    // kept there (which would repeat it).
    let says_notice = !data.notices.is_empty();
    if !says_notice && let Some(kept) = app.inner.rendered.get(&key) {
        return Answered::Kept(kept);
    }
    let view = data_view(app, request, lang, data, None);
    let mut answer = reply("ready", lang, view);
    answer.keep_as = (!says_notice).then_some(key);
    Answered::Fresh(Box::new(answer))
}

fn data_view(
    app: &App,
    request: &BlockRequest,
    lang: i18n::Lang,
    data: Box<BlockData>,
    stale_reason: Option<Degradation>,
) -> model::BlockView {
    let scope = Scope {
        connection: data.connection_id,
        ticket: request.ticket_id,
        client: request.client_id,
        lang,
    };
    model::BlockView::Data {
        actions: actions(app, &scope, &data),
        data,
        stale_reason,
    }
}

/// Every action of a block with data, each with its own signed token.
pub(crate) fn actions(app: &App, scope: &Scope, data: &BlockData) -> model::BlockActions {
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
            new_deal: app.action(scope, ActionKind::NewDeal, Some(contact.id)),
            deals: contact
                .deals
                .iter()
                .map(|deal| (deal.id, app.action(scope, ActionKind::Deal, Some(deal.id))))
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
    model::BlockActions {
        contacts,
        add_contact: app.action(scope, ActionKind::AddContact, None),
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
