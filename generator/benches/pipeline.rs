//! The generator's speed on a large real spec (`../shared/specs/nexus.json`, 193 operations,
//! 194 schemas): parsing alone, and the whole pipeline from text to formatted Rust, so the cost
//! over parsing is visible. Run with `cargo bench -p generator`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn nexus() -> (std::path::PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/nexus.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    (path, text)
}

fn pipeline(c: &mut Criterion) {
    let (path, text) = nexus();
    let mut group = c.benchmark_group("nexus.json");
    group.sample_size(20);
    group.bench_function("parse", |b| {
        b.iter(|| generator::load::load_str(&path, black_box(&text)).map(|_| ()))
    });
    group.bench_function("parse + validate + lower + emit + format", |b| {
        b.iter(|| {
            let spec = generator::load::load_str(&path, black_box(&text)).expect("nexus parses");
            generator::generate_from_spec(&spec, "nexus.json").expect("nexus generates")
        })
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
