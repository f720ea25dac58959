//! amoCRM's OAuth 2.0: the consent page, the callback redirect, the token endpoint with refresh-token
//! rotation, and the bearer check of API calls.

mod tokens;

use http::{Response, StatusCode};
use serde_json::{Value, json};
use url::Url;

use crate::http::{
    Body, Query, as_text, escape_html, html, json as json_response, parse_body, redirect,
};
use crate::model::now_unix;
use crate::seed;
use crate::state::{Shared, lock};
use tokens::OAuthError;

pub(crate) use tokens::TokenStore;

/// `GET /oauth`: the consent page.
pub(crate) fn authorize_page(shared: &Shared, query: &Query) -> Response<Body> {
    let client_id = query.get_trimmed("client_id").unwrap_or_default();
    if client_id != shared.config.oauth_client_id {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown integration: the client_id is not registered in this account.",
        );
    }
    let redirect_uri = query
        .get_trimmed("redirect_uri")
        .map(str::to_owned)
        .or_else(|| shared.config.redirect_uri.clone());
    let Some(redirect_uri) = redirect_uri else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The integration has no redirect URI.",
        );
    };
    let hidden = |name: &str, value: &str| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape_html(value)
        )
    };
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Grant access — {account}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f5f6f8; margin: 0; }}
main {{ max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }}
h1 {{ font-size: 1.25rem; }}
button {{ font-size: 1rem; padding: .5rem 1.5rem; margin-right: .5rem; border-radius: 4px; border: 1px solid #8a8f99; cursor: pointer; }}
#allow {{ background: #4c8bf7; color: #fff; border-color: #4c8bf7; }}
</style></head>
<body><main>
<h1>Allow access for “{client}” to account “{account}”?</h1>
<p>The integration will act on behalf of {user} in {account} ({subdomain}): read and change contacts, leads, notes and events.</p>
<form method="post" action="/oauth/decision">
{h_client}{h_state}{h_redirect}{h_mode}
<button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>
</main></body></html>
"#,
        client = escape_html(client_id),
        account = escape_html(seed::ACCOUNT_NAME),
        subdomain = escape_html(seed::ACCOUNT_SUBDOMAIN),
        user = "Albus Dumbledore",
        h_client = hidden("client_id", client_id),
        h_state = hidden("state", query.get("state").unwrap_or_default()),
        h_redirect = hidden("redirect_uri", &redirect_uri),
        h_mode = hidden("mode", query.get("mode").unwrap_or("popup")),
    );
    html(StatusCode::OK, page)
}

/// `POST /oauth/decision`: Allow redirects with a code, Deny with `error=access_denied`.
pub(crate) fn decision(shared: &Shared, content_type: Option<&str>, body: &[u8]) -> Response<Body> {
    let Ok(form) = parse_body(content_type, body) else {
        return error_page(StatusCode::BAD_REQUEST, "The form could not be read.");
    };
    let field = |name: &str| form.get(name).and_then(as_text).unwrap_or_default();
    let client_id = field("client_id");
    if client_id != shared.config.oauth_client_id {
        return error_page(
            StatusCode::BAD_REQUEST,
            "Unknown integration: the client_id is not registered in this account.",
        );
    }
    let state = form
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let redirect_uri = field("redirect_uri");
    let Ok(mut target) = Url::parse(&redirect_uri) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "The redirect URI is not an absolute URL.",
        );
    };
    match field("decision").as_str() {
        "allow" => allow(shared, &mut target, &client_id, &state, &redirect_uri),
        "deny" => {
            target
                .query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("client_id", &client_id)
                .append_pair("state", &state);
        }
        _ => return error_page(StatusCode::BAD_REQUEST, "Choose Allow or Deny."),
    }
    redirect(target.as_str())
}

/// Issues a code and puts it on the callback URL, as "Allow" does.
fn allow(shared: &Shared, target: &mut Url, client_id: &str, state: &str, redirect_uri: &str) {
    let code = lock(&shared.tokens).issue_code(client_id, redirect_uri);
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state)
        .append_pair("referer", &shared.amocrm_addr.to_string())
        .append_pair("client_id", client_id);
}

