//! How long the block's HTML takes for a large block: 20 contacts with 20 deals each, every deal with five
//! chosen fields of different kinds and every action link signed.

use std::hint::black_box;

use block::view::model::{Action, BlockActions, BlockView, ContactActions};
use block::view::{Display, render_block};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::model::{
    AccountView, BlockData, ContactView, DealKind, DealView, FieldLabel, FieldShown, FieldText,
    StageView, TicketClient, UserRef,
};
use domain::store::ConnectionId;
use i18n::Lang;

/// A fixed "now" (2025-09-01 12:00 UTC), so dates render the same way on every run.
const NOW: i64 = 1_756_728_000;
const BASE: &str = "https://hogwarts.amocrm.ru";
const SERVICE: &str = "https://usedesk-amocrm.example.com";

/// A signed action as the HTTP layer makes them: an absolute URL and a token of realistic length.
fn action(path: &str, id: i64) -> Action {
    Action {
        url: format!("{SERVICE}/{path}"),
        token: format!("v1.{id:012}.{}", "Zm9vYmFyYmF6cXV4".repeat(6)),
    }
}

fn user(id: i64, name: &str) -> Option<UserRef> {
    Some(UserRef {
        id,
        name: Some(name.to_owned()),
    })
}

fn deal(contact: i64, n: i64) -> DealView {
    let id = contact * 100 + n;
    let (stage, kind) = match n % 5 {
        0 => (
            StageView {
                id: 142,
                name: "Successfully realized".into(),
                color: "#ccff66".into(),
            },
            DealKind::Won,
        ),
        1 => (
            StageView {
                id: 143,
                name: "Closed - lost".into(),
                color: "#d5d8db".into(),
            },
            DealKind::Lost,
        ),
        2 => (
            StageView {
                id: 55_000_003,
                name: "Negotiation".into(),
                color: "#ffcc66".into(),
            },
            DealKind::Open,
        ),
        3 => (
            StageView {
                id: 55_000_004,
                name: "Decision making".into(),
                color: "#ff8f92".into(),
            },
            DealKind::Open,
        ),
        _ => (
            StageView {
                id: 55_000_002,
                name: "First contact".into(),
                color: "#99ccff".into(),
            },
            DealKind::Open,
        ),
    };
    let field = |key: &str, label: &str, value: FieldText| FieldShown {
        key: key.parse().expect("a field key"),
        label: FieldLabel::Custom(label.into()),
        value: Some(value),
    };
    DealView {
        id,
        name: format!("Order #{id}: Firebolt brooms & Quidditch kit <team {n}>"),
        price: Some(125_000 + n * 1_500),
        pipeline: (
            55_000_001,
            if n % 4 == 0 {
                "Partners".into()
            } else {
                "Sales".into()
            },
        ),
        stage,
        kind,
        responsible: user(1 + n % 4, "Minerva McGonagall"),
        created_at: NOW - n * 86_400,
        updated_at: NOW - n * 3_600,
        fields: vec![
            field(
                "cf:1001",
                "Product",
                FieldText::Text("Nimbus 2001, Firebolt Supreme".into()),
            ),
            field(
                "cf:1002",
                "Delivery date",
                FieldText::Date(NOW + n * 86_400),
            ),
            field("cf:1003", "Budget confirmed", FieldText::Flag(n % 2 == 0)),
            field("cf:1004", "Discount", FieldText::Money(5_000 + n * 100)),
            field(
                "cf:1005",
                "Order page",
                FieldText::Url(format!("https://shop.example.com/orders/{id}")),
            ),
        ],
        url: format!("{BASE}/leads/detail/{id}"),
        tasks: Default::default(),
    }
}

fn large_block() -> BlockView {
    let contacts: Vec<ContactView> = (1..=20)
        .map(|c| ContactView {
            company: None,
            tasks: Default::default(),
            id: c,
            name: format!("Weasley {c} — Arthur, Molly & the children"),
            phones: vec![
                format!("+7 903 555-{c:02}-01"),
                format!("8 (916) 123-{c:02}-67"),
            ],
            emails: vec![
                format!("weasley{c}@burrow.example"),
                format!("ron{c}.weasley@burrow.example"),
            ],
            responsible: user(1, "Albus Dumbledore"),
            updated_at: NOW - c * 600,
            url: format!("{BASE}/contacts/detail/{c}"),
            linked: false,
            matched_by: vec!["+79035550101".into(), "weasleys@burrow.example".into()],
            deals: (1..=20).map(|n| deal(c, n)).collect(),
        })
        .collect();
    let actions = BlockActions {
        contacts: contacts
            .iter()
            .map(|c| ContactActions {
                contact_id: c.id,
                link: Some(action("actions/link", c.id)),
                unlink: None,
                new_deal: action("deals/new", c.id),
                deals: c
                    .deals
                    .iter()
                    .map(|d| (d.id, action("deals/card", d.id)))
                    .collect(),
                comments: c
                    .deals
                    .iter()
                    .map(|d| (d.id, action("action/comment", d.id)))
                    .collect(),
                moves: c
                    .deals
                    .iter()
                    .map(|d| (d.id, action("action/deal-stage", d.id)))
                    .collect(),
                add_values: Vec::new(),
                tasks: None,
                edit: None,
                complete_tasks: Vec::new(),
            })
            .collect(),
        add_contact: action("contacts/new", 0),
        create_contact: action("action/contact", 0),
        new_contacts: Vec::new(),
        new_deals: Vec::new(),
        settings: action("settings", 0),
        search: action("search", 0),
    };
    let data = BlockData {
        connection_id: ConnectionId::new_random(),
        account: AccountView {
            name: "Hogwarts Trading".into(),
            currency: "RUB".into(),
            currency_symbol: Some("₽".into()),
            time_zone: Some("Europe/Moscow".into()),
        },
        client: TicketClient {
            ticket_id: Some(1003),
            client_id: Some(3),
            name: Some("Weasley family".into()),
            phones: vec!["+7 903 555-01-01".into()],
            emails: vec!["weasleys@burrow.example".into()],
        },
        identifiers: vec!["+79035550101".into(), "weasleys@burrow.example".into()],
        contacts,
        linked: false,
        stale_as_of: None,
        not_searched: 0,
        render_id: 0,
        notices: Vec::new(),
        // The stage select's options: built once per render, shared by the deals of the pipeline.
        pipelines: vec![domain::model::PipelineStages {
            id: 55_000_001,
            stages: [
                (55_000_002, "First contact", "#99ccff"),
                (55_000_003, "Negotiation", "#ffcc66"),
                (55_000_004, "Decision making", "#ff8f92"),
            ]
            .into_iter()
            .map(|(id, name, color)| StageView {
                id,
                name: name.into(),
                color: color.into(),
            })
            .collect(),
        }],
    };
    BlockView::Data {
        data: Box::new(data),
        actions: Box::new(actions),
        stale_reason: None,
    }
}

fn render(c: &mut Criterion) {
    let view = large_block();
    let display = Display {
        zone: domain::Zone::parse("Europe/Moscow")
            .expect("a known zone")
            .shared(),
        now: NOW,
        default_country: Some(7),
    };
    let html = render_block(Lang::En, &view, &display);
    let mut group = c.benchmark_group("render_block");
    group.throughput(Throughput::Bytes(html.len() as u64));
    for lang in [Lang::En, Lang::Ru] {
        group.bench_function(format!("20 contacts x 20 deals, {lang:?}"), |b| {
            b.iter(|| render_block(black_box(lang), black_box(&view), &display));
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
