//! Cache drops shared with the other replicas. A webhook delivery, or an agent's write, reaches one replica; what
//! it drops from its caches it also publishes on a [`CacheBus`] (Redis pub/sub in the bundled server), and every
//! other replica drops the same, so no replica shows a block older than the change for its render TTL.
//!
//! Publishing is best effort and never delays the request that caused it: a replica that misses a drop (the bus
//! was down) still catches up on its render TTL, and one that re-subscribes drops every rendered block at once
//! ([`Domain::forget_all_blocks`]), since it cannot know what it missed.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Cause;
use crate::model::BlockData;
use crate::service::{Domain, RenderKey};
use crate::store::ConnectionId;

/// How long a publish may take before it is given up (the drop still happened here).
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(2);

/// What a replica dropped from its caches, for the others to drop too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "drop", rename_all = "snake_case")]
pub enum CacheDrop {
    /// Every rendered block of the connection (a new deal or contact may belong to any ticket's client; our own
    /// write).
    Blocks {
        /// The connection.
        connection: ConnectionId,
    },
    /// The rendered blocks of the connection that show one of these deals or contacts.
    Touching {
        /// The connection.
        connection: ConnectionId,
        /// The deals.
        deals: Vec<i64>,
        /// The contacts.
        contacts: Vec<i64>,
    },
    /// The connection's metadata (pipelines, stages, fields) and every rendered block.
    Metadata {
        /// The connection.
        connection: ConnectionId,
    },
    /// Everything kept for the connection, its tokens' source included (a new login, a lost access).
    Connection {
        /// The connection.
        connection: ConnectionId,
    },
}

/// A drop as it travels: who sent it, so that the sender does not apply it twice.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    #[serde(flatten)]
    drop: CacheDrop,
}

/// Carries cache drops to the other replicas.
#[async_trait]
pub trait CacheBus: Send + Sync + 'static {
    /// Sends one message (JSON text) to every replica subscribed, this one included.
    async fn publish(&self, message: String) -> Result<(), Cause>;
}

impl Domain {
    /// Shares this domain's cache drops with the other replicas through `bus`; their drops come in through
    /// [`Domain::apply_shared_drop`]. Set once, before serving: a second bus is ignored.
    pub fn share_cache_drops(&self, bus: Arc<dyn CacheBus>) {
        if self.inner.bus.set(bus).is_err() {
            tracing::warn!("a cache bus was already set; the second one is ignored");
        }
    }

    /// Applies a drop another replica published (a message of the bus). Our own messages and unreadable ones are
    /// left alone; returns whether something was dropped.
    pub fn apply_shared_drop(&self, message: &str) -> bool {
        match serde_json::from_str::<Envelope>(message) {
            Ok(envelope) if envelope.origin == self.inner.origin => false,
            Ok(envelope) => {
                self.drop_here(&envelope.drop);
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "an unreadable message on the cache bus was left alone");
                false
            }
        }
    }

    /// Drops every rendered block of every connection: after the bus was down, what was missed is unknown.
    pub fn forget_all_blocks(&self) {
        self.inner.renders.invalidate(|_| true);
    }

    /// Drops what `drop` names here, and asks the other replicas to drop it too.
    pub(crate) fn drop_caches(&self, drop: CacheDrop) {
        self.drop_here(&drop);
        let Some(bus) = self.inner.bus.get().cloned() else {
            return;
        };
        let message = match serde_json::to_string(&Envelope {
            origin: self.inner.origin,
            drop,
        }) {
            Ok(message) => message,
            Err(e) => {
                tracing::warn!(error = %e, "a cache drop could not be written for the other replicas");
                return;
            }
        };
        tokio::spawn(async move {
            match tokio::time::timeout(PUBLISH_TIMEOUT, bus.publish(message)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %crate::Report(&e), "the other replicas were not told of a cache drop; they catch up on their render TTL");
                }
                Err(_) => {
                    tracing::warn!(
                        "publishing a cache drop timed out; the other replicas catch up on their render TTL"
                    );
                }
            }
        });
    }

    fn drop_here(&self, drop: &CacheDrop) {
        let inner = &self.inner;
        match drop {
            CacheDrop::Blocks { connection } => {
                inner.renders.invalidate(|k| k.0 == *connection);
            }
            CacheDrop::Touching {
                connection,
                deals,
                contacts,
            } => {
                let deals: HashSet<i64> = deals.iter().copied().collect();
                let contacts: HashSet<i64> = contacts.iter().copied().collect();
                let touches = |key: &RenderKey, data: Option<&BlockData>| {
                    key.0 == *connection
                        && data.is_none_or(|data| {
                            data.contacts.iter().any(|c| {
                                // amoCRM sends a company's changes as a contact's, with the company's id.
                                contacts.contains(&c.id)
                                    || c.company
                                        .as_ref()
                                        .is_some_and(|co| contacts.contains(&co.id))
                                    || c.deals
                                        .iter()
                                        .chain(c.company.iter().flat_map(|co| &co.deals))
                                        .any(|d| deals.contains(&d.id))
                            })
                        })
                };
                inner.renders.invalidate_values(touches);
            }
            CacheDrop::Metadata { connection } => {
                inner.core.invalidate(|k| k == connection);
                inner.deal_fields.invalidate(|k| k == connection);
                inner.renders.invalidate(|k| k.0 == *connection);
            }
            CacheDrop::Connection { connection } => self.forget_connection_here(*connection),
        }
    }
}

/// A random number naming this process's domain on the bus.
pub(crate) fn origin() -> u64 {
    uuid::Uuid::new_v4().as_u64_pair().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_travels_as_flat_json_with_its_origin() {
        let connection = ConnectionId(uuid::Uuid::nil());
        let text = serde_json::to_string(&Envelope {
            origin: 7,
            drop: CacheDrop::Touching {
                connection,
                deals: vec![1],
                contacts: vec![],
            },
        })
        .expect("json");
        assert_eq!(
            text,
            r#"{"origin":7,"drop":"touching","connection":"00000000-0000-0000-0000-000000000000","deals":[1],"contacts":[]}"#
        );
        let back: Envelope = serde_json::from_str(&text).expect("read back");
        assert_eq!(back.origin, 7);
    }
}
