//! Decoding of `application/x-www-form-urlencoded` bodies with PHP-style keys.
//!
//! PHP-based senders (and Usedesk's own examples) encode nested data as
//! `client_data[phones][0][phone]=…` and lists as `emails[]=…`. This module
//! rebuilds the JSON tree those keys describe, so a form body and a JSON body
//! go through the same reader.

use serde_json::{Map, Value};

use crate::lenient::is_index;

/// Deeper keys than this are kept as flat literal keys; PHP applies a similar
/// nesting limit, and it bounds the recursion below.
const MAX_DEPTH: usize = 32;

/// Decodes a form body into a JSON object.
///
/// Later pairs overwrite earlier ones with the same key, as in PHP. Objects
/// whose keys are all array indices become arrays, in index order.
pub(crate) fn decode(body: &[u8]) -> Map<String, Value> {
    let mut root = Map::new();
    for (key, value) in url::form_urlencoded::parse(body) {
        if key.trim().is_empty() {
            continue;
        }
        let path = split_key(&key);
        insert(&mut root, &path, Value::String(value.into_owned()));
    }
    for value in root.values_mut() {
        listify(value);
    }
    root
}

/// Splits `a[b][0][]` into `["a", "b", "0", ""]`; a key that is not
/// well-formed PHP bracket syntax stays one literal segment.
fn split_key(key: &str) -> Vec<&str> {
    let Some(open) = key.find('[') else {
        return vec![key];
    };
    if open == 0 {
        return vec![key];
    }
    let mut segments = vec![&key[..open]];
    let mut rest = &key[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return vec![key];
        };
        segments.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    if !rest.is_empty() || segments.len() > MAX_DEPTH {
        return vec![key];
    }
    segments
}

/// Stores `value` at `path`, creating objects on the way; an empty segment
/// appends, as `emails[]` does in PHP.
fn insert(node: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let key = if first.is_empty() {
        next_index(node)
    } else {
        (*first).to_owned()
    };
    if rest.is_empty() {
        node.insert(key, value);
        return;
    }
    let child = node
        .entry(key)
        .and_modify(|existing| {
            // A later nested key replaces an earlier scalar, as PHP does.
            if !existing.is_object() {
                *existing = Value::Object(Map::new());
            }
        })
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(child) = child {
        insert(child, rest, value);
    }
}

/// The index an appended element gets: one past the largest index so far.
fn next_index(node: &Map<String, Value>) -> String {
    node.keys()
        .filter(|key| is_index(key))
        .filter_map(|key| key.parse::<u64>().ok())
        .max()
        .map_or(0, |max| max + 1)
        .to_string()
}

/// Turns every object whose keys are all array indices into an array.
fn listify(value: &mut Value) {
    let Value::Object(map) = value else {
        return;
    };
    for child in map.values_mut() {
        listify(child);
    }
    if !crate::lenient::is_numeric_map(map) {
        return;
    }
    let mut entries: Vec<(u64, Value)> = std::mem::take(map)
        .into_iter()
        .filter_map(|(key, item)| Some((key.parse().ok()?, item)))
        .collect();
    entries.sort_by_key(|(index, _)| *index);
    *value = Value::Array(entries.into_iter().map(|(_, item)| item).collect());
}
