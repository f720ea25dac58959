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

#[test]
fn check_config_lists_the_login_pins_and_refuses_a_malformed_one() {
    let dir = TempDir::new("reliability");
    let check = |pins: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"))
            .arg("check-config")
            .current_dir(dir.path())
            .env_clear()
            .env("USEDESK_AMOCRM_SECURITY__LOGIN_PINS", pins)
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
