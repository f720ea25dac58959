//! What amoCRM calls on its own: account webhooks (`POST /hooks/amocrm?c={Integration ID}&s={secret}`) and the
//! integration's signed "disconnect" hook (`GET /hooks/amocrm/disconnect`).
//!
//! amoCRM disables a webhook that answers badly too often, and wants an answer within 2 s: the receiver
//! verifies the secret, drops the caches the events touch and claims the stage changes to comment on, answers
//! `200`, and only then writes and posts the ticket comments, on a task of their own. A forged delivery or hook
//! is answered `401` and changes nothing.

use http::StatusCode;
use hyper::Request;
use hyper::body::Incoming;

use domain::{StageCommentFacts, StageOutcome, WebhookVerdict};
use i18n::{Arg, Lang, Translator};

use crate::app::App;
use crate::http::{self as web, Fields, Response};

/// Where amoCRM posts the webhooks, under the public URL.
pub(crate) const WEBHOOK_PATH: &str = "hooks/amocrm";

/// The most bytes of one webhook delivery read (a real one is a few kilobytes).
const MAX_DELIVERY_BYTES: usize = 256 * 1024;

/// `POST /hooks/amocrm`: one webhook delivery.
pub(crate) async fn webhook(app: &App, request: Request<Incoming>) -> Response {
    let (parts, body) = request.into_parts();
    let query = Fields::urlencoded(parts.uri.query().unwrap_or("").as_bytes());
    let (connection, secret) = (
        query.get("c").unwrap_or_default().to_owned(),
        query.get("s").unwrap_or_default().to_owned(),
    );
    let limit = MAX_DELIVERY_BYTES.min(app.config().max_body_bytes);
    let body = match web::read_body(body, &parts.headers, limit).await {
        Ok(body) => body,
        Err(e) => {
            tracing::info!(error = %domain::Report(&e), "webhook delivery unreadable");
            return web::text(e.status(), "unreadable delivery");
        }
    };
    match app
        .domain()
        .receive_webhook(&connection, &secret, &body)
        .await
    {
        Ok(WebhookVerdict::Accepted(receipt)) => {
            tracing::debug!(
                events = receipt.events,
                comments = receipt.comments.len(),
                "webhook delivery received"
            );
            for comment in receipt.comments {
                let app = app.clone();
                tokio::spawn(async move { post_stage_comment(&app, comment).await });
            }
            web::text(StatusCode::OK, "ok")
        }
        Ok(WebhookVerdict::Refused) => {
            tracing::info!("webhook delivery with an unknown connection or a wrong secret refused");
            web::text(StatusCode::UNAUTHORIZED, "unknown webhook")
        }
        Ok(WebhookVerdict::Malformed(why)) => {
            tracing::info!(reason = ?why, "malformed webhook delivery");
            web::text(StatusCode::BAD_REQUEST, "malformed delivery")
        }
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), "webhook delivery not processed; blocks refresh on their TTLs");
            web::text(StatusCode::SERVICE_UNAVAILABLE, "try again later")
        }
    }
}

/// Writes a claimed stage change in the connection's language and posts it in its ticket.
async fn post_stage_comment(app: &App, comment: domain::StageComment) {
    let lang = comment
        .lang
        .as_deref()
        .and_then(i18n::Lang::from_code)
        .unwrap_or(app.config().default_language);
    let facts = match app.domain().stage_comment_facts(&comment).await {
        Ok(facts) => facts,
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), deal = comment.deal_id, "could not describe the stage change");
            return;
        }
    };
    let text = stage_comment(lang, &facts);
    if let Err(e) = app.domain().post_stage_comment(&comment, text).await {
        tracing::warn!(error = %domain::Report(&e), ticket = comment.ticket_id, "could not post the stage change in the ticket");
    }
}

/// The comment's text: plain text for Usedesk's API, with the angle brackets of amoCRM's names dropped.
pub(crate) fn stage_comment(lang: Lang, facts: &StageCommentFacts) -> String {
    let clean = |text: &str| Arg::Str(text.replace(['<', '>'], ""));
    let id = match (facts.outcome, facts.by.is_some()) {
        (StageOutcome::Moved, false) => "webhook-stage-moved",
        (StageOutcome::Moved, true) => "webhook-stage-moved-by",
        (StageOutcome::Won, false) => "webhook-stage-won",
        (StageOutcome::Won, true) => "webhook-stage-won-by",
        (StageOutcome::Lost, false) => "webhook-stage-lost",
        (StageOutcome::Lost, true) => "webhook-stage-lost-by",
    };
    let args = [
        ("deal", clean(&facts.deal_name)),
        ("stage", clean(&facts.stage_name)),
        ("pipeline", clean(&facts.pipeline_name)),
        ("user", clean(facts.by.as_deref().unwrap_or_default())),
        ("url", Arg::Str(facts.url.clone())),
    ];
    Translator::global().t_args(lang, id, &args)
}

/// `GET /hooks/amocrm/disconnect`: amoCRM says the integration was uninstalled from an account.
pub(crate) async fn disconnect(app: &App, request: Request<Incoming>) -> Response {
    let query = request.uri().query().unwrap_or("");
    match app.domain().disconnect_hook(query).await {
        Ok(Some(ids)) => {
            tracing::info!(
                connections = ids.len(),
                "amoCRM disconnected the integration"
            );
            web::text(StatusCode::OK, "ok")
        }
        Ok(None) => {
            tracing::warn!("a disconnect hook without a valid signature was ignored");
            web::text(StatusCode::UNAUTHORIZED, "invalid signature")
        }
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), "the disconnect hook could not be processed");
            web::text(StatusCode::SERVICE_UNAVAILABLE, "try again later")
        }
    }
}
