//! Phone and e-mail normalisation (what decides whether a contact matches).

use domain::identity::{Identifier, identifiers, normalize_email, normalize_phone, searched};

#[test]
fn phones_in_every_common_format_normalise_to_e164() {
    let table: &[(&str, Option<&str>)] = &[
        ("+7 (916) 123-45-67", Some("+79161234567")),
        ("8 916 123 45 67", Some("+79161234567")),
        ("8(916)123-45-67", Some("+79161234567")),
        ("89161234567", Some("+79161234567")),
        ("79161234567", Some("+79161234567")),
        ("+79161234567", Some("+79161234567")),
        ("9161234567", Some("+79161234567")),
        ("916.123.45.67", Some("+79161234567")),
        ("007 916 123 45 67", Some("+79161234567")),
        ("+7-916-123-45-67", Some("+79161234567")),
        ("+7 916 123-45-67 доб. 123", Some("+79161234567")),
        ("+7 916 123 45 67 ext. 5", Some("+79161234567")),
        ("+7 (916) 123-45-67#12", Some("+79161234567")),
        (
            "  +7\u{a0}916\u{a0}123\u{a0}45\u{a0}67  ",
            Some("+79161234567"),
        ),
        ("(+7) 916 123 45 67", Some("+79161234567")),
        ("+44 20 7946 0958", Some("+442079460958")),
        ("0044 20 7946 0958", Some("+442079460958")),
        ("+1-202-555-0143 ext 12", Some("+12025550143")),
        ("+1 (202) 555-0143", Some("+12025550143")),
        ("+1.202.555.0143", Some("+12025550143")),
        ("+55 11 91234-5678", Some("+5511912345678")),
        ("+34 612 34 56 78", Some("+34612345678")),
        ("+380 (44) 123-45-67", Some("+380441234567")),
        ("+7 916 123 45 67;ext=9", Some("+79161234567")),
        ("+7/916/1234567", Some("+79161234567")),
        ("", None),
        ("   ", None),
        ("not a phone", None),
        ("12345", None),
        ("+1234567890123456", None),
        ("call me maybe 916", None),
    ];
    for (raw, expected) in table {
        assert_eq!(
            normalize_phone(raw, Some("7")).as_deref(),
            *expected,
            "input {raw:?}"
        );
    }
}

#[test]
fn a_bare_national_number_needs_a_default_country() {
    assert_eq!(normalize_phone("9161234567", None), None);
    assert_eq!(
        normalize_phone("2025550143", Some("1")).as_deref(),
        Some("+12025550143")
    );
}

#[test]
fn emails_are_trimmed_and_case_folded() {
    assert_eq!(
        normalize_email("  Harry.Potter@Hogwarts.EXAMPLE ").as_deref(),
        Some("harry.potter@hogwarts.example")
    );
    assert_eq!(
        normalize_email("mailto:<a@b.co>").as_deref(),
        Some("a@b.co")
    );
    assert_eq!(normalize_email("no-at-sign"), None);
    assert_eq!(normalize_email("a@nodot"), None);
    assert_eq!(normalize_email("two words@x.io"), None);
}

#[test]
fn identifiers_are_distinct_and_searched_by_their_loose_form() {
    let ids = identifiers(
        ["8 916 123 45 67", "+7 (916) 123-45-67"],
        ["A@B.io", "a@b.io"],
        Some("7"),
    );
    assert_eq!(
        ids,
        vec![
            Identifier::Phone("+79161234567".into()),
            Identifier::Email("a@b.io".into())
        ]
    );
    assert_eq!(ids[0].search_query(), "9161234567");
    assert_eq!(ids[1].search_query(), "a@b.io");
}

#[test]
fn a_block_searches_at_most_five_phones_and_five_emails_and_counts_the_rest() {
    let phones: Vec<String> = (0..40)
        .map(|i| format!("+7 916 555 {:04}", 1000 + i))
        .collect();
    let emails: Vec<String> = (0..3).map(|i| format!("c{i}@example.com")).collect();
    let ids = identifiers(
        phones.iter().map(String::as_str),
        emails.iter().map(String::as_str),
        None,
    );

    let (kept, left_out) = searched(ids);

    let phones_kept = kept
        .iter()
        .filter(|i| matches!(i, Identifier::Phone(_)))
        .count();
    let emails_kept = kept
        .iter()
        .filter(|i| matches!(i, Identifier::Email(_)))
        .count();
    assert_eq!((phones_kept, emails_kept, left_out), (5, 3, 35));
}
