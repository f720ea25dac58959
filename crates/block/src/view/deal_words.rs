//! The words every deal of the block repeats ("Open in amoCRM", "Change", "Comment", open / won / lost…), looked up
//! once per block rather than once per deal: a block lists hundreds of deals.

use std::borrow::Cow;

use domain::model::DealKind;

use super::deals_list::kind;
use super::text::Tr;

/// The words the block's deals share (`macros.html`, `deal`).
pub(crate) struct DealWords {
    pub open_card: Cow<'static, str>,
    pub new_badge: Cow<'static, str>,
    pub open_in_amocrm: Cow<'static, str>,
    pub change: Cow<'static, str>,
    pub comment: Cow<'static, str>,
    pub comment_placeholder: Cow<'static, str>,
    pub post_comment: Cow<'static, str>,
    pub log_ticket: Cow<'static, str>,
    pub refresh_hint: Cow<'static, str>,
    /// The stage select's label, button and the link to the edit page when a stage needs more.
    pub move_label: Cow<'static, str>,
    pub move_button: Cow<'static, str>,
    pub move_next: Cow<'static, str>,
    open: Cow<'static, str>,
    /// "Won" and "Lost", also the stage select's last two options.
    pub won: Cow<'static, str>,
    pub lost: Cow<'static, str>,
}

impl DealWords {
    pub(crate) fn new(tr: &Tr) -> Self {
        Self {
            open_card: tr.word("deal-open-card"),
            new_badge: tr.word("block-new-badge"),
            open_in_amocrm: tr.word("deal-open-in-amocrm"),
            change: tr.word("deal-change"),
            comment: tr.word("comment-label"),
            comment_placeholder: tr.word("comment-placeholder"),
            post_comment: tr.word("button-post-comment"),
            log_ticket: tr.word("button-log-ticket"),
            refresh_hint: tr.word("block-refresh-hint"),
            move_label: tr.word("deal-move-label"),
            move_button: tr.word("deal-move"),
            move_next: tr.word("deal-move-fill"),
            open: kind(tr, DealKind::Open).0,
            won: kind(tr, DealKind::Won).0,
            lost: kind(tr, DealKind::Lost).0,
        }
    }

    /// The words and the class of a deal's open, won or lost marker, as
    /// [`deals_list::kind`](super::deals_list::kind) gives them.
    pub(crate) fn kind(&self, kind: DealKind) -> (Cow<'static, str>, &'static str) {
        match kind {
            DealKind::Open => (self.open.clone(), "open"),
            DealKind::Won => (self.won.clone(), "won"),
            DealKind::Lost => (self.lost.clone(), "lost"),
        }
    }
}
