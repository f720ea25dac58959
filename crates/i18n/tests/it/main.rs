//! Integration tests of the translations and the formatters.

mod catalogue;
mod dates;
mod ftl;
mod lang;
mod lookup;
mod money;
mod plurals;
