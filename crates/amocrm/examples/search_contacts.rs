//! Finds the contacts behind phone numbers, searching several numbers at once under amoCRM's
//! rate limit.
//!
//! ```sh
//! AMOCRM_HOST=yourcompany.amocrm.ru AMOCRM_TOKEN=… \
//!     cargo run -p amocrm --example search_contacts -- "+7 916 123-45-67" 89161112233
//! ```
//!
//! `AMOCRM_HOST` is the account address: `*.amocrm.ru` for amoCRM, `*.kommo.com` (or the older
//! `*.amocrm.com`) for Kommo. `AMOCRM_TOKEN` is a long-lived token of a private integration or an
//! OAuth access token.
//!
//! amoCRM's `query` is a loose full-text search over every filled field, and it treats
//! `+7 916…` and `8 916…` as different text. So each number is searched by its last ten digits,
//! and a hit counts only when one of the contact's stored phones has the same digits.
//!
//! All searches start together; one shared [`LocalRateLimiter`] keeps them within amoCRM's
//! 7 requests per second, so a long list of numbers waits instead of being answered 429.

use std::process::ExitCode;
use std::sync::Arc;

use amocrm::{
    AccountHost, AmoClient, Contact, ContactsQuery, Error, HostPolicy, LocalRateLimiter,
    StaticToken,
};
use futures_util::future::try_join_all;

const USAGE: &str = "usage: AMOCRM_HOST=yourcompany.amocrm.ru AMOCRM_TOKEN=<token> \
cargo run -p amocrm --example search_contacts -- <phone>...";

/// Fewer digits than this match far too much to be a phone search.
const MIN_DIGITS: usize = 5;

/// The contacts whose stored phone numbers match one searched number.
#[derive(Debug)]
pub struct PhoneMatch {
    /// The number as it was given.
    pub phone: String,
    /// The contacts with a phone of the same digits, in amoCRM's order.
    pub contacts: Vec<Contact>,
}

/// Searches every number in parallel; the client's rate limiter spaces the requests.
pub async fn run(client: &AmoClient, phones: &[String]) -> Result<Vec<PhoneMatch>, Error> {
    try_join_all(phones.iter().map(|phone| search_phone(client, phone))).await
}

async fn search_phone(client: &AmoClient, phone: &str) -> Result<PhoneMatch, Error> {
    let digits = national_digits(phone);
    if digits.len() < MIN_DIGITS {
        return Err(Error::InvalidArgument(format!(
            "{phone:?} has fewer than {MIN_DIGITS} digits"
        )));
    }
    // No match is an empty list (amoCRM answers 204), not an error.
    let hits = client
        .contacts()
        .list_all(&ContactsQuery::search(digits.clone()))
        .await?;
    let contacts = hits
        .into_iter()
        .filter(|contact| {
            contact
                .phones()
                .iter()
                .any(|p| national_digits(p) == digits)
        })
        .collect();
    Ok(PhoneMatch {
        phone: phone.to_owned(),
        contacts,
    })
}

/// The last ten digits of a number: the national part of a Russian number with `+7` or `8`,
/// and enough of any other to be specific.
pub fn national_digits(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(10)..].iter().collect()
}

#[tokio::main]
async fn main() -> ExitCode {
    let phones: Vec<String> = std::env::args().skip(1).collect();
    let (Ok(host), Ok(token), false) = (
        std::env::var("AMOCRM_HOST"),
        std::env::var("AMOCRM_TOKEN"),
        phones.is_empty(),
    ) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    // The host is checked before any token is sent to it.
    let host = match AccountHost::parse(&host, &HostPolicy::default()) {
        Ok(host) => host,
        Err(error) => {
            eprintln!("{error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    // One limiter per account, shared by every client of that account in the process.
    let client = AmoClient::builder(host, Arc::new(StaticToken::new(token)))
        .rate_limiter(Arc::new(LocalRateLimiter::amocrm_default()))
        .build();

    match run(&client, &phones).await {
        Ok(matches) => {
            for found in matches {
                if found.contacts.is_empty() {
                    println!("{}: no contact", found.phone);
                }
                for contact in &found.contacts {
                    println!(
                        "{}: #{} {} ({})",
                        found.phone,
                        contact.id,
                        contact.name,
                        contact.phones().join(", ")
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
