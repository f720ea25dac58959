//! Rendered answers of fresh blocks, kept for a few seconds: a block the domain answers from its render cache is
//! neither rendered nor signed again.

use std::time::Instant;

/// A rendered answer is the same for the same data (the domain's `render_id`), ticket, client, language
/// and time zone: the action tokens inside are bound to exactly these.
pub(crate) type RenderedKey = (u64, Option<i64>, Option<i64>, i18n::Lang, &'static str);

/// How long a rendered answer is kept: no longer than the domain keeps the data it shows.
const RENDERED_TTL: std::time::Duration = std::time::Duration::from_secs(10);
/// At most this many answers (≈ 16 KB each) are kept; expired ones are dropped as new ones come.
const RENDERED_MAX: usize = 2_000;

/// Rendered answers of fresh blocks, so that a render the domain answers from its cache is not rendered
/// and signed again. Agents opening the same ticket within that time share its action tokens; a write
/// action's token is still spent once (the second agent is told to refresh the block).
#[derive(Default)]
pub(crate) struct Rendered {
    answers: std::sync::Mutex<std::collections::HashMap<RenderedKey, (Instant, bytes::Bytes)>>,
}

impl Rendered {
    /// The answer kept under `key`, while it is fresh.
    pub(super) fn get(&self, key: &RenderedKey) -> Option<bytes::Bytes> {
        let answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        answers
            .get(key)
            .filter(|(at, _)| at.elapsed() < RENDERED_TTL)
            .map(|(_, body)| body.clone())
    }

    /// Drops the kept answers of `ticket`: a write token in them was just spent on a change the block reloads to
    /// show, and the reloaded block needs tokens of its own (the data may be the same, as after a note).
    pub(crate) fn forget_ticket(&self, ticket: Option<i64>) {
        self.answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|key, _| key.1 != ticket);
    }

    /// Keeps `body` under `key` (unless the cache is full of fresh answers).
    pub(super) fn put(&self, key: RenderedKey, body: bytes::Bytes) {
        let mut answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if answers.len() >= RENDERED_MAX / 2 {
            answers.retain(|_, (at, _)| at.elapsed() < RENDERED_TTL);
        }
        if answers.len() < RENDERED_MAX {
            answers.insert(key, (Instant::now(), body));
        }
    }
}
