//! Priorities in front of the rate limiter.
//!
//! The [`RateLimiter`](crate::RateLimiter) serves requests in arrival order: a request reserves the earliest free slot
//! and sleeps until it. Under a burst of reads that order would put an agent's write behind every read already
//! queued. A [`PriorityGate`] lets at most `max` requests per account hold or wait for a limiter slot at once (one
//! window's worth, so the limiter's own queue is never more than about one window long); the others wait here, in
//! three queues served strictly by [`Priority`]: writes, then interactive reads (block renders), then background
//! reads (revalidation, prefetches). Within one priority the order is arrival.
//!
//! The gate is per process: replicas sharing a Redis limiter each order their own requests.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::Error;

/// How urgent a request is. Higher goes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Priority {
    /// Background work nobody waits for: revalidating metadata, prefetching.
    Background,
    /// A read an agent waits for: a block render.
    #[default]
    Interactive,
    /// An agent's write (create, link, comment): never starved by reads.
    Write,
}

impl Priority {
    const ALL: [Priority; 3] = [Priority::Write, Priority::Interactive, Priority::Background];

    fn index(self) -> usize {
        match self {
            Priority::Write => 0,
            Priority::Interactive => 1,
            Priority::Background => 2,
        }
    }
}

/// Orders requests to each account by [`Priority`] before they reach the rate limiter. Clones share state.
#[derive(Clone)]
pub struct PriorityGate {
    inner: Arc<GateInner>,
}

struct GateInner {
    max: usize,
    per: Duration,
    accounts: Mutex<HashMap<String, Account>>,
}

#[derive(Default)]
struct Account {
    /// Permits held (requests between the gate and their limiter slot).
    held: usize,
    /// Waiters by priority index, each with its ticket number.
    queues: [VecDeque<(u64, oneshot::Sender<()>)>; 3],
    next_ticket: u64,
}

impl Account {
    fn waiting_at_or_above(&self, priority: Priority) -> usize {
        Priority::ALL
            .iter()
            .filter(|p| **p >= priority)
            .map(|p| self.queues[p.index()].len())
            .sum()
    }
}

impl std::fmt::Debug for PriorityGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PriorityGate")
            .field("max", &self.inner.max)
            .field("per", &self.inner.per)
            .finish_non_exhaustive()
    }
}

