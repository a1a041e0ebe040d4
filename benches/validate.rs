//! Validation speed: the 500-resource stack of benches/synth.rs (tests/all_examples), validated in process (the
//! schema data of its types is decoded on the first iteration and cached), and synth with
//! validation as `App::synth` runs it. README.md reports the figures.

use criterion::{Criterion, criterion_group, criterion_main};
use ferroform::validate::validate;
use ferroform::{App, Format};

// The 500-resource stack is shared with the tests (tests/all_examples).
#[path = "../tests/all_examples/mod.rs"]
mod all_examples;

use all_examples::fleet_500 as stack_500;

fn bench(c: &mut Criterion) {
    let stack = stack_500();
    let template = stack.to_template().expect("valid");
    c.bench_function("validate, 500 resources", |b| {
        b.iter(|| validate(&template).diagnostics.len());
    });
    c.bench_function("synth JSON only, 500 resources", |b| {
        b.iter(|| stack.to_template().map(|t| t.render(Format::Json).len()));
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
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
