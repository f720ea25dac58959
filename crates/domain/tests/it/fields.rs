//! How stored values are shown and how typed values are checked.

use amocrm::{CustomFieldValue, FieldValueItem};
use domain::FieldErrorCode;
use domain::fields::{FieldDef, FieldKind, field_value, show_value};
use domain::model::FieldText;
use serde_json::json;

fn def(kind: FieldKind) -> FieldDef {
    FieldDef {
        id: 1,
        name: "F".into(),
        kind,
        options: vec![(11, "Wand".into())],
        required_in: vec![],
        sort: 0,
        api_only: false,
    }
}

fn stored(value: serde_json::Value) -> CustomFieldValue {
    CustomFieldValue::with_values(1, vec![FieldValueItem::new(value)])
}

#[test]
fn money_fields_are_shown_as_money_and_odd_amounts_as_written() {
    let money = def(FieldKind::Money);
    assert_eq!(
        show_value(&stored(json!("450000")), Some(&money)),
        Some(FieldText::Money(450_000))
    );
    assert_eq!(
        show_value(&stored(json!("450000.00")), Some(&money)),
        Some(FieldText::Money(450_000))
    );
    assert_eq!(
        show_value(&stored(json!(12)), Some(&money)),
        Some(FieldText::Money(12))
    );
    assert_eq!(
        show_value(&stored(json!("12.50")), Some(&money)),
        Some(FieldText::Text("12.50".into()))
    );
}

#[test]
fn dates_flags_and_composite_values_are_shown_by_kind() {
    assert_eq!(
        show_value(&stored(json!(1_735_689_600)), Some(&def(FieldKind::Date))),
        Some(FieldText::Date(1_735_689_600))
    );
    assert_eq!(
        show_value(&stored(json!("2025-01-01")), Some(&def(FieldKind::Date))),
        Some(FieldText::Date(1_735_689_600))
    );
    assert_eq!(
        show_value(&stored(json!(true)), Some(&def(FieldKind::Checkbox))),
        Some(FieldText::Flag(true))
    );
    assert_eq!(
        show_value(
            &stored(json!({"catalog_id": 5, "name": "Scotland"})),
            Some(&def(FieldKind::ReadOnly("chained_list".into())))
        ),
        Some(FieldText::Text("Scotland".into()))
    );
}

#[test]
fn typed_values_are_checked_by_kind() {
    let one = |kind, raw: &str| {
        field_value(&def(kind), &[raw.to_owned()], &domain::Zone::utc())
            .map(|v| v.map(|v| v.values[0].value.clone()))
    };
    assert_eq!(
        one(FieldKind::Numeric, "1 000,5"),
        Ok(Some(json!("1000.5")))
    );
    assert_eq!(one(FieldKind::Numeric, "lots"), Err(FieldErrorCode::Number));
    assert_eq!(one(FieldKind::Checkbox, "on"), Ok(Some(json!(true))));
    assert_eq!(
        one(FieldKind::Checkbox, "maybe"),
        Err(FieldErrorCode::Checkbox)
    );
    assert_eq!(
        one(FieldKind::Url, "javascript:alert(1)"),
        Err(FieldErrorCode::Url)
    );
    assert_eq!(
        one(FieldKind::Url, "https://example.com/x"),
        Ok(Some(json!("https://example.com/x")))
    );
    assert_eq!(
        one(FieldKind::Date, "31.12.2024"),
        Ok(Some(json!(1_735_603_200)))
    );
    assert_eq!(
        one(FieldKind::Date, "2024-02-30"),
        Err(FieldErrorCode::Date)
    );
    assert_eq!(
        one(FieldKind::Text, &"x".repeat(300)),
        Err(FieldErrorCode::TooLong { max: 256 })
    );
    assert_eq!(
        one(FieldKind::ReadOnly("file".into()), "x"),
        Err(FieldErrorCode::UnknownField)
    );
    assert_eq!(one(FieldKind::Text, "   "), Ok(None));
    let select = field_value(
        &def(FieldKind::Select),
        &["wand".to_owned()],
        &domain::Zone::utc(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        select.values[0].enum_id,
        Some(11),
        "an option may be given by its text"
    );
}

#[test]
fn budgets_are_read_as_people_type_them_in_every_language() {
    use domain::amount::parse_budget;
    let cases: &[(&str, Option<i64>)] = &[
        ("1500", Some(1500)),
        ("1500,50", Some(1501)),
        ("1500,49", Some(1500)),
        ("12 500", Some(12_500)),
        ("1 500,50 ₽", Some(1501)),
        ("1\u{a0}500 руб.", Some(1500)),
        ("$1,500.50", Some(1501)),
        ("R$ 1.500,50", Some(1501)),
        ("1.500.000", Some(1_500_000)),
        ("12,500", Some(12_500)),
        ("99.90", Some(100)),
        ("1,5000", None),
        ("12 5", None),
        ("-5", None),
        ("abc", None),
        ("1e5", None),
        ("", None),
    ];
    for (typed, expected) in cases {
        assert_eq!(parse_budget(typed), *expected, "{typed:?}");
    }
}
