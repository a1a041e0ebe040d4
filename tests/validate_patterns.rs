//! The schemas' string patterns (Python `re` syntax): how many the validator checks, and with
//! which engine. About 140 use look-around or `\Z`, which the `regex` crate rejects; `\Z` is
//! translated and look-around goes to fancy-regex. The test prints the counts and fails if
//! coverage drops.

use ferroform::validate::{pattern_coverage, schema_data};

#[test]
fn patterns_checked_and_unchecked() {
    let c = pattern_coverage();
    eprintln!(
        "schema patterns: {} distinct; {} checked with regex, {} with fancy-regex, {} not checked",
        c.total,
        c.regex,
        c.fancy,
        c.unchecked.len()
    );
    for p in &c.unchecked {
        eprintln!("  unchecked: {p}");
    }
    // The schema set is pinned (cfn-lint 1.58.0, asserted below): its distinct patterns,
    // those inside lists (`anyOf`, `oneOf`, `items` given as a list) counted too, and the
    // `patternProperties` keys are matched against with those of their values.
    assert_eq!(c.total, 3007, "{} patterns", c.total);
    assert_eq!(c.regex + c.fancy + c.unchecked.len(), c.total);
    assert!(
        c.fancy >= 100,
        "look-around patterns go to fancy-regex: {}",
        c.fancy
    );
    assert!(c.unchecked.len() <= 3, "{} unchecked", c.unchecked.len());
}

#[test]
fn the_constraint_data_covers_every_us_east_1_type() {
    let d = schema_data();
    eprintln!(
        "constraint data: {} types, {} bytes of JSON, {} bytes embedded (compressed); {}",
        d.types, d.raw_bytes, d.compressed_bytes, d.provenance
    );
    assert_eq!(d.types, 1854);
    assert_eq!(d.provenance["region"], "us-east-1");
    assert_eq!(d.provenance["cfn_lint"], "1.58.0");
    assert!(d.compressed_bytes * 3 < d.raw_bytes);
    // What is embedded is the whole generated file.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dsl/data/schemas.bin");
    let on_disk = std::fs::metadata(&file).map(|m| m.len());
    assert_eq!(
        on_disk.ok(),
        u64::try_from(d.compressed_bytes).ok(),
        "{}",
        file.display()
    );
    for t in [
        "AWS::EFS::FileSystem",
        "AWS::RDS::DBInstance",
        "AWS::Bedrock::Agent",
    ] {
        assert!(ferroform::validate::knows_type(t), "{t}");
    }
    for t in ["AWS::EC2::Nothing", "aws::s3::bucket", ""] {
        assert!(!ferroform::validate::knows_type(t), "{t}");
    }
}
