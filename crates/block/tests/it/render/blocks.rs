//! Every block state, in every language; and what every block must be.

use block::view::model::BlockView;
use block::view::render_block;
use domain::Degradation;
use i18n::Lang;

use super::html::{root_elements, styles, tags};
use super::samples::{DISPLAY, Texts};
use super::snapshot;

/// Whether `form` posts in place: it is marked `data-inplace`, and the block's root carries the one handler that
/// fetches, shows a refusal's reason (`textContent`) and clicks Usedesk's reload link.
fn posts_in_place(all: &[super::html::Tag<'_>], form: &super::html::Tag<'_>) -> bool {
    form.attr_names().iter().any(|a| a == "data-inplace")
        && all.iter().any(|t| {
            t.name == "div"
                && t.attr("class") == Some("uda-block")
                && t.attr("onsubmit").is_some_and(|h| {
                    h.contains("a.block-reload-button") && h.contains("textContent")
                })
        })
}

fn block_t(lang: Lang, id: &str) -> String {
    i18n::Translator::global().t(lang, id)
}

fn state(name: &str) -> BlockView {
    Texts::real()
        .every_block()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, view)| view)
        .unwrap_or_else(|| panic!("no sample state {name}"))
}

fn snapshot_in_every_language(name: &str) {
    // Arrange
    let view = state(name);
    for lang in Lang::ALL {
        // Act
        let html = render_block(lang, &view, &DISPLAY);

        // Assert
        snapshot(&format!("block_{name}_{lang}"), &html);
    }
}

macro_rules! block_snapshots {
    ($($test:ident => $state:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                snapshot_in_every_language($state);
            }
        )*
    };
}

block_snapshots! {
    block_asks_for_the_amocrm_host_when_it_is_missing => "missing_host",
    block_refuses_a_host_that_is_not_amocrm_or_kommo => "refused_host",
    block_says_the_oauth_client_is_not_configured => "oauth_not_configured",
    block_says_the_secret_key_is_wrong => "bad_secret",
    block_asks_for_the_usedesk_api_token_when_it_is_missing => "missing_usedesk_token",
    block_offers_login_when_not_connected => "needs_login",
    block_offers_login_again_when_access_expired => "login_expired",
    block_offers_to_add_the_client_when_no_contact_is_found => "no_contact",
    block_says_there_is_nothing_to_search_by_without_phone_or_email => "no_identifiers",
    block_shows_one_contact_with_its_deals => "one_contact",
    block_shows_the_contacts_company_with_its_own_open_deals => "company_deals",
    block_offers_the_stage_select_on_an_open_deal => "stage_select",
    block_shows_the_open_tasks_of_the_contact_and_its_open_deal_overdue_today_and_later => "one_contact_with_tasks",
    block_says_when_the_open_tasks_could_not_be_read => "tasks_not_read",
    block_shows_many_contacts_each_with_a_link_button => "many_contacts",
    block_folds_a_contact_with_many_deals => "many_deals",
    block_says_some_identifiers_were_not_searched => "not_searched",
    block_shows_the_linked_contact_with_an_unlink_button => "linked_contact",
    block_says_no_deals_yet_for_a_contact_without_deals => "contact_without_deals",
    block_says_once_that_another_usedesk_account_connected_to_the_amocrm_account => "other_account_connected",
    block_shows_stale_data_with_the_time_it_was_fetched => "stale_unavailable",
    block_shows_stale_data_of_another_day_with_its_date_when_amocrm_is_busy => "stale_busy",
    block_shows_stale_data_when_amocrm_blocked_access => "stale_blocked",
    block_disables_add_to_amocrm_with_the_reason_when_the_subscription_ended => "stale_payment_no_contact",
    block_marks_the_contact_and_the_deal_just_created => "just_created",
    block_says_amocrm_is_busy => "degraded_busy",
    block_says_amocrm_is_busy_and_when_it_retries_in_the_accounts_zone => "degraded_busy_until",
    block_says_until_when_amocrm_paused_the_integration_with_the_zone => "degraded_blocked_until",
    block_shows_stale_data_and_when_a_busy_amocrm_is_retried => "stale_busy_until",
    block_shows_stale_data_and_until_when_amocrm_paused_the_integration => "stale_blocked_until",
    block_says_requests_are_queued_here_and_when_the_data_will_come => "degraded_queued",
    block_says_the_data_will_come_in_one_second_in_the_singular => "degraded_queued_one_second",
    block_shows_stale_data_while_requests_are_queued_here => "stale_queued",
    block_says_the_data_is_being_prepared_and_when_it_will_be_ready => "degraded_preparing",
    block_says_the_data_will_be_ready_in_one_second_in_the_singular => "degraded_preparing_one_second",
    block_shows_stale_data_while_fresh_data_is_being_prepared => "stale_preparing",
    block_says_amocrm_blocked_access => "degraded_blocked",
    block_says_the_subscription_ended => "degraded_payment_required",
    block_says_amocrm_is_unavailable => "degraded_unavailable",
    block_says_amocrm_timed_out => "degraded_timeout",
    block_gives_the_reference_of_an_internal_error => "degraded_internal",
}

