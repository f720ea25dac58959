//! Lead custom fields: their definitions, how their values are shown, and how raw input (a form or a
//! trigger) is checked and turned into values amoCRM accepts — before anything is sent.

use amocrm::{CustomField, CustomFieldValue, FieldType, FieldValueItem};
use serde_json::Value;

use crate::error::{FieldError, FieldErrorCode};
use crate::keys::{FieldKey, StageRef};
use crate::model::{FieldLabel, FieldShown, FieldText};
use crate::zone::Zone;

/// The kinds of field the block can edit, and `ReadOnly` for the rest (shown, never written).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// A number.
    Numeric,
    /// An amount of money (amoCRM's `price` and `monetary` fields), in the account's currency.
    Money,
    /// Yes or no.
    Checkbox,
    /// One option from a list.
    Select,
    /// One option, shown as radio buttons.
    Radiobutton,
    /// Several options.
    Multiselect,
    /// A date.
    Date,
    /// A date and time.
    DateTime,
    /// A birthday (a date).
    Birthday,
    /// A link.
    Url,
    /// Any other amoCRM type, by its amoCRM name: shown as text, not editable here.
    ReadOnly(String),
}

impl FieldKind {
    fn of(field_type: &FieldType) -> Self {
        match field_type {
            FieldType::Text => Self::Text,
            FieldType::Textarea => Self::Textarea,
            FieldType::Numeric => Self::Numeric,
            FieldType::Price | FieldType::Monetary => Self::Money,
            FieldType::Checkbox => Self::Checkbox,
            FieldType::Select => Self::Select,
            FieldType::Radiobutton => Self::Radiobutton,
            FieldType::Multiselect => Self::Multiselect,
            FieldType::Date => Self::Date,
            FieldType::DateTime => Self::DateTime,
            FieldType::Birthday => Self::Birthday,
            FieldType::Url => Self::Url,
            other => Self::ReadOnly(other.as_str().to_owned()),
        }
    }

    /// Whether values are chosen from the field's options.
    pub fn has_options(&self) -> bool {
        matches!(self, Self::Select | Self::Radiobutton | Self::Multiselect)
    }
}

/// A lead custom field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldDef {
    /// The field id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: FieldKind,
    /// Its options (id, text) for select-like kinds.
    pub options: Vec<(i64, String)>,
    /// The stages where it must be filled.
    pub required_in: Vec<StageRef>,
    /// amoCRM's sort order.
    pub sort: i64,
    /// Whether only the API may write it (still writable by us).
    pub api_only: bool,
}

impl FieldDef {
    /// Converts amoCRM's definition.
    pub fn from_amocrm(field: &CustomField) -> Self {
        let mut options: Vec<_> = field
            .enums
            .iter()
            .map(|e| (e.sort, e.id, e.value.clone()))
            .collect();
        options.sort();
        Self {
            id: field.id,
            name: field.name.clone(),
            kind: FieldKind::of(&field.field_type),
            options: options.into_iter().map(|(_, id, v)| (id, v)).collect(),
            required_in: field
                .required_statuses
                .iter()
                .map(|r| StageRef::new(r.pipeline_id, r.status_id))
                .collect(),
            sort: field.sort,
            api_only: field.is_api_only,
        }
    }

    /// The key the field choices use for it.
    pub fn key(&self) -> FieldKey {
        FieldKey::Custom(self.id)
    }

    /// Whether it must be filled for a deal in this stage.
    pub fn required_for(&self, stage: StageRef) -> bool {
        self.required_in.contains(&stage)
    }

    /// Whether the block can write it.
    pub fn editable(&self) -> bool {
        !matches!(self.kind, FieldKind::ReadOnly(_))
    }
}

/// Shows a stored value: dates as dates, flags as flags, options by their text, unknown shapes as text.
pub fn show_value(value: &CustomFieldValue, def: Option<&FieldDef>) -> Option<FieldText> {
    let kind = def
        .map(|d| d.kind.clone())
        .or_else(|| value.field_type.as_ref().map(FieldKind::of))
        .unwrap_or(FieldKind::Text);
    let first = value.values.first()?;
    match kind {
        FieldKind::Date | FieldKind::DateTime | FieldKind::Birthday => match &first.value {
            Value::Number(n) => n.as_i64().map(FieldText::Date),
            Value::String(s) => {
                Some(parse_date(s).map_or_else(|| FieldText::Text(s.clone()), FieldText::Date))
            }
            other => Some(FieldText::Text(other.to_string())),
        },
        FieldKind::Checkbox => Some(FieldText::Flag(truthy(&first.value))),
        FieldKind::Money => {
            let text = first.as_text()?;
            // amoCRM sends whole amounts, sometimes as "450000.00"; anything else is shown as written.
            let whole = text.trim().trim_end_matches('0').trim_end_matches('.');
            let amount = if text.contains('.') {
                whole
            } else {
                text.trim()
            };
            Some(
                amount
                    .parse()
                    .map_or(FieldText::Text(text.clone()), FieldText::Money),
            )
        }
        FieldKind::Url => first.as_text().map(FieldText::Url),
        _ => {
            let texts: Vec<String> = value
                .values
                .iter()
                .filter_map(FieldValueItem::as_text)
                .collect();
            (!texts.is_empty()).then(|| FieldText::Text(texts.join(", ")))
        }
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "1" | "true" | "on" | "yes"),
        _ => false,
    }
}

