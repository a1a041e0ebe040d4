//! Validation speed: the 500-resource stack of benches/synth.rs, validated in process (the
//! schema data of its types is decoded on the first iteration and cached), and synth with
//! validation as `App::synth` runs it. README.md reports the figures.

use criterion::{Criterion, criterion_group, criterion_main};
use ferroform::resources::logs;
use ferroform::validate::validate;
use ferroform::{App, Format, Stack};

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
    let stack = stack_500();
    let template = stack.synth().expect("valid");
    c.bench_function("validate, 500 resources", |b| {
        b.iter(|| validate(&template).diagnostics.len())
    });
    c.bench_function("synth JSON only, 500 resources", |b| {
        b.iter(|| stack.synth().map(|t| t.render(Format::Json).len()))
    });
    let mut app = App::new();
    app.add(stack_500());
    c.bench_function("app synth (render + validate) + JSON, 500 resources", |b| {
        b.iter(|| {
            app.synth().map(|ts| {
                ts.iter()
                    .map(|t| t.render(Format::Json).len())
                    .sum::<usize>()
            })
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
