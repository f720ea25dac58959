//! Looking messages up in the Fluent bundles.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;

use crate::{Error, Lang, resources};

/// A value for a `{ $variable }` in a message.
///
/// Numbers select plural forms (`{ $count -> [one] … *[other] … }`); strings
/// are inserted as they are.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text, such as a name or a formatted date.
    Str(String),
    /// A whole number, such as a count.
    Int(i64),
    /// A number that may have a fraction.
    Num(f64),
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Str(value.to_owned())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Str(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Str(value.clone())
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<i32> for Arg {
    fn from(value: i32) -> Self {
        Arg::Int(value.into())
    }
}

impl From<u32> for Arg {
    fn from(value: u32) -> Self {
        Arg::Int(value.into())
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Self {
        // Counts of things on a page never come near i64::MAX; saturating
        // keeps the conversion total without a panic path.
        Arg::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<f64> for Arg {
    fn from(value: f64) -> Self {
        Arg::Num(value)
    }
}

impl Arg {
    fn to_fluent(&self) -> FluentValue<'_> {
        match self {
            Arg::Str(text) => FluentValue::from(text.as_str()),
            Arg::Int(number) => FluentValue::from(*number),
            Arg::Num(number) => FluentValue::from(*number),
        }
    }
}

/// The bundle of one language plus the ids of its messages, which Fluent
/// itself does not list.
struct LangBundle {
    bundle: FluentBundle<FluentResource>,
    ids: Vec<String>,
    /// The text of every message without variables or references, formatted once: pages ask for the same
    /// labels hundreds of times.
    plain: HashMap<String, String>,
}

/// All translations, ready to format messages from any thread.
///
/// Build it once: [`Translator::global`] holds the compiled-in catalogue.
pub struct Translator {
    /// One bundle per language, indexed by [`Lang::index`].
    langs: Vec<LangBundle>,
}

impl fmt::Debug for Translator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for lang in Lang::ALL {
            map.entry(&lang.code(), &self.langs[lang.index()].ids.len());
        }
        map.finish()
    }
}

static GLOBAL: LazyLock<Translator> = LazyLock::new(|| {
    let (translator, _problems) = build(compiled_in());
    translator
});

impl Translator {
    /// The compiled-in catalogue, built on first use.
    ///
    /// Should a compiled-in file ever be broken, every message that did parse
    /// still works and the rest fall back as [`Translator::t`] describes;
    /// [`Translator::new`] is the strict variant that reports the problem.
    pub fn global() -> &'static Translator {
        &GLOBAL
    }

    /// Builds a translator from the compiled-in files and reports every
    /// parse error or duplicate message id instead of skipping it.
    pub fn new() -> Result<Translator, Error> {
        strict(build(compiled_in()))
    }

    /// Builds a translator from other FTL texts, given as
    /// `(language, file name, FTL)`; the file name only appears in errors.
    ///
    /// This serves catalogues that do not come with the binary, such as an
    /// operator's corrected wording, and tests of the lookup rules.
    pub fn from_ftl(sources: &[(Lang, &str, &str)]) -> Result<Translator, Error> {
        strict(build(sources.iter().map(|&(lang, file, ftl)| {
            (lang, file.to_owned(), ftl.to_owned())
        })))
    }

    /// The message `id` in `lang`, without variables.
    ///
    /// A message the language lacks is taken from English; a message English
    /// lacks too comes back as its id, so a gap shows up on screen as a
    /// readable key instead of an empty string.
    pub fn t(&self, lang: Lang, id: &str) -> String {
        match self.langs[lang.index()].plain.get(id) {
            Some(text) => text.clone(),
            None => self.format(lang, id, None),
        }
    }

    /// The message `id` in `lang` borrowed as it is, when `lang` has it and it
    /// has no variables; `None` otherwise (then [`Translator::t`] falls back).
    pub fn plain(&self, lang: Lang, id: &str) -> Option<&str> {
        self.langs[lang.index()].plain.get(id).map(String::as_str)
    }

    /// The message `id` in `lang` with its `{ $variables }` filled from
    /// `args`; falls back like [`Translator::t`].
    ///
    /// A variable missing from `args` is shown as `{$name}` rather than
    /// failing the whole message.
    pub fn t_args(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.to_fluent());
        }
        self.format(lang, id, Some(&fluent_args))
    }

    /// Whether `lang` itself has the message `id`, fallback not counted.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.langs[lang.index()].bundle.has_message(id)
    }

    /// The ids of every message `lang` has, sorted.
    pub fn message_ids(&self, lang: Lang) -> Vec<String> {
        self.langs[lang.index()].ids.clone()
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        [lang, Lang::En]
            .into_iter()
            .find_map(|candidate| self.format_in(candidate, id, args))
            .unwrap_or_else(|| id.to_owned())
    }

    fn format_in(&self, lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let bundle = &self.langs[lang.index()].bundle;
        let pattern = bundle.get_message(id)?.value()?;
        // Resolution errors (a missing variable, say) still produce usable
        // text with the gap marked, which beats falling back to another
        // language, so the errors are not acted upon here.
        let mut errors = Vec::new();
        let text: Cow<'_, str> = bundle.format_pattern(pattern, args, &mut errors);
        Some(text.into_owned())
    }
}

