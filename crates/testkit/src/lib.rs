//! Test support shared by the usedesk-amocrm suites: temporary directories, and the local PostgreSQL and Redis
//! that CI requires (a missing one fails the run) and a laptop may lack (a missing one skips, loudly).
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// A fresh directory under the system temp dir, removed (with its contents) on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates the directory; `prefix` names what it is for.
    pub fn new(prefix: &str) -> Self {
        let mut bytes = [0u8; 8];
        getrandom::getrandom(&mut bytes).expect("randomness");
        let suffix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let dir = std::env::temp_dir().join(format!("usedesk-amocrm-{prefix}-{suffix}"));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        Self(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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
