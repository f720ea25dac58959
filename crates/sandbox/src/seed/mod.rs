//! The sample account, "Hogwarts Trading", and the Usedesk tickets that exercise every matching
//! case. Everything is deterministic: the same ids and timestamps on every start, so tests and
//! screenshots can name them.

mod contacts;
mod crm;
mod metadata;
mod usedesk;
mod work;

pub use usedesk::{SampleTicket, sample_tickets};

pub(crate) use crm::load as load_crm;
pub(crate) use metadata::load as load_metadata;
pub(crate) use usedesk::load as load_usedesk;
pub(crate) use work::{load as load_work, load_metadata as load_work_metadata};

/// The moment the sample data was "recorded": 2025-09-01T00:00:00Z. Seeded timestamps count from it.
pub const SEED_TIME: i64 = 1_756_684_800;

/// The account id.
pub const ACCOUNT_ID: i64 = 31_415_926;
/// The account name shown on the authorization page.
pub const ACCOUNT_NAME: &str = "Hogwarts Trading";
/// The account subdomain.
pub const ACCOUNT_SUBDOMAIN: &str = "hogwarts";
/// The account currency.
pub const CURRENCY: &str = "RUB";
/// The account currency symbol.
pub const CURRENCY_SYMBOL: &str = "₽";
/// The account's time zone (`datetime_settings.timezone`).
pub const TIME_ZONE: &str = "Europe/Moscow";
/// Its offset as amoCRM writes it (`datetime_settings.timezone_offset`).
pub const TIME_ZONE_OFFSET: &str = "+03:00";

/// Albus Dumbledore, the administrator; OAuth and long-lived tokens act as him.
pub const USER_ALBUS: i64 = 9_000_001;
/// Minerva McGonagall, a manager.
pub const USER_MINERVA: i64 = 9_000_002;
/// Severus Snape, a manager.
pub const USER_SEVERUS: i64 = 9_000_003;
/// Rubeus Hagrid, a manager.
pub const USER_RUBEUS: i64 = 9_000_004;

/// The main pipeline, "Sales".
pub const PIPELINE_SALES: i64 = 8_000_001;
/// The second pipeline, "Partners".
pub const PIPELINE_PARTNERS: i64 = 8_000_002;
/// Sales: "Incoming leads" (type 1, unsorted).
pub const STATUS_SALES_INCOMING: i64 = 80_000_011;
/// Sales: "First contact".
pub const STATUS_FIRST_CONTACT: i64 = 80_000_012;
/// Sales: "Negotiation"; "Budget confirmed" is required here.
pub const STATUS_NEGOTIATION: i64 = 80_000_013;
/// Sales: "Decision making"; "Product" is required here.
pub const STATUS_DECISION_MAKING: i64 = 80_000_014;
/// Sales: "Contract sent".
pub const STATUS_CONTRACT_SENT: i64 = 80_000_015;
/// Partners: "Incoming leads" (type 1, unsorted).
pub const STATUS_PARTNERS_INCOMING: i64 = 80_000_021;
/// Partners: "Qualification".
pub const STATUS_QUALIFICATION: i64 = 80_000_022;
/// Partners: "Onboarding"; "Partner agreement no." is required here.
pub const STATUS_ONBOARDING: i64 = 80_000_023;
/// Partners: "Active partner".
pub const STATUS_ACTIVE_PARTNER: i64 = 80_000_024;
/// "Closed - won", present in every pipeline.
pub const STATUS_WON: i64 = 142;
/// "Closed - lost", present in every pipeline.
pub const STATUS_LOST: i64 = 143;

