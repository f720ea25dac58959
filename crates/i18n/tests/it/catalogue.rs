//! The catalogue as a whole: every language has the same files, the same
//! messages with the same variables, everything parses and formats, and
//! nothing is left untranslated.

use std::collections::BTreeSet;
use std::path::PathBuf;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use i18n::{Arg, Error, FILES, Lang, Translator, resources};

use crate::ftl;

/// Every message the block, the pages and the trigger API are built from.
const REQUIRED_IDS: &[&str] = &[
    "action-done-comment",
    "action-done-contact-created",
    "action-done-deal-created",
    "action-done-linked",
    "action-done-unlinked",
    "action-failed",
    "action-token-expired",
    "action-token-invalid",
    "api-error-bad-json",
    "api-error-conflict",
    "api-error-forbidden",
    "api-error-in-progress",
    "api-error-internal",
    "api-error-payment-required",
    "api-error-rejected",
    "api-error-usedesk-refused",
    "api-error-usedesk-unavailable",
    "api-error-needs-login",
    "api-error-unknown-client",
    "api-error-upstream-unavailable",
    "api-error-validation",
    "block-back",
    "button-save-deal",
    "deal-change",
    "deal-changed",
    "deal-edit-back",
    "deal-move",
    "deal-move-label",
    "deal-move-needs",
    "deal-move-fill",
    "card-contacts",
    "card-contact-main",
    "card-tags",
    "deal-edit-close",
    "deal-edit-current",
    "deal-edit-lost",
    "deal-edit-title",
    "deal-edit-won",
    "error-field-refused",
    "form-loss-reason",
    "form-loss-reason-hint",
    "block-loading",
    "block-open-in-amocrm",
    "block-refresh-hint",
    "block-settings",
    "block-title",
    "button-add-to-amocrm",
    "button-link",
    "button-login",
    "button-new-deal",
    "button-open-deal",
    "button-post-comment",
    "button-unlink",
    "card-feed",
    "card-fields",
    "card-title",
    "comment-placeholder",
    "comment-posted",
    "contact-emails",
    "contact-linked",
    "contact-no-identifiers",
    "contact-phones",
    "contact-responsible",
    "contact-search-hint",
    "contacts-found",
    "deal-created",
    "deal-pipeline",
    "deal-price",
    "deal-responsible",
    "deal-stage",
    "deal-status-lost",
    "deal-status-open",
    "deal-status-won",
    "contact-not-searched",
    "deals-closed",
    "deals-count",
    "deals-none",
    "deals-open-budget",
    "deals-show-all",
    "deals-title",
    "error-field-checkbox",
    "error-field-date",
    "error-field-enum",
    "error-field-number",
    "error-field-required",
    "error-field-too-long",
    "error-field-url",
    "feed-by",
    "feed-call-in",
    "feed-call-out",
    "feed-call-duration",
    "feed-call-recording",
    "feed-chat-in",
    "feed-chat-out",
    "feed-empty",
    "feed-event-other",
    "feed-field-changed",
    "feed-lead-added",
    "feed-more",
    "feed-name-changed",
    "feed-note",
    "feed-price-changed",
    "feed-responsible-changed",
    "feed-status-changed",
    "feed-tag-added",
    "feed-unknown-author",
    "form-cancel",
    "form-contact-title",
    "form-deal-name",
    "form-deal-title",
    "form-email",
    "form-errors-title",
    "form-first-name",
    "form-last-name",
    "form-name",
    "form-no",
    "form-phone",
    "form-pipeline-stage",
    "form-price",
    "form-required",
    "form-required-at",
    "form-required-for-stage",
    "form-stage-in-pipeline",
    "form-stage-needs",
    "form-more-fields",
    "form-responsible",
    "form-select-placeholder",
    "form-submit-create-contact",
    "form-submit-create-deal",
    "form-yes",
    "oauth-bad-state",
    "oauth-denied",
    "oauth-exchange-failed",
    "oauth-host-mismatch",
    "oauth-success",
    "oauth-success-hint",
    "page-close-tab",
    "page-failure-title",
    "page-success-title",
    "page-title",
    "preview-comments",
    "preview-fault-blocked",
    "preview-fault-busy",
    "preview-fault-down",
    "preview-fault-none",
    "preview-fault-payment",
    "preview-fault-revoked",
    "preview-fault-slow",
    "preview-language",
    "preview-note",
    "preview-pick-ticket",
    "preview-render",
    "preview-simulate",
    "preview-title",
    "search-title",
    "search-label",
    "search-placeholder",
    "button-search",
    "search-hint",
    "search-empty",
    "search-too-long",
    "search-nothing",
    "search-found",
    "search-truncated",
    "search-as-phone",
    "search-as-email",
    "search-possible",
    "search-confirmed",
    "search-via-company",
    "search-link-done-hint",
    "button-add-value",
    "contact-values-missing",
    "action-done-value-added",
    "button-tasks",
    "button-call-back",
    "tasks-title",
    "tasks-none",
    "tasks-new",
    "task-type",
    "task-text",
    "task-due",
    "task-result",
    "task-overdue",
    "task-due-today",
    "task-on-contact",
    "task-due-invalid",
    "task-call-back-text",
    "button-create-task",
    "button-complete-task",
    "action-done-task-created",
    "action-done-task-completed",
    "button-task-done",
    "block-contact-tasks",
    "task-due-today-at",
    "task-due-tomorrow-at",
    "task-due-yesterday-at",
    "block-tasks-more",
    "block-tasks-more-unread",
    "block-tasks-not-read",
    "task-on",
    "contact-company",
    "button-edit-contact",
    "contact-edit-title",
    "contact-position",
    "contact-position-hint",
    "button-save-contact",
    "action-done-contact-saved",
    "settings-card-fields",
    "settings-integration-id",
    "settings-integration-id-hint",
    "settings-list-fields",
    "settings-save",
    "settings-saved",
    "settings-title",
    "settings-trigger-title",
    "settings-trigger-intro",
    "settings-trigger-header",
    "settings-trigger-body",
    "settings-trigger-body-label",
    "settings-ids-title",
    "settings-filter",
    "settings-pipelines",
    "settings-users",
    "settings-fields",
    "state-bad-secret",
    "state-blocked",
    "state-blocked-until",
    "state-busy",
    "state-busy-until",
    "state-internal-error",
    "state-login-expired",
    "state-missing-host",
    "state-missing-token",
    "state-needs-login",
    "state-no-contact",
    "state-oauth-not-configured",
    "state-payment-required",
    "state-preparing",
    "state-refused-host",
    "state-stale",
    "state-stale-blocked-until",
    "state-stale-busy-until",
    "state-stale-preparing",
    "state-timeout",
    "state-upstream-error",
    "amocrm-note-by-agent",
    "amocrm-note-by-trigger",
    "amocrm-log-header",
    "amocrm-log-header-no-subject",
    "amocrm-log-by-agent",
    "amocrm-log-empty",
    "amocrm-log-trimmed",
    "amocrm-log-client",
    "amocrm-log-client-unnamed",
    "amocrm-log-agent",
    "amocrm-log-agent-unnamed",
    "amocrm-log-trigger",
    "amocrm-log-other",
    "button-log-ticket",
    "log-ticket-done",
    "log-ticket-already",
    "log-ticket-in-progress",
    "login-all-agents",
    "login-acts-as",
    "amocrm-note-from-ticket",
    "amocrm-note-from-ticket-no-subject",
    "block-admin-reference",
    "usedesk-comment-contact-created",
    "usedesk-comment-deal-created",
    "block-new-badge",
    "block-writes-paused",
    "button-add-edit-first",
    "button-retry",
    "form-problem-not-saved",
    "form-problem-maybe-saved",
    "button-new-deal-for-contact",
    "contact-created-block-hint",
    "webhook-stage-lost",
    "webhook-stage-lost-by",
    "webhook-stage-moved",
    "webhook-stage-moved-by",
    "webhook-stage-won",
    "webhook-stage-won-by",
    "connection-account",
    "connection-all-agents",
    "connection-disconnect",
    "connection-disconnect-explain",
    "connection-disconnect-title",
    "connection-disconnected",
    "connection-disconnected-forgotten",
    "connection-disconnected-kept",
    "connection-keep-settings",
    "connection-keep-settings-hint",
    "connection-needs-login",
    "connection-reconnect",
    "connection-reconnect-hint",
    "connection-since",
    "connection-stage-comments-off",
    "connection-stage-comments-on",
    "connection-stage-comments-turn-off",
    "connection-stage-comments-turn-on",
    "connection-title",
    "connection-user",
    "connection-user-unknown",
    "connection-webhooks-off",
    "connection-webhooks-on",
    "settings-connection-link",
    "company-deals-of",
    "company-deals-more",
    "form-company",
    "form-company-hint",
    "form-company-choose",
    "form-company-new",
    "contact-created-company-linked",
    "contact-created-company-created",
    "contact-created-company-not-created",
    "contact-created-company-not-linked",
    "contact-created-company-created-not-linked",
    "contact-created-company-open",
];

