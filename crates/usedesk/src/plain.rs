//! A comment's `message` as plain text.
//!
//! Usedesk keeps a comment as HTML when it came from e-mail or the agent's editor (`<p>`, `<br>`, `&nbsp;`) and as
//! plain text when it came from a chat. [`plain_text`] reads both the same way: tags go, a block-level tag or a
//! `<br>` starts a new line, character references (named, decimal, hex) become their characters, `<script>` and
//! `<style>` are dropped with their content, and the lines of plain text keep their breaks. The markup is read by
//! `quick-xml`'s tokenizer in its lenient mode (unclosed and unmatched tags allowed), not by a parser of our own;
//! what it cannot tokenise (a lone `<` in a sentence) is kept as written.

use quick_xml::Reader;
use quick_xml::events::Event;

/// The tags after which the text goes on on a new line.
const BREAKS: &[&[u8]] = &[
    b"br",
    b"p",
    b"div",
    b"li",
    b"tr",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"blockquote",
    b"pre",
    b"ul",
    b"ol",
    b"table",
    b"hr",
];

/// The tags whose content is not text for a reader.
const HIDDEN: &[&[u8]] = &[b"script", b"style", b"head", b"title"];

/// `message` (HTML or plain text) as plain text: trimmed lines, at most one empty line in a row.
pub fn plain_text(message: &str) -> String {
    let mut raw = String::with_capacity(message.len());
    let mut reader = Reader::from_str(message);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.allow_dangling_amp = true;
    config.check_comments = false;
    let mut hidden = 0usize;
    loop {
        let at = usize::try_from(reader.buffer_position()).unwrap_or(message.len());
        let event = match reader.read_event() {
            Ok(event) => event,
            // Not markup after all: the rest is text as written.
            Err(_) => {
                raw.push_str(message.get(at..).unwrap_or_default());
                break;
            }
        };
        match event {
            Event::Start(tag) | Event::Empty(tag) => {
                let name = tag.local_name().as_ref().to_ascii_lowercase();
                if HIDDEN.contains(&name.as_slice()) && matches!(event, Event::Start(_)) {
                    hidden += 1;
                } else if BREAKS.contains(&name.as_slice()) {
                    raw.push('\n');
                }
            }
            Event::End(tag) => {
                let name = tag.local_name().as_ref().to_ascii_lowercase();
                if HIDDEN.contains(&name.as_slice()) {
                    hidden = hidden.saturating_sub(1);
                } else if BREAKS.contains(&name.as_slice()) {
                    raw.push('\n');
                }
            }
            Event::Text(text) if hidden == 0 => {
                raw.push_str(&text.html_content().unwrap_or_default());
            }
            Event::CData(text) if hidden == 0 => {
                raw.push_str(&text.decode().unwrap_or_default());
            }
            Event::GeneralRef(reference) if hidden == 0 => push_reference(&mut raw, &reference),
            Event::Eof => break,
            _ => {}
        }
    }
    tidy(&raw)
}

/// A character reference as its character; an unknown one as written.
fn push_reference(out: &mut String, reference: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        out.push(c);
        return;
    }
    let name = reference.decode().unwrap_or_default();
    match quick_xml::escape::resolve_html5_entity(&name) {
        // A no-break space reads as a space in a plain note.
        Some("\u{a0}") => out.push(' '),
        Some(text) => out.push_str(text),
        None => {
            out.push('&');
            out.push_str(&name);
            out.push(';');
        }
    }
}

/// Runs of spaces within a line as one, lines trimmed, empty lines in a row as one (so paragraphs stay apart),
/// none at the ends.
fn tidy(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank_run = 0usize;
    for line in raw.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(&line);
    }
    out
}
