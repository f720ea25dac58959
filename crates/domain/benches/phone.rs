//! How long phone normalisation takes over the formats agents and clients really write.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::identity::normalize_phone;

/// Russian numbers with and without the trunk prefix, international ones with `+` and `00`, extensions,
/// non-breaking spaces and typographic dashes, and a few that are not phones at all.
const PHONES: &[&str] = &[
    "+7 (916) 123-45-67",
    "8 916 123 45 67",
    "9161234567",
    "+7\u{a0}903\u{a0}555\u{a0}01\u{a0}01",
    "+7 903 555–01–01",
    "8-800-555-35-35 доб. 123",
    "+44 20 7946 0321",
    "0044 20 7946 0321",
    "+1 (202) 555-0143 ext. 12",
    "+49 30 901820",
    "+33.1.42.68.53.00",
    "(495) 123.45.67",
    "not a phone",
    "",
];

fn normalize(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize_phone");
    group.throughput(Throughput::Elements(PHONES.len() as u64));
    group.bench_function(format!("mix of {} formats", PHONES.len()), |b| {
        b.iter(|| {
            for phone in PHONES {
                black_box(normalize_phone(black_box(phone), Some("7")));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, normalize);
criterion_main!(benches);
