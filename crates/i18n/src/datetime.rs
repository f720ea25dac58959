//! Dates and times as each language writes them.

use time::{OffsetDateTime, PrimitiveDateTime};

use crate::Lang;

/// No-break space: keeps the Russian "г." (year) next to its number.
const NBSP: char = '\u{a0}';

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
];
const MONTHS_PT: [&str; 12] = [
    "jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez.",
];
/// Russian abbreviations in the genitive case, as a date needs them.
const MONTHS_RU: [&str; 12] = [
    "янв.",
    "февр.",
    "мар.",
    "апр.",
    "мая",
    "июн.",
    "июл.",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
];

/// The calendar date of `unix` (seconds since 1970 UTC) in a zone
/// `utc_offset_minutes` east of UTC, with the month abbreviated:
/// en `Nov 24, 2026`, es `24 nov 2026`, pt `24 de nov. de 2026`,
/// ru `24 нояб. 2026 г.`.
///
/// Instants beyond the years -9999..=9999 are shown as the nearest of
/// those ends instead of failing.
pub fn format_date(lang: Lang, unix: i64, utc_offset_minutes: i32) -> String {
    let local = local_time(unix, utc_offset_minutes);
    let day = local.day();
    let year = local.year();
    let month = usize::from(u8::from(local.month()) - 1);
    match lang {
        Lang::En => format!("{} {day}, {year}", MONTHS_EN[month]),
        Lang::Es => format!("{day} {} {year}", MONTHS_ES[month]),
        Lang::Pt => format!("{day} de {} de {year}", MONTHS_PT[month]),
        Lang::Ru => format!("{day} {} {year}{NBSP}г.", MONTHS_RU[month]),
    }
}

/// The day and month of `unix` in a zone `utc_offset_minutes` east of UTC, without the year (for dates of this
/// year): en `Dec 3`, es `3 dic`, pt `3 de dez.`, ru `3 дек.`.
pub fn format_day_month(lang: Lang, unix: i64, utc_offset_minutes: i32) -> String {
    let local = local_time(unix, utc_offset_minutes);
    let day = local.day();
    let month = usize::from(u8::from(local.month()) - 1);
    match lang {
        Lang::En => format!("{} {day}", MONTHS_EN[month]),
        Lang::Es => format!("{day} {}", MONTHS_ES[month]),
        Lang::Pt => format!("{day} de {}", MONTHS_PT[month]),
        Lang::Ru => format!("{day} {}", MONTHS_RU[month]),
    }
}

/// The wall-clock time of `unix` in a zone `utc_offset_minutes` east of
/// UTC, as 24-hour `HH:MM` in every language.
pub fn format_time(_lang: Lang, unix: i64, utc_offset_minutes: i32) -> String {
    let local = local_time(unix, utc_offset_minutes);
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// [`format_date`] and [`format_time`] together: en `Nov 24, 2026, 14:05`,
/// ru `24 нояб. 2026 г., 14:05`.
pub fn format_datetime(lang: Lang, unix: i64, utc_offset_minutes: i32) -> String {
    format!(
        "{}, {}",
        format_date(lang, unix, utc_offset_minutes),
        format_time(lang, unix, utc_offset_minutes)
    )
}

/// The local wall-clock reading, expressed as a UTC date-time.
///
/// Shifting the timestamp instead of building a `UtcOffset` accepts any
/// offset the caller passes, and clamping keeps every input inside the
/// range `time` can represent, so formatting never panics.
fn local_time(unix: i64, utc_offset_minutes: i32) -> OffsetDateTime {
    let earliest = PrimitiveDateTime::MIN.assume_utc();
    let latest = PrimitiveDateTime::MAX.assume_utc();
    let shifted = unix.saturating_add(i64::from(utc_offset_minutes) * 60);
    let clamped = shifted.clamp(earliest.unix_timestamp(), latest.unix_timestamp());
    OffsetDateTime::from_unix_timestamp(clamped).unwrap_or(earliest)
}
