//! `ferroform validate FILE` over hostile input, in a child process, with its exit code,
//! its message, its time and its peak memory checked.
//!
//! Inputs: duplicate keys at every level (JSON and YAML), YAML alias bombs, deep nesting
//! (YAML flow and block, JSON), input past the size cap (a file, `/dev/zero`, an endless
//! FIFO), control characters, invalid UTF-8, byte order marks. Unreadable input must exit 2
//! with a message naming the file (and the line where there is one), never panic, and stay
//! under [`MAX_SECONDS`] and [`MAX_PEAK_BYTES`] (generous bounds: the point is "bounded",
//! not "fast").
//!
//! Peak memory is the child's `VmHWM` (high-water resident set) read from
//! `/proc/<pid>/status` while polling, on Linux; elsewhere only time is checked.
//!
//! The child: `tests/bin/validate_child.rs`, a bin target of this package that runs
//! `ferroform::cli::main_with(["ferroform", "validate", FILE])` — the whole of what the
//! `ferroform` binary's `main` does for `validate` — under its own name, so that building it
//! never replaces the `target/<profile>/ferroform` (with the `deploy` feature) that the
//! deploy tests run.
//!
//! The YAML 1.1 scalar comparison at the end runs a set of scalars through ferroform's
//! reader and through cfn-lint's (PyYAML), in the test venv (`tests/cfn_lint_loader.py`).

mod support;

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferroform::Template;
use serde_json::{Value as Json, json};

/// Any input below 1 MB must be handled within this time...
const MAX_SECONDS: f64 = 5.0;
/// ... and this peak resident memory.
const MAX_PEAK_BYTES: u64 = 500 * 1024 * 1024;

/// What a run of `ferroform validate FILE` did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    seconds: f64,
    /// Peak resident memory (bytes), when measurable.
    peak: Option<u64>,
}

impl Run {
    /// Exit 2, no panic, within the bounds; the message names `file` and holds `needles`.
    fn assert_refused(&self, file: &Path, needles: &[&str]) {
        assert_eq!(
            self.code,
            Some(2),
            "expected exit 2 (unreadable): {self:#?}"
        );
        self.assert_bounded();
        let name = file.display().to_string();
        assert!(
            self.stderr.contains(&name),
            "the message must name the file {name}: {self:#?}"
        );
        for n in needles {
            assert!(self.stderr.contains(n), "missing `{n}`: {self:#?}");
        }
    }

    fn assert_bounded(&self) {
        assert!(
            !self.stderr.contains("panicked")
                && !self.stdout.contains("panicked")
                && self.code.is_some(),
            "the binary crashed: {self:#?}"
        );
        assert!(
            self.seconds < MAX_SECONDS,
            "took {:.1} s (bound {MAX_SECONDS} s): {self:#?}",
            self.seconds
        );
        if let Some(peak) = self.peak {
            assert!(
                peak < MAX_PEAK_BYTES,
                "peak memory {} MB (bound {} MB): {self:#?}",
                peak >> 20,
                MAX_PEAK_BYTES >> 20
            );
        }
    }
}

/// `VmHWM` of a live process, in bytes (Linux).
fn peak_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Run `ferroform validate FILE`, polling its peak memory; killed after 60 s.
fn validate(file: &Path) -> Run {
    let start = Instant::now();
    // Beside no input (the input may be /dev/zero or a FIFO): one file per run in the
    // system temp dir.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let peak_file =
        std::env::temp_dir().join(format!("validate-child-{}-{n}.peak", std::process::id()));
    let _ = std::fs::remove_file(&peak_file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_validate-child"))
        .arg(file)
        .env("VALIDATE_CHILD_PEAK_FILE", &peak_file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let pid = child.id();
    // Read the pipes on threads so a chatty child cannot block on them.
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out_pipe, &mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err_pipe, &mut s);
        s
    });
    let mut peak = None;
    let status = loop {
        if let Some(p) = peak_of(pid) {
            peak = Some(peak.map_or(p, |q: u64| q.max(p)));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let seconds = start.elapsed().as_secs_f64();
    // The child's own last reading (`VmHWM:   1234 kB`), for a run too short to poll.
    if let Some(kb) = std::fs::read_to_string(&peak_file).ok().and_then(|l| {
        l.split_whitespace()
            .nth(1)
            .and_then(|n| n.parse::<u64>().ok())
    }) {
        peak = Some(peak.map_or(kb * 1024, |q: u64| q.max(kb * 1024)));
    }
    let _ = std::fs::remove_file(&peak_file);
    eprintln!(
        "{}: exit {:?} in {seconds:.2} s, peak {} MB",
        file.display(),
        status.code(),
        peak.map_or_else(|| "?".to_owned(), |p| (p >> 20).to_string())
    );
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out_t.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_t.join().unwrap_or_default()).into_owned(),
        seconds,
        peak: if cfg!(target_os = "linux") {
            peak
        } else {
            None
        },
    }
}

