//! Small shapes shared by several endpoints.

use serde::{Deserialize, Serialize};

use crate::serde_util::{lenient_string, null_default};

/// An entity created by a batch create: its new id and the `request_id` it was sent with.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Created {
    /// The new entity's id.
    pub id: i64,
    /// The `request_id` of the input item, echoed by amoCRM.
    #[serde(default, deserialize_with = "lenient_string")]
    pub request_id: Option<String>,
}

/// An entity changed by a batch update.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Updated {
    /// The entity's id.
    pub id: i64,
    /// When it was updated (unix seconds), when amoCRM said.
    #[serde(default)]
    pub updated_at: Option<i64>,
}

/// A tag attached to an entity.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Tag {
    /// Tag id.
    pub id: i64,
    /// Tag name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Tag colour, when set.
    #[serde(default)]
    pub color: Option<String>,
}

/// A tag to attach on create, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct TagName<'a> {
    pub(crate) name: &'a str,
}

/// A reference to an existing entity by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct IdOnly {
    pub(crate) id: i64,
}