/// Shows the chosen keys of a lead: custom fields by their definitions, built-ins left for the view.
pub fn shown_fields(
    keys: &[FieldKey],
    values: &[CustomFieldValue],
    defs: &[FieldDef],
) -> Vec<FieldShown> {
    keys.iter()
        .filter_map(|key| {
            let id = key.custom_id()?;
            let def = defs.iter().find(|d| d.id == id);
            let stored = values.iter().find(|v| v.field_id == Some(id));
            let name = def
                .map(|d| d.name.clone())
                .or_else(|| stored.and_then(|v| v.field_name.clone()))?;
            Some(FieldShown {
                key: *key,
                label: FieldLabel::Custom(name),
                value: stored.and_then(|v| show_value(v, def)),
            })
        })
        .collect()
}

/// Every filled custom field of a lead, in the account's field order (the deal card's default).
pub fn filled_fields(values: &[CustomFieldValue], defs: &[FieldDef]) -> Vec<FieldShown> {
    let mut shown: Vec<(i64, i64, FieldShown)> = values
        .iter()
        .filter_map(|v| {
            let id = v.field_id?;
            let def = defs.iter().find(|d| d.id == id);
            let name = def
                .map(|d| d.name.clone())
                .or_else(|| v.field_name.clone())?;
            Some((
                def.map_or(i64::MAX, |d| d.sort),
                id,
                FieldShown {
                    key: FieldKey::Custom(id),
                    label: FieldLabel::Custom(name),
                    value: Some(show_value(v, def)?),
                },
            ))
        })
        .collect();
    shown.sort_by_key(|(sort, id, _)| (*sort, *id));
    shown.into_iter().map(|(_, _, f)| f).collect()
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]`, `DD.MM.YYYY` or unix seconds into unix seconds,
/// reading a date or time without an offset as UTC.
pub fn parse_date(raw: &str) -> Option<i64> {
    parse_date_in(raw, &Zone::utc())
}

/// Like [`parse_date`], reading a date or time without an offset as the wall-clock time in `zone` (with its
/// daylight-saving rules) — what a form's `date` and `datetime-local` inputs send.
pub fn parse_date_in(raw: &str, zone: &Zone) -> Option<i64> {
    use time::{Date, Month, Time};
    let raw = raw.trim();
    if let Ok(n) = raw.parse::<i64>() {
        return Some(n);
    }
    if let Ok(t) = time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
    {
        return Some(t.unix_timestamp());
    }
    let (date_part, time_part) = match raw.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (raw, None),
    };
    let nums: Vec<i64> = date_part
        .split(['-', '.', '/'])
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (year, month, day) = match nums.as_slice() {
        [y, m, d] if *y > 999 => (*y, *m, *d),
        [d, m, y] if *y > 999 => (*y, *m, *d),
        _ => return None,
    };
    let date = Date::from_calendar_date(
        i32::try_from(year).ok()?,
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let time = match time_part {
        None => Time::MIDNIGHT,
        Some(t) => {
            let hm: Vec<u8> = t
                .trim_end_matches('Z')
                .split(':')
                .take(3)
                .map(|p| p.parse().ok())
                .collect::<Option<_>>()?;
            match hm.as_slice() {
                [h, m] => Time::from_hms(*h, *m, 0).ok()?,
                [h, m, s] => Time::from_hms(*h, *m, *s).ok()?,
                _ => return None,
            }
        }
    };
    zone.local_to_unix(
        i16::try_from(date.year()).ok()?,
        i8::try_from(u8::from(date.month())).ok()?,
        i8::try_from(date.day()).ok()?,
        i8::try_from(time.hour()).ok()?,
        i8::try_from(time.minute()).ok()?,
        i8::try_from(time.second()).ok()?,
    )
}

/// The longest text amoCRM keeps in a text field (and what we allow in a textarea).
const TEXT_MAX: usize = 256;
const TEXTAREA_MAX: usize = 10_000;

/// Checks raw input for one field and turns it into amoCRM's value; `Ok(None)` when the input is empty.
/// Dates and times without an offset are read as the wall-clock time in `zone`.
pub fn field_value(
    def: &FieldDef,
    raw: &[String],
    zone: &Zone,
) -> Result<Option<CustomFieldValue>, FieldErrorCode> {
    let raw: Vec<&str> = raw
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let Some(first) = raw.first().copied() else {
        // An unchecked checkbox is a value (false), not an empty field.
        return Ok(None);
    };
    let value = match &def.kind {
        FieldKind::Text | FieldKind::Textarea => {
            let max = if def.kind == FieldKind::Text {
                TEXT_MAX
            } else {
                TEXTAREA_MAX
            };
            if first.chars().count() > max {
                return Err(FieldErrorCode::TooLong { max });
            }
            CustomFieldValue::text(def.id, first)
        }
        FieldKind::Numeric | FieldKind::Money => {
            let normalized = crate::amount::parse_decimal(first).ok_or(FieldErrorCode::Number)?;
            CustomFieldValue::text(def.id, normalized)
        }
        FieldKind::Checkbox => {
            let flag = match first.to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" => true,
                "0" | "false" | "off" | "no" => false,
                _ => return Err(FieldErrorCode::Checkbox),
            };
            CustomFieldValue::value(def.id, flag)
        }
        FieldKind::Select | FieldKind::Radiobutton | FieldKind::Multiselect => {
            let mut ids = Vec::new();
            for item in &raw {
                ids.push(option_id(def, item).ok_or(FieldErrorCode::Enum)?);
            }
            if def.kind != FieldKind::Multiselect {
                ids.truncate(1);
            }
            CustomFieldValue::enums(def.id, ids)
        }
        FieldKind::Date | FieldKind::DateTime | FieldKind::Birthday => {
            let at = parse_date_in(first, zone).ok_or(FieldErrorCode::Date)?;
            CustomFieldValue::value(def.id, at)
        }
        FieldKind::Url => {
            let parsed = url::Url::parse(first).map_err(|_| FieldErrorCode::Url)?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(FieldErrorCode::Url);
            }
            CustomFieldValue::text(def.id, first)
        }
        FieldKind::ReadOnly(_) => return Err(FieldErrorCode::UnknownField),
    };
    Ok(Some(value))
}

/// An option by id, or by its exact text (triggers may send either).
fn option_id(def: &FieldDef, raw: &str) -> Option<i64> {
    if let Ok(id) = raw.parse::<i64>()
        && def.options.iter().any(|(o, _)| *o == id)
    {
        return Some(id);
    }
    def.options
        .iter()
        .find(|(_, text)| text.eq_ignore_ascii_case(raw))
        .map(|(id, _)| *id)
}

/// Checks every given field and every field required in the stage; returns amoCRM's values or all errors.
pub fn validate_fields(
    defs: &[FieldDef],
    given: &[(i64, Vec<String>)],
    stage: Option<StageRef>,
    zone: &Zone,
) -> Result<Vec<CustomFieldValue>, Vec<FieldError>> {
    let mut values = Vec::new();
    let mut errors = Vec::new();
    let mut filled = std::collections::HashSet::new();
    let by_id: std::collections::HashMap<i64, &FieldDef> = defs.iter().map(|d| (d.id, d)).collect();
    for (id, raw) in given {
        let Some(&def) = by_id.get(id) else {
            errors.push(FieldError {
                field: FieldKey::Custom(*id),
                label: None,
                code: FieldErrorCode::UnknownField,
            });
            continue;
        };
        match field_value(def, raw, zone) {
            Ok(Some(value)) => {
                filled.insert(def.id);
                values.push(value);
            }
            Ok(None) => {}
            Err(code) => errors.push(FieldError {
                field: def.key(),
                label: Some(def.name.clone()),
                code,
            }),
        }
    }
    if let Some(stage) = stage {
        for def in defs.iter().filter(|d| d.required_for(stage)) {
            let already_refused = errors.iter().any(|e| e.field == def.key());
            if !filled.contains(&def.id) && !already_refused {
                errors.push(FieldError {
                    field: def.key(),
                    label: Some(def.name.clone()),
                    code: FieldErrorCode::Required,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// The longest deal or contact name we send (amoCRM's limit is 255 characters).
pub const NAME_MAX: usize = 255;

pub(crate) fn required(field: FieldKey) -> FieldError {
    FieldError {
        field,
        label: None,
        code: FieldErrorCode::Required,
    }
}

pub(crate) fn too_long(field: FieldKey) -> FieldError {
    FieldError {
        field,
        label: None,
        code: FieldErrorCode::TooLong { max: NAME_MAX },
    }
}
