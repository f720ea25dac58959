//! Every page in all four languages, the preview page, and what the forms send.

use block::view::model::PageView;
use block::view::{Preview, PreviewSample, render_page, render_preview};
use i18n::Lang;
use serde_json::json;

use super::html::{Tag, root_elements, tags};
use super::samples::{DISPLAY, Texts};
use super::snapshot;

/// Pages whose own test snapshots them, though their name also matches another test's prefix.
const SPECIFIC: [&str; 2] = ["_upstream", "done_contact_created"];

/// Whether `name` belongs to the test for `prefix` (a prefix, or a suffix such as `_upstream`).
fn belongs(name: &str, prefix: &str) -> bool {
    let matches = |p: &str| name.starts_with(p) || name.ends_with(p);
    matches(prefix)
        && !SPECIFIC
            .iter()
            .any(|&other| other != prefix && matches(other))
}

/// Snapshots every sample page of `prefix` in all four languages.
fn snapshot_pages(prefix: &str) {
    // Arrange
    let pages: Vec<(&str, PageView)> = Texts::real()
        .every_page()
        .into_iter()
        .filter(|(name, _)| belongs(name, prefix))
        .collect();
    assert!(!pages.is_empty(), "no sample page starts with {prefix}");
    for (name, page) in pages {
        for lang in Lang::ALL {
            // Act
            let html = render_page(lang, &page, &DISPLAY);

            // Assert
            snapshot(&format!("page_{name}_{lang}"), &html);
        }
    }
}

#[test]
fn oauth_pages_say_what_happened_and_what_to_do() {
    snapshot_pages("oauth_");
}

#[test]
fn contact_form_pages_are_prefilled_and_show_errors() {
    snapshot_pages("contact_form");
}

#[test]
fn deal_form_pages_offer_every_field_and_show_errors_in_every_language() {
    snapshot_pages("deal_form");
}

#[test]
fn deal_edit_pages_show_the_deal_its_refusals_and_a_lost_deal_with_its_reason_in_every_language() {
    snapshot_pages("deal_edit");
}

#[test]
fn settings_pages_put_the_integration_id_trigger_and_ids_first_in_every_language() {
    snapshot_pages("settings");
}

#[test]
fn connection_pages_show_the_account_the_user_and_how_to_disconnect() {
    snapshot_pages("connection");
}

#[test]
fn the_connection_page_posts_its_two_forms_and_offers_to_keep_the_settings() {
    // Arrange
    let texts = Texts::real();

    // Act
    let html = render_page(Lang::En, &texts.connection(true, None), &DISPLAY);
    let gone = render_page(Lang::En, &texts.connection(false, Some(false)), &DISPLAY);

    // Assert
    let all = tags(&html);
    let actions: Vec<_> = forms(&all).iter().map(|f| f.attr("action")).collect();
    assert_eq!(
        actions,
        vec![
            Some("https://amo.usedesk.example/action/stage-comments"),
            Some("https://amo.usedesk.example/action/disconnect"),
        ]
    );
    let keep = all.iter().find(|t| t.attr("name") == Some("keep")).unwrap();
    assert!(keep.attrs.split_whitespace().any(|a| a == "checked"));
    assert!(html.contains("as Minerva McGonagall"));
    assert!(html.contains("every agent of this Usedesk account"));
    assert!(gone.contains("The contact links and field choices were deleted."));
    assert!(gone.contains("an agent must log in to amoCRM"));
    assert_eq!(
        forms(&tags(&gone)).len(),
        1,
        "no Disconnect once disconnected"
    );
}

#[test]
fn trigger_secret_pages_show_the_secret_once_and_how_to_use_it() {
    snapshot_pages("trigger_secret");
}

#[test]
fn deal_card_pages_show_the_deal_its_feed_and_the_comment_form() {
    snapshot_pages("deal_card");
}

#[test]
fn log_ticket_pages_say_how_logging_the_ticket_ended_in_every_language() {
    snapshot_pages("log_ticket");
}

#[test]
fn done_pages_say_what_was_done_and_to_refresh_the_block() {
    snapshot_pages("done_");
}

#[test]
fn pages_of_a_write_amocrm_did_not_take_keep_what_was_typed_and_offer_a_retry() {
    snapshot_pages("_upstream");
}

#[test]
fn the_contact_created_page_shows_the_contact_and_offers_its_first_deal() {
    snapshot_pages("done_contact_created");
}

