//! Starting the stack and acting like Usedesk and an agent over HTTP.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use usedesk_amocrm::config::Config;

pub use testkit::html::unescape;
pub use testkit::{TempDir, free_port};

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The server and the sandbox, in this process.
pub struct Stack {
    pub sandbox: sandbox::Sandbox,
    pub base: String,
    pub amo: String,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    _dir: TempDir,
}

impl Stack {
    pub async fn start() -> Stack {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Stack {
        let dir = TempDir::new("reliability");
        let demo =
            usedesk_amocrm::demo::start_with("127.0.0.1:0".parse().unwrap(), dir.path(), tweak)
                .await
                .unwrap();
        let base = demo.config.public_url().to_string();
        let amo = demo
            .sandbox
            .amocrm_url()
            .to_string()
            .trim_end_matches('/')
            .to_owned();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(block::serve(demo.listener, demo.app, async {
            let _ = stopped.await;
        }));
        Stack {
            sandbox: demo.sandbox,
            base,
            amo,
            http: http(),
            stop: Some(stop),
            _dir: dir,
        }
    }

    /// The block request Usedesk would send for a sandbox sample ticket.
    pub fn sample(&self, ticket_id: i64) -> Value {
        sample_body(&self.amo, ticket_id)
    }

    pub async fn block(&self, body: &Value) -> (StatusCode, String) {
        post_block(&self.http, &self.base, body).await
    }

    pub async fn login(&self) {
        login(&self.http, &self.base, &self.sample(1002)).await;
    }

    pub async fn trigger(
        &self,
        body: &Value,
        secret: Option<&str>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        post_trigger(&self.http, &self.base, body, secret, key).await
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn sample_body(amo: &str, ticket_id: i64) -> Value {
    usedesk_amocrm::demo::samples(amo)
        .into_iter()
        .map(|s| s.body)
        .find(|b| b["ticket_id"] == json!(ticket_id))
        .unwrap_or_else(|| panic!("no sample ticket {ticket_id}"))
}

pub async fn post_block(http: &reqwest::Client, base: &str, body: &Value) -> (StatusCode, String) {
    let response = match http.post(format!("{base}api/")).json(body).send().await {
        Ok(response) => response,
        // The server was killed mid-request (the crash tests do that on purpose).
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()),
    };
    let status = response.status();
    let text = response.text().await.unwrap();
    let html = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["html"].as_str().map(str::to_owned))
        .unwrap_or(text);
    (status, html)
}

/// POSTs a trigger as Usedesk does, with the trigger secret in the `X-Trigger-Secret` header when given.
pub async fn post_trigger(
    http: &reqwest::Client,
    base: &str,
    body: &Value,
    secret: Option<&str>,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = http.post(format!("{base}api/freeCreateLead")).json(body);
    if let Some(secret) = secret {
        request = request.header("X-Trigger-Secret", secret);
    }
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => return (StatusCode::BAD_GATEWAY, json!({"transport": e.to_string()})),
    };
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The first link in `html` whose URL contains `needle`, unescaped.
pub fn link(html: &str, needle: &str) -> Option<String> {
    let at = html.find(needle)?;
    let start = html[..at].rfind('"')? + 1;
    let end = at + html[at..].find('"')?;
    Some(unescape(&html[start..end]))
}

/// What an admin does in the block's gear to set up triggers: reads the Integration ID, presses "Create trigger
/// secret" and copies the secret from the page that answers. Returns (Integration ID, secret).
pub async fn trigger_secret_from_the_gear(
    http: &reqwest::Client,
    block_html: &str,
) -> (String, String) {
    let gear = link(block_html, "action/settings").expect("a gear link");
    testkit::agent::trigger_secret_from_the_gear(http, &gear)
        .await
        .unwrap_or_else(|e| panic!("the gear's trigger secret: {e}"))
}

/// "Login to amoCRM" through the sandbox's consent, as an agent would, without a browser.
pub async fn login(http: &reqwest::Client, base: &str, body: &Value) {
    let (_, html) = post_block(http, base, body).await;
    let start = link(&html, "oauth/start").unwrap_or_else(|| panic!("no login link in {html}"));
    let page = testkit::agent::log_in(http, &start)
        .await
        .unwrap_or_else(|e| panic!("the login: {e}"));
    assert!(page.contains("successfully authorized"), "{page}");
}

/// The text of an English message up to its first variable, for finding a state in the html.
pub fn en(id: &str) -> String {
    let text = i18n::Translator::global().t(i18n::Lang::En, id);
    text.split('{').next().unwrap_or_default().trim().to_owned()
}

/// Whether `html` contains the English message `id` (up to its first variable).
pub fn shows(html: &str, id: &str) -> bool {
    unescape(html).contains(&en(id))
}

/// The server binary as a child process (killed with SIGKILL on drop).
pub struct Server {
    pub base: String,
    child: std::process::Child,
}

impl Server {
    /// Starts the built binary with `env` (on top of the sandbox settings) on `port`, and waits until it is ready.
    pub async fn spawn(sandbox: &sandbox::Sandbox, port: u16, env: &[(&str, String)]) -> Server {
        let amo = sandbox
            .amocrm_url()
            .to_string()
            .trim_end_matches('/')
            .to_owned();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"));
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("USEDESK_AMOCRM_LISTEN", format!("127.0.0.1:{port}"))
            .env("USEDESK_AMOCRM_LOG_LEVEL", "warn")
            // The suite posts the sandbox's sample blocks, which carry no block secret.
            .env("USEDESK_AMOCRM_SECURITY__REQUIRE_BLOCK_SECRET", "false")
            .env("USEDESK_AMOCRM_AMOCRM__CLIENT_ID", "sandbox-client-id")
            .env(
                "USEDESK_AMOCRM_AMOCRM__CLIENT_SECRET",
                "sandbox-client-secret",
            )
            .env(
                "USEDESK_AMOCRM_AMOCRM__AUTHORIZE_URL_AMOCRM",
                sandbox.authorize_url().to_string(),
            )
            .env(
                "USEDESK_AMOCRM_AMOCRM__ALLOWED_HOSTS",
                format!("[\"{amo}\"]"),
            )
            .env(
                "USEDESK_AMOCRM_USEDESK__API_BASE",
                sandbox.usedesk_url().to_string(),
            )
            .stdout(std::process::Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("the server binary starts");
        let mut server = Server {
            base: format!("http://127.0.0.1:{port}/"),
            child,
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&mut self) {
        let url = format!("{}readyz", self.base);
        if let Err(e) =
            testkit::wait_until_child_ready(&mut self.child, &url, testkit::Polling::default())
                .await
        {
            panic!("the server at {} did not become ready: {e}", self.base);
        }
    }

    /// SIGTERM, as a deploy or `systemctl restart` stops it; waits until the process has exited.
    pub fn terminate(mut self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM was delivered");
        let _ = self.child.wait();
    }

    /// SIGKILL: no chance to clean up, as in a crash.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits (bounded) until `condition` holds.
pub async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}

/// Starts a sandbox whose consent page sends the agent back to `base`; `enforce_rate_limit` makes it answer 429
/// past 7 requests a second, as amoCRM does.
pub async fn sandbox_for(base: &str, enforce_rate_limit: bool) -> sandbox::Sandbox {
    sandbox::Sandbox::start(sandbox::SandboxConfig {
        redirect_uri: Some(format!("{base}oauth/callback")),
        enforce_rate_limit,
        ..sandbox::SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// The leads with this name, read straight from the sandbox with a long-lived token.
pub async fn leads_named(sandbox: &sandbox::Sandbox, name: &str) -> usize {
    let token = sandbox.issue_long_lived_token();
    let response = http()
        .get(format!("{}api/v4/leads", sandbox.amocrm_url()))
        .query(&[("query", name), ("limit", "250")])
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    if response.status() == StatusCode::NO_CONTENT {
        return 0;
    }
    let body: Value = response.json().await.unwrap();
    body["_embedded"]["leads"]
        .as_array()
        .map_or(0, |l| l.iter().filter(|x| x["name"] == json!(name)).count())
}

/// Polls `check` every 10 ms until it holds, at most `bound`; returns whether it held.
pub async fn within(bound: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
