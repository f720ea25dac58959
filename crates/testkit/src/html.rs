//! Reading the service's HTML in tests and the bench: entities, links, forms and inputs. The markup is our own
//! templates' and the sandbox's, so plain substring search is enough; the bench's tests render the real templates
//! to keep these readers honest.

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

/// The value of `name="…"` inside one tag's text, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(r#"{name}=""#);
    let start = tag.find(&marker)? + marker.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every tag `<name …>` of the document, as its text between `<` and `>`.
pub fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    html.match_indices(open.as_str())
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            rest.find('>').map(|end| &rest[..end])
        })
        .collect()
}

/// The first `href` of an `<a>` whose address contains `needle`, unescaped.
pub fn link_containing(html: &str, needle: &str) -> Option<String> {
    tags(html, "a")
        .into_iter()
        .filter_map(|tag| attribute(tag, "href"))
        .find(|href| href.contains(needle))
}

/// A form as a browser would submit it with one button pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// Where it posts (as written, possibly relative).
    pub action: String,
    /// Its hidden fields, in order.
    pub fields: Vec<(String, String)>,
}

/// The first `<form>` of a page with its hidden inputs.
pub fn first_form(html: &str) -> Option<Form> {
    let start = html.find("<form ")?;
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    let body = &html[start..end];
    let action = tags(body, "form")
        .into_iter()
        .next()
        .and_then(|tag| attribute(tag, "action"))?;
    let fields = tags(body, "input")
        .into_iter()
        .filter(|tag| attribute(tag, "type").as_deref() == Some("hidden"))
        .filter_map(|tag| {
            Some((
                attribute(tag, "name")?,
                attribute(tag, "value").unwrap_or_default(),
            ))
        })
        .collect();
    Some(Form { action, fields })
}

/// The first `<form>` of a page whose action contains `needle`, with its hidden inputs.
pub fn form_posting_to(html: &str, needle: &str) -> Option<Form> {
    let mut rest = html;
    while let Some(start) = rest.find("<form ") {
        let form = first_form(&rest[start..])?;
        if form.action.contains(needle) {
            return Some(form);
        }
        rest = &rest[start + "<form ".len()..];
    }
    None
}

/// The `value` of the `<input>` with this `id`, unescaped.
pub fn input_value(html: &str, id: &str) -> Option<String> {
    let marker = format!(r#"id="{id}""#);
    tags(html, "input")
        .into_iter()
        .find(|tag| tag.contains(&marker))
        .and_then(|tag| attribute(tag, "value"))
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
