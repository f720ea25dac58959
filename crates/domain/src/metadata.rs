//! Account metadata — account, pipelines with their stages, users, custom fields — converted from amoCRM's
//! wire types into the domain's, and loaded in parallel.

use std::collections::HashMap;

use amocrm::AmoClient;

use crate::Error;
use crate::fields::FieldDef;
use crate::model::{AccountView, StageView, UserRef};

/// A pipeline with its stages, in amoCRM's sort order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PipelineInfo {
    /// The pipeline id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Whether it is the account's main pipeline.
    pub is_main: bool,
    /// Whether it is archived (not offered for new deals).
    pub is_archive: bool,
    /// Its stages.
    pub stages: Vec<StageInfo>,
}

/// A stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StageInfo {
    /// The stage as shown.
    pub view: StageView,
    /// Whether it is the incoming ("unsorted") stage, where deals cannot be created through the API.
    pub is_incoming: bool,
}

impl PipelineInfo {
    /// The stage a new deal starts in when none is chosen: the first regular (not incoming, not closed) stage.
    pub fn first_regular_stage(&self) -> Option<i64> {
        self.stages
            .iter()
            .find(|s| !s.is_incoming && s.view.id != 142 && s.view.id != 143)
            .map(|s| s.view.id)
    }
}

/// The pipeline of a new deal when none is chosen: the main one, else the first.
pub fn default_pipeline(pipelines: &[PipelineInfo]) -> Option<&PipelineInfo> {
    pipelines.iter().find(|p| p.is_main).or(pipelines.first())
}

/// The (pipeline, stage) a new deal starts in when neither is chosen.
pub fn default_stage(pipelines: &[PipelineInfo]) -> Option<crate::StageRef> {
    let pipeline = default_pipeline(pipelines)?;
    Some(crate::StageRef::new(
        pipeline.id,
        pipeline.first_regular_stage()?,
    ))
}

/// What every block render needs: account, pipelines and users.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CoreMeta {
    /// The account.
    pub account: AccountView,
    /// The account's subdomain-based base URL, for links.
    pub base_url: String,
    /// Pipelines by id, and in order.
    pub pipelines: Vec<PipelineInfo>,
    /// User names by id; `None` when the users list is not readable (it is admin-only).
    pub users: Option<HashMap<i64, String>>,
    /// The account's task types, `(id, name)`, in the account's order: read with the account record
    /// (`with=task_types`), so naming a task costs no request of its own.
    #[serde(default)]
    pub task_types: Vec<(i64, String)>,
}

impl CoreMeta {
    /// The user with this id, with a name when known.
    pub fn user(&self, id: i64) -> Option<UserRef> {
        (id > 0).then(|| UserRef {
            id,
            name: self.users.as_ref().and_then(|u| u.get(&id).cloned()),
        })
    }

    /// Every known user, by name (then id): what a form offers to choose as responsible.
    pub fn users_by_name(&self) -> Vec<UserRef> {
        let mut users: Vec<UserRef> = self
            .users
            .iter()
            .flatten()
            .map(|(id, name)| UserRef {
                id: *id,
                name: Some(name.clone()),
            })
            .collect();
        users.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        users
    }

    /// A task type's name in the account; its id as text when the account does not list it.
    pub fn task_type(&self, id: i64) -> String {
        self.task_types
            .iter()
            .find(|(t, _)| *t == id)
            .map_or_else(|| id.to_string(), |(_, name)| name.clone())
    }

    /// The pipeline's name and the stage, with fallbacks when the metadata does not know them.
    pub fn stage(&self, pipeline_id: i64, status_id: i64) -> (String, StageView) {
        let pipeline = self.pipelines.iter().find(|p| p.id == pipeline_id);
        let stage = pipeline
            .and_then(|p| p.stages.iter().find(|s| s.view.id == status_id))
            .map(|s| s.view.clone())
            .unwrap_or_else(|| StageView {
                id: status_id,
                name: status_id.to_string(),
                color: NEUTRAL_COLOR.to_owned(),
            });
        let name = pipeline.map_or_else(|| pipeline_id.to_string(), |p| p.name.clone());
        (name, stage)
    }
}

/// The colour used when amoCRM's is missing or not a plain `#rrggbb`.
pub const NEUTRAL_COLOR: &str = "#e0e0e0";

