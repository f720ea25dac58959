//! The SSRF guard: which account hosts are accepted and how they are normalised.

use amocrm::{AccountHost, Error, HostPolicy, Product};

#[test]
fn public_account_hosts_are_accepted_and_normalised() {
    // Arrange
    let policy = HostPolicy::default();
    let cases = [
        (
            "hogwarts.amocrm.ru",
            "https://hogwarts.amocrm.ru",
            Product::AmoCrm,
            "hogwarts",
        ),
        (
            "https://hogwarts.amocrm.ru",
            "https://hogwarts.amocrm.ru",
            Product::AmoCrm,
            "hogwarts",
        ),
        (
            "https://hogwarts.amocrm.ru/",
            "https://hogwarts.amocrm.ru",
            Product::AmoCrm,
            "hogwarts",
        ),
        (
            "hogwarts.amocrm.ru/",
            "https://hogwarts.amocrm.ru",
            Product::AmoCrm,
            "hogwarts",
        ),
        (
            "HOGWARTS.AmoCRM.RU",
            "https://hogwarts.amocrm.ru",
            Product::AmoCrm,
            "hogwarts",
        ),
        (
            "  hogwarts.kommo.com  ",
            "https://hogwarts.kommo.com",
            Product::Kommo,
            "hogwarts",
        ),
        (
            "https://hogwarts.kommo.com/",
            "https://hogwarts.kommo.com",
            Product::Kommo,
            "hogwarts",
        ),
        (
            "hogwarts.amocrm.com",
            "https://hogwarts.amocrm.com",
            Product::Kommo,
            "hogwarts",
        ),
        (
            "HTTPS://Diagon-Alley.Kommo.com",
            "https://diagon-alley.kommo.com",
            Product::Kommo,
            "diagon-alley",
        ),
        (
            "team42.amocrm.ru",
            "https://team42.amocrm.ru",
            Product::AmoCrm,
            "team42",
        ),
    ];

    for (input, origin, product, subdomain) in cases {
        // Act
        let host = AccountHost::parse(input, &policy)
            .unwrap_or_else(|e| panic!("{input:?} should be accepted: {e}"));

        // Assert
        assert_eq!(host.as_str(), origin, "origin of {input:?}");
        assert_eq!(host.to_string(), origin, "display of {input:?}");
        assert_eq!(
            host.url().as_str(),
            format!("{origin}/"),
            "url of {input:?}"
        );
        assert_eq!(host.product(), product, "product of {input:?}");
        assert_eq!(host.subdomain(), subdomain, "subdomain of {input:?}");
    }
}

#[test]
fn hosts_outside_amocrm_and_kommo_accounts_are_refused() {
    // Arrange
    let policy = HostPolicy::default();
    let refused = [
        "",
        "   ",
        "evil.com",
        "hogwarts.amocrm.ru.evil.com",
        "evil.com/.amocrm.ru",
        "evilamocrm.ru",
        "amocrm.ru",
        "kommo.com",
        "https://www.amocrm.ru",
        "www.kommo.com",
        "a.b.amocrm.ru",
        "http://hogwarts.amocrm.ru",
        "ftp://hogwarts.amocrm.ru",
        "https://hogwarts.amocrm.ru:8443",
        "https://hogwarts.amocrm.ru:443",
        "127.0.0.1",
        "http://127.0.0.1:4010",
        "[::1]",
        "localhost",
        "https://user@hogwarts.amocrm.ru",
        "https://user:pass@hogwarts.amocrm.ru",
        "hogwarts.amocrm.ru@evil.com",
        "hogwarts%2eamocrm.ru",
        "hogwarts.amocrm%2eru",
        "https://hogwarts.amocrm.ru/api/v4",
        "https://hogwarts.amocrm.ru?next=evil.com",
        "https://hogwarts.amocrm.ru#fragment",
        "hogwarts.amocrm.ru.",
        "-hogwarts.amocrm.ru",
        "hog warts.amocrm.ru",
        "hogwarts.amocrm.ru\\@evil.com",
        "hogwarts_.amocrm.ru",
        "xn--80ak6aa92e.amocrm.ru",
        "хогвартс.amocrm.ru",
        "javascript:alert(1)",
    ];

    for input in refused {
        // Act
        let result = AccountHost::parse(input, &policy);

        // Assert
        assert!(
            matches!(result, Err(Error::InvalidHost { .. })),
            "{input:?} should be refused, got {result:?}"
        );
    }
}

#[test]
fn an_extra_allowed_origin_is_accepted_only_with_the_same_scheme_host_and_port() {
    // Arrange
    let policy = HostPolicy::with_extra_allowed(vec!["http://127.0.0.1:4010".to_owned()]);

    // Act
    let exact = AccountHost::parse("http://127.0.0.1:4010/", &policy);
    let bare = AccountHost::parse("127.0.0.1:4010", &policy);
    let other_port = AccountHost::parse("http://127.0.0.1:4011", &policy);
    let other_scheme = AccountHost::parse("https://127.0.0.1:4010", &policy);

    // Assert
    let exact = exact.expect("the exact origin is allowed");
    assert_eq!(exact.as_str(), "http://127.0.0.1:4010");
    assert_eq!(exact.product(), Product::AmoCrm);
    assert_eq!(exact.subdomain(), "127.0.0.1");
    assert_eq!(bare.expect("host:port maps to the allowed origin"), exact);
    assert!(other_port.is_err());
    assert!(other_scheme.is_err());
}

#[test]
fn an_extra_origin_marked_kommo_reports_the_kommo_product() {
    // Arrange
    let policy = HostPolicy::with_extra_allowed(vec!["http://sandbox.test:8080#kommo".to_owned()]);

    // Act
    let host = AccountHost::parse("http://sandbox.test:8080", &policy).expect("allowed");

    // Assert
    assert_eq!(host.product(), Product::Kommo);
    assert_eq!(host.subdomain(), "sandbox");
    assert_eq!(host.authority(), "sandbox.test:8080");
}

#[test]
fn malformed_extra_origins_are_refused_by_the_strict_constructor_and_skipped_by_the_lenient_one() {
    // Arrange
    let entries = vec![
        "http://127.0.0.1:4010/api".to_owned(),
        "127.0.0.1:4010".to_owned(),
    ];

    // Act
    let strict = HostPolicy::try_with_extra_allowed(entries.clone());
    let lenient = HostPolicy::with_extra_allowed(entries);

    // Assert
    assert!(matches!(strict, Err(Error::InvalidHost { .. })));
    assert_eq!(lenient.extra_allowed().count(), 0);
}

#[test]
fn an_oauth_referer_maps_to_the_account_origin() {
    // Arrange
    let policy = HostPolicy::with_extra_allowed(vec!["http://127.0.0.1:4010".to_owned()]);

    // Act
    let kommo = AccountHost::from_referer("hogwarts.kommo.com", &policy).expect("public referer");
    let sandbox = AccountHost::from_referer("127.0.0.1:4010", &policy).expect("allowed referer");
    let with_scheme = AccountHost::from_referer("https://hogwarts.kommo.com/", &policy);
    let foreign = AccountHost::from_referer("evil.com", &policy);
    let with_path = AccountHost::from_referer("hogwarts.kommo.com/evil", &policy);

    // Assert
    assert_eq!(kommo.as_str(), "https://hogwarts.kommo.com");
    assert_eq!(kommo.product(), Product::Kommo);
    assert_eq!(sandbox.as_str(), "http://127.0.0.1:4010");
    assert_eq!(with_scheme.expect("a scheme is tolerated"), kommo);
    assert!(foreign.is_err());
    assert!(with_path.is_err());
}
