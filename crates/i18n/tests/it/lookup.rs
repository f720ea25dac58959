//! Looking messages up: variables, fallbacks, listing, sharing.

use i18n::{Arg, Lang, Translator};

#[test]
fn message_is_returned_in_the_requested_language() {
    // Arrange
    let translator = Translator::global();

    // Act
    let titles: Vec<String> = Lang::ALL
        .into_iter()
        .map(|lang| translator.t(lang, "deals-title"))
        .collect();

    // Assert
    assert_eq!(titles, ["Deals", "Negocios", "Negócios", "Сделки"]);
}

#[test]
fn variables_are_filled_without_unicode_isolation_marks() {
    // Arrange
    let translator = Translator::global();
    let args = [("name", Arg::from("Big order"))];

    // Act
    let text = translator.t_args(Lang::En, "action-done-deal-created", &args);

    // Assert
    assert_eq!(text, "The deal “Big order” has been created in amoCRM.");
    assert!(!text.contains(['\u{2068}', '\u{2069}']));
}

#[test]
fn several_variables_are_filled_in_their_places() {
    // Arrange
    let translator = Translator::global();
    let args = [
        ("from", Arg::from("Переговоры")),
        ("to", Arg::from("Договор")),
    ];

    // Act
    let text = translator.t_args(Lang::Ru, "feed-status-changed", &args);

    // Assert
    assert_eq!(text, "Этап изменён: Переговоры → Договор");
}

#[test]
fn unknown_language_code_falls_back_to_english() {
    // Arrange
    let lang = Lang::from_code("de-DE").unwrap_or_default();

    // Act
    let text = Translator::global().t(lang, "button-login");

    // Assert
    assert_eq!(lang, Lang::En);
    assert_eq!(text, "Login to amoCRM");
}

#[test]
fn unknown_message_id_comes_back_as_the_id() {
    // Arrange
    let translator = Translator::global();

    // Act
    let text = translator.t_args(Lang::Ru, "no-such-message", &[("count", Arg::from(2))]);

    // Assert
    assert_eq!(text, "no-such-message");
    assert!(!translator.has(Lang::Ru, "no-such-message"));
}

#[test]
fn message_missing_in_a_language_is_taken_from_english() {
    // Arrange
    let translator = Translator::from_ftl(&[
        (
            Lang::En,
            "t.ftl",
            "greeting = Hello, { $name }!\nshared = Shared",
        ),
        (Lang::Ru, "t.ftl", "shared = Общее"),
    ])
    .unwrap();

    // Act
    let greeting = translator.t_args(Lang::Ru, "greeting", &[("name", Arg::from("Анна"))]);
    let shared = translator.t(Lang::Ru, "shared");

    // Assert
    assert_eq!(greeting, "Hello, Анна!");
    assert_eq!(shared, "Общее");
    assert!(!translator.has(Lang::Ru, "greeting"));
    assert!(translator.has(Lang::En, "greeting"));
}

#[test]
fn missing_variable_is_marked_in_the_text_instead_of_dropping_the_message() {
    // Act
    let text = Translator::global().t(Lang::En, "deals-of-contact");

    // Assert
    assert_eq!(text, "Deals of {$name}");
}

#[test]
fn message_ids_are_sorted_and_the_same_in_every_language() {
    // Arrange
    let translator = Translator::global();

    // Act
    let english = translator.message_ids(Lang::En);

    // Assert
    assert!(
        english.windows(2).all(|pair| pair[0] < pair[1]),
        "not sorted and unique"
    );
    assert!(english.iter().any(|id| id == "block-title"));
    for lang in Lang::ALL {
        assert_eq!(translator.message_ids(lang), english, "ids of {lang}");
    }
}

#[test]
fn global_translator_is_built_once_and_shared_across_threads() {
    // Arrange
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Translator>();

    // Act
    let texts: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = Lang::ALL
            .into_iter()
            .map(|lang| {
                scope.spawn(move || {
                    Translator::global().t_args(
                        lang,
                        "deals-count",
                        &[("count", Arg::from(5_usize))],
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    // Assert
    assert!(std::ptr::eq(Translator::global(), Translator::global()));
    assert_eq!(texts, ["5 deals", "5 negocios", "5 negócios", "5 сделок"]);
}

#[test]
fn debug_output_counts_messages_per_language() {
    // Arrange
    let translator = Translator::from_ftl(&[(Lang::Es, "t.ftl", "a = A\nb = B")]).unwrap();

    // Act
    let debug = format!("{translator:?}");

    // Assert
    assert_eq!(debug, r#"{"en": 0, "es": 2, "pt": 0, "ru": 0}"#);
}
