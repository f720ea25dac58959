//! What the benchmark measured, each figure beside its goal, as terminal tables or as Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::html::BlockState;
use crate::machine::Machine;
use crate::stats::{Summary, millis};
use crate::table::Table;

/// The most block-render round trips allowed for a contact with deals (the floor is 2).
pub const DEPTH_GOAL: f64 = 2.3;
/// The least share of the ceiling's blocks per second.
pub const THROUGHPUT_GOAL: f64 = 0.5;
/// The most peak resident memory at 64 agents, in bytes (50 MB).
pub const RSS_GOAL_BYTES: u64 = 50_000_000;
/// The most amoCRM requests in any second (amoCRM's limit).
pub const RATE_GOAL: u32 = 7;
/// What "within the render deadline" allows beyond the deadline: rendering the state and sending it.
pub const DEADLINE_SLACK: Duration = Duration::from_millis(250);

/// Whether the metadata cache was warm or cold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    /// Account, pipelines and users already cached.
    Warm,
    /// Loaded again for every block.
    Cold,
}

/// The most amoCRM requests a block with warm metadata may make: one search per identifier; with contacts, one
/// page of their open tasks; with deals, one batched leads call and one page of the deals' open tasks; with a
/// company, its read and one call for its own deals.
pub fn request_budget(identifiers: usize, contacts: bool, deals: bool, company: bool) -> usize {
    identifiers + usize::from(contacts) + 2 * usize::from(deals) + 2 * usize::from(company)
}

/// Sequential block latency for one ticket.
#[derive(Debug, Clone)]
pub struct LatencyRow {
    /// The sample ticket.
    pub ticket_id: i64,
    /// Contacts the block showed.
    pub contacts: usize,
    /// Whether it showed deals.
    pub deals: bool,
    /// Whether it showed a company (one contact shown, with a company).
    pub company: bool,
    /// Identifiers the server searched.
    pub identifiers: usize,
    /// Warm or cold metadata.
    pub cache: Cache,
    /// The latencies.
    pub summary: Summary,
    /// The injected amoCRM latency.
    pub injected: Duration,
    /// amoCRM API requests per block.
    pub requests_per_block: f64,
    /// Blocks that were not fresh.
    pub not_fresh: usize,
}

impl LatencyRow {
    /// p50 ÷ injected latency: how many amoCRM round trips deep a block is.
    pub fn depth(&self) -> f64 {
        self.summary.p50.as_secs_f64() / self.injected.as_secs_f64()
    }

    /// Whether the depth goal applies (a contact with deals).
    pub fn depth_goal_applies(&self) -> bool {
        self.contacts > 0 && self.deals
    }

    /// Whether the depth goal is met (or does not apply).
    pub fn depth_ok(&self) -> bool {
        !self.depth_goal_applies() || self.depth() <= DEPTH_GOAL
    }

    /// The most amoCRM requests a warm block of this shape may make ([`request_budget`]).
    pub fn request_budget(&self) -> usize {
        request_budget(
            self.identifiers,
            self.contacts > 0,
            self.deals,
            self.company,
        )
    }

    /// Whether the requests goal is met (it applies to warm blocks).
    pub fn requests_ok(&self) -> bool {
        // The budget is tiny, so the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let allowed = self.request_budget() as f64;
        self.cache == Cache::Cold || self.requests_per_block <= allowed
    }
}

/// Blocks per second of one target under the closed loop.
#[derive(Debug, Clone)]
pub struct Rate {
    /// Answers per second.
    pub per_second: f64,
    /// Their latencies.
    pub summary: Summary,
    /// Answers by state.
    pub states: BTreeMap<BlockState, u64>,
    /// Failed requests.
    pub errors: u64,
    /// CPU time (user + system) the target process used per answer, over the whole run.
    pub cpu_per_answer: Option<Duration>,
}

/// The 64-agent throughput run.
#[derive(Debug, Clone)]
pub struct Throughput {
    /// Concurrent agents.
    pub agents: usize,
    /// The measured window.
    pub window: Duration,
    /// The server.
    pub server: Rate,
    /// The minimal hyper handler.
    pub ceiling: Rate,
    /// The ceiling's answer size, bytes.
    pub ceiling_body_bytes: usize,
    /// The server's peak RSS after the run, KiB.
    pub peak_rss_kib: u64,
}

impl Throughput {
    /// Server ÷ ceiling.
    pub fn ratio(&self) -> f64 {
        if self.ceiling.per_second > 0.0 {
            self.server.per_second / self.ceiling.per_second
        } else {
            0.0
        }
    }

    /// Peak RSS in bytes.
    pub fn peak_rss_bytes(&self) -> u64 {
        self.peak_rss_kib * 1024
    }
}

