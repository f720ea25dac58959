//! Loading: the file, the environment, the defaults, typed values and what is refused while reading.

use std::path::Path;

use secrecy::ExposeSecret as _;

use super::*;

/// Environment variables as `Config::load` takes them.
pub(super) fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> + use<> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect::<Vec<_>>()
        .into_iter()
}

#[test]
fn no_configuration_at_all_gives_the_documented_defaults() {
    let config = Config::load(Some(Path::new("/dev/null")), env(&[])).unwrap();
    assert_eq!(config.database_url, "sqlite://data/usedesk-amocrm.db");
    assert_eq!(config.public_url().as_str(), "http://127.0.0.1:8080/");
    assert_eq!(
        config.redirect_uri(),
        "http://127.0.0.1:8080/oauth/callback"
    );
    assert_eq!(config.rate_limit_per_second, 7);
    assert!(config.amocrm.client_secret.is_none());
    assert!(config.security.require_trigger_secret);
}

#[test]
fn docs_configuration_md_lists_the_defaults_in_effect() {
    let docs = include_str!("../../../../docs/configuration.md");
    let c = Config::default();
    let on = |b: bool| b.to_string();
    let rows = [
        ("listen", c.listen.to_string()),
        ("database_url", c.database_url.clone()),
        ("default_language", c.default_language.code().to_owned()),
        ("default_country_code", c.default_country_code.clone()),
        ("render_deadline_ms", c.render_deadline_ms.to_string()),
        ("request_timeout_ms", c.request_timeout_ms.to_string()),
        ("render_cache_ms", c.render_cache_ms.to_string()),
        ("rate_limit_per_second", c.rate_limit_per_second.to_string()),
        ("rate_limit_cold_start", on(c.rate_limit_cold_start)),
        ("metadata_ttl_secs", c.metadata_ttl_secs.to_string()),
        ("idempotency_ttl_secs", c.idempotency_ttl_secs.to_string()),
        ("log_format", "text".to_owned()),
        ("log_level", c.log_level.clone()),
        ("preview", on(c.preview)),
        (
            "api_base",
            c.usedesk.api_base.as_str().trim_end_matches('/').to_owned(),
        ),
        ("comment_on_create", on(c.usedesk.comment_on_create)),
        ("require_block_secret", on(c.security.require_block_secret)),
        ("action_ttl_secs", c.security.action_ttl_secs.to_string()),
        ("link_ttl_secs", c.security.link_ttl_secs.to_string()),
        (
            "require_trigger_secret",
            on(c.security.require_trigger_secret),
        ),
    ];
    assert_eq!(c.log_format, LogFormat::Text);
    for (key, value) in rows {
        let row = format!("| `{key}` | `{value}` |");
        assert!(docs.contains(&row), "docs/configuration.md lacks {row}");
    }
    let origins = format!("{:?}", c.usedesk.cors_origins);
    assert!(
        docs.contains(&format!("| `cors_origins` | `{origins}` |")),
        "{origins}"
    );
}

#[test]
fn the_trigger_secret_requirement_can_be_switched_off_by_file_or_environment() {
    let dir = testkit::TempDir::new("config");
    let file = dir.path().join("usedesk-amocrm.toml");
    std::fs::write(&file, "[security]\nrequire_trigger_secret = false\n").unwrap();
    let from_file = Config::load(Some(&file), env(&[])).unwrap();
    let from_env = Config::load(
        Some(Path::new("/dev/null")),
        env(&[("USEDESK_AMOCRM_SECURITY__REQUIRE_TRIGGER_SECRET", "false")]),
    )
    .unwrap();
    assert!(!from_file.security.require_trigger_secret);
    assert!(!from_env.security.require_trigger_secret);
    assert!(TRIGGER_SECRET_OFF_WARNING.contains(
        "anyone who knows an Integration ID can create deals and contacts and write comments into tickets"
    ));
}

#[test]
fn environment_variables_override_top_level_and_section_keys() {
    let config = Config::load(
        Some(Path::new("/dev/null")),
        env(&[
            ("USEDESK_AMOCRM_LISTEN", "0.0.0.0:9000"),
            ("USEDESK_AMOCRM_PREVIEW", "true"),
            ("USEDESK_AMOCRM_AMOCRM__CLIENT_SECRET", "s3cret"),
            (
                "USEDESK_AMOCRM_USEDESK__CORS_ORIGINS",
                r#"["https://a.example"]"#,
            ),
            ("OTHER_VARIABLE", "ignored"),
        ]),
    )
    .unwrap();
    assert_eq!(config.listen.port(), 9000);
    assert!(config.preview);
    assert_eq!(
        config.amocrm.client_secret.unwrap().expose_secret(),
        "s3cret"
    );
    assert_eq!(config.usedesk.cors_origins, vec!["https://a.example"]);
}

