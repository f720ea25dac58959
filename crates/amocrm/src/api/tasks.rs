//! `/api/v4/tasks`.

use reqwest::Method;

use crate::Error;
use crate::api::write::{Answer, Write, with_request_ids};
use crate::api::{MAX_PAGE_LIMIT, check_limit};
use crate::client::{AmoClient, Call};
use crate::models::{Created, NewTask, Task, TaskEntityType, TaskUpdate, Updated};
use crate::page::{List, Page};

const LIST: List = List::new("GET /api/v4/tasks", "tasks");
const GET_ONE: &str = "GET /api/v4/tasks/{id}";
const CREATE: &str = "POST /api/v4/tasks";
const UPDATE: &str = "PATCH /api/v4/tasks";
const UPDATE_ONE: &str = "PATCH /api/v4/tasks/{id}";

/// What tasks to list. Tasks have no full-text search and no `with`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TasksQuery {
    /// Only these tasks (`filter[id][]`).
    pub ids: Vec<i64>,
    /// Only tasks of these users (`filter[responsible_user_id][]`).
    pub responsible_user_ids: Vec<i64>,
    /// Only open (`Some(false)`) or completed (`Some(true)`) tasks (`filter[is_completed]`).
    pub is_completed: Option<bool>,
    /// Only tasks of these types (`filter[task_type][]`).
    pub task_types: Vec<i64>,
    /// Only tasks attached to this kind of entity (`filter[entity_type]`); needed for
    /// `entity_ids` to be honoured.
    pub entity_type: Option<TaskEntityType>,
    /// Only tasks attached to these entities (`filter[entity_id][]`).
    pub entity_ids: Vec<i64>,
    /// Earliest deadline first (`order[complete_till]=asc`).
    pub order_due_asc: bool,
    /// Page size, at most 250.
    pub limit: Option<u32>,
    /// The page to fetch, from 1 (for [`TasksApi::list`]).
    pub page: Option<u32>,
}

impl TasksQuery {
    /// The open tasks of these entities of one kind, earliest deadline first.
    pub fn open_of(
        entity_type: TaskEntityType,
        entity_ids: impl IntoIterator<Item = i64>,
    ) -> TasksQuery {
        TasksQuery {
            is_completed: Some(false),
            entity_type: Some(entity_type),
            entity_ids: entity_ids.into_iter().collect(),
            order_due_asc: true,
            ..TasksQuery::default()
        }
    }

    fn pairs(&self, default_limit: Option<u32>) -> Result<Vec<(String, String)>, Error> {
        check_limit(self.limit, MAX_PAGE_LIMIT)?;
        if !self.entity_ids.is_empty() && self.entity_type.is_none() {
            return Err(Error::InvalidArgument(
                "filtering tasks by entity id needs the entity type".to_owned(),
            ));
        }
        let mut pairs = Vec::new();
        for id in &self.ids {
            pairs.push(("filter[id][]".to_owned(), id.to_string()));
        }
        for id in &self.responsible_user_ids {
            pairs.push(("filter[responsible_user_id][]".to_owned(), id.to_string()));
        }
        if let Some(done) = self.is_completed {
            pairs.push((
                "filter[is_completed]".to_owned(),
                u8::from(done).to_string(),
            ));
        }
        for id in &self.task_types {
            pairs.push(("filter[task_type][]".to_owned(), id.to_string()));
        }
        if let Some(entity_type) = &self.entity_type {
            pairs.push((
                "filter[entity_type]".to_owned(),
                entity_type.as_str().to_owned(),
            ));
        }
        for id in &self.entity_ids {
            pairs.push(("filter[entity_id][]".to_owned(), id.to_string()));
        }
        if self.order_due_asc {
            pairs.push(("order[complete_till]".to_owned(), "asc".to_owned()));
        }
        if let Some(limit) = self.limit.or(default_limit) {
            pairs.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(page) = self.page {
            pairs.push(("page".to_owned(), page.to_string()));
        }
        Ok(pairs)
    }
}

/// Tasks; see [`AmoClient::tasks`].
#[derive(Debug, Clone, Copy)]
pub struct TasksApi<'a> {
    client: &'a AmoClient,
}

impl<'a> TasksApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        TasksApi { client }
    }

    /// One page of tasks. No match is an empty page (amoCRM answers 204).
    pub async fn list(&self, query: &TasksQuery) -> Result<Page<Task>, Error> {
        let url = self.client.url("/api/v4/tasks", &query.pairs(None)?);
        self.client.fetch_page(&LIST, url).await
    }

    /// Every matching task, following `_links.next` (250 per page unless `limit` says
    /// otherwise).
    pub async fn list_all(&self, query: &TasksQuery) -> Result<Vec<Task>, Error> {
        let url = self
            .client
            .url("/api/v4/tasks", &query.pairs(Some(MAX_PAGE_LIMIT))?);
        self.client.fetch_all(&LIST, url).await
    }

    /// One task; `None` when it does not exist (404 or 204).
    pub async fn get(&self, id: i64) -> Result<Option<Task>, Error> {
        let path = format!("/api/v4/tasks/{id}");
        self.client.fetch_one(GET_ONE, &path, None).await
    }

    /// Creates tasks (at most 250, sent in chunks of 50). Every item is sent with a
    /// `request_id` (generated when absent); the results are in input order.
    pub async fn create(&self, tasks: &[NewTask]) -> Result<Vec<Created>, Error> {
        for task in tasks {
            if task.text.trim().is_empty() {
                return Err(Error::InvalidArgument("a task needs a text".to_owned()));
            }
        }
        let write = Write {
            method: Method::POST,
            endpoint: CREATE,
            url: self.client.url("/api/v4/tasks", &[]),
            answer: Answer::Embedded("tasks"),
        };
        self.client
            .write_in_chunks(write, &with_request_ids(tasks))
            .await
    }

    /// Changes tasks (at most 250, sent in chunks of 50).
    pub async fn update(&self, updates: &[TaskUpdate]) -> Result<Vec<Updated>, Error> {
        let write = Write {
            method: Method::PATCH,
            endpoint: UPDATE,
            url: self.client.url("/api/v4/tasks", &[]),
            answer: Answer::Embedded("tasks"),
        };
        self.client.write_in_chunks(write, updates).await
    }

    /// Changes one task (`PATCH /api/v4/tasks/{id}`; amoCRM answers with its id and
    /// `updated_at` only).
    pub async fn update_one(&self, update: &TaskUpdate) -> Result<Updated, Error> {
        let url = self
            .client
            .url(&format!("/api/v4/tasks/{}", update.id), &[]);
        let call = Call::with_json(Method::PATCH, UPDATE_ONE, url, update)?;
        self.client
            .fetch(&call)
            .await?
            .ok_or_else(|| no_content(UPDATE_ONE))
    }

    /// Completes task `id` with the result `text` (amoCRM wants both `is_completed` and
    /// `result`).
    pub async fn complete(&self, id: i64, text: &str) -> Result<Updated, Error> {
        self.update_one(&TaskUpdate::complete(id, text)).await
    }
}

/// The error for a write answered with no body.
pub(crate) fn no_content(endpoint: &'static str) -> Error {
    Error::Decode {
        endpoint,
        message: "the write was answered with no content".to_owned(),
    }
}
