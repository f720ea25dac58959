//! The Usedesk API stand-in: every method is a POST with `api_token` in a JSON or form body.

pub(crate) mod model;

use http::{Method, Response, StatusCode};
use serde_json::{Map, Value, json};

use crate::http::{Body, as_i64, as_text, json as json_response, parse_body};
use crate::model::{is_phone_like, now_unix};
use crate::state::{Shared, lock};
use crate::stats::Side;
use model::{Client, Ticket, Usedesk, UsedeskComment};

/// The token that stands for a revoked or mistyped one.
const BAD_TOKEN: &str = "bad-token";

type Answer = Result<Value, (StatusCode, String)>;

fn fail(status: StatusCode, message: impl Into<String>) -> (StatusCode, String) {
    (status, message.into())
}

/// Answers one request to the Usedesk listener.
pub(crate) fn handle(
    shared: &Shared,
    method: &Method,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Response<Body> {
    lock(&shared.stats).endpoint(Side::Usedesk, method.as_str(), path);
    match answer(shared, method, path, content_type, body) {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err((status, message)) => json_response(status, &json!({ "error": message })),
    }
}

fn answer(
    shared: &Shared,
    method: &Method,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Answer {
    // The hosted API lives under /uapi on secure.usedesk.com; both spellings reach the same method.
    let route = path
        .strip_prefix("/uapi")
        .unwrap_or(path)
        .trim_end_matches('/');
    const METHODS: &[&str] = &[
        "/ticket",
        "/client",
        "/clients",
        "/update/client",
        "/create/comment",
        "/users",
        "/create/ticket",
    ];
    if !METHODS.contains(&route) {
        return Err(fail(StatusCode::NOT_FOUND, "Method not found"));
    }
    if method != Method::POST {
        return Err(fail(
            StatusCode::METHOD_NOT_ALLOWED,
            "All requests must be sent via HTTP POST",
        ));
    }
    let params = match parse_body(content_type, body) {
        Ok(Value::Object(params)) => params,
        Ok(_) => {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                "The request body must be an object",
            ));
        }
        Err(message) => return Err(fail(StatusCode::BAD_REQUEST, message)),
    };
    let token = params
        .get("api_token")
        .and_then(as_text)
        .unwrap_or_default();
    if token.trim().is_empty() || token == BAD_TOKEN {
        return Err(fail(StatusCode::UNAUTHORIZED, "Invalid api token"));
    }
    let mut usedesk = lock(&shared.usedesk);
    let usedesk = &mut *usedesk;
    match route {
        "/ticket" => ticket(usedesk, &params),
        "/client" => client(usedesk, &params),
        "/clients" => clients(usedesk, &params),
        "/update/client" => update_client(usedesk, &params),
        "/create/comment" => create_comment(usedesk, &params),
        "/users" => Ok(users(usedesk)),
        _ => create_ticket(usedesk, &params),
    }
}

fn required_id(params: &Map<String, Value>, key: &str) -> Result<i64, (StatusCode, String)> {
    match params.get(key) {
        None | Some(Value::Null) => {
            Err(fail(StatusCode::BAD_REQUEST, format!("{key} is required")))
        }
        Some(raw) => as_i64(raw)
            .ok_or_else(|| fail(StatusCode::BAD_REQUEST, format!("{key} must be a number"))),
    }
}

fn ticket_json(ticket: &Ticket) -> Value {
    json!({
        "id": ticket.id,
        "status_id": ticket.status_id,
        "subject": ticket.subject,
        "client_id": ticket.client_id,
        "assignee_id": ticket.assignee_id,
        "group": ticket.group,
        "channel_id": ticket.channel_id,
        "last_updated_at": ticket.last_updated_at,
        "email": ticket.email,
        "published_at": ticket.published_at,
        "company_id": 7001,
        "priority": "medium",
        "type": "question",
        "tags": [],
        "custom_fields": [],
    })
}

