//! Small readers of rendered HTML for the assertions: tags, attributes and the stylesheet.

/// The markup with each `<style>` element's content replaced by a marker.
pub fn without_styles(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<style>") {
        let (before, after) = rest.split_at(start + "<style>".len());
        out.push_str(before);
        let end = after.find("</style>").expect("every <style> is closed");
        out.push_str("/* stylesheet */");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The content of every `<style>` element.
pub fn styles(html: &str) -> Vec<&str> {
    html.split("<style>")
        .skip(1)
        .map(|s| &s[..s.find("</style>").expect("every <style> is closed")])
        .collect()
}

/// A start or end tag: its name, whether it ends an element, and its raw attribute text.
#[derive(Debug)]
pub struct Tag<'a> {
    pub name: String,
    pub closing: bool,
    pub self_closing: bool,
    pub attrs: &'a str,
}

impl<'a> Tag<'a> {
    /// The value of an attribute written as `name="value"` (askama writes every attribute that way).
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        let mut rest = self.attrs;
        let needle = format!("{name}=\"");
        loop {
            let at = rest.find(&needle)?;
            let boundary = at == 0 || rest[..at].ends_with(char::is_whitespace);
            let value = &rest[at + needle.len()..];
            if boundary {
                return value.find('"').map(|end| &value[..end]);
            }
            rest = value;
        }
    }
}

impl Tag<'_> {
    /// The names of the tag's attributes, in order (values skipped, so text inside them is never taken for a name).
    pub fn attr_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = self.attrs.trim_end_matches('/');
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                return names;
            }
            let end = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            names.push(rest[..end].to_ascii_lowercase());
            rest = &rest[end..];
            if let Some(value) = rest.strip_prefix("=\"") {
                let close = value.find('"').expect("attribute value closed");
                rest = &value[close + 1..];
            }
        }
    }
}

/// Every tag of the document in order, skipping comments, the doctype and the text of `<style>` and `<script>`.
pub fn tags(html: &str) -> Vec<Tag<'_>> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        if rest.starts_with("!--") {
            let end = rest.find("-->").expect("comment closed");
            rest = &rest[end + 3..];
            continue;
        }
        if rest.starts_with('!') {
            let end = rest.find('>').expect("doctype closed");
            rest = &rest[end + 1..];
            continue;
        }
        let end = rest.find('>').expect("tag closed");
        let inner = &rest[..end];
        rest = &rest[end + 1..];
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let name_end = inner
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inner.len());
        let name = inner[..name_end].to_ascii_lowercase();
        let self_closing = inner.ends_with('/');
        if !closing && (name == "style" || name == "script") {
            let close = format!("</{name}>");
            let end = rest.find(&close).expect("raw text element closed");
            rest = &rest[end..];
        }
        tags.push(Tag {
            name,
            closing,
            self_closing,
            attrs: &inner[name_end..],
        });
    }
    tags
}

const VOID: [&str; 6] = ["input", "br", "img", "meta", "link", "hr"];

/// How many top-level elements the markup has, or why it is not balanced.
pub fn root_elements(html: &str) -> Result<usize, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    for tag in tags(html) {
        if VOID.contains(&tag.name.as_str()) || tag.self_closing {
            if stack.is_empty() {
                roots += 1;
            }
            continue;
        }
        if tag.closing {
            match stack.pop() {
                Some(open) if open == tag.name => {}
                other => return Err(format!("</{}> closes {other:?}", tag.name)),
            }
        } else {
            if stack.is_empty() {
                roots += 1;
            }
            stack.push(tag.name);
        }
    }
    if stack.is_empty() {
        Ok(roots)
    } else {
        Err(format!("left open: {stack:?}"))
    }
}
