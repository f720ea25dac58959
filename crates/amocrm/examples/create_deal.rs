//! Creates a deal (a lead) with custom field values, optionally linked to a contact.
//!
//! ```sh
//! AMOCRM_HOST=yourcompany.kommo.com AMOCRM_TOKEN=… \
//!     cargo run -p amocrm --example create_deal -- "Website order" 5000 \
//!     701=enum:7101 702=12.5 703="Call after 5 pm" --contact 3001
//! ```
//!
//! Arguments: the deal's name, its price, then custom fields as `FIELD_ID=VALUE`. A value
//! `enum:ID[,ID…]` chooses options of a select, radio button or multiselect field; a number is sent
//! as a number, `true`/`false` as a checkbox, anything else as text. `--contact ID` links an
//! existing contact as the main one; `--pipeline ID` and `--status ID` choose where the deal
//! starts (by default the first stage of the main pipeline).
//!
//! Field and option ids come from `GET /api/v4/leads/custom_fields`
//! (`client.custom_fields(EntityType::Leads).list_all()`). amoCRM checks the values and answers
//! 400 with its `validation-errors`, shown here field by field. The create carries a
//! `request_id`, and the client never repeats a write on its own.

use std::process::ExitCode;
use std::sync::Arc;

use amocrm::{
    AccountHost, AmoClient, Created, CustomFieldValue, Error, HostPolicy, LeadContact, NewLead,
    StaticToken,
};
use serde_json::Value;

const USAGE: &str = "usage: AMOCRM_HOST=yourcompany.amocrm.ru AMOCRM_TOKEN=<token> \
cargo run -p amocrm --example create_deal -- <name> <price> [FIELD_ID=VALUE]... \
[--contact ID] [--pipeline ID] [--status ID]";

/// Reads the command line (without the program name) into the deal to create.
pub fn parse_args(args: &[String]) -> Result<NewLead, String> {
    let mut args = args.iter();
    let name = args.next().ok_or("the deal's name is missing")?;
    let price = args.next().ok_or("the price is missing")?;
    let mut lead = NewLead {
        name: Some(name.clone()),
        price: Some(parse_id(price, "price")?),
        ..NewLead::default()
    };
    while let Some(arg) = args.next() {
        let mut flag_value = |flag: &str| -> Result<i64, String> {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            parse_id(value, flag)
        };
        match arg.as_str() {
            "--contact" => lead.contacts.push(LeadContact {
                id: flag_value("--contact")?,
                is_main: true,
            }),
            "--pipeline" => lead.pipeline_id = Some(flag_value("--pipeline")?),
            "--status" => lead.status_id = Some(flag_value("--status")?),
            field => lead.custom_fields_values.push(parse_field(field)?),
        }
    }
    Ok(lead)
}

/// Reads one `FIELD_ID=VALUE` argument.
pub fn parse_field(arg: &str) -> Result<CustomFieldValue, String> {
    let (id, value) = arg
        .split_once('=')
        .ok_or(format!("{arg:?} is not FIELD_ID=VALUE"))?;
    let id = parse_id(id, "a field id")?;
    if let Some(enums) = value.strip_prefix("enum:") {
        let ids = enums
            .split(',')
            .map(|e| parse_id(e, "an option id"))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(CustomFieldValue::enums(id, ids));
    }
    let json = match value {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => match serde_json::from_str::<serde_json::Number>(value) {
            Ok(number) => Value::Number(number),
            Err(_) => return Ok(CustomFieldValue::text(id, value)),
        },
    };
    Ok(CustomFieldValue::value(id, json))
}

fn parse_id(text: &str, what: &str) -> Result<i64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{what} must be a whole number, got {text:?}"))
}

/// Creates the deal and returns its id with the echoed `request_id`.
pub async fn run(client: &AmoClient, lead: NewLead) -> Result<Created, Error> {
    let created = client.leads().create(&[lead]).await?;
    // One lead in, one result out: the client returns results in input order.
    created
        .into_iter()
        .next()
        .ok_or_else(|| Error::InvalidArgument("amoCRM returned no created lead".to_owned()))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Ok(host), Ok(token)) = (std::env::var("AMOCRM_HOST"), std::env::var("AMOCRM_TOKEN"))
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let (host, lead) = match (
        AccountHost::parse(&host, &HostPolicy::default()),
        parse_args(&args),
    ) {
        (Ok(host), Ok(lead)) => (host, lead),
        (Err(error), _) => {
            eprintln!("{error}\n{USAGE}");
            return ExitCode::from(2);
        }
        (_, Err(error)) => {
            eprintln!("{error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let client = AmoClient::builder(host, Arc::new(StaticToken::new(token))).build();

    match run(&client, lead).await {
        Ok(created) => {
            println!("created deal #{}", created.id);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            // A 400 / 422 names each refused value by its path, such as
            // `custom_fields_values.0.field_id`.
            for item in error.problem().map_or(&[][..], |p| &p.validation_errors) {
                for detail in &item.errors {
                    eprintln!("  {}: {} {}", detail.path, detail.code, detail.detail);
                }
            }
            ExitCode::FAILURE
        }
    }
}
