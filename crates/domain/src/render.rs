//! What the block shows for a ticket: the connection's state, the client's contacts (linked, or found by every
//! phone and e-mail and confirmed exactly), and their deals — in two upstream round trips, within a deadline,
//! falling back to the last known data when amoCRM is slow, busy or down.

use std::sync::Arc;

use secrecy::SecretString;

use crate::Error;
use crate::identity::{Identifier, identifiers, searched};
use crate::model::{BlockData, TicketClient};
use crate::service::{Domain, RenderKey};
use crate::store::{Connection, ConnectionId, ConnectionStatus};

mod continuation;
mod load;

pub(crate) use load::{contact_view, deal_name, deal_view, deal_views, display_name};

/// A block request, as the domain needs it.
#[derive(Debug, Clone)]
pub struct BlockInput {
    /// The Usedesk API token from the block's POST parameters (identifies the Usedesk account).
    pub usedesk_token: SecretString,
    /// The amoCRM account, already checked against the host policy.
    pub host: amocrm::AccountHost,
    /// The ticket's client.
    pub client: TicketClient,
}

/// Why the block cannot show fresh data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Degradation {
    /// amoCRM rate-limited the account.
    Busy {
        /// When requests resume (unix seconds), when known.
        until: Option<i64>,
    },
    /// Our own limiter has too many requests for the account queued; amoCRM has not pushed back.
    Queued {
        /// In how many seconds (at least 1) the data can be fetched.
        seconds: u64,
    },
    /// The data is being fetched in the background (the block's amoCRM work goes on past the render deadline);
    /// it will be in the cache in about `seconds`, and the block can be reloaded then.
    Preparing {
        /// In how many seconds (at least 1) the data should be ready.
        seconds: u64,
    },
    /// amoCRM blocked access (403).
    Blocked {
        /// When the block tries again (unix seconds), when known.
        until: Option<i64>,
    },
    /// The subscription ended (402).
    PaymentRequired,
    /// amoCRM answered with errors or not at all.
    Unavailable,
    /// The render deadline passed.
    Timeout,
    /// Our own failure (storage, a bug); the reference is in the log.
    Internal,
}

/// What the block should show.
#[derive(Debug, Clone)]
pub enum BlockOutcome {
    /// No connection for this Usedesk account and amoCRM account yet: offer "Login to amoCRM".
    NotConnected,
    /// The connection lost its access: offer "Login to amoCRM" again.
    NeedsLogin {
        /// The connection.
        connection_id: ConnectionId,
    },
    /// Fresh data.
    Ready(Box<BlockData>),
    /// No fresh data: why, and the last known data when there is some (`stale_as_of` is set on it).
    Degraded {
        /// Why.
        reason: Degradation,
        /// The last known data, if any.
        last_known: Option<Box<BlockData>>,
        /// The error, for the log.
        cause: String,
    },
}

/// A moment as unix seconds (rounded up: "until" never reads earlier than it is).
fn unix(at: std::time::SystemTime) -> i64 {
    at.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| {
        i64::try_from(d.as_secs() + u64::from(d.subsec_nanos() > 0)).unwrap_or(i64::MAX)
    })
}

fn degradation(e: &Error) -> Degradation {
    match e {
        Error::Busy { until } => Degradation::Busy {
            until: until.map(unix),
        },
        Error::Queued { until } => Degradation::Queued {
            seconds: until
                .duration_since(std::time::SystemTime::now())
                .map_or(1, |d| d.as_secs_f64().ceil() as u64)
                .max(1),
        },
        Error::Blocked { until } => Degradation::Blocked {
            until: until.map(unix),
        },
        Error::PaymentRequired => Degradation::PaymentRequired,
        Error::Timeout => Degradation::Timeout,
        Error::Unavailable(_) | Error::Usedesk { .. } | Error::Rejected(_) | Error::NotFound(_) => {
            Degradation::Unavailable
        }
        _ => Degradation::Internal,
    }
}