/// Many blocks for one account at once.
#[derive(Debug, Clone)]
pub struct Burst {
    /// Blocks sent.
    pub blocks: usize,
    /// The most amoCRM API requests that started in any one second.
    pub max_per_second: u32,
    /// 429 answers amoCRM sent.
    pub too_many: u64,
    /// amoCRM API requests in all.
    pub api_requests: u64,
    /// The block latencies.
    pub summary: Summary,
    /// Answers by state.
    pub states: BTreeMap<BlockState, u64>,
    /// Requests that got no block at all.
    pub errors: u64,
    /// The server's render deadline.
    pub deadline: Duration,
    /// How long the whole burst took, first request to last answer.
    pub elapsed: Duration,
    /// What came right after.
    pub after: AfterBurst,
}

/// Blocks for new clients opened right after a burst.
#[derive(Debug, Clone)]
pub struct AfterBurst {
    /// The first one's latency.
    pub latency: Duration,
    /// The first one's state.
    pub state: BlockState,
    /// amoCRM API requests the sandbox received while the first one was waiting.
    pub api_requests: u64,
    /// From the end of the burst until a block was fresh again, if that happened while probing.
    pub recovered_after: Option<Duration>,
    /// How long blocks were opened for.
    pub probed_for: Duration,
}

impl Burst {
    /// Whether every block was answered within the render deadline.
    pub fn deadline_ok(&self) -> bool {
        self.errors == 0 && self.summary.max <= self.deadline + DEADLINE_SLACK
    }
}

/// Many agents opening the same ticket at once.
#[derive(Debug, Clone)]
pub struct SameTicket {
    /// Agents.
    pub agents: usize,
    /// The ticket.
    pub ticket_id: i64,
    /// Its identifiers.
    pub identifiers: usize,
    /// The requests one block of it may make ([`request_budget`]).
    pub budget: usize,
    /// amoCRM API requests in all.
    pub api_requests: u64,
    /// The block latencies.
    pub summary: Summary,
    /// Answers by state.
    pub states: BTreeMap<BlockState, u64>,
}

impl SameTicket {
    /// Whether the requests goal is met.
    pub fn ok(&self) -> bool {
        self.api_requests <= self.budget as u64
    }
}

/// Everything measured.
#[derive(Debug, Clone)]
pub struct Results {
    /// Where.
    pub machine: Machine,
    /// The injected amoCRM latency of the latency, burst and same-ticket runs.
    pub injected: Duration,
    /// Sequential latency rows.
    pub latency: Vec<LatencyRow>,
    /// The first block after a server restart (ticket, latency, amoCRM requests).
    pub first_after_restart: Option<(i64, Duration, u64)>,
    /// 429s amoCRM sent during the sequential runs (the pacing should keep it at 0).
    pub sequential_too_many: u64,
    /// The throughput run.
    pub throughput: Throughput,
    /// The same-ticket run.
    pub same_ticket: SameTicket,
    /// The burst.
    pub burst: Burst,
    /// Bursts measured to the end (every client's data ready).
    pub curves: Vec<crate::curve::BurstCurve>,
    /// The whole benchmark's duration.
    pub elapsed: Duration,
}

fn mark(ok: bool) -> &'static str {
    if ok { "✅" } else { "❌" }
}

fn states(states: &BTreeMap<BlockState, u64>) -> String {
    let parts: Vec<String> = states
        .iter()
        .map(|(s, n)| format!("{n} {}", s.label()))
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn load(machine: &Machine) -> String {
    machine
        .load_average
        .map_or_else(String::new, |l| format!(", load average {l:.2} at the end"))
}

fn cache_name(cache: Cache) -> &'static str {
    match cache {
        Cache::Warm => "warm",
        Cache::Cold => "cold",
    }
}

impl Results {
    fn latency_table(&self) -> Table {
        let mut table = Table::new(&[
            "ticket",
            "contacts",
            "identifiers",
            "metadata",
            "blocks",
            "p50",
            "p99",
            "depth",
            "goal: depth ≤ 2.3 (contact with deals)",
            "amoCRM req/block",
            "goal: warm ≤ identifiers + contacts' tasks + deals and their tasks + company and its deals",
        ]);
        for row in &self.latency {
            let depth_goal = if row.depth_goal_applies() {
                format!("{} {:.2}", mark(row.depth_ok()), row.depth())
            } else {
                "n/a (no deals)".to_owned()
            };
            let requests_goal = match row.cache {
                Cache::Warm => format!(
                    "{} {:.2} ≤ {}",
                    mark(row.requests_ok()),
                    row.requests_per_block,
                    row.request_budget()
                ),
                Cache::Cold => "n/a (cold)".to_owned(),
            };
            table.row(vec![
                row.ticket_id.to_string(),
                row.contacts.to_string(),
                row.identifiers.to_string(),
                cache_name(row.cache).to_owned(),
                format!(
                    "{}{}",
                    row.summary.count,
                    if row.not_fresh > 0 {
                        format!(" ({} not fresh)", row.not_fresh)
                    } else {
                        String::new()
                    }
                ),
                millis(row.summary.p50),
                millis(row.summary.p99),
                format!("{:.2}", row.depth()),
                depth_goal,
                format!("{:.2}", row.requests_per_block),
                requests_goal,
            ]);
        }
        table
    }

