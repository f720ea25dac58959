//! A minimal Usedesk dynamic block: it reads the request Usedesk POSTs when an agent opens a
//! ticket, reads the ticket through the Usedesk API, and answers `{"html": …}`.
//!
//! ```sh
//! USEDESK_BLOCK_SECRET=… [USEDESK_API_TOKEN=…] [BLOCK_ADDR=127.0.0.1:8080] \
//!     cargo run -p usedesk --example dynamic_block
//! # then, as Usedesk would:
//! curl -H 'content-type: application/json' http://127.0.0.1:8080/ \
//!     -d '{"ticket_id": 1, "secret_key": "…", "client_data": {"name": "Ann", "phones": [{"phone": "+7 916 123-45-67"}]}}'
//! ```
//!
//! `USEDESK_BLOCK_SECRET` is the secret set on the block in Usedesk; a request carrying another
//! one is answered 403. The API token is the block request's `usedesk_api_token` when Usedesk
//! sends one, else `USEDESK_API_TOKEN`; without either, the block shows only what the request
//! carried. `USEDESK_API_BASE` points the API client elsewhere (a test stand-in); by default it is
//! the public cloud, `https://api.usedesk.ru`.
//!
//! The HTTP side is a few lines over a tokio `TcpListener` so that the example needs nothing but
//! this crate's dependencies; a real service would use hyper or axum and a template engine. Every
//! value that reaches the HTML is escaped.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;
use usedesk::{BlockRequest, BlockResponse, UsedeskClient};

const USAGE: &str = "usage: USEDESK_BLOCK_SECRET=<secret> [USEDESK_API_TOKEN=<token>] \
[USEDESK_API_BASE=https://api.usedesk.ru] [BLOCK_ADDR=127.0.0.1:8080] \
cargo run -p usedesk --example dynamic_block";

/// Usedesk's block requests are a few kilobytes; anything far larger is refused unread.
const MAX_BODY: usize = 256 * 1024;
const MAX_HEAD: usize = 16 * 1024;

/// What the block needs to answer.
pub struct Config {
    /// The secret configured on the block in Usedesk.
    pub secret: SecretString,
    /// The Usedesk API's base URL.
    pub api_base: Url,
    /// The API token to use when the request carries none.
    pub api_token: Option<SecretString>,
    /// One HTTP client for every API call.
    pub http: reqwest::Client,
}

/// The status and JSON body answering one block request.
pub async fn answer(config: &Config, content_type: Option<&str>, body: &[u8]) -> (u16, String) {
    let request = match BlockRequest::parse(content_type, body) {
        Ok(request) => request,
        Err(error) => return (400, html_answer(&format!("Unreadable request: {error}"))),
    };
    let secret_ok = request
        .secret_key
        .as_ref()
        .is_some_and(|given| same_secret(given, &config.secret));
    if !secret_ok {
        return (403, html_answer("This block's secret does not match."));
    }
    (
        200,
        BlockResponse::new(render(config, &request).await).to_json(),
    )
}

/// The block's HTML: the client from the request, and the ticket from the API.
async fn render(config: &Config, request: &BlockRequest) -> String {
    let client = &request.client_data;
    let mut html = String::from("<div class=\"example-block\">");
    html.push_str(&format!(
        "<p><b>{}</b></p>",
        escape(client.name.as_deref().unwrap_or("Unknown client"))
    ));
    for phone in &client.phones {
        html.push_str(&format!("<p>☎ {}</p>", escape(&phone.phone)));
    }
    for email in &client.emails {
        html.push_str(&format!("<p>✉ {}</p>", escape(email)));
    }
    let token = request
        .usedesk_api_token
        .clone()
        .or_else(|| config.api_token.clone());
    match (request.ticket_id, token) {
        (Some(ticket_id), Some(token)) => {
            let api = UsedeskClient::new(config.api_base.clone(), token, config.http.clone())
                .with_timeout(Duration::from_secs(3));
            match api.ticket(ticket_id).await {
                Ok(details) => html.push_str(&format!(
                    "<p>Ticket #{}: {} ({} comments)</p>",
                    details.ticket.id,
                    escape(details.ticket.subject.as_deref().unwrap_or("")),
                    details.comments.len()
                )),
                // The block still shows what it has; the reason goes to the log, not the agent.
                Err(error) => {
                    eprintln!("ticket {ticket_id}: {error}");
                    html.push_str("<p>The ticket could not be read from Usedesk.</p>");
                }
            }
        }
        (Some(ticket_id), None) => html.push_str(&format!(
            "<p>Ticket #{ticket_id}: {}</p>",
            escape(request.subject.as_deref().unwrap_or(""))
        )),
        (None, _) => {}
    }
    html.push_str("</div>");
    html
}

fn html_answer(message: &str) -> String {
    BlockResponse::new(format!("<p>{}</p>", escape(message))).to_json()
}

/// Compares secrets in time independent of where they differ.
fn same_secret(given: &SecretString, expected: &SecretString) -> bool {
    let (given, expected) = (
        given.expose_secret().as_bytes(),
        expected.expose_secret().as_bytes(),
    );
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Answers block requests on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, config: Arc<Config>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let config = Arc::clone(&config);
        tokio::spawn(async move {
            if let Err(error) = serve_connection(stream, &config).await {
                eprintln!("connection: {error}");
            }
        });
    }
}

/// One HTTP/1.1 request and its answer, then the connection is closed.
async fn serve_connection(mut stream: TcpStream, config: &Config) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > MAX_HEAD {
            return respond(&mut stream, 431, &html_answer("Headers too large.")).await;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    if !head.starts_with("POST ") {
        return respond(&mut stream, 405, &html_answer("Usedesk POSTs to a block.")).await;
    }
    let length = match header("content-length").map(|v| v.parse::<usize>()) {
        Some(Ok(length)) if length <= MAX_BODY => length,
        _ => return respond(&mut stream, 413, &html_answer("Body missing or too large.")).await,
    };
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; length - body.len()];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    let (status, json) = answer(config, header("content-type").as_deref(), &body).await;
    respond(&mut stream, status, &json).await
}

async fn respond(stream: &mut TcpStream, status: u16, json: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        _ => "Request Header Fields Too Large",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        json.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(json.as_bytes()).await?;
    stream.shutdown().await
}

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(secret) = std::env::var("USEDESK_BLOCK_SECRET") else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let base = std::env::var("USEDESK_API_BASE")
        .unwrap_or_else(|_| UsedeskClient::DEFAULT_BASE.to_owned());
    let addr = std::env::var("BLOCK_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let (Ok(api_base), Ok(addr)) = (Url::parse(&base), addr.parse::<SocketAddr>()) else {
        eprintln!("USEDESK_API_BASE must be a URL and BLOCK_ADDR an address\n{USAGE}");
        return ExitCode::from(2);
    };
    let config = Arc::new(Config {
        secret: SecretString::from(secret),
        api_base,
        api_token: std::env::var("USEDESK_API_TOKEN")
            .ok()
            .map(SecretString::from),
        http: reqwest::Client::new(),
    });
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("dynamic block on http://{addr}/");
    serve(listener, config).await;
    ExitCode::SUCCESS
}