fn assert_measures_memory(run: &Run) {
    if cfg!(target_os = "linux") {
        let peak = run.peak.expect("VmHWM is readable on Linux");
        assert!(peak > 0, "{run:#?}");
    }
}

// ---------------------------------------------------------------------------------------
// Duplicate keys

/// (text, duplicate key, line of the duplicate, line of the first)
fn duplicate_cases() -> Vec<(&'static str, String, &'static str, usize, usize)> {
    vec![
        (
            "top.json",
            "{\n  \"Resources\": {},\n  \"Resources\": {}\n}\n".to_owned(),
            "Resources",
            3,
            2,
        ),
        (
            "resource.json",
            "{\"Resources\": {\n  \"Bucket\": {\"Type\": \"AWS::S3::Bucket\"},\n  \"Logs\": {\"Type\": \"AWS::Logs::LogGroup\"},\n  \"Bucket\": {\"Type\": \"AWS::S3::Bucket\"}\n}}\n"
                .to_owned(),
            "Bucket",
            4,
            2,
        ),
        (
            "property.json",
            "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\n  \"BucketName\": \"a\",\n\n  \"BucketName\": \"b\"}}}}\n"
                .to_owned(),
            "BucketName",
            4,
            2,
        ),
        (
            "in_list.json",
            "{\"Resources\": {\"B\": {\"Type\": \"X\", \"Properties\": {\"Tags\": [\n  {\"Key\": \"a\", \"Value\": \"1\"},\n  {\"Key\": \"b\",\n   \"Key\": \"c\"}]}}}}\n"
                .to_owned(),
            "Key",
            4,
            3,
        ),
        (
            "top.yaml",
            "Resources: {}\nOutputs: {}\nResources: {}\n".to_owned(),
            "Resources",
            3,
            1,
        ),
        (
            "resource.yaml",
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Logs:\n    Type: AWS::Logs::LogGroup\n  Bucket:\n    Type: AWS::S3::Bucket\n"
                .to_owned(),
            "Bucket",
            6,
            2,
        ),
        (
            "property.yaml",
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: a\n      BucketName: b\n"
                .to_owned(),
            "BucketName",
            6,
            5,
        ),
        (
            "in_list.yaml",
            "Resources:\n  B:\n    Type: X\n    Properties:\n      Tags:\n        - Key: a\n          Value: '1'\n        - {Key: b,\n           Key: c}\n"
                .to_owned(),
            "Key",
            9,
            8,
        ),
        (
            "resolved.yaml",
            "Resources:\n  B:\n    Type: X\n    Metadata:\n      0x1F: a\n      31: b\n".to_owned(),
            "31",
            6,
            5,
        ),
    ]
}

#[test]
fn duplicate_keys_at_every_level_are_refused_with_both_lines() {
    let dir = support::temp_dir("hostile-dup");
    for (name, text, key, line, first) in duplicate_cases() {
        let file = dir.write(name, &text);
        let run = validate(&file);
        let message = format!("duplicate key `{key}` at line {line} (first at line {first})");
        let at = format!("{}:{line}:", file.display());
        run.assert_refused(&file, &[&message, &at]);
    }
}

// ---------------------------------------------------------------------------------------
// Aliases

