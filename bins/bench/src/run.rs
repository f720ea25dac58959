//! The benchmark's phases, in an order where none disturbs the next: sequential latency with warm and cold
//! metadata, throughput against the ceiling, many agents on one ticket, and last the burst (which leaves the
//! account's limiter busy for a while).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use anyhow::{Context as _, bail};
use bytes::Bytes;
use sandbox::{SampleTicket, Sandbox, SandboxConfig};
use testkit::TempDir;
use tokio::time::Instant;
use url::Url;

use crate::ceiling::Ceiling;
use crate::html::BlockState;
use crate::load::{self, Answer, block_body, identifier_count, post_block};
use crate::machine::Machine;
use crate::pacer::Pacer;
use crate::report::{AfterBurst, Burst, Cache, LatencyRow, Rate, Results, SameTicket, Throughput};
use crate::server::{self, Server, ServerSettings};
use crate::stats::summarize;

mod latency;
mod restart;
mod same;

pub use latency::run_latency;
pub use restart::{FirstBlocks, run_restart};
pub use same::run_same_ticket;

/// The server's per-account limit window (amoCRM's second plus its margin) and a little more, for pacing.
const PACING_WINDOW: Duration = Duration::from_millis(1150);
/// The metadata cache lifetime of the warm runs (the server's default).
const WARM_METADATA_TTL_SECS: u64 = 600;
/// How long a burst's blocks are polled until fresh.
const CURVE_LIMIT: Duration = Duration::from_secs(120);
/// How long to let the account's limit window empty between phases.
const QUIET: Duration = Duration::from_millis(1200);

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// amoCRM latency injected by the sandbox for the latency, same-ticket and burst runs.
    pub latency: Duration,
    /// Sequential blocks per ticket and cache state.
    pub samples: usize,
    /// Concurrent agents of the throughput run.
    pub agents: usize,
    /// The throughput run's warm-up (not measured).
    pub warmup: Duration,
    /// The throughput run's measured window.
    pub measure: Duration,
    /// Agents opening the same ticket at once.
    pub same_ticket_agents: usize,
    /// Blocks of the burst.
    pub burst: usize,
    /// The server's render deadline.
    pub render_deadline: Duration,
    /// How long to keep opening new blocks after the burst until one is fresh (zero: one block only).
    pub recovery_limit: Duration,
}

/// Arthur Weasley's own e-mail in the sample data: it finds him alone.
const ARTHUR_EMAIL: &str = "arthur.weasley@ministry.example";

/// The sample tickets by role.
struct Tickets {
    none: SampleTicket,
    one: SampleTicket,
    three: SampleTicket,
    /// Arthur alone (ticket 1003 with only his own e-mail): one contact with deals and a company that has a deal
    /// of its own.
    company: SampleTicket,
    all: Vec<SampleTicket>,
}

impl Tickets {
    fn load() -> anyhow::Result<Self> {
        let all = sandbox::sample_tickets();
        let find = |id: i64| {
            all.iter()
                .find(|t| t.ticket_id == id)
                .cloned()
                .with_context(|| format!("the sandbox has no sample ticket {id}"))
        };
        let three = find(sandbox::seed::TICKET_THREE_MATCHES)?;
        let company = SampleTicket {
            client_name: "Arthur Weasley".to_owned(),
            emails: vec![ARTHUR_EMAIL.to_owned()],
            phones: Vec::new(),
            ..three.clone()
        };
        Ok(Self {
            none: find(sandbox::seed::TICKET_NO_MATCH)?,
            one: find(sandbox::seed::TICKET_ONE_MATCH)?,
            three,
            company,
            all,
        })
    }
}

/// What every phase shares.
struct Bench {
    options: Options,
    binary: PathBuf,
    sandbox: Sandbox,
    settings: ServerSettings,
    http: reqwest::Client,
    api: String,
    amo_origin: String,
    next_client: AtomicI64,
}

impl Bench {
    /// A Usedesk client id never used before, so the server's render cache has nothing for it.
    fn new_client(&self) -> i64 {
        self.next_client.fetch_add(1, Ordering::Relaxed)
    }