#[test]
fn failure_pages_say_why_and_give_the_reference() {
    snapshot_pages("failed_");
}

#[test]
fn every_page_is_a_whole_document_with_language_title_and_viewport_and_no_script() {
    for (name, page) in Texts::real().every_page() {
        for lang in Lang::ALL {
            // Act
            let html = render_page(lang, &page, &DISPLAY);

            // Assert
            assert!(html.starts_with("<!DOCTYPE html>"), "{name} {lang}");
            assert_eq!(root_elements(&html), Ok(1), "{name} {lang}");
            let all = tags(&html);
            assert_eq!(all[0].name, "html");
            assert_eq!(all[0].attr("lang"), Some(lang.code()), "{name} {lang}");
            assert!(
                all.iter()
                    .any(|t| t.name == "meta" && t.attr("name") == Some("viewport"))
            );
            assert!(all.iter().any(|t| t.name == "title"), "{name} {lang}");
            assert!(
                !html.to_ascii_lowercase().contains("<script"),
                "{name} {lang}"
            );
        }
    }
}

fn forms<'a>(all: &'a [Tag<'a>]) -> Vec<&'a Tag<'a>> {
    all.iter()
        .filter(|t| t.name == "form" && !t.closing)
        .collect()
}

#[test]
fn page_forms_post_to_the_submit_url_with_the_token_in_hidden_field_t() {
    let texts = Texts::real();
    for (page, paths) in [
        (texts.contact_form(false), &["action/contact"][..]),
        (texts.deal_form(), &["action/deal"]),
        // The gear has two: the field choice, and the trigger secret's button.
        (
            texts.settings(false),
            &["action/settings", "action/trigger-secret"],
        ),
        (texts.deal_card(false), &["action/comment"]),
    ] {
        // Act
        let html = render_page(Lang::En, &page, &DISPLAY);

        // Assert
        let all = tags(&html);
        let forms = forms(&all);
        assert_eq!(forms.len(), paths.len(), "{paths:?}");
        for (form, path) in forms.iter().zip(paths) {
            assert_eq!(form.attr("method"), Some("post"));
            // The forms that can come back with errors post to the place on the page that shows them.
            let place = if path.starts_with("action/settings") || path.ends_with("trigger-secret") {
                ""
            } else {
                "#errors"
            };
            assert_eq!(
                form.attr("action"),
                Some(format!("https://amo.usedesk.example/{path}{place}").as_str())
            );
        }
        let hidden: Vec<_> = all
            .iter()
            .filter(|t| t.attr("type") == Some("hidden"))
            .map(|t| (t.attr("name"), t.attr("value")))
            .collect();
        assert_eq!(
            hidden,
            vec![(Some("t"), Some("v1.eyJrIjoibGluayJ9.c2ln")); paths.len()],
            "{paths:?}"
        );
    }
}

#[test]
fn the_block_has_one_in_place_handler_for_all_its_forms_and_pages_have_none() {
    // Arrange
    let texts = Texts::real();

    // Act
    let block = block::view::render_block(Lang::En, &texts.many_contacts(), &DISPLAY);
    let card = render_page(Lang::Ru, &texts.deal_card(false), &DISPLAY);

    // Assert
    // Pages are served with a CSP that forbids inline script, so their forms are plain.
    assert!(tags(&card).iter().all(|t| t.attr("onsubmit").is_none()));
    let all = tags(&block);
    let handlers: Vec<&str> = all.iter().filter_map(|t| t.attr("onsubmit")).collect();
    assert_eq!(
        handlers.len(),
        1,
        "one handler, on the block's root: {handlers:?}"
    );
    // Three Link buttons and the deals' quick comments, each marked for it.
    let marked = all
        .iter()
        .filter(|t| t.name == "form" && t.attr_names().iter().any(|a| a == "data-inplace"))
        .count();
    assert!(marked > 3, "{marked}");
    let handler = handlers[0];
    assert!(handler.contains("f.dataset.inplace==null||"), "{handler}");
    for part in [
        "fetch(f.action",
        "'Accept':'application/json'",
        "credentials:'omit'",
        "j.ok===true",
        // A refusal is said beside the button, as text; the button works again and the form keeps its values.
        "m.textContent=e.message",
        "s.disabled=false",
        "f.closest('.dynamic-block')",
        "querySelector('a.block-reload-button')",
        "a.click()",
        "f.submit()",
        "return false",
    ] {
        assert!(handler.contains(part), "{part} missing from {handler}");
    }
}

