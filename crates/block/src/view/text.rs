//! Texts in the agent's language: messages, and the values of fields, money, dates and users as the agent reads them.

use std::borrow::Cow;

use domain::model::{AccountView, FieldLabel, FieldText, UserRef};
use i18n::{Arg, Lang, Translator};

use super::Display;
use super::style::safe_href;

/// The language and display settings of one rendering; templates call it for their static texts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tr {
    /// The language.
    pub lang: Lang,
    /// Time zone and the current time.
    pub display: Display,
}

impl Tr {
    pub(crate) fn new(lang: Lang, display: Display) -> Self {
        Self { lang, display }
    }

    /// The language code for `lang` attributes.
    pub(crate) fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// A message without variables.
    pub(crate) fn t(&self, id: &str) -> String {
        Translator::global().t(self.lang, id)
    }

    /// A message without variables, borrowed from the catalogue when it has it as plain text: the words templates
    /// repeat on every deal cost no copy.
    pub(crate) fn word(&self, id: &str) -> Cow<'static, str> {
        let translator = Translator::global();
        match translator.plain(self.lang, id) {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(translator.t(self.lang, id)),
        }
    }

    /// A message with one text variable.
    pub(crate) fn arg(&self, id: &str, name: &str, value: &str) -> String {
        Translator::global().t_args(self.lang, id, &[(name, Arg::from(value))])
    }

    /// A message with two text variables.
    pub(crate) fn args2(&self, id: &str, first: (&str, &str), second: (&str, &str)) -> String {
        Translator::global().t_args(
            self.lang,
            id,
            &[
                (first.0, Arg::from(first.1)),
                (second.0, Arg::from(second.1)),
            ],
        )
    }

    /// A message with any variables.
    pub(crate) fn args(&self, id: &str, args: &[(&str, Arg)]) -> String {
        Translator::global().t_args(self.lang, id, args)
    }

    /// The sign of a currency as this language writes it beside an amount (`₽`, `$`, `RUB`).
    pub(crate) fn currency_sign(&self, currency: &str) -> String {
        let zero = i18n::format_money(self.lang, 0, currency, None);
        zero.chars()
            .filter(|c| *c != '0' && !c.is_whitespace())
            .collect()
    }

    /// A message that counts something (its plural form follows `count`).
    pub(crate) fn count(&self, id: &str, count: usize) -> String {
        let count = i64::try_from(count).unwrap_or(i64::MAX);
        Translator::global().t_args(self.lang, id, &[("count", Arg::from(count))])
    }

    /// An amount in the account's currency.
    pub(crate) fn money(&self, amount: i64, account: &AccountView) -> String {
        self.money_in(
            amount,
            &account.currency,
            account.currency_symbol.as_deref(),
        )
    }

    /// An amount in a currency given by its code (and the account's symbol for it, when known).
    pub(crate) fn money_in(&self, amount: i64, currency: &str, symbol: Option<&str>) -> String {
        i18n::format_money(self.lang, amount, currency, symbol)
    }

    /// A moment: only its time when it is today, its date and time otherwise, with the zone's abbreviation
    /// (`14:05 MSK`, `Nov 23, 2026, 14:05 UTC−3`).
    pub(crate) fn moment(&self, unix: i64) -> String {
        let (at, shown) = self.time_or_datetime(unix);
        format!("{shown}\u{a0}{}", zone_short(&at))
    }

    /// The time of day of a moment with its zone spelled out for a reader who may be elsewhere:
    /// `19:14 (UTC+3 / MSK)`; with its date too when it is not today.
    pub(crate) fn moment_with_zone(&self, unix: i64) -> String {
        let (at, shown) = self.time_or_datetime(unix);
        let utc = utc_offset(at.offset_seconds);
        match &at.abbreviation {
            Some(abbreviation) if *abbreviation != utc => {
                format!("{shown} ({utc} / {abbreviation})")
            }
            _ => format!("{shown} ({utc})"),
        }
    }

    /// A moment in the display's zone, and its time alone when it is today, its date and time otherwise.
    fn time_or_datetime(&self, unix: i64) -> (domain::ZoneAt, String) {
        let zone = self.display.zone;
        let at = zone.at(unix);
        let offset = at.offset_minutes();
        let today = local_day(self.display.now, zone.at(self.display.now).offset_minutes());
        let shown = if local_day(unix, offset) == today {
            i18n::format_time(self.lang, unix, offset)
        } else {
            i18n::format_datetime(self.lang, unix, offset)
        };
        (at, shown)
    }

    /// A stage with its pipeline, as a closed select shows it ("Sales → Negotiation"); `None` when `pipelines` do
    /// not know it.
    pub(crate) fn stage_in_pipeline(
        &self,
        pipelines: &[domain::metadata::PipelineInfo],
        stage: domain::StageRef,
    ) -> Option<String> {
        let pipeline = pipelines.iter().find(|p| p.id == stage.pipeline_id)?;
        let status = pipeline
            .stages
            .iter()
            .find(|s| s.view.id == stage.status_id)?;
        Some(self.args2(
            "form-stage-in-pipeline",
            ("pipeline", &pipeline.name),
            ("stage", &status.view.name),
        ))
    }

    /// A Usedesk account as people recognise it: its agents' e-mail domains and number, and its fingerprint.
    pub(crate) fn usedesk_account(&self, account: &domain::UsedeskAccountLabel) -> String {
        self.account_label(account, "usedesk-account-named", "usedesk-account-unnamed")
    }

    /// [`usedesk_account`](Self::usedesk_account) where the sentence already says "Usedesk account".
    pub(crate) fn usedesk_account_short(&self, account: &domain::UsedeskAccountLabel) -> String {
        self.account_label(
            account,
            "usedesk-account-short-named",
            "usedesk-account-short-unnamed",
        )
    }

    fn account_label(
        &self,
        account: &domain::UsedeskAccountLabel,
        named: &str,
        unnamed: &str,
    ) -> String {
        match account.agents {
            Some(agents) if !account.domains.is_empty() => {
                let domains = account
                    .domains
                    .iter()
                    .map(|d| format!("@{d}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let agents = i64::try_from(agents).unwrap_or(i64::MAX);
                self.args(
                    named,
                    &[
                        ("domains", Arg::from(domains.as_str())),
                        ("count", Arg::from(agents)),
                        ("fingerprint", Arg::from(account.fingerprint.as_str())),
                    ],
                )
            }
            _ => self.arg(unnamed, "fingerprint", &account.fingerprint),
        }
    }

    /// Whether `unix` falls on today in the agents' time zone.
    pub(crate) fn is_today(&self, unix: i64) -> bool {
        let zone = self.display.zone;
        local_day(unix, zone.at(unix).offset_minutes())
            == local_day(self.display.now, zone.at(self.display.now).offset_minutes())
    }

    /// A date and time, always with the date, and the zone's abbreviation.
    pub(crate) fn datetime(&self, unix: i64) -> String {
        self.datetime_at(unix, &self.display.zone.at(unix))
    }

    /// [`datetime`](Self::datetime) where the zone at that moment is known already.
    fn datetime_at(&self, unix: i64, at: &domain::ZoneAt) -> String {
        format!(
            "{}\u{a0}{}",
            i18n::format_datetime(self.lang, unix, at.offset_minutes()),
            zone_short(at)
        )
    }

    /// A field's value as it reads: a date field stored at midnight shows only its date (in the zone where it is
    /// midnight, so the day does not shift), anything else with its time.
    fn date_value(&self, unix: i64) -> String {
        let at = self.display.zone.at(unix);
        let offset = at.offset_minutes();
        if unix.rem_euclid(86_400) == 0 {
            i18n::format_date(self.lang, unix, 0)
        } else if (unix + i64::from(offset) * 60).rem_euclid(86_400) == 0 {
            i18n::format_date(self.lang, unix, offset)
        } else {
            self.datetime_at(unix, &at)
        }
    }

    /// A user's name, or their id when the account does not let us read names.
    pub(crate) fn user(&self, user: &UserRef) -> String {
        self.user_name(user).into_owned()
    }

    /// [`user`](Self::user), borrowing the name when there is one.
    pub(crate) fn user_name<'a>(&self, user: &'a UserRef) -> Cow<'a, str> {
        match user
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(self.arg("user-by-id", "id", &user.id.to_string())),
        }
    }

    /// A field's label: built-in fields translated, custom fields by their amoCRM name.
    pub(crate) fn label<'a>(&self, label: &'a FieldLabel) -> Cow<'a, str> {
        match label {
            FieldLabel::Custom(name) => Cow::Borrowed(name),
            FieldLabel::Builtin(key) => match builtin_message(key) {
                Some(id) => self.word(id),
                None => Cow::Borrowed(key),
            },
        }
    }

    /// A field's value, ready for a template: text, and a link when the value is a web address.
    pub(crate) fn value<'a>(&self, value: &'a FieldText, account: &AccountView) -> Shown<'a> {
        match value {
            FieldText::Text(text) => Shown::text(Cow::Borrowed(text)),
            FieldText::Date(unix) => Shown::text(Cow::Owned(self.date_value(*unix))),
            FieldText::Flag(true) => Shown::text(self.word("form-yes")),
            FieldText::Flag(false) => Shown::text(self.word("form-no")),
            FieldText::Money(amount) => Shown::text(Cow::Owned(self.money(*amount, account))),
            FieldText::Url(url) => Shown {
                text: Cow::Borrowed(url),
                href: safe_href(url),
            },
        }
    }
}