#[test]
fn alias_bombs_are_refused_in_bounded_time_and_memory() {
    let dir = support::temp_dir("hostile-alias");
    // one 1,000-item anchor aliased 10,000 times (~80 KB): 10 million nodes expanded
    let mut wide = format!(
        "Resources:\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\nMetadata:\n  A: &a [{}]\n  B: [",
        vec!["x"; 1000].join(",")
    );
    wide.push_str(&vec!["*a"; 10_000].join(","));
    wide.push_str("]\n");
    assert!(wide.len() < 100_000);
    // "billion laughs": each level aliases the one before ten times
    let mut laughs = String::from(
        "Resources: {}\nMetadata:\n  l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n",
    );
    for i in 1..=9 {
        let prev = format!("*l{}", i - 1);
        laughs.push_str(&format!(
            "  l{i}: &l{i} [{}]\n",
            [prev.as_str(); 10].join(",")
        ));
    }
    for (name, text, line) in [("wide.yaml", wide, 6), ("laughs.yaml", laughs, 0)] {
        let file = dir.write(name, &text);
        let run = validate(&file);
        run.assert_refused(&file, &["aliases copy more than", "write the values out"]);
        if line > 0 {
            assert!(
                run.stderr.contains(&format!("{}:{line}:", file.display())),
                "{run:#?}"
            );
        }
        assert_measures_memory(&run);
    }
}

#[test]
fn a_few_aliases_read_and_are_reported() {
    let text = "Resources:\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    Metadata:\n      Tags: &tags [{Key: a, Value: b}]\n      Again: *tags\n";
    let parsed = Template::parse_full("a.yaml", text).expect("readable");
    assert_eq!(
        parsed.template.body()["Resources"]["H"]["Metadata"]["Again"],
        json!([{"Key": "a", "Value": "b"}])
    );
    let uses: Vec<(usize, &str)> = parsed
        .aliases
        .iter()
        .map(|a| (a.line, a.anchor.as_str()))
        .collect();
    assert_eq!(uses, [(6, "tags")]);
    // and the binary reads it and warns about the alias (FF3108: CloudFormation reads none),
    // with its line and anchor; a warning alone is exit 0
    let dir = support::temp_dir("hostile-alias-ok");
    let file = dir.write("ok.yaml", text);
    let run = validate(&file);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let out = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(out.matches("warning[FF3108]").count(), 1, "{out}");
    assert!(
        out.contains("line 6, column 14: YAML alias `*tags`"),
        "{out}"
    );
    run.assert_bounded();
}

// ---------------------------------------------------------------------------------------
// Nesting

