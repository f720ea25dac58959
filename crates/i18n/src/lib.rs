//! Translations and locale-aware formatting for the usedesk-amocrm block.
//!
//! Every string a support agent or an administrator sees — in the block, on
//! the pages that open in a new tab, in the private comments written to
//! Usedesk and in the trigger API's error messages — comes from the Fluent
//! files under `locales/{en,es,pt,ru}/`, which are compiled into the binary.
//! The crate also formats money, dates and times the way each language writes
//! them, because Fluent's own number formatting does not group digits or
//! place currency symbols.
//!
//! ```
//! use i18n::{Arg, Lang, Translator};
//!
//! let t = Translator::global();
//! let lang = Lang::from_code("ru-RU").unwrap_or_default();
//! assert_eq!(t.t(lang, "deals-title"), "Сделки");
//! assert_eq!(
//!     t.t_args(lang, "deals-count", &[("count", Arg::from(5))]),
//!     "5 сделок"
//! );
//! assert_eq!(i18n::format_money(lang, 12_500, "RUB", None), "12\u{202f}500\u{a0}₽");
//! ```
#![deny(missing_docs)]

mod datetime;
mod error;
mod lang;
mod money;
mod resources;
mod translator;

pub use datetime::{format_date, format_datetime, format_day_month, format_time};
pub use error::Error;
pub use lang::Lang;
pub use money::format_money;
pub use resources::{FILES, Resource, resources};
pub use translator::{Arg, Translator};
