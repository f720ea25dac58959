//! Percentiles, tables, identifiers and `/proc` parsing.

use std::time::Duration;

use bench::load::{block_body, identifier_count};
use bench::machine::cpu_model;
use bench::server::status_kib;
use bench::stats::{percentile, summarize};
use bench::table::Table;

fn ms(values: &[u64]) -> Vec<Duration> {
    values.iter().map(|v| Duration::from_millis(*v)).collect()
}

#[test]
fn percentiles_use_the_nearest_rank() {
    // Arrange
    let sorted = ms(&(1..=100).collect::<Vec<_>>());

    // Act
    let (p50, p99, p100) = (
        percentile(&sorted, 50.0),
        percentile(&sorted, 99.0),
        percentile(&sorted, 100.0),
    );

    // Assert
    assert_eq!(p50, Duration::from_millis(50));
    assert_eq!(p99, Duration::from_millis(99));
    assert_eq!(p100, Duration::from_millis(100));
}

#[test]
fn with_thirty_samples_p99_is_the_slowest_and_order_does_not_matter() {
    let mut samples = ms(&(1..=30).collect::<Vec<_>>());
    samples.reverse();

    let summary = summarize(&samples);

    assert_eq!(summary.count, 30);
    assert_eq!(summary.p50, Duration::from_millis(15));
    assert_eq!(summary.p99, Duration::from_millis(30));
    assert_eq!(summary.max, Duration::from_millis(30));
}

#[test]
fn no_samples_summarise_to_zero() {
    let summary = summarize(&[]);

    assert_eq!(summary.count, 0);
    assert_eq!(summary.p50, Duration::ZERO);
}

#[test]
fn a_markdown_table_escapes_pipes_and_fills_missing_cells() {
    // Arrange
    let mut table = Table::new(&["figure", "value"]);
    table.row(vec!["a|b".into(), "1".into()]);
    table.row(vec!["only one".into()]);

    // Act
    let markdown = table.markdown();

    // Assert
    assert_eq!(
        markdown,
        "| figure | value |\n|---|---|\n| a\\|b | 1 |\n| only one |  |\n"
    );
}

#[test]
fn a_text_table_aligns_columns_by_their_widest_cell() {
    let mut table = Table::new(&["a", "b"]);
    table.row(vec!["long cell".into(), "x".into()]);

    let text = table.text();

    assert_eq!(text, "a          b\n---------  -\nlong cell  x\n");
}

#[test]
fn the_sample_tickets_have_the_identifiers_the_server_searches() {
    let tickets = sandbox::sample_tickets();
    let count = |id: i64| identifier_count(tickets.iter().find(|t| t.ticket_id == id).unwrap());

    assert_eq!(
        (count(1001), count(1002), count(1003), count(1004)),
        (2, 2, 3, 0)
    );
}

#[test]
fn a_block_body_carries_the_ticket_client_and_account() {
    // Arrange
    let ticket = sandbox::sample_tickets()
        .into_iter()
        .find(|t| t.ticket_id == 1002)
        .unwrap();

    // Act
    let body: serde_json::Value =
        serde_json::from_slice(&block_body(&ticket, 42, "http://127.0.0.1:9")).unwrap();

    // Assert
    assert_eq!(body["client_id"], 42);
    assert_eq!(body["ticket_id"], 1002);
    assert_eq!(body["amo_base_host"], "http://127.0.0.1:9");
    assert_eq!(body["client_data"]["phones"][0]["phone"], "8 916 123 45 67");
    assert_eq!(body["language"], "en");
}

#[test]
fn proc_status_values_are_read_in_kib() {
    let status =
        "Name:\tusedesk-amocrm\nVmPeak:\t  900000 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n";

    assert_eq!(status_kib(status, "VmHWM"), Some(23_456));
    assert_eq!(status_kib(status, "VmSwap"), None);
}

#[test]
fn the_cpu_model_is_the_first_model_name() {
    let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";

    assert_eq!(cpu_model(cpuinfo).as_deref(), Some("AMD EPYC 7B13"));
}

#[test]
fn cpu_time_is_user_plus_system_ticks_even_with_spaces_in_the_name() {
    // Arrange: utime 250 and stime 50 ticks (fields 14 and 15), a command name with a space and a parenthesis.
    let stat = "4242 (usedesk (x) amocrm) S 1 4242 4242 0 -1 4194304 900 0 0 0 250 50 0 0 20 0 3 0 100 0 0";

    // Act
    let cpu = bench::server::stat_cpu(stat);

    // Assert
    assert_eq!(cpu, Some(Duration::from_millis(3_000)));
}
