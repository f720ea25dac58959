//! One HTTP call as the endpoint modules describe it, and the JSON decoding of its answer.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::Error;

/// One HTTP call as the endpoint modules describe it.
pub(crate) struct Call {
    pub(crate) method: Method,
    /// A fixed label such as `GET /api/v4/contacts`, for metrics and errors.
    pub(crate) endpoint: &'static str,
    pub(crate) url: Url,
    pub(crate) body: Option<Vec<u8>>,
    /// Whether a 403 pauses the account. `false` where 403 means missing rights (users list).
    pub(crate) forbidden_pauses: bool,
}

impl Call {
    /// A GET of `url`.
    pub(crate) fn get(endpoint: &'static str, url: Url) -> Call {
        Call {
            method: Method::GET,
            endpoint,
            url,
            body: None,
            forbidden_pauses: true,
        }
    }

    /// A `method` call with `body` as its JSON.
    pub(crate) fn with_json<B: Serialize + ?Sized>(
        method: Method,
        endpoint: &'static str,
        url: Url,
        body: &B,
    ) -> Result<Call, Error> {
        let body = serde_json::to_vec(body).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        Ok(Call {
            method,
            endpoint,
            url,
            body: Some(body),
            forbidden_pauses: true,
        })
    }
}

/// A call ready to send, or one made when its request has its slot.
pub(super) enum CallSource<'a> {
    Ready(&'a Call),
    Deferred(
        Option<Box<dyn FnOnce() -> Result<Call, Error> + Send + 'a>>,
        Option<Call>,
    ),
}

impl CallSource<'_> {
    /// The call: made now, the first time it is asked for, when it was deferred.
    pub(super) fn call(&mut self) -> Result<&Call, Error> {
        match self {
            CallSource::Ready(call) => Ok(call),
            CallSource::Deferred(make, made) => {
                if let Some(make) = make.take() {
                    *made = Some(make()?);
                }
                made.as_ref()
                    .ok_or_else(|| Error::InvalidArgument("the deferred call failed".into()))
            }
        }
    }
}

/// A successful answer's body; `None` for 204 and empty bodies.
pub(crate) type Body = Option<Vec<u8>>;

/// Decodes a JSON body, naming the endpoint on failure.
pub(crate) fn decode<T: DeserializeOwned>(endpoint: &'static str, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::Decode {
        endpoint,
        message: e.to_string(),
    })
}
