//! "Log this ticket to the deal": the comment form's second button (`log=1`) on the deal card and on each open
//! deal of the block. It posts with the form's own signed, single-use comment token — which names the connection,
//! the ticket and the deal — so the block signs nothing more per deal.
//!
//! Without JavaScript the answer is `303 See Other` to the deal card, whose banner says how it ended (`log=done`,
//! `log=already&at=…`, `log=pending`); in place it is `{"ok": true}` (the block reloads) when the note was added,
//! and otherwise `{"ok": false, "error": {"code", "message", "t"}}` with a fresh token, so the form says why next
//! to the button and stays usable.

use domain::TicketLog;
use http::StatusCode;

use crate::Error;
use crate::app::App;
use crate::deals::page_url_with;
use crate::extract::{ActionPost, subject};
use crate::http::{self as web, Response};
use crate::token::ActionKind;
use crate::view::ticket_log::TicketLogShown;

/// `POST /action/comment` with `log=1`: logs the token's ticket to the token's deal, once.
pub(crate) async fn log_ticket(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let lead_id = subject(&posted.claims)?;
    if posted.claims.ticket.is_none() {
        return Err(Error::TokenInvalid("token names no ticket"));
    }
    let shown = match app
        .domain()
        .log_ticket_to_deal(&posted.claims.context(), lead_id)
        .await
    {
        Ok(TicketLog::Logged { .. }) => TicketLogShown::Done,
        Ok(TicketLog::AlreadyLogged { at }) => TicketLogShown::Already(at),
        Err(domain::Error::InProgress) => TicketLogShown::InProgress,
        Err(e) => return Err(e.into()),
    };
    let scope = posted.scope();
    if posted.json && !shown.is_done() {
        let code = match shown {
            TicketLogShown::InProgress => "log_in_progress",
            _ => "already_logged",
        };
        let again = app.action(&scope, ActionKind::Comment, Some(lead_id));
        let body = serde_json::json!({
            "ok": false,
            "error": {
                "code": code,
                "message": crate::view::ticket_log_message(posted.lang(), &app.display(), shown),
                "t": again.token,
            }
        });
        return Ok(web::json(StatusCode::CONFLICT, body.to_string()));
    }
    if shown.is_done() {
        app.inner.rendered.forget_ticket(scope.ticket);
    }
    let card = app.action(&scope, ActionKind::Deal, Some(lead_id));
    Ok(posted.see_other(&page_url_with(&card, &shown.query())))
}
