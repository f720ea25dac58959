//! A small async cache whose concurrent misses for one key make one upstream call.
//!
//! Each key has its own async mutex: the first caller to find the value missing or expired loads it while
//! holding the mutex; everyone who arrives meanwhile waits on the same mutex and then finds the fresh value.
//! The last value is kept after it expires, so a caller can fall back to it when the upstream is down.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

struct Slot<V> {
    /// The value, when it was loaded, its unix fetch time, and the epoch it was loaded in.
    value: Option<(Arc<V>, Instant, i64, u64)>,
}

/// One key's entry: the value behind an async mutex (held while loading, which is what coalesces misses),
/// and an epoch that `invalidate` bumps without waiting for that mutex.
struct Entry<V> {
    slot: tokio::sync::Mutex<Slot<V>>,
    epoch: AtomicU64,
}

/// A cached value with the unix time it was fetched.
#[derive(Debug)]
pub struct Cached<V> {
    /// The value.
    pub value: Arc<V>,
    /// When it was fetched, unix seconds.
    pub fetched_at: i64,
    /// Whether it is past its time to live (served only because a fresh load failed).
    pub stale: bool,
}

impl<V> Clone for Cached<V> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            fetched_at: self.fetched_at,
            stale: self.stale,
        }
    }
}

/// The cache. Clones share entries.
pub struct CoalescingCache<K, V> {
    ttl: Duration,
    slots: Arc<Mutex<HashMap<K, Arc<Entry<V>>>>>,
    capacity: usize,
}

impl<K, V> Clone for CoalescingCache<K, V> {
    fn clone(&self) -> Self {
        Self {
            ttl: self.ttl,
            slots: self.slots.clone(),
            capacity: self.capacity,
        }
    }
}

impl<K: Eq + Hash + Clone, V> CoalescingCache<K, V> {
    /// A cache whose values live `ttl`, holding at most `capacity` keys (the oldest are dropped beyond it).
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            slots: Arc::default(),
            capacity: capacity.max(1),
        }
    }

    fn entry(&self, key: &K) -> Arc<Entry<V>> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if !slots.contains_key(key) && slots.len() >= self.capacity {
            // Drop idle entries (nobody holds them) to stay within capacity.
            slots.retain(|_, slot| Arc::strong_count(slot) > 1);
        }
        slots
            .entry(key.clone())
            .or_insert_with(|| {
                Arc::new(Entry {
                    slot: tokio::sync::Mutex::new(Slot { value: None }),
                    epoch: AtomicU64::new(0),
                })
            })
            .clone()
    }

    /// The fresh value for `key`, loading it with `load` when missing or expired. Concurrent callers share
    /// one load. When the load fails and an expired value exists, `fallback` decides whether to serve it.
    pub async fn get_or_load<E, F, Fut>(
        &self,
        key: &K,
        load: F,
        fallback: impl FnOnce(&E) -> bool,
    ) -> Result<Cached<V>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let entry = self.entry(key);
        let mut slot = entry.slot.lock().await;
        let epoch = entry.epoch.load(Ordering::Acquire);
        if let Some((value, at, fetched_at, loaded_in)) = &slot.value
            && at.elapsed() < self.ttl
            && *loaded_in == epoch
        {
            return Ok(Cached {
                value: value.clone(),
                fetched_at: *fetched_at,
                stale: false,
            });
        }
        match load().await {
            Ok(value) => {
                let value = Arc::new(value);
                let fetched_at = crate::now();
                slot.value = Some((value.clone(), Instant::now(), fetched_at, epoch));
                Ok(Cached {
                    value,
                    fetched_at,
                    stale: false,
                })
            }
            Err(e) => match &slot.value {
                Some((value, _, fetched_at, _)) if fallback(&e) => Ok(Cached {
                    value: value.clone(),
                    fetched_at: *fetched_at,
                    stale: true,
                }),
                _ => Err(e),
            },
        }
    }

    /// The value last stored for `key`, fresh or not, without loading.
    pub async fn peek(&self, key: &K) -> Option<Cached<V>> {
        let entry = self.entry(key);
        let epoch = entry.epoch.load(Ordering::Acquire);
        let slot = entry.slot.lock().await;
        slot.value
            .as_ref()
            .map(|(value, at, fetched_at, loaded_in)| Cached {
                value: value.clone(),
                fetched_at: *fetched_at,
                stale: at.elapsed() >= self.ttl || *loaded_in != epoch,
            })
    }

    /// Stores a value for `key` as freshly fetched.
    pub async fn put(&self, key: &K, value: V) {
        let entry = self.entry(key);
        let mut slot = entry.slot.lock().await;
        let epoch = entry.epoch.load(Ordering::Acquire);
        slot.value = Some((Arc::new(value), Instant::now(), crate::now(), epoch));
    }

    /// Expires every key matching `pred` (values are kept for fallback), so the next read loads afresh —
    /// including a load already in flight, which began before the change this invalidation reports.
    pub fn invalidate(&self, pred: impl Fn(&K) -> bool) {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        for (key, entry) in slots.iter() {
            if pred(key) {
                entry.epoch.fetch_add(1, Ordering::AcqRel);
            }
        }
    }

    /// Expires every key whose key and stored value match `pred`. A key whose value is being loaded right now
    /// (its slot is busy) is asked with `None`: its load may have begun before the change this reports.
    pub fn invalidate_values(&self, pred: impl Fn(&K, Option<&V>) -> bool) {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        for (key, entry) in slots.iter() {
            let hit = match entry.slot.try_lock() {
                Ok(slot) => slot
                    .value
                    .as_ref()
                    .is_some_and(|(v, ..)| pred(key, Some(v))),
                Err(_) => pred(key, None),
            };
            if hit {
                entry.epoch.fetch_add(1, Ordering::AcqRel);
            }
        }
    }
}
