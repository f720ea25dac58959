//! Money in each language's convention.

use i18n::{Lang, format_money};

/// Checks `(lang, amount, currency, symbol, expected)` rows and reports
/// every row that differs at once.
fn assert_table(rows: &[(Lang, i64, &str, Option<&str>, &str)]) {
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|&(lang, amount, code, symbol, expected)| {
            let actual = format_money(lang, amount, code, symbol);
            (actual != expected).then(|| {
                format!("{lang} {amount} {code} {symbol:?}: expected {expected:?}, got {actual:?}")
            })
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn english_puts_the_symbol_first_and_groups_with_commas() {
    assert_table(&[
        (Lang::En, 12_500, "USD", None, "$12,500"),
        (Lang::En, 12_500, "EUR", Some("€"), "€12,500"),
        (Lang::En, 1_234_567, "BRL", None, "R$1,234,567"),
        (Lang::En, 999, "GBP", None, "£999"),
        (Lang::En, 12_500, "RUB", None, "RUB\u{a0}12,500"),
        (Lang::En, 12_500, "RUB", Some("₽"), "₽12,500"),
        (Lang::En, -1_500, "USD", None, "-$1,500"),
        (Lang::En, 0, "USD", None, "$0"),
    ]);
}

#[test]
fn russian_puts_the_symbol_last_and_groups_with_narrow_spaces() {
    assert_table(&[
        (Lang::Ru, 12_500, "RUB", None, "12\u{202f}500\u{a0}₽"),
        (
            Lang::Ru,
            12_500,
            "rub",
            Some("руб."),
            "12\u{202f}500\u{a0}₽",
        ),
        (Lang::Ru, 1_500, "RUB", None, "1\u{202f}500\u{a0}₽"),
        (
            Lang::Ru,
            1_000_000,
            "USD",
            None,
            "1\u{202f}000\u{202f}000\u{a0}$",
        ),
        (Lang::Ru, 700, "EUR", None, "700\u{a0}€"),
        (Lang::Ru, 12_500, "KZT", Some("₸"), "12\u{202f}500\u{a0}₸"),
        (Lang::Ru, -12_500, "RUB", None, "-12\u{202f}500\u{a0}₽"),
    ]);
}

#[test]
fn portuguese_puts_the_symbol_first_with_a_space_and_groups_with_dots() {
    assert_table(&[
        (Lang::Pt, 12_500, "BRL", None, "R$\u{a0}12.500"),
        (Lang::Pt, 12_500, "USD", Some("$"), "US$\u{a0}12.500"),
        (Lang::Pt, 1_500, "EUR", None, "€\u{a0}1.500"),
        (Lang::Pt, 12_500, "RUB", None, "RUB\u{a0}12.500"),
        (Lang::Pt, -42, "BRL", None, "-R$\u{a0}42"),
    ]);
}

#[test]
fn spanish_puts_the_symbol_last_and_leaves_four_digits_ungrouped() {
    assert_table(&[
        (Lang::Es, 12_500, "EUR", None, "12.500\u{a0}€"),
        (Lang::Es, 1_500, "EUR", None, "1500\u{a0}€"),
        (Lang::Es, 1_234_567, "EUR", None, "1.234.567\u{a0}€"),
        (Lang::Es, 12_500, "USD", None, "12.500\u{a0}US$"),
        (Lang::Es, 12_500, "MXN", Some("$"), "12.500\u{a0}$"),
        (Lang::Es, 12_500, "RUB", None, "12.500\u{a0}RUB"),
    ]);
}

#[test]
fn currency_without_a_symbol_or_a_code_shows_the_bare_amount() {
    assert_table(&[
        (Lang::En, 12_500, "", None, "12,500"),
        (Lang::Ru, 12_500, " ", Some(" "), "12\u{202f}500"),
    ]);
}

#[test]
fn extreme_amounts_are_formatted_without_overflow() {
    assert_table(&[
        (
            Lang::En,
            i64::MIN,
            "USD",
            None,
            "-$9,223,372,036,854,775,808",
        ),
        (
            Lang::Es,
            i64::MAX,
            "EUR",
            None,
            "9.223.372.036.854.775.807\u{a0}€",
        ),
    ]);
}
