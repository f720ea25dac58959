//! A rate limiter shared by every replica through Redis.
//!
//! The same sliding-window log as `amocrm::LocalRateLimiter`, kept in a Redis sorted set per account and
//! changed only by one Lua script, so reservations from all replicas are serialised by Redis itself.
//! Time is Redis's own clock (`TIME`), so replicas with skewed clocks still agree.
//!
//! The 429 back-off streak lives beside the pause it sets (a counter key per account), so every replica
//! takes the same steps ([`BackoffSteps`]) and a success on any replica ends the streak.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use amocrm::{BackoffSteps, Error, PauseReason, RateLimiter};
use async_trait::async_trait;
use redis::aio::MultiplexedConnection;

/// A Redis client for `url` and one multiplexed connection of it.
pub(crate) async fn connect(
    url: &str,
) -> Result<(redis::Client, MultiplexedConnection), crate::Error> {
    let client = redis::Client::open(url).map_err(|e| crate::Error::Redis(e.to_string()))?;
    let connection = client
        .get_multiplexed_async_connection()
        .await
        .map_err(|e| crate::Error::Redis(e.to_string()))?;
    Ok((client, connection))
}

/// Reserves the earliest start that keeps at most `max` starts in any window, returning
/// `{slot_ms, now_ms, reserved}`. KEYS[1] = the account's window; ARGV = window length (ms), max, a unique
/// member, and the longest wait accepted in ms (-1: any); a slot further away is not reserved.
const RESERVE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local per = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - per)
local n = redis.call('ZCARD', KEYS[1])
local slot = now
if n >= max then
  local nth = redis.call('ZRANGE', KEYS[1], n - max, n - max, 'WITHSCORES')
  slot = math.max(now, tonumber(nth[2]) + per)
end
local max_wait = tonumber(ARGV[4])
if max_wait >= 0 and slot - now > max_wait then
  return {slot, now, 0}
end
redis.call('ZADD', KEYS[1], slot, ARGV[3])
redis.call('PEXPIRE', KEYS[1], (slot - now) + per * 2)
return {slot, now, 1}
";

/// Sets a pause unless a longer one is already set. KEYS[1] = the pause key; ARGV = until (ms), reason.
const PAUSE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = tonumber(ARGV[1])
local current = redis.call('GET', KEYS[1])
if current then
  local sep = string.find(current, '|', 1, true)
  if sep and tonumber(string.sub(current, 1, sep - 1)) >= until_ms then return 0 end
end
if until_ms <= now then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', until_ms - now)
return 1
";

/// Records a 429 without `retry_after`: while the account is paused, returns the current pause (the 429
/// answered a request of the same burst); otherwise counts one more step and pauses the account for it.
/// Returns `{pause_ms, until_ms}`. KEYS[1] = the pause key, KEYS[2] = the streak counter; ARGV = first step
/// (ms), cap (ms), how long the streak outlives its pause (ms).
const BACK_OFF: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = redis.call('GET', KEYS[1])
if current then
  local sep = string.find(current, '|', 1, true)
  local until_ms = sep and tonumber(string.sub(current, 1, sep - 1))
  if until_ms and until_ms > now then return {until_ms - now, until_ms} end
end
local step = redis.call('INCR', KEYS[2])
local cap = tonumber(ARGV[2])
local pause = tonumber(ARGV[1])
for _ = 2, step do
  if pause >= cap then break end
  pause = pause * 2
end
if pause > cap then pause = cap end
local until_ms = now + pause
redis.call('SET', KEYS[1], until_ms .. '|too_many_requests', 'PX', pause)
redis.call('PEXPIRE', KEYS[2], pause + tonumber(ARGV[3]))
return {pause, until_ms}
";

/// A [`RateLimiter`] whose state lives in Redis, shared by every process that uses the same Redis and prefix.
#[derive(Clone)]
pub struct RedisRateLimiter {
    connection: MultiplexedConnection,
    prefix: String,
    max: u32,
    per: Duration,
    reserve: redis::Script,
    pause: redis::Script,
    back_off: redis::Script,
    /// Accounts this process has seen with a 429 streak: only for them does a success cost a round trip.
    streaks: Arc<Mutex<HashSet<String>>>,
}

impl std::fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("prefix", &self.prefix)
            .field("max", &self.max)
            .field("per", &self.per)
            .finish_non_exhaustive()
    }
}

fn redis_error(e: &redis::RedisError) -> Error {
    Error::Transport(format!("rate limiter (Redis): {e}"))
}

