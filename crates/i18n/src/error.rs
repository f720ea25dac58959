//! The crate's error type.

use crate::Lang;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A language code that names none of the supported languages.
    #[error("unknown language code {code:?}: expected one of en, es, pt, ru")]
    UnknownLanguage {
        /// The code as it was given.
        code: String,
    },
    /// A Fluent resource that does not parse, or that defines a message
    /// another resource of the same language already defines.
    #[error("locale resource {lang}/{file} is invalid: {problems}")]
    InvalidResource {
        /// The language the resource belongs to.
        lang: Lang,
        /// The resource's file name, e.g. `block.ftl`.
        file: String,
        /// What is wrong, one problem after another separated by `; `.
        problems: String,
    },
}
