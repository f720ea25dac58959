//! The HTML of every block state and page, in the agent's language.
//!
//! Every byte of HTML comes from an askama template under `templates/` (auto-escaping): the code here only
//! chooses the template, translates texts and formats numbers, dates and colours. The block is inner HTML that
//! Usedesk inserts into its own page, so its styles are scoped under the root class `uda-block` and it runs no
//! `<script>`: every action is a plain form or link to the service's own pages, and its forms (add, link, unlink,
//! the deals' quick comments and their "Log this ticket to the deal", the deals' stage select, the tasks' Done) also
//! work in place through the block's one inline handler (on its root, for every form marked `data-inplace`) where
//! Usedesk lets inline handlers run.

pub mod model;

mod block;
mod card;
mod company;
mod connection;
mod contact;
mod data;
mod deal_edit;
mod deal_words;
mod deals_list;
mod find;
mod forms;
mod href;
mod page;
mod preview;
mod secret;
mod settings;
mod stage_move;
mod style;
mod task_lines;
mod tasks;
pub(crate) mod text;
pub mod ticket_log;

use i18n::Lang;

pub(crate) use deals_list::unfolded as unfolded_deals;
pub(crate) use task_lines::shown_of_contact as shown_tasks;

/// Display settings shared by every rendering.
#[derive(Debug, Clone, Copy)]
pub struct Display {
    /// The time zone of the times and dates shown (see `domain::Domain::zone`).
    pub zone: &'static domain::Zone,
    /// Now, unix seconds: times of today are shown without their date.
    pub now: i64,
    /// The country code given to bare national phone numbers (e.g. `7`), to show them internationally.
    pub default_country: Option<u16>,
}

/// The preview page's inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// Where the page POSTs the sample tickets (the service's `/api/`).
    pub api_url: String,
    /// The sample tickets to choose from.
    pub samples: Vec<PreviewSample>,
    /// The languages to choose from.
    pub languages: Vec<Lang>,
    /// The sandbox's amoCRM address in demo mode: the page then offers to simulate amoCRM failures (through
    /// its `/__sandbox/faults` and `/__sandbox/revoke-tokens`) and shows the ticket's private comments.
    pub sandbox_url: Option<String>,
}

/// One sample ticket for the preview.
#[derive(Debug, Clone, PartialEq)]
pub struct PreviewSample {
    /// What the sample is called in the picker.
    pub label: String,
    /// The JSON body to POST to `/api/`, without `language` (the page adds it).
    pub body: serde_json::Value,
}

/// The block's inner HTML (what goes into `{"html": …}`): one root element with class `uda-block`.
pub fn render_block(lang: Lang, view: &model::BlockView, display: &Display) -> String {
    block::render(text::Tr::new(lang, *display), view)
}

/// A full standalone HTML document (opened in a new tab).
pub fn render_page(lang: Lang, page: &model::PageView, display: &Display) -> String {
    page::render(text::Tr::new(lang, *display), page)
}

/// The preview page (a full document) that imitates Usedesk's ticket card around the block.
pub fn render_preview(lang: Lang, preview: &Preview) -> String {
    preview::render(lang, preview)
}

/// What an in-place "Log this ticket to the deal" answers when it added nothing (already logged, or in progress).
pub(crate) fn ticket_log_message(
    lang: Lang,
    display: &Display,
    shown: ticket_log::TicketLogShown,
) -> String {
    ticket_log::message(&text::Tr::new(lang, *display), shown)
}
