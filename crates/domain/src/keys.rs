//! Typed names for what forms and settings refer to: a field ([`FieldKey`]) and a stage ([`StageRef`]).
//! Their text forms (`cf:123`, `3001:142`) exist only at the edges — form inputs, stored choices, JSON.

use std::fmt;
use std::str::FromStr;

/// A field of a deal or contact form, of a field choice, or named by a validation error: a built-in field
/// by name, or an amoCRM custom field by id. Its text form is `name`, `price`, … or `cf:<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum FieldKey {
    /// The deal's or contact's name.
    Name,
    /// The deal's budget.
    Price,
    /// The deal's pipeline and stage.
    Stage,
    /// The responsible user.
    Responsible,
    /// The note added with a new deal.
    Note,
    /// A phone of a contact.
    Phone,
    /// An e-mail of a contact.
    Email,
    /// A comment on a deal.
    Comment,
    /// Why a deal was lost.
    LossReason,
    /// A contact's position (job title).
    Position,
    /// A new contact's company.
    Company,
    /// An amoCRM custom field, by id.
    Custom(i64),
}

impl FieldKey {
    const BUILT_IN: [(FieldKey, &'static str); 11] = [
        (Self::Name, "name"),
        (Self::Price, "price"),
        (Self::Stage, "stage"),
        (Self::Responsible, "responsible"),
        (Self::Note, "note"),
        (Self::Phone, "phone"),
        (Self::Email, "email"),
        (Self::Comment, "comment"),
        (Self::LossReason, "loss_reason"),
        (Self::Position, "position"),
        (Self::Company, "company"),
    ];

    /// The custom field's id, when it is one.
    pub fn custom_id(self) -> Option<i64> {
        match self {
            Self::Custom(id) => Some(id),
            _ => None,
        }
    }

    /// A built-in field's name (`None` for a custom field).
    pub fn built_in_name(self) -> Option<&'static str> {
        Self::BUILT_IN
            .iter()
            .find(|(key, _)| *key == self)
            .map(|(_, name)| *name)
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Custom(id) => write!(f, "cf:{id}"),
            other => f.write_str(other.built_in_name().unwrap_or_default()),
        }
    }
}

/// A text that names no field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a field key: {0:?}")]
pub struct UnknownFieldKey(pub String);

impl FromStr for FieldKey {
    type Err = UnknownFieldKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(id) = s.strip_prefix("cf:") {
            return id
                .trim()
                .parse()
                .map(Self::Custom)
                .map_err(|_| UnknownFieldKey(s.to_owned()));
        }
        Self::BUILT_IN
            .iter()
            .find(|(_, name)| *name == s)
            .map(|(key, _)| *key)
            .ok_or_else(|| UnknownFieldKey(s.to_owned()))
    }
}

impl TryFrom<String> for FieldKey {
    type Error = UnknownFieldKey;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<FieldKey> for String {
    fn from(key: FieldKey) -> Self {
        key.to_string()
    }
}

impl PartialEq<&str> for FieldKey {
    fn eq(&self, other: &&str) -> bool {
        other.parse::<FieldKey>().is_ok_and(|key| key == *self)
    }
}

/// Reads a stored list of field keys, leaving out any this version does not know, so a choice saved by a
/// newer or older version never makes the whole list unreadable.
pub(crate) fn known_field_keys<'de, D>(deserializer: D) -> Result<Vec<FieldKey>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let texts: Vec<String> = serde::Deserialize::deserialize(deserializer)?;
    Ok(texts.iter().filter_map(|t| t.parse().ok()).collect())
}

/// A stage of a pipeline: amoCRM needs both ids, since a status id alone is ambiguous across pipelines.
/// Its text form, in forms and links, is `pipeline:status`; stored, it is the pair `[pipeline, status]`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(from = "(i64, i64)", into = "(i64, i64)")]
pub struct StageRef {
    /// The pipeline's id.
    pub pipeline_id: i64,
    /// The stage's (status's) id within the pipeline.
    pub status_id: i64,
}

impl StageRef {
    /// The stage `status_id` of pipeline `pipeline_id`.
    pub fn new(pipeline_id: i64, status_id: i64) -> Self {
        Self {
            pipeline_id,
            status_id,
        }
    }
}

impl fmt::Display for StageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.pipeline_id, self.status_id)
    }
}

impl From<(i64, i64)> for StageRef {
    fn from((pipeline_id, status_id): (i64, i64)) -> Self {
        Self::new(pipeline_id, status_id)
    }
}

impl From<StageRef> for (i64, i64) {
    fn from(stage: StageRef) -> Self {
        (stage.pipeline_id, stage.status_id)
    }
}

/// A text that names no stage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a stage (pipeline:status): {0:?}")]
pub struct BadStageRef(pub String);

impl FromStr for StageRef {
    type Err = BadStageRef;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadStageRef(s.to_owned());
        let (pipeline, status) = s.split_once(':').ok_or_else(bad)?;
        Ok(Self::new(
            pipeline.trim().parse().map_err(|_| bad())?,
            status.trim().parse().map_err(|_| bad())?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_key_reads_back_from_its_text() {
        let keys = [FieldKey::Name, FieldKey::Comment, FieldKey::Custom(705)];
        for key in keys {
            assert_eq!(key.to_string().parse::<FieldKey>(), Ok(key));
        }
        assert_eq!(FieldKey::Custom(705).to_string(), "cf:705");
        assert!("cf:x".parse::<FieldKey>().is_err());
        assert!("budget".parse::<FieldKey>().is_err());
    }

    #[test]
    fn stored_choices_with_a_key_this_version_does_not_know_still_read() {
        let stored = r#"{"list": ["cf:703", "cf:bogus", "created_by"], "card": ["cf:702"]}"#;
        let choices: crate::store::FieldChoices = serde_json::from_str(stored).unwrap();
        assert_eq!(choices.list, vec![FieldKey::Custom(703)]);
        assert_eq!(choices.card, vec![FieldKey::Custom(702)]);
    }

    #[test]
    fn a_stage_reads_back_from_pipeline_colon_status() {
        let stage: StageRef = " 3001 : 142 ".parse().unwrap();
        assert_eq!(stage, StageRef::new(3001, 142));
        assert_eq!(stage.to_string(), "3001:142");
        assert!("3001".parse::<StageRef>().is_err());
        assert!("a:b".parse::<StageRef>().is_err());
    }
}
