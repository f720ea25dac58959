//! Language codes.

use i18n::{Error, Lang};

#[test]
fn language_codes_are_read_case_insensitively_with_any_region() {
    // Arrange
    let rows = [
        ("en", Some(Lang::En)),
        ("en-US", Some(Lang::En)),
        ("es", Some(Lang::Es)),
        ("es-419", Some(Lang::Es)),
        ("pt", Some(Lang::Pt)),
        ("pt-BR", Some(Lang::Pt)),
        ("pt_br", Some(Lang::Pt)),
        ("RU", Some(Lang::Ru)),
        (" ru ", Some(Lang::Ru)),
        ("", None),
        ("de", None),
        ("english", None),
        ("p", None),
        ("-ru", None),
    ];

    // Act
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|&(code, expected)| {
            let actual = Lang::from_code(code);
            (actual != expected).then(|| format!("{code:?}: expected {expected:?}, got {actual:?}"))
        })
        .collect();

    // Assert
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_language_round_trips_through_its_code() {
    for lang in Lang::ALL {
        assert_eq!(Lang::from_code(lang.code()), Some(lang));
        assert_eq!(lang.to_string(), lang.code());
        assert_eq!(lang.code().parse::<Lang>().unwrap(), lang);
    }
    assert_eq!(Lang::ALL.map(Lang::code), ["en", "es", "pt", "ru"]);
}

#[test]
fn english_is_the_default_language() {
    assert_eq!(Lang::default(), Lang::En);
}

#[test]
fn parsing_an_unknown_code_names_it_in_the_error() {
    // Act
    let error = "fr-CA".parse::<Lang>().unwrap_err();

    // Assert
    assert!(matches!(&error, Error::UnknownLanguage { code } if code == "fr-CA"));
    assert_eq!(
        error.to_string(),
        "unknown language code \"fr-CA\": expected one of en, es, pt, ru"
    );
}

#[test]
fn native_names_are_written_in_the_language_itself() {
    assert_eq!(
        Lang::ALL.map(Lang::native_name),
        ["English", "Español", "Português", "Русский"]
    );
}
