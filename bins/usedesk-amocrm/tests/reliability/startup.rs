//! A fresh machine: `usedesk-amocrm serve` with no configuration at all starts on SQLite and says what is missing.

use std::time::Duration;

use serde_json::json;

use crate::support::{TempDir, free_port, http, post_block, unescape};

#[tokio::test]
async fn serve_with_no_configuration_starts_on_sqlite_and_says_what_is_missing() {
    let dir = TempDir::new("reliability");
    let port = free_port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("USEDESK_AMOCRM_LISTEN", format!("127.0.0.1:{port}"))
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

    let (_, no_host) = post_block(&client, &base, &json!({"ticket_id": 1})).await;
    let (_, no_oauth) = post_block(
        &client,
        &base,
        &json!({"ticket_id": 1, "amo_base_host": "https://x.amocrm.ru", "usedesk_api_token": "t"}),
    )
    .await;
    let _ = child.kill();
    let _ = child.wait();

    assert!(ready, "the server became ready");
    assert!(
        dir.path().join("data/usedesk-amocrm.db").exists(),
        "the SQLite database is created in ./data"
    );
    assert!(no_host.contains("amo_base_host"), "{no_host}");
    assert!(unescape(&no_oauth).contains("not configured"), "{no_oauth}");
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
            .env("USEDESK_AMOCRM_LOG_FORMAT", "json");
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
