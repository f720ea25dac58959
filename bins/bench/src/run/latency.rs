//! `--latency-only`: the sequential blocks with warm metadata alone (about half a minute): each ticket's latency,
//! depth and amoCRM requests per block, without the throughput, restart and burst phases.

use super::{Bench, PACING_WINDOW, Tickets, setup};
use crate::pacer::Pacer;
use crate::report::Cache;
use crate::stats::millis;

/// Runs the warm sequential blocks of every ticket; the lines to print.
pub async fn run_latency(options: super::Options) -> anyhow::Result<Vec<String>> {
    let (bench, _dir) = setup(options).await?;
    let outcome = warm_rows(&bench).await;
    let Bench { sandbox, .. } = bench;
    sandbox.shutdown().await;
    outcome
}

async fn warm_rows(bench: &Bench) -> anyhow::Result<Vec<String>> {
    let tickets = Tickets::load()?;
    let mut pacer = Pacer::new(7, PACING_WINDOW);
    let server = bench.logged_in_server(&tickets.one).await?;
    let mut lines = Vec::new();
    for ticket in [
        &tickets.none,
        &tickets.one,
        &tickets.three,
        &tickets.company,
    ] {
        // The first block loads the metadata; the measured ones find it cached.
        bench.paced_block(&mut pacer, ticket, 7).await?;
        let row = bench.sequential(&mut pacer, ticket, Cache::Warm).await?;
        lines.push(format!(
            "ticket {}: {} contacts, {} identifiers, warm metadata, {} blocks: p50 {}, p99 {}, depth {:.2}, \
             {:.2} amoCRM requests per block{}",
            row.ticket_id,
            row.contacts,
            row.identifiers,
            row.summary.count,
            millis(row.summary.p50),
            millis(row.summary.p99),
            row.depth(),
            row.requests_per_block,
            if row.not_fresh > 0 {
                format!(" ({} not fresh)", row.not_fresh)
            } else {
                String::new()
            },
        ));
    }
    server.stop().await?;
    Ok(lines)
}
