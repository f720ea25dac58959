//! Batch writes: `request_id`s, the 250-entity cap, and chunks of 50.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::client::{AmoClient, Call, decode};
use crate::models::{
    CompanyDraft, ComplexCreated, ComplexLead, Created, NewContact, NewLead, NewNote, NewTask,
    Updated,
};

/// The most entities one call accepts: amoCRM's own limit per request. Larger inputs are
/// refused so that one call never turns into an unbounded series of requests.
pub(crate) const MAX_WRITE_ITEMS: usize = 250;
/// The chunk size amoCRM recommends for writes; each chunk is one request.
pub(crate) const WRITE_CHUNK: usize = 50;

/// An input item that carries a `request_id`.
pub(crate) trait WithRequestId: Clone + Serialize {
    fn request_id_mut(&mut self) -> &mut Option<String>;
}

/// Implements [`WithRequestId`] for input types whose `request_id` field is the one.
macro_rules! with_request_id {
    ($($item:ty),+) => {$(
        impl WithRequestId for $item {
            fn request_id_mut(&mut self) -> &mut Option<String> {
                &mut self.request_id
            }
        }
    )+};
}

with_request_id!(
    NewContact,
    NewLead,
    ComplexLead,
    NewTask,
    CompanyDraft,
    NewNote
);

/// Copies `items`, giving each one without a `request_id` a fresh one, so every created entity
/// can be matched to its input and a retry can be checked against what already exists.
pub(crate) fn with_request_ids<T: WithRequestId>(items: &[T]) -> Vec<T> {
    items
        .iter()
        .cloned()
        .map(|mut item| {
            let id = item.request_id_mut();
            if id.is_none() {
                *id = Some(uuid::Uuid::new_v4().to_string());
            }
            item
        })
        .collect()
}

/// An output item of a write, identified by the entity id.
pub(crate) trait WrittenId: DeserializeOwned {
    fn written_id(&self) -> i64;
}

impl WrittenId for Created {
    fn written_id(&self) -> i64 {
        self.id
    }
}

impl WrittenId for Updated {
    fn written_id(&self) -> i64 {
        self.id
    }
}

impl WrittenId for ComplexCreated {
    fn written_id(&self) -> i64 {
        self.id
    }
}

/// Where a write answer lists its results.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Answer {
    /// Under `_embedded.{key}` of a HAL object.
    Embedded(&'static str),
    /// As a plain JSON array (complex create).
    Array,
}

/// One batch write endpoint.
pub(crate) struct Write {
    pub(crate) method: Method,
    pub(crate) endpoint: &'static str,
    pub(crate) url: Url,
    pub(crate) answer: Answer,
}

impl AmoClient {
    /// Sends `items` in chunks of [`WRITE_CHUNK`] and concatenates the results in input order.
    ///
    /// When a later chunk fails after earlier ones were applied, the error is
    /// [`Error::PartialWrite`] with the ids already written, since repeating the call would
    /// write them twice.
    pub(crate) async fn write_in_chunks<I: Serialize, O: WrittenId>(
        &self,
        write: Write,
        items: &[I],
    ) -> Result<Vec<O>, Error> {
        if items.len() > MAX_WRITE_ITEMS {
            return Err(Error::InvalidArgument(format!(
                "{} entities given; at most {MAX_WRITE_ITEMS} may be written in one call",
                items.len()
            )));
        }
        let mut written: Vec<O> = Vec::with_capacity(items.len());
        for chunk in items.chunks(WRITE_CHUNK) {
            match self.write_chunk(&write, chunk).await {
                Ok(results) => written.extend(results),
                Err(error) if written.is_empty() => return Err(error),
                Err(error) => {
                    return Err(Error::PartialWrite {
                        created_ids: written.iter().map(WrittenId::written_id).collect(),
                        source: Box::new(error),
                    });
                }
            }
        }
        Ok(written)
    }

    async fn write_chunk<I: Serialize, O: WrittenId>(
        &self,
        write: &Write,
        chunk: &[I],
    ) -> Result<Vec<O>, Error> {
        let call = Call::with_json(
            write.method.clone(),
            write.endpoint,
            write.url.clone(),
            chunk,
        )?;
        let Some(body) = self.execute(&call).await? else {
            return Err(Error::Decode {
                endpoint: write.endpoint,
                message: "the write was answered with no content".to_owned(),
            });
        };
        let list = match write.answer {
            Answer::Array => decode::<Value>(write.endpoint, &body)?,
            Answer::Embedded(key) => decode::<Value>(write.endpoint, &body)?
                .pointer_mut(&format!("/_embedded/{key}"))
                .map(Value::take)
                .ok_or_else(|| Error::Decode {
                    endpoint: write.endpoint,
                    message: format!("the answer has no _embedded.{key}"),
                })?,
        };
        serde_json::from_value(list).map_err(|e| Error::Decode {
            endpoint: write.endpoint,
            message: e.to_string(),
        })
    }
}
