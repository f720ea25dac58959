//! The views: every block state in every language and every page in English and Russian (insta snapshots
//! under `tests/snapshots/`), what the markup must always be (one root, no script, scoped styles, balanced
//! tags, every message translated), and that no text or colour from amoCRM or Usedesk escapes its place.

mod blocks;
mod html;
mod pages;
mod safety;
mod samples;
mod search;

/// Snapshots `html` as `tests/snapshots/<name>.snap`, with the stylesheets left out (they are tested apart,
/// and would otherwise repeat in every snapshot).
fn snapshot(name: &str, html: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, html::without_styles(html)));
}