#[test]
fn every_block_has_one_root_element_with_class_uda_block_and_no_script() {
    for texts in [Texts::real(), Texts::all("<script>alert(1)</script>")] {
        for (name, view) in texts.every_block() {
            for lang in Lang::ALL {
                // Act
                let html = render_block(lang, &view, &DISPLAY);

                // Assert
                assert_eq!(root_elements(&html), Ok(1), "{name} {lang}: {html}");
                let root = &tags(&html)[0];
                assert_eq!(root.name, "div", "{name} {lang}");
                assert_eq!(root.attr("class"), Some("uda-block"), "{name} {lang}");
                assert_eq!(root.attr("lang"), Some(lang.code()), "{name} {lang}");
                assert!(
                    !html.to_ascii_lowercase().contains("<script"),
                    "{name} {lang}"
                );
            }
        }
    }
}

#[test]
fn block_styles_are_scoped_under_the_root_class() {
    // Arrange
    let html = render_block(Lang::En, &Texts::real().many_contacts(), &DISPLAY);

    // Act
    let sheets = styles(&html);

    // Assert
    assert_eq!(sheets.len(), 1);
    let unscoped: Vec<&str> = sheets[0]
        .split('}')
        .filter_map(|rule| rule.split_once('{').map(|(selectors, _)| selectors))
        .flat_map(|selectors| selectors.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.starts_with(".uda-block"))
        .collect();
    assert!(
        unscoped.is_empty(),
        "selectors outside .uda-block: {unscoped:?}"
    );
}

#[test]
fn deal_names_open_the_deal_card_page_in_a_new_tab_with_the_token() {
    // Arrange
    let view = Texts::real().one_contact();

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert
    let cards: Vec<_> = tags(&html)
        .into_iter()
        .filter(|t| {
            t.name == "a"
                && t.attr("class")
                    .is_some_and(|c| c.split_whitespace().any(|c| c == "uda-deal-name"))
        })
        .collect();
    assert_eq!(cards.len(), 3);
    for card in cards {
        assert_eq!(
            card.attr("href"),
            Some("https://amo.usedesk.example/deal?t=v1.eyJrIjoibGluayJ9.c2ln")
        );
        assert_eq!(card.attr("target"), Some("_blank"));
    }
}

#[test]
fn prices_are_in_the_account_currency_of_the_agent_language() {
    // Arrange
    let view = Texts::real().one_contact();

    // Act
    let ru = render_block(Lang::Ru, &view, &DISPLAY);
    let en = render_block(Lang::En, &view, &DISPLAY);

    // Assert
    assert!(ru.contains("125\u{202f}000\u{a0}₽"), "{ru}");
    assert!(en.contains(&i18n::format_money(Lang::En, 125_000, "RUB", Some("₽"))));
}

#[test]
fn stage_pills_take_the_stage_colour_with_readable_text() {
    // Arrange
    let mut view = Texts::real().one_contact();
    if let BlockView::Data { data, .. } = &mut view {
        data.contacts[0].deals[0].stage.color = "#1F3A93".into();
        data.contacts[0].deals[1].stage.color = "#fe9".into();
    }

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert
    let pills: Vec<Option<&str>> = tags(&html)
        .into_iter()
        .filter(|t| t.attr("class") == Some("uda-pill"))
        .map(|t| t.attr("style"))
        .collect();
    assert_eq!(
        pills,
        [
            Some("background-color:#1f3a93;color:#ffffff"),
            Some("background-color:#ffee99;color:#1f2633"),
            Some("background-color:#d5d8db;color:#1f2633"),
        ]
    );
}

