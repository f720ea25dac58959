//! Account metadata: the account, users, pipelines and custom field definitions.

use amocrm::{AccountWith, EntityType, FieldType};
use wiremock::Mock;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};

use crate::support::{Harness, fixture};

#[tokio::test]
async fn account_is_read_with_the_requested_extras() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .and(query_param("with", "amojo_id,datetime_settings,task_types"))
        .respond_with(harness.hal(fixture!("account.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let account = harness
        .client
        .account()
        .get(&[
            AccountWith::AmojoId,
            AccountWith::DatetimeSettings,
            AccountWith::TaskTypes,
        ])
        .await;

    // Assert
    let account = account.expect("account");
    assert_eq!(account.id, 30061234);
    assert_eq!(account.subdomain, "hogwarts");
    assert_eq!(account.current_user_id, 8001);
    assert_eq!(account.currency.as_deref(), Some("RUB"));
    assert_eq!(account.currency_symbol.as_deref(), Some("₽"));
    assert_eq!(
        account.amojo_id.as_deref(),
        Some("f3c6340d-410e-4ad1-9f7e-c5e663599909")
    );
    let settings = account.datetime_settings.expect("datetime settings");
    assert_eq!(settings.timezone.as_deref(), Some("Europe/Moscow"));
    assert_eq!(settings.date_format.as_deref(), Some("d.m.Y"));
    assert_eq!(account.task_types[1].code.as_deref(), Some("MEETING"));
    assert_eq!(account.users_groups[0].name, "Отдел продаж");
}

#[tokio::test]
async fn users_are_listed_with_their_rights() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/users"))
        .and(query_param("limit", "250"))
        .respond_with(harness.hal(fixture!("users.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let users = harness.client.users().list_all().await;

    // Assert
    let users = users.expect("users");
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].name, "Minerva McGonagall");
    assert!(users[0].rights.is_admin);
    assert_eq!(users[0].rights.group_id, None);
    assert!(!users[1].rights.is_admin);
    assert_eq!(users[1].rights.role_id, Some(41));
    assert_eq!(users[1].lang.as_deref(), Some("en"));
}

#[tokio::test]
async fn pipelines_come_with_their_stages_and_colours() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/pipelines"))
        .respond_with(harness.hal(fixture!("pipelines.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let pipelines = harness.client.pipelines().list().await;

    // Assert
    let pipelines = pipelines.expect("pipelines");
    assert_eq!(pipelines.len(), 2);
    let sales = &pipelines[0];
    assert!(sales.is_main);
    assert_eq!(sales.statuses.len(), 5);
    assert!(sales.statuses[0].is_incoming());
    let negotiation = sales.status(40002).expect("stage 40002");
    assert_eq!(negotiation.name, "Negotiation");
    assert_eq!(negotiation.color, "#ffff99");
    assert_eq!(negotiation.pipeline_id, 3001000);
    assert!(negotiation.is_editable);
    assert!(sales.status(142).expect("won").is_won());
    assert!(pipelines[1].status(143).expect("lost").is_lost());
}

#[tokio::test]
async fn lead_custom_fields_are_read_from_every_page_and_unknown_types_survive() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/custom_fields"))
        .and(query_param_is_missing("page"))
        .respond_with(harness.hal(fixture!("lead_custom_fields_page1.json")))
        .expect(1)
        .mount(&harness.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/leads/custom_fields"))
        .and(query_param("page", "2"))
        .respond_with(harness.hal(fixture!("lead_custom_fields_page2.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let fields = harness
        .client
        .custom_fields(EntityType::Leads)
        .list_all()
        .await;

    // Assert
    let fields = fields.expect("fields");
    let ids: Vec<i64> = fields.iter().map(|f| f.id).collect();
    assert_eq!(ids, [701, 702, 703, 704]);
    let product = &fields[0];
    assert_eq!(product.field_type, FieldType::Select);
    assert_eq!(product.enums.len(), 2);
    assert_eq!(product.enums[1].value, "Wand");
    assert!(product.is_required_in(3001000, 40002));
    assert!(!product.is_required_in(3001000, 40001));
    assert!(fields[1].enums.is_empty(), "null enums are an empty list");
    assert_eq!(fields[2].field_type, FieldType::ChainedList);
    assert!(fields[2].required_statuses.is_empty());
    assert!(fields[2].is_api_only);
    assert_eq!(
        fields[3].field_type,
        FieldType::Other("howler_meter".to_owned())
    );
    assert_eq!(fields[3].field_type.to_string(), "howler_meter");
}

#[tokio::test]
async fn contact_custom_fields_are_read_from_the_contacts_path() {
    // Arrange
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/contacts/custom_fields"))
        .respond_with(harness.hal(fixture!("contact_custom_fields.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let fields = harness
        .client
        .custom_fields(EntityType::Contacts)
        .list_all()
        .await;

    // Assert
    let fields = fields.expect("fields");
    assert_eq!(fields[0].code.as_deref(), Some("PHONE"));
    assert_eq!(fields[0].field_type, FieldType::Multitext);
    assert!(fields[0].field_type.has_enums());
    assert_eq!(fields[1].enums[1].value, "PRIV");
    assert!(fields[1].is_predefined);
}

#[tokio::test]
async fn datetime_settings_are_read_at_the_top_level_too_with_the_documented_misspelling() {
    // Arrange: the settings beside the account's fields instead of under `_embedded`, and `date_formant`
    // as amoCRM's own example spells it.
    let harness = Harness::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/account"))
        .and(query_param("with", "datetime_settings"))
        .respond_with(harness.hal(fixture!("account_datetime_top_level.json")))
        .expect(1)
        .mount(&harness.server)
        .await;

    // Act
    let account = harness
        .client
        .account()
        .get(&[AccountWith::DatetimeSettings])
        .await;

    // Assert
    let settings = account
        .expect("account")
        .datetime_settings
        .expect("datetime settings");
    assert_eq!(settings.timezone.as_deref(), Some("America/Sao_Paulo"));
    assert_eq!(settings.timezone_offset.as_deref(), Some("-03:00"));
    assert_eq!(settings.date_format.as_deref(), Some("d/m/Y"));
}
