//! The gear's connection page (`GET /action/connection`) and its forms: Disconnect (`POST /action/disconnect`)
//! and the stage-comments option (`POST /action/stage-comments`). Plain pages, never run in place.

use http::StatusCode;

use crate::app::App;
use crate::extract::{ActionPost, PageRequest};
use crate::http::Response;
use crate::token::{ActionKind, Scope};
use crate::view::model::{ConnectionPage, PageView};
use crate::{Error, oauth};

async fn connection_page(
    app: &App,
    scope: &Scope,
    disconnected: Option<bool>,
) -> Result<Response, Error> {
    let domain = app.domain();
    let details = domain.connection_details(scope.connection).await?;
    // "Reconnect as another amoCRM user" is a login from this connection's Usedesk account.
    let reconnect = match (
        domain
            .connection_by_id(scope.connection)
            .await?
            .usedesk_token,
        domain.parse_host(&details.amo_host),
    ) {
        (Some(token), Ok(host)) => Some(oauth::login_url(app, &token, &host, scope.lang)),
        _ => None,
    };
    // The option's token says which way it switches, so a replayed form cannot flip it back.
    let switch_to = i64::from(!details.meta.stage_comments);
    let page = PageView::Connection(Box::new(ConnectionPage {
        stage_comments: app.action(scope, ActionKind::StageComments, Some(switch_to)),
        disconnect: app.action(scope, ActionKind::Disconnect, None),
        reconnect,
        disconnected,
        details,
    }));
    Ok(app.page(StatusCode::OK, scope.lang, &page))
}

/// `GET /action/connection?t=…`: the connection's page.
pub(crate) async fn page(app: &App, got: PageRequest) -> Result<Response, Error> {
    connection_page(app, &got.claims.scope(), None).await
}

/// `POST /action/disconnect` (`keep=1` keeps the links and field choices): deletes the stored tokens and
/// unsubscribes the webhook; every block of the account then asks to log in.
pub(crate) async fn disconnect(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let keep = posted.fields.text("keep").is_some();
    app.domain()
        .disconnect(&posted.claims.context(), keep)
        .await?;
    connection_page(app, &posted.scope(), Some(keep)).await
}

/// `POST /action/stage-comments`: turns the stage-change comments in tickets on (subject 1) or off (0).
pub(crate) async fn stage_comments(app: &App, posted: &ActionPost) -> Result<Response, Error> {
    let on = posted.claims.subject == Some(1);
    app.domain()
        .set_stage_comments(posted.claims.connection, on)
        .await?;
    connection_page(app, &posted.scope(), None).await
}
