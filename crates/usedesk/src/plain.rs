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

/// The tags that start and end a line.
const LINES: &[&[u8]] = &[b"br", b"div", b"li", b"tr", b"dt", b"dd"];

/// The tags that start and end a paragraph (an empty line before and after).
const PARAGRAPHS: &[&[u8]] = &[
    b"p",
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

/// What the markup says, in order: text, and breaks of one or two newlines.
#[derive(Default)]
struct Pieces {
    out: String,
    /// Whether any tag was seen: then the text's own line breaks are spaces, as in a browser.
    markup: bool,
}

impl Pieces {
    /// At least `newlines` line breaks end the text so far (none at its start).
    fn brk(&mut self, newlines: usize) {
        let kept = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(kept);
        let have = self.out.len() - self.out.trim_end_matches('\n').len();
        if !self.out.is_empty() {
            for _ in have..newlines {
                self.out.push('\n');
            }
        }
    }

    fn tag(&mut self, name: &[u8]) {
        self.markup = true;
        if LINES.contains(&name) {
            self.brk(1);
        } else if PARAGRAPHS.contains(&name) {
            self.brk(2);
        }
    }

    fn text(&mut self, text: &str) {
        if self.markup {
            // Whitespace in markup, line breaks included, reads as one space.
            let mut last_space = self.out.ends_with([' ', '\n']) || self.out.is_empty();
            for c in text.chars() {
                if c.is_whitespace() {
                    if !last_space {
                        self.out.push(' ');
                    }
                    last_space = true;
                } else {
                    self.out.push(c);
                    last_space = false;
                }
            }
        } else {
            self.out.push_str(text);
        }
    }
}

/// `message` (HTML or plain text) as plain text: trimmed lines, at most one empty line in a row.
pub fn plain_text(message: &str) -> String {
    let mut pieces = Pieces {
        out: String::with_capacity(message.len()),
        markup: false,
    };
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
                pieces.text(message.get(at..).unwrap_or_default());
                break;
            }
        };
        match event {
            Event::Start(tag) => {
                let name = tag.local_name().as_ref().to_ascii_lowercase();
                if HIDDEN.contains(&name.as_slice()) {
                    pieces.markup = true;
                    hidden += 1;
                } else {
                    pieces.tag(&name);
                }
            }
            Event::Empty(tag) => pieces.tag(&tag.local_name().as_ref().to_ascii_lowercase()),
            Event::End(tag) => {
                let name = tag.local_name().as_ref().to_ascii_lowercase();
                if HIDDEN.contains(&name.as_slice()) {
                    hidden = hidden.saturating_sub(1);
                } else {
                    pieces.tag(&name);
                }
            }
            Event::Text(text) if hidden == 0 => {
                pieces.text(&text.html_content().unwrap_or_default());
            }
            Event::CData(text) if hidden == 0 => {
                pieces.text(&text.decode().unwrap_or_default());
            }
            Event::GeneralRef(reference) if hidden == 0 => {
                pieces.text(&reference_text(&reference));
            }
            Event::Comment(_) => pieces.markup = true,
            Event::Eof => break,
            _ => {}
        }
    }
    tidy(&pieces.out)
}

/// A character reference as its character; an unknown one as written.
fn reference_text(reference: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    let name = reference.decode().unwrap_or_default();
    match quick_xml::escape::resolve_html5_entity(&name) {
        // A no-break space reads as a space in a plain note.
        Some("\u{a0}") => " ".to_owned(),
        Some(text) => text.to_owned(),
        None => format!("&{name};"),
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
