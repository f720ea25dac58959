//! Prometheus metrics: block renders, upstream calls, rate-limiter waits, token refreshes and HTTP
//! requests, served as text at `/metrics`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamLabels {
    endpoint: &'static str,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 5 ms to about 40 s: a block render is bounded by its deadline, upstream calls by their timeout.
    Histogram::new(exponential_buckets(0.005, 2.0, 14))
}

/// The service's metrics, in one registry.
///
/// It observes the amoCRM client ([`amocrm::CallObserver`]) and token refreshes
/// ([`domain::RefreshObserver`]); hand the same `Arc` to the domain's dependencies and to the app.
pub struct Metrics {
    registry: Registry,
    renders: HistogramFamily<OutcomeLabels>,
    upstream_calls: Family<UpstreamLabels, Counter>,
    upstream_seconds: HistogramFamily<EndpointLabels>,
    limiter_waits: Counter,
    limiter_wait_seconds: Counter<f64, std::sync::atomic::AtomicU64>,
    refreshes: Family<OutcomeLabels, Counter>,
    requests: Family<RequestLabels, Counter>,
    request_seconds: HistogramFamily<RouteLabels>,
}

impl Metrics {
    /// Empty metrics, registered under the prefix `usedesk_amocrm`.
    pub fn new() -> Arc<Self> {
        let mut registry = Registry::with_prefix("usedesk_amocrm");
        let renders: HistogramFamily<OutcomeLabels> =
            Family::new_with_constructor(latency_histogram);
        let upstream_calls = Family::<UpstreamLabels, Counter>::default();
        let upstream_seconds: HistogramFamily<EndpointLabels> =
            Family::new_with_constructor(latency_histogram);
        let limiter_waits = Counter::default();
        let limiter_wait_seconds = Counter::<f64, std::sync::atomic::AtomicU64>::default();
        let refreshes = Family::<OutcomeLabels, Counter>::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let request_seconds: HistogramFamily<RouteLabels> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "block_render_seconds",
            "Time to answer a block request, by outcome",
            renders.clone(),
        );
        registry.register(
            "upstream_calls",
            "amoCRM API calls, by endpoint and HTTP status (none when no answer came)",
            upstream_calls.clone(),
        );
        registry.register(
            "upstream_call_seconds",
            "amoCRM API call latency, by endpoint",
            upstream_seconds.clone(),
        );
        registry.register(
            "limiter_waits",
            "Requests that waited for the amoCRM rate limiter",
            limiter_waits.clone(),
        );
        registry.register(
            "limiter_wait_seconds",
            "Time spent waiting for the amoCRM rate limiter",
            limiter_wait_seconds.clone(),
        );
        registry.register(
            "token_refreshes",
            "amoCRM token refreshes, by outcome",
            refreshes.clone(),
        );
        registry.register(
            "http_requests",
            "HTTP requests served, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_seconds",
            "HTTP request latency, by route",
            request_seconds.clone(),
        );
        // Every refresh outcome is exported from the start, so a dashboard sees zeros rather than gaps.
        for outcome in ["ok", "revoked", "adopted", "error"] {
            refreshes
                .get_or_create(&OutcomeLabels { outcome })
                .inc_by(0);
        }
        Arc::new(Self {
            registry,
            renders,
            upstream_calls,
            upstream_seconds,
            limiter_waits,
            limiter_wait_seconds,
            refreshes,
            requests,
            request_seconds,
        })
    }

    /// Records one block render and how it ended (`ready`, `stale`, `degraded`, `needs_login`, …).
    pub fn observe_render(&self, outcome: &'static str, elapsed: Duration) {
        self.renders
            .get_or_create(&OutcomeLabels { outcome })
            .observe(elapsed.as_secs_f64());
    }

    /// Records one HTTP request.
    pub fn observe_request(&self, route: &'static str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabels { route })
            .observe(elapsed.as_secs_f64());
    }

    /// The metrics in the Prometheus (OpenMetrics) text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail; an error here would be a bug in the encoder.
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %domain::Report(&e), "could not encode the metrics");
        }
        out
    }
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl amocrm::CallObserver for Metrics {
    fn on_call(&self, endpoint: &'static str, status: Option<u16>, elapsed: Duration) {
        let status = status.map_or_else(|| "none".to_owned(), |s| s.to_string());
        self.upstream_calls
            .get_or_create(&UpstreamLabels { endpoint, status })
            .inc();
        self.upstream_seconds
            .get_or_create(&EndpointLabels { endpoint })
            .observe(elapsed.as_secs_f64());
    }

    fn on_limiter_wait(&self, waited: Duration) {
        // A request that went at once did not wait; counting it would hide real waits.
        if waited.is_zero() {
            return;
        }
        self.limiter_waits.inc();
        self.limiter_wait_seconds.inc_by(waited.as_secs_f64());
    }
}

impl domain::RefreshObserver for Metrics {
    fn on_refresh(&self, outcome: &'static str) {
        self.refreshes
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }
}
