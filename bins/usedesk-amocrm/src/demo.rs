//! `usedesk-amocrm demo`: the server against the built-in amoCRM + Usedesk sandbox, with the preview page,
//! on SQLite in a data directory — the whole product without any account.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context as _;
use serde_json::json;

use crate::config::Config;

/// The Usedesk API token the demo's sample tickets carry (the sandbox accepts any token).
pub const DEMO_USEDESK_TOKEN: &str = "demo-usedesk-api-token";

/// A running demo: the sandbox and the server's application.
pub struct Demo {
    /// The sandbox (amoCRM and Usedesk stand-ins).
    pub sandbox: sandbox::Sandbox,
    /// The server's configuration as the demo set it.
    pub config: Config,
    /// The bound listener for the server.
    pub listener: tokio::net::TcpListener,
    /// The application.
    pub app: block::App,
}

impl Demo {
    /// The preview page's URL.
    pub fn preview_url(&self) -> String {
        format!("{}preview", self.config.public_url())
    }
}

/// The preview's sample tickets: the sandbox's, as the JSON bodies Usedesk would POST.
pub fn samples(amo_base_host: &str) -> Vec<block::view::PreviewSample> {
    sandbox::sample_tickets()
        .into_iter()
        .map(|t| block::view::PreviewSample {
            label: format!("#{} {} — {}", t.ticket_id, t.subject, t.client_name),
            body: json!({
                "ticket_id": t.ticket_id,
                "subject": t.subject,
                "client_id": t.client_id,
                "client_data": {
                    "name": t.client_name,
                    "emails": t.emails,
                    "phones": t.phones.iter().map(|(kind, phone)| json!({"type": kind, "phone": phone})).collect::<Vec<_>>(),
                },
                "amo_base_host": amo_base_host,
                "usedesk_api_token": DEMO_USEDESK_TOKEN,
            }),
        })
        .collect()
}

/// Starts the sandbox and builds the server for it. `listen` may use port 0.
pub async fn start(listen: SocketAddr, data_dir: &Path) -> anyhow::Result<Demo> {
    start_with(listen, data_dir, |_| {}).await
}

/// Like [`start`], with `tweak` applied to the server's configuration last (tests shorten deadlines this way).
pub async fn start_with(
    listen: SocketAddr,
    data_dir: &Path,
    tweak: impl FnOnce(&mut Config),
) -> anyhow::Result<Demo> {
    let listener = crate::listen(listen).with_context(|| {
        format!("binding {listen} (pass --listen 127.0.0.1:0 for any free port)")
    })?;
    let addr = listener.local_addr()?;
    let public_url = format!("http://{addr}/");
    let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig {
        redirect_uri: Some(format!("{public_url}oauth/callback")),
        ..sandbox::SandboxConfig::default()
    })
    .await
    .context("starting the sandbox")?;
    let amo = sandbox.amocrm_url().to_string();
    let amo = amo.trim_end_matches('/').to_owned();
    let mut config = Config {
        listen: addr,
        public_url: Some(url::Url::parse(&public_url).context("the demo's public URL")?),
        database_url: format!("sqlite://{}", data_dir.join("usedesk-amocrm.db").display()),
        preview: true,
        // The sandbox starts with the demo: no earlier process has sent it anything.
        rate_limit_cold_start: false,
        ..Config::default()
    };
    config.amocrm.client_id = "sandbox-client-id".into();
    config.amocrm.client_secret = Some("sandbox-client-secret".to_owned().into());
    config.amocrm.authorize_url_amocrm = Some(sandbox.authorize_url());
    config.amocrm.authorize_url_kommo = Some(sandbox.authorize_url());
    config.amocrm.allowed_hosts = vec![amo.clone()];
    config.usedesk.api_base = sandbox.usedesk_url();
    config.usedesk.cors_origins = vec![public_url.trim_end_matches('/').to_owned()];
    tweak(&mut config);
    let preview = block::view::Preview {
        api_url: format!("{public_url}api/"),
        samples: samples(&amo),
        languages: i18n::Lang::ALL.to_vec(),
        sandbox_url: Some(amo.clone()),
    };
    let built = crate::app::build(&config, Some(preview)).await?;
    Ok(Demo {
        sandbox,
        config,
        listener,
        app: built.app,
    })
}
