//! The block's language, chosen by the admin in the block's POST parameters.

use std::fmt;

/// A language the block is shown in.
///
/// The block's settings name it with a code (`en`, `es`, `pt`, `ru`); regional
/// forms (`pt-BR`, `ru_RU`) and the languages' own names (`Português`,
/// `Русский`) are understood too. Anything else falls back to English.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English, the default.
    #[default]
    En,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
    /// Russian.
    Ru,
}

impl Language {
    /// Every supported language, in a stable order.
    pub const ALL: [Language; 4] = [Language::En, Language::Es, Language::Pt, Language::Ru];

    /// The two-letter ISO 639-1 code: `en`, `es`, `pt` or `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Es => "es",
            Language::Pt => "pt",
            Language::Ru => "ru",
        }
    }

    /// Reads a language from a code or a name, case-insensitively.
    ///
    /// Accepts `en`, `EN`, `pt-BR`, `ru_RU.UTF-8`, three-letter codes (`por`),
    /// and names in English or in the language itself (`Spanish`, `Español`,
    /// `Русский`). Returns `None` for anything else.
    pub fn from_code(code: &str) -> Option<Language> {
        let lowered = code.trim().to_lowercase();
        // The primary subtag decides: "pt-BR", "pt_PT" and "pt.UTF-8" are all Portuguese.
        let primary = lowered
            .split(['-', '_', '.', '@', ' ', '(', ','])
            .next()
            .unwrap_or_default();
        let language = match primary {
            "en" | "eng" | "english" | "inglés" | "ingles" | "inglês" | "английский" => {
                Language::En
            }
            "es" | "spa" | "esp" | "spanish" | "español" | "espanol" | "espanhol" | "испанский" => {
                Language::Es
            }
            "pt"
            | "por"
            | "portuguese"
            | "português"
            | "portugues"
            | "portugués"
            | "португальский" => Language::Pt,
            "ru" | "rus" | "russian" | "русский" | "ruso" | "russo" | "рус" => {
                Language::Ru
            }
            _ => return None,
        };
        Some(language)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
