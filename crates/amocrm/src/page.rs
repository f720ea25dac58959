//! HAL list answers (`_embedded`, `_links.next`) and following them page by page.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use url::Url;

use crate::Error;
use crate::client::{AmoClient, Call, decode};

/// The most pages a `list_all` follows; amoCRM pages hold up to 250 entities, so this bounds a
/// runaway pagination (a server that always links a next page) well above real use.
const MAX_PAGES: usize = 400;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The entities on this page (empty for a 204 answer).
    pub items: Vec<T>,
    /// The next page, when amoCRM linked one. Always on the account's own origin.
    pub next: Option<Url>,
}

impl<T> Page<T> {
    fn empty() -> Page<T> {
        Page {
            items: Vec::new(),
            next: None,
        }
    }
}

#[derive(Deserialize)]
struct Hal {
    #[serde(default, rename = "_links")]
    links: Option<HalLinks>,
    #[serde(default, rename = "_embedded")]
    embedded: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct HalLinks {
    #[serde(default)]
    next: Option<HalLink>,
}

#[derive(Deserialize)]
struct HalLink {
    href: String,
}

/// Which list an endpoint returns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct List {
    /// The endpoint label, such as `GET /api/v4/contacts`.
    pub(crate) endpoint: &'static str,
    /// The key under `_embedded` holding the items.
    pub(crate) key: &'static str,
    /// Whether a 403 pauses the account (see [`Call::forbidden_pauses`]).
    pub(crate) forbidden_pauses: bool,
}

impl List {
    pub(crate) const fn new(endpoint: &'static str, key: &'static str) -> List {
        List {
            endpoint,
            key,
            forbidden_pauses: true,
        }
    }
}

impl AmoClient {
    /// Fetches one page from `url`.
    pub(crate) async fn fetch_page<T: DeserializeOwned>(
        &self,
        list: &List,
        url: Url,
    ) -> Result<Page<T>, Error> {
        let call = Call {
            forbidden_pauses: list.forbidden_pauses,
            ..Call::get(list.endpoint, url)
        };
        match self.execute(&call).await? {
            Some(body) => self.parse_page(list, &body),
            None => Ok(Page::empty()),
        }
    }

    /// Fetches `first` and every page linked by `_links.next`, until none is linked or amoCRM
    /// answers 204.
    pub(crate) async fn fetch_all<T: DeserializeOwned>(
        &self,
        list: &List,
        first: Url,
    ) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut next = Some(first);
        let mut pages = 0;
        while let Some(url) = next {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(Error::Decode {
                    endpoint: list.endpoint,
                    message: format!("pagination did not end after {MAX_PAGES} pages"),
                });
            }
            let page = self.fetch_page::<T>(list, url).await?;
            items.extend(page.items);
            next = page.next;
        }
        Ok(items)
    }

    /// Like [`fetch_all`](Self::fetch_all), but the first page's URL is made only when its request has its
    /// limiter slot.
    pub(crate) async fn fetch_all_deferred<T: DeserializeOwned>(
        &self,
        list: &List,
        first: Box<dyn FnOnce() -> Result<Url, Error> + Send + '_>,
    ) -> Result<Vec<T>, Error> {
        let (endpoint, forbidden_pauses) = (list.endpoint, list.forbidden_pauses);
        let body = self
            .execute_deferred(Box::new(move || {
                Ok(Call {
                    forbidden_pauses,
                    ..Call::get(endpoint, first()?)
                })
            }))
            .await?;
        let page: Page<T> = match body {
            Some(body) => self.parse_page(list, &body)?,
            None => return Ok(Vec::new()),
        };
        let mut items = page.items;
        if let Some(next) = page.next {
            items.extend(self.fetch_all::<T>(list, next).await?);
        }
        Ok(items)
    }

    /// Items of a HAL body; a missing or `null` `_embedded.{key}` is an empty page.
    fn parse_page<T: DeserializeOwned>(&self, list: &List, body: &[u8]) -> Result<Page<T>, Error> {
        let (endpoint, key) = (list.endpoint, list.key);
        let hal: Hal = decode(endpoint, body)?;
        let items = match hal.embedded.and_then(|mut e| e.remove(key)) {
            None | Some(Value::Null) => Vec::new(),
            Some(value) => serde_json::from_value(value).map_err(|e| Error::Decode {
                endpoint,
                message: format!("_embedded.{key}: {e}"),
            })?,
        };
        let next = match hal.links.and_then(|l| l.next) {
            Some(link) => Some(self.same_origin_link(endpoint, &link.href)?),
            None => None,
        };
        Ok(Page { items, next })
    }

    /// Resolves a next-page link, refusing one that leaves the account's origin: following it
    /// would send the bearer token to another host.
    fn same_origin_link(&self, endpoint: &'static str, href: &str) -> Result<Url, Error> {
        let base = self.host().url();
        let url = base.join(href).map_err(|e| Error::Decode {
            endpoint,
            message: format!("next page link {href:?} is not a URL: {e}"),
        })?;
        if url.origin() != base.origin() {
            return Err(Error::Decode {
                endpoint,
                message: format!(
                    "next page link points to {}, not to the account {}",
                    url.origin().ascii_serialization(),
                    self.host()
                ),
            });
        }
        Ok(url)
    }
}
