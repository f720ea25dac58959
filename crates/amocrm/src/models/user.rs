//! Users (`GET /api/v4/users`).

use serde::Deserialize;

use crate::serde_util::null_default;

/// A user of the account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    /// User id.
    pub id: i64,
    /// Display name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// E-mail (login).
    #[serde(default, deserialize_with = "null_default")]
    pub email: String,
    /// Interface language, such as `ru`.
    #[serde(default)]
    pub lang: Option<String>,
    /// The user's rights.
    #[serde(default, deserialize_with = "null_default")]
    pub rights: UserRights,
}

/// The parts of a user's rights this client exposes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct UserRights {
    /// Whether the user is an administrator.
    #[serde(default, deserialize_with = "null_default")]
    pub is_admin: bool,
    /// Whether the user is a free (read-only) user.
    #[serde(default, deserialize_with = "null_default")]
    pub is_free: bool,
    /// Whether the user is active.
    #[serde(default, deserialize_with = "null_default")]
    pub is_active: bool,
    /// The user's group.
    #[serde(default)]
    pub group_id: Option<i64>,
    /// The user's role.
    #[serde(default)]
    pub role_id: Option<i64>,
}
