//! `soak`: ten minutes (by default) of mixed load against the release server and the sandbox with faults
//! switching on and off, sampling the server's resident memory and open file descriptors, to show both stay
//! flat. Not part of CI: `just soak` runs it.

use std::time::Duration;

use anyhow::Context as _;
use bench::load::{block_body, post_block};
use bench::server::{Server, ServerSettings, binary, free_port};
use clap::Parser;
use sandbox::{FaultMode, Faults, Sandbox, SandboxConfig, sample_tickets};
use serde_json::json;
use tokio::time::Instant;

#[derive(Debug, Parser)]
#[command(
    name = "soak",
    about = "Mixed load with faults against usedesk-amocrm; reports memory and file descriptors"
)]
struct Cli {
    /// How long to run, in seconds.
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Concurrent agents.
    #[arg(long, default_value_t = 16)]
    agents: usize,
    /// Seconds between samples of memory and descriptors.
    #[arg(long, default_value_t = 30)]
    sample_every: u64,
}

/// One sample of the server process.
#[derive(Debug, Clone, Copy)]
struct Sample {
    at: Duration,
    rss_kib: u64,
    fds: usize,
    blocks: u64,
    triggers: u64,
    errors: u64,
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| bench::server::status_kib(&s, "VmRSS"))
        .unwrap_or(0)
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// The faults cycled through, a phase each: calm, 429s, slowness, server errors, a 403 block, calm again.
fn phase(n: u64) -> Faults {
    let mode = match n % 6 {
        1 => FaultMode::TooManyJson { retry_after: 2 },
        2 => FaultMode::Slow(Duration::from_millis(400)),
        3 => FaultMode::ServerError,
        4 => FaultMode::Forbidden,
        _ => FaultMode::None,
    };
    Faults {
        mode,
        for_next: Some(20),
        only_path_prefix: None,
    }
}

/// The soak run from start to report: long because it is one script of steps (start, load, fault cycle, sample,
/// report) that reads best in order.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let listen = free_port()?;
    let sandbox = Sandbox::start(SandboxConfig {
        redirect_uri: Some(format!("http://{listen}/oauth/callback")),
        latency: Duration::from_millis(20),
        ..SandboxConfig::default()
    })
    .await
    .context("starting the sandbox")?;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let data = testkit::TempDir::new("soak");
    let settings = ServerSettings {
        listen,
        data_dir: data.path().to_path_buf(),
        amocrm_origin: amo.clone(),
        authorize_url: sandbox.authorize_url().to_string(),
        usedesk_url: sandbox.usedesk_url().to_string(),
        client_id: "sandbox-client-id".into(),
        client_secret: "sandbox-client-secret".into(),
        metadata_ttl_secs: 60,
        render_deadline_ms: 3_000,
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let server = Server::start(&binary()?, &settings).await?;
    let base = settings.base_url();
    let tickets = sample_tickets();
    bench::login::login(&http, &base.parse()?, block_body(&tickets[1], 1, &amo)).await?;
    let block = post_block(
        &http,
        &format!("{base}api/"),
        block_body(&tickets[1], 1, &amo),
    )
    .await?;
    let gear =
        bench::html::link_containing(&block.html, "action/settings").context("a gear link")?;
    // The trigger secret, created as an admin creates it: the gear's button, then the page that shows it once.
    let (connection, secret) = testkit::agent::trigger_secret_from_the_gear(&http, &gear).await?;

    let started = Instant::now();
    let deadline = started + Duration::from_secs(cli.seconds);
    let counters = std::sync::Arc::new([(); 3].map(|()| std::sync::atomic::AtomicU64::new(0)));
    let mut agents = Vec::new();
    for agent in 0..cli.agents {
        let (http, base, amo, tickets, counters) = (
            http.clone(),
            base.clone(),
            amo.clone(),
            tickets.clone(),
            counters.clone(),
        );
        let (connection, secret) = (connection.clone(), secret.clone());
        agents.push(tokio::spawn(async move {
            let mut n: u64 = 0;
            while Instant::now() < deadline {
                n += 1;
                let ticket = &tickets[usize::try_from(n).unwrap_or(0) % tickets.len()];
                // Mostly blocks for many distinct clients (cache churn), now and then a trigger.
                let ok = if n.is_multiple_of(25) {
                    let body = json!({"amoClientId": connection, "ticketId": ticket.ticket_id,
                        "fields": {"name": format!("Soak deal {agent}-{n}"), "price": n}});
                    counters[1].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    http.post(format!("{base}api/freeCreateLead"))
                        .header("X-Trigger-Secret", &secret)
                        .json(&body)
                        .send()
                        .await
                        .is_ok()
                } else {
                    let client = i64::try_from(agent * 1_000_000).unwrap_or(0)
                        + i64::try_from(n % 500).unwrap_or(0);
                    counters[0].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    post_block(
                        &http,
                        &format!("{base}api/"),
                        block_body(ticket, client, &amo),
                    )
                    .await
                    .is_ok()
                };
                if !ok {
                    counters[2].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }));
    }

    let pid = server.pid();
    let take_sample = || {
        let load = |i: usize| counters[i].load(std::sync::atomic::Ordering::Relaxed);
        Sample {
            at: started.elapsed(),
            rss_kib: rss_kib(pid),
            fds: open_fds(pid),
            blocks: load(0),
            triggers: load(1),
            errors: load(2),
        }
    };
    let mut samples = Vec::new();
    let mut n = 0;
    while Instant::now() < deadline {
        sandbox.set_faults(phase(n));
        n += 1;
        samples.push(take_sample());
        tokio::time::sleep(Duration::from_secs(cli.sample_every).min(deadline - Instant::now()))
            .await;
    }
    for agent in agents {
        let _ = agent.await;
    }
    samples.push(take_sample());
    server.stop().await?;

    println!("| time | RSS (MiB) | open fds | blocks | triggers | transport errors |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for s in &samples {
        #[allow(clippy::cast_precision_loss)]
        let mib = s.rss_kib as f64 / 1024.0;
        println!(
            "| {:>4}s | {mib:.1} | {} | {} | {} | {} |",
            s.at.as_secs(),
            s.fds,
            s.blocks,
            s.triggers,
            s.errors
        );
    }
    // Flat: after the first minute (caches filling), memory grows by less than 20 % and descriptors by less than 10.
    let settled: Vec<_> = samples
        .iter()
        .filter(|s| s.at >= Duration::from_secs(60))
        .collect();
    if let (Some(first), Some(last)) = (settled.first(), settled.last()) {
        let rss_flat = last.rss_kib * 100 <= first.rss_kib * 120;
        let fds_flat = last.fds <= first.fds + 10;
        println!(
            "\nRSS {} → {} KiB ({}), fds {} → {} ({})",
            first.rss_kib,
            last.rss_kib,
            if rss_flat { "flat" } else { "GROWING" },
            first.fds,
            last.fds,
            if fds_flat { "flat" } else { "GROWING" }
        );
    }
    Ok(())
}
