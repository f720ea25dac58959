//! What every browser test shares: the tools, the in-process stack, the browser session and screenshots.

pub mod browser;
pub mod preview;
pub mod shots;
pub mod stack;
pub mod tools;

use std::time::Duration;

use anyhow::Context as _;
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use browser::Browser;
use stack::Stack;
use tools::{Chromedriver, Tools};

/// How long one test's scenario may take before it is reported as hanging.
const SCENARIO_LIMIT: Duration = Duration::from_secs(120);

/// One test's world: the running product and a browser pointed at it.
pub struct E2e {
    /// The service, the sandbox and the preview page.
    pub stack: Stack,
    /// The browser.
    pub browser: Browser,
}

/// Only one browser runs at a time: the machine has two cores, and a test that waits for a page while
/// another test's browser renders is a slow test, not a faster suite.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `scenario` against a fresh stack and browser, then tears both down. When the tools are missing it
/// skips (or fails under CI, see [`tools::decide`]). A failed scenario's error says what the browser showed.
pub async fn run(scenario: impl AsyncFnOnce(&mut E2e) -> anyhow::Result<()>) -> anyhow::Result<()> {
    run_with(|_| {}, scenario).await
}

/// Like [`run`], with `tweak` applied to the server's configuration first (e.g. no render cache).
pub async fn run_with(
    tweak: impl FnOnce(&mut usedesk_amocrm::config::Config),
    scenario: impl AsyncFnOnce(&mut E2e) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let Some(tools) = tools::locate()? else {
        return Ok(());
    };
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    init_logs();
    let scratch = tempfile::tempdir().context("creating the browser's scratch directory")?;
    let stack = Stack::start_with(tweak).await?;
    let log = scratch.path().join("chromedriver.log");
    let driver = Chromedriver::start(&tools, &log).await?;
    let client = connect(&driver, &tools, &scratch.path().join("profile")).await?;
    let mut e2e = E2e {
        stack,
        browser: Browser { client },
    };
    let outcome = match tokio::time::timeout(SCENARIO_LIMIT, scenario(&mut e2e)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(anyhow::anyhow!(
            "the scenario did not finish within {SCENARIO_LIMIT:?}"
        )),
    };
    let outcome = match outcome {
        Ok(()) => Ok(()),
        Err(error) => Err(error.context(e2e.browser.describe().await)),
    };
    let E2e { stack, browser } = e2e;
    let closed = browser.client.close().await.context("closing the browser");
    drop(driver);
    let stopped = stack.stop().await;
    outcome.and(closed).and(stopped)
}

/// Opens a WebDriver session on a headless Chromium with a fresh profile.
async fn connect(
    driver: &Chromedriver,
    tools: &Tools,
    profile: &std::path::Path,
) -> anyhow::Result<fantoccini::Client> {
    let options = json!({
        "binary": tools.chromium,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".into(), options);
    // chromedriver speaks plain HTTP on loopback: a TLS connector would only add a process-wide crypto
    // provider choice that the test does not need.
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver.url())
        .await
        .context("starting Chromium through chromedriver")
}

/// Logs of the service go to the test's output (shown for failed tests); `RUST_LOG` chooses how much.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}
