//! The account itself (`GET /api/v4/account`).

use serde::Deserialize;

use crate::serde_util::null_default;

/// Extra parts of the account answer, requested with `with=…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountWith {
    /// `amojo_id`: the account id in the chat service.
    AmojoId,
    /// `amojo_rights`: chat rights.
    AmojoRights,
    /// `users_groups`: the user groups.
    UsersGroups,
    /// `task_types`: the task types.
    TaskTypes,
    /// `version`: the amoCRM version.
    Version,
    /// `entity_names`: entity names and their translations.
    EntityNames,
    /// `datetime_settings`: date formats and time zone.
    DatetimeSettings,
    /// `drive_url`: the file service address.
    DriveUrl,
    /// `is_api_filter_enabled`: whether full API filtering is on.
    IsApiFilterEnabled,
    /// `invoices_settings`: invoice settings.
    InvoicesSettings,
}

impl AccountWith {
    /// The value of the `with` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountWith::AmojoId => "amojo_id",
            AccountWith::AmojoRights => "amojo_rights",
            AccountWith::UsersGroups => "users_groups",
            AccountWith::TaskTypes => "task_types",
            AccountWith::Version => "version",
            AccountWith::EntityNames => "entity_names",
            AccountWith::DatetimeSettings => "datetime_settings",
            AccountWith::DriveUrl => "drive_url",
            AccountWith::IsApiFilterEnabled => "is_api_filter_enabled",
            AccountWith::InvoicesSettings => "invoices_settings",
        }
    }
}

/// The account's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "AccountWire")]
pub struct Account {
    /// Account id.
    pub id: i64,
    /// Account name.
    pub name: String,
    /// Subdomain, such as `hogwarts`.
    pub subdomain: String,
    /// The user the token acts as.
    pub current_user_id: i64,
    /// Country code.
    pub country: Option<String>,
    /// Currency code, such as `RUB`.
    pub currency: Option<String>,
    /// Currency symbol, such as `₽`.
    pub currency_symbol: Option<String>,
    /// Customers mode (`unavailable`, `disabled`, `segments`, `periodicity`).
    pub customers_mode: Option<String>,
    /// Whether incoming leads ("unsorted") are on.
    pub is_unsorted_on: bool,
    /// Whether loss reasons are on.
    pub is_loss_reason_enabled: bool,
    /// Whether the account is a technical one.
    pub is_technical_account: bool,
    /// 1 for "first name, last name", 2 for "last name, first name".
    pub contact_name_display_order: Option<i64>,
    /// With [`AccountWith::AmojoId`]: the chat service id.
    pub amojo_id: Option<String>,
    /// With [`AccountWith::Version`]: the amoCRM version.
    pub version: Option<i64>,
    /// With [`AccountWith::DriveUrl`]: the file service address.
    pub drive_url: Option<String>,
    /// With [`AccountWith::IsApiFilterEnabled`]: whether full API filtering is on.
    pub is_api_filter_enabled: Option<bool>,
    /// With [`AccountWith::UsersGroups`]: the user groups.
    pub users_groups: Vec<UsersGroup>,
    /// With [`AccountWith::TaskTypes`]: the task types.
    pub task_types: Vec<TaskType>,
    /// With [`AccountWith::DatetimeSettings`]: date formats and time zone.
    pub datetime_settings: Option<DatetimeSettings>,
}

/// A group of users.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UsersGroup {
    /// Group id.
    pub id: i64,
    /// Group name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
}

/// A task type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaskType {
    /// Task type id.
    pub id: i64,
    /// Task type name.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Code of a system type, such as `FOLLOW_UP`.
    #[serde(default)]
    pub code: Option<String>,
}

/// Date formats and the time zone of the account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct DatetimeSettings {
    /// Date and time pattern, such as `d.m.Y H:i`.
    #[serde(default)]
    pub date_pattern: Option<String>,
    /// Short date pattern.
    #[serde(default)]
    pub short_date_pattern: Option<String>,
    /// Short time pattern.
    #[serde(default)]
    pub short_time_pattern: Option<String>,
    /// Date format (amoCRM's documentation also spells the key `date_formant`).
    #[serde(default, alias = "date_formant")]
    pub date_format: Option<String>,
    /// Time format.
    #[serde(default)]
    pub time_format: Option<String>,
    /// Time zone name, such as `Europe/Moscow`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Time zone offset, such as `+03:00`.
    #[serde(default)]
    pub timezone_offset: Option<String>,
}

#[derive(Deserialize)]
struct AccountWire {
    id: i64,
    #[serde(default, deserialize_with = "null_default")]
    name: String,
    #[serde(default, deserialize_with = "null_default")]
    subdomain: String,
    #[serde(default, deserialize_with = "null_default")]
    current_user_id: i64,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    currency_symbol: Option<String>,
    #[serde(default)]
    customers_mode: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    is_unsorted_on: bool,
    #[serde(default, deserialize_with = "null_default")]
    is_loss_reason_enabled: bool,
    #[serde(default, deserialize_with = "null_default")]
    is_technical_account: bool,
    #[serde(default)]
    contact_name_display_order: Option<i64>,
    #[serde(default)]
    amojo_id: Option<String>,
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    drive_url: Option<String>,
    #[serde(default)]
    is_api_filter_enabled: Option<bool>,
    /// Some answers put the settings at the top level instead of under `_embedded`; both are read.
    #[serde(default)]
    datetime_settings: Option<DatetimeSettings>,
    #[serde(default, rename = "_embedded", deserialize_with = "null_default")]
    embedded: AccountEmbedded,
}

#[derive(Default, Deserialize)]
struct AccountEmbedded {
    #[serde(default, deserialize_with = "null_default")]
    users_groups: Vec<UsersGroup>,
    #[serde(default, deserialize_with = "null_default")]
    task_types: Vec<TaskType>,
    #[serde(default)]
    datetime_settings: Option<DatetimeSettings>,
}

impl From<AccountWire> for Account {
    fn from(wire: AccountWire) -> Account {
        Account {
            id: wire.id,
            name: wire.name,
            subdomain: wire.subdomain,
            current_user_id: wire.current_user_id,
            country: wire.country,
            currency: wire.currency,
            currency_symbol: wire.currency_symbol,
            customers_mode: wire.customers_mode,
            is_unsorted_on: wire.is_unsorted_on,
            is_loss_reason_enabled: wire.is_loss_reason_enabled,
            is_technical_account: wire.is_technical_account,
            contact_name_display_order: wire.contact_name_display_order,
            amojo_id: wire.amojo_id,
            version: wire.version,
            drive_url: wire.drive_url,
            is_api_filter_enabled: wire.is_api_filter_enabled,
            users_groups: wire.embedded.users_groups,
            task_types: wire.embedded.task_types,
            datetime_settings: wire.embedded.datetime_settings.or(wire.datetime_settings),
        }
    }
}
