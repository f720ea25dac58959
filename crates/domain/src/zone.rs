//! Time zones: the one the agents see times in, and the one typed dates are read in.
//!
//! A zone is an IANA name (`Europe/Moscow`, `America/Sao_Paulo`) with its daylight-saving rules from the tz
//! database bundled into the binary (so a machine without `/usr/share/zoneinfo` works the same), or a fixed
//! offset (`+03:00`, `UTC-5`). Which zone applies is decided once, by [`Zone::resolve`]: the block request's
//! `timezone`, else the operator's `time_zone`, else the amoCRM account's own zone, else UTC.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

/// A time zone with its rules, and the name it was given by.
#[derive(Debug, Clone)]
pub struct Zone {
    tz: TimeZone,
    name: String,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Zone {}

/// The offset and the abbreviation a zone has at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneAt {
    /// Seconds east of UTC.
    pub offset_seconds: i32,
    /// The zone's abbreviation at that moment (`MSK`, `CET`, `CEST`), when the tz database has a
    /// lettered one; `None` where it only has a number (`-03`) or the zone is a fixed offset.
    pub abbreviation: Option<String>,
}

impl ZoneAt {
    /// The offset in minutes east of UTC.
    pub fn offset_minutes(&self) -> i32 {
        self.offset_seconds / 60
    }
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone {
            tz: TimeZone::UTC,
            name: "UTC".to_owned(),
        }
    }

    /// A zone from an IANA name (any case: `europe/moscow` works) or a fixed offset (`+03:00`, `-0530`, `+3`,
    /// `UTC+3`, `GMT-05:00`); `None` for anything else.
    pub fn parse(raw: &str) -> Option<Zone> {
        let raw = raw.trim();
        if raw.is_empty() || raw.len() > 64 {
            return None;
        }
        if let Some(seconds) = parse_offset(raw) {
            let offset = Offset::from_seconds(seconds).ok()?;
            return Some(Zone {
                tz: TimeZone::fixed(offset),
                name: offset_name(seconds),
            });
        }
        let tz = jiff::tz::db().get(raw).ok()?;
        let name = tz.iana_name().unwrap_or(raw).to_owned();
        Some(Zone { tz, name })
    }

    /// The zone that applies: the first of `requested` (the block request), `configured` (the operator) and
    /// `account` (what amoCRM reports) that names a known zone, else UTC.
    pub fn resolve(
        requested: Option<&str>,
        configured: Option<&str>,
        account: Option<&str>,
    ) -> Zone {
        [requested, configured, account]
            .into_iter()
            .flatten()
            .find_map(Zone::parse)
            .unwrap_or_else(Zone::utc)
    }

    /// One shared copy of this zone, for views that are copied freely. Zones only come from [`Zone::parse`], so
    /// there are at most as many as the tz database has names plus the whole-minute offsets: the set stays small.
    pub fn shared(&self) -> &'static Zone {
        static SHARED: std::sync::OnceLock<
            std::sync::Mutex<std::collections::HashMap<String, &'static Zone>>,
        > = std::sync::OnceLock::new();
        let mut shared = SHARED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        shared
            .entry(self.name.clone())
            .or_insert_with(|| Box::leak(Box::new(self.clone())))
    }

    /// The name it goes by: the IANA name, or the offset as `+03:00`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The offset and abbreviation at `unix` (seconds since 1970 UTC); moments outside the range the tz
    /// database covers take the nearest end's.
    pub fn at(&self, unix: i64) -> ZoneAt {
        let ts = Timestamp::from_second(unix.clamp(
            Timestamp::MIN.as_second() + 86_400,
            Timestamp::MAX.as_second() - 86_400,
        ))
        .unwrap_or(Timestamp::UNIX_EPOCH);
        let info = self.tz.to_offset_info(ts);
        let abbreviation = info.abbreviation();
        ZoneAt {
            offset_seconds: info.offset().seconds(),
            abbreviation: (abbreviation.chars().any(|c| c.is_ascii_alphabetic())
                && !abbreviation.starts_with(['+', '-']))
            .then(|| abbreviation.to_owned()),
        }
    }

    /// `unix` as this zone's wall clock, `YYYY-MM-DD hh:mm` (for text written to amoCRM, which shows it as is).
    pub fn wall_clock(&self, unix: i64) -> String {
        let at = Timestamp::from_second(unix).unwrap_or(Timestamp::UNIX_EPOCH);
        self.tz
            .to_datetime(at)
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The moment a `YYYY-MM-DD hh:mm:ss` reading (Usedesk's form) in this zone stands for; `None` when the
    /// text is not one.
    pub fn read_wall_clock(&self, text: &str) -> Option<i64> {
        let dt = DateTime::strptime("%Y-%m-%d %H:%M:%S", text.trim()).ok()?;
        self.local_to_unix(
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
        )
    }

    /// The moment a wall-clock reading in this zone stands for. A reading that happens twice (clocks turned
    /// back) is the earlier one; a reading that never happens (clocks turned forward) is moved forward by the gap,
    /// as people mean it.
    pub fn local_to_unix(
        &self,
        year: i16,
        month: i8,
        day: i8,
        hour: i8,
        minute: i8,
        second: i8,
    ) -> Option<i64> {
        let dt = DateTime::new(year, month, day, hour, minute, second, 0).ok()?;
        let ts = self.tz.to_ambiguous_timestamp(dt).compatible().ok()?;
        Some(ts.as_second())
    }
}

/// `+03:00`, `-0530`, `+3`, `UTC+3`, `GMT-05:00`, `Z`, `UTC` → seconds east of UTC.
fn parse_offset(raw: &str) -> Option<i32> {
    let upper = raw.to_ascii_uppercase();
    if matches!(upper.as_str(), "Z" | "UTC" | "GMT") {
        return Some(0);
    }
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    if hours.is_empty()
        || hours.len() > 2
        || minutes.len() > 2
        || !hours
            .bytes()
            .chain(minutes.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    if hours > 14 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

/// `+03:00`-style name of a fixed offset.
fn offset_name(seconds: i32) -> String {
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}
