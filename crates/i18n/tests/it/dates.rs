//! Dates and times in each language's convention.

use i18n::{Lang, format_date, format_datetime, format_day_month, format_time};

/// 2026-11-24 14:05:00 UTC.
const NOV_24_2026_1405: i64 = 1_795_529_100;
/// 2026-12-31 23:30:00 UTC.
const DEC_31_2026_2330: i64 = 1_798_759_800;
/// 2026-01-01 00:30:00 UTC.
const JAN_1_2026_0030: i64 = 1_767_227_400;
/// 2026-05-03 09:07:00 UTC.
const MAY_3_2026_0907: i64 = 1_777_799_220;

#[test]
fn dates_follow_each_language() {
    // Arrange
    let rows = [
        (Lang::En, NOV_24_2026_1405, "Nov 24, 2026"),
        (Lang::Es, NOV_24_2026_1405, "24 nov 2026"),
        (Lang::Pt, NOV_24_2026_1405, "24 de nov. de 2026"),
        (Lang::Ru, NOV_24_2026_1405, "24 нояб. 2026\u{a0}г."),
        (Lang::En, MAY_3_2026_0907, "May 3, 2026"),
        (Lang::Es, MAY_3_2026_0907, "3 may 2026"),
        (Lang::Pt, MAY_3_2026_0907, "3 de mai. de 2026"),
        (Lang::Ru, MAY_3_2026_0907, "3 мая 2026\u{a0}г."),
    ];

    // Act
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|&(lang, unix, expected)| {
            let actual = format_date(lang, unix, 0);
            (actual != expected)
                .then(|| format!("{lang} {unix}: expected {expected:?}, got {actual:?}"))
        })
        .collect();

    // Assert
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn times_are_24_hour_with_leading_zeros_in_every_language() {
    for lang in Lang::ALL {
        assert_eq!(format_time(lang, NOV_24_2026_1405, 0), "14:05");
        assert_eq!(format_time(lang, MAY_3_2026_0907, 0), "09:07");
    }
}

#[test]
fn datetimes_join_date_and_time() {
    // Act
    let texts: Vec<String> = Lang::ALL
        .into_iter()
        .map(|lang| format_datetime(lang, NOV_24_2026_1405, 180))
        .collect();

    // Assert
    assert_eq!(
        texts,
        [
            "Nov 24, 2026, 17:05",
            "24 nov 2026, 17:05",
            "24 de nov. de 2026, 17:05",
            "24 нояб. 2026\u{a0}г., 17:05",
        ]
    );
}

#[test]
fn positive_offset_moves_a_late_evening_into_the_next_year() {
    // Act
    let date = format_date(Lang::Ru, DEC_31_2026_2330, 180);
    let time = format_time(Lang::Ru, DEC_31_2026_2330, 180);

    // Assert
    assert_eq!(
        (date.as_str(), time.as_str()),
        ("1 янв. 2027\u{a0}г.", "02:30")
    );
}

#[test]
fn negative_offset_moves_an_early_morning_into_the_previous_day() {
    // Act
    let datetime = format_datetime(Lang::Pt, JAN_1_2026_0030, -180);

    // Assert
    assert_eq!(datetime, "31 de dez. de 2025, 21:30");
}

#[test]
fn half_hour_offsets_are_honoured() {
    // Act
    let time = format_time(Lang::En, NOV_24_2026_1405, 330);

    // Assert
    assert_eq!(time, "19:35");
}

#[test]
fn out_of_range_instants_and_offsets_are_clamped_instead_of_panicking() {
    // Act
    let latest = format_datetime(Lang::En, i64::MAX, i32::MAX);
    let earliest = format_datetime(Lang::En, i64::MIN, i32::MIN);

    // Assert
    assert_eq!(latest, "Dec 31, 9999, 23:59");
    assert_eq!(earliest, "Jan 1, -9999, 00:00");
}

#[test]
fn a_day_of_this_year_is_written_without_the_year_in_each_language() {
    // Arrange
    let rows = [
        (Lang::En, "Nov 24"),
        (Lang::Es, "24 nov"),
        (Lang::Pt, "24 de nov."),
        (Lang::Ru, "24 нояб."),
    ];

    // Act
    let shown: Vec<(Lang, String)> = rows
        .iter()
        .map(|&(lang, _)| (lang, format_day_month(lang, NOV_24_2026_1405, 0)))
        .collect();

    // Assert
    for ((lang, actual), (_, expected)) in shown.iter().zip(rows) {
        assert_eq!(actual, expected, "{lang}");
    }
    assert_eq!(format_day_month(Lang::En, DEC_31_2026_2330, 60), "Jan 1");
}
