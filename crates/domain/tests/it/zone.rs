//! Time zones: names with their daylight saving, offsets, and which zone wins.

use domain::Zone;
use domain::fields::parse_date_in;
use domain::model::AccountView;

fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap_or_else(|| panic!("{name} is a known zone"))
}

fn account(time_zone: Option<&str>) -> AccountView {
    AccountView {
        name: "Hogwarts".into(),
        currency: "RUB".into(),
        currency_symbol: None,
        time_zone: time_zone.map(str::to_owned),
    }
}

#[test]
fn a_named_zone_changes_its_offset_and_abbreviation_on_the_daylight_saving_date() {
    // Arrange: Berlin moves its clocks forward at 01:00 UTC on 2026-03-29.
    let berlin = zone("Europe/Berlin");
    let before = 1_774_745_999; // 2026-03-29 00:59:59 UTC
    let after = 1_774_746_000; // 2026-03-29 01:00:00 UTC

    // Act
    let (winter, summer) = (berlin.at(before), berlin.at(after));

    // Assert
    assert_eq!(winter.offset_minutes(), 60);
    assert_eq!(winter.abbreviation.as_deref(), Some("CET"));
    assert_eq!(summer.offset_minutes(), 120);
    assert_eq!(summer.abbreviation.as_deref(), Some("CEST"));
}

#[test]
fn a_date_typed_on_either_side_of_the_daylight_saving_change_is_read_with_that_days_offset() {
    // Arrange
    let berlin = zone("Europe/Berlin");

    // Act
    let winter = parse_date_in("2026-03-28T12:00", &berlin);
    let summer = parse_date_in("2026-03-30T12:00", &berlin);
    let dotted = parse_date_in("30.03.2026", &berlin);

    // Assert: noon is 11:00 UTC in winter and 10:00 UTC in summer.
    assert_eq!(winter, Some(1_774_695_600));
    assert_eq!(summer, Some(1_774_864_800));
    assert_eq!(dotted, Some(1_774_821_600), "midnight of the 30th in CEST");
}

#[test]
fn a_wall_clock_time_skipped_by_the_spring_change_is_moved_forward_by_the_gap() {
    // 02:30 does not exist in Berlin on 2026-03-29; it is read as 03:30 CEST, 01:30 UTC.
    assert_eq!(
        parse_date_in("2026-03-29T02:30", &zone("Europe/Berlin")),
        Some(1_774_747_800)
    );
}

#[test]
fn an_offset_with_a_date_wins_over_the_zone() {
    assert_eq!(
        parse_date_in("2026-03-30T12:00:00+00:00", &zone("Europe/Berlin")),
        Some(1_774_872_000)
    );
}

#[test]
fn a_zone_without_a_lettered_abbreviation_has_none() {
    // São Paulo has no daylight saving since 2019 and the tz database writes its abbreviation as "-03".
    let at = zone("America/Sao_Paulo").at(1_795_529_100);

    assert_eq!(at.offset_minutes(), -180);
    assert_eq!(at.abbreviation, None);
}

#[test]
fn fixed_offsets_are_read_in_every_common_spelling() {
    for raw in ["+03:00", "+0300", "+3", "UTC+3", "gmt+03:00"] {
        let zone = zone(raw);
        assert_eq!(zone.at(0).offset_minutes(), 180, "{raw}");
        assert_eq!(zone.name(), "+03:00", "{raw}");
    }
    assert_eq!(zone("-05:30").at(0).offset_minutes(), -330);
    assert_eq!(zone("UTC").name(), "UTC");
}

#[test]
fn names_are_matched_without_regard_to_case_and_nonsense_is_refused() {
    assert_eq!(zone("europe/moscow").name(), "Europe/Moscow");
    for raw in [
        "",
        "Mars/Olympus",
        "+25:00",
        "UTC+3:75",
        "12",
        "Europe/Moscow; drop",
    ] {
        assert!(Zone::parse(raw).is_none(), "{raw:?}");
    }
}

#[test]
fn the_accounts_zone_is_used_when_neither_the_request_nor_the_operator_names_one() {
    let zone = Zone::resolve(
        None,
        None,
        account(Some("America/Sao_Paulo")).time_zone.as_deref(),
    );

    assert_eq!(zone.name(), "America/Sao_Paulo");
}

#[test]
fn the_operators_zone_overrides_the_accounts_and_the_requests_overrides_both() {
    let account = account(Some("America/Sao_Paulo"));
    let from_account = account.time_zone.as_deref();

    let operator = Zone::resolve(None, Some("Europe/Madrid"), from_account);
    let request = Zone::resolve(
        Some("Asia/Yekaterinburg"),
        Some("Europe/Madrid"),
        from_account,
    );

    assert_eq!(operator.name(), "Europe/Madrid");
    assert_eq!(request.name(), "Asia/Yekaterinburg");
}

#[test]
fn an_unknown_zone_falls_through_to_the_next_source_and_finally_to_utc() {
    assert_eq!(
        Zone::resolve(Some("Nowhere/Atlantis"), None, Some("Europe/Moscow")).name(),
        "Europe/Moscow"
    );
    assert_eq!(Zone::resolve(None, None, None).name(), "UTC");
}