impl PriorityGate {
    /// A gate letting `max` requests per account through to the limiter at once; `per` is the limiter's window,
    /// used for wait estimates (`max` per `per` is the rate the queue drains at).
    pub fn new(max: u32, per: Duration) -> PriorityGate {
        PriorityGate {
            inner: Arc::new(GateInner {
                max: usize::try_from(max.max(1)).unwrap_or(usize::MAX),
                per,
                accounts: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The gate for amoCRM's 7 requests per second.
    pub fn amocrm_default() -> PriorityGate {
        PriorityGate::new(7, Duration::from_secs(1))
    }

    fn with_account<R>(&self, account: &str, f: impl FnOnce(&mut Account) -> R) -> R {
        let mut accounts = self
            .inner
            .accounts
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let state = accounts.entry(account.to_owned()).or_default();
        let result = f(state);
        if state.held == 0 && state.queues.iter().all(VecDeque::is_empty) {
            accounts.remove(account);
        }
        result
    }

    /// How long `ahead` requests take to drain at the limiter's rate, plus one window for the limiter's own queue.
    fn drain_time(&self, ahead: usize) -> Duration {
        let windows = u32::try_from(ahead / self.inner.max + 1).unwrap_or(u32::MAX);
        self.inner.per.saturating_mul(windows)
    }

    /// How long a new request of `priority` to `account` would wait before it is sent, estimated from the
    /// requests queued at or above its priority.
    pub fn estimate(&self, account: &str, priority: Priority) -> Duration {
        let ahead = self.with_account(account, |a| a.waiting_at_or_above(priority) + a.held);
        if ahead < self.inner.max {
            return Duration::ZERO;
        }
        self.drain_time(ahead)
    }

    /// Requests to `account` waiting at the gate (any priority).
    pub fn waiting(&self, account: &str) -> usize {
        self.with_account(account, |a| a.queues.iter().map(VecDeque::len).sum())
    }

    /// Waits for this request's turn. With a `deadline`, a request whose estimated turn lies beyond it fails at
    /// once with [`Error::Throttled`], and one still waiting at the deadline fails then. Dropping the future
    /// gives its place (or its permit, if granted meanwhile) back.
    pub async fn acquire(
        &self,
        account: &str,
        priority: Priority,
        deadline: Option<Instant>,
    ) -> Result<GatePermit, Error> {
        let queued = self.with_account(account, |a| {
            if a.held < self.inner.max && a.waiting_at_or_above(priority) == 0 {
                a.held += 1;
                return Ok(None);
            }
            let ahead = a.waiting_at_or_above(priority) + a.held;
            let wait = self.drain_time(ahead);
            if deadline.is_some_and(|d| Instant::now() + wait > d) {
                return Err(Error::Throttled { wait });
            }
            let ticket = a.next_ticket;
            a.next_ticket += 1;
            let (tx, rx) = oneshot::channel();
            a.queues[priority.index()].push_back((ticket, tx));
            Ok(Some((ticket, rx)))
        })?;
        let Some((ticket, rx)) = queued else {
            return Ok(GatePermit {
                gate: self.clone(),
                account: account.to_owned(),
            });
        };
        // Not yet a permit: until granted, dropping gives the place in the queue back.
        let mut waiter = Waiter {
            gate: self,
            account,
            priority,
            ticket,
            rx: Some(rx),
        };
        let granted = {
            let rx = waiter.rx.as_mut().expect("set above");
            match deadline {
                Some(d) => tokio::time::timeout_at(d, rx).await.ok(),
                None => Some(rx.await),
            }
        };
        match granted {
            Some(Ok(())) => {
                waiter.rx = None;
                Ok(GatePermit {
                    gate: self.clone(),
                    account: account.to_owned(),
                })
            }
            // The sender is only dropped by the gate after a grant or never; treat it as a lost turn.
            Some(Err(_)) | None => {
                let wait = self.estimate(account, priority);
                Err(Error::Throttled { wait })
            }
        }
    }

    /// Passes a permit to the most urgent waiter, or returns it.
    fn release(&self, account: &str) {
        self.with_account(account, |a| {
            for p in Priority::ALL {
                while let Some((_, tx)) = a.queues[p.index()].pop_front() {
                    if tx.send(()).is_ok() {
                        return;
                    }
                }
            }
            a.held = a.held.saturating_sub(1);
        });
    }
}

/// A request's turn: held until it has its limiter slot; dropping it lets the next waiter through.
#[derive(Debug)]
pub struct GatePermit {
    gate: PriorityGate,
    account: String,
}

impl Drop for GatePermit {
    fn drop(&mut self) {
        self.gate.release(&self.account);
    }
}

/// A place in a queue; dropped while waiting it leaves the queue, dropped after a grant it passes the permit on.
struct Waiter<'a> {
    gate: &'a PriorityGate,
    account: &'a str,
    priority: Priority,
    ticket: u64,
    rx: Option<oneshot::Receiver<()>>,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let Some(mut rx) = self.rx.take() else {
            return;
        };
        let still_queued = self.gate.with_account(self.account, |a| {
            let queue = &mut a.queues[self.priority.index()];
            match queue.iter().position(|(t, _)| *t == self.ticket) {
                Some(at) => {
                    queue.remove(at);
                    true
                }
                None => false,
            }
        });
        // Granted between the last poll and the drop: the permit is ours, pass it on.
        if !still_queued && rx.try_recv().is_ok() {
            self.gate.release(self.account);
        }
    }
}
