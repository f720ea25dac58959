//! A client with many deals in Usedesk's sidebar: the block folds them so that it stays about one sidebar
//! screen tall and never scrolls sideways, however long the deal names and the prices are.

use anyhow::{Context as _, ensure};
use fantoccini::Locator;
use sandbox::seed::{
    PIPELINE_PARTNERS, PIPELINE_SALES, STATUS_ACTIVE_PARTNER, STATUS_CONTRACT_SENT,
    STATUS_FIRST_CONTACT, STATUS_LOST, STATUS_PARTNERS_INCOMING, STATUS_QUALIFICATION,
    STATUS_SALES_INCOMING, STATUS_WON, TICKET_NO_MATCH,
};
use serde_json::{Value, json};

use crate::support::E2e;
use crate::support::preview::BLOCK;
use crate::support::run;
use crate::support::shots::{self, Frame};

/// The tallest the block may be with 22 deals folded: about one screen of Usedesk's sidebar (CSS pixels).
/// With five open deals of two clamped lines each, the search form and the contact's Tasks / Edit links it
/// measures about 930 px in headless Chromium.
const TALLEST_BLOCK: f64 = 1000.0;

/// The width Usedesk's sidebar gives the dynamic block (CSS pixels).
const SIDEBAR: f64 = 320.0;

/// The deal name without a single space or hyphen: nothing to break it at.
const UNBREAKABLE: &str =
    "HippogriffFeedBulkContractForTheCareOfMagicalCreaturesClassroomRenewal20262027";

/// Thirteen open deals: long names, one of them unbreakable.
const OPEN: [&str; 13] = [
    "Forty Nimbus 2001 brooms for the Gryffindor, Slytherin, Ravenclaw and Hufflepuff house teams before the season opens",
    UNBREAKABLE,
    "Annual subscription to The Quibbler for the whole of Ravenclaw tower, delivered by owl every Monday morning",
    "Spectrespecs, two hundred pairs, with the spare lenses and the carrying cases embroidered with the school crest",
    "Rebuilding the Lovegood printing press after the explosion, including the new rune-resistant typeface",
    "Crumple-Horned Snorkack expedition to Sweden: tents, lanterns, warming charms and a very large net",
    "Dirigible plums for the garden, three hundred seedlings, and a greenhouse with a self-watering charm",
    "Radish earrings and butterbeer-cork necklaces for the Quibbler's readers' club, a year of monthly batches",
    "Nargle-proof mistletoe for the Great Hall at Christmas, with installation by the Hogwarts gamekeeper",
    "Moon-calf dung fertiliser, the bulk contract for the Herbology department, with quarterly deliveries",
    "A custom-printed edition of the Rune Dictionary for the Ancient Runes class, leather bound, gilt edges",
    "Replacement shoes for everything the Nargles hid last term, in every size from first to seventh year",
    "Portrait of Luna and her friends for the ceiling of her bedroom, painted with enchanted golden ink",
];

/// Nine closed deals, won and lost.
const CLOSED: [&str; 9] = [
    "Quibbler back issues, complete archive from the first edition, bound in twelve volumes",
    "Butterbeer corks, ten thousand, for the necklace workshop at the Three Broomsticks",
    "Owl post contract for the Quibbler's overseas subscribers in Sweden, Norway and Finland",
    "Enchanted lion hat for the Gryffindor supporters' stand, roaring version with sound charms",
    "Wrackspurt-repelling earmuffs for the Ministry of Magic's Department of Mysteries",
    "The Lovegood house roof, rebuilt as a rook with a spiral staircase and a printing room",
    "Gurdyroot supply for the summer, picked by hand near Ottery St Catchpole",
    "Fifty copies of the Spectrespecs special edition for the Ravenclaw common room",
    "Blibbering Humdinger field guide, second printing, with the new illustrations",
];

/// Prices from nothing to 1 234 567 890, one per deal (open first, then closed).
const PRICES: [i64; 22] = [
    1_234_567_890,
    0,
    999_999_999,
    45,
    1_000,
    12_500,
    999_999,
    7,
    350_000,
    88_888_888,
    123_456_789,
    2_500_000,
    640,
    0,
    1_234_567_890,
    99,
    15_000,
    777_777,
    3_000_000,
    250,
    60_000_000,
    1,
];

/// The open stages the deals spread over (none that requires a field to enter).
const OPEN_STAGES: [(i64, i64); 6] = [
    (PIPELINE_SALES, STATUS_SALES_INCOMING),
    (PIPELINE_SALES, STATUS_FIRST_CONTACT),
    (PIPELINE_SALES, STATUS_CONTRACT_SENT),
    (PIPELINE_PARTNERS, STATUS_PARTNERS_INCOMING),
    (PIPELINE_PARTNERS, STATUS_QUALIFICATION),
    (PIPELINE_PARTNERS, STATUS_ACTIVE_PARTNER),
];

