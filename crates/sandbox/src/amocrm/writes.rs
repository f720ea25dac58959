//! Validation of lead writes, including amoCRM's stage rules: a stage must belong to the lead's
//! pipeline, and fields listed in `required_statuses` must be filled when a lead enters that stage.

use serde_json::{Value, json};

use crate::error::{ApiError, FieldError, ItemErrors};
use crate::http::as_i64;
use crate::model::{Crm, CustomField, Lead, LeadContact, lead_status_value, now_unix};
use crate::values;

/// A validation error for a single-entity request.
pub(super) fn validation(request_id: &str, errors: Vec<FieldError>) -> ApiError {
    ApiError::Validation(vec![ItemErrors {
        request_id: request_id.to_owned(),
        errors,
    }])
}

/// Validates one new lead. `complex` leaves `_embedded.contacts` to the complex endpoint, where it
/// holds new contacts rather than links.
pub(super) fn plan_new(
    crm: &Crm,
    item: &Value,
    user_id: i64,
    complex: bool,
    errors: &mut Vec<FieldError>,
) -> Option<Lead> {
    if !item.is_object() {
        errors.push(FieldError::new(
            "InvalidType",
            "",
            "each lead must be a JSON object",
        ));
        return None;
    }
    let now = now_unix();
    let (pipeline_id, status_id) = resolve_stage(crm, item, None, errors)?;
    let mut lead = Lead {
        id: 0,
        name: String::new(),
        price: 0,
        responsible_user_id: user_id,
        status_id,
        pipeline_id,
        loss_reason_id: None,
        created_by: user_id,
        updated_by: user_id,
        created_at: now,
        updated_at: now,
        closed_at: is_closed(status_id).then_some(now),
        custom_fields_values: Vec::new(),
        contacts: Vec::new(),
        tags: Vec::new(),
    };
    apply_scalars(crm, item, &mut lead, errors);
    let writes = values::normalize(
        &crm.lead_fields,
        &item["custom_fields_values"],
        "custom_fields_values",
        errors,
    );
    values::apply(&mut lead.custom_fields_values, writes);
    if !complex {
        lead.contacts = embedded_contacts(crm, item, errors);
    }
    check_required(crm, &lead, errors);
    errors.is_empty().then_some(lead)
}

/// A validated update and the events it causes.
pub(super) struct UpdatePlan {
    pub lead: Lead,
    events: Vec<(String, Value, Value)>,
}

impl UpdatePlan {
    /// Stores the lead and records its events.
    pub(super) fn commit(self, crm: &mut Crm, user_id: i64) {
        let at = self.lead.updated_at;
        let id = self.lead.id;
        let old = crm.leads.get(&id).map(|l| (l.pipeline_id, l.status_id));
        let moved = old.filter(|o| *o != (self.lead.pipeline_id, self.lead.status_id));
        crm.emit_lead("update", &self.lead, moved);
        if moved.is_some() {
            crm.emit_lead("status", &self.lead, moved);
        }
        crm.leads.insert(id, self.lead);
        for (kind, before, after) in self.events {
            crm.push_event(&kind, id, user_id, at, before, after);
        }
    }
}

