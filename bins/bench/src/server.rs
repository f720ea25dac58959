//! The server under test: the release `usedesk-amocrm` binary run as a child process, configured through its
//! environment variables to use the sandbox, and its memory read from `/proc`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, bail};

/// How long the server may take to answer `/healthz` after it is started.
const STARTUP_LIMIT: Duration = Duration::from_secs(20);

/// The release server binary: next to the benchmark's own executable, where `cargo build --release` puts both.
pub fn binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating the benchmark's own executable")?;
    let path = exe.with_file_name(format!("usedesk-amocrm{}", std::env::consts::EXE_SUFFIX));
    if !path.is_file() {
        bail!(
            "the release server is not built: {} does not exist.\n\
             Build it first:  cargo build --release -p usedesk-amocrm",
            path.display()
        );
    }
    Ok(path)
}

/// How to configure the server for one run.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Where it listens (also its public URL).
    pub listen: SocketAddr,
    /// Its directory: the SQLite database, the generated keys and its log.
    pub data_dir: PathBuf,
    /// The sandbox's amoCRM origin, `http://127.0.0.1:PORT`.
    pub amocrm_origin: String,
    /// The sandbox's consent page.
    pub authorize_url: String,
    /// The sandbox's Usedesk API base.
    pub usedesk_url: String,
    /// The OAuth client the sandbox knows.
    pub client_id: String,
    /// Its secret.
    pub client_secret: String,
    /// How long account metadata is cached; 0 loads it on every render (a cold cache every time).
    pub metadata_ttl_secs: u64,
    /// The render deadline.
    pub render_deadline_ms: u64,
}

impl ServerSettings {
    /// The `USEDESK_AMOCRM_*` variables that configure the server.
    pub fn env(&self) -> Vec<(String, String)> {
        let db = self.data_dir.join("usedesk-amocrm.db");
        [
            ("LISTEN", self.listen.to_string()),
            ("DATABASE_URL", format!("sqlite://{}", db.display())),
            ("PREVIEW", "false".to_owned()),
            ("LOG_LEVEL", "warn".to_owned()),
            ("METADATA_TTL_SECS", self.metadata_ttl_secs.to_string()),
            ("RENDER_DEADLINE_MS", self.render_deadline_ms.to_string()),
            ("AMOCRM__CLIENT_ID", self.client_id.clone()),
            ("AMOCRM__CLIENT_SECRET", self.client_secret.clone()),
            ("AMOCRM__AUTHORIZE_URL_AMOCRM", self.authorize_url.clone()),
            ("AMOCRM__AUTHORIZE_URL_KOMMO", self.authorize_url.clone()),
            (
                "AMOCRM__ALLOWED_HOSTS",
                format!(r#"["{}"]"#, self.amocrm_origin),
            ),
            ("USEDESK__API_BASE", self.usedesk_url.clone()),
            // The load sends no block secret; its check is one hash per request, nothing to measure.
            ("SECURITY__REQUIRE_BLOCK_SECRET", "false".to_owned()),
        ]
        .into_iter()
        .map(|(key, value)| (format!("USEDESK_AMOCRM_{key}"), value))
        .collect()
    }

    /// The server's base URL, ending in `/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.listen)
    }
}

/// A running server process; it is killed when dropped.
#[derive(Debug)]
pub struct Server {
    /// The process; taken when it is stopped.
    child: Option<Child>,
    pid: u32,
    log: PathBuf,
}

impl Server {
    /// Starts `binary serve` with `settings` and waits until `/healthz` answers 200.
    pub async fn start(binary: &Path, settings: &ServerSettings) -> anyhow::Result<Server> {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating {}", settings.data_dir.display()))?;
        let log = settings.data_dir.join("server.log");
        let out =
            std::fs::File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            // The directory holds no usedesk-amocrm.toml, so only the variables below configure the server.
            .current_dir(&settings.data_dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        // Anything the user's shell sets for the server or for proxies must not leak into the measurement.
        for (key, _) in std::env::vars() {
            if key.starts_with("USEDESK_AMOCRM_") || key.to_ascii_lowercase().ends_with("_proxy") {
                command.env_remove(key);
            }
        }
        command.envs(settings.env());
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server {
            pid: child.id(),
            child: Some(child),
            log,
        };
        server.wait_healthy(&settings.base_url()).await?;
        Ok(server)
    }

    async fn wait_healthy(&mut self, base: &str) -> anyhow::Result<()> {
        let url = format!("{base}healthz");
        let polling = testkit::Polling {
            within: STARTUP_LIMIT,
            ..testkit::Polling::default()
        };
        let child = self.child.as_mut().context("the server was stopped")?;
        testkit::wait_until_child_ready(child, &url, polling)
            .await
            .map_err(|e| anyhow::anyhow!("the server did not start: {e}:\n{}", self.log_tail()))
    }

    /// The last lines of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The process's peak resident set (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let path = format!("/proc/{}/status", self.pid());
        let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        status_kib(&status, "VmHWM").with_context(|| format!("no VmHWM in {path}"))
    }

    /// Stops the process the way a deploy does: SIGTERM, then waits until it has exited (it finishes the
    /// requests in flight and records its rate limiter's last window for the next start).
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .context("running kill -TERM")?;
        if !status.success() {
            bail!("kill -TERM {} failed: {status}", self.pid);
        }
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let exited = tokio::task::spawn_blocking(move || child.wait())
            .await
            .context("waiting for the server to exit")?
            .context("waiting for the server to exit")?;
        if !exited.success() {
            bail!(
                "the server exited with {exited} after SIGTERM:\n{}",
                self.log_tail()
            );
        }
        Ok(())
    }

    /// Ends the process the way a crash does: SIGKILL, no chance to record anything.
    pub fn crash(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            if matches!(child.try_wait(), Ok(None)) {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A `Name:   123 kB` value of `/proc/<pid>/status`, in KiB.
pub fn status_kib(status: &str, name: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// The CPU time (user + system) a process has used, from `/proc/<pid>/stat`, whose clock ticks are
/// Linux's fixed `USER_HZ` of 100 per second.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_cpu(&stat)
}

/// User + system time from the text of `/proc/<pid>/stat`.
pub fn stat_cpu(stat: &str) -> Option<Duration> {
    // The command name (field 2) is in parentheses and may contain spaces: count fields after its end.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name come state (field 3) onwards, so utime (14) and stime (15) are at 11 and 12.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// A loopback port nobody listens on right now (the server binds it a moment later).
pub fn free_port() -> anyhow::Result<SocketAddr> {
    let port = testkit::try_free_port().context("finding a free port")?;
    Ok(SocketAddr::from(([127, 0, 0, 1], port)))
}
