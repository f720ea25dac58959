//! `GET /api/v4/account`.

use crate::Error;
use crate::api::with_list;
use crate::client::{AmoClient, Call};
use crate::models::{Account, AccountWith};

const GET: &str = "GET /api/v4/account";

/// The account's settings; see [`AmoClient::account`].
#[derive(Debug, Clone, Copy)]
pub struct AccountApi<'a> {
    client: &'a AmoClient,
}

impl<'a> AccountApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        AccountApi { client }
    }

    /// The account, with the extra parts named in `with`.
    pub async fn get(&self, with: &[AccountWith]) -> Result<Account, Error> {
        let query: Vec<(String, String)> = with_list(with.iter().map(|w| w.as_str()))
            .map(|with| ("with".to_owned(), with))
            .into_iter()
            .collect();
        let url = self.client.url("/api/v4/account", &query);
        self.client
            .fetch(&Call::get(GET, url))
            .await?
            .ok_or_else(|| Error::Decode {
                endpoint: GET,
                message: "the account was answered with no content".to_owned(),
            })
    }
}
