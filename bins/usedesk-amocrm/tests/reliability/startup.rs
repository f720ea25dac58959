//! A fresh machine: `usedesk-amocrm serve` refuses to start without a block secret and names it; with only
//! that, it starts on SQLite (files private to their owner) and says what else is missing.

use std::time::Duration;

use serde_json::json;

use crate::support::{TempDir, free_port, http, post_block, unescape};

const BLOCK_SECRET: &str = "a-long-random-block-secret-for-the-test";

#[test]
fn serve_with_no_configuration_at_all_refuses_to_start_and_names_the_block_secret() {
    let dir = TempDir::new("reliability");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env(
            "USEDESK_AMOCRM_LISTEN",
            format!("127.0.0.1:{}", free_port()),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("security.block_secret"), "{stderr}");
    assert!(stderr.contains("require_block_secret"), "{stderr}");
}

#[test]
fn a_weak_signing_key_or_a_wildcard_origin_refuses_every_command() {
    for command in ["serve", "check-config", "migrate"] {
        let dir = TempDir::new("reliability");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"))
            .arg(command)
            .current_dir(dir.path())
            .env_clear()
            .env(
                "USEDESK_AMOCRM_LISTEN",
                format!("127.0.0.1:{}", free_port()),
            )
            .env("USEDESK_AMOCRM_SECURITY__BLOCK_SECRET", BLOCK_SECRET)
            .env("USEDESK_AMOCRM_SECURITY__SIGNING_KEY", "short")
            .env(
                "USEDESK_AMOCRM_USEDESK__CORS_ORIGINS",
                r#"["null", "https://*.usedesk.ru"]"#,
            )
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{command} started");
        assert!(
            stderr.contains("security.signing_key"),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains("usedesk.cors_origins"),
            "{command}: {stderr}"
        );
    }
}

#[tokio::test]
async fn serve_with_only_a_block_secret_starts_on_sqlite_and_says_what_is_missing() {
    let dir = TempDir::new("reliability");
    let port = free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("USEDESK_AMOCRM_LISTEN", format!("127.0.0.1:{port}"))
        .env("USEDESK_AMOCRM_SECURITY__BLOCK_SECRET", BLOCK_SECRET)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}/");
    let client = http();
    let mut ready = false;
    for _ in 0..500 {
        if client
            .get(format!("{base}readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let (_, no_host) = post_block(
        &client,
        &base,
        &json!({"ticket_id": 1, "secret_key": BLOCK_SECRET}),
    )
    .await;
    let (_, no_oauth) = post_block(
        &client,
        &base,
        &json!({"ticket_id": 1, "amo_base_host": "https://x.amocrm.ru", "usedesk_api_token": "t",
                "secret_key": BLOCK_SECRET}),
    )
    .await;
    let _ = child.kill();
    let _ = child.wait();

    assert!(ready, "the server became ready");
    assert!(
        dir.path().join("data/usedesk-amocrm.db").exists(),
        "the SQLite database is created in ./data"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &str| {
            std::fs::metadata(dir.path().join(p))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("data"), 0o700, "the data directory is private");
        assert_eq!(
            mode("data/usedesk-amocrm.db"),
            0o600,
            "the database is private"
        );
        assert_eq!(mode("data/signing.key"), 0o600);
    }
    assert!(no_host.contains("amo_base_host"), "{no_host}");
    assert!(unescape(&no_oauth).contains("not configured"), "{no_oauth}");
}

#[test]
fn check_config_lists_the_login_pins_and_refuses_a_malformed_one() {
    let dir = TempDir::new("reliability");
    let check = |pins: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"))
            .arg("check-config")
            .current_dir(dir.path())
            .env_clear()
            .env("USEDESK_AMOCRM_SECURITY__LOGIN_PINS", pins)
            .env("USEDESK_AMOCRM_SECURITY__BLOCK_SECRET", BLOCK_SECRET)
            .output()
            .unwrap()
    };

    let pinned = check(
        r##"[{ usedesk_account = "#A1B2C3D4E5F6", amo_hosts = ["Hogwarts.amocrm.ru", "https://durmstrang.kommo.com"] }]"##,
    );
    let malformed = check(r#"[{ usedesk_account = "a1b2", amo_hosts = ["hogwarts.amocrm.ru"] }]"#);
    let not_amocrm =
        check(r#"[{ usedesk_account = "a1b2c3d4e5f6", amo_hosts = ["evil.example"] }]"#);

    let stdout = String::from_utf8_lossy(&pinned.stdout);
    assert!(pinned.status.success(), "{pinned:?}");
    assert!(stdout.contains("login pins:    1"), "{stdout}");
    assert!(
        stdout
            .contains("#a1b2c3d4e5f6 -> https://hogwarts.amocrm.ru, https://durmstrang.kommo.com"),
        "{stdout}"
    );
    for refused in [malformed, not_amocrm] {
        assert!(!refused.status.success(), "{refused:?}");
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("login_pins"),
            "{refused:?}"
        );
    }
}

const EXPOSED: &str = "anyone who knows an Integration ID can create deals and contacts and write comments into tickets";

#[tokio::test]
async fn switching_the_trigger_secret_off_is_said_by_check_config_and_by_every_start() {
    let dir = TempDir::new("reliability");
    let run = |command: &str, off: bool| {
        let mut process = std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"));
        process
            .arg(command)
            .current_dir(dir.path())
            .env_clear()
            .env(
                "USEDESK_AMOCRM_LISTEN",
                format!("127.0.0.1:{}", free_port()),
            )
            .env("USEDESK_AMOCRM_LOG_FORMAT", "json")
            .env("USEDESK_AMOCRM_SECURITY__BLOCK_SECRET", BLOCK_SECRET);
        if off {
            process.env("USEDESK_AMOCRM_SECURITY__REQUIRE_TRIGGER_SECRET", "false");
        }
        process
    };

    let on = run("check-config", false).output().unwrap();
    let off = run("check-config", true).output().unwrap();
    let mut serving = run("serve", true)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The log lines up to the one that says the server is serving.
    let stdout = serving.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead as _;
        let mut lines = Vec::new();
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .take(20)
        {
            let done = line.contains("serving the block");
            lines.push(line);
            if done {
                break;
            }
        }
        lines
    });
    for _ in 0..500 {
        if reader.is_finished() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = serving.kill();
    let _ = serving.wait();
    let started = reader.join().unwrap_or_default();

    let on = String::from_utf8_lossy(&on.stdout).into_owned();
    let off = String::from_utf8_lossy(&off.stdout).into_owned();
    assert!(
        on.contains("requires the connection's trigger secret"),
        "{on}"
    );
    assert!(!on.contains(EXPOSED), "{on}");
    assert!(off.contains("WARNING") && off.contains(EXPOSED), "{off}");
    let warnings: Vec<serde_json::Value> = started
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["level"] == "WARN")
        .collect();
    assert!(
        warnings.iter().any(|w| w["message"]
            .as_str()
            .is_some_and(|m| m.contains("require_trigger_secret is false") && m.contains(EXPOSED))),
        "{started:#?}"
    );
    assert!(
        started
            .last()
            .is_some_and(|l| l.contains("serving the block")),
        "{started:#?}"
    );
}
