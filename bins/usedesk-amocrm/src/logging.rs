//! Structured logs: text for people, JSON for collectors.

use std::io::{self, Write};

use serde::Deserialize;
use tracing_subscriber::EnvFilter;

/// How log events are written: `log_format` in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One line per event, for people.
    #[default]
    Text,
    /// One JSON object per line, for collectors.
    Json,
}

/// Installs the global subscriber (once; later calls do nothing).
pub fn init(format: LogFormat, level: &str) {
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_writer(|| OneLine(io::stdout())).try_init(),
    };
}

/// A text-log writer that keeps every event on one line: a line break or carriage return inside an event
/// (untrusted input in a field) is written as `\n` or `\r`, so that no value can forge a log line of its own.
///
/// The formatter hands over each event whole, ending in its one real line break.
pub struct OneLine<W>(pub W);

impl<W: Write> Write for OneLine<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let (body, end) = match bytes.strip_suffix(b"\n") {
            Some(body) => (body, &b"\n"[..]),
            None => (bytes, &b""[..]),
        };
        if !body.iter().any(|b| matches!(b, b'\n' | b'\r')) {
            self.0.write_all(bytes)?;
            return Ok(bytes.len());
        }
        let mut line = Vec::with_capacity(bytes.len() + 8);
        for &b in body {
            match b {
                b'\n' => line.extend_from_slice(b"\\n"),
                b'\r' => line.extend_from_slice(b"\\r"),
                other => line.push(other),
            }
        }
        line.extend_from_slice(end);
        self.0.write_all(&line)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_break_inside_an_event_cannot_start_a_forged_log_line() {
        // Arrange: an event whose field carries a forged second line.
        let event = "2026-11-28T19:00:00Z  INFO block::api: amo_base_host refused host=x.amocrm.ru\n\
                     2026-11-28T19:00:00Z  INFO block::oauth: amoCRM connected connection=FORGED\r\n";
        let mut out = OneLine(Vec::new());

        // Act
        out.write_all(event.as_bytes()).unwrap();

        // Assert: one line, the forged part visibly escaped inside it.
        let written = String::from_utf8(out.0).unwrap();
        assert_eq!(written.matches('\n').count(), 1, "{written}");
        assert!(written.ends_with('\n'));
        assert!(written.contains("x.amocrm.ru\\n"), "{written}");
    }

    #[test]
    fn an_ordinary_event_is_written_unchanged() {
        let mut out = OneLine(Vec::new());
        out.write_all(b"INFO served route=/api/ status=200\n")
            .unwrap();
        assert_eq!(out.0, b"INFO served route=/api/ status=200\n");
    }
}
