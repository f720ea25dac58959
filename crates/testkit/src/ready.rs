//! Bounded polling of a server (usually a child process) until it answers.

use std::process::{Child, ExitStatus};
use std::time::Duration;

/// How long to wait for a server and how often to ask it.
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    /// Give up after this long.
    pub within: Duration,
    /// The pause between two requests.
    pub every: Duration,
    /// How long one request may take.
    pub request_timeout: Duration,
}

impl Default for Polling {
    /// Ten seconds, asking every 20 ms, one second a request.
    fn default() -> Self {
        Self {
            within: Duration::from_secs(10),
            every: Duration::from_millis(20),
            request_timeout: Duration::from_secs(1),
        }
    }
}

/// Why a server did not become ready.
#[derive(Debug)]
pub enum NotReady {
    /// The child process exited first.
    Exited(ExitStatus),
    /// It did not answer 2xx within the time allowed.
    TimedOut {
        /// The URL polled.
        url: String,
        /// The time allowed.
        within: Duration,
    },
    /// The child process or the HTTP client could not be asked.
    Io(std::io::Error),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exited(status) => write!(f, "it exited with {status} before it was ready"),
            Self::TimedOut { url, within } => {
                write!(f, "{url} did not answer 2xx within {within:?}")
            }
            Self::Io(e) => write!(f, "it could not be asked whether it is ready: {e}"),
        }
    }
}

impl std::error::Error for NotReady {}

/// Polls `url` with GET until it answers 2xx, for at most [`Polling::default`]'s ten seconds.
pub async fn wait_until_ready(url: &str) -> Result<(), NotReady> {
    poll(url, None, Polling::default()).await
}

/// Polls `url` with GET until it answers 2xx, as `polling` says, and stops early when `child` exits.
pub async fn wait_until_child_ready(
    child: &mut Child,
    url: &str,
    polling: Polling,
) -> Result<(), NotReady> {
    poll(url, Some(child), polling).await
}

async fn poll(url: &str, mut child: Option<&mut Child>, polling: Polling) -> Result<(), NotReady> {
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(polling.request_timeout)
        .build()
        .map_err(|e| NotReady::Io(std::io::Error::other(e)))?;
    let deadline = tokio::time::Instant::now() + polling.within;
    loop {
        if let Some(child) = child.as_deref_mut()
            && let Some(status) = child.try_wait().map_err(NotReady::Io)?
        {
            return Err(NotReady::Exited(status));
        }
        let ready = http
            .get(url)
            .send()
            .await
            .is_ok_and(|response| response.status().is_success());
        if ready {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(NotReady::TimedOut {
                url: url.to_owned(),
                within: polling.within,
            });
        }
        tokio::time::sleep(polling.every).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::{NotReady, Polling, wait_until_child_ready, wait_until_ready};

    const BRIEF: Polling = Polling {
        within: Duration::from_millis(200),
        every: Duration::from_millis(10),
        request_timeout: Duration::from_millis(100),
    };

    #[tokio::test]
    async fn a_server_answering_200_is_ready() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/readyz", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            }
        });

        assert!(wait_until_ready(&url).await.is_ok());
    }

    #[tokio::test]
    async fn a_port_nobody_listens_on_times_out_naming_the_url() {
        let url = format!("http://127.0.0.1:{}/readyz", crate::free_port());
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();

        let result = wait_until_child_ready(&mut child, &url, BRIEF).await;
        let _ = child.kill();
        let _ = child.wait();

        assert!(
            matches!(&result, Err(NotReady::TimedOut { url: polled, .. }) if *polled == url),
            "{result:?}"
        );
    }

    #[tokio::test]
    async fn a_child_that_exits_stops_the_wait() {
        let url = format!("http://127.0.0.1:{}/readyz", crate::free_port());
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let _ = child.wait();

        let result = wait_until_child_ready(&mut child, &url, BRIEF).await;

        assert!(matches!(result, Err(NotReady::Exited(_))), "{result:?}");
    }
}