#[test]
fn deep_nesting_is_refused_in_linear_time() {
    let dir = support::temp_dir("hostile-deep");
    let n = 100_000;
    let block_mapping: String = (0..1000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let cases = [
        (
            "flow.yaml",
            format!("Resources: {}{}\n", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "flow_map.yaml",
            format!("Resources: {}x{}\n", "{a: ".repeat(n), "}".repeat(n)),
        ),
        ("block_seq.yaml", format!("{}x\n", "- ".repeat(n))),
        ("block_map.yaml", block_mapping),
        (
            "deep.json",
            format!("{{\"Resources\": {}{}}}", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "deep_obj.json",
            format!("{}1{}", "{\"a\": ".repeat(n), "}".repeat(n)),
        ),
    ];
    for (name, text) in cases {
        assert!(text.len() < 1_000_000, "{name}");
        let file = dir.write(name, &text);
        let run = validate(&file);
        run.assert_refused(&file, &["nesting deeper than 127 levels"]);
        assert!(
            run.stderr.contains(&format!("{}:", file.display())),
            "{run:#?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Size

#[test]
fn input_past_the_cap_is_refused_without_reading_on() {
    let cap = ferroform::model::parse::MAX_TEMPLATE_FILE_BYTES;
    let dir = support::temp_dir("hostile-big");
    let big = dir.path().join("big.yaml");
    {
        let mut f = std::fs::File::create(&big).expect("create");
        let line = format!("# {}\n", "x".repeat(1021));
        let mut written = 0u64;
        while written <= cap {
            f.write_all(line.as_bytes()).expect("write");
            written += line.len() as u64;
        }
    }
    let run = validate(&big);
    run.assert_refused(&big, &["larger than 16 MiB", "1 MB"]);
    assert_measures_memory(&run);

    // exactly at the cap it is read (a YAML comment only: not a mapping, but no size error)
    let at_cap = dir.path().join("at_cap.yaml");
    std::fs::write(&at_cap, vec![b'#'; cap as usize]).expect("write");
    let run = validate(&at_cap);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(!run.stderr.contains("larger than"), "{run:#?}");

    if cfg!(target_os = "linux") {
        let zero = Path::new("/dev/zero");
        let run = validate(zero);
        run.assert_refused(zero, &["larger than 16 MiB"]);
    }
}

#[cfg(unix)]
#[test]
fn an_endless_pipe_is_cut_at_the_cap() {
    let dir = support::temp_dir("hostile-fifo");
    let fifo = dir.path().join("endless.yaml");
    match Command::new("mkfifo").arg(&fifo).status() {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!("SKIPPED: mkfifo is not available");
            return;
        }
    }
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        // Opening blocks until the child opens the other end; writing fails (EPIPE) once
        // it closes it.
        let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&writer_path) else {
            return 0u64;
        };
        let chunk = "a: b\n".repeat(13_000);
        let mut sent = 0u64;
        while f.write_all(chunk.as_bytes()).is_ok() {
            sent += chunk.len() as u64;
        }
        sent
    });
    let run = validate(&fifo);
    // Should the child not have opened the FIFO, open it here (without blocking) so that
    // the writer's open returns and its writes fail once this end is closed.
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo);
    }
    run.assert_refused(&fifo, &["larger than 16 MiB"]);
    let sent = writer.join().expect("the writer ends");
    assert!(
        sent <= ferroform::model::parse::MAX_TEMPLATE_FILE_BYTES + 2_000_000,
        "the reader went on past the cap: {sent} bytes"
    );
}

// ---------------------------------------------------------------------------------------
// Characters and encodings

#[test]
fn control_characters_invalid_utf8_and_boms() {
    let dir = support::temp_dir("hostile-chars");
    let head = "Resources:\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\n";
    // raw control characters: refused with the line
    for (name, text, needle, line) in [
        (
            "nul.yaml",
            format!("{head}    Metadata:\n      A: a\u{0}b\n"),
            "U+0000",
            5,
        ),
        (
            "esc.yaml",
            format!("{head}    Metadata:\n      A: \u{1b}[31m\n"),
            "U+001B",
            5,
        ),
        (
            "c1.yaml",
            format!("{head}    Metadata:\n      A: a\u{85}\u{9b}b\n"),
            "U+009B",
            5,
        ),
        (
            "ctl.json",
            "{\"Resources\": {},\n \"A\": \"a\u{1}b\"}".to_owned(),
            "control character",
            2,
        ),
    ] {
        let file = dir.write(name, &text);
        let run = validate(&file);
        run.assert_refused(&file, &[needle, &format!("{}:{line}:", file.display())]);
    }
    // invalid UTF-8 and UTF-16: refused with the position of the first bad byte
    let mut latin1 = format!("{head}    Metadata:\n      A: caf").into_bytes();
    latin1.extend_from_slice(b"\xe9\n");
    let utf16: Vec<u8> = "\u{feff}Resources: {}\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    for (name, bytes, needle) in [
        ("latin1.yaml", latin1, "byte 0xE9 at line 5, column 13"),
        ("utf16.yaml", utf16, "byte 0xFF at line 1, column 1"),
        ("lone.json", b"{\"A\": \"\xff\"}".to_vec(), "not UTF-8"),
    ] {
        let file = dir.write(name, bytes);
        let run = validate(&file);
        run.assert_refused(&file, &["not UTF-8", needle]);
    }
    // a UTF-8 byte order mark at the start is skipped (YAML and JSON)
    for (name, text) in [
        ("bom.yaml", format!("\u{feff}{head}")),
        (
            "bom.json",
            "\u{feff}{\"Resources\": {\"H\": {\"Type\": \"AWS::CloudFormation::WaitConditionHandle\"}}}"
                .to_owned(),
        ),
    ] {
        let file = dir.write(name, text);
        let run = validate(&file);
        assert!(matches!(run.code, Some(0 | 1)), "read, not refused: {run:#?}");
        run.assert_bounded();
    }
    // a second BOM, or one inside the text: readable or refused, never a crash
    for (name, text) in [
        ("bom2.yaml", format!("\u{feff}\u{feff}{head}")),
        ("bom_mid.json", "{\"Resources\": {}\u{feff}}".to_owned()),
    ] {
        let file = dir.write(name, text);
        let run = validate(&file);
        assert!(matches!(run.code, Some(0..=2)), "{run:#?}");
        run.assert_bounded();
    }
}

