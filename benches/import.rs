//! Import speed: the 500-resource stack of benches/synth.rs (tests/all_examples), rendered to
//! JSON, imported as `ferroform import` does it (validated, then the program written; rustfmt,
//! a separate process, is not part of it), and the writer alone. README.md reports the figures.

use criterion::{Criterion, criterion_group, criterion_main};
use ferroform::Template;
use ferroform::import::{Source, import, import_unvalidated};

// The 500-resource stack is shared with the tests (tests/all_examples).
#[path = "../tests/all_examples/mod.rs"]
mod all_examples;

fn bench(c: &mut Criterion) {
    let json = all_examples::fleet_500()
        .to_template()
        .expect("valid")
        .to_json();
    let template = Template::parse("fleet.json", &json).expect("parses");
    let sources = [Source::new("Fleet", "fleet.json", template)];
    let program = import(&sources).expect("imports");
    assert!(program.main_rs.len() > 100_000, "a whole program");
    c.bench_function("import (validate + write), 500 resources", |b| {
        b.iter(|| import(&sources).map(|p| p.main_rs.len()));
    });
    c.bench_function("import writer alone, 500 resources", |b| {
        b.iter(|| import_unvalidated(&sources).map(|p| p.main_rs.len()));
    });
    c.bench_function("parse + import, 500 resources", |b| {
        b.iter(|| {
            let t = Template::parse("fleet.json", &json).expect("parses");
            import(&[Source::new("Fleet", "fleet.json", t)]).map(|p| p.main_rs.len())
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