/// Approves the authorization request `authorize_url` (the consent page's URL with its query) as if the user
/// pressed "Allow": the callback URL carrying the code, or `None` when the request is not for this sandbox.
pub(crate) fn approve(shared: &Shared, authorize_url: &Url) -> Option<Url> {
    let pairs: std::collections::HashMap<String, String> =
        authorize_url.query_pairs().into_owned().collect();
    let client_id = pairs.get("client_id")?;
    if *client_id != shared.config.oauth_client_id {
        return None;
    }
    let redirect_uri = pairs
        .get("redirect_uri")
        .cloned()
        .or_else(|| shared.config.redirect_uri.clone())?;
    let mut target = Url::parse(&redirect_uri).ok()?;
    let state = pairs.get("state").map_or("", String::as_str);
    allow(shared, &mut target, client_id, state, &redirect_uri);
    Some(target)
}

/// (Both grants and every refusal amoCRM documents, in one place, so the flow reads top to bottom.)
/// `POST /oauth2/access_token`: JSON or form body, `authorization_code` and `refresh_token` grants.
pub(crate) fn token(shared: &Shared, content_type: Option<&str>, body: &[u8]) -> Response<Body> {
    let form = match parse_body(content_type, body) {
        Ok(Value::Object(form)) => form,
        Ok(_) => {
            return OAuthError::new(
                400,
                "The request body must be an object",
                "Некорректный запрос",
            )
            .into_response();
        }
        Err(e) => {
            return OAuthError::new(400, "The request body is not JSON or a form", e)
                .into_response();
        }
    };
    let field = |name: &str| form.get(name).and_then(as_text);
    let (Some(client_id), Some(secret), Some(grant_type)) = (
        field("client_id"),
        field("client_secret"),
        field("grant_type"),
    ) else {
        return OAuthError::new(
            400,
            "Check the client_id, client_secret and grant_type parameters",
            "Некорректный запрос",
        )
        .into_response();
    };
    if client_id != shared.config.oauth_client_id || secret != shared.config.oauth_client_secret {
        return OAuthError::new(
            401,
            "Client authentication failed",
            "Client authentication failed",
        )
        .into_response();
    }
    let Some(redirect_uri) = field("redirect_uri") else {
        return OAuthError::new(
            400,
            "Check the redirect_uri parameter",
            "Некорректный запрос",
        )
        .into_response();
    };
    let ttl = shared.config.access_token_ttl;
    let result = {
        let mut tokens = lock(&shared.tokens);
        match grant_type.as_str() {
            "authorization_code" => match field("code") {
                Some(code) => tokens.exchange_code(&code, &client_id, &redirect_uri, ttl),
                None => Err(OAuthError::new(
                    400,
                    "Check the code parameter",
                    "Некорректный запрос",
                )),
            },
            "refresh_token" => match field("refresh_token") {
                Some(refresh) => tokens.refresh(&refresh, &client_id, &redirect_uri, ttl),
                None => Err(OAuthError::new(
                    400,
                    "Check the refresh_token parameter",
                    "Некорректный запрос",
                )),
            },
            _ => Err(OAuthError::new(
                400,
                "The authorization grant type is not supported",
                "Некорректный запрос",
            )),
        }
    };
    match result {
        Ok(pair) => json_response(
            StatusCode::OK,
            &json!({
                "token_type": "Bearer",
                "expires_in": ttl.as_secs(),
                "server_time": now_unix(),
                "access_token": pair.access,
                "refresh_token": pair.refresh,
            }),
        ),
        Err(error) => error.into_response(),
    }
}

fn error_page(status: StatusCode, message: &str) -> Response<Body> {
    html(
        status,
        format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Authorization error</title></head>\
             <body><main><h1>Authorization error</h1><p>{}</p></main></body></html>\n",
            escape_html(message)
        ),
    )
}
