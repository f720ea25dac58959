//! What the block marks as new: the contacts and deals each connection created from the block in the last minute,
//! kept in memory per process.

use domain::store::ConnectionId;

use crate::app::App;

/// A contact or deal created from the block, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Created {
    /// A contact id, created at (unix seconds).
    Contact(i64, i64),
    /// A deal id, created at (unix seconds).
    Deal(i64, i64),
}

/// How long the block marks what was just created.
const MARKED_NEW_SECONDS: i64 = 60;

impl Created {
    fn at(self) -> i64 {
        match self {
            Self::Contact(_, at) | Self::Deal(_, at) => at,
        }
    }
}

impl App {
    /// Remembers that `created` was made on `connection` now, for the block's next renders to mark it new.
    pub(crate) fn remember_created(&self, connection: ConnectionId, created: Created) {
        let mut all = self
            .inner
            .created
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = domain::now();
        all.retain(|_, list| {
            list.retain(|c| c.at() > now - MARKED_NEW_SECONDS);
            !list.is_empty()
        });
        all.entry(connection).or_default().push(created);
    }

    /// The contacts and deals made on `connection` in the last minute.
    pub(crate) fn just_created(&self, connection: ConnectionId) -> (Vec<i64>, Vec<i64>) {
        let all = self
            .inner
            .created
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let since = domain::now() - MARKED_NEW_SECONDS;
        let mut contacts = Vec::new();
        let mut deals = Vec::new();
        for created in all.get(&connection).into_iter().flatten() {
            match *created {
                Created::Contact(id, at) if at > since => contacts.push(id),
                Created::Deal(id, at) if at > since => deals.push(id),
                _ => {}
            }
        }
        (contacts, deals)
    }
}
