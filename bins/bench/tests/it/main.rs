//! Tests of the benchmark's own parts: the markers it reads from real block HTML, the consent form of the
//! real sandbox, percentiles, pacing, tables and `/proc` parsing.

mod html;
mod login_form;
mod numbers;
mod pacing;
