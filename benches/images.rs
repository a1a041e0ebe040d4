//! Hashing an image's build context at synth: a 10,000-file, 100 MB context (the issue's
//! target: under 1 s on the 2-core machines). The context is made once, in a temporary
//! directory, before the measurement; README.md reports the figure.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use ferroform::Stack;
use ferroform::ecs::{
    ContainerImage, ContainerProps, FargateSize, TaskDefinition, TaskDefinitionProps,
};

const FILES: usize = 10_000;
const BYTES: usize = 100 * 1024 * 1024;

/// 10,000 files of 10 KiB (100 files in each of 100 directories) and a Dockerfile.
fn context() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferroform-bench-context-{}", std::process::id()));
    if dir.join("Dockerfile").is_file() {
        return dir;
    }
    let chunk: Vec<u8> = (0..BYTES / FILES).map(|i| (i % 251) as u8).collect();
    for i in 0..FILES {
        let sub = dir.join(format!("d{:03}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let mut bytes = chunk.clone();
        bytes[..8].copy_from_slice(&(i as u64).to_le_bytes());
        std::fs::write(sub.join(format!("f{i:05}")), bytes).unwrap();
    }
    std::fs::write(dir.join("Dockerfile"), "FROM scratch\nCOPY . /\n").unwrap();
    dir
}

fn synth_with_image(dir: &Path) -> usize {
    let mut stack = Stack::new("Bench");
    let task = TaskDefinition::new(
        &mut stack,
        "Task",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    task.add_container(
        &mut stack,
        ContainerProps::new("app", ContainerImage::from_directory(dir)),
    );
    stack.to_template().map_or(0, |t| t.to_json().len())
}

fn bench(c: &mut Criterion) {
    let dir = context();
    let mut g = c.benchmark_group("images");
    g.sample_size(10);
    g.bench_function(
        "hash a 10,000-file 100 MB context (synth of one task)",
        |b| {
            b.iter(|| synth_with_image(&dir));
        },
    );
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
