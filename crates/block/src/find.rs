//! The agent's own search (`GET /action/search?t=…&q=…`): a page in a new tab with the search form and the
//! contacts found, each with "Link" (the ordinary signed, single-use link action) and "open in amoCRM".

use http::StatusCode;

use crate::Error;
use crate::app::App;
use crate::extract::PageRequest;
use crate::http::Response;
use crate::token::ActionKind;
use crate::view::model::{PageView, SearchPage, SearchProblem};

/// `GET /action/search?t=…[&q=…]`: the form alone when nothing was typed, else the form and what was found.
pub(crate) async fn search(app: &App, got: PageRequest) -> Result<Response, Error> {
    let scope = got.claims.scope();
    let query = got.query.text("q").unwrap_or_default().to_owned();
    // The page's own form searches again with a fresh token of the same kind.
    let mut page = SearchPage {
        form: app.action(&scope, ActionKind::Search, None),
        query: query.clone(),
        results: None,
        links: Vec::new(),
        problem: None,
    };
    if query.trim().is_empty() {
        page.problem = got.query.get("q").map(|_| SearchProblem::Empty);
        return Ok(app.page(
            StatusCode::OK,
            scope.lang,
            &PageView::Search(Box::new(page)),
        ));
    }
    match app.domain().search(&got.claims.context(), &query).await {
        Ok(results) => {
            // Linking needs a Usedesk client; the contact already linked is not offered again.
            page.links = results
                .hits
                .iter()
                .filter(|hit| scope.client.is_some() && !hit.contact.linked)
                .map(|hit| {
                    let id = hit.contact.id;
                    (id, app.action(&scope, ActionKind::Link, Some(id)))
                })
                .collect();
            page.results = Some(Box::new(results));
            Ok(app.page(
                StatusCode::OK,
                scope.lang,
                &PageView::Search(Box::new(page)),
            ))
        }
        Err(domain::Error::Validation(_)) => {
            page.problem = Some(SearchProblem::TooLong);
            Ok(app.page(
                StatusCode::UNPROCESSABLE_ENTITY,
                scope.lang,
                &PageView::Search(Box::new(page)),
            ))
        }
        Err(e) => Err(e.into()),
    }
}
