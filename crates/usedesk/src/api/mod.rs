//! The Usedesk API methods, one module per area, and the models they return.
//!
//! Models are tolerant: every field but an object's own id may be missing,
//! ids may be numbers or strings, flags may be `0`/`"1"`, and keys the models
//! do not name are kept in `extra`.

mod clients;
mod comments;
mod tickets;
mod users;

use serde_json::{Map, Value};

pub use clients::{
    Client, ClientEmail, ClientPhone, ClientSearch, ClientSummary, ClientUpdate, SearchType,
};
pub use comments::{CommentCreated, CommentFrom, CommentKind, NewComment};
pub use tickets::{Change, Comment, Ticket, TicketDetails};
pub use users::{User, UserGroup};

/// The items of a list answer, which Usedesk gives as a bare array, as an
/// object holding the array under `key`, or as a single object.
fn list_items(value: Value, key: &str) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove(key) {
            Some(Value::Array(items)) => items,
            Some(other) => {
                map.insert(key.to_owned(), other);
                vec![Value::Object(map)]
            }
            None if map.is_empty() => Vec::new(),
            None => vec![Value::Object(map)],
        },
        _ => Vec::new(),
    }
}

/// Unwraps `{"<key>": {…}, …}` to the inner object, folding in sibling keys
/// the inner object lacks (the `client` method repeats lists beside `client`).
fn unwrap_object(value: Value, key: &str) -> Value {
    let Value::Object(mut outer) = value else {
        return value;
    };
    match outer.remove(key) {
        Some(Value::Object(mut inner)) => {
            for (sibling, item) in outer {
                inner.entry(sibling).or_insert(item);
            }
            Value::Object(inner)
        }
        Some(other) => {
            outer.insert(key.to_owned(), other);
            Value::Object(outer)
        }
        None => Value::Object(outer),
    }
}

/// A method's parameters from `(name, value)` pairs.
fn params<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}
