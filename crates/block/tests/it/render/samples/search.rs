//! The search page's view models: before a search, a refused query, nothing found, and contacts found by phone
//! (exact, one linked) and by company (possible).

use block::view::model::{PageView, SearchPage, SearchProblem};
use domain::search::{SearchHit, SearchKind, SearchResults};

use super::Texts;

impl Texts {
    fn search_page(&self) -> SearchPage {
        SearchPage {
            form: self.action("action/search"),
            query: self.client.clone(),
            results: None,
            links: Vec::new(),
            problem: None,
        }
    }

    /// Every state of the search page, by name.
    pub fn search_pages(&self) -> Vec<(&'static str, PageView)> {
        let mut linked = self.contact(1, 7002, Vec::new());
        linked.linked = true;
        linked.matched_by = vec![self.identifier.clone()];
        let found = SearchResults {
            query: self.phone.clone(),
            kind: SearchKind::Phone("+79161234567".into()),
            hits: vec![
                SearchHit {
                    contact: self.contact(0, 7001, self.deals()),
                    confirmed: true,
                    company: None,
                },
                SearchHit {
                    contact: linked,
                    confirmed: true,
                    company: None,
                },
            ],
            truncated: false,
        };
        let mut possible = self.contact(2, 7003, Vec::new());
        possible.matched_by = Vec::new();
        let by_company = SearchResults {
            query: self.client.clone(),
            kind: SearchKind::Text,
            hits: vec![SearchHit {
                contact: possible,
                confirmed: false,
                company: Some(self.client.clone()),
            }],
            truncated: true,
        };
        let nothing = SearchResults {
            query: self.client.clone(),
            kind: SearchKind::Text,
            hits: Vec::new(),
            truncated: false,
        };
        let page = |results: Option<SearchResults>, links: Vec<i64>, problem| {
            PageView::Search(Box::new(SearchPage {
                results: results.map(Box::new),
                links: links
                    .into_iter()
                    .map(|id| (id, self.action("action/link")))
                    .collect(),
                problem,
                ..self.search_page()
            }))
        };
        vec![
            (
                "search_form",
                PageView::Search(Box::new(SearchPage {
                    query: String::new(),
                    ..self.search_page()
                })),
            ),
            (
                "search_empty",
                page(None, Vec::new(), Some(SearchProblem::Empty)),
            ),
            (
                "search_too_long",
                page(None, Vec::new(), Some(SearchProblem::TooLong)),
            ),
            ("search_nothing", page(Some(nothing), Vec::new(), None)),
            ("search_found_by_phone", page(Some(found), vec![7001], None)),
            (
                "search_possible_by_company",
                page(Some(by_company), vec![7003], None),
            ),
        ]
    }
}
