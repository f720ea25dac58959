//! Amounts of money as each language writes them.

use crate::Lang;

/// No-break space: keeps an amount and its currency on one line.
const NBSP: char = '\u{a0}';
/// Narrow no-break space: Russian groups thousands with it.
const NNBSP: char = '\u{202f}';

/// Formats a whole amount of money the way `lang` writes it.
///
/// amoCRM keeps prices as integers, so there are no decimals:
///
/// | lang | `12500 RUB`        | `12500 USD`  | `1500 EUR` |
/// |------|--------------------|--------------|------------|
/// | en   | `RUB 12,500`       | `$12,500`    | `€1,500`   |
/// | es   | `12.500 RUB`       | `12.500 US$` | `1500 €`   |
/// | pt   | `RUB 12.500`       | `US$ 12.500` | `€ 1.500`  |
/// | ru   | `12 500 ₽`         | `12 500 $`   | `1 500 €`  |
///
/// The space between amount and currency is a no-break space (U+00A0); the
/// Russian thousands separator is a narrow no-break space (U+202F); Spanish
/// leaves four-digit amounts ungrouped, as Spanish typography does.
///
/// The currency is shown with the symbol the language itself uses for
/// `currency_code` (for example `US$` in Portuguese, to tell it from `R$`).
/// Where the language has no symbol of its own for that currency, `symbol` —
/// the account's currency symbol from amoCRM — is used, and failing that the
/// upper-cased ISO code.
pub fn format_money(lang: Lang, amount: i64, currency_code: &str, symbol: Option<&str>) -> String {
    let code = currency_code.trim().to_ascii_uppercase();
    let sign = if amount < 0 { "-" } else { "" };
    let digits = group_digits(amount.unsigned_abs(), lang);
    let currency = local_symbol(lang, &code)
        .or_else(|| symbol.map(str::trim).filter(|s| !s.is_empty()))
        .unwrap_or(&code);
    if currency.is_empty() {
        return format!("{sign}{digits}");
    }
    match lang {
        Lang::En => {
            // English writes "$12,500" but "RUB 12,500": a symbol made of
            // letters needs a space to stay readable.
            let ends_in_letter = currency.chars().last().is_some_and(char::is_alphabetic);
            let gap = if ends_in_letter { "\u{a0}" } else { "" };
            format!("{sign}{currency}{gap}{digits}")
        }
        Lang::Pt => format!("{sign}{currency}{NBSP}{digits}"),
        Lang::Es | Lang::Ru => format!("{sign}{digits}{NBSP}{currency}"),
    }
}

/// The symbol `lang` itself uses for an upper-cased ISO currency code, when
/// it has one that is not just the code.
fn local_symbol(lang: Lang, code: &str) -> Option<&'static str> {
    let symbol = match (lang, code) {
        (Lang::En, "USD") => "$",
        (Lang::En, "EUR") => "€",
        (Lang::En, "GBP") => "£",
        (Lang::En, "BRL") => "R$",
        (Lang::Es, "EUR") => "€",
        (Lang::Es, "USD") => "US$",
        (Lang::Pt, "BRL") => "R$",
        (Lang::Pt, "USD") => "US$",
        (Lang::Pt, "EUR") => "€",
        (Lang::Pt, "GBP") => "£",
        (Lang::Ru, "RUB") => "₽",
        (Lang::Ru, "USD") => "$",
        (Lang::Ru, "EUR") => "€",
        (Lang::Ru, "GBP") => "£",
        (Lang::Ru, "BRL") => "R$",
        (Lang::Ru, "UAH") => "₴",
        (Lang::Ru, "BYN") => "Br",
        _ => return None,
    };
    Some(symbol)
}

/// Writes `value` with the thousands separator of `lang`.
fn group_digits(value: u64, lang: Lang) -> String {
    let (separator, min_digits_to_group) = match lang {
        Lang::En => (',', 4),
        Lang::Pt => ('.', 4),
        Lang::Es => ('.', 5),
        Lang::Ru => (NNBSP, 4),
    };
    let plain = value.to_string();
    if plain.len() < min_digits_to_group {
        return plain;
    }
    let mut grouped = String::with_capacity(plain.len() + plain.len() / 3 * separator.len_utf8());
    for (i, digit) in plain.chars().enumerate() {
        if i > 0 && (plain.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}
