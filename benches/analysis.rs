//! `cost` and `graph` of the 500-resource stack of benches/synth.rs (tests/all_examples):
//! the estimate (with its table) and the picture (Mermaid and DOT text), in process.
//! README.md reports the figures; the target (#17) is under 50 ms each.

use criterion::{Criterion, criterion_group, criterion_main};
use ferroform::analysis::{cost, graph};

#[path = "../tests/all_examples/mod.rs"]
mod all_examples;

fn bench(c: &mut Criterion) {
    let template = all_examples::fleet_500().to_template().expect("valid");
    let body = template.body();
    c.bench_function("cost, 500 resources (estimate + table)", |b| {
        b.iter(|| {
            cost::estimate("Fleet", body, "us-east-1")
                .map(|e| e.to_table().len())
                .unwrap_or_default()
        });
    });
    c.bench_function("graph, 500 resources (Mermaid + DOT)", |b| {
        b.iter(|| {
            let g = graph::graph(&[("Fleet", body)]);
            g.to_mermaid().len() + g.to_dot().len()
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
