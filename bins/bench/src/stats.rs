//! Latency summaries: nearest-rank percentiles over the measured samples.

use std::time::Duration;

/// The summary of a set of latencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// How many samples.
    pub count: usize,
    /// The fastest sample.
    pub min: Duration,
    /// The median (nearest rank).
    pub p50: Duration,
    /// The 99th percentile (nearest rank; with fewer than 100 samples it is the maximum).
    pub p99: Duration,
    /// The slowest sample.
    pub max: Duration,
}

/// The nearest-rank percentile `p` (0–100) of sorted samples: the smallest sample that at least `p` % of the
/// samples do not exceed. Zero for no samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    // The rank is a small positive count, so the float-to-int conversion cannot truncate anything real.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Summarises `samples` (in any order).
pub fn summarize(samples: &[Duration]) -> Summary {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    Summary {
        count: sorted.len(),
        min: sorted.first().copied().unwrap_or_default(),
        p50: percentile(&sorted, 50.0),
        p99: percentile(&sorted, 99.0),
        max: sorted.last().copied().unwrap_or_default(),
    }
}

/// A duration in milliseconds with one decimal, for tables.
pub fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