/// How many lead custom fields exist: more than 50, so the list has two pages.
pub const LEAD_FIELD_COUNT: usize = 56;
/// "Budget confirmed" (numeric), required in Sales → Negotiation.
pub const FIELD_BUDGET_CONFIRMED: i64 = 600_001;
/// "Product" (select), required in Sales → Decision making.
pub const FIELD_PRODUCT: i64 = 600_002;
/// "Interests" (multiselect).
pub const FIELD_INTERESTS: i64 = 600_003;
/// "Comment" (textarea).
pub const FIELD_COMMENT: i64 = 600_004;
/// "Website" (url).
pub const FIELD_WEBSITE: i64 = 600_005;
/// "Rush order" (checkbox).
pub const FIELD_RUSH_ORDER: i64 = 600_006;
/// "Delivery date" (date).
pub const FIELD_DELIVERY_DATE: i64 = 600_007;
/// "Meeting at" (date_time).
pub const FIELD_MEETING_AT: i64 = 600_008;
/// "Priority" (radiobutton).
pub const FIELD_PRIORITY: i64 = 600_009;
/// "Founder's birthday" (birthday).
pub const FIELD_FOUNDER_BIRTHDAY: i64 = 600_010;
/// "Order number" (text).
pub const FIELD_ORDER_NUMBER: i64 = 600_011;
/// "utm_source" (tracking_data), a type older SDKs choke on.
pub const FIELD_UTM_SOURCE: i64 = 600_012;
/// "Delivery region" (chained_list), a type SDKs do not know; its values are objects.
pub const FIELD_DELIVERY_REGION: i64 = 600_013;
/// "Delivery address" (streetaddress).
pub const FIELD_DELIVERY_ADDRESS: i64 = 600_014;
/// "Partner agreement no." (text), required in Partners → Onboarding.
pub const FIELD_PARTNER_AGREEMENT: i64 = 600_015;
/// "Contract value" (monetary).
pub const FIELD_CONTRACT_VALUE: i64 = 600_016;
/// The first of the plain "Extra field N" text fields that fill the catalogue up to [`LEAD_FIELD_COUNT`].
pub const FIELD_FIRST_EXTRA: i64 = 600_017;

/// "Product" choice "Broomsticks".
pub const ENUM_PRODUCT_BROOMSTICKS: i64 = 700_001;
/// "Product" choice "Wands".
pub const ENUM_PRODUCT_WANDS: i64 = 700_002;
/// "Product" choice "Cauldrons".
pub const ENUM_PRODUCT_CAULDRONS: i64 = 700_003;
/// "Product" choice "Robes".
pub const ENUM_PRODUCT_ROBES: i64 = 700_004;
/// "Interests" choice "Quidditch".
pub const ENUM_INTEREST_QUIDDITCH: i64 = 700_011;
/// "Interests" choice "Potions".
pub const ENUM_INTEREST_POTIONS: i64 = 700_012;
/// "Interests" choice "Charms".
pub const ENUM_INTEREST_CHARMS: i64 = 700_013;
/// "Interests" choice "Herbology".
pub const ENUM_INTEREST_HERBOLOGY: i64 = 700_014;
/// "Priority" choice "Low".
pub const ENUM_PRIORITY_LOW: i64 = 700_021;
/// "Priority" choice "Normal".
pub const ENUM_PRIORITY_NORMAL: i64 = 700_022;
/// "Priority" choice "High".
pub const ENUM_PRIORITY_HIGH: i64 = 700_023;

/// The contacts' "Phone" field (multitext, code `PHONE`).
pub const CONTACT_FIELD_PHONE: i64 = 610_001;
/// The contacts' "Email" field (multitext, code `EMAIL`).
pub const CONTACT_FIELD_EMAIL: i64 = 610_002;
/// The contacts' "Position" field (text, code `POSITION`).
pub const CONTACT_FIELD_POSITION: i64 = 610_003;
/// Phone kind `WORK`.
pub const ENUM_PHONE_WORK: i64 = 720_001;
/// Phone kind `MOB`.
pub const ENUM_PHONE_MOB: i64 = 720_003;
/// Phone kind `HOME`.
pub const ENUM_PHONE_HOME: i64 = 720_005;
/// E-mail kind `WORK`.
pub const ENUM_EMAIL_WORK: i64 = 720_011;
/// E-mail kind `PRIV`.
pub const ENUM_EMAIL_PRIV: i64 = 720_012;