/// (One check per updatable field, in amoCRM's order; long because amoCRM checks that many things.)
/// Validates an update of lead `id` against a copy of it.
pub(super) fn plan_update(
    crm: &Crm,
    id: i64,
    item: &Value,
    user_id: i64,
    errors: &mut Vec<FieldError>,
) -> Option<UpdatePlan> {
    let Some(existing) = crm.leads.get(&id) else {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "id",
            format!("lead {id} does not exist"),
        ));
        return None;
    };
    let mut lead = existing.clone();
    let (pipeline_id, status_id) = resolve_stage(crm, item, Some(existing), errors)?;
    lead.pipeline_id = pipeline_id;
    lead.status_id = status_id;
    apply_scalars(crm, item, &mut lead, errors);
    let writes = values::normalize(
        &crm.lead_fields,
        &item["custom_fields_values"],
        "custom_fields_values",
        errors,
    );
    let changed_fields = values::apply(&mut lead.custom_fields_values, writes);
    let moved = lead.status_id != existing.status_id || lead.pipeline_id != existing.pipeline_id;
    if moved {
        check_required(crm, &lead, errors);
    }
    if !errors.is_empty() {
        return None;
    }
    let now = now_unix();
    lead.updated_at = now;
    lead.updated_by = user_id;
    if moved {
        lead.closed_at = is_closed(lead.status_id).then_some(now);
    }
    let mut events = Vec::new();
    if moved {
        events.push((
            "lead_status_changed".to_owned(),
            lead_status_value(existing.status_id, existing.pipeline_id),
            lead_status_value(lead.status_id, lead.pipeline_id),
        ));
    }
    if lead.responsible_user_id != existing.responsible_user_id {
        events.push((
            "entity_responsible_changed".to_owned(),
            json!([{ "responsible_user": { "id": existing.responsible_user_id } }]),
            json!([{ "responsible_user": { "id": lead.responsible_user_id } }]),
        ));
    }
    if lead.price != existing.price {
        events.push((
            "sale_field_changed".to_owned(),
            json!([{ "sale_field_value": { "sale": existing.price } }]),
            json!([{ "sale_field_value": { "sale": lead.price } }]),
        ));
    }
    if lead.name != existing.name {
        events.push((
            "name_field_changed".to_owned(),
            json!([{ "name_field_value": { "name": existing.name } }]),
            json!([{ "name_field_value": { "name": lead.name } }]),
        ));
    }
    for field_id in changed_fields {
        let Some(field) = crm.lead_fields.iter().find(|f| f.id == field_id) else {
            continue;
        };
        events.push((
            format!("custom_field_{field_id}_value_changed"),
            field_change_value(field, &existing.custom_fields_values),
            field_change_value(field, &lead.custom_fields_values),
        ));
    }
    Some(UpdatePlan { lead, events })
}

/// Works out `(pipeline_id, status_id)` from what the item names and where the lead is now.
fn resolve_stage(
    crm: &Crm,
    item: &Value,
    current: Option<&Lead>,
    errors: &mut Vec<FieldError>,
) -> Option<(i64, i64)> {
    let read = |key: &str, errors: &mut Vec<FieldError>| -> Result<Option<i64>, ()> {
        let raw = &item[key];
        if raw.is_null() {
            return Ok(None);
        }
        match as_i64(raw) {
            Some(id) => Ok(Some(id)),
            None => {
                errors.push(FieldError::new(
                    "InvalidType",
                    key,
                    format!("{key} must be an integer"),
                ));
                Err(())
            }
        }
    };
    let pipeline = read("pipeline_id", errors).ok()?;
    let status = read("status_id", errors).ok()?;
    if let Some(p) = pipeline
        && crm.pipeline(p).is_none()
    {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "pipeline_id",
            format!("pipeline {p} does not exist"),
        ));
        return None;
    }
    let pipeline = pipeline.or_else(|| {
        // A named stage keeps a lead in its pipeline when it belongs there, and otherwise finds the
        // pipeline that owns it.
        match (status, current) {
            (Some(s), Some(lead)) if crm.status(lead.pipeline_id, s).is_some() => {
                Some(lead.pipeline_id)
            }
            (Some(s), _) => crm.pipeline_of_status(s),
            (None, Some(lead)) => Some(lead.pipeline_id),
            (None, None) => crm.main_pipeline().map(|p| p.id),
        }
    });
    let Some(pipeline) = pipeline else {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "status_id",
            format!(
                "status {} belongs to no pipeline",
                status.unwrap_or_default()
            ),
        ));
        return None;
    };
    let status = match (status, current) {
        (Some(s), _) => s,
        (None, Some(lead)) if lead.pipeline_id == pipeline => lead.status_id,
        (None, _) => crm.first_stage(pipeline)?,
    };
    if crm.status(pipeline, status).is_none() {
        errors.push(FieldError::new(
            "NotSupportedChoice",
            "status_id",
            format!("status {status} does not belong to pipeline {pipeline}"),
        ));
        return None;
    }
    Some((pipeline, status))
}