    fn body(&self, ticket: &SampleTicket, client_id: i64) -> Bytes {
        block_body(ticket, client_id, &self.amo_origin)
    }

    fn fresh_body(&self, ticket: &SampleTicket) -> Bytes {
        self.body(ticket, self.new_client())
    }

    async fn start_server(&self, metadata_ttl_secs: u64) -> anyhow::Result<Server> {
        let settings = ServerSettings {
            metadata_ttl_secs,
            ..self.settings.clone()
        };
        Server::start(&self.binary, &settings).await
    }

    /// The server with warm metadata, logged in to the sandbox's amoCRM through the real OAuth pages from a block
    /// of `ticket`.
    async fn logged_in_server(&self, ticket: &SampleTicket) -> anyhow::Result<Server> {
        let server = self.start_server(WARM_METADATA_TTL_SECS).await?;
        crate::login::login(
            &self.http,
            &Url::parse(&format!("http://{}/", self.settings.listen))?,
            self.fresh_body(ticket),
        )
        .await
        .with_context(|| format!("logging in\nserver log:\n{}", server.log_tail()))?;
        Ok(server)
    }

    /// One paced block, with the amoCRM requests it made.
    async fn paced_block(
        &self,
        pacer: &mut Pacer,
        ticket: &SampleTicket,
        expect: u64,
    ) -> anyhow::Result<(Answer, u64)> {
        pacer.wait(expect).await;
        let before = self.sandbox.stats().api_requests;
        let answer = post_block(&self.http, &self.api, self.fresh_body(ticket)).await?;
        let requests = self.sandbox.stats().api_requests - before;
        pacer.record(Instant::now(), requests);
        Ok((answer, requests))
    }

