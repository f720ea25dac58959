//! Finding Chromium and chromedriver, deciding whether the suite runs, and the chromedriver child process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, bail};

/// The browser binary the suite drives, as Debian's `chromium` package installs it.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long chromedriver may take to answer `/status` with `ready: true`.
const READY_WITHIN: Duration = Duration::from_secs(20);

/// How often `/status` is asked while chromedriver starts.
const READY_POLL: Duration = Duration::from_millis(50);

/// The two programs the suite needs.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The Chromium binary.
    pub chromium: PathBuf,
    /// The chromedriver binary.
    pub chromedriver: PathBuf,
}

/// What to do about the browser tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Both tools are there: run.
    Run,
    /// Tools are missing on a developer machine: say so loudly and pass.
    Skip(String),
    /// Tools are missing where the suite is required (CI): fail.
    Fail(String),
}

/// Decides from the missing tools and whether the environment requires the suite to run.
pub fn decide(missing: &[&str], required: bool) -> Decision {
    if missing.is_empty() {
        return Decision::Run;
    }
    let what = missing.join(" and ");
    let install = "install them with `apt-get install -y chromium chromium-driver`";
    if required {
        Decision::Fail(format!(
            "the browser end-to-end suite cannot run: {what} not found ({install}); CI or REQUIRE_SERVICES is set, so this is a failure"
        ))
    } else {
        Decision::Skip(format!(
            "SKIPPED: the browser end-to-end suite did not run because {what} was not found ({install}); set CI or REQUIRE_SERVICES to make this a failure"
        ))
    }
}

/// Whether the environment says the suite must run: `CI` or `REQUIRE_SERVICES` set to anything non-empty.
pub fn required_by_env() -> bool {
    ["CI", "REQUIRE_SERVICES"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// Finds the tools; `None` means the suite is skipped (already reported on stderr).
pub fn locate() -> anyhow::Result<Option<Tools>> {
    let chromium = PathBuf::from(CHROMIUM);
    let chromedriver = find_in_path("chromedriver");
    let mut missing = Vec::new();
    if !is_executable(&chromium) {
        missing.push(CHROMIUM);
    }
    if chromedriver.is_none() {
        missing.push("chromedriver");
    }
    match decide(&missing, required_by_env()) {
        Decision::Run => Ok(chromedriver.map(|chromedriver| Tools {
            chromium,
            chromedriver,
        })),
        Decision::Skip(message) => {
            say_once(&message);
            Ok(None)
        }
        Decision::Fail(message) => bail!(message),
    }
}

/// Writes the message to stderr once per run. It goes to the stream itself rather than through
/// `eprintln!`, which the test harness captures and hides for passing tests: a skip must be seen.
fn say_once(message: &str) {
    use std::io::Write as _;
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        let _ = writeln!(std::io::stderr(), "\n{message}\n");
    });
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// A chromedriver child process in a process group of its own. Dropping it ends that group, so the browser
/// chromedriver started goes too even when a test panics before closing its session.
#[derive(Debug)]
pub struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    /// Starts chromedriver on a free port and waits until its `/status` answers 2xx (it says `ready` from then on).
    pub async fn start(tools: &Tools, log: &Path) -> anyhow::Result<Chromedriver> {
        use std::os::unix::process::CommandExt as _;
        let port = testkit::try_free_port().context("finding a free port")?;
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {}", tools.chromedriver.display()))?;
        let mut driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        driver.wait_ready(log).await?;
        Ok(driver)
    }

    /// The WebDriver endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn wait_ready(&mut self, log: &Path) -> anyhow::Result<()> {
        let status = format!("{}/status", self.url);
        let polling = testkit::Polling {
            within: READY_WITHIN,
            every: READY_POLL,
            request_timeout: Duration::from_secs(2),
        };
        testkit::wait_until_child_ready(&mut self.child, &status, polling)
            .await
            .map_err(|e| anyhow::anyhow!("chromedriver: {e}; its log:\n{}", tail(log)))
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The browser runs in chromedriver's process group; ending the group ends both. `kill` is the
        // portable way to signal a group without unsafe code.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last lines of a log, for an error message.
pub fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
