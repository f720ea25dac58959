//! The client's identifiers: phones normalised to E.164, e-mails trimmed and case-folded.
//!
//! amoCRM's `query` is a full-text search, so it is asked for a loose form (the national digits of a phone)
//! and every hit is confirmed by comparing normalised values exactly.

use std::collections::BTreeSet;

/// One normalised identifier of a client.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Identifier {
    /// A phone in E.164 form, `+` and digits.
    Phone(String),
    /// An e-mail, trimmed and lower-cased.
    Email(String),
}

impl Identifier {
    /// The normalised value.
    pub fn value(&self) -> &str {
        match self {
            Self::Phone(v) | Self::Email(v) => v,
        }
    }

    /// What to send as amoCRM's `query`: the last ten digits of a phone (the national number for +7 and
    /// NANP numbers, and a substring of every other country's), or the e-mail itself.
    pub fn search_query(&self) -> String {
        match self {
            Self::Phone(p) => {
                let digits = &p[1..];
                let keep = digits.len().min(10);
                digits[digits.len() - keep..].to_owned()
            }
            Self::Email(e) => e.clone(),
        }
    }
}

/// Normalises a phone to E.164, or `None` when it is not a phone number.
///
/// `default_country` (digits, e.g. `"7"`) is prefixed to bare ten-digit national numbers.
/// Handles spaces, brackets, dashes, dots and slashes; a leading `00` or `+`; the Russian trunk prefix
/// `8` of eleven-digit numbers; and drops extensions (`ext`, `x`, `доб.`, `#`, `;ext=`).
pub fn normalize_phone(raw: &str, default_country: Option<&str>) -> Option<String> {
    let lowered = raw.trim().to_lowercase();
    let cut = [";ext=", "ext", "доб", "x", "#", ","]
        .iter()
        .filter_map(|marker| lowered.find(marker))
        .min()
        .unwrap_or(lowered.len());
    let number = lowered[..cut].trim();
    if number.is_empty() {
        return None;
    }
    let mut plus = false;
    let mut digits = String::with_capacity(16);
    for (i, c) in number.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 || (digits.is_empty() && !plus) => plus = true,
            ' ' | '\u{a0}' | '(' | ')' | '-' | '.' | '/' | '\u{2010}'..='\u{2015}' | '\t' => {}
            _ => return None,
        }
    }
    if !plus && let Some(rest) = digits.strip_prefix("00") {
        digits = rest.to_owned();
        plus = true;
    }
    if !plus {
        if digits.len() == 11 && digits.starts_with('8') {
            // The Russian trunk prefix: 8 916 … is +7 916 ….
            digits.replace_range(0..1, "7");
        } else if digits.len() == 10 {
            let country = default_country?;
            digits.insert_str(0, country);
        }
    }
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return None;
    }
    Some(format!("+{digits}"))
}

/// Trims and case-folds an e-mail, or `None` when it is not one.
pub fn normalize_email(raw: &str) -> Option<String> {
    let trimmed = raw
        .trim()
        .trim_start_matches("mailto:")
        .trim_matches(|c| c == '<' || c == '>');
    let (local, domain) = trimmed.rsplit_once('@')?;
    if local.is_empty()
        || domain.is_empty()
        || !domain.contains('.')
        || trimmed.contains(char::is_whitespace)
    {
        return None;
    }
    Some(trimmed.to_lowercase())
}

/// The most phones one block searches in amoCRM: each is one search request, and the account's whole budget
/// is 7 requests a second shared by every agent.
pub const MAX_SEARCHED_PHONES: usize = 5;

/// The most e-mails one block searches in amoCRM, for the same reason.
pub const MAX_SEARCHED_EMAILS: usize = 5;

/// The identifiers a block searches — at most [`MAX_SEARCHED_PHONES`] phones and [`MAX_SEARCHED_EMAILS`]
/// e-mails, in the order given — and how many distinct ones were left out.
pub fn searched(ids: Vec<Identifier>) -> (Vec<Identifier>, usize) {
    let (mut phones, mut emails, mut left_out) = (0, 0, 0);
    let kept = ids
        .into_iter()
        .filter(|id| {
            let seen = match id {
                Identifier::Phone(_) => &mut phones,
                Identifier::Email(_) => &mut emails,
            };
            let limit = match id {
                Identifier::Phone(_) => MAX_SEARCHED_PHONES,
                Identifier::Email(_) => MAX_SEARCHED_EMAILS,
            };
            *seen += 1;
            if *seen > limit {
                left_out += 1;
            }
            *seen <= limit
        })
        .collect();
    (kept, left_out)
}

/// The distinct normalised identifiers of a client, phones first, each in a stable order.
pub fn identifiers<'a>(
    phones: impl IntoIterator<Item = &'a str>,
    emails: impl IntoIterator<Item = &'a str>,
    default_country: Option<&str>,
) -> Vec<Identifier> {
    let phones: BTreeSet<_> = phones
        .into_iter()
        .filter_map(|p| normalize_phone(p, default_country))
        .collect();
    let emails: BTreeSet<_> = emails.into_iter().filter_map(normalize_email).collect();
    phones
        .into_iter()
        .map(Identifier::Phone)
        .chain(emails.into_iter().map(Identifier::Email))
        .collect()
}
