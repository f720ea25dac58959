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

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use tokio::time::Instant;

use crate::Error;

struct Slot<V> {
    /// The value, until when it is fresh, its unix fetch time, and the epoch it was loaded in.
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
        if let Some((value, fresh_until, fetched_at, loaded_in)) = &slot.value
            && Instant::now() < *fresh_until
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
                slot.value = Some((value.clone(), Instant::now() + self.ttl, fetched_at, epoch));
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

    /// What is cached for `key` right now, without waiting: `None` while a load of it is in flight (its slot is
    /// locked) as well as when nothing is cached. For callers that must answer at once.
    pub fn peek_now(&self, key: &K) -> Option<Cached<V>> {
        let entry = self.entry(key);
        let epoch = entry.epoch.load(Ordering::Acquire);
        let slot = entry.slot.try_lock().ok()?;
        Self::cached(&slot, epoch)
    }

    /// The value last stored for `key`, fresh or not, without loading.
    pub async fn peek(&self, key: &K) -> Option<Cached<V>> {
        let entry = self.entry(key);
        let epoch = entry.epoch.load(Ordering::Acquire);
        let slot = entry.slot.lock().await;
        Self::cached(&slot, epoch)
    }

    /// What `slot` holds, as a read sees it: stale past its time or when it was loaded before `epoch`.
    fn cached(slot: &Slot<V>, epoch: u64) -> Option<Cached<V>> {
        slot.value
            .as_ref()
            .map(|(value, fresh_until, fetched_at, loaded_in)| Cached {
                value: value.clone(),
                fetched_at: *fetched_at,
                stale: Instant::now() >= *fresh_until || *loaded_in != epoch,
            })
    }

    /// Stores a value for `key` as freshly fetched.
    pub async fn put(&self, key: &K, value: V) {
        let entry = self.entry(key);
        let mut slot = entry.slot.lock().await;
        let epoch = entry.epoch.load(Ordering::Acquire);
        slot.value = Some((
            Arc::new(value),
            Instant::now() + self.ttl,
            crate::now(),
            epoch,
        ));
    }

    /// The key's current epoch: pass it to [`put_loaded`](Self::put_loaded) for a load starting now.
    pub fn epoch(&self, key: &K) -> u64 {
        self.entry(key).epoch.load(Ordering::Acquire)
    }

    /// Stores a value loaded since `epoch` as fresh for `ttl` — unless the key was invalidated meanwhile (the
    /// value is then kept only as last known data, already stale).
    pub async fn put_loaded(&self, key: &K, value: Arc<V>, ttl: Duration, epoch: u64) {
        let entry = self.entry(key);
        let mut slot = entry.slot.lock().await;
        slot.value = Some((value, Instant::now() + ttl, crate::now(), epoch));
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

/// What shared work gives every waiter.
pub(crate) type SharedWork<V> = Shared<BoxFuture<'static, Result<Arc<V>, Error>>>;

/// Each key's work, with the number that tells one start from the next.
type WorkMap<K, V> = HashMap<K, (u64, SharedWork<V>)>;

/// Work in flight, by key: the first caller spawns it, later callers with the same key join it. Spawned, the work
/// runs to its end even when every waiter has gone (their requests keep their places and fill the caches);
/// finished, it leaves the map.
pub(crate) struct InFlight<K, V> {
    work: Arc<Mutex<WorkMap<K, V>>>,
    next: AtomicU64,
}

impl<K, V> Default for InFlight<K, V> {
    fn default() -> Self {
        Self {
            work: Arc::default(),
            next: AtomicU64::new(0),
        }
    }
}

impl<K, V> InFlight<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Send + Sync + 'static,
{
    /// The work in flight for `key`, or `start`ed (and spawned) when there is none.
    pub(crate) fn join_or_spawn<Fut>(&self, key: &K, start: impl FnOnce() -> Fut) -> SharedWork<V>
    where
        Fut: Future<Output = Result<Arc<V>, Error>> + Send + 'static,
    {
        let mut work = self.work.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, shared)) = work.get(key) {
            return shared.clone();
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let fut = start();
        let map = self.work.clone();
        let owned_key = key.clone();
        let handle = tokio::spawn(async move {
            let result = fut.await;
            let mut work = map.lock().unwrap_or_else(PoisonError::into_inner);
            if work.get(&owned_key).is_some_and(|(at, _)| *at == id) {
                work.remove(&owned_key);
            }
            result
        });
        let shared = async move {
            handle
                .await
                .unwrap_or_else(|e| Err(Error::Internal(format!("background work failed: {e}"))))
        }
        .boxed()
        .shared();
        work.insert(key.clone(), (id, shared.clone()));
        shared
    }

    /// Whether work for `key` is in flight.
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.work
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(key)
    }

    /// How many keys matching `pred` have work in flight.
    pub(crate) fn count(&self, pred: impl Fn(&K) -> bool) -> usize {
        self.work
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .filter(|k| pred(k))
            .count()
    }
}