#[test]
fn the_first_contact_is_open_and_the_others_closed() {
    // Arrange
    let view = Texts::real().many_contacts();

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert
    let details: Vec<bool> = tags(&html)
        .into_iter()
        .filter(|t| {
            t.name == "details"
                && !t.closing
                && t.attr("class")
                    .is_some_and(|c| c.split_whitespace().any(|c| c == "uda-contact"))
        })
        .map(|t| t.attrs.split_whitespace().any(|a| a == "open"))
        .collect();
    assert_eq!(details, [true, false, false]);
}

#[test]
fn link_and_unlink_post_their_token_in_a_new_tab_and_in_place() {
    // Arrange
    let texts = Texts::real();

    for (view, path, count) in [
        (texts.many_contacts(), "action/link", 3),
        (texts.linked_contact(), "action/unlink", 1),
    ] {
        // Act
        let html = render_block(Lang::En, &view, &DISPLAY);

        // Assert
        let all = tags(&html);
        let url = format!("https://amo.usedesk.example/{path}");
        let forms: Vec<_> = all
            .iter()
            .filter(|t| t.name == "form" && !t.closing && t.attr("method") == Some("post"))
            .filter(|t| t.attr("action") == Some(url.as_str()))
            .collect();
        assert_eq!(forms.len(), count, "{path}");
        for form in forms {
            assert_eq!(
                form.attr("action"),
                Some(format!("https://amo.usedesk.example/{path}").as_str())
            );
            assert_eq!(form.attr("target"), Some("_blank"));
            assert!(posts_in_place(&all, form));
        }
        // Each form carries its token; the others are the deals' quick comments.
        let tokens = all
            .iter()
            .filter(|t| t.attr("type") == Some("hidden") && t.attr("name") == Some("t"))
            .count();
        let comments = all
            .iter()
            .filter(|t| t.name == "form" && !t.closing)
            .filter(|t| t.attr("action") == Some("https://amo.usedesk.example/action/comment"))
            .count();
        // One token per form, plus each quick comment's and the search form's.
        assert_eq!(tokens, count + comments + 1, "{path}");
    }
}

#[test]
fn no_contact_offers_add_to_amocrm_in_one_click_with_the_client_data_in_hidden_fields() {
    // Arrange
    let view = Texts::real().no_contact();

    // Act
    let html = render_block(Lang::Ru, &view, &DISPLAY);

    // Assert
    let all = tags(&html);
    let form = all
        .iter()
        .find(|t| {
            t.name == "form"
                && !t.closing
                && t.attr("class")
                    .is_some_and(|c| c.split_whitespace().any(|c| c == "uda-add"))
        })
        .expect("the add form");
    assert_eq!(form.attr("method"), Some("post"));
    assert_eq!(
        form.attr("action"),
        Some("https://amo.usedesk.example/action/contact")
    );
    assert_eq!(form.attr("target"), Some("_blank"));
    assert!(posts_in_place(&all, form));
    // "Edit before adding" opens the prefilled form instead.
    let edit = all
        .iter()
        .find(|t| {
            t.name == "a"
                && t.attr("href")
                    .is_some_and(|h| h.contains("/action/contact?t="))
        })
        .and_then(|t| t.attr("href"))
        .expect("the edit link");
    assert!(
        edit.contains("&#38;name=%D0%9C%D0%B0%D1%80%D0%B8%D1%8F")
            && edit.contains("&#38;phone=%2B7+916+123-45-67")
            && edit.contains("&#38;email=maria%40example.ru"),
        "{edit}"
    );
    let hidden: Vec<(Option<&str>, Option<&str>)> = all
        .iter()
        .filter(|t| t.attr("type") == Some("hidden"))
        .map(|t| (t.attr("name"), t.attr("value")))
        .collect();
    assert_eq!(
        hidden,
        [
            // The search form's token, offered first, then the add form's.
            (Some("t"), Some("v1.eyJrIjoibGluayJ9.c2ln")),
            (Some("t"), Some("v1.eyJrIjoibGluayJ9.c2ln")),
            (Some("name"), Some("Мария Иванова")),
            (Some("phone"), Some("+7 916 123-45-67")),
            (Some("email"), Some("maria@example.ru")),
        ]
    );
    assert!(
        html.contains("+79161234567, maria@example.ru"),
        "the identifiers searched"
    );
}