fn apply_scalars(crm: &Crm, item: &Value, lead: &mut Lead, errors: &mut Vec<FieldError>) {
    match &item["name"] {
        Value::Null => {}
        Value::String(s) => lead.name = s.trim().to_owned(),
        _ => errors.push(FieldError::new(
            "InvalidType",
            "name",
            "name must be a string",
        )),
    }
    match &item["price"] {
        Value::Null => {}
        Value::Number(n) if n.as_i64().is_some_and(|p| p >= 0) => {
            lead.price = n.as_i64().unwrap_or_default()
        }
        _ => errors.push(FieldError::new(
            "InvalidType",
            "price",
            "price must be a non-negative integer",
        )),
    }
    let responsible = &item["responsible_user_id"];
    if !responsible.is_null() {
        match as_i64(responsible) {
            Some(id) if crm.user(id).is_some() => lead.responsible_user_id = id,
            _ => errors.push(FieldError::new(
                "NotSupportedChoice",
                "responsible_user_id",
                format!("{responsible} is not a user of the account"),
            )),
        }
    }
    if let Some(reason) = as_i64(&item["loss_reason_id"]) {
        lead.loss_reason_id = Some(reason);
    }
    if item["_embedded"]["tags"].is_array() {
        lead.tags = tag_names(item);
    }
}

/// The names of the tags an item sends in `_embedded.tags`.
pub(super) fn tag_names(item: &Value) -> Vec<String> {
    item["_embedded"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().map(str::to_owned))
        .collect()
}

fn embedded_contacts(crm: &Crm, item: &Value, errors: &mut Vec<FieldError>) -> Vec<LeadContact> {
    let Some(links) = item["_embedded"]["contacts"].as_array() else {
        return Vec::new();
    };
    let mut contacts: Vec<LeadContact> = Vec::new();
    for (j, link) in links.iter().enumerate() {
        match as_i64(&link["id"]) {
            Some(id) if crm.contacts.contains_key(&id) => {
                if !contacts.iter().any(|c| c.id == id) {
                    contacts.push(LeadContact {
                        id,
                        is_main: link["is_main"].as_bool().unwrap_or(false),
                    });
                }
            }
            _ => errors.push(FieldError::new(
                "NotSupportedChoice",
                format!("_embedded.contacts.{j}.id"),
                format!("contact {} does not exist", link["id"]),
            )),
        }
    }
    if !contacts.iter().any(|c| c.is_main)
        && let Some(first) = contacts.first_mut()
    {
        first.is_main = true;
    }
    contacts
}

/// Pushes a `FieldIsRequired` error for every field the lead's stage requires and the lead lacks.
fn check_required(crm: &Crm, lead: &Lead, errors: &mut Vec<FieldError>) {
    let stage = crm
        .status(lead.pipeline_id, lead.status_id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    for field in &crm.lead_fields {
        let required = field
            .required_statuses
            .contains(&(lead.pipeline_id, lead.status_id));
        if required && !values::has_value(&lead.custom_fields_values, field.id) {
            errors.push(FieldError::new(
                "FieldIsRequired",
                "custom_fields_values",
                format!("The field \"{}\" ({}) must be filled to move the lead to the stage \"{stage}\"", field.name, field.id),
            ));
        }
    }
}

fn is_closed(status_id: i64) -> bool {
    status_id == 142 || status_id == 143
}

/// The `custom_field_value` event payload of a field, empty when the field has no value.
fn field_change_value(field: &CustomField, stored: &[Value]) -> Value {
    let Some(entry) = stored
        .iter()
        .find(|v| as_i64(&v["field_id"]) == Some(field.id))
    else {
        return json!([]);
    };
    let items = entry["values"].as_array().cloned().unwrap_or_default();
    let type_code = match field.field_type.as_str() {
        "text" => 1,
        "numeric" => 2,
        "checkbox" => 3,
        "select" => 4,
        "multiselect" => 5,
        "date" => 6,
        "url" => 7,
        "textarea" => 9,
        "radiobutton" => 10,
        "streetaddress" => 11,
        "birthday" => 14,
        "date_time" => 19,
        _ => 0,
    };
    items
        .iter()
        .map(|v| {
            let text = match &v["value"] {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            json!({ "custom_field_value": { "field_id": field.id, "field_type": type_code, "enum_id": v["enum_id"], "text": text } })
        })
        .collect()
}
