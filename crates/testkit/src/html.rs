//! Reading the service's HTML in tests.

/// `html` with character entities (named, decimal and hex) turned back into characters, for matching text and
/// reading attribute values. An `&` that starts no entity it knows (or whose `;` is more than ten characters away)
/// stays as it is.
pub fn unescape(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest
            .find(';')
            .filter(|end| *end <= 10)
            .and_then(|end| Some((entity(&rest[1..end])?, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character an entity's name (between `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn named_decimal_and_hex_entities_become_characters() {
        assert_eq!(
            unescape("a&amp;b &lt;c&gt; &quot;d&#34; &#39;e&#x27; &#X2F; &apos;"),
            "a&b <c> \"d\" 'e' / '"
        );
    }

    #[test]
    fn an_escaped_entity_is_unescaped_once() {
        assert_eq!(unescape("&amp;lt;"), "&lt;");
    }

    #[test]
    fn an_ampersand_that_starts_no_entity_stays() {
        assert_eq!(
            unescape("& alone &unknown; &#xZZ; a&b;c &averyveryverylong;"),
            "& alone &unknown; &#xZZ; a&b;c &averyveryverylong;"
        );
    }
}
