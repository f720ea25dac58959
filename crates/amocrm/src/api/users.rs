//! `GET /api/v4/users`.

use crate::Error;
use crate::api::MAX_PAGE_LIMIT;
use crate::client::AmoClient;
use crate::models::User;
use crate::page::List;

/// The users list. A 403 here means the token's user is not an administrator, not a block, so
/// it never pauses the account.
const LIST: List = List {
    forbidden_pauses: false,
    ..List::new("GET /api/v4/users", "users")
};

/// The account's users; see [`AmoClient::users`].
#[derive(Debug, Clone, Copy)]
pub struct UsersApi<'a> {
    client: &'a AmoClient,
}

impl<'a> UsersApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        UsersApi { client }
    }

    /// Every user, all pages. Only administrators may list users: for others amoCRM answers 403,
    /// given as [`Error::Forbidden`].
    pub async fn list_all(&self) -> Result<Vec<User>, Error> {
        let query = [("limit".to_owned(), MAX_PAGE_LIMIT.to_string())];
        let url = self.client.url("/api/v4/users", &query);
        self.client.fetch_all(&LIST, url).await
    }
}
