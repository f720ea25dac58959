//! A burst measured to the end: every block of a burst opened at once, then each one opened again (as its
//! self-reload would) until it shows fresh data — the curve "clients with fresh data in the cache" over time,
//! beside the physical limit (the fewest amoCRM requests the burst needs ÷ 7 per second). Then every block
//! opened once more, counting amoCRM requests.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use sandbox::Sandbox;
use tokio::time::Instant;

use crate::html::BlockState;
use crate::load::{self, post_block};
use crate::report::{DEADLINE_SLACK, RATE_GOAL};
use crate::stats::{Summary, summarize};
use crate::table::Table;

/// The goal: every client's data ready within this many times the physical limit.
pub const LIMIT_GOAL: f64 = 1.15;

/// How often a block not yet fresh is opened again (a client's poll, not a wait for the server).
const POLL: Duration = Duration::from_millis(500);

/// One burst's client: the block request and what the fewest amoCRM requests for it are.
pub struct BurstClient {
    /// The block request.
    pub body: Bytes,
    /// Its normalised identifiers.
    pub identifiers: Vec<String>,
    /// Whether its contacts have deals (one more request, mergeable with every other block's).
    pub deals: bool,
}

/// What one burst measured.
#[derive(Debug, Clone)]
pub struct BurstCurve {
    /// What the burst was.
    pub label: String,
    /// Blocks (each a client).
    pub blocks: usize,
    /// The fewest amoCRM requests the burst needs: each distinct identifier once, one leads call per 250 ids.
    pub min_requests: u64,
    /// The render deadline.
    pub deadline: Duration,
    /// The first answers: latency.
    pub first: Summary,
    /// The first answers: states.
    pub first_states: BTreeMap<BlockState, u64>,
    /// When each client's block first showed fresh data, from the burst's start (`None`: never, within the limit).
    pub ready: Vec<Option<Duration>>,
    /// amoCRM requests until every block was fresh.
    pub api_requests: u64,
    /// The most amoCRM requests in any second.
    pub max_per_second: u32,
    /// 429s.
    pub too_many: u64,
    /// amoCRM requests per block if each block were opened alone (its identifiers, plus one for deals).
    pub sequential_per_block: f64,
    /// Reopening every block after the burst: fresh answers, and amoCRM requests.
    pub reopened_fresh: usize,
    /// amoCRM requests the reopening made.
    pub reopened_requests: u64,
}

impl BurstCurve {
    /// The physical limit: the fewest requests at 7 per second.
    pub fn limit(&self) -> Duration {
        Duration::from_secs_f64(self.min_requests as f64 / f64::from(RATE_GOAL))
    }

    /// When the last client's data was ready, if every one was.
    pub fn all_ready(&self) -> Option<Duration> {
        self.ready
            .iter()
            .copied()
            .collect::<Option<Vec<_>>>()
            .and_then(|r| r.into_iter().max())
    }

    /// Whether every client's data was ready within the goal.
    pub fn ready_ok(&self) -> bool {
        self.all_ready()
            .is_some_and(|t| t.as_secs_f64() <= LIMIT_GOAL * self.limit().as_secs_f64())
    }

    /// Whether every first answer came within the deadline as data or "preparing".
    pub fn answers_ok(&self) -> bool {
        self.first.max <= self.deadline + DEADLINE_SLACK
            && self
                .first_states
                .keys()
                .all(|s| matches!(s, BlockState::Fresh | BlockState::Preparing))
    }

    /// Whether reopening every block showed data and cost nothing.
    pub fn reopen_ok(&self) -> bool {
        self.reopened_fresh == self.blocks && self.reopened_requests == 0
    }

    /// amoCRM requests per block during the burst.
    pub fn per_block(&self) -> f64 {
        self.api_requests as f64 / self.blocks.max(1) as f64
    }

    /// Clients ready by `t`.
    fn ready_by(&self, t: Duration) -> usize {
        self.ready
            .iter()
            .filter(|r| r.is_some_and(|r| r <= t))
            .count()
    }

    /// The curve, one row per second, beside what the physical limit allows by then.
    pub fn curve(&self) -> Table {
        let mut table = Table::new(&["t", "clients with fresh data", "physical limit allows"]);
        let end = self.all_ready().unwrap_or(self.limit() * 2);
        let limit = self.limit().as_secs_f64().max(0.001);
        let mut t = 0;
        loop {
            let at = Duration::from_secs(t);
            let allowed = ((at.as_secs_f64() / limit).min(1.0) * self.blocks as f64).floor();
            table.row(vec![
                format!("{t} s"),
                self.ready_by(at).to_string(),
                format!("{allowed:.0}"),
            ]);
            if at >= end {
                break;
            }
            t += 1;
        }
        table
    }

