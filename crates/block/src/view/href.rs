//! Which addresses may reach an `href` or an `action`: absolute web addresses only, as the URL parser writes them.
//!
//! A block lists hundreds of addresses (each deal's page in amoCRM, its card, its quick comment, its link fields),
//! and parsing each one costs more than the rest of the deal's markup. Most are already in the parser's own form:
//! [`canonical`] recognises those by their characters alone, conservatively, and only the others are parsed.

/// The address, parsed and written out again, when it is an absolute web address (`http`, `https`) with a host;
/// `None` otherwise.
///
/// Relative addresses are refused too: the block lives inside Usedesk's page, where a path would resolve on
/// Usedesk's origin, and a browser strips tabs and line breaks from `/\t/host`, making it a link to another host.
/// Every address of ours is absolute already.
pub(crate) fn safe_href(url: &str) -> Option<String> {
    let url = url.trim();
    if canonical(url) {
        return Some(url.to_owned());
    }
    let parsed = url::Url::parse(url).ok()?;
    (matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty()))
    .then(|| parsed.into())
}

/// Whether `url` is an `http`/`https` address that the URL parser would write out unchanged, judged from its
/// characters: a lower-case scheme; a host of lower-case letters, digits, dots and hyphens whose last label is
/// letters only (so never an IP address, which the parser rewrites) with no `xn--` label (which it checks) and no
/// port or user; a `/` after the host; then a path with no dot segment and no percent sign, and a query, of
/// characters the parser leaves as they are. Anything else is left to the parser.
fn canonical(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let Some((host, tail)) = rest.split_once('/') else {
        return false;
    };
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    host_is_plain(host)
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/=&+,;:@!$*".contains(&b))
        && !path.contains("/.")
        && !path.starts_with('.')
        && query
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/?=&+,;:@!$*%".contains(&b))
}

/// A host name the parser keeps as it is: lower-case labels of letters, digits and hyphens, the last one letters.
fn host_is_plain(host: &str) -> bool {
    let mut labels = host.split('.');
    let last = labels.next_back().unwrap_or_default();
    last.len() >= 2
        && last.bytes().all(|b| b.is_ascii_lowercase())
        && labels.all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && !label.starts_with("xn--")
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the parser alone makes of an address.
    fn parsed(url: &str) -> Option<String> {
        let parsed = url::Url::parse(url.trim()).ok()?;
        (matches!(parsed.scheme(), "http" | "https")
            && parsed.host_str().is_some_and(|h| !h.is_empty()))
        .then(|| parsed.into())
    }

    #[test]
    fn an_address_taken_without_parsing_is_exactly_what_the_parser_writes() {
        let addresses = [
            "https://hogwarts.amocrm.ru/leads/detail/9101",
            "https://usedesk-amocrm.example.com/action/comment",
            "https://usedesk-amocrm.example.com/deals/new?name=Order&responsible=3",
            "http://shop.example.com/orders/2001",
            "https://a.example.com//double/slash",
            "https://a.example.com/?q=1&t=v1.abc~_-",
            "https://example.com/",
            "https://shop.example.com/orders/2001.pdf",
            "https://shop.example.com/a/./b",
            "https://shop.example.com/a/../b",
            "https://shop.example.com/a/%2e%2e/b",
            "https://shop.example.com/.hidden",
            "https://shop.example.com/a%20b",
            "https://shop.example.com/a b",
            "https://shop.example.com/a\tb",
            "https://shop.example.com/a\\b",
            "https://shop.example.com/a#frag",
            "https://shop.example.com/a?b#frag",
            "https://shop.example.com/a?q='x'",
            "https://shop.example.com/a?q=\"x\"",
            "https://shop.example.com/a<b>",
            "https://shop.example.com/a{b}",
            "https://shop.example.com/a`b",
            "https://shop.example.com/é",
            "https://Shop.Example.com/a",
            "HTTPS://shop.example.com/a",
            "https://shop.example.com",
            "https://shop.example.com:443/a",
            "https://shop.example.com:8080/a",
            "https://user:pass@shop.example.com/a",
            "https://0x7f.1/a",
            "https://127.0.0.1/a",
            "https://1.2.3.4.5/a",
            "https://xn--e1afmkfd.xn--p1ai/a",
            "https://xn--zz.example.com/a",
            "https://shop..example.com/a",
            "https://.example.com/a",
            "https://shop.example.com./a",
            "https://-shop.example.com/a",
            "https://shop.example.c0m/a",
            "https:///a",
            "https:/shop.example.com/a",
            "javascript:alert(1)",
            "/relative/path",
            "/\t/evil.example.com",
            "//evil.example.com/a",
            "",
        ];
        for address in addresses {
            if canonical(address) {
                assert_eq!(
                    Some(address.to_owned()),
                    parsed(address),
                    "{address:?} was taken as it is"
                );
            }
            assert_eq!(safe_href(address), parsed(address), "{address:?}");
        }
    }

    #[test]
    fn the_usual_addresses_need_no_parsing() {
        for address in [
            "https://hogwarts.amocrm.ru/leads/detail/9101",
            "https://usedesk-amocrm.example.com/action/comment",
            "https://hogwarts.kommo.com/contacts/detail/7001",
            "https://shop.example.com/orders/2001",
        ] {
            assert!(canonical(address), "{address}");
        }
    }
}
