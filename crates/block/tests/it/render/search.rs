//! The search page in every language, and what its forms send.

use i18n::Lang;

use super::html::{root_elements, tags};
use super::samples::{DISPLAY, Texts};
use super::snapshot;
use block::view::render_page;

#[test]
fn search_pages_offer_the_form_and_show_exact_and_possible_matches_in_every_language() {
    for (name, page) in Texts::real().search_pages() {
        for lang in Lang::ALL {
            // Act
            let html = render_page(lang, &page, &DISPLAY);

            // Assert
            snapshot(&format!("page_{name}_{lang}"), &html);
        }
    }
}

#[test]
fn search_pages_are_whole_documents_without_script_and_escape_every_text() {
    let payload = "<script>alert(1)</script>\"'&";
    for (name, page) in Texts::all(payload).search_pages() {
        for lang in Lang::ALL {
            // Act
            let html = render_page(lang, &page, &DISPLAY);

            // Assert
            assert!(html.starts_with("<!DOCTYPE html>"), "{name} {lang}");
            assert_eq!(root_elements(&html), Ok(1), "{name} {lang}");
            assert!(
                !html.to_ascii_lowercase().contains("<script"),
                "{name} {lang}"
            );
        }
    }
}

#[test]
fn the_search_form_sends_its_token_and_the_query_by_get_and_link_posts_its_own_token() {
    // Arrange
    let pages = Texts::real().search_pages();
    let (_, found) = pages
        .iter()
        .find(|(name, _)| *name == "search_found_by_phone")
        .expect("the sample exists");

    // Act
    let html = render_page(Lang::En, found, &DISPLAY);

    // Assert
    let all = tags(&html);
    let forms: Vec<_> = all
        .iter()
        .filter(|t| t.name == "form" && !t.closing)
        .collect();
    assert_eq!(
        forms.len(),
        2,
        "the search form and one Link form (the linked contact has none)"
    );
    assert_eq!(forms[0].attr("method"), Some("get"));
    assert_eq!(
        forms[0].attr("action"),
        Some("https://amo.usedesk.example/action/search")
    );
    assert_eq!(forms[1].attr("method"), Some("post"));
    assert_eq!(
        forms[1].attr("action"),
        Some("https://amo.usedesk.example/action/link")
    );
    assert!(
        all.iter()
            .any(|t| t.name == "input" && t.attr("name") == Some("q"))
    );
}

#[test]
fn block_offers_the_clients_missing_phone_and_email_to_the_linked_contact_in_every_language() {
    // Arrange
    let view = Texts::real()
        .every_block()
        .into_iter()
        .find(|(name, _)| *name == "contact_missing_values")
        .map(|(_, view)| view)
        .expect("the sample exists");
    for lang in Lang::ALL {
        // Act
        let html = block::view::render_block(lang, &view, &DISPLAY);

        // Assert
        snapshot(&format!("block_contact_missing_values_{lang}"), &html);
    }
}

#[test]
fn tasks_pages_mark_overdue_and_todays_tasks_and_offer_the_create_form_in_every_language() {
    for (name, page) in Texts::real().tasks_pages() {
        for lang in Lang::ALL {
            // Act
            let html = render_page(lang, &page, &DISPLAY);

            // Assert
            snapshot(&format!("page_{name}_{lang}"), &html);
        }
    }
}

#[test]
fn tasks_pages_are_whole_documents_without_script_and_escape_every_text() {
    let payload = "<script>alert(1)</script>\"'&";
    for (name, page) in Texts::all(payload).tasks_pages() {
        for lang in Lang::ALL {
            // Act
            let html = render_page(lang, &page, &DISPLAY);

            // Assert
            assert!(html.starts_with("<!DOCTYPE html>"), "{name} {lang}");
            assert_eq!(root_elements(&html), Ok(1), "{name} {lang}");
            assert!(
                !html.to_ascii_lowercase().contains("<script"),
                "{name} {lang}"
            );
        }
    }
}
