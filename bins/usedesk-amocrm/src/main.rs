//! The usedesk-amocrm server binary: `serve` (default), `demo`, `migrate`, `check-config`, `backup`, `restore`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use usedesk_amocrm::config::{Config, TRIGGER_SECRET_OFF_WARNING};
use usedesk_amocrm::{app, demo, logging, shutdown_signal};

#[derive(Debug, Parser)]
#[command(
    name = "usedesk-amocrm",
    version,
    about = "amoCRM / Kommo inside the Usedesk helpdesk"
)]
struct Cli {
    /// Configuration file (default: ./usedesk-amocrm.toml when it exists). Environment variables
    /// USEDESK_AMOCRM_<KEY> and USEDESK_AMOCRM_<SECTION>__<KEY> override it.
    #[arg(long, short, global = true, env = "USEDESK_AMOCRM_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the block (the default).
    Serve,
    /// Run against the built-in amoCRM + Usedesk sandbox, with the preview page.
    Demo {
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Where the demo keeps its SQLite database and keys.
        #[arg(long, default_value = ".demo")]
        data_dir: PathBuf,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Check the configuration and the database, print a summary, then exit.
    CheckConfig,
    /// Copy the SQLite database (consistently, while the service runs) and its key files into a new directory.
    Backup {
        /// The directory to create (mode 0700); it must not exist or be empty.
        path: PathBuf,
    },
    /// Put a backup made by `backup` back as the configured database and key files; stop the service first.
    Restore {
        /// The backup's directory.
        path: PathBuf,
        /// Replace an existing database and key files (never one a running service has open).
        #[arg(long)]
        force: bool,
    },
}

fn load(cli: &Cli) -> anyhow::Result<Config> {
    Config::load(cli.config.as_deref(), std::env::vars())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.as_ref().unwrap_or(&Command::Serve) {
        Command::Serve => serve(&load(&cli)?).await?,
        Command::Demo { listen, data_dir } => run_demo(*listen, data_dir).await?,
        Command::Migrate => {
            let config = load(&cli)?;
            logging::init(config.log_format, &config.log_level);
            app::open_store(&config).await?;
            println!(
                "database {} is up to date",
                app::redact_url(&config.database_url)
            );
        }
        Command::Backup { path } => {
            let config = load(&cli)?;
            for line in usedesk_amocrm::backup::backup(&config, path).await? {
                println!("{line}");
            }
            println!("backup written to {}", path.display());
        }
        Command::Restore { path, force } => {
            let config = load(&cli)?;
            for line in usedesk_amocrm::backup::restore(&config, path, *force).await? {
                println!("{line}");
            }
            println!("restore done: start the service");
        }
        Command::CheckConfig => check_config(&load(&cli)?).await?,
    }
    Ok(())
}

/// `serve`: refuses a configuration that is not fit to serve, says what it leaves open, and serves until a signal.
async fn serve(config: &Config) -> anyhow::Result<()> {
    config.check_for_serving()?;
    logging::init(config.log_format, &config.log_level);
    for exposure in config.exposures() {
        tracing::warn!("configuration leaves this open: {exposure}");
    }
    let built = app::build_to_serve(config).await?;
    let listener = usedesk_amocrm::listen(config.listen)
        .with_context(|| format!("binding {}", config.listen))?;
    tracing::info!(listen = %config.listen, public_url = %config.public_url(), "serving the block at {}api/", config.public_url());
    block::serve(listener, built.app, shutdown_signal()).await?;
    // The requests in flight are finished: what the limiter let through last is final.
    if let Some(handoff) = built.handoff {
        handoff.save().await;
    }
    Ok(())
}

/// `demo`: the server, the sandbox and the preview page on loopback.
async fn run_demo(listen: SocketAddr, data_dir: &Path) -> anyhow::Result<()> {
    logging::init(logging::LogFormat::Text, "info");
    let running = demo::start(listen, data_dir).await?;
    println!("usedesk-amocrm demo");
    println!("  preview page:  {}", running.preview_url());
    println!("  block URL:     {}api/", running.config.public_url());
    println!(
        "  amoCRM sandbox {}   Usedesk sandbox {}",
        running.sandbox.amocrm_url(),
        running.sandbox.usedesk_url()
    );
    println!("  data:          {}", data_dir.display());
    println!("Open the preview page, pick a ticket, press \"Login to amoCRM\". Ctrl-C stops.");
    println!(
        "To try a trigger: the block's gear, then \"Create trigger secret\" shows a ready curl command."
    );
    block::serve(running.listener, running.app, shutdown_signal()).await?;
    running.sandbox.shutdown().await;
    Ok(())
}

/// `check-config`: what is in effect, and what is missing or left open.
async fn check_config(config: &Config) -> anyhow::Result<()> {
    config.check_for_serving()?;
    let built = app::build(config, None).await?;
    built
        .store
        .ping()
        .await
        .context("the database does not answer")?;
    println!("configuration OK");
    println!("  listen:        {}", config.listen);
    println!("  public URL:    {}", config.public_url());
    println!("  block URL:     {}api/", config.public_url());
    println!("  database:      {}", app::redact_url(&config.database_url));
    println!(
        "  rate limiter:  {}",
        if config.redis_url.is_empty() {
            "in-process"
        } else {
            "Redis (shared)"
        }
    );
    let oauth = !config.amocrm.client_id.is_empty() && config.amocrm.client_secret.is_some();
    println!(
        "  amoCRM OAuth:  {}",
        if oauth {
            "configured"
        } else {
            "NOT configured: set [amocrm] client_id and client_secret"
        }
    );
    println!("  redirect URI:  {}", config.redirect_uri());
    println!(
        "  block secret:  {}",
        if config.security.block_secret.is_some() {
            "configured (block requests must carry it)"
        } else {
            "NOT configured (allowed by security.require_block_secret = false)"
        }
    );
    for exposure in config.exposures() {
        println!("  WARNING: {exposure}");
    }
    let policy = amocrm::HostPolicy::try_with_extra_allowed(config.amocrm.allowed_hosts.clone())
        .context("amocrm.allowed_hosts")?;
    let pins = app::login_pins(config, &policy)?;
    if pins.is_empty() {
        println!("  login pins:    none (any Usedesk account may connect to any amoCRM account)");
    } else {
        println!(
            "  login pins:    {} (only these Usedesk accounts may connect, each to its amoCRM accounts)",
            pins.len()
        );
        for pin in &pins {
            println!(
                "    #{} -> {}",
                pin.usedesk_account
                    .trim()
                    .trim_start_matches('#')
                    .to_ascii_lowercase(),
                pin.amo_hosts.join(", ")
            );
        }
    }
    if config.security.require_trigger_secret {
        println!("  triggers:      freeCreateLead requires the connection's trigger secret");
    } else {
        println!("  triggers:      WARNING: {}", TRIGGER_SECRET_OFF_WARNING);
    }
    Ok(())
}
