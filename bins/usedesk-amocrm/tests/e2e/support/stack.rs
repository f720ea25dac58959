//! The whole product in-process, started exactly as `usedesk-amocrm demo` starts it: the sandbox, the
//! server on SQLite in a temporary directory, and the preview page.

use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long the server may take to finish its requests in flight once asked to stop.
const STOP_WITHIN: Duration = Duration::from_secs(10);

/// A running stack.
pub struct Stack {
    /// The preview page's URL.
    pub preview_url: String,
    /// The amoCRM and Usedesk stand-ins, kept for assertions.
    pub sandbox: sandbox::Sandbox,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    // The SQLite database and the generated keys live here until the stack is dropped.
    _data: tempfile::TempDir,
}

impl Stack {
    /// Starts the sandbox and the server, with `tweak` applied to the server's configuration last (as
    /// `usedesk_amocrm::demo::start_with` applies it); the listener is bound before this returns, so the
    /// server accepts connections at once.
    pub async fn start_with(
        tweak: impl FnOnce(&mut usedesk_amocrm::config::Config),
    ) -> anyhow::Result<Stack> {
        let data = tempfile::tempdir().context("creating the data directory")?;
        let demo = usedesk_amocrm::demo::start_with("127.0.0.1:0".parse()?, data.path(), tweak)
            .await
            .context("starting the demo")?;
        let preview_url = demo.preview_url();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(block::serve(demo.listener, demo.app, async move {
            let _ = stopped.await;
        }));
        Ok(Stack {
            preview_url,
            sandbox: demo.sandbox,
            stop,
            server,
            _data: data,
        })
    }

    /// Stops the server (finishing requests in flight) and the sandbox.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        let served = tokio::time::timeout(STOP_WITHIN, self.server).await;
        self.sandbox.shutdown().await;
        match served {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(error))) => Err(error).context("the server failed"),
            Ok(Err(join)) => Err(join).context("the server task panicked"),
            Err(_) => anyhow::bail!("the server did not stop within {STOP_WITHIN:?}"),
        }
    }

    /// The amoCRM sandbox's own view of a lead's notes, read with a long-lived token of its own. The
    /// service may have used up the sandbox's 7 requests of this second just before, so a 429 is waited
    /// out as amoCRM asks (`retry_after`), a few times at most.
    pub async fn sandbox_notes(&self, lead_id: i64) -> anyhow::Result<Vec<serde_json::Value>> {
        const ATTEMPTS: u32 = 5;
        let token = self.sandbox.issue_long_lived_token();
        let url = self
            .sandbox
            .amocrm_url()
            .join(&format!("api/v4/leads/{lead_id}/notes?limit=250"))?;
        let http = reqwest::Client::new();
        for _ in 0..ATTEMPTS {
            let response = http.get(url.clone()).bearer_auth(&token).send().await?;
            match response.status() {
                reqwest::StatusCode::NO_CONTENT => return Ok(Vec::new()),
                reqwest::StatusCode::TOO_MANY_REQUESTS => {
                    let body: serde_json::Value = response.json().await.unwrap_or_default();
                    let seconds = body["retry_after"].as_u64().unwrap_or(1).clamp(1, 5);
                    tokio::time::sleep(Duration::from_secs(seconds)).await;
                }
                _ => {
                    let body: serde_json::Value = response.error_for_status()?.json().await?;
                    return Ok(body["_embedded"]["notes"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default());
                }
            }
        }
        anyhow::bail!(
            "the sandbox answered 429 to {ATTEMPTS} requests for the notes of lead {lead_id}"
        )
    }

    /// Writes to the sandbox's amoCRM through its public API (`POST /api/v4/<path>` with a JSON array), as
    /// another amoCRM user would, with a long-lived token of its own; answers the `_embedded.<entity>` ids
    /// in order. A 429 is waited out as amoCRM asks (`retry_after`), a few times at most.
    pub async fn amocrm_create(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> anyhow::Result<Vec<i64>> {
        const ATTEMPTS: u32 = 5;
        let token = self.sandbox.issue_long_lived_token();
        let url = self.sandbox.amocrm_url().join(&format!("api/v4/{path}"))?;
        let entity = path.rsplit('/').next().unwrap_or(path);
        let http = reqwest::Client::new();
        for _ in 0..ATTEMPTS {
            let response = http
                .post(url.clone())
                .bearer_auth(&token)
                .json(body)
                .send()
                .await?;
            let status = response.status();
            let answer: serde_json::Value = response.json().await.unwrap_or_default();
            if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                let seconds = answer["retry_after"].as_u64().unwrap_or(1).clamp(1, 5);
                tokio::time::sleep(Duration::from_secs(seconds)).await;
                continue;
            }
            anyhow::ensure!(
                status.is_success(),
                "the sandbox answered {status} to POST {path}: {answer}"
            );
            return answer["_embedded"][entity]
                .as_array()
                .context("no created entities in the answer")?
                .iter()
                .map(|created| {
                    created["id"]
                        .as_i64()
                        .context("a created entity without an id")
                })
                .collect();
        }
        anyhow::bail!("the sandbox answered 429 to {ATTEMPTS} attempts of POST {path}")
    }

    /// How many times the sandbox's amoCRM received `endpoint` (e.g. `"POST /api/v4/contacts"`).
    pub fn amocrm_calls(&self, endpoint: &str) -> u64 {
        self.sandbox
            .stats()
            .endpoints
            .get(endpoint)
            .copied()
            .unwrap_or(0)
    }
}
