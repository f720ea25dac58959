//! `GET /api/v4/leads/pipelines`.

use crate::Error;
use crate::client::AmoClient;
use crate::models::Pipeline;
use crate::page::List;

const LIST: List = List::new("GET /api/v4/leads/pipelines", "pipelines");

/// Lead pipelines; see [`AmoClient::pipelines`].
#[derive(Debug, Clone, Copy)]
pub struct PipelinesApi<'a> {
    client: &'a AmoClient,
}

impl<'a> PipelinesApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        PipelinesApi { client }
    }

    /// Every pipeline with its stages (an account has at most 50, on one page; further pages
    /// are followed all the same).
    pub async fn list(&self) -> Result<Vec<Pipeline>, Error> {
        let url = self.client.url("/api/v4/leads/pipelines", &[]);
        self.client.fetch_all(&LIST, url).await
    }
}