/// Keeps a colour only when it is exactly `#rgb` or `#rrggbb`, so it can go into a style attribute safely.
pub fn safe_color(raw: &str) -> String {
    let hex = raw.strip_prefix('#').unwrap_or("");
    if matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("#{}", hex.to_ascii_lowercase())
    } else {
        NEUTRAL_COLOR.to_owned()
    }
}

/// How long the account record (name, currency) is reused before it is fetched again: it changes rarely, and
/// only supplies the currency and names.
pub const ACCOUNT_TTL_SECS: i64 = 24 * 3600;

/// What the store keeps of a connection's metadata: the metadata and when its account record was fetched.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    /// The metadata.
    pub core: CoreMeta,
    /// When the account record in it was fetched (unix seconds).
    pub account_fetched_at: i64,
}

/// The account record as the metadata keeps it: the account and its task types.
pub type AccountRecord = (AccountView, Vec<(i64, String)>);

/// Loads pipelines and users in parallel, and the account record (with its time zone and task types) unless
/// `known` is given (two or three requests).
pub async fn load_core(
    client: &AmoClient,
    known: Option<AccountRecord>,
) -> Result<CoreMeta, Error> {
    let (account_api, pipelines_api, users_api) =
        (client.account(), client.pipelines(), client.users());
    let with = [
        amocrm::AccountWith::DatetimeSettings,
        amocrm::AccountWith::TaskTypes,
    ];
    let (account, pipelines, users) = tokio::join!(
        async {
            match known {
                Some(record) => Ok(record),
                None => crate::retry::read(|| account_api.get(&with))
                    .await
                    .map(|account| account_record(&account)),
            }
        },
        crate::retry::read(|| pipelines_api.list()),
        crate::retry::read(|| users_api.list_all())
    );
    let (account, task_types) = account?;
    let users = match users {
        Ok(users) => Some(users.into_iter().map(|u| (u.id, u.name)).collect()),
        // The users list is admin-only; without it, users are shown by id.
        Err(amocrm::Error::Forbidden { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let pipelines = pipelines?
        .into_iter()
        .map(|p| {
            let mut stages: Vec<_> = p.statuses.iter().collect();
            stages.sort_by_key(|s| (s.sort, s.id));
            PipelineInfo {
                id: p.id,
                name: p.name.clone(),
                is_main: p.is_main,
                is_archive: p.is_archive,
                stages: stages
                    .into_iter()
                    .map(|s| StageInfo {
                        view: StageView {
                            id: s.id,
                            name: s.name.clone(),
                            color: safe_color(&s.color),
                        },
                        is_incoming: s.type_ == 1,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(CoreMeta {
        account,
        base_url: client.host().as_str().trim_end_matches('/').to_owned(),
        pipelines,
        users,
        task_types,
    })
}

/// The account and its task types from amoCRM's account record.
fn account_record(account: &amocrm::Account) -> AccountRecord {
    (
        AccountView {
            name: account.name.clone(),
            currency: account.currency.clone().unwrap_or_else(|| "RUB".into()),
            currency_symbol: account.currency_symbol.clone(),
            time_zone: account_zone(account),
        },
        account
            .task_types
            .iter()
            .map(|t| (t.id, t.name.clone()))
            .collect(),
    )
}

/// The account's zone from its `datetime_settings`: the IANA name when the tz database knows it, else the offset.
fn account_zone(account: &amocrm::Account) -> Option<String> {
    let settings = account.datetime_settings.as_ref()?;
    let known = |raw: &Option<String>| {
        raw.as_deref()
            .and_then(crate::Zone::parse)
            .map(|z| z.name().to_owned())
    };
    known(&settings.timezone).or_else(|| known(&settings.timezone_offset))
}

/// Loads the lead custom fields (every page).
pub async fn load_deal_fields(client: &AmoClient) -> Result<Vec<FieldDef>, Error> {
    let api = client.custom_fields(amocrm::EntityType::Leads);
    let fields = crate::retry::read(|| api.list_all()).await?;
    let mut defs: Vec<FieldDef> = fields.iter().map(FieldDef::from_amocrm).collect();
    defs.sort_by_key(|f| (f.sort, f.id));
    Ok(defs)
}