#[test]
fn deal_form_groups_stages_by_pipeline_and_marks_the_fields_the_chosen_stage_requires() {
    // Arrange
    let page = Texts::real().deal_form_with_errors();

    // Act
    let html = render_page(Lang::En, &page, &DISPLAY);

    // Assert
    let all = tags(&html);
    let groups: Vec<_> = all
        .iter()
        .filter(|t| t.name == "optgroup" && !t.closing)
        .map(|t| t.attr("label"))
        .collect();
    assert_eq!(groups, [Some("Продажи"), Some("Сервис")]);
    let selected: Vec<_> = all
        .iter()
        .filter(|t| t.name == "option" && t.attrs.split_whitespace().any(|a| a == "selected"))
        .filter_map(|t| t.attr("value"))
        .collect();
    assert_eq!(selected, ["3001:31", "11", "2", "1", "3"]);
    assert_eq!(html.matches("Required at: Продажи → Переговоры").count(), 4);
    assert_eq!(
        html.matches(r#"data-required-in="3001:31""#).count(),
        4,
        "each required field names its stage for the select's handler"
    );
    assert_eq!(
        html.matches(r#"class="field invalid required-now""#)
            .count()
            + html.matches(r#"class="field required-now""#).count(),
        4,
        "the chosen stage's fields are marked"
    );
    assert!(html.contains("Fill in “Количество лицензий”."));
    assert!(html.contains("“Budget” must be a number, such as 12 500 or 1 500,50."));
    assert!(html.contains("“Сайт клиента” must be a web address"));
    assert!(
        html.contains(r#"value="12 5OO""#),
        "the refused price is kept"
    );
}

#[test]
fn deal_form_show_required_fields_gets_the_reload_action_with_the_chosen_stage() {
    // Arrange
    let page = Texts::real().deal_form();

    // Act
    let html = render_page(Lang::En, &page, &DISPLAY);

    // Assert
    let all = tags(&html);
    let reload = all
        .iter()
        .find(|t| t.attr("formaction").is_some())
        .expect("the reload button");
    assert_eq!(reload.name, "button");
    assert_eq!(
        reload.attr("formaction"),
        Some("https://amo.usedesk.example/action/deal")
    );
    assert_eq!(reload.attr("formmethod"), Some("get"));
    let first_submit = all
        .iter()
        .find(|t| t.name == "button" && t.attr("type") == Some("submit"))
        .expect("a submit button");
    assert!(
        first_submit.attr("formaction").is_none(),
        "Enter must create the deal, not reload"
    );
}

#[test]
fn deal_form_offers_an_input_for_every_kind_of_custom_field() {
    // Arrange
    let page = Texts::real().deal_form();

    // Act
    let html = render_page(Lang::Ru, &page, &DISPLAY);

    // Assert
    let all = tags(&html);
    let input = |name: &str| {
        all.iter()
            .find(|t| t.attr("name") == Some(name) && !t.closing)
    };
    assert_eq!(input("cf:502").map(|t| t.attr("type")), Some(Some("text")));
    assert_eq!(input("cf:506").map(|t| t.name.as_str()), Some("textarea"));
    assert_eq!(
        input("cf:507").map(|t| t.attr("inputmode")),
        Some(Some("decimal"))
    );
    assert_eq!(
        input("cf:503").map(|t| t.attr("type")),
        Some(Some("checkbox"))
    );
    assert_eq!(input("cf:508").map(|t| t.name.as_str()), Some("select"));
    assert_eq!(input("cf:509").map(|t| t.attr("type")), Some(Some("radio")));
    assert!(input("cf:510").is_some_and(|t| t.attrs.contains(" multiple")));
    assert_eq!(input("cf:501").map(|t| t.attr("type")), Some(Some("date")));
    assert_eq!(
        input("cf:511").map(|t| t.attr("type")),
        Some(Some("datetime-local"))
    );
    assert_eq!(input("cf:504").map(|t| t.attr("type")), Some(Some("url")));
    assert_eq!(
        input("responsible").map(|t| t.name.as_str()),
        Some("select")
    );
    assert!(html.contains("Бюджет, ₽"));
}

#[test]
fn contact_form_repeats_phone_and_email_inputs_and_marks_the_refused_values() {
    // Arrange
    let page = Texts::real().contact_form(true);

    // Act
    let html = render_page(Lang::En, &page, &DISPLAY);

    // Assert
    let all = tags(&html);
    let values = |name: &str| -> Vec<Option<&str>> {
        all.iter()
            .filter(|t| t.attr("name") == Some(name))
            .map(|t| t.attr("value"))
            .collect()
    };
    assert_eq!(
        values("phone"),
        [Some("+7 916 123-45-67"), Some("12ab"), Some("")]
    );
    assert_eq!(values("email"), [Some("maria@"), Some("")]);
    let invalid: Vec<_> = all
        .iter()
        .filter(|t| t.attr("aria-invalid") == Some("true"))
        .filter_map(|t| t.attr("name"))
        .collect();
    assert_eq!(invalid, ["name", "phone", "email"]);
    assert!(html.contains("There are 3 errors in the form"));
    assert!(html.contains("“12ab” is not a phone number."));
    assert!(html.contains("“maria@” must be an e-mail address."));
}

#[test]
fn settings_page_ticks_the_chosen_fields_and_shows_the_integration_id_read_only() {
    // Arrange
    let page = Texts::real().settings(true);

    // Act
    let html = render_page(Lang::En, &page, &DISPLAY);

    // Assert
    let all = tags(&html);
    let checked = |name: &str| -> Vec<&str> {
        all.iter()
            .filter(|t| t.attr("name") == Some(name))
            .filter(|t| t.attrs.split_whitespace().any(|a| a == "checked"))
            .filter_map(|t| t.attr("value"))
            .collect()
    };
    assert_eq!(checked("list"), ["cf:502", "cf:501", "responsible"]);
    assert_eq!(checked("card"), ["cf:504"]);
    let id = all
        .iter()
        .find(|t| t.attr("id") == Some("integration-id"))
        .expect("the integration id");
    assert_eq!(
        id.attr("value"),
        Some("3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a12")
    );
    assert!(id.attrs.split_whitespace().any(|a| a == "readonly"));
    assert!(html.contains("Settings saved."));
}

#[test]
fn settings_page_says_whether_a_trigger_secret_is_set_and_offers_to_create_or_rotate_it() {
    // Arrange
    let texts = Texts::real();

    // Act
    let none = render_page(Lang::En, &texts.settings(false), &DISPLAY);
    let set = render_page(Lang::En, &texts.settings(true), &DISPLAY);

    // Assert
    assert!(none.contains("No trigger secret yet: every trigger of this connection is refused"));
    assert!(none.contains(">Create trigger secret</button>"));
    assert!(set.contains("This connection has a trigger secret. Only its hash is stored"));
    assert!(set.contains(">Rotate trigger secret</button>"));
    assert!(set.contains("stop working at once"));
    for html in [&none, &set] {
        assert!(
            !html.contains("q3ZkV1sWq0m8yJ6oX9c2aB7dE4fG5hI1jK0lM2nO3pQ"),
            "the gear never shows a secret"
        );
    }
}

#[test]
fn trigger_secret_page_shows_the_secret_with_the_header_the_url_and_the_body_in_read_only_fields() {
    // Arrange
    let page = Texts::real().trigger_secret(false);
    let secret = "q3ZkV1sWq0m8yJ6oX9c2aB7dE4fG5hI1jK0lM2nO3pQ";

    // Act
    let html = render_page(Lang::En, &page, &DISPLAY);

    // Assert
    let all = tags(&html);
    let field = |id: &str| {
        all.iter()
            .find(|t| t.attr("id") == Some(id) && !t.closing)
            .unwrap_or_else(|| panic!("#{id} in {html}"))
    };
    let secret_field = field("trigger-secret");
    assert_eq!(secret_field.attr("value"), Some(secret));
    for id in [
        "trigger-secret",
        "trigger-url",
        "trigger-header",
        "trigger-body",
        "trigger-url-secret",
        "trigger-try",
    ] {
        let tag = field(id);
        assert!(
            tag.attrs.split_whitespace().any(|a| a == "readonly"),
            "#{id}"
        );
        assert_eq!(tag.attr("onfocus"), Some("this.select()"), "#{id}");
    }
    assert!(
        secret_field
            .attrs
            .split_whitespace()
            .any(|a| a == "autofocus")
    );
    assert_eq!(
        field("trigger-url").attr("value"),
        Some("https://amo.usedesk.example/api/freeCreateLead")
    );
    assert_eq!(
        field("trigger-header").attr("value"),
        Some(format!("X-Trigger-Secret: {secret}").as_str())
    );
    assert_eq!(
        field("trigger-url-secret").attr("value"),
        Some(format!("https://amo.usedesk.example/api/freeCreateLead?secret={secret}").as_str())
    );
    let text = crate::support::unescape(&html);
    let body_start = text.find("{\n  \"amoClientId\"").expect("the body");
    let body: serde_json::Value = serde_json::from_str(
        &text[body_start..=body_start + text[body_start..].find("\n}").unwrap() + 1],
    )
    .expect("the body is JSON");
    assert_eq!(
        body,
        json!({
            "amoClientId": "3f2b8c1e-6a4d-4e2f-9b7a-1c5d8e9f0a12",
            "ticketId": "{{ticket_id}}",
            "fields": {"name": "Deal from ticket {{ticket_id}}"},
            "comment": "Created by a Usedesk rule",
        })
    );
    assert!(text.contains("curl -X POST 'https://amo.usedesk.example/api/freeCreateLead'"));
    assert!(text.contains(&format!("-H 'X-Trigger-Secret: {secret}'")));
    assert!(text.contains(r#""ticketId":42017"#), "{text}");
    assert!(html.contains("it is shown only this once"));
    assert!(!html.contains("The previous secret no longer works"));
    assert!(forms(&all).is_empty(), "the page posts nothing");
}

#[test]
fn a_rotated_secret_page_says_the_old_one_stopped_working() {
    // Act
    let html = render_page(Lang::En, &Texts::real().trigger_secret(true), &DISPLAY);

    // Assert
    assert!(html.contains("<h1>Trigger secret rotated</h1>"));
    assert!(html.contains("The previous secret no longer works."));
    assert!(html.contains("This server does not require trigger secrets in general"));
}

#[test]
fn deal_card_feed_is_newest_first() {
    // Arrange
    let page = Texts::real().deal_card(false);

    // Act
    let html = render_page(Lang::En, &page, &DISPLAY);

    // Assert
    let order = [
        "Incoming call",
        ">Note<",
        "Field “Источник” changed",
        "Responsible changed: Анна Кузнецова → Олег Смирнов",
        "Stage changed: Первичный контакт → Переговоры",
        "Budget changed:",
        "Deal created",
        "Event: entity_linked",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|text| html.find(text).unwrap_or_else(|| panic!("{text} missing")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

fn preview() -> Preview {
    Preview {
        api_url: "/api/".into(),
        samples: vec![
            PreviewSample {
                label: "Клиент с двумя сделками".into(),
                body: json!({
                    "ticket_id": 42017,
                    "subject": "Нужен счёт на оплату",
                    "client_id": 3301,
                    "client_data": {
                        "name": "Мария Иванова",
                        "emails": ["maria@example.ru"],
                        "phones": [{"type": "mobile", "phone": "+7 916 123-45-67"}]
                    },
                    "amo_base_host": "https://hogwarts.amocrm.ru",
                    "usedesk_api_token": "sample-token"
                }),
            },
            PreviewSample {
                label: "New client".into(),
                body: json!({"ticket_id": 42018, "client_data": {"name": "John Doe", "emails": ["john@example.com"]}}),
            },
        ],
        languages: Lang::ALL.to_vec(),
        sandbox_url: Some("http://127.0.0.1:4010".into()),
    }
}

#[test]
fn preview_page_imitates_the_ticket_card_around_a_dynamic_block() {
    for lang in [Lang::En, Lang::Ru] {
        // Act
        let html = render_preview(lang, &preview());

        // Assert
        snapshot(&format!("page_preview_{lang}"), &html);
        assert_eq!(root_elements(&html), Ok(1));
        let all = tags(&html);
        assert!(
            all.iter()
                .any(|t| t.attr("class") == Some("block-reload-button") && t.name == "a")
        );
        assert!(all.iter().any(|t| {
            t.attr("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "dynamic-block"))
        }));
        assert!(all.iter().all(|t| t.name != "iframe"));
        assert_eq!(
            html.matches("<script").count(),
            1,
            "only the page's own script"
        );
        let samples: Vec<_> = all
            .iter()
            .filter(|t| t.name == "option" && t.attr("data-body").is_some())
            .collect();
        assert_eq!(samples.len(), 2);
        let body: serde_json::Value = serde_json::from_str(
            &samples[0]
                .attr("data-body")
                .unwrap()
                .replace("&#34;", "\"")
                .replace("&quot;", "\""),
        )
        .expect("the sample body is JSON once unescaped");
        assert_eq!(body["ticket_id"], 42017);
    }
}
