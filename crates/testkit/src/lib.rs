//! Test support shared by the usedesk-amocrm suites and the bench: temporary directories ([`TempDir`], and
//! [`tempfile`] itself), reading HTML ([`html`]), logging in and reading the gear over HTTP as an agent would
//! ([`agent`]), a free loopback port ([`free_port`]), bounded polling of a server
//! until it is ready ([`wait_until_ready`]), and the local PostgreSQL and Redis that CI requires (a missing one fails
//! the run) and a laptop may lack (a missing one skips, loudly).
#![deny(missing_docs)]

pub mod agent;
pub mod html;
mod ready;

use std::path::Path;

pub use ready::{NotReady, Polling, wait_until_child_ready, wait_until_ready};
pub use tempfile;

/// A fresh directory under the system temp dir, removed (with its contents) on drop: a [`tempfile::TempDir`]
/// whose name says what it is for.
#[derive(Debug)]
pub struct TempDir(tempfile::TempDir);

impl TempDir {
    /// Creates the directory; `prefix` names what it is for.
    pub fn new(prefix: &str) -> Self {
        Self::try_new(prefix).expect("a temporary directory")
    }

    /// Creates the directory, or says why it could not.
    pub fn try_new(prefix: &str) -> std::io::Result<Self> {
        tempfile::Builder::new()
            .prefix(&format!("usedesk-amocrm-{prefix}-"))
            .tempdir()
            .map(Self)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

/// A loopback port nothing listens on right now: binds port 0, reads the port and releases it for the server
/// about to start.
pub fn free_port() -> u16 {
    try_free_port().expect("a free loopback port")
}

/// [`free_port`], or why there is none.
pub fn try_free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// The PostgreSQL the suites use (database `test` of the local server unless overridden).
pub fn pg_url() -> String {
    std::env::var("USEDESK_AMOCRM_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The Redis the suites use.
pub fn redis_url() -> String {
    std::env::var("USEDESK_AMOCRM_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Whether missing services fail the run (CI) instead of skipping (a laptop).
pub fn services_required() -> bool {
    ["CI", "REQUIRE_SERVICES"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|x| !x.is_empty() && x != "0" && x != "false"))
}

/// A service a test needs is not there: panics when services are required, else says loudly that the test is
/// skipped. Returns `None` so a test can write `let Some(x) = … else { return };`.
pub fn unavailable<T>(what: &str, url: &str, cause: &dyn std::fmt::Display) -> Option<T> {
    assert!(
        !services_required(),
        "{what} at {url} is required (CI or REQUIRE_SERVICES is set) but not reachable: {cause}"
    );
    eprintln!(
        "\n!!! SKIPPING a test that needs {what}: {url} is not reachable ({cause}).\n!!! Set CI=1 or REQUIRE_SERVICES=1 to make this a failure.\n"
    );
    None
}
