//! The languages the block speaks.

use std::fmt;
use std::str::FromStr;

use unic_langid::{LanguageIdentifier, langid};

use crate::Error;

/// A language of the user interface.
///
/// Usedesk passes the language as a POST parameter of the block; anything
/// that is not one of these four falls back to English (`Lang::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    /// English; the default and the fallback for missing translations.
    #[default]
    En,
    /// Spanish.
    Es,
    /// Portuguese as written in Brazil.
    Pt,
    /// Russian.
    Ru,
}

impl Lang {
    /// Every supported language, English first.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Es, Lang::Pt, Lang::Ru];

    /// Parses a language code such as `pt`, `pt-BR`, `pt_BR` or `RU`.
    ///
    /// Only the primary language subtag counts and case is ignored, so any
    /// regional variant maps to the one translation we have for the language.
    /// Returns `None` for anything else; callers that want the documented
    /// fallback write `Lang::from_code(code).unwrap_or_default()`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| primary.eq_ignore_ascii_case(lang.code()))
    }

    /// The two-letter code: `en`, `es`, `pt` or `ru`.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Pt => "pt",
            Lang::Ru => "ru",
        }
    }

    /// The language's name in the language itself, for language pickers.
    pub const fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Pt => "Português",
            Lang::Ru => "Русский",
        }
    }

    /// The position of the language in [`Lang::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The locale Fluent uses for plural rules.
    ///
    /// Portuguese is pinned to Brazil because European Portuguese counts zero
    /// differently.
    pub(crate) fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::En => langid!("en"),
            Lang::Es => langid!("es"),
            Lang::Pt => langid!("pt-BR"),
            Lang::Ru => langid!("ru"),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = Error;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Lang::from_code(code).ok_or_else(|| Error::UnknownLanguage {
            code: code.to_owned(),
        })
    }
}

/// Reads the codes [`Lang::from_code`] accepts (`pt`, `pt-BR`, `RU`, …), so a configuration can hold a
/// `Lang`; anything else is refused, naming the languages there are.
impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Lang::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown language {code:?}: use en, es, pt or ru"))
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize as _;
    use serde::de::IntoDeserializer as _;
    use serde::de::value::Error;

    use super::Lang;

    fn read(code: &str) -> Result<Lang, Error> {
        Lang::deserialize(code.into_deserializer())
    }

    #[test]
    fn deserializing_accepts_what_from_code_accepts() {
        assert_eq!(read("pt-BR").unwrap(), Lang::Pt);
        assert_eq!(read("RU").unwrap(), Lang::Ru);
        assert_eq!(read("en").unwrap(), Lang::En);
        let refused = read("de").unwrap_err().to_string();
        assert!(
            refused.contains("\"de\"") && refused.contains("en, es, pt or ru"),
            "{refused}"
        );
    }
}
