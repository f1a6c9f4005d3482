//! One keystroke's search over the whole built-in knowledge base.
//! Budget: under 1 ms per query; the figure printed last is the mean.

use bounce_doctor::knowledge::{Index, KnowledgeBase};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::time::Instant;

const QUERIES: &[&str] = &[
    "5",
    "55",
    "550",
    "5.7.1",
    "550 5.7.1",
    "r",
    "rel",
    "relay access denied",
    "mailbox unavailable",
    "spamhaus",
    "mailbx ful",
    "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7",
];

fn bench(c: &mut Criterion) {
    let kb = KnowledgeBase::builtin();
    let index = Index::new(&kb);
    let mut group = c.benchmark_group("search");
    for q in QUERIES {
        let name: String = q.chars().take(24).collect();
        group.bench_function(name, |b| b.iter(|| index.search(black_box(q))));
    }
    group.finish();

    // A plain summary across all queries, as a ratio of the 1 ms budget.
    let rounds = 200;
    let start = Instant::now();
    for _ in 0..rounds {
        for q in QUERIES {
            black_box(index.search(black_box(q)));
        }
    }
    let per_query = start.elapsed().as_secs_f64() / (rounds * QUERIES.len()) as f64;
    println!(
        "search over {} entries: mean {:.1} µs per query = {:.3} of the 1 ms budget",
        index.len(),
        per_query * 1e6,
        per_query / 1e-3
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_millis(300)).measurement_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
