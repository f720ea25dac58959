//! What is wrong with a trigger payload, one entry per mistake.

use std::fmt;

/// One thing wrong with a `freeCreateLead` payload.
///
/// The message is English, names the field, and says what to fix; it is
/// meant for the admin who wrote the trigger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where the problem is, such as `ticketId` or
    /// `fields.custom_fields_values[1].values[0]`; `body` for the body as a
    /// whole. Inside a trigger envelope, paths start with `data.`.
    pub path: String,
    /// What kind of problem it is.
    pub code: ProblemCode,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The kind of a [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// A required value is absent or blank.
    Missing,
    /// The value has the wrong JSON type, such as an array where a number belongs.
    WrongType,
    /// The value has the right type but is not acceptable, such as a price of 12.5.
    Invalid,
    /// The value is a template placeholder such as `{{ticket_id}}` that the
    /// trigger did not substitute.
    Unexpanded,
    /// The body is larger than the trigger endpoint accepts.
    TooLarge,
    /// The body is not valid JSON.
    Syntax,
}

impl ProblemCode {
    /// The code as it appears in JSON answers: `missing`, `wrong_type`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Missing => "missing",
            ProblemCode::WrongType => "wrong_type",
            ProblemCode::Invalid => "invalid",
            ProblemCode::Unexpanded => "unexpanded",
            ProblemCode::TooLarge => "too_large",
            ProblemCode::Syntax => "syntax",
        }
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Collects problems while a payload is read, so every mistake is reported
/// at once rather than one per attempt.
pub(crate) struct Problems {
    /// `data` when the payload sat inside a trigger envelope, else empty.
    prefix: &'static str,
    list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn new(prefix: &'static str) -> Problems {
        Problems {
            prefix,
            list: Vec::new(),
        }
    }

    /// Records a problem at a path relative to the payload.
    pub(crate) fn push(&mut self, local: &str, code: ProblemCode, message: String) {
        let path = if self.prefix.is_empty() {
            local.to_owned()
        } else {
            format!("{}.{local}", self.prefix)
        };
        self.list.push(Problem {
            path,
            code,
            message,
        });
    }

    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}

/// A problem with the body as a whole.
pub(crate) fn body_problem(path: &str, code: ProblemCode, message: String) -> Vec<Problem> {
    vec![Problem {
        path: path.to_owned(),
        code,
        message,
    }]
}
