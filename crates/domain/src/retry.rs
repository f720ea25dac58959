//! Retrying reads: a 5xx or a timeout on a GET is tried again, twice, after a short jittered pause — inside the
//! caller's deadline, which cancels the whole thing when it passes. Writes are never retried here (amoCRM has no
//! idempotent create; the trigger path has its own resumable progress instead).

use std::time::Duration;

/// Runs the read `f`, retrying it on retryable errors (timeouts, transport errors, 5xx).
pub(crate) async fn read<T, F, Fut>(mut f: F) -> Result<T, amocrm::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, amocrm::Error>>,
{
    let mut pause = Duration::from_millis(60);
    let mut attempt = 0;
    loop {
        match f().await {
            Err(e) if e.is_retryable() && attempt < 2 => {
                attempt += 1;
                // Jitter spreads retries of many concurrent renders over time instead of synchronising them.
                let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % 60;
                tokio::time::sleep(pause + Duration::from_millis(jitter)).await;
                pause *= 3;
            }
            other => return other,
        }
    }
}