#[test]
fn while_amocrm_refuses_writes_every_write_button_is_disabled_and_says_why() {
    // Arrange
    let texts = Texts::real();

    for view in [
        texts.stale(domain::Degradation::Blocked { until: None }, 600),
        texts.stale_no_contact_payment(),
    ] {
        // Act
        let html = render_block(Lang::En, &view, &DISPLAY);

        // Assert: no write can be sent, each says why, and amoCRM can still be opened.
        let why = block_t(Lang::En, "block-writes-paused");
        let all = tags(&html);
        // The search form only reads: it stays usable.
        let mut in_search = false;
        for t in &all {
            if t.name == "form" {
                in_search = !t.closing && t.attr("class").is_some_and(|c| c.contains("uda-search"));
            }
            if t.name == "button" && !t.closing && !in_search {
                assert!(
                    t.attrs.split_whitespace().any(|a| a == "disabled"),
                    "{html}"
                );
            }
        }
        assert!(
            !html.contains("/action/deal?t="),
            "a live New deal link: {html}"
        );
        assert!(!html.contains("/action/comment"), "a quick comment: {html}");
        assert!(html.contains(&why), "{html}");
    }
    let contact = render_block(
        Lang::En,
        &texts.stale(domain::Degradation::Blocked { until: None }, 600),
        &DISPLAY,
    );
    assert!(contact.contains("hogwarts.amocrm.ru/contacts/detail/7001"));
}

#[test]
fn deals_shown_unfolded_offer_a_folded_quick_comment_posted_in_place() {
    // Arrange: one open deal, one won and one lost.
    let view = Texts::real().one_contact();

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert: the open deal's, inside a closed <details>, with its token, a textarea and a place for the reason;
    // the won and lost deals are folded and commented on their card.
    let all = tags(&html);
    let forms: Vec<_> = all
        .iter()
        .filter(|t| t.name == "form" && !t.closing)
        .filter(|t| t.attr("action") == Some("https://amo.usedesk.example/action/comment"))
        .collect();
    assert_eq!(forms.len(), 1);
    for form in forms {
        assert_eq!(form.attr("method"), Some("post"));
        assert_eq!(form.attr("target"), Some("_blank"));
        assert!(posts_in_place(&all, form));
    }
    assert_eq!(
        html.matches("<details class=\"uda-quick-comment\">")
            .count(),
        1
    );
    assert_eq!(html.matches("name=\"text\"").count(), 1);
    assert_eq!(
        html.matches("class=\"uda-inplace-error\" role=\"alert\" hidden")
            .count(),
        1
    );
}

