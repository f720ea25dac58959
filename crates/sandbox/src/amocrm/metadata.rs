//! Account, users, pipelines and custom field definitions.

use http::{Response, StatusCode};
use serde_json::{Value, json};

use super::{Ctx, self_link};
use crate::error::ApiError;
use crate::http::{Body, Paging, hal, no_content};
use crate::model::{Crm, CustomField, Pipeline, User};
use crate::seed;

/// `GET /api/v4/account`. Of the `with` extras only the harmless ones are answered.
pub(super) fn account(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let mut body = json!({
        "id": seed::ACCOUNT_ID,
        "name": seed::ACCOUNT_NAME,
        "subdomain": seed::ACCOUNT_SUBDOMAIN,
        "created_at": seed::SEED_TIME - 400 * 86_400,
        "created_by": seed::USER_ALBUS,
        "updated_at": seed::SEED_TIME,
        "updated_by": seed::USER_ALBUS,
        "current_user_id": ctx.user_id,
        "country": "RU",
        "customers_mode": "disabled",
        "is_unsorted_on": true,
        "is_loss_reason_enabled": !crm.loss_reasons.is_empty(),
        "is_helpbot_enabled": false,
        "is_technical_account": false,
        "contact_name_display_order": 1,
        "currency": seed::CURRENCY,
        "currency_symbol": seed::CURRENCY_SYMBOL,
        "_links": self_link(&ctx.base, "/api/v4/account"),
    });
    if ctx.query.has_with("amojo_id") {
        body["amojo_id"] = "a6b5c4d3-e2f1-4a0b-9c8d-7e6f5a4b3c2d".into();
    }
    if ctx.query.has_with("version") {
        body["version"] = 2.into();
    }
    if ctx.query.has_with("is_api_filter_enabled") {
        body["is_api_filter_enabled"] = false.into();
    }
    let mut embedded = serde_json::Map::new();
    if ctx.query.has_with("users_groups") {
        embedded.insert(
            "users_groups".into(),
            json!([{ "id": 0, "name": "Sales department", "uuid": null }]),
        );
    }
    if ctx.query.has_with("datetime_settings") {
        // As amoCRM answers it: under `_embedded`, PHP date patterns, an IANA zone and its offset as text.
        embedded.insert(
            "datetime_settings".into(),
            json!({
                "date_pattern": "d.m.Y H:i",
                "short_date_pattern": "d.m.Y",
                "short_time_pattern": "H:i",
                "date_format": "d.m.Y",
                "time_format": "H:i:s",
                "timezone": seed::TIME_ZONE,
                "timezone_offset": seed::TIME_ZONE_OFFSET,
            }),
        );
    }
    if !embedded.is_empty() {
        body["_embedded"] = Value::Object(embedded);
    }
    if ctx.query.has_with("task_types") {
        let types: Vec<Value> = crm
            .task_types
            .iter()
            .map(|t| json!({ "id": t.id, "name": t.name, "color": null, "icon_id": null, "code": t.code }))
            .collect();
        body["_embedded"]["task_types"] = types.into();
    }
    Ok(hal(StatusCode::OK, &body))
}

fn user_json(user: &User, base: &str) -> Value {
    json!({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "lang": user.lang,
        "rights": {
            "leads": { "view": "A", "edit": "A", "add": "A", "delete": "A", "export": "A" },
            "contacts": { "view": "A", "edit": "A", "add": "A", "delete": "A", "export": "A" },
            "companies": { "view": "A", "edit": "A", "add": "A", "delete": "A", "export": "A" },
            "tasks": { "edit": "A", "delete": "A" },
            "mail_access": true,
            "catalog_access": true,
            "files_access": true,
            "status_rights": [],
            "catalog_rights": null,
            "custom_fields_rights": null,
            "oper_day_reports_view_access": false,
            "oper_day_user_tracking": false,
            "is_admin": user.is_admin,
            "is_free": false,
            "is_active": user.is_active,
            "group_id": if user.group_id == 0 { Value::Null } else { user.group_id.into() },
            "role_id": null,
        },
        "_links": self_link(base, &format!("/api/v4/users/{}", user.id)),
    })
}

/// `GET /api/v4/users`, paginated (limit ≤ 250).
pub(super) fn users(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    let paging = Paging::from_query(&ctx.query, 50, 250, false)?;
    let (page, has_next) = paging.slice(&crm.users);
    if page.is_empty() {
        return Ok(no_content());
    }
    let total = crm.users.len();
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_total_items": total,
            "_page": paging.page,
            "_page_count": total.div_ceil(paging.limit),
            "_links": paging.links(&ctx.base, "/api/v4/users", &ctx.query, has_next),
            "_embedded": { "users": page.iter().map(|u| user_json(u, &ctx.base)).collect::<Vec<_>>() },
        }),
    ))
}

