//! `backup` of a live SQLite database while the server answers blocks, and `restore` into a new place: the
//! restored service has the same connection and links, with no new login.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use reqwest::StatusCode;

use crate::replicas::hidden_token_after;
use crate::support::{
    Server, TempDir, free_port, http, link, login, post_block, sample_body, sandbox_for,
};

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}/db.sqlite", dir.display())
}

/// Runs the binary with `args` on the database in `dir`, off the async threads.
async fn cli(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_usedesk-amocrm"));
    command
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("USEDESK_AMOCRM_DATABASE_URL", database_url(dir));
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .unwrap()
}

async fn connection_ids(dir: &Path) -> Vec<(String, String)> {
    let pool = sqlx::SqlitePool::connect(&database_url(dir)).await.unwrap();
    let rows = sqlx::query_as("SELECT id, status FROM connections ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_blocks_are_served_restores_the_connection_and_links_without_a_new_login()
 {
    let live = TempDir::new("reliability");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let sandbox = sandbox_for(&base, false).await;
    let amo = sandbox
        .amocrm_url()
        .to_string()
        .trim_end_matches('/')
        .to_owned();
    let env = |dir: &Path| vec![("USEDESK_AMOCRM_DATABASE_URL", database_url(dir))];
    let server = Server::spawn(&sandbox, port, &env(live.path())).await;
    let client = http();
    login(&client, &base, &sample_body(&amo, 1002)).await;
    let (_, three) = post_block(&client, &base, &sample_body(&amo, 1003)).await;
    let link_form = link(&three, "action/link").expect("a Link button");
    let token = hidden_token_after(&three, "action/link").expect("its token");
    let linked = client
        .post(&link_form)
        .form(&[("t", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(linked.status().is_success(), "{}", linked.status());

    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let traffic = tokio::spawn({
        let (client, base, stop, served) =
            (client.clone(), base.clone(), stop.clone(), served.clone());
        let bodies = [sample_body(&amo, 1002), sample_body(&amo, 1003)];
        async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let (status, html) = post_block(&client, &base, &bodies[i % 2]).await;
                assert_eq!(status, StatusCode::OK, "{html}");
                served.fetch_add(1, Ordering::Relaxed);
                i += 1;
            }
        }
    });
    let backups = TempDir::new("reliability");
    let backup = backups.path().join("backup");
    let backup_arg = backup.display().to_string();
    let made = cli(live.path(), &["backup", &backup_arg]).await;
    stop.store(true, Ordering::Relaxed);
    traffic
        .await
        .expect("every block during the backup was served");
    server.kill();

    let restored = TempDir::new("reliability");
    let put_back = cli(restored.path(), &["restore", &backup_arg]).await;
    let again = cli(restored.path(), &["restore", &backup_arg]).await;
    let _server = Server::spawn(&sandbox, port, &env(restored.path())).await;
    let while_serving = cli(restored.path(), &["restore", &backup_arg, "--force"]).await;
    let (_, linked_block) = post_block(&client, &base, &sample_body(&amo, 1003)).await;
    let (_, contact_block) = post_block(&client, &base, &sample_body(&amo, 1002)).await;

    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(made.status.success(), "backup: {}", text(&made));
    assert!(served.load(Ordering::Relaxed) > 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&backup), 0o700, "the backup directory is private");
        for file in ["usedesk-amocrm.db", "token-encryption.key", "signing.key"] {
            assert_eq!(mode(&backup.join(file)), 0o600, "{file} is private");
        }
    }
    assert!(put_back.status.success(), "restore: {}", text(&put_back));
    assert!(text(&put_back).contains("restored"), "{}", text(&put_back));
    assert!(
        !again.status.success(),
        "a second restore replaced the database"
    );
    assert!(text(&again).contains("--force"), "{}", text(&again));
    assert!(
        !while_serving.status.success(),
        "a restore replaced a database in use"
    );
    assert!(
        text(&while_serving).contains("in use"),
        "{}",
        text(&while_serving)
    );
    assert_eq!(
        connection_ids(restored.path()).await,
        connection_ids(live.path()).await,
        "the same connection, with the same Integration ID"
    );
    assert!(
        linked_block.contains("action/unlink") && !linked_block.contains("oauth/start"),
        "the link survives and no login is asked: {linked_block}"
    );
    assert!(
        contact_block.contains("Harry Potter"),
        "the stored tokens still work: {contact_block}"
    );
}
