//! Agents: `POST /users`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::list_items;
use crate::client::UsedeskClient;
use crate::error::Error;
use crate::lenient::de;

/// A Usedesk agent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The agent's id.
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    /// The agent's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub name: Option<String>,
    /// The agent's e-mail address.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub email: Option<String>,
    /// The agent's position.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub position: Option<String>,
    /// The agent's role: `admin`, `employee` or `support`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub role: Option<String>,
    /// The agent's phone.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub phone: Option<String>,
    /// The groups the agent belongs to.
    #[serde(default, deserialize_with = "de::list")]
    pub groups: Vec<UserGroup>,
    /// Other keys (online statuses, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A group of agents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserGroup {
    /// The group's id.
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    /// The group's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub name: Option<String>,
}

impl UsedeskClient {
    /// The account's agents with their groups (`POST /users`).
    ///
    /// Entries Usedesk sends without a readable id are skipped.
    pub async fn users(&self) -> Result<Vec<User>, Error> {
        let answer = self.call_value("users", Map::new()).await?;
        Ok(list_items(answer, "users")
            .into_iter()
            .filter_map(|item| {
                User::deserialize(&item)
                    .inspect_err(|error| tracing::debug!(%error, "skipped an unreadable agent"))
                    .ok()
            })
            .collect())
    }
}
