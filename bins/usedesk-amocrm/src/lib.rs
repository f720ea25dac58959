//! The usedesk-amocrm server as a library: configuration, wiring and the demo, so the binary stays a few
//! lines and the end-to-end tests can start exactly what the binary starts.
#![deny(missing_docs)]

pub mod app;
pub mod backup;
pub mod config;
pub mod demo;
pub mod handoff;
pub mod logging;

/// Binds `addr` with a deep accept queue. A burst of agents opening tickets at once would overflow the
/// default queue of 128; the kernel then drops connection attempts and clients retry only after a second.
pub fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    // Linux caps this at net.core.somaxconn.
    socket.listen(4096)
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
