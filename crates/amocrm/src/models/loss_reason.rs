//! Loss reasons (`/api/v4/leads/loss_reasons`).

use serde::Deserialize;

use crate::serde_util::null_default;

/// A loss reason (`GET /api/v4/leads/loss_reasons`): why a lead was closed as lost.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LossReason {
    /// Reason id, sent as a lead's `loss_reason_id`.
    pub id: i64,
    /// Name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Sort order.
    #[serde(default, deserialize_with = "null_default")]
    pub sort: i64,
}
