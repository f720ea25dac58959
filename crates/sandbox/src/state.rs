//! The state shared by every connection of one sandbox.

use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::model::Crm;
use crate::oauth::TokenStore;
use crate::seed;
use crate::stats::{StatsRecorder, WindowLimiter};
use crate::usedesk::model::Usedesk;

/// Everything one sandbox knows. Each part has its own lock, and no code path holds two at once,
/// so there is no lock order to get wrong; no lock is ever held across an `.await`.
pub(crate) struct Shared {
    pub config: SandboxConfig,
    pub amocrm_addr: SocketAddr,
    pub crm: Mutex<Crm>,
    pub usedesk: Mutex<Usedesk>,
    pub tokens: Mutex<TokenStore>,
    pub faults: Mutex<Faults>,
    pub latency: Mutex<Duration>,
    pub stats: Mutex<StatsRecorder>,
    pub limiter: Mutex<WindowLimiter>,
}

impl Shared {
    /// A fresh account, seeded as the config says.
    pub(crate) fn new(config: SandboxConfig, amocrm_addr: SocketAddr) -> Self {
        let mut crm = Crm::default();
        seed::load_metadata(&mut crm);
        seed::load_work_metadata(&mut crm);
        if config.seed {
            seed::load_crm(&mut crm);
            seed::load_work(&mut crm);
        }
        let usedesk = seed::load_usedesk(config.seed);
        let latency = config.latency;
        Self {
            config,
            amocrm_addr,
            crm: Mutex::new(crm),
            usedesk: Mutex::new(usedesk),
            tokens: Mutex::new(TokenStore::default()),
            faults: Mutex::new(Faults::default()),
            latency: Mutex::new(latency),
            stats: Mutex::new(StatsRecorder::default()),
            limiter: Mutex::new(WindowLimiter::default()),
        }
    }
}

/// Locks a mutex. A panic while holding one of these locks cannot leave the data half-written in a
/// way that matters for a test double, so a poisoned lock is simply taken over.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The operations behind both the Rust API of [`Sandbox`](crate::Sandbox) and the `/__sandbox`
/// HTTP controls, so the two can never disagree.
impl Shared {
    pub(crate) fn stats(&self) -> crate::Stats {
        lock(&self.stats).snapshot()
    }

    pub(crate) fn reset_stats(&self) {
        lock(&self.stats).reset();
    }

    pub(crate) fn faults(&self) -> Faults {
        lock(&self.faults).clone()
    }

    pub(crate) fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = faults;
    }

    pub(crate) fn latency(&self) -> Duration {
        *lock(&self.latency)
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        *lock(&self.latency) = latency;
    }

    pub(crate) fn issue_long_lived_token(&self) -> String {
        lock(&self.tokens).issue_long_lived()
    }

    pub(crate) fn revoke_all_tokens(&self) {
        lock(&self.tokens).revoke_all();
    }

    pub(crate) fn expire_access_tokens(&self) {
        lock(&self.tokens).expire_access();
    }

    pub(crate) fn usedesk_comments(&self) -> Vec<crate::UsedeskComment> {
        lock(&self.usedesk).comments.clone()
    }
}