#[test]
fn only_the_five_open_deals_shown_at_once_offer_a_quick_comment() {
    // Arrange: 13 open deals and 9 closed, every one with a comment token.
    let view = Texts::real().many_deals();

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert: the five open deals before "Show all" each have theirs; the deals behind it and the closed ones none.
    let comment_names: Vec<&str> = html
        .split("<details class=\"uda-quick-comment\">")
        .skip(1)
        .filter_map(|form| form.split("aria-label=\"Comment: ").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(
        comment_names,
        [
            "Подписка Pro на 12 месяцев #00",
            "Внедрение и обучение #01",
            "Пробный период #02",
            "Подписка Pro на 12 месяцев #03",
            "Внедрение и обучение #04",
        ]
    );
    let show_all = html.find("<details class=\"uda-fold\">").expect("Show all");
    assert!(
        !html[show_all..].contains("uda-quick-comment"),
        "a folded deal with a quick comment"
    );
}

#[test]
fn what_was_just_created_is_marked_new() {
    // Arrange
    let view = Texts::real().just_created();

    // Act
    let html = render_block(Lang::Ru, &view, &DISPLAY);

    // Assert: the contact (unfolded) and the one new deal.
    assert_eq!(html.matches(" uda-contact-new\"").count(), 1);
    assert_eq!(html.matches(" uda-deal-new\"").count(), 1);
    assert_eq!(
        html.matches(&block_t(Lang::Ru, "block-new-badge")).count(),
        2
    );
}

#[test]
fn stale_data_of_today_shows_only_the_time_it_was_fetched_with_the_zone() {
    // Arrange: fetched 25 minutes before 17:05 Moscow time.
    let view = Texts::real().stale(Degradation::Unavailable, 25 * 60);

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert
    assert!(
        html.contains("amoCRM is not answering; data as of 16:40\u{a0}MSK."),
        "{html}"
    );
}

#[test]
fn gear_opens_the_settings_page_in_a_new_tab() {
    // Arrange
    let view = Texts::real().one_contact();

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert
    let gear = tags(&html)
        .into_iter()
        .find(|t| t.attr("class") == Some("uda-gear"))
        .map(|t| {
            (
                t.attr("href").map(str::to_owned),
                t.attr("target").map(str::to_owned),
            )
        });
    assert_eq!(
        gear,
        Some((
            Some(
                "https://amo.usedesk.example/action/settings?t=v1.eyJrIjoibGluayJ9.c2ln".to_owned()
            ),
            Some("_blank".to_owned())
        ))
    );
}

#[test]
fn a_contact_with_twenty_two_deals_shows_five_open_ones_and_folds_the_rest() {
    // Arrange
    let view = state("many_deals");

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert: the bound — five deals outside the folds, the most recently changed open ones first; the other
    // eight open ones under "Show all 13", the nine closed ones under "9 closed deals".
    let (visible, folded) = html.split_once("<details class=\"uda-fold").expect("folds");
    assert_eq!(visible.matches("<li class=\"uda-deal ").count(), 5);
    assert!(
        !visible.contains("<li class=\"uda-deal uda-deal-won")
            && !visible.contains("<li class=\"uda-deal uda-deal-lost")
    );
    assert_eq!(folded.matches("<li class=\"uda-deal ").count(), 17);
    assert!(html.contains("Show all 13 open deals"), "{html}");
    assert!(html.contains("9 closed deals"), "{html}");
    let first = visible.find("#00").expect("the most recent deal");
    assert!(visible.find("#04").is_some_and(|fifth| fifth > first));
    assert!(!visible.contains("#05"));
}

#[test]
fn the_head_is_one_row_with_the_account_and_the_gear_and_says_no_deals_only_once() {
    // Arrange
    let texts = Texts::real();

    // Act
    let empty = render_block(Lang::En, &texts.contact_without_deals(), &DISPLAY);
    let login = render_block(Lang::En, &texts.needs_login(false), &DISPLAY);

    // Assert: Usedesk's card header already says amoCRM; the block's head holds the account and the gear only.
    let all = tags(&empty);
    let head = all
        .iter()
        .position(|t| t.attr("class") == Some("uda-head"))
        .expect("a head");
    let inside: Vec<_> = all[head + 1..]
        .iter()
        .take_while(|t| !(t.name == "div" && t.closing))
        .filter(|t| !t.closing && t.name != "svg" && t.name != "circle")
        .map(|t| t.attr("class").unwrap_or_default())
        .collect();
    assert_eq!(inside, ["uda-account", "uda-gear"]);
    assert!(!empty.contains("uda-brand"), "{empty}");
    assert_eq!(empty.matches("No deals").count(), 1, "{empty}");
    assert!(
        tags(&login)
            .iter()
            .all(|t| t.attr("class") != Some("uda-head")),
        "a block with nothing for the head has none"
    );
}

#[test]
fn the_stage_select_is_left_out_while_amocrm_takes_no_writes() {
    // Arrange
    let BlockView::Data {
        mut data, actions, ..
    } = state("stage_select")
    else {
        panic!("the stage select sample is a block with data");
    };
    data.stale_as_of = Some(super::samples::NOW - 600);
    let paused = BlockView::Data {
        data,
        actions,
        stale_reason: Some(Degradation::Blocked { until: None }),
    };

    // Act
    let fresh = render_block(Lang::En, &state("stage_select"), &DISPLAY);
    let html = render_block(Lang::En, &paused, &DISPLAY);

    // Assert
    assert!(fresh.contains("action/deal-stage"));
    assert!(!html.contains("action/deal-stage"), "{html}");
    assert!(!html.contains(r#"<form class="uda-stage-form""#));
}

#[test]
fn only_the_open_deals_shown_unfolded_list_their_tasks() {
    // Arrange: a task on the most recently changed open deal (unfolded) and one on the oldest (behind "Show all").
    let mut view = state("many_deals");
    if let BlockView::Data { data, .. } = &mut view {
        for deal in &mut data.contacts[0].deals {
            let text = match deal.id {
                9200 => "Call about the unfolded deal",
                9212 => "Call about the folded deal",
                _ => continue,
            };
            deal.tasks.list.push(domain::tasks::TaskView {
                id: deal.id,
                kind: "Follow-up".into(),
                text: text.into(),
                due: super::samples::NOW + 3_600,
                responsible: None,
                target: domain::tasks::TaskTarget::Deal {
                    id: deal.id,
                    name: deal.name.clone(),
                },
            });
        }
    }

    // Act
    let html = render_block(Lang::En, &view, &DISPLAY);

    // Assert
    assert!(html.contains("Call about the unfolded deal"), "{html}");
    assert!(!html.contains("Call about the folded deal"));
}
