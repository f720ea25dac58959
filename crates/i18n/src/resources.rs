//! The Fluent files compiled into the binary.

use crate::Lang;

/// The names of the Fluent files every language has, one per area of the
/// user interface.
pub const FILES: [&str; 5] = [
    "block.ftl",
    "forms.ftl",
    "feed.ftl",
    "pages.ftl",
    "find.ftl",
];

/// One compiled-in Fluent file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// The file name inside `locales/<lang>/`, one of [`FILES`].
    pub file: &'static str,
    /// The file's FTL text.
    pub source: &'static str,
}

/// Declares the resources of one language in the order of [`FILES`], so the
/// list cannot name a file another language lacks without failing to build.
macro_rules! language {
    ($code:literal) => {
        [
            Resource {
                file: FILES[0],
                source: include_str!(concat!("../../../locales/", $code, "/block.ftl")),
            },
            Resource {
                file: FILES[1],
                source: include_str!(concat!("../../../locales/", $code, "/forms.ftl")),
            },
            Resource {
                file: FILES[2],
                source: include_str!(concat!("../../../locales/", $code, "/feed.ftl")),
            },
            Resource {
                file: FILES[3],
                source: include_str!(concat!("../../../locales/", $code, "/pages.ftl")),
            },
            Resource {
                file: FILES[4],
                source: include_str!(concat!("../../../locales/", $code, "/find.ftl")),
            },
        ]
    };
}

static EN: [Resource; FILES.len()] = language!("en");
static ES: [Resource; FILES.len()] = language!("es");
static PT: [Resource; FILES.len()] = language!("pt");
static RU: [Resource; FILES.len()] = language!("ru");

/// The compiled-in Fluent files of one language, in the order of [`FILES`].
pub fn resources(lang: Lang) -> &'static [Resource] {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
        Lang::Pt => &PT,
        Lang::Ru => &RU,
    }
}