/// A phone as the agent reads it, and the `tel:` address a softphone picks up.
#[derive(Debug, Clone)]
pub(crate) struct PhoneShown {
    /// International format (`+7 903 555-01-01`), or the number as written when it is not one.
    pub text: String,
    /// `tel:` and the number in E.164, when it is one.
    pub tel: Option<String>,
}

impl Tr {
    /// A phone written however amoCRM or Usedesk has it, shown one way: international format, by the
    /// numbering plan of its country (libphonenumber's metadata), and dialable.
    pub(crate) fn phone(&self, raw: &str) -> PhoneShown {
        let country = self.display.default_country.map(|c| c.to_string());
        let Some(e164) = domain::identity::normalize_phone(raw, country.as_deref()) else {
            return PhoneShown {
                text: raw.trim().to_owned(),
                tel: None,
            };
        };
        let text = international(&e164);
        PhoneShown {
            text,
            tel: Some(format!("tel:{e164}")),
        }
    }
}

/// The international form of an E.164 number by its country's numbering plan, or the E.164 text when the plan does
/// not know it. Parsing with libphonenumber's metadata costs tens of microseconds; the same contacts' phones are
/// shown on every ticket open, so the forms are remembered (a bounded table, emptied when full).
pub(crate) fn international(e164: &str) -> String {
    const REMEMBERED: usize = 4096;
    static FORMS: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, String>>> =
        std::sync::OnceLock::new();
    let forms = FORMS.get_or_init(Default::default);
    let remembered = forms
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(e164)
        .cloned();
    if let Some(text) = remembered {
        return text;
    }
    let text = phonenumber::parse(None, e164)
        .ok()
        .filter(phonenumber::is_valid)
        .map(|n| {
            n.format()
                .mode(phonenumber::Mode::International)
                .to_string()
        })
        .unwrap_or_else(|| e164.to_owned());
    let mut forms = forms
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if forms.len() >= REMEMBERED {
        forms.clear();
    }
    forms.insert(e164.to_owned(), text.clone());
    text
}