/// The compiled-in files of every language as `(language, file, FTL)`.
fn compiled_in() -> impl Iterator<Item = (Lang, String, String)> {
    Lang::ALL.into_iter().flat_map(|lang| {
        resources(lang)
            .iter()
            .map(move |res| (lang, res.file.to_owned(), res.source.to_owned()))
    })
}

/// The messages among `ids` whose value is text alone (no variable, term or other message), formatted.
fn plain_texts(bundle: &FluentBundle<FluentResource>, ids: &[String]) -> HashMap<String, String> {
    ids.iter()
        .filter_map(|id| {
            let pattern = bundle.get_message(id)?.value()?;
            let plain = pattern
                .elements
                .iter()
                .all(|e| matches!(e, ast::PatternElement::TextElement { .. }));
            plain.then(|| {
                let text = bundle.format_pattern(pattern, None, &mut Vec::new());
                (id.clone(), text.into_owned())
            })
        })
        .collect()
}

/// Turns a build with problems into the first problem.
fn strict((translator, mut problems): (Translator, Vec<Error>)) -> Result<Translator, Error> {
    if problems.is_empty() {
        Ok(translator)
    } else {
        Err(problems.swap_remove(0))
    }
}

/// Builds every language's bundle from `sources`, keeping whatever parses and
/// collecting one error per faulty file.
fn build(sources: impl Iterator<Item = (Lang, String, String)>) -> (Translator, Vec<Error>) {
    let mut langs: Vec<LangBundle> = Lang::ALL
        .into_iter()
        .map(|lang| {
            let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
            // The text ends up in HTML through an escaping template engine,
            // where Unicode isolation marks would only show up as junk.
            bundle.set_use_isolating(false);
            LangBundle {
                bundle,
                ids: Vec::new(),
                plain: HashMap::new(),
            }
        })
        .collect();
    let mut problems = Vec::new();
    for (lang, file, ftl) in sources {
        let mut found: Vec<String> = Vec::new();
        let resource = match FluentResource::try_new(ftl) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                found.extend(errors.iter().map(ToString::to_string));
                resource
            }
        };
        let target = &mut langs[lang.index()];
        target
            .ids
            .extend(resource.entries().filter_map(|entry| match entry {
                ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            }));
        if let Err(errors) = target.bundle.add_resource(resource) {
            found.extend(errors.iter().map(ToString::to_string));
        }
        if !found.is_empty() {
            problems.push(Error::InvalidResource {
                lang,
                file,
                problems: found.join("; "),
            });
        }
    }
    for target in &mut langs {
        target.ids.sort();
        target.ids.dedup();
        target.plain = plain_texts(&target.bundle, &target.ids);
    }
    (Translator { langs }, problems)
}