fn ticket(usedesk: &Usedesk, params: &Map<String, Value>) -> Answer {
    let id = required_id(params, "ticket_id")?;
    let ticket = usedesk
        .tickets
        .get(&id)
        .ok_or_else(|| fail(StatusCode::NOT_FOUND, "Ticket not found"))?;
    let mut comments = vec![json!({
        "id": ticket.id * 100,
        "message": ticket.first_message,
        "type": "public",
        "from": "client",
        "user_id": null,
        "client_id": ticket.client_id,
        "ticket_id": ticket.id,
        "is_first": 1,
        "delivered": 1,
        "readed": 1,
        "published_at": ticket.published_at,
        "files": [],
    })];
    comments.extend(usedesk.comments.iter().filter(|c| c.ticket_id == id).map(|c| {
        json!({
            "id": c.comment_id,
            "message": c.message,
            "type": c.kind,
            "from": c.from,
            "user_id": c.user_id,
            "client_id": if c.from == "client" { Value::from(ticket.client_id) } else { Value::Null },
            "ticket_id": c.ticket_id,
            "is_first": 0,
            "delivered": 1,
            "readed": 0,
            "published_at": c.published_at,
            "files": [],
        })
    }));
    Ok(json!({ "ticket": ticket_json(ticket), "comments": comments, "changes": [] }))
}

fn client(usedesk: &Usedesk, params: &Map<String, Value>) -> Answer {
    let id = required_id(params, "client_id")?;
    let client = usedesk
        .clients
        .get(&id)
        .ok_or_else(|| fail(StatusCode::NOT_FOUND, "Client not found"))?;
    // Usedesk answers an array of one, not an object.
    Ok(json!([{ "client": client.to_json(&usedesk.tickets_of(id)) }]))
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn clients(usedesk: &Usedesk, params: &Map<String, Value>) -> Answer {
    let query = params
        .get("query")
        .and_then(as_text)
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let full = params.get("search_type").and_then(Value::as_str) == Some("full_match");
    let offset = params.get("offset").and_then(as_i64).unwrap_or(0).max(0) as usize;
    // Phone-like queries also compare digits only, so "+7 903 555-01-01" finds "79035550101".
    let query_digits = is_phone_like(&query).then(|| digits(&query));
    let matches = |text: &str| {
        let text = text.to_lowercase();
        let digit_match = |compare: &dyn Fn(&str, &str) -> bool| {
            query_digits
                .as_deref()
                .is_some_and(|q| compare(&digits(&text), q))
        };
        if full {
            text == query || digit_match(&|value, q| value == q)
        } else {
            text.contains(&query) || digit_match(&|value, q| value.contains(q))
        }
    };
    let found: Vec<Value> = usedesk
        .clients
        .values()
        .filter(|c| {
            query.is_empty()
                || matches(&c.name)
                || c.emails.iter().any(|e| matches(e))
                || c.phones.iter().any(|(_, p)| matches(p))
        })
        .skip(offset)
        .take(100)
        .map(|c| c.to_json(&usedesk.tickets_of(c.id)))
        .collect();
    Ok(Value::Array(found))
}

fn update_client(usedesk: &mut Usedesk, params: &Map<String, Value>) -> Answer {
    let id = required_id(params, "client_id")?;
    let client = usedesk
        .clients
        .get_mut(&id)
        .ok_or_else(|| fail(StatusCode::NOT_FOUND, "Client not found"))?;
    if let Some(name) = params.get("name").and_then(as_text) {
        client.name = name;
    }
    let emails: Vec<String> = match params.get("emails") {
        Some(Value::Array(items)) => items.iter().filter_map(as_text).collect(),
        Some(other) => as_text(other).into_iter().collect(),
        None => Vec::new(),
    };
    for email in emails {
        if !client.emails.iter().any(|e| e.eq_ignore_ascii_case(&email)) {
            client.emails.push(email);
        }
    }
    if let Some(phone) = params.get("phone").and_then(as_text) {
        let kind = params
            .get("phone_type")
            .and_then(as_text)
            .unwrap_or_else(|| "other".to_owned());
        if !client
            .phones
            .iter()
            .any(|(_, p)| digits(p) == digits(&phone))
        {
            client.phones.push((kind, phone));
        }
    }
    if let Some(note) = params.get("note").and_then(as_text) {
        let append = params.get("is_new_note").and_then(as_i64) == Some(1)
            || params.get("is_new_note").and_then(Value::as_bool) == Some(true);
        if append && !client.note.is_empty() {
            client.note = format!("{}\n{note}", client.note);
        } else {
            client.note = note;
        }
    }
    if let Some(position) = params.get("position").and_then(as_text) {
        client.position = position;
    }
    Ok(json!({ "client_id": id, "status": "success" }))
}

fn create_comment(usedesk: &mut Usedesk, params: &Map<String, Value>) -> Answer {
    let ticket_id = required_id(params, "ticket_id")?;
    let message = params
        .get("message")
        .and_then(as_text)
        .ok_or_else(|| fail(StatusCode::BAD_REQUEST, "message is required"))?;
    if !usedesk.tickets.contains_key(&ticket_id) {
        return Err(fail(StatusCode::NOT_FOUND, "Ticket not found"));
    }
    let kind = params
        .get("type")
        .and_then(as_text)
        .unwrap_or_else(|| "private".to_owned());
    if kind != "private" && kind != "public" {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "type must be public or private",
        ));
    }
    let from = params
        .get("from")
        .and_then(as_text)
        .unwrap_or_else(|| "user".to_owned());
    let mut user_id = None;
    let mut trigger_id = None;
    match from.as_str() {
        "user" => {
            let id = match params.get("user_id").and_then(as_i64) {
                Some(id) => id,
                None => usedesk.agents.first().map(|a| a.id).unwrap_or_default(),
            };
            if !usedesk.agents.iter().any(|a| a.id == id) {
                return Err(fail(StatusCode::BAD_REQUEST, "User not found"));
            }
            user_id = Some(id);
        }
        "trigger" => {
            trigger_id = Some(params.get("trigger_id").and_then(as_i64).ok_or_else(|| {
                fail(
                    StatusCode::BAD_REQUEST,
                    "trigger_id is required when from is trigger",
                )
            })?);
        }
        "client" => {}
        _ => {
            return Err(fail(
                StatusCode::BAD_REQUEST,
                "from must be user, client or trigger",
            ));
        }
    }
    usedesk.next_comment_id += 1;
    let comment_id = usedesk.next_comment_id;
    let published_at = usedesk_time(now_unix());
    if let Some(ticket) = usedesk.tickets.get_mut(&ticket_id) {
        ticket.last_updated_at = published_at.clone();
    }
    usedesk.comments.push(UsedeskComment {
        comment_id,
        ticket_id,
        message,
        kind,
        from,
        user_id,
        trigger_id,
        published_at,
    });
    Ok(json!({ "status": "success", "comment_id": comment_id }))
}

