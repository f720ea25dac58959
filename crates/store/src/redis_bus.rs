//! The cache bus on Redis pub/sub: every replica publishes what it drops from its caches on one channel and
//! applies what the others publish ([`domain::replicas`]).
//!
//! The subscription is one dedicated connection that [`RedisCacheBus::follow`] keeps open for the life of the
//! process. When it breaks, drops published meanwhile are lost: on every new subscription after the first, the
//! replica drops all its rendered blocks, so it shows nothing older than the outage.

use std::time::Duration;

use async_trait::async_trait;
use domain::Domain;
use domain::replicas::CacheBus;
use futures_util::StreamExt as _;
use redis::aio::MultiplexedConnection;

/// The longest wait between two attempts to subscribe again.
const RESUBSCRIBE_MAX: Duration = Duration::from_secs(30);

/// Cache drops shared through one Redis channel.
#[derive(Clone)]
pub struct RedisCacheBus {
    client: redis::Client,
    connection: MultiplexedConnection,
    channel: String,
}

impl std::fmt::Debug for RedisCacheBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCacheBus")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl RedisCacheBus {
    /// Connects to Redis at `url`; drops go on `channel`.
    pub async fn connect(url: &str, channel: &str) -> Result<Self, crate::Error> {
        let (client, connection) = crate::redis_limiter::connect(url).await?;
        Ok(Self {
            client,
            connection,
            channel: channel.to_owned(),
        })
    }

    /// Subscribes to the channel; messages are not lost between this call's return and the first read.
    pub async fn subscribe(&self) -> Result<redis::aio::PubSub, crate::Error> {
        let mut pubsub = self
            .client
            .get_async_pubsub()
            .await
            .map_err(|e| crate::Error::Redis(e.to_string()))?;
        pubsub
            .subscribe(&self.channel)
            .await
            .map_err(|e| crate::Error::Redis(e.to_string()))?;
        Ok(pubsub)
    }

    /// Applies the other replicas' drops to `domain` for as long as the process lives, subscribing again (with a
    /// growing pause) whenever the subscription breaks. `first` is the subscription made before serving, so that
    /// no drop published after start-up is missed.
    pub async fn follow(self, domain: Domain, first: redis::aio::PubSub) {
        let mut pubsub = Some(first);
        let mut pause = Duration::from_millis(250);
        loop {
            let subscription = match pubsub.take() {
                Some(s) => s,
                None => match self.subscribe().await {
                    Ok(s) => {
                        // What was published while we were away is unknown.
                        domain.forget_all_blocks();
                        tracing::info!(channel = %self.channel, "subscribed to the cache bus again");
                        pause = Duration::from_millis(250);
                        s
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, retry_in_ms = pause.as_millis(), "the cache bus is unreachable; blocks catch up on their render TTL");
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(RESUBSCRIBE_MAX);
                        continue;
                    }
                },
            };
            let mut messages = subscription.into_on_message();
            while let Some(message) = messages.next().await {
                match message.get_payload::<String>() {
                    Ok(text) => {
                        domain.apply_shared_drop(&text);
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "a message on the cache bus was not text");
                    }
                }
            }
            tracing::warn!(channel = %self.channel, "the cache bus subscription ended; subscribing again");
        }
    }
}

#[async_trait]
impl CacheBus for RedisCacheBus {
    async fn publish(&self, message: String) -> Result<(), domain::Cause> {
        let mut connection = self.connection.clone();
        redis::cmd("PUBLISH")
            .arg(&self.channel)
            .arg(message)
            .query_async::<i64>(&mut connection)
            .await
            .map(|_| ())
            .map_err(domain::Cause::new)
    }
}
