//! Pipelines and their stages (`GET /api/v4/leads/pipelines`).

use serde::Deserialize;

use crate::models::lead::{STATUS_LOST, STATUS_WON};
use crate::serde_util::null_default;

/// A sales pipeline with its stages.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "PipelineWire")]
pub struct Pipeline {
    /// Pipeline id.
    pub id: i64,
    /// Pipeline name.
    pub name: String,
    /// Sort position.
    pub sort: i64,
    /// Whether it is the account's main pipeline.
    pub is_main: bool,
    /// Whether the "incoming leads" stage is on.
    pub is_unsorted_on: bool,
    /// Whether the pipeline is archived.
    pub is_archive: bool,
    /// The account id.
    pub account_id: i64,
    /// The stages, in amoCRM's order (`_embedded.statuses`).
    pub statuses: Vec<Status>,
}

impl Pipeline {
    /// The stage with `status_id`.
    pub fn status(&self, status_id: i64) -> Option<&Status> {
        self.statuses.iter().find(|s| s.id == status_id)
    }
}

/// A pipeline stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Status {
    /// Status id (142 won and 143 lost in every pipeline).
    pub id: i64,
    /// Stage name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Sort position.
    #[serde(default, deserialize_with = "null_default")]
    pub sort: i64,
    /// Stage colour, such as `#99ccff`.
    #[serde(default, deserialize_with = "null_default")]
    pub color: String,
    /// 1 for the incoming (unsorted) stage, 0 for regular stages.
    #[serde(default, rename = "type", deserialize_with = "null_default")]
    pub type_: i64,
    /// The pipeline it belongs to.
    #[serde(default, deserialize_with = "null_default")]
    pub pipeline_id: i64,
    /// Whether users may edit the stage (system stages are not editable).
    #[serde(default, deserialize_with = "null_default")]
    pub is_editable: bool,
}

impl Status {
    /// Whether this is the won stage.
    pub fn is_won(&self) -> bool {
        self.id == STATUS_WON
    }

    /// Whether this is the lost stage.
    pub fn is_lost(&self) -> bool {
        self.id == STATUS_LOST
    }

    /// Whether this is the incoming (unsorted) stage.
    pub fn is_incoming(&self) -> bool {
        self.type_ == 1
    }
}

#[derive(Deserialize)]
struct PipelineWire {
    id: i64,
    #[serde(default, deserialize_with = "null_default")]
    name: String,
    #[serde(default, deserialize_with = "null_default")]
    sort: i64,
    #[serde(default, deserialize_with = "null_default")]
    is_main: bool,
    #[serde(default, deserialize_with = "null_default")]
    is_unsorted_on: bool,
    #[serde(default, deserialize_with = "null_default")]
    is_archive: bool,
    #[serde(default, deserialize_with = "null_default")]
    account_id: i64,
    #[serde(default, rename = "_embedded", deserialize_with = "null_default")]
    embedded: PipelineEmbedded,
}

#[derive(Default, Deserialize)]
struct PipelineEmbedded {
    #[serde(default, deserialize_with = "null_default")]
    statuses: Vec<Status>,
}

impl From<PipelineWire> for Pipeline {
    fn from(wire: PipelineWire) -> Pipeline {
        Pipeline {
            id: wire.id,
            name: wire.name,
            sort: wire.sort,
            is_main: wire.is_main,
            is_unsorted_on: wire.is_unsorted_on,
            is_archive: wire.is_archive,
            account_id: wire.account_id,
            statuses: wire.embedded.statuses,
        }
    }
}
