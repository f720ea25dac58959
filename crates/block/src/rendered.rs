//! Rendered answers of fresh blocks, kept for identical requests — and rendered once when identical requests
//! arrive together.
//!
//! Agents opening the same ticket at once get the same data from one load (the domain coalesces it), then each
//! would render and sign the same block again: fifty agents, fifty renders queued on the machine's cores after
//! the data arrives. Instead the first request renders; the others wait for its answer and send the same
//! bytes. A render that never finishes (its request dropped) closes its channel, and the waiters render for
//! themselves.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::watch;

/// A rendered answer is the same for the same data (the domain's `render_id`), ticket, client, language
/// and time zone: the action tokens inside are bound to exactly these.
pub(crate) type RenderedKey = (u64, Option<i64>, Option<i64>, i18n::Lang, &'static str);

/// How long a rendered answer is kept: no longer than the domain keeps the data it shows.
const RENDERED_TTL: Duration = Duration::from_secs(10);
/// At most this many answers (≈ 16 KB each) are kept; expired ones are dropped as new ones come.
const RENDERED_MAX: usize = 2_000;

enum Entry {
    /// Rendered at that moment.
    Ready(Instant, Bytes),
    /// Being rendered by another request; the answer comes on this channel.
    Rendering(watch::Receiver<Option<Bytes>>),
}

impl Entry {
    /// Whether the entry still answers or will answer.
    fn live(&self) -> bool {
        match self {
            Entry::Ready(at, _) => at.elapsed() < RENDERED_TTL,
            Entry::Rendering(answer) => answer.has_changed().is_ok(),
        }
    }
}

/// Rendered answers of fresh blocks, so that a render the domain answers from its cache is not rendered
/// and signed again. Agents opening the same ticket within that time share its action tokens; a write
/// action's token is still spent once (the second agent is told to refresh the block).
#[derive(Default)]
pub(crate) struct Rendered {
    answers: Mutex<HashMap<RenderedKey, Entry>>,
}

/// What a request for fresh data does about its answer.
pub(crate) enum Claim {
    /// Send this answer, rendered moments ago.
    Kept(Bytes),
    /// Another request is rendering it: wait for its answer ([`wait`]).
    Wait(watch::Receiver<Option<Bytes>>),
    /// Render it, then [`Rendered::put`] it for the others.
    Render(Rendering),
}

/// The duty to render an answer that identical requests may be waiting for; dropped without
/// [`Rendered::put`], it lets them render for themselves.
pub(crate) struct Rendering {
    key: RenderedKey,
    answer: watch::Sender<Option<Bytes>>,
}

impl Rendered {
    /// The answer for `key` when there is one, a wait when it is being rendered, else the duty to render it.
    pub(crate) fn claim(&self, key: RenderedKey) -> Claim {
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        match answers.get(&key) {
            Some(Entry::Ready(at, body)) if at.elapsed() < RENDERED_TTL => {
                return Claim::Kept(body.clone());
            }
            Some(Entry::Rendering(answer)) if answer.has_changed().is_ok() => {
                return Claim::Wait(answer.clone());
            }
            _ => {}
        }
        if answers.len() >= RENDERED_MAX / 2 {
            answers.retain(|_, entry| entry.live());
        }
        let (sender, receiver) = watch::channel(None);
        if answers.len() < RENDERED_MAX {
            answers.insert(key, Entry::Rendering(receiver));
        }
        Claim::Render(Rendering {
            key,
            answer: sender,
        })
    }

    /// Drops the kept answers of `ticket`: a write token in them was just spent on a change the block reloads to
    /// show, and the reloaded block needs tokens of its own (the data may be the same, as after a note). A render
    /// under way is left to finish; its waiters still get its answer.
    pub(crate) fn forget_ticket(&self, ticket: Option<i64>) {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|key, entry| key.1 != ticket || matches!(entry, Entry::Rendering(_)));
    }

    /// Keeps the answer `rendering` was for, and hands it to the requests waiting for it.
    pub(crate) fn put(&self, rendering: Rendering, body: Bytes) {
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if answers.contains_key(&rendering.key) || answers.len() < RENDERED_MAX {
            answers.insert(rendering.key, Entry::Ready(Instant::now(), body.clone()));
        }
        drop(answers);
        rendering.answer.send_replace(Some(body));
    }
}

/// The answer another request renders; `None` when it gave up (its request was dropped).
pub(crate) async fn wait(mut answer: watch::Receiver<Option<Bytes>>) -> Option<Bytes> {
    loop {
        if let Some(body) = answer.borrow_and_update().clone() {
            return Some(body);
        }
        if answer.changed().await.is_err() {
            return answer.borrow().clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RenderedKey {
        (7, Some(1003), Some(42), i18n::Lang::En, "UTC")
    }

    #[tokio::test]
    async fn identical_requests_arriving_together_are_rendered_once() {
        let rendered = Rendered::default();
        let Claim::Render(rendering) = rendered.claim(key()) else {
            panic!("the first request renders");
        };
        let Claim::Wait(answer) = rendered.claim(key()) else {
            panic!("the second waits");
        };

        rendered.put(rendering, Bytes::from_static(b"{\"html\":\"x\"}"));

        assert_eq!(
            wait(answer).await.as_deref(),
            Some(&b"{\"html\":\"x\"}"[..])
        );
        assert!(matches!(rendered.claim(key()), Claim::Kept(_)));
    }

    #[tokio::test]
    async fn a_render_given_up_lets_the_waiters_and_the_next_request_render() {
        let rendered = Rendered::default();
        let Claim::Render(rendering) = rendered.claim(key()) else {
            panic!("the first request renders");
        };
        let Claim::Wait(answer) = rendered.claim(key()) else {
            panic!("the second waits");
        };

        drop(rendering);

        assert_eq!(wait(answer).await, None);
        assert!(matches!(rendered.claim(key()), Claim::Render(_)));
    }
}