#[test]
fn a_misspelled_key_is_refused_with_its_name() {
    let err = Config::load(
        Some(Path::new("/dev/null")),
        env(&[("USEDESK_AMOCRM_LISTEN_ADDR", "x")]),
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("listen_addr"), "{err:#}");
}

#[test]
fn a_bad_language_is_refused() {
    let err = Config::load(
        Some(Path::new("/dev/null")),
        env(&[("USEDESK_AMOCRM_DEFAULT_LANGUAGE", "de")]),
    )
    .unwrap_err();
    assert!(err.to_string().contains("default_language"), "{err}");
}

#[test]
fn a_bad_log_format_or_url_is_refused_naming_its_key() {
    for (variable, value, key) in [
        ("USEDESK_AMOCRM_LOG_FORMAT", "xml", "log_format"),
        ("USEDESK_AMOCRM_PUBLIC_URL", "amo.example.com", "public_url"),
        (
            "USEDESK_AMOCRM_USEDESK__API_BASE",
            "not a url",
            "usedesk.api_base",
        ),
        (
            "USEDESK_AMOCRM_AMOCRM__AUTHORIZE_URL_KOMMO",
            "/oauth",
            "amocrm.authorize_url_kommo",
        ),
    ] {
        let err = Config::load(Some(Path::new("/dev/null")), env(&[(variable, value)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("{key}: ")), "{err}");
    }
}

#[test]
fn typed_values_are_read_and_an_empty_url_means_the_default() {
    let config = Config::load(
        Some(Path::new("/dev/null")),
        env(&[
            ("USEDESK_AMOCRM_LOG_FORMAT", "json"),
            ("USEDESK_AMOCRM_DEFAULT_LANGUAGE", "pt-BR"),
            ("USEDESK_AMOCRM_PUBLIC_URL", "https://amo.example.com/base"),
            ("USEDESK_AMOCRM_AMOCRM__AUTHORIZE_URL_AMOCRM", ""),
        ]),
    )
    .unwrap();
    assert_eq!(config.log_format, LogFormat::Json);
    assert_eq!(config.default_language, Lang::Pt);
    assert_eq!(
        config.public_url().as_str(),
        "https://amo.example.com/base/"
    );
    assert!(config.amocrm.authorize_url_amocrm.is_none());
}

#[test]
fn login_pins_are_read_from_the_file_and_the_environment() {
    let dir = testkit::TempDir::new("pins");
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "[security]\nlogin_pins = [{ usedesk_account = \"a1b2c3d4e5f6\", amo_hosts = [\"https://hogwarts.amocrm.ru\"] }]\n",
    )
    .unwrap();

    let from_file = Config::load(Some(&file), env(&[])).unwrap();
    let from_env = Config::load(
        Some(Path::new("/dev/null")),
        env(&[(
            "USEDESK_AMOCRM_SECURITY__LOGIN_PINS",
            r##"[{ usedesk_account = "#F0E1D2C3B4A5", amo_hosts = ["x.amocrm.ru", "y.kommo.com"] }]"##,
        )]),
    )
    .unwrap();
    drop(dir);

    assert_eq!(
        from_file.security.login_pins[0].usedesk_account,
        "a1b2c3d4e5f6"
    );
    assert_eq!(
        from_file.security.login_pins[0].amo_hosts,
        vec!["https://hogwarts.amocrm.ru"]
    );
    assert_eq!(from_env.security.login_pins[0].amo_hosts.len(), 2);
}

#[test]
fn a_login_pin_with_a_short_fingerprint_or_no_host_is_refused() {
    for pins in [
        r#"[{ usedesk_account = "a1b2", amo_hosts = ["x.amocrm.ru"] }]"#,
        r#"[{ usedesk_account = "a1b2c3d4e5f6", amo_hosts = [] }]"#,
    ] {
        let error = Config::load(
            Some(Path::new("/dev/null")),
            env(&[("USEDESK_AMOCRM_SECURITY__LOGIN_PINS", pins)]),
        )
        .unwrap_err();
        assert!(format!("{error:#}").contains("login_pins"), "{error:#}");
    }
}

#[test]
fn debug_output_hides_secrets() {
    let config = Config::load(
        Some(Path::new("/dev/null")),
        env(&[(
            "USEDESK_AMOCRM_SECURITY__SIGNING_KEY",
            "very-secret-key-of-more-than-thirty-two-bytes",
        )]),
    )
    .unwrap();
    assert!(!format!("{config:?}").contains("very-secret-key"));
}