/// `GET /api/v4/users/{id}`.
pub(super) fn user(crm: &Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    let user = crm.user(id).ok_or(ApiError::NotFound)?;
    Ok(hal(StatusCode::OK, &user_json(user, &ctx.base)))
}

fn pipeline_json(pipeline: &Pipeline, base: &str) -> Value {
    let statuses: Vec<Value> = pipeline
        .statuses
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "name": s.name,
                "sort": s.sort,
                "is_editable": s.is_editable,
                "pipeline_id": pipeline.id,
                "color": s.color,
                "type": s.kind,
                "account_id": seed::ACCOUNT_ID,
                "_links": self_link(base, &format!("/api/v4/leads/pipelines/{}/statuses/{}", pipeline.id, s.id)),
            })
        })
        .collect();
    json!({
        "id": pipeline.id,
        "name": pipeline.name,
        "sort": pipeline.sort,
        "is_main": pipeline.is_main,
        "is_unsorted_on": true,
        "is_archive": false,
        "account_id": seed::ACCOUNT_ID,
        "_links": self_link(base, &format!("/api/v4/leads/pipelines/{}", pipeline.id)),
        "_embedded": { "statuses": statuses },
    })
}

/// `GET /api/v4/leads/pipelines`.
pub(super) fn pipelines(crm: &Crm, ctx: &Ctx) -> Result<Response<Body>, ApiError> {
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_total_items": crm.pipelines.len(),
            "_links": self_link(&ctx.base, "/api/v4/leads/pipelines"),
            "_embedded": { "pipelines": crm.pipelines.iter().map(|p| pipeline_json(p, &ctx.base)).collect::<Vec<_>>() },
        }),
    ))
}

/// `GET /api/v4/leads/pipelines/{id}`.
pub(super) fn pipeline(crm: &Crm, ctx: &Ctx, id: i64) -> Result<Response<Body>, ApiError> {
    let pipeline = crm.pipeline(id).ok_or(ApiError::NotFound)?;
    Ok(hal(StatusCode::OK, &pipeline_json(pipeline, &ctx.base)))
}

fn field_json(field: &CustomField, base: &str) -> Value {
    let enums = if field.enums.is_empty() {
        Value::Null
    } else {
        field
            .enums
            .iter()
            .map(|e| json!({ "id": e.id, "value": e.value, "sort": e.sort }))
            .collect()
    };
    let required: Vec<Value> = field
        .required_statuses
        .iter()
        .map(|(pipeline_id, status_id)| json!({ "pipeline_id": pipeline_id, "status_id": status_id }))
        .collect();
    json!({
        "id": field.id,
        "name": field.name,
        "type": field.field_type,
        "account_id": seed::ACCOUNT_ID,
        "code": field.code,
        "sort": field.sort,
        "is_api_only": field.is_api_only,
        "enums": enums,
        "group_id": null,
        "required_statuses": required,
        "is_deletable": !field.is_predefined,
        "is_predefined": field.is_predefined,
        "entity_type": field.entity_type,
        "remind": null,
        "triggers": [],
        "currency": if field.field_type == "monetary" { Value::from(seed::CURRENCY) } else { Value::Null },
        "hidden_statuses": [],
        "chained_lists": if field.field_type == "chained_list" { json!([{ "catalog_id": 5001, "parent_catalog_id": null, "title": "Regions" }]) } else { Value::Null },
        "_links": self_link(base, &format!("/api/v4/{}/custom_fields/{}", field.entity_type, field.id)),
    })
}

/// `GET /api/v4/{leads|contacts}/custom_fields`: at most 50 per page whatever `limit` says, as the
/// amoCRM docs warn, so clients must follow `_links.next`.
pub(super) fn custom_fields(
    fields: &[CustomField],
    entity: &str,
    ctx: &Ctx,
) -> Result<Response<Body>, ApiError> {
    let paging = Paging::from_query(&ctx.query, 50, 50, true)?;
    let types = ctx.query.multi("filter[type]");
    let mut selected: Vec<&CustomField> = fields
        .iter()
        .filter(|f| types.is_empty() || types.contains(&f.field_type))
        .collect();
    super::sort_by_order(
        &mut selected,
        ctx.query.order()?,
        |f, key| Some(if key == "sort" { f.sort } else { f.id }),
        &["sort", "id"],
    )?;
    let (page, has_next) = paging.slice(&selected);
    if page.is_empty() {
        return Ok(no_content());
    }
    let path = format!("/api/v4/{entity}/custom_fields");
    Ok(hal(
        StatusCode::OK,
        &json!({
            "_total_items": selected.len(),
            "_page": paging.page,
            "_page_count": selected.len().div_ceil(paging.limit),
            "_links": paging.links(&ctx.base, &path, &ctx.query, has_next),
            "_embedded": { "custom_fields": page.iter().map(|f| field_json(f, &ctx.base)).collect::<Vec<_>>() },
        }),
    ))
}
