//! A stable digest of a trigger payload, for idempotency.
//!
//! The digest is SHA-256 over a canonical JSON text: object keys sorted,
//! no whitespace, custom fields ordered by id. The canonical text is written
//! by hand rather than by `serde_json`, whose map ordering depends on a
//! feature flag that any crate in the build may switch on.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{FreeCreateLead, TriggerValue};

/// Bumped whenever the canonical form changes, so old and new digests never collide.
const VERSION: u64 = 1;

pub(crate) fn digest(lead: &FreeCreateLead) -> [u8; 32] {
    let mut text = String::new();
    write_canonical(&canonical_value(lead), &mut text);
    Sha256::digest(text.as_bytes()).into()
}

fn canonical_value(lead: &FreeCreateLead) -> Value {
    let mut custom_fields: Vec<_> = lead.fields.custom_fields_values.iter().collect();
    custom_fields.sort_by_key(|field| field.field_id);
    let custom_fields: Vec<Value> = custom_fields
        .into_iter()
        .map(|field| {
            let values: Vec<Value> = field
                .values
                .iter()
                .map(|value| match value {
                    TriggerValue::Value(value) => json!({ "value": value }),
                    TriggerValue::EnumId(id) => json!({ "enum_id": id }),
                    TriggerValue::EnumCode(code) => json!({ "enum_code": code }),
                })
                .collect();
            json!({ "field_id": field.field_id, "values": values })
        })
        .collect();
    let mut canonical = json!({
        "version": VERSION,
        "ticket_id": lead.ticket_id,
        "fields": {
            "name": lead.fields.name,
            "price": lead.fields.price,
            "status_id": lead.fields.status_id,
            "pipeline_id": lead.fields.pipeline_id,
            "responsible_user_id": lead.fields.responsible_user_id,
            "custom_fields_values": custom_fields,
        },
        "comment": lead.comment,
    });
    // Only when asked for, so the fingerprints of bodies without the flag stay what they were.
    if lead.log_ticket {
        canonical["log_ticket"] = Value::Bool(true);
    }
    canonical
}

/// Writes JSON with object keys in sorted order and no whitespace.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => write_object(map, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        // Scalars have one text form each, which `Value`'s Display writes.
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn write_object(map: &Map<String, Value>, out: &mut String) {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by_key(|(key, _)| *key);
    out.push('{');
    for (index, (key, item)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        write_canonical(item, out);
    }
    out.push('}');
}
