//! The text fields of a `multipart/form-data` body.
//!
//! A `fetch` with a `FormData` body sends this format, and the block's in-place actions may do so.
//! Only text fields are read; a file part is refused, since no form of ours has one.

use crate::Error;

/// The boundary of a `multipart/form-data` content type, or `None` for any other type.
pub(crate) fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let media = params.next()?.trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn bad(what: &str) -> Error {
    Error::BadRequest(format!("multipart body: {what}"))
}

/// The `name` parameter of a part's `Content-Disposition`, and whether the part is a file.
fn disposition(headers: &str) -> Option<(String, bool)> {
    let line = headers.split("\r\n").find(|line| {
        line.split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("content-disposition"))
    })?;
    let (_, value) = line.split_once(':')?;
    let mut name = None;
    let mut file = false;
    for param in value.split(';').skip(1) {
        let Some((key, raw)) = param.split_once('=') else {
            continue;
        };
        let raw = raw.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(raw.to_owned()),
            "filename" | "filename*" => file = true,
            _ => {}
        }
    }
    name.map(|n| (n, file))
}

/// Every text field of the body, in order.
pub(crate) fn parse(body: &[u8], boundary: &str) -> Result<Vec<(String, String)>, Error> {
    let delimiter = format!("--{boundary}");
    let separator = format!("\r\n--{boundary}");
    let start = find(body, delimiter.as_bytes()).ok_or_else(|| bad("no boundary"))?;
    let mut rest = &body[start + delimiter.len()..];
    let mut fields = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(fields);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or_else(|| bad("a boundary without a line break"))?;
        let end = find(rest, separator.as_bytes()).ok_or_else(|| bad("an unterminated part"))?;
        let part = &rest[..end];
        rest = &rest[end + separator.len()..];
        let split = find(part, b"\r\n\r\n").ok_or_else(|| bad("a part without headers"))?;
        let headers =
            std::str::from_utf8(&part[..split]).map_err(|_| bad("headers are not UTF-8"))?;
        let (name, file) = disposition(headers).ok_or_else(|| bad("a part without a name"))?;
        if file {
            return Err(bad("file uploads are not accepted"));
        }
        let value = String::from_utf8(part[split + 4..].to_vec())
            .map_err(|_| bad("a value is not UTF-8"))?;
        fields.push((name, value));
    }
}
