//! Synth speed: a 500-resource stack (CloudFormation's maximum) built and serialized in
//! process. The target is under 5 ms on the 2-core CI machines; README.md reports the figures.

use criterion::{Criterion, criterion_group, criterion_main};
use ferroform::Format;

// The 500-resource stack is shared with the tests (tests/all_examples).
#[path = "../tests/all_examples/mod.rs"]
mod all_examples;

use all_examples::fleet_500 as stack_500;

fn bench(c: &mut Criterion) {
    c.bench_function("build 500 resources", |b| b.iter(stack_500));
    c.bench_function("build + synth JSON, 500 resources", |b| {
        b.iter(|| {
            stack_500()
                .to_template()
                .map(|t| t.render(Format::Json).len())
        });
    });
    c.bench_function("build + synth YAML, 500 resources", |b| {
        b.iter(|| {
            stack_500()
                .to_template()
                .map(|t| t.render(Format::Yaml).len())
        });
    });
    let stack = stack_500();
    c.bench_function("synth JSON only, 500 resources", |b| {
        b.iter(|| stack.to_template().map(|t| t.render(Format::Json).len()));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
