//! Streams every lead of an account page by page, without holding them all in memory.
//!
//! ```sh
//! AMOCRM_HOST=yourcompany.amocrm.ru AMOCRM_TOKEN=… \
//!     cargo run -p amocrm --example stream_leads -- [PIPELINE_ID]
//! ```
//!
//! Prints one line per lead (id, stage, price, name) and a total. With `PIPELINE_ID`, only that
//! pipeline's leads. Pages hold up to 250 leads (amoCRM's maximum); the next page is asked for
//! only after the previous one was handled, so a consumer that stops early sends no more
//! requests. [`LeadsApi::list_all`](amocrm::api::LeadsApi::list_all) does the same walk but
//! collects everything into one `Vec`.

use std::process::ExitCode;
use std::sync::Arc;

use amocrm::{AccountHost, AmoClient, Error, HostPolicy, Lead, LeadsQuery, Page, StaticToken};
use futures_util::{Stream, TryStreamExt, stream};

const USAGE: &str = "usage: AMOCRM_HOST=yourcompany.amocrm.ru AMOCRM_TOKEN=<token> \
cargo run -p amocrm --example stream_leads -- [PIPELINE_ID]";

/// The most leads amoCRM returns in one page.
pub const PAGE_SIZE: u32 = 250;

/// The pages of leads matching `query`, fetched one at a time as the stream is polled.
///
/// amoCRM numbers pages from 1 and links the next one while there is one; a page without a
/// `next` link, or an empty one (a 204 answer), ends the stream.
pub fn lead_pages(
    client: &AmoClient,
    query: LeadsQuery,
) -> impl Stream<Item = Result<Page<Lead>, Error>> + '_ {
    stream::try_unfold(Some(1), move |page| {
        let query = query.clone();
        async move {
            let Some(number) = page else {
                return Ok(None);
            };
            let query = LeadsQuery {
                page: Some(number),
                limit: Some(query.limit.unwrap_or(PAGE_SIZE)),
                ..query
            };
            let leads = client.leads().list(&query).await?;
            let next = (leads.next.is_some() && !leads.items.is_empty()).then_some(number + 1);
            Ok(Some((leads, next)))
        }
    })
}

/// Walks every page, handing each lead to `each`; returns how many leads there were.
pub async fn run(
    client: &AmoClient,
    query: LeadsQuery,
    mut each: impl FnMut(&Lead),
) -> Result<usize, Error> {
    let pages = lead_pages(client, query);
    let mut pages = std::pin::pin!(pages);
    let mut total = 0;
    while let Some(page) = pages.try_next().await? {
        total += page.items.len();
        page.items.iter().for_each(&mut each);
    }
    Ok(total)
}

#[tokio::main]
async fn main() -> ExitCode {
    let pipeline: Option<String> = std::env::args().nth(1);
    let (Ok(host), Ok(token)) = (std::env::var("AMOCRM_HOST"), std::env::var("AMOCRM_TOKEN"))
    else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let host = match AccountHost::parse(&host, &HostPolicy::default()) {
        Ok(host) => host,
        Err(error) => {
            eprintln!("{error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut query = LeadsQuery::default();
    if let Some(pipeline) = pipeline {
        match pipeline.parse() {
            Ok(id) => query.pipeline_ids.push(id),
            Err(_) => {
                eprintln!("PIPELINE_ID must be a number, got {pipeline:?}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let client = AmoClient::builder(host, Arc::new(StaticToken::new(token))).build();

    let printed = run(&client, query, |lead| {
        println!(
            "#{}\tstage {}\t{}\t{}",
            lead.id, lead.status_id, lead.price, lead.name
        );
    })
    .await;
    match printed {
        Ok(total) => {
            println!("{total} leads");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