/// Messages whose translation is rightly the same as the English text:
/// brand names and words the languages share.
const SAME_AS_ENGLISH: &[(Lang, &str)] = &[
    (Lang::Es, "block-title"),
    (Lang::Pt, "block-title"),
    (Lang::Ru, "block-title"),
    // Minutes and seconds are abbreviated "min" and "s" in Spanish and Portuguese too.
    (Lang::Es, "feed-call-duration"),
    (Lang::Pt, "feed-call-duration"),
    (Lang::Es, "form-no"),
    (Lang::Pt, "form-email"),
    (Lang::Ru, "form-email"),
    (Lang::Pt, "contact-emails"),
    // A stage under its pipeline ("Sales → Negotiation") and the word URL read the same everywhere.
    (Lang::Es, "form-stage-in-pipeline"),
    (Lang::Pt, "form-stage-in-pipeline"),
    (Lang::Ru, "form-stage-in-pipeline"),
    (Lang::Es, "settings-trigger-url"),
    (Lang::Pt, "settings-trigger-url"),
    (Lang::Ru, "settings-trigger-url"),
    // Who wrote a message the ticket log cannot place: the product's name.
    (Lang::Es, "amocrm-log-other"),
    (Lang::Pt, "amocrm-log-other"),
    (Lang::Ru, "amocrm-log-other"),
];

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../locales")
}