impl RedisRateLimiter {
    /// Connects to Redis at `url` (`redis://127.0.0.1:6379`); keys start with `prefix`.
    pub async fn connect(
        url: &str,
        prefix: &str,
        max: u32,
        per: Duration,
    ) -> Result<Self, crate::Error> {
        let (_, connection) = connect(url).await?;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
            max: max.max(1),
            per,
            reserve: redis::Script::new(RESERVE),
            pause: redis::Script::new(PAUSE),
            back_off: redis::Script::new(BACK_OFF),
            streaks: Arc::new(Mutex::new(HashSet::new())),
        })
    }

    fn window_key(&self, account: &str) -> String {
        format!("{}:window:{account}", self.prefix)
    }

    fn pause_key(&self, account: &str) -> String {
        format!("{}:pause:{account}", self.prefix)
    }

    fn streak_key(&self, account: &str) -> String {
        format!("{}:streak:{account}", self.prefix)
    }

    fn streaks(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // Plain data, never held across an await: a poisoned lock still holds a usable set.
        self.streaks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reserves the next start for `account` without waiting for it: returns when (unix milliseconds,
    /// Redis's clock) the request may start, and Redis's time now.
    pub async fn reserve(&self, account: &str) -> Result<(i64, i64), Error> {
        let (slot, now, _) = self.reserve_within(account, None).await?;
        Ok((slot, now))
    }

    /// Like [`reserve`](Self::reserve), but reserves nothing when the slot lies more than `max_wait`
    /// away (then `Err(Error::Throttled)`); also returns the reservation's member, to give it back.
    async fn reserve_within(
        &self,
        account: &str,
        max_wait: Option<Duration>,
    ) -> Result<(i64, i64, String), Error> {
        let mut connection = self.connection.clone();
        let per_ms = i64::try_from(self.per.as_millis()).unwrap_or(i64::MAX);
        let max_wait_ms = max_wait.map_or(-1, |w| i64::try_from(w.as_millis()).unwrap_or(i64::MAX));
        let member = uuid::Uuid::new_v4().simple().to_string();
        let (slot, now, reserved): (i64, i64, i64) = self
            .reserve
            .key(self.window_key(account))
            .arg(per_ms)
            .arg(self.max)
            .arg(&member)
            .arg(max_wait_ms)
            .invoke_async(&mut connection)
            .await
            .map_err(|e| redis_error(&e))?;
        if reserved == 0 {
            return Err(Error::Throttled {
                wait: Duration::from_millis(u64::try_from(slot - now).unwrap_or(0)),
            });
        }
        Ok((slot, now, member))
    }
}

/// A slot reserved in Redis and not yet reached; dropped early (the caller stopped waiting), it is removed
/// so later requests can use it.
struct Reservation {
    connection: MultiplexedConnection,
    key: String,
    member: String,
    used: bool,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.used {
            return;
        }
        let (mut connection, key, member) = (
            self.connection.clone(),
            self.key.clone(),
            std::mem::take(&mut self.member),
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _: Result<i64, _> = redis::cmd("ZREM")
                    .arg(key)
                    .arg(member)
                    .query_async(&mut connection)
                    .await;
            });
        }
    }
}

fn unix_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn acquire(&self, account: &str, max_wait: Option<Duration>) -> Result<Duration, Error> {
        let (slot, now, member) = self.reserve_within(account, max_wait).await?;
        let wait = Duration::from_millis(u64::try_from(slot - now).unwrap_or(0));
        let mut reservation = Reservation {
            connection: self.connection.clone(),
            key: self.window_key(account),
            member,
            used: false,
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        reservation.used = true;
        Ok(wait)
    }

    async fn pause(
        &self,
        account: &str,
        until: SystemTime,
        reason: PauseReason,
    ) -> Result<(), Error> {
        let mut connection = self.connection.clone();
        let _: i64 = self
            .pause
            .key(self.pause_key(account))
            .arg(unix_ms(until))
            .arg(reason.as_str())
            .invoke_async(&mut connection)
            .await
            .map_err(|e| redis_error(&e))?;
        Ok(())
    }

    async fn paused(&self, account: &str) -> Result<Option<(SystemTime, PauseReason)>, Error> {
        let mut connection = self.connection.clone();
        // The streak is read in the same round trip, so that this replica knows to end it on its next success.
        let (value, streak): (Option<String>, Option<i64>) = redis::cmd("MGET")
            .arg(self.pause_key(account))
            .arg(self.streak_key(account))
            .query_async(&mut connection)
            .await
            .map_err(|e| redis_error(&e))?;
        if streak.is_some_and(|n| n > 0) {
            self.streaks().insert(account.to_owned());
        }
        let Some((until, reason)) = value.as_deref().and_then(|v| v.split_once('|')) else {
            return Ok(None);
        };
        let until_ms: u64 = until.parse().unwrap_or(0);
        let until = UNIX_EPOCH + Duration::from_millis(until_ms);
        if until <= SystemTime::now() {
            return Ok(None);
        }
        Ok(Some((until, reason.parse()?)))
    }

    async fn back_off(&self, account: &str, steps: BackoffSteps) -> Result<Duration, Error> {
        let mut connection = self.connection.clone();
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let (pause_ms, _until_ms): (i64, i64) = self
            .back_off
            .key(self.pause_key(account))
            .key(self.streak_key(account))
            .arg(ms(steps.first).max(1))
            .arg(ms(steps.cap).max(1))
            .arg(ms(BackoffSteps::MEMORY))
            .invoke_async(&mut connection)
            .await
            .map_err(|e| redis_error(&e))?;
        self.streaks().insert(account.to_owned());
        Ok(Duration::from_millis(u64::try_from(pause_ms).unwrap_or(0)))
    }

    async fn succeeded(&self, account: &str) -> Result<(), Error> {
        if !self.streaks().remove(account) {
            return Ok(());
        }
        let mut connection = self.connection.clone();
        let _: i64 = redis::cmd("DEL")
            .arg(self.streak_key(account))
            .query_async(&mut connection)
            .await
            .map_err(|e| redis_error(&e))?;
        Ok(())
    }
}
