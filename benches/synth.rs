//! Synth speed: a 500-resource stack (CloudFormation's maximum) built and serialized in
//! process. The target is under 5 ms on the 2-core CI machines; README.md reports the figures.

use criterion::{Criterion, criterion_group, criterion_main};
use ferroform::resources::logs;
use ferroform::{Format, Stack};

#[allow(dead_code)]
#[path = "../examples/fargate_fleet.rs"]
mod fargate_fleet;

/// 11 shared + 7 × 69 services = 494 resources, plus 6 log groups = 500.
fn stack_500() -> Stack {
    let mut stack = fargate_fleet::stack(69);
    for i in 0..6 {
        stack.add(
            &format!("Extra{i}"),
            logs::LogGroup::new().retention_in_days(7),
        );
    }
    assert_eq!(stack.resource_count(), 500);
    stack
}

fn bench(c: &mut Criterion) {
    c.bench_function("build 500 resources", |b| b.iter(stack_500));
    c.bench_function("build + synth JSON, 500 resources", |b| {
        b.iter(|| stack_500().synth().map(|t| t.render(Format::Json).len()))
    });
    c.bench_function("build + synth YAML, 500 resources", |b| {
        b.iter(|| stack_500().synth().map(|t| t.render(Format::Yaml).len()))
    });
    let stack = stack_500();
    c.bench_function("synth JSON only, 500 resources", |b| {
        b.iter(|| stack.synth().map(|t| t.render(Format::Json).len()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