/// A value as a template shows it.
#[derive(Debug, Clone)]
pub(crate) struct Shown<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// Where it links, when it is a safe web address.
    pub href: Option<String>,
}

impl<'a> Shown<'a> {
    fn text(text: Cow<'a, str>) -> Self {
        Self { text, href: None }
    }
}

/// One labelled value of a deal.
#[derive(Debug, Clone)]
pub(crate) struct FieldLine<'a> {
    /// The label.
    pub label: Cow<'a, str>,
    /// The value; `None` shows a dash.
    pub value: Option<Shown<'a>>,
}

impl<'a> FieldLine<'a> {
    pub(crate) fn of(tr: &Tr, field: &'a domain::model::FieldShown, account: &AccountView) -> Self {
        Self {
            label: tr.label(&field.label),
            value: field.value.as_ref().map(|v| tr.value(v, account)),
        }
    }
}

/// The message that names a built-in field, by its key.
fn builtin_message(key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => "form-deal-name",
        "price" => "deal-price",
        "pipeline" => "deal-pipeline",
        "stage" | "status" => "deal-stage",
        "responsible" => "deal-responsible",
        "created_at" => "deal-created",
        "updated_at" => "deal-updated",
        _ => return None,
    })
}

/// A zone as a short label: its lettered abbreviation (`MSK`, `CEST`), else its offset (`UTC−3`).
fn zone_short(at: &domain::ZoneAt) -> String {
    at.abbreviation
        .clone()
        .unwrap_or_else(|| utc_offset(at.offset_seconds))
}

/// `UTC`, `UTC+3`, `UTC−3`, `UTC+5:30` (with a real minus sign).
fn utc_offset(seconds: i32) -> String {
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '\u{2212}' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    match minutes % 60 {
        0 => format!("UTC{sign}{}", minutes / 60),
        m => format!("UTC{sign}{}:{m:02}", minutes / 60),
    }
}

/// The local calendar day number of a moment.
fn local_day(unix: i64, offset_minutes: i32) -> i64 {
    unix.saturating_add(i64::from(offset_minutes) * 60)
        .div_euclid(86_400)
}