    /// The burst's goals.
    pub fn goals(&self, table: &mut Table) {
        let mark = |ok: bool| if ok { "✅" } else { "❌" }.to_owned();
        let all = self.all_ready().map_or_else(
            || "not all".to_owned(),
            |t| format!("{:.1} s", t.as_secs_f64()),
        );
        table.row(vec![
            format!("{}: every client's data ready", self.label),
            format!(
                "{all} (limit {:.1} s = {} requests ÷ 7/s)",
                self.limit().as_secs_f64(),
                self.min_requests
            ),
            format!(
                "≤ {LIMIT_GOAL} × limit = {:.1} s",
                LIMIT_GOAL * self.limit().as_secs_f64()
            ),
            mark(self.ready_ok()),
        ]);
        table.row(vec![
            format!("{}: most amoCRM requests in any 1 s / 429s", self.label),
            format!("{} / {}", self.max_per_second, self.too_many),
            "≤ 7 / 0".to_owned(),
            mark(self.max_per_second <= RATE_GOAL && self.too_many == 0),
        ]);
        let mut states = String::new();
        for (state, n) in &self.first_states {
            let _ = write!(states, "{n} {}, ", state.label());
        }
        table.row(vec![
            format!("{}: first answers", self.label),
            format!(
                "{}slowest {:.0} ms",
                states,
                self.first.max.as_secs_f64() * 1e3
            ),
            format!(
                "data or preparing, ≤ deadline {:.0} ms (+{} ms)",
                self.deadline.as_secs_f64() * 1e3,
                DEADLINE_SLACK.as_millis()
            ),
            mark(self.answers_ok()),
        ]);
        table.row(vec![
            format!("{}: every block reopened after the burst", self.label),
            format!(
                "{} of {} with data, {} amoCRM requests",
                self.reopened_fresh, self.blocks, self.reopened_requests
            ),
            "all with data, 0 requests".to_owned(),
            mark(self.reopen_ok()),
        ]);
        table.row(vec![
            format!("{}: amoCRM requests per block", self.label),
            format!("{:.2} ({} in all)", self.per_block(), self.api_requests),
            format!("sequential: {:.2}", self.sequential_per_block),
            mark(self.per_block() <= self.sequential_per_block),
        ]);
    }
}

/// Runs one burst: every block at once, each polled until fresh (at most `limit`), then every block reopened.
pub async fn run(
    http: &reqwest::Client,
    api: &str,
    sandbox: &Sandbox,
    label: String,
    clients: Vec<BurstClient>,
    deadline: Duration,
    limit: Duration,
) -> BurstCurve {
    let blocks = clients.len();
    let mut distinct: Vec<&str> = clients
        .iter()
        .flat_map(|c| c.identifiers.iter().map(String::as_str))
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let with_deals = clients.iter().filter(|c| c.deals).count() as u64;
    // Every block's deal ids fit in one merged leads call (≤ 250 ids) in these bursts.
    let min_requests = distinct.len() as u64 + u64::from(with_deals > 0);
    let sequential: usize = clients
        .iter()
        .map(|c| c.identifiers.len() + usize::from(c.deals))
        .sum();
    let bodies: Vec<Bytes> = clients.iter().map(|c| c.body.clone()).collect();

    sandbox.reset_stats();
    let started = Instant::now();
    let tasks: Vec<_> = bodies
        .iter()
        .cloned()
        .map(|body| {
            let (http, api) = (http.clone(), api.to_owned());
            tokio::spawn(async move { open_until_fresh(&http, &api, body, started, limit).await })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut first_states = BTreeMap::new();
    let mut ready = Vec::new();
    for task in tasks {
        let (first, at) = task
            .await
            .unwrap_or_else(|e| (Err(anyhow::anyhow!("{e}")), None));
        match first {
            Ok(answer) => {
                latencies.push(answer.latency);
                *first_states.entry(answer.state).or_insert(0) += 1;
            }
            Err(_) => *first_states.entry(BlockState::Other).or_insert(0) += 1,
        }
        ready.push(at);
    }
    let stats = sandbox.stats();

    let before = sandbox.stats().api_requests;
    let again = load::all_at_once(http, api, bodies).await;
    let reopened_requests = sandbox.stats().api_requests - before;
    let reopened_fresh = again
        .iter()
        .filter(|a| a.as_ref().is_ok_and(|a| a.state == BlockState::Fresh))
        .count();

    BurstCurve {
        label,
        blocks,
        min_requests,
        deadline,
        first: summarize(&latencies),
        first_states,
        ready,
        api_requests: stats.api_requests,
        max_per_second: stats.max_requests_per_second,
        too_many: stats.too_many_requests,
        sequential_per_block: sequential as f64 / blocks.max(1) as f64,
        reopened_fresh,
        reopened_requests,
    }
}

/// Opens one block and polls it until it is fresh (at most `limit` after `started`): its first answer, and when
/// it was fresh, if it was.
async fn open_until_fresh(
    http: &reqwest::Client,
    api: &str,
    body: Bytes,
    started: Instant,
    limit: Duration,
) -> (anyhow::Result<load::Answer>, Option<Duration>) {
    let first = post_block(http, api, body.clone()).await;
    let mut ready = match &first {
        Ok(a) if a.state == BlockState::Fresh => Some(started.elapsed()),
        _ => None,
    };
    while ready.is_none() && started.elapsed() < limit {
        let sent = Instant::now();
        match post_block(http, api, body.clone()).await {
            Ok(a) if a.state == BlockState::Fresh => ready = Some(started.elapsed()),
            // A block answered at once is polled again a little later, as a browser would.
            _ if sent.elapsed() < POLL => tokio::time::sleep(POLL).await,
            _ => {}
        }
    }
    (first, ready)
}

/// The bursts' goals, then each one's curve, for `docs/benchmarks.md`.
pub fn markdown(curves: &[BurstCurve], injected: Duration) -> String {
    let mut out = String::new();
    if curves.is_empty() {
        return out;
    }
    let mut goals = Table::new(&["figure", "measured", "goal", ""]);
    for curve in curves {
        curve.goals(&mut goals);
    }
    let _ = writeln!(
        out,
        "\n### Bursts to the end (amoCRM latency {:.0} ms injected)\n",
        injected.as_secs_f64() * 1e3
    );
    out.push_str(&goals.markdown());
    for curve in curves {
        let _ = writeln!(
            out,
            "\n#### {}: clients with fresh data in the cache\n",
            curve.label
        );
        out.push_str(&curve.curve().markdown());
    }
    out
}
