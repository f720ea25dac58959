//! The block's language parameter.

use usedesk::{BlockRequest, Language};

fn language_of(body: &str) -> Language {
    BlockRequest::from_json(body.as_bytes())
        .expect("the request is read")
        .language
}

#[test]
fn the_language_is_read_from_each_of_its_parameter_names() {
    for (body, expected) in [
        (r#"{"language": "es"}"#, Language::Es),
        (r#"{"lang": "pt"}"#, Language::Pt),
        (r#"{"idioma": "ru"}"#, Language::Ru),
        (r#"{"locale": "es"}"#, Language::Es),
    ] {
        // Act
        let language = language_of(body);

        // Assert
        assert_eq!(language, expected, "body {body}");
    }
}

#[test]
fn every_code_is_read_case_insensitively_and_with_a_region() {
    for (code, expected) in [
        ("en", Language::En),
        ("EN", Language::En),
        ("en-US", Language::En),
        ("es", Language::Es),
        ("Es-419", Language::Es),
        ("pt", Language::Pt),
        ("pt-BR", Language::Pt),
        ("pt_PT", Language::Pt),
        ("ru", Language::Ru),
        ("ru_RU", Language::Ru),
        ("ru_RU.UTF-8", Language::Ru),
        (" RU ", Language::Ru),
    ] {
        // Act
        let language = Language::from_code(code);

        // Assert
        assert_eq!(language, Some(expected), "code {code:?}");
    }
}

#[test]
fn language_names_in_english_and_in_the_language_itself_are_understood() {
    for (name, expected) in [
        ("English", Language::En),
        ("Español", Language::Es),
        ("Spanish", Language::Es),
        ("Português", Language::Pt),
        ("Portuguese (Brazil)", Language::Pt),
        ("Русский", Language::Ru),
        ("russian", Language::Ru),
    ] {
        // Act
        let language = Language::from_code(name);

        // Assert
        assert_eq!(language, Some(expected), "name {name:?}");
    }
}

#[test]
fn an_unknown_or_missing_language_falls_back_to_english() {
    for body in [
        r#"{"language": "de"}"#,
        r#"{"language": ""}"#,
        r#"{"language": null}"#,
        "{}",
    ] {
        // Act
        let language = language_of(body);

        // Assert
        assert_eq!(language, Language::En, "body {body}");
    }
}

#[test]
fn an_unknown_value_under_one_name_does_not_hide_a_known_one_under_another() {
    // Act
    let language = language_of(r#"{"language": "klingon", "idioma": "pt"}"#);

    // Assert
    assert_eq!(language, Language::Pt);
}

#[test]
fn each_language_s_code_reads_back_as_the_same_language() {
    for language in Language::ALL {
        // Act
        let read = Language::from_code(language.code());

        // Assert
        assert_eq!(read, Some(language));
        assert_eq!(language.to_string(), language.code());
    }
    assert_eq!(Language::default(), Language::En);
}

#[test]
fn the_request_says_whether_a_language_was_named_or_defaulted() {
    let named = BlockRequest::from_json(br#"{"language": "en"}"#).unwrap();
    let unknown = BlockRequest::from_json(br#"{"language": "klingon"}"#).unwrap();
    let absent = BlockRequest::from_json(br#"{}"#).unwrap();

    assert!(named.language_given);
    assert!(!unknown.language_given);
    assert!(!absent.language_given);
    assert_eq!(absent.language, Language::En);
}
