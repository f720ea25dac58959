//! Numbers as people type them: budgets and numeric fields in any of the block's languages.

/// A number as a person types it in any of our languages — `1500,50`, `1 500,50 ₽`, `12 500`, `$1,500.50`,
/// `R$ 1.500,50` — as plain decimal text (`1500.50`), or `None` when it is not one.
///
/// A currency sign or code before or after the number is ignored; spaces (also no-break and thin ones) and
/// apostrophes group digits. When both `,` and `.` occur, the last one is the decimal mark. When only one of
/// them occurs, it is the decimal mark if it occurs once and is followed by one or two digits (`1500,5`,
/// `99.90`), and a group separator when every group after it has three digits (`12,500`, `1.500.000`).
pub fn parse_decimal(raw: &str) -> Option<String> {
    let trimmed = raw
        .trim_start_matches(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '+' | ',' | '.')))
        .trim_end_matches(|c: char| !c.is_ascii_digit());
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    // Spaces of every kind and apostrophes group digits; they are checked like the other group separator.
    let body: String = body
        .chars()
        .map(|c| {
            if c.is_whitespace() || matches!(c, '\'' | '\u{2019}') {
                '_'
            } else {
                c
            }
        })
        .collect();
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '_'))
    {
        return None;
    }
    let decimal_mark = match (body.rfind(','), body.rfind('.')) {
        (Some(comma), Some(dot)) => Some(if comma > dot { ',' } else { '.' }),
        (Some(at), None) | (None, Some(at)) => {
            let mark = body.as_bytes()[at] as char;
            let once = body.matches(mark).count() == 1;
            let after = body.len() - at - 1;
            (once && (1..=2).contains(&after)).then_some(mark)
        }
        (None, None) => None,
    };
    let (whole, fraction) = match decimal_mark {
        Some(mark) => {
            let at = body.rfind(mark)?;
            (&body[..at], Some(&body[at + 1..]))
        }
        None => (body.as_str(), None),
    };
    let grouping = match decimal_mark {
        Some(',') => '.',
        Some(_) => ',',
        None => whole.chars().find(|c| !c.is_ascii_digit()).unwrap_or(','),
    };
    let mut groups = whole.split([grouping, '_']);
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let well_grouped = rest.is_empty()
        || (!first.is_empty() && first.len() <= 3 && rest.iter().all(|g| g.len() == 3));
    let digits: String = std::iter::once(first).chain(rest).collect();
    if !well_grouped || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if fraction.is_some_and(|f| f.is_empty() || !f.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let sign = if negative { "-" } else { "" };
    Some(match fraction {
        Some(f) => format!("{sign}{digits}.{f}"),
        None => format!("{sign}{digits}"),
    })
}

/// A budget as typed (see [`parse_decimal`]), rounded to the whole units amoCRM keeps; `None` when it is not a
/// number or is negative.
pub fn parse_budget(raw: &str) -> Option<i64> {
    let number: f64 = parse_decimal(raw)?.parse().ok()?;
    (number.is_finite() && (0.0..9.0e15).contains(&number)).then(|| number.round() as i64)
}