    fn throughput_table(&self) -> Table {
        let t = &self.throughput;
        let mut table = Table::new(&[
            "target",
            "blocks/s",
            "p50",
            "p99",
            "CPU per answer",
            "answers",
            "errors",
        ]);
        for (name, rate) in [
            ("usedesk-amocrm (release)", &t.server),
            ("minimal hyper handler (ceiling)", &t.ceiling),
        ] {
            table.row(vec![
                name.to_owned(),
                format!("{:.0}", rate.per_second),
                millis(rate.summary.p50),
                millis(rate.summary.p99),
                rate.cpu_per_answer.map_or_else(
                    || "?".to_owned(),
                    |d| format!("{:.0} µs", d.as_secs_f64() * 1e6),
                ),
                states(&rate.states),
                rate.errors.to_string(),
            ]);
        }
        table
    }

    fn goals_table(&self) -> Table {
        let t = &self.throughput;
        let b = &self.burst;
        let s = &self.same_ticket;
        let mut table = Table::new(&["figure", "measured", "goal", ""]);
        let mut add = |figure: &str, measured: String, goal: &str, ok: bool| {
            table.row(vec![
                figure.to_owned(),
                measured,
                goal.to_owned(),
                mark(ok).to_owned(),
            ]);
        };
        add(
            &format!("throughput at {} agents ÷ ceiling", t.agents),
            format!(
                "{:.0} ÷ {:.0} = {:.0} %",
                t.server.per_second,
                t.ceiling.per_second,
                t.ratio() * 100.0
            ),
            "≥ 50 %",
            t.ratio() >= THROUGHPUT_GOAL,
        );
        #[allow(clippy::cast_precision_loss)]
        let rss_mb = t.peak_rss_bytes() as f64 / 1e6;
        add(
            &format!("peak RSS (VmHWM) at {} agents", t.agents),
            format!("{rss_mb:.1} MB"),
            "≤ 50 MB",
            t.peak_rss_bytes() <= RSS_GOAL_BYTES,
        );
        add(
            &format!("burst of {}: most amoCRM requests in any 1 s", b.blocks),
            b.max_per_second.to_string(),
            "≤ 7",
            b.max_per_second <= RATE_GOAL,
        );
        add(
            &format!("burst of {}: 429 answers", b.blocks),
            b.too_many.to_string(),
            "0",
            b.too_many == 0,
        );
        add(
            &format!("burst of {}: slowest block (p99)", b.blocks),
            format!("{} ({})", millis(b.summary.max), millis(b.summary.p99)),
            &format!(
                "≤ render deadline {} (+{} ms to render and send)",
                millis(b.deadline),
                DEADLINE_SLACK.as_millis()
            ),
            b.deadline_ok(),
        );
        add(
            &format!(
                "{} agents on ticket {} at once: amoCRM requests",
                s.agents, s.ticket_id
            ),
            s.api_requests.to_string(),
            &format!("≤ one block's = {}", s.budget),
            s.ok(),
        );
        table
    }

    /// Every goal met?
    pub fn all_ok(&self) -> bool {
        let t = &self.throughput;
        self.latency.iter().all(|r| r.depth_ok() && r.requests_ok())
            && t.ratio() >= THROUGHPUT_GOAL
            && t.peak_rss_bytes() <= RSS_GOAL_BYTES
            && self.burst.max_per_second <= RATE_GOAL
            && self.burst.too_many == 0
            && self.burst.deadline_ok()
            && self.same_ticket.ok()
            && self
                .curves
                .iter()
                .all(|c| c.ready_ok() && c.answers_ok() && c.reopen_ok())
    }

    /// The bursts measured to the end: their goals, then each one's curve.
    fn curves_section(&self) -> String {
        crate::curve::markdown(&self.curves, self.injected)
    }