/// A value for a variable that makes every selector resolve: numbers for
/// the variables that choose plural forms, text for the rest.
fn sample_arg(name: &str) -> Arg {
    match name {
        "count" | "max" => Arg::Int(3),
        other => Arg::Str(format!("<{other}>")),
    }
}

#[test]
fn every_language_has_the_same_messages_with_the_same_variables() {
    // Arrange
    let mut problems = Vec::new();

    // Act
    for (index, file) in FILES.iter().enumerate() {
        let english = ftl::variables(resources(Lang::En)[index].source).expect("en parses");
        for lang in Lang::ALL.into_iter().filter(|lang| *lang != Lang::En) {
            let other = ftl::variables(resources(lang)[index].source).expect("translation parses");
            problems.extend(ftl::differences(
                &format!("en/{file}"),
                &english,
                &format!("{lang}/{file}"),
                &other,
            ));
        }
    }

    // Assert
    assert!(
        problems.is_empty(),
        "the languages disagree:\n{}",
        problems.join("\n")
    );
}

#[test]
fn parity_check_reports_a_missing_message_an_extra_one_and_a_changed_variable() {
    // Arrange
    let english = ftl::variables("a = A { $x }\nb = B\nc = C").unwrap();
    let other = ftl::variables("a = А { $y }\nb = Б\nd = Д").unwrap();

    // Act
    let problems = ftl::differences("en", &english, "ru", &other);

    // Assert
    assert_eq!(
        problems,
        vec![
            "`a` uses {\"x\"} in en but {\"y\"} in ru".to_owned(),
            "ru lacks `c`, which en has".to_owned(),
            "en lacks `d`, which ru has".to_owned(),
        ]
    );
}

#[test]
fn parity_check_sees_variables_inside_selectors_attributes_and_function_calls() {
    // Arrange
    let source = "\
m = { $count ->
        [one] one { $name }
       *[other] many { NUMBER($total) }
    }
    .title = { $hint }
";

    // Act
    let vars = ftl::variables(source).unwrap();

    // Assert
    let names = |list: &[&str]| {
        list.iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(vars["m"], names(&["count", "name", "total"]));
    assert_eq!(vars["m.title"], names(&["hint"]));
}

#[test]
fn every_locale_file_parses_without_errors() {
    // Arrange
    let mut problems = Vec::new();

    // Act
    for lang in Lang::ALL {
        for resource in resources(lang) {
            if let Err(errors) = ftl::variables(resource.source) {
                problems.push(format!("{lang}/{}: {}", resource.file, errors.join("; ")));
            }
        }
    }

    // Assert
    assert!(
        problems.is_empty(),
        "parse errors:\n{}",
        problems.join("\n")
    );
}

#[test]
fn compiled_in_catalogue_builds_without_errors() {
    // Act
    let built = Translator::new();

    // Assert
    assert!(built.is_ok(), "{}", built.unwrap_err());
}

#[test]
fn strict_constructor_reports_a_file_that_does_not_parse() {
    // Act
    let built = Translator::from_ftl(&[(Lang::Es, "broken.ftl", "good = Bien\nbad = { $x\n")]);

    // Assert
    match built {
        Err(Error::InvalidResource {
            lang,
            file,
            problems,
        }) => {
            assert_eq!((lang, file.as_str()), (Lang::Es, "broken.ftl"));
            assert!(!problems.is_empty());
        }
        other => panic!("expected InvalidResource, got {other:?}"),
    }
}

#[test]
fn strict_constructor_reports_a_message_defined_in_two_files() {
    // Act
    let built = Translator::from_ftl(&[
        (Lang::Ru, "one.ftl", "same = Один"),
        (Lang::Ru, "two.ftl", "same = Два"),
    ]);

    // Assert
    match built {
        Err(Error::InvalidResource {
            lang,
            file,
            problems,
        }) => {
            assert_eq!((lang, file.as_str()), (Lang::Ru, "two.ftl"));
            assert!(problems.contains("same"), "{problems}");
        }
        other => panic!("expected InvalidResource, got {other:?}"),
    }
}