// ---------------------------------------------------------------------------------------
// YAML 1.1 scalars: ferroform's reader against cfn-lint's

/// Plain scalars whose YAML 1.1 meaning both readers must agree on.
const SCALARS: &[&str] = &[
    "yes",
    "Yes",
    "YES",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "y",
    "Y",
    "n",
    "N",
    "yEs",
    "oN",
    "tRUE",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "0",
    "-0",
    "+0",
    "00",
    "0755",
    "-0755",
    "0o17",
    "08",
    "09",
    "0x1F",
    "0X1F",
    "-0x1F",
    "0x_1F",
    "0b1010",
    "-0b1010",
    "0b_1",
    "0b2",
    "1_000",
    "1__0",
    "+12",
    "-12",
    "1:20",
    "-1:20",
    "190:20:30",
    "1:60",
    "1:5",
    "12:30",
    "1:20.5",
    "1.5",
    "-1.5",
    "+1.5",
    "1.",
    "0.",
    ".5",
    "-.5",
    "1.0e+3",
    "1.0e3",
    "1e3",
    "1E3",
    "1.0E-3",
    "6.8523015e+5",
    "685.230_15e+03",
    "1_0.5",
    "._5",
    ".",
    "..",
    "1.2.3",
    "0.0",
    "-0.0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999",
    "123456789012345678901234567890",
    "Infinity",
    "inf",
    "NaN",
    "nan",
    "1,000",
    "0x",
    "<<x",
    "'quoted'",
    "\"yes\"",
    "'0755'",
    "\"1:20\"",
    "! yes",
    "! 0755",
    "! \"12\"",
    "!!str yes",
    "!!str 0755",
    "!!int 0x1F",
    "!!int 1_000",
    "!!float 1",
    "!!float 1.5",
    "!!bool On",
    "!!bool no",
    "!!null x",
];