    fn notes(&self) -> Vec<String> {
        let t = &self.throughput;
        let b = &self.burst;
        let s = &self.same_ticket;
        let mut notes = vec![format!(
            "Sequential runs: amoCRM latency {} injected; each block as a new Usedesk client (so the server's \
             render cache never answers), paced so the account's limiter (7 per 1.1 s) never delays a request; \
             429s during them: {}.",
            millis(self.injected),
            self.sequential_too_many
        )];
        if let Some((ticket, latency, requests)) = self.first_after_restart {
            let warm = self
                .latency
                .iter()
                .find(|r| r.ticket_id == ticket && matches!(r.cache, Cache::Warm));
            notes.push(format!(
                "First block after a server restart (ticket {ticket}, metadata from the store): {} with {requests} \
                 amoCRM requests{}.",
                millis(latency),
                warm.map_or_else(String::new, |w| format!(
                    " (warm: p50 {}, {:.2} requests; goal: the same)",
                    millis(w.summary.p50),
                    w.requests_per_block
                ))
            ));
        }
        notes.push(format!(
            "Throughput: {} agents for {:.0} s, zero injected latency, cycling the four sample tickets with their \
             own client ids — after the first render the server's render cache (10 s) answers almost all of them, \
             so this measures HTTP, parsing, the connection lookup in SQLite and HTML rendering, not amoCRM. The \
             ceiling answers a fixed {}-byte body. The load generator shares the machine's cores with both.",
            t.agents,
            t.window.as_secs_f64(),
            t.ceiling_body_bytes
        ));
        notes.push(format!(
            "Burst: {} blocks at once, each a new Usedesk client (cycling tickets 1001–1003), {} injected; \
             {} amoCRM requests in {:.1} s; answers: {}; no answer: {}; latency min {}, p50 {}, max {}.",
            b.blocks,
            millis(self.injected),
            b.api_requests,
            b.elapsed.as_secs_f64(),
            states(&b.states),
            b.errors,
            millis(b.summary.min),
            millis(b.summary.p50),
            millis(b.summary.max)
        ));
        let a = &b.after;
        let recovery = match a.recovered_after {
            Some(after) => format!(
                "a new client's block was fresh again {:.1} s after the burst",
                after.as_secs_f64()
            ),
            None => format!(
                "new clients' blocks were still not fresh after {:.0} s of opening them one after the other",
                a.probed_for.as_secs_f64()
            ),
        };
        notes.push(format!(
            "Right after the burst, one block for a new client took {} and was {}, while amoCRM received {} \
             requests; {recovery}.",
            millis(a.latency),
            a.state.label(),
            a.api_requests
        ));
        notes.push(format!(
            "Same ticket: {} agents opened ticket {} at once (a new client id, so the render cache was cold; \
             metadata warm); answers: {}; p50 {}, p99 {}.",
            s.agents,
            s.ticket_id,
            states(&s.states),
            millis(s.summary.p50),
            millis(s.summary.p99)
        ));
        notes
    }

    /// The report for the terminal.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "usedesk-amocrm benchmark — {} — {} cores, {}, {:.1} GiB RAM{}",
            m.date,
            m.cores,
            m.cpu,
            m.ram_gib(),
            load(m)
        );
        let _ = writeln!(
            out,
            "\nBlock latency (sequential, amoCRM latency {} injected):\n",
            millis(self.injected)
        );
        out.push_str(&self.latency_table().text());
        let _ = writeln!(
            out,
            "\nThroughput ({} agents, zero injected latency, {:.0} s):\n",
            self.throughput.agents,
            self.throughput.window.as_secs_f64()
        );
        out.push_str(&self.throughput_table().text());
        let _ = writeln!(out, "\nGoals:\n");
        out.push_str(&self.goals_table().text());
        out.push('\n');
        for note in self.notes() {
            let _ = writeln!(out, "- {note}");
        }
        out.push_str(&self.curves_section());
        let _ = writeln!(
            out,
            "\n{} in {:.0} s.",
            if self.all_ok() {
                "Every goal met"
            } else {
                "Some goals missed (❌)"
            },
            self.elapsed.as_secs_f64()
        );
        out
    }

    /// The tables for `docs/benchmarks.md`.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let m = &self.machine;
        let _ = writeln!(
            out,
            "Measured {} on {} cores ({}), {:.1} GiB RAM{}, in {:.0} s.\n",
            m.date,
            m.cores,
            m.cpu,
            m.ram_gib(),
            load(m),
            self.elapsed.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "### Block latency (sequential, amoCRM latency {} injected)\n",
            millis(self.injected)
        );
        out.push_str(&self.latency_table().markdown());
        let _ = writeln!(
            out,
            "\n### Throughput ({} agents, zero injected latency)\n",
            self.throughput.agents
        );
        out.push_str(&self.throughput_table().markdown());
        let _ = writeln!(out, "\n### Goals\n");
        out.push_str(&self.goals_table().markdown());
        out.push('\n');
        for note in self.notes() {
            let _ = writeln!(out, "- {note}");
        }
        out.push_str(&self.curves_section());
        out
    }
}