#[test]
fn each_language_directory_holds_exactly_the_compiled_in_files() {
    for lang in Lang::ALL {
        // Arrange
        let dir = locales_dir().join(lang.code());
        let expected: BTreeSet<&str> = FILES.into_iter().collect();

        // Act
        let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();

        // Assert
        let on_disk_refs: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
        assert_eq!(on_disk_refs, expected, "files in {}", dir.display());
        for resource in resources(lang) {
            let text = std::fs::read_to_string(dir.join(resource.file)).unwrap();
            assert_eq!(
                text, resource.source,
                "{lang}/{} is compiled in from elsewhere",
                resource.file
            );
        }
    }
}

#[test]
fn every_message_the_product_needs_exists_in_every_language() {
    // Arrange
    let translator = Translator::global();

    // Act
    let missing: Vec<String> = Lang::ALL
        .into_iter()
        .flat_map(|lang| {
            REQUIRED_IDS
                .iter()
                .filter(move |id| !translator.has(lang, id))
                .map(move |id| format!("{lang}: {id}"))
        })
        .collect();

    // Assert
    assert!(
        missing.is_empty(),
        "missing messages:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_message_formats_without_errors_in_every_language() {
    // Arrange
    let mut problems = Vec::new();

    for lang in Lang::ALL {
        let locale = match lang {
            Lang::Pt => "pt-BR",
            other => other.code(),
        };
        let mut bundle = FluentBundle::new(vec![locale.parse().unwrap()]);
        bundle.set_use_isolating(false);
        for resource in resources(lang) {
            bundle
                .add_resource(FluentResource::try_new(resource.source.to_owned()).unwrap())
                .unwrap();
        }

        // Act
        for resource in resources(lang) {
            for (key, vars) in ftl::variables(resource.source).unwrap() {
                let mut args = FluentArgs::new();
                for var in &vars {
                    let value = match sample_arg(var) {
                        Arg::Int(n) => FluentValue::from(n),
                        Arg::Str(s) => FluentValue::from(s),
                        Arg::Num(n) => FluentValue::from(n),
                    };
                    args.set(var.clone(), value);
                }
                let (id, attribute) = key
                    .split_once('.')
                    .map_or((key.as_str(), None), |(m, a)| (m, Some(a)));
                let message = bundle.get_message(id).unwrap();
                let pattern = match attribute {
                    Some(name) => message.get_attribute(name).unwrap().value(),
                    None => message.value().unwrap(),
                };
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
                if !errors.is_empty() || text.trim().is_empty() {
                    problems.push(format!("{lang} {key}: {errors:?} -> {text:?}"));
                }
            }
        }
    }

    // Assert
    assert!(
        problems.is_empty(),
        "messages that do not format:\n{}",
        problems.join("\n")
    );
}

#[test]
fn translations_differ_from_english_except_for_shared_words() {
    // Arrange
    let translator = Translator::global();
    let variables: Vec<ftl::Variables> = resources(Lang::En)
        .iter()
        .map(|resource| ftl::variables(resource.source).unwrap())
        .collect();
    let mut untranslated = Vec::new();

    // Act
    for (key, vars) in variables.iter().flatten() {
        let args: Vec<(&str, Arg)> = vars.iter().map(|v| (v.as_str(), sample_arg(v))).collect();
        let english = translator.t_args(Lang::En, key, &args);
        for lang in [Lang::Es, Lang::Pt, Lang::Ru] {
            let translated = translator.t_args(lang, key, &args);
            if translated == english && !SAME_AS_ENGLISH.contains(&(lang, key.as_str())) {
                untranslated.push(format!("{lang} {key}: {translated:?}"));
            }
        }
    }

    // Assert
    assert!(
        untranslated.is_empty(),
        "left in English:\n{}",
        untranslated.join("\n")
    );
}

#[test]
fn russian_texts_use_russian_quotes_and_others_use_curly_quotes() {
    // Arrange
    let mut problems = Vec::new();

    // Act
    for lang in Lang::ALL {
        for resource in resources(lang) {
            for line in resource.source.lines().filter(|l| !l.starts_with('#')) {
                let wrong = match lang {
                    Lang::Ru => line.contains(['“', '”', '"']),
                    _ => line.contains(['«', '»', '"']),
                };
                if wrong {
                    problems.push(format!("{lang}/{}: {line}", resource.file));
                }
            }
        }
    }

    // Assert
    assert!(
        problems.is_empty(),
        "wrong quotes:\n{}",
        problems.join("\n")
    );
}
