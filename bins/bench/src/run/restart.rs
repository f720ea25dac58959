//! The first block after a restart, the way a deploy restarts (SIGTERM, wait for the exit, start) and, for
//! comparison, after a crash (SIGKILL): the graceful stop hands the limiter's last window to the new process,
//! the crash leaves the new process nothing but to count its first window as full.

use std::time::Duration;

use sandbox::SampleTicket;

use super::{Bench, Cache, Tickets, WARM_METADATA_TTL_SECS, setup};
use crate::load::post_block;
use crate::pacer::Pacer;
use crate::report::LatencyRow;
use crate::stats::millis;

/// The first block of a ticket after each kind of restart: latency and amoCRM requests.
#[derive(Debug, Clone, Copy)]
pub struct FirstBlocks {
    /// After SIGTERM and a new start.
    pub graceful: (Duration, u64),
    /// After SIGKILL and a new start.
    pub crash: (Duration, u64),
}

impl FirstBlocks {
    /// The crash figure, which is no goal: a crash leaves no record of the last window.
    pub fn crash_line(&self) -> String {
        format!(
            "after a crash: {} with {} amoCRM requests, the window counted as full",
            millis(self.crash.0),
            self.crash.1
        )
    }
}

/// The server was just stopped gracefully: starts it, measures the first block of `ticket`, crashes it, starts
/// it again, measures the first block again, and stops it.
pub(super) async fn first_blocks(
    bench: &Bench,
    pacer: &mut Pacer,
    ticket: &SampleTicket,
) -> anyhow::Result<FirstBlocks> {
    let server = bench.start_server(WARM_METADATA_TTL_SECS).await?;
    let (answer, requests) = bench.paced_block(pacer, ticket, 7).await?;
    let graceful = (answer.latency, requests);
    // The crash comes once amoCRM's window is clear, and the block right after the start: the block then waits
    // only for what the new process assumes, its first window counted as full.
    pacer.wait(7).await;
    server.crash();
    let server = bench.start_server(WARM_METADATA_TTL_SECS).await?;
    let before = bench.sandbox.stats().api_requests;
    let answer = post_block(&bench.http, &bench.api, bench.fresh_body(ticket)).await?;
    let requests = bench.sandbox.stats().api_requests - before;
    pacer.record(tokio::time::Instant::now(), requests);
    let crash = (answer.latency, requests);
    server.stop().await?;
    Ok(FirstBlocks { graceful, crash })
}

/// `--restart-only`: warm blocks of ticket 1003, then the first block after a graceful restart and after a
/// crash; the lines to print.
pub async fn run_restart(options: super::Options) -> anyhow::Result<Vec<String>> {
    let (bench, _dir) = setup(options).await?;
    let outcome = warm_then_restart(&bench).await;
    let Bench { sandbox, .. } = bench;
    sandbox.shutdown().await;
    outcome
}

async fn warm_then_restart(bench: &Bench) -> anyhow::Result<Vec<String>> {
    let tickets = Tickets::load()?;
    let ticket = &tickets.three;
    let mut pacer = Pacer::new(7, super::PACING_WINDOW);
    let server = bench.logged_in_server(&tickets.one).await?;
    // The first block loads the metadata; the measured ones find it cached.
    bench.paced_block(&mut pacer, ticket, 7).await?;
    let warm: LatencyRow = bench.sequential(&mut pacer, ticket, Cache::Warm).await?;
    server.stop().await?;
    let first = first_blocks(bench, &mut pacer, ticket).await?;
    Ok(vec![
        format!(
            "ticket {}: warm p50 {} with {:.2} amoCRM requests per block ({} blocks)",
            ticket.ticket_id,
            millis(warm.summary.p50),
            warm.requests_per_block,
            warm.summary.count
        ),
        format!(
            "after a graceful restart (SIGTERM, exit, start): {} with {} amoCRM requests",
            millis(first.graceful.0),
            first.graceful.1
        ),
        first.crash_line(),
    ])
}
