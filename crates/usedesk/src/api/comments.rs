//! Comments: `POST /create/comment`.

use serde_json::{Map, Value};

use super::params;
use crate::client::UsedeskClient;
use crate::error::{Error, MAX_KEPT_BODY, truncate};
use crate::lenient;

/// A comment to add to a ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewComment {
    /// The ticket to comment on.
    pub ticket_id: i64,
    /// The text; HTML is allowed, up to about 64 KB.
    pub message: String,
    /// Whether the client sees it.
    pub kind: CommentKind,
    /// On whose behalf it is written.
    pub from: CommentFrom,
}

/// Who sees a comment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum CommentKind {
    /// Only agents see it; Usedesk's default.
    #[default]
    Private,
    /// The client sees it too.
    Public,
}

impl CommentKind {
    /// Usedesk's name for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentKind::Private => "private",
            CommentKind::Public => "public",
        }
    }
}

/// On whose behalf a comment is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum CommentFrom {
    /// Usedesk's default: the account's first agent.
    #[default]
    Default,
    /// An agent.
    User {
        /// The agent's id.
        user_id: i64,
    },
    /// A trigger (Usedesk shows such comments as written by its bot).
    Trigger {
        /// The trigger's id.
        trigger_id: i64,
    },
}

impl NewComment {
    /// A private comment on `ticket_id` by Usedesk's default author.
    pub fn private(ticket_id: i64, message: impl Into<String>) -> NewComment {
        NewComment {
            ticket_id,
            message: message.into(),
            ..NewComment::default()
        }
    }

    fn to_params(&self) -> Map<String, Value> {
        let mut params = params([
            ("ticket_id", self.ticket_id.into()),
            ("message", self.message.clone().into()),
            ("type", self.kind.as_str().into()),
        ]);
        match self.from {
            CommentFrom::Default => {}
            CommentFrom::User { user_id } => {
                params.insert("from".to_owned(), "user".into());
                params.insert("user_id".to_owned(), user_id.into());
            }
            CommentFrom::Trigger { trigger_id } => {
                params.insert("from".to_owned(), "trigger".into());
                params.insert("trigger_id".to_owned(), trigger_id.into());
            }
        }
        params
    }
}

/// Usedesk's confirmation of a new comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentCreated {
    /// The new comment's id.
    pub comment_id: i64,
}

impl UsedeskClient {
    /// Adds a comment to a ticket (`POST /create/comment`).
    ///
    /// Succeeds only when Usedesk answers `"status": "success"` with the new
    /// comment's id.
    pub async fn create_comment(&self, comment: &NewComment) -> Result<CommentCreated, Error> {
        const METHOD: &str = "create/comment";
        let answer = self.call_value(METHOD, comment.to_params()).await?;
        let body = || truncate(&answer.to_string(), MAX_KEPT_BODY);
        let status = answer.get("status").cloned().unwrap_or(Value::Null);
        let confirmed = match &status {
            Value::String(status) => status.trim().eq_ignore_ascii_case("success"),
            Value::Bool(status) => *status,
            _ => false,
        };
        if !confirmed {
            return Err(Error::Api {
                message: format!(
                    "the comment was not confirmed: status is {}, expected \"success\"",
                    lenient::describe(&status)
                ),
                body: body(),
            });
        }
        match answer.get("comment_id").map(lenient::int) {
            Some(Ok(Some(comment_id))) => Ok(CommentCreated { comment_id }),
            _ => Err(Error::Decode {
                method: METHOD.to_owned(),
                message: format!("no comment_id in a successful answer: {}", body()),
            }),
        }
    }
}