/// Seeds, through amoCRM's public API of the sandbox, Luna Lovegood (the client of the ticket that matches
/// no contact) with 22 deals: 13 open, 9 won or lost.
async fn seed_luna_with_22_deals(e2e: &E2e) -> anyhow::Result<()> {
    let contact = json!([{
        "name": "Luna Lovegood",
        "custom_fields_values": [
            {"field_code": "PHONE", "values": [{"value": "+44 20 7946 0321", "enum_code": "MOB"}]},
            {"field_code": "EMAIL", "values": [{"value": "luna.lovegood@quibbler.example", "enum_code": "WORK"}]},
        ],
    }]);
    let luna = e2e.stack.amocrm_create("contacts", &contact).await?;
    let luna = *luna.first().context("no contact created")?;
    let open = OPEN.iter().enumerate().map(|(i, name)| {
        let (pipeline, status) = OPEN_STAGES[i % OPEN_STAGES.len()];
        (*name, pipeline, status)
    });
    let closed = CLOSED.iter().enumerate().map(|(i, name)| {
        let status = if i % 3 == 2 { STATUS_LOST } else { STATUS_WON };
        (*name, PIPELINE_SALES, status)
    });
    let leads: Vec<Value> = open
        .chain(closed)
        .zip(PRICES)
        .map(|((name, pipeline, status), price)| {
            json!({
                "name": name,
                "price": price,
                "pipeline_id": pipeline,
                "status_id": status,
                "_embedded": {"contacts": [{"id": luna, "is_main": true}]},
            })
        })
        .collect();
    let created = e2e
        .stack
        .amocrm_create("leads", &Value::Array(leads))
        .await?;
    ensure!(
        created.len() == 22,
        "amoCRM created {} deals",
        created.len()
    );
    Ok(())
}

/// The block's height and the sideways overflow of the block and of Usedesk's card around it, in CSS pixels.
async fn measure(e2e: &E2e) -> anyhow::Result<(f64, f64, f64)> {
    let measured = e2e
        .browser
        .client
        .execute(
            "var card = document.querySelector('.dynamic-block'); var block = card.querySelector('.uda-block'); \
             return [block.getBoundingClientRect().height, card.getBoundingClientRect().width, \
                     Math.max(card.scrollWidth - card.clientWidth, block.scrollWidth - block.clientWidth)];",
            vec![],
        )
        .await
        .context("measuring the block")?;
    let number = |i: usize| {
        measured[i]
            .as_f64()
            .context("a measure that is not a number")
    };
    Ok((number(0)?, number(1)?, number(2)?))
}

/// How many deals of the block are shown (not inside a closed fold).
async fn visible_deals(e2e: &E2e) -> anyhow::Result<usize> {
    let mut shown = 0;
    for deal in e2e
        .browser
        .client
        .find_all(Locator::Css(&format!("{BLOCK} .uda-deal")))
        .await?
    {
        if deal.is_displayed().await? {
            shown += 1;
        }
    }
    Ok(shown)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_with_22_deals_renders_folded_within_one_sidebar_screen_without_scrolling_sideways()
-> anyhow::Result<()> {
    run(async |e2e| {
        // Arrange: Luna, with 13 open deals (long names, one unbreakable) and 9 closed ones, seeded before
        // the service has seen her ticket.
        seed_luna_with_22_deals(e2e).await?;

        // Act: her ticket in the preview, whose sidebar is Usedesk's 320 px.
        e2e.open_preview(TICKET_NO_MATCH, "en").await?;
        e2e.log_in().await?;
        let (height, width, overflow) = measure(e2e).await?;
        let shown = visible_deals(e2e).await?;
        let folds: Vec<String> = {
            let mut heads = Vec::new();
            for head in e2e
                .browser
                .client
                .find_all(Locator::Css(&format!("{BLOCK} details.uda-fold > summary")))
                .await?
            {
                heads.push(head.text().await?.trim().to_owned());
            }
            heads
        };
        shots::save(
            &e2e.browser,
            "16-many-deals-320.png",
            ".dynamic-block",
            Frame::Whole,
        )
        .await?;
        e2e.open_folds().await?;
        let (_, _, unfolded_overflow) = measure(e2e).await?;
        let all_shown = visible_deals(e2e).await?;
        let unfolded = e2e.browser.text_of(BLOCK).await?;

        // Assert: one contact, 5 open deals shown and the rest folded under "Show all 13" and "9 closed",
        // within one sidebar screen and the sidebar's width, also once everything is unfolded.
        let names = e2e.contact_names().await?;
        ensure!(names == ["Luna Lovegood"], "the block shows {names:?}");
        ensure!(
            width <= SIDEBAR + 0.5,
            "the block's card is {width} px wide, not the sidebar's {SIDEBAR}"
        );
        ensure!(
            height <= TALLEST_BLOCK,
            "the block is {height} px tall with its deals folded, over the {TALLEST_BLOCK} px of one sidebar screen"
        );
        ensure!(shown == 5, "{shown} deals are shown before unfolding, not 5");
        ensure!(
            folds.len() == 2
                && folds[0].starts_with("Show all 13")
                && folds[1].starts_with("9 closed"),
            "the folds are {folds:?}"
        );
        ensure!(
            unfolded.contains("1,234,567,890") && unfolded.contains(UNBREAKABLE),
            "the largest price or the unbreakable name is not shown in full: {unfolded}"
        );
        ensure!(
            overflow <= 0.5,
            "the folded block scrolls sideways by {overflow} px"
        );
        ensure!(all_shown == 22, "{all_shown} deals are shown once unfolded, not 22");
        ensure!(
            unfolded_overflow <= 0.5,
            "the unfolded block scrolls sideways by {unfolded_overflow} px"
        );
        Ok(())
    })
    .await
}
