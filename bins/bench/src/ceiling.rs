//! The ceiling: a minimal hyper server that answers every request with the same `{"html": …}` bytes. Its
//! blocks per second on this machine, under the same load generator, bound what the real server could reach.
//!
//! It runs as a child process (`bench --ceiling`), like the server under test, so both compete with the load
//! generator for the same cores in the same way.

use std::convert::Infallible;
use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// What the ceiling prints first on stdout, followed by its address.
const READY: &str = "ceiling listening on ";

/// Serves `body` as `application/json` to every request on a loopback port, announcing the port on stdout.
pub async fn serve(body: Bytes) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("{READY}{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_request| {
                let body = body.clone();
                async move {
                    let mut response = hyper::Response::new(Full::new(body));
                    response.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/json"),
                    );
                    Ok::<_, Infallible>(response)
                }
            });
            // A client closing its connection mid-request is not the ceiling's concern.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A running ceiling process; it is killed when dropped.
#[derive(Debug)]
pub struct Ceiling {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Ceiling {
    /// Starts `bench --ceiling --body FILE` from this executable and waits for its address.
    pub async fn start(body_file: &Path) -> anyhow::Result<Ceiling> {
        let exe = std::env::current_exe()?;
        let mut child = Command::new(&exe)
            .arg("--ceiling")
            .arg("--body")
            .arg(body_file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {} --ceiling", exe.display()))?;
        let stdout = child.stdout.take().context("the ceiling's stdout")?;
        // The first line arrives as soon as the child has bound its port; reading it blocks, so off the runtime.
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        })
        .await??;
        let Some(addr) = line.trim().strip_prefix(READY) else {
            let _ = child.kill();
            bail!("the ceiling did not announce its address, it printed {line:?}");
        };
        let addr = addr
            .parse()
            .with_context(|| format!("the ceiling's address {addr:?}"))?;
        Ok(Ceiling { child, addr })
    }
}

impl Ceiling {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