#[test]
fn yaml_1_1_scalars_read_as_cfn_lint_reads_them() {
    let mut yaml = String::from("Resources: {}\n");
    for (i, s) in SCALARS.iter().enumerate() {
        yaml.push_str(&format!("S{i}: {s}\n"));
    }
    let ours = Template::parse("scalars.yaml", &yaml).expect("ferroform reads it");
    let ours = ours.body();

    // refused by ferroform (PyYAML makes a float of them; JSON has none)
    for s in [
        ".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", ".NAN", "1.0e+400",
    ] {
        let e = Template::parse("x.yaml", &format!("A: {s}\n")).unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        assert!(e.message.contains("cannot hold"), "{s}: {e}");
    }
    // timestamps stay text in ferroform (PyYAML makes dates)
    for s in ["2024-01-01", "2001-12-14t21:59:43.10-05:00"] {
        let t = Template::parse("x.yaml", &format!("A: {s}\n")).unwrap();
        assert_eq!(t.body()["A"], json!(s));
    }

    if support::require_tool("cfn-lint").is_none() || support::require_tool("python").is_none() {
        return;
    }
    let dir = support::temp_dir("hostile-scalars");
    let file = dir.write("scalars.yaml", &yaml);
    let (code, out) = support::run_venv_python(
        "cfn_lint_loader.py",
        &[OsStr::new("dump"), OsStr::new("yaml"), file.as_os_str()],
    );
    assert_eq!(code, 0, "cfn-lint's loader must read the scalars:\n{out}");
    let theirs: Json = serde_json::from_str(&out).expect("the dump is JSON");
    let mut diffs = Vec::new();
    for (i, s) in SCALARS.iter().enumerate() {
        let key = format!("S{i}");
        if ours[&key] != theirs[&key] {
            diffs.push(format!(
                "{s:?}: ferroform {}, cfn-lint {}",
                ours[&key], theirs[&key]
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "ferroform reads these YAML 1.1 scalars differently from cfn-lint:\n{}",
        diffs.join("\n")
    );
    // the comparison can fail: a YAML 1.2 reading of `yes` would differ
    assert_eq!(theirs["S0"], json!(true));
    assert_eq!(theirs["S34"], json!(493), "0755 is octal to PyYAML");
}

/// Whole documents (merge keys, any short-form tag, the non-specific tag on a key, resolved
/// keys, block scalars) read the same by ferroform and by cfn-lint.
#[test]
fn yaml_documents_read_as_cfn_lint_reads_them() {
    let docs = [
        "Base: &base {Cpu: 256, Memory: 512}\nMore: &more {Tag: x}\nA:\n  <<: *base\n  Name: a\nB:\n  <<: [*more, *base]\n  Cpu: 512\nC: {<<: *base, Cpu: 1}\n",
        "A: !Ref X\nB: !GetAtt Db.Endpoint.Address\nC: !GetStackOutput {StackName: s, OutputName: o}\nD: !Contains [[a, b], a]\nE: !EachMemberIn [[a], [a, b]]\nF: !ValueOfAll [AWS::EC2::Subnet::Id, Tags]\nG: !Condition IsProd\nH: !Select [0, !GetAZs '']\nI: !Sub\n  - '${A}-x'\n  - A: !Ref B\nJ: !Base64 123\n",
        "A:\n  ! \"Ref\": AWS::NoValue\n  ! B: 1\nyes: 1\n0x1F: a\n1:20: b\n'quoted key': c\n",
        "A: |\n  line 1\n  on\nB: >-\n  folded\n  text\nC: \"yes\\ttab\"\nD: 'it''s'\nE: [yes, 'no', \"on\", off]\n",
    ];
    let ours: Vec<Json> = docs
        .iter()
        .map(|d| {
            Template::parse("d.yaml", d)
                .expect("readable")
                .body()
                .clone()
        })
        .collect();
    assert_eq!(ours[0]["B"], json!({"Memory": 512, "Tag": "x", "Cpu": 512}));
    // With a list of mappings, the earlier one wins (https://yaml.org/type/merge.html); the
    // PyYAML in cfn-lint's venv lets the later one win, so this case is not compared below.
    let t = Template::parse("m.yaml", "a: &a {K: 1}\nb: &b {K: 2}\nc: {<<: [*a, *b]}\n")
        .expect("readable");
    assert_eq!(t.body()["c"], json!({"K": 1}));
    assert_eq!(
        ours[1]["C"],
        json!({"Fn::GetStackOutput": {"StackName": "s", "OutputName": "o"}})
    );
    assert_eq!(ours[2]["A"], json!({"Ref": "AWS::NoValue", "B": 1}));

    if support::require_tool("cfn-lint").is_none() || support::require_tool("python").is_none() {
        return;
    }
    let dir = support::temp_dir("hostile-docs");
    let mut failures = Vec::new();
    for (i, (doc, ours)) in docs.iter().zip(&ours).enumerate() {
        let file = dir.write(&format!("d{i}.yaml"), doc);
        let (code, out) = support::run_venv_python(
            "cfn_lint_loader.py",
            &[OsStr::new("dump"), OsStr::new("yaml"), file.as_os_str()],
        );
        assert_eq!(code, 0, "cfn-lint's loader must read document {i}:\n{out}");
        let theirs: Json = serde_json::from_str(&out).expect("the dump is JSON");
        if &theirs != ours {
            failures.push(format!(
                "document {i}:\n{doc}\nferroform: {ours}\ncfn-lint:  {theirs}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