fn users(usedesk: &Usedesk) -> Value {
    usedesk
        .agents
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "name": a.name,
                "email": a.email,
                "position": null,
                "is_admin": a.id == crate::seed::USEDESK_USER_POPPY,
                "groups": [{ "id": a.group_id, "name": a.group_name }],
            })
        })
        .collect()
}

fn create_ticket(usedesk: &mut Usedesk, params: &Map<String, Value>) -> Answer {
    let subject = params
        .get("subject")
        .and_then(as_text)
        .ok_or_else(|| fail(StatusCode::BAD_REQUEST, "subject is required"))?;
    let message = params
        .get("message")
        .and_then(as_text)
        .ok_or_else(|| fail(StatusCode::BAD_REQUEST, "message is required"))?;
    let client_id = match params.get("client_id").and_then(as_i64) {
        Some(id) if usedesk.clients.contains_key(&id) => id,
        Some(_) => return Err(fail(StatusCode::NOT_FOUND, "Client not found")),
        None => {
            usedesk.next_client_id += 1;
            let id = usedesk.next_client_id;
            let email = params.get("client_email").and_then(as_text);
            let phone = params.get("client_phone").and_then(as_text);
            let name = params
                .get("client_name")
                .and_then(as_text)
                .or_else(|| email.clone())
                .or_else(|| phone.clone())
                .unwrap_or_else(|| format!("Client {id}"));
            usedesk.clients.insert(
                id,
                Client {
                    id,
                    name,
                    emails: email.into_iter().collect(),
                    phones: phone.into_iter().map(|p| ("other".to_owned(), p)).collect(),
                    note: String::new(),
                    position: String::new(),
                    created_at: usedesk_time(now_unix()),
                },
            );
            id
        }
    };
    usedesk.next_ticket_id += 1;
    let id = usedesk.next_ticket_id;
    let now = usedesk_time(now_unix());
    let email = usedesk
        .clients
        .get(&client_id)
        .and_then(|c| c.emails.first().cloned());
    usedesk.tickets.insert(
        id,
        Ticket {
            id,
            subject,
            client_id,
            status_id: params.get("status").and_then(as_i64).unwrap_or(1),
            channel_id: params.get("channel_id").and_then(as_i64).unwrap_or(31),
            email,
            published_at: now.clone(),
            last_updated_at: now,
            assignee_id: None,
            group: None,
            first_message: message,
        },
    );
    Ok(json!({ "status": "success", "ticket_id": id }))
}

/// Formats Unix seconds as Usedesk writes dates: `YYYY-MM-DD HH:MM:SS` (UTC).
pub(crate) fn usedesk_time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}
