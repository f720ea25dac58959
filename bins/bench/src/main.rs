//! `bench`: runs the end-to-end benchmark and prints its figures beside their goals (`--markdown` for
//! `docs/benchmarks.md`). `bench --ceiling --body FILE` is the minimal hyper handler it compares against.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use bench::run::{Options, run};
use clap::Parser;

/// The whole benchmark must stay well inside ten minutes.
const TIME_LIMIT: Duration = Duration::from_secs(9 * 60);

#[derive(Debug, Parser)]
#[command(
    name = "bench",
    about = "End-to-end benchmark of usedesk-amocrm against the sandbox"
)]
struct Cli {
    /// Print the results as the Markdown tables of docs/benchmarks.md.
    #[arg(long)]
    markdown: bool,
    /// Only the bursts measured to the end (about a minute).
    #[arg(long)]
    bursts_only: bool,
    /// Only the first block after a restart, graceful and after a crash, beside warm blocks of ticket 1003.
    #[arg(long)]
    restart_only: bool,
    /// Only the sequential blocks with warm metadata: latency, depth and amoCRM requests per block (half a minute).
    #[arg(long)]
    latency_only: bool,
    /// Only many agents on ticket 1003 at once beside one agent alone, with the server's CPU time (three times).
    #[arg(long)]
    same_ticket_only: bool,
    /// amoCRM latency injected by the sandbox, in milliseconds.
    #[arg(long, default_value_t = 50)]
    latency_ms: u64,
    /// Sequential blocks per ticket and cache state (at least 30 for a meaningful p99).
    #[arg(long, default_value_t = 30)]
    samples: usize,
    /// Concurrent agents of the throughput run.
    #[arg(long, default_value_t = 64)]
    agents: usize,
    /// Measured seconds of the throughput run (after a 2 s warm-up), for the server and for the ceiling.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Agents opening the same ticket at once.
    #[arg(long, default_value_t = 50)]
    same_ticket: usize,
    /// Blocks in the burst for one account.
    #[arg(long, default_value_t = 300)]
    burst: usize,
    /// The server's render deadline, in milliseconds (its default is 8000).
    #[arg(long, default_value_t = 8000)]
    render_deadline_ms: u64,
    /// After the burst, keep opening blocks for new clients for up to this many seconds until one is fresh
    /// (0: open one only).
    #[arg(long, default_value_t = 0)]
    recovery_limit_secs: u64,
    /// Serve a fixed answer instead (the ceiling; started by the benchmark itself).
    #[arg(long, hide = true)]
    ceiling: bool,
    /// The ceiling's fixed answer.
    #[arg(long, hide = true)]
    body: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if cli.ceiling {
        let body = match &cli.body {
            Some(path) => {
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
            }
            None => br#"{"html":"<div class=\"uda-block\"></div>"}"#.to_vec(),
        };
        return bench::ceiling::serve(body.into()).await;
    }
    let options = Options {
        latency: Duration::from_millis(cli.latency_ms),
        samples: cli.samples.max(1),
        agents: cli.agents.max(1),
        warmup: Duration::from_secs(2),
        measure: Duration::from_secs(cli.seconds.max(1)),
        same_ticket_agents: cli.same_ticket.max(1),
        burst: cli.burst.max(1),
        render_deadline: Duration::from_millis(cli.render_deadline_ms),
        recovery_limit: Duration::from_secs(cli.recovery_limit_secs),
    };
    if cli.restart_only || cli.same_ticket_only || cli.latency_only {
        let lines = if cli.restart_only {
            tokio::time::timeout(TIME_LIMIT, bench::run::run_restart(options)).await
        } else if cli.latency_only {
            tokio::time::timeout(TIME_LIMIT, bench::run::run_latency(options)).await
        } else {
            tokio::time::timeout(TIME_LIMIT, bench::run::run_same_ticket(options)).await
        }
        .context("the benchmark ran out of its time limit")??;
        for line in lines {
            println!("{line}");
        }
        return Ok(());
    }
    if cli.bursts_only {
        let curves = tokio::time::timeout(TIME_LIMIT, bench::run::run_bursts(options))
            .await
            .context("the benchmark ran out of its time limit")??;
        print!(
            "{}",
            bench::curve::markdown(&curves, Duration::from_millis(cli.latency_ms))
        );
        return Ok(());
    }
    let results = tokio::time::timeout(TIME_LIMIT, run(options))
        .await
        .context("the benchmark ran out of its time limit")??;
    if cli.markdown {
        print!("{}", results.markdown());
    } else {
        print!("{}", results.text());
    }
    Ok(())
}