    /// `samples` sequential, paced blocks of `ticket`, each for a new client.
    async fn sequential(
        &self,
        pacer: &mut Pacer,
        ticket: &SampleTicket,
        cache: Cache,
    ) -> anyhow::Result<LatencyRow> {
        let mut latencies = Vec::with_capacity(self.options.samples);
        let mut requests = 0;
        let mut expect = 7;
        let mut not_fresh = 0;
        let mut shown: Option<String> = None;
        let mut last = String::new();
        for _ in 0..self.options.samples {
            let (answer, made) = self.paced_block(pacer, ticket, expect).await?;
            expect = made.max(1);
            requests += made;
            latencies.push(answer.latency);
            if answer.state == BlockState::Fresh {
                shown = Some(answer.html);
            } else {
                not_fresh += 1;
                last = format!("{:?}: {}", answer.state, answer.html);
            }
        }
        let html = shown.with_context(|| {
            format!(
                "no block of ticket {} was fresh; the last one was {last}",
                ticket.ticket_id
            )
        })?;
        // The sample count is small, so the conversions are exact.
        #[allow(clippy::cast_precision_loss)]
        let requests_per_block = requests as f64 / latencies.len() as f64;
        Ok(LatencyRow {
            ticket_id: ticket.ticket_id,
            contacts: html.matches(r#"<details class="uda-contact"#).count(),
            deals: html.contains(r#"class="uda-deals""#),
            company: html.contains(r#"class="uda-company""#),
            identifiers: identifier_count(ticket),
            cache,
            summary: summarize(&latencies),
            injected: self.options.latency,
            requests_per_block,
            not_fresh,
        })
    }
}

fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .context("building the HTTP client")
}

/// Runs every phase and returns what was measured.
pub async fn run(options: Options) -> anyhow::Result<Results> {
    let started = Instant::now();
    let (bench, dir) = setup(options).await?;
    let outcome = phases(&bench, &dir, started).await;
    let Bench { sandbox, .. } = bench;
    sandbox.shutdown().await;
    outcome
}

/// Only the bursts measured to the end (after logging in and loading the metadata).
pub async fn run_bursts(options: Options) -> anyhow::Result<Vec<crate::curve::BurstCurve>> {
    let (bench, _dir) = setup(options).await?;
    let outcome = only_bursts(&bench).await;
    let Bench { sandbox, .. } = bench;
    sandbox.shutdown().await;
    outcome
}

/// The sandbox and what every phase shares.
async fn setup(options: Options) -> anyhow::Result<(Bench, TempDir)> {
    let binary = server::binary()?;
    let dir = TempDir::try_new("bench").context("creating the bench's directory")?;
    let listen = server::free_port()?;
    let base = format!("http://{listen}/");
    let sandbox = Sandbox::start(SandboxConfig {
        redirect_uri: Some(format!("{base}oauth/callback")),
        latency: options.latency,
        enforce_rate_limit: true,
        ..SandboxConfig::default()
    })
    .await
    .context("starting the sandbox")?;
    let defaults = SandboxConfig::default();
    let amo_origin = sandbox.amocrm_url().origin().ascii_serialization();
    let settings = ServerSettings {
        listen,
        data_dir: dir.path().join("server"),
        amocrm_origin: amo_origin.clone(),
        authorize_url: sandbox.authorize_url().to_string(),
        usedesk_url: sandbox.usedesk_url().to_string(),
        client_id: defaults.oauth_client_id.clone(),
        client_secret: defaults.oauth_client_secret.clone(),
        metadata_ttl_secs: WARM_METADATA_TTL_SECS,
        render_deadline_ms: u64::try_from(options.render_deadline.as_millis()).unwrap_or(u64::MAX),
    };
    let bench = Bench {
        binary,
        sandbox,
        settings,
        http: http_client()?,
        api: format!("{base}api/"),
        amo_origin,
        next_client: AtomicI64::new(70_000_000),
        options,
    };
    Ok((bench, dir))
}

/// The bursts alone, after logging in and loading the metadata; the other figures stay empty.
async fn only_bursts(bench: &Bench) -> anyhow::Result<Vec<crate::curve::BurstCurve>> {
    let tickets = Tickets::load()?;
    let server = bench.logged_in_server(&tickets.one).await?;
    bench.sandbox.set_latency(bench.options.latency);
    prime(bench, &[bench.fresh_body(&tickets.none)]).await?;
    let curves = curves(bench, &tickets).await;
    server.stop().await?;
    Ok(curves)
}

/// The two bursts measured to the end.
async fn curves(bench: &Bench, tickets: &Tickets) -> Vec<crate::curve::BurstCurve> {
    let mut curves = Vec::new();
    for (label, clients) in [
        (
            "burst of 100 new clients".to_owned(),
            new_clients(bench, tickets, 100),
        ),
        (
            "burst of 300 (sample tickets)".to_owned(),
            sample_clients(bench, tickets, 300),
        ),
    ] {
        settle(bench).await;
        eprintln!("{label}, to the end…");
        curves.push(
            crate::curve::run(
                &bench.http,
                &bench.api,
                &bench.sandbox,
                label,
                clients,
                bench.options.render_deadline,
                CURVE_LIMIT,
            )
            .await,
        );
    }
    curves
}

async fn phases(bench: &Bench, dir: &TempDir, started: Instant) -> anyhow::Result<Results> {
    let tickets = Tickets::load()?;
    let options = &bench.options;
    let mut pacer = Pacer::new(7, PACING_WINDOW);

    eprintln!("starting the server and logging in to the sandbox's amoCRM…");
    let server = bench.logged_in_server(&tickets.one).await?;

    let order = [
        &tickets.none,
        &tickets.one,
        &tickets.three,
        &tickets.company,
    ];
    let mut latency = Vec::new();
    eprintln!(
        "warm metadata: {} sequential blocks per ticket…",
        options.samples
    );
    for ticket in order {
        // The first block loads the metadata; the measured ones find it cached.
        bench.paced_block(&mut pacer, ticket, 7).await?;
        latency.push(bench.sequential(&mut pacer, ticket, Cache::Warm).await?);
    }
    server.stop().await?;

    // A restart with the usual metadata lifetime: the first block finds the metadata in the store.
    eprintln!("first block after a restart…");
    let first = restart::first_blocks(bench, &mut pacer, &tickets.three).await?;
    let (latency_after, requests_after) = first.graceful;
    let first_after_restart = Some((tickets.three.ticket_id, latency_after, requests_after));
    eprintln!("  {}", first.crash_line());

    eprintln!(
        "cold metadata (server restarted, metadata cache lifetime 0): {} sequential blocks per ticket…",
        options.samples
    );
    let server = bench.start_server(0).await?;
    for ticket in order {
        latency.push(bench.sequential(&mut pacer, ticket, Cache::Cold).await?);
    }
    server.stop().await?;
    let sequential_too_many = bench.sandbox.stats().too_many_requests;

    let throughput = throughput(bench, &tickets, dir).await?;
    let server = bench.start_server(WARM_METADATA_TTL_SECS).await?;
    // Load the metadata so the two remaining runs see a warm cache, as a server in use would have.
    bench.sandbox.set_latency(options.latency);
    prime(bench, &[bench.fresh_body(&tickets.none)]).await?;

    eprintln!(
        "{} agents on one ticket at once…",
        options.same_ticket_agents
    );
    tokio::time::sleep(QUIET).await;
    let same_ticket = same_ticket(bench, &tickets.three).await?;

    eprintln!("burst of {} blocks for one account…", options.burst);
    tokio::time::sleep(QUIET).await;
    let burst = burst(bench, &tickets).await?;

    let curves = curves(bench, &tickets).await;
    server.stop().await?;

    Ok(Results {
        machine: Machine::detect(),
        injected: options.latency,
        latency,
        first_after_restart,
        sequential_too_many,
        throughput,
        same_ticket,
        burst,
        curves,
        elapsed: started.elapsed(),
    })
}

/// Sends `bodies` one after the other to a server just started, and checks every answer is fresh.
///
/// A new server process's limiter knows nothing of the requests its predecessor sent within the last
/// second, while the sandbox does: so first the window is left to empty, as it would in production between
/// a replica's stop and its successor's start.
async fn prime(bench: &Bench, bodies: &[Bytes]) -> anyhow::Result<Vec<Answer>> {
    tokio::time::sleep(QUIET).await;
    let mut answers = Vec::with_capacity(bodies.len());
    for body in bodies {
        let answer = post_block(&bench.http, &bench.api, body.clone()).await?;
        if answer.state != BlockState::Fresh {
            bail!(
                "a priming block was {:?}, not fresh:\n{}",
                answer.state,
                answer.html
            );
        }
        answers.push(answer);
    }
    Ok(answers)
}

fn rate(outcome: &load::LoopOutcome, cpu: Option<Duration>) -> Rate {
    Rate {
        per_second: outcome.per_second(),
        summary: summarize(&outcome.latencies),
        states: outcome.states.clone(),
        errors: outcome.errors,
        cpu_per_answer: cpu
            .filter(|_| outcome.total > 0)
            .map(|cpu| cpu / u32::try_from(outcome.total).unwrap_or(u32::MAX)),
    }
}

/// CPU time a process used while `work` ran.
async fn with_cpu<T>(pid: u32, work: impl Future<Output = T>) -> (T, Option<Duration>) {
    let before = server::cpu_time(pid);
    let result = work.await;
    let used = server::cpu_time(pid)
        .zip(before)
        .map(|(after, before)| after.saturating_sub(before));
    (result, used)
}

async fn throughput(bench: &Bench, tickets: &Tickets, dir: &TempDir) -> anyhow::Result<Throughput> {
    let options = &bench.options;
    eprintln!(
        "throughput: {} agents, zero latency, {:.0} s each for the server and the ceiling…",
        options.agents,
        options.measure.as_secs_f64()
    );
    bench.sandbox.set_latency(Duration::ZERO);
    let server = bench.start_server(WARM_METADATA_TTL_SECS).await?;
    // Every sample ticket with its own client id: what 64 agents reopening the same four tickets send.
    let bodies: Vec<Bytes> = tickets
        .all
        .iter()
        .map(|t| bench.body(t, t.client_id))
        .collect();
    let mut middle = None;
    for (ticket, answer) in tickets.all.iter().zip(prime(bench, &bodies).await?) {
        if ticket.ticket_id == tickets.one.ticket_id {
            middle = Some(answer.html);
        }
    }
    let bodies = Arc::new(bodies);
    let (served, served_cpu) = with_cpu(
        server.pid(),
        load::closed_loop(
            &bench.http,
            &bench.api,
            bodies.clone(),
            options.agents,
            options.warmup,
            options.measure,
        ),
    )
    .await;
    let peak_rss_kib = server.peak_rss_kib()?;
    server.stop().await?;
    if served.completed == 0 {
        bail!(
            "the server answered no block in the throughput run ({} errors)",
            served.errors
        );
    }

    // The ceiling answers what the server answers for the one-contact ticket, byte for byte.
    let html = middle.context("no answer for the one-contact ticket")?;
    let fixed = serde_json::json!({ "html": html }).to_string();
    let body_file = dir.path().join("ceiling.json");
    std::fs::write(&body_file, &fixed)
        .with_context(|| format!("writing {}", body_file.display()))?;
    let ceiling = Ceiling::start(&body_file).await?;
    let url = format!("http://{}/api/", ceiling.addr);
    let (bound, bound_cpu) = with_cpu(
        ceiling.pid(),
        load::closed_loop(
            &bench.http,
            &url,
            bodies,
            options.agents,
            options.warmup,
            options.measure,
        ),
    )
    .await;
    drop(ceiling);
    Ok(Throughput {
        agents: options.agents,
        window: options.measure,
        server: rate(&served, served_cpu),
        ceiling: rate(&bound, bound_cpu),
        ceiling_body_bytes: fixed.len(),
        peak_rss_kib,
    })
}

fn tally(answers: &[anyhow::Result<Answer>]) -> (Vec<Duration>, BTreeMap<BlockState, u64>, u64) {
    let mut latencies = Vec::new();
    let mut states = BTreeMap::new();
    let mut errors = 0;
    for answer in answers {
        match answer {
            Ok(a) => {
                latencies.push(a.latency);
                *states.entry(a.state).or_default() += 1;
            }
            Err(e) => {
                errors += 1;
                if errors == 1 {
                    eprintln!("a block request failed: {e:#}");
                }
            }
        }
    }
    (latencies, states, errors)
}

async fn same_ticket(bench: &Bench, ticket: &SampleTicket) -> anyhow::Result<SameTicket> {
    let agents = bench.options.same_ticket_agents;
    let body = bench.fresh_body(ticket);
    bench.sandbox.reset_stats();
    let answers = load::all_at_once(&bench.http, &bench.api, vec![body; agents]).await;
    let stats = bench.sandbox.stats();
    let (latencies, states, errors) = tally(&answers);
    if errors > 0 {
        bail!("{errors} of {agents} same-ticket requests failed");
    }
    Ok(SameTicket {
        agents,
        ticket_id: ticket.ticket_id,
        identifiers: identifier_count(ticket),
        budget: crate::report::request_budget(identifier_count(ticket), true, true, false),
        api_requests: stats.api_requests,
        summary: summarize(&latencies),
        states,
    })
}

async fn burst(bench: &Bench, tickets: &Tickets) -> anyhow::Result<Burst> {
    let n = bench.options.burst;
    let cycle = [&tickets.none, &tickets.one, &tickets.three];
    let bodies: Vec<Bytes> = (0..n)
        .map(|i| bench.fresh_body(cycle[i % cycle.len()]))
        .collect();
    bench.sandbox.reset_stats();
    let started = Instant::now();
    let answers = load::all_at_once(&bench.http, &bench.api, bodies).await;
    let elapsed = started.elapsed();
    let stats = bench.sandbox.stats();
    let (latencies, states, errors) = tally(&answers);
    let after = after_burst(bench, &tickets.one).await?;
    Ok(Burst {
        blocks: n,
        max_per_second: stats.max_requests_per_second,
        too_many: stats.too_many_requests,
        api_requests: stats.api_requests,
        summary: summarize(&latencies),
        states,
        errors,
        deadline: bench.options.render_deadline,
        elapsed,
        after,
    })
}

/// Waits until amoCRM has received nothing for a while: the server's background work of the previous burst is done.
async fn settle(bench: &Bench) {
    loop {
        let before = bench.sandbox.stats().api_requests;
        tokio::time::sleep(QUIET).await;
        if bench.sandbox.stats().api_requests == before {
            return;
        }
    }
}

/// The normalised identifiers of a ticket's client.
fn identifiers_of(ticket: &SampleTicket) -> Vec<String> {
    domain::identity::identifiers(
        ticket.phones.iter().map(|(_, phone)| phone.as_str()),
        ticket.emails.iter().map(String::as_str),
        Some("7"),
    )
    .iter()
    .map(|i| i.value().to_owned())
    .collect()
}

fn burst_client(bench: &Bench, ticket: &SampleTicket, deals: bool) -> crate::curve::BurstClient {
    crate::curve::BurstClient {
        body: bench.fresh_body(ticket),
        identifiers: identifiers_of(ticket),
        deals,
    }
}

/// `n` new clients with one phone and one e-mail each; every tenth is ticket 1002's client (one contact with
/// deals), the others match nobody.
fn new_clients(bench: &Bench, tickets: &Tickets, n: usize) -> Vec<crate::curve::BurstClient> {
    let run = bench.new_client();
    (0..n)
        .map(|i| {
            if i % 10 == 0 {
                return burst_client(bench, &tickets.one, true);
            }
            let ticket = SampleTicket {
                ticket_id: 9000 + i as i64,
                subject: "Burst".into(),
                client_id: 0,
                client_name: format!("Burst client {i}"),
                emails: vec![format!("burst-{run}-{i}@example.test")],
                phones: vec![(
                    "mobile".into(),
                    format!(
                        "+7 (9{:02}) {:03}-{:02}-{:02}",
                        run % 100,
                        i / 10_000 % 1000,
                        i / 100 % 100,
                        i % 100
                    ),
                )],
            };
            burst_client(bench, &ticket, false)
        })
        .collect()
}

/// `n` new clients cycling the sample tickets 1001 (nobody), 1002 and 1003 (contacts with deals).
fn sample_clients(bench: &Bench, tickets: &Tickets, n: usize) -> Vec<crate::curve::BurstClient> {
    let cycle = [
        (&tickets.none, false),
        (&tickets.one, true),
        (&tickets.three, true),
    ];
    (0..n)
        .map(|i| {
            let (ticket, deals) = cycle[i % cycle.len()];
            burst_client(bench, ticket, deals)
        })
        .collect()
}

/// Blocks for new clients after the burst, one after the other: the first tells what an agent sees right
/// after it (and what amoCRM received meanwhile); the rest, until one is fresh or the recovery limit
/// passes, how long the account stays unusable.
async fn after_burst(bench: &Bench, ticket: &SampleTicket) -> anyhow::Result<AfterBurst> {
    let started = Instant::now();
    let before = bench.sandbox.stats().api_requests;
    let first = post_block(&bench.http, &bench.api, bench.fresh_body(ticket)).await?;
    let seen = bench.sandbox.stats().api_requests - before;
    let mut recovered_after = (first.state == BlockState::Fresh).then(|| started.elapsed());
    while recovered_after.is_none() && started.elapsed() < bench.options.recovery_limit {
        let answer = post_block(&bench.http, &bench.api, bench.fresh_body(ticket)).await?;
        if answer.state == BlockState::Fresh {
            recovered_after = Some(started.elapsed());
        }
    }
    Ok(AfterBurst {
        latency: first.latency,
        state: first.state,
        api_requests: seen,
        recovered_after,
        probed_for: started.elapsed(),
    })
}