/// Harry Potter: the one contact that Usedesk ticket 1002 matches.
pub const CONTACT_HARRY: i64 = 30_000_001;
/// Hermione Granger.
pub const CONTACT_HERMIONE: i64 = 30_000_002;
/// Ron Weasley: matched by ticket 1003 through an e-mail.
pub const CONTACT_RON: i64 = 30_000_003;
/// Arthur Weasley: matched by ticket 1003 through the family phone.
pub const CONTACT_ARTHUR: i64 = 30_000_004;
/// Molly Weasley: matched by ticket 1003 through the family phone and an e-mail.
pub const CONTACT_MOLLY: i64 = 30_000_005;
/// Ginny Weasley: a near neighbour of the family's numbers that must NOT match ticket 1003.
pub const CONTACT_GINNY: i64 = 30_000_006;
/// Draco Malfoy, with a US number that has an extension.
pub const CONTACT_DRACO: i64 = 30_000_007;
/// Neville Longbottom: a contact without leads.
pub const CONTACT_NEVILLE: i64 = 30_000_012;
/// Xenophilius Lovegood: shares a surname with the client of ticket 1001 but none of her identifiers.
pub const CONTACT_XENOPHILIUS: i64 = 30_000_014;
/// How many contacts the sample data has.
pub const CONTACT_COUNT: usize = 14;

/// Harry's open deal in Sales → Negotiation, with values of every common field type, notes and a rich feed.
pub const LEAD_HARRY_FIREBOLT: i64 = 20_000_001;
/// Harry's won deal.
pub const LEAD_HARRY_KIT: i64 = 20_000_002;
/// Harry's lost deal.
pub const LEAD_HARRY_CLOAK: i64 = 20_000_003;
/// Harry's deal in the Partners pipeline.
pub const LEAD_HARRY_PARTNERSHIP: i64 = 20_000_004;
/// Arthur's deal in Sales → Decision making.
pub const LEAD_ARTHUR_FORD: i64 = 20_000_005;
/// A deal linked to both Arthur (main) and Molly.
pub const LEAD_BURROW_ROOF: i64 = 20_000_014;
/// The Ministry of Magic's own open deal, linked to none of its contacts.
pub const LEAD_MINISTRY_OWN: i64 = 20_000_015;
/// How many leads the sample data has.
pub const LEAD_COUNT: usize = 15;

/// The "Ministry of Magic" company: Arthur Weasley's, with his Ford Anglia deal and an open deal of its own.
pub const COMPANY_MINISTRY: i64 = 50_000_001;
/// The system task type "Follow-up" (amoCRM's id 1, a call in older accounts).
pub const TASK_TYPE_FOLLOW_UP: i64 = 1;
/// The system task type "Meeting".
pub const TASK_TYPE_MEETING: i64 = 2;
/// The account's own task type "Send documents".
pub const TASK_TYPE_SEND_DOCUMENTS: i64 = 2_743_511;
/// The first seeded task: an open follow-up on Arthur's Ford Anglia deal (overdue today).
pub const TASK_FIRST: i64 = 45_000_001;
/// Loss reason "Too expensive".
pub const LOSS_REASON_PRICE: i64 = 91_000_001;
/// Loss reason "Chose a competitor".
pub const LOSS_REASON_COMPETITOR: i64 = 91_000_002;

/// Usedesk ticket whose client (Luna Lovegood) matches no contact.
pub const TICKET_NO_MATCH: i64 = 1001;
/// Usedesk ticket whose client (Harry Potter) matches exactly one contact.
pub const TICKET_ONE_MATCH: i64 = 1002;
/// Usedesk ticket whose client (Weasley family) matches three contacts.
pub const TICKET_THREE_MATCHES: i64 = 1003;
/// Usedesk ticket whose client has no phone and no e-mail.
pub const TICKET_NO_IDENTIFIERS: i64 = 1004;
/// Usedesk client of ticket 1001.
pub const CLIENT_LUNA: i64 = 2001;
/// Usedesk client of ticket 1002.
pub const CLIENT_HARRY: i64 = 2002;
/// Usedesk client of ticket 1003.
pub const CLIENT_WEASLEYS: i64 = 2003;
/// Usedesk client of ticket 1004.
pub const CLIENT_TONKS: i64 = 2004;
/// The first Usedesk agent, who authors comments when no `user_id` is given.
pub const USEDESK_USER_POPPY: i64 = 501;
/// A second Usedesk agent.
pub const USEDESK_USER_FILIUS: i64 = 502;
