//! `--same-ticket-only`: many agents opening one ticket at once beside one agent alone, with the server's CPU
//! time, to see where the many agents' extra latency goes.

use std::time::Duration;

use super::{Bench, QUIET, Tickets, prime, same_ticket, setup, with_cpu};
use crate::load::post_block;
use crate::stats::millis;

/// Runs the comparison three times; the lines to print.
pub async fn run_same_ticket(options: super::Options) -> anyhow::Result<Vec<String>> {
    let (bench, _dir) = setup(options).await?;
    let outcome = alone_and_together(&bench).await;
    let Bench { sandbox, .. } = bench;
    sandbox.shutdown().await;
    outcome
}

async fn alone_and_together(bench: &Bench) -> anyhow::Result<Vec<String>> {
    let tickets = Tickets::load()?;
    let ticket = &tickets.three;
    let server = bench.logged_in_server(&tickets.one).await?;
    bench.sandbox.set_latency(bench.options.latency);
    prime(bench, &[bench.fresh_body(&tickets.none)]).await?;
    let mut lines = Vec::new();
    for _ in 0..3 {
        tokio::time::sleep(QUIET).await;
        let (alone, alone_cpu) = with_cpu(
            server.pid(),
            post_block(&bench.http, &bench.api, bench.fresh_body(ticket)),
        )
        .await;
        let alone = alone?;
        tokio::time::sleep(QUIET).await;
        let (together, cpu) = with_cpu(server.pid(), same_ticket(bench, ticket)).await;
        let together = together?;
        let per_agent = cpu.map(|c| c / u32::try_from(together.agents).unwrap_or(1));
        lines.push(format!(
            "ticket {}: one agent {} (server CPU {}); {} agents at once: min {}, p50 {}, max {}, {} amoCRM \
             requests, server CPU {} ({} per agent)",
            ticket.ticket_id,
            millis(alone.latency),
            cpu_text(alone_cpu),
            together.agents,
            millis(together.summary.min),
            millis(together.summary.p50),
            millis(together.summary.max),
            together.api_requests,
            cpu_text(cpu),
            cpu_text(per_agent),
        ));
    }
    server.stop().await?;
    Ok(lines)
}

fn cpu_text(cpu: Option<Duration>) -> String {
    cpu.map_or_else(|| "unknown".to_owned(), millis)
}
