//! The load: block requests as Usedesk sends them, one at a time, all at once, or from a fixed number of
//! agents in a closed loop.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use bytes::Bytes;
use sandbox::SampleTicket;
use serde_json::json;
use tokio::time::Instant;

use crate::html::{BlockState, classify};

/// The Usedesk API token every benchmark block carries (the sandbox accepts any).
pub const USEDESK_TOKEN: &str = "bench-usedesk-api-token";

/// The country code the server gives bare ten-digit phones (its default).
const DEFAULT_COUNTRY: &str = "7";

/// How many distinct normalised identifiers (phones and e-mails) the server searches for this ticket.
pub fn identifier_count(ticket: &SampleTicket) -> usize {
    domain::identity::identifiers(
        ticket.phones.iter().map(|(_, phone)| phone.as_str()),
        ticket.emails.iter().map(String::as_str),
        Some(DEFAULT_COUNTRY),
    )
    .len()
}

/// The JSON body Usedesk POSTs to the block for `ticket`, as Usedesk client `client_id`, in English.
///
/// The server caches a rendered ticket by (connection, Usedesk client, identifiers) for a few seconds, so a
/// client id not used before makes a render that really asks amoCRM.
pub fn block_body(ticket: &SampleTicket, client_id: i64, amo_host: &str) -> Bytes {
    let body = json!({
        "ticket_id": ticket.ticket_id,
        "subject": ticket.subject,
        "client_id": client_id,
        "client_data": {
            "name": ticket.client_name,
            "emails": ticket.emails,
            "phones": ticket
                .phones
                .iter()
                .map(|(kind, phone)| json!({"type": kind, "phone": phone}))
                .collect::<Vec<_>>(),
        },
        "amo_base_host": amo_host,
        "usedesk_api_token": USEDESK_TOKEN,
        "language": "en",
    });
    Bytes::from(body.to_string())
}

/// One block answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// From sending the request to having the whole body.
    pub latency: Duration,
    /// What it shows.
    pub state: BlockState,
    /// The block's inner HTML.
    pub html: String,
}

/// POSTs one block request and reads its `{"html": …}` answer.
pub async fn post_block(http: &reqwest::Client, url: &str, body: Bytes) -> anyhow::Result<Answer> {
    let started = Instant::now();
    let response = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .with_context(|| format!("POST {url}"))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .with_context(|| format!("reading the answer of {url}"))?;
    let latency = started.elapsed();
    if !status.is_success() {
        bail!(
            "POST {url} answered {status}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("the answer of {url} is not JSON"))?;
    let Some(html) = value.get("html").and_then(serde_json::Value::as_str) else {
        bail!("the answer of {url} has no \"html\": {value}");
    };
    Ok(Answer {
        latency,
        state: classify(html),
        html: html.to_owned(),
    })
}

/// Sends every body at once, each from its own task, and returns the answers in the same order.
pub async fn all_at_once(
    http: &reqwest::Client,
    url: &str,
    bodies: Vec<Bytes>,
) -> Vec<anyhow::Result<Answer>> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (http, url) = (http.clone(), url.to_owned());
            tokio::spawn(async move { post_block(&http, &url, body).await })
        })
        .collect();
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(
            task.await
                .unwrap_or_else(|e| Err(anyhow::anyhow!("a request task failed: {e}"))),
        );
    }
    answers
}

/// What a closed-loop run measured.
#[derive(Debug, Clone, Default)]
pub struct LoopOutcome {
    /// Answers completed inside the measured window.
    pub completed: u64,
    /// Answers completed at any time, warm-up and the last ones after the window included.
    pub total: u64,
    /// The measured window.
    pub window: Duration,
    /// Their latencies.
    pub latencies: Vec<Duration>,
    /// Their states.
    pub states: BTreeMap<BlockState, u64>,
    /// Failed requests (transport errors, non-2xx, unreadable answers) in the window.
    pub errors: u64,
}

impl LoopOutcome {
    /// Answers per second.
    pub fn per_second(&self) -> f64 {
        if self.window.is_zero() {
            return 0.0;
        }
        // A count of requests fits a float exactly far beyond anything measured here.
        #[allow(clippy::cast_precision_loss)]
        let completed = self.completed as f64;
        completed / self.window.as_secs_f64()
    }
}

/// `agents` tasks each send a request, wait for its answer and send the next, cycling through `bodies`,
/// for `warmup` and then `measure`; only answers completed during `measure` count.
pub async fn closed_loop(
    http: &reqwest::Client,
    url: &str,
    bodies: Arc<Vec<Bytes>>,
    agents: usize,
    warmup: Duration,
    measure: Duration,
) -> LoopOutcome {
    let from = Instant::now() + warmup;
    let until = from + measure;
    let tasks: Vec<_> = (0..agents)
        .map(|agent| {
            let (http, url, bodies) = (http.clone(), url.to_owned(), bodies.clone());
            tokio::spawn(async move {
                let mut outcome = LoopOutcome::default();
                let mut next = agent;
                while Instant::now() < until {
                    let body = bodies[next % bodies.len()].clone();
                    next += 1;
                    let result = post_block(&http, &url, body).await;
                    let done = Instant::now();
                    outcome.total += 1;
                    if done < from || done > until {
                        continue;
                    }
                    match result {
                        Ok(answer) => {
                            outcome.completed += 1;
                            outcome.latencies.push(answer.latency);
                            *outcome.states.entry(answer.state).or_default() += 1;
                        }
                        Err(_) => outcome.errors += 1,
                    }
                }
                outcome
            })
        })
        .collect();
    let mut total = LoopOutcome {
        window: measure,
        ..LoopOutcome::default()
    };
    for task in tasks {
        let Ok(part) = task.await else {
            total.errors += 1;
            continue;
        };
        total.completed += part.completed;
        total.total += part.total;
        total.errors += part.errors;
        total.latencies.extend(part.latencies);
        for (state, n) in part.states {
            *total.states.entry(state).or_default() += n;
        }
    }
    total
}