impl Domain {
    /// Everything the block shows for a ticket. Never fails: every failure is a state the agent can read.
    pub async fn block(&self, input: BlockInput) -> BlockOutcome {
        let account = input.host.as_str().to_owned();
        let connection = match self
            .cached_connection(&input.usedesk_token, &input.host)
            .await
        {
            Ok(Some(c)) => c,
            Ok(None) => return BlockOutcome::NotConnected,
            Err(e) => return degraded(&e, None),
        };
        if connection.status == ConnectionStatus::NeedsLogin || connection.tokens.is_none() {
            return BlockOutcome::NeedsLogin {
                connection_id: connection.id,
            };
        }
        let default_country = self.config().default_country.as_deref();
        let ids = identifiers(
            input.client.phones.iter().map(String::as_str),
            input.client.emails.iter().map(String::as_str),
            default_country,
        );
        // One search per identifier: a client with many of them must not take the account's whole budget.
        let (ids, not_searched) = searched(ids);
        let key: RenderKey = (
            connection.id,
            input.client.client_id,
            ids.iter().map(|i| i.value().to_owned()).collect(),
        );
        let outcome = match self
            .fresh_or_loaded(&connection, &key, &ids, &input.client, not_searched)
            .await
        {
            Ok(outcome) => outcome,
            Err(preparing) => return preparing,
        };
        match outcome {
            Ok(value) => {
                let mut data = (*value).clone();
                data.not_searched = not_searched;
                // Taken after the cache: a cached render neither repeats a notice nor hides a new one.
                data.notices = self.take_notices(connection.id).await;
                BlockOutcome::Ready(Box::new(data))
            }
            Err(Error::NeedsLogin) => {
                self.forget_connection(connection.id);
                BlockOutcome::NeedsLogin {
                    connection_id: connection.id,
                }
            }
            Err(e) => {
                let last = if e.is_degradation() || matches!(e, Error::PaymentRequired) {
                    self.last_known(&key, &connection, not_searched).await
                } else {
                    None
                };
                degraded(&self.with_pause_end(e, &account).await, last)
            }
        }
    }

    /// The block's data: fresh from the render cache, or loaded within the render deadline. When the load cannot
    /// finish in time it goes on in the background, and the block is told (`Err`) when its data will be ready.
    async fn fresh_or_loaded(
        &self,
        connection: &Connection,
        key: &RenderKey,
        ids: &[Identifier],
        client: &TicketClient,
        not_searched: usize,
    ) -> Result<Result<Arc<BlockData>, Error>, BlockOutcome> {
        let fresh = self
            .inner
            .renders
            .peek(key)
            .await
            .filter(|cached| !cached.stale);
        if let Some(cached) = fresh {
            return Ok(Ok(cached.value));
        }
        let work = match self.continuation(connection, key, ids, client) {
            Ok(work) => work,
            Err(e) => return Ok(Err(e)),
        };
        let deadline = self.config().render_deadline;
        let account = connection.amo_host.as_str();
        let queued = self.queue_ahead(account).await;
        let finished = if queued >= deadline {
            // It cannot finish in time: no need to wait for the deadline to say so.
            None
        } else {
            tokio::time::timeout(deadline, work).await.ok()
        };
        if let Some(result) = finished {
            return Ok(result);
        }
        // The work goes on in the background; say when its data will be ready.
        let ready_in = self.queue_ahead(account).await + std::time::Duration::from_secs(1);
        let last = self.last_known(key, connection, not_searched).await;
        Err(BlockOutcome::Degraded {
            reason: Degradation::Preparing {
                seconds: ready_in.as_secs_f64().ceil().max(1.0) as u64,
            },
            last_known: last,
            cause: "the block's amoCRM work goes on in the background".into(),
        })
    }

    /// A block (403) or a 429 whose end amoCRM did not say: the account's pause in the rate limiter, set by that
    /// very answer, says until when nothing is sent.
    async fn with_pause_end(&self, e: Error, account: &str) -> Error {
        let pause_end = async || {
            self.inner
                .deps
                .limiter
                .paused(account)
                .await
                .ok()
                .flatten()
                .map(|(until, _)| until)
        };
        match e {
            Error::Blocked { until: None } => Error::Blocked {
                until: pause_end().await,
            },
            Error::Busy { until: None } => Error::Busy {
                until: pause_end().await,
            },
            other => other,
        }
    }

    /// The last data stored for a block, marked with when it was fetched.
    async fn last_known(
        &self,
        key: &RenderKey,
        connection: &Connection,
        not_searched: usize,
    ) -> Option<Box<BlockData>> {
        let c = self.inner.renders.peek(key).await?;
        let mut data = (*c.value).clone();
        data.stale_as_of = Some(c.fetched_at);
        data.not_searched = not_searched;
        data.notices = self.take_notices(connection.id).await;
        Some(Box::new(data))
    }
}

fn degraded(e: &Error, last_known: Option<Box<BlockData>>) -> BlockOutcome {
    BlockOutcome::Degraded {
        reason: degradation(e),
        last_known,
        cause: crate::Report(e).to_string(),
    }
}
