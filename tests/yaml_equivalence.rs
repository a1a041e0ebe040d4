//! JSON and YAML of the same template must hold the same value as CloudFormation reads it.
//!
//! Every template built here is rendered with `Template::to_json()` and `to_yaml()`, then
//!
//! 1. both files are loaded with **cfn-lint's own loaders** (`cfnlint.decode.cfn_json.loads`
//!    and `cfnlint.decode.cfn_yaml.loads`, i.e. PyYAML's YAML 1.1 safe loader as cfn-lint
//!    configures it) by `tests/cfn_lint_loader.py` in the test venv's python, and compared
//!    strictly in Python (types, strings, key order); every differing path is reported;
//! 2. the YAML is read with `serde_yaml` (a YAML 1.2 reader) and compared with what
//!    `serde_json` reads from the JSON.
//!
//! The strings are chosen to trip YAML writers: YAML 1.1 booleans/nulls/numbers/dates,
//! indicators, quotes, white space, multi-line text, control and line-separator characters,
//! long strings and long keys. The `*_detects_*` tests show that both comparisons do fail
//! on a YAML 1.1 / 1.2 mismatch.

mod support;

use std::ffi::OsStr;
use std::path::Path;

use ferroform::{Mapping, Parameter, RawResource, Stack, Template, Value, fns, pseudo};
use serde_json::{Value as Json, json};

// ---------------------------------------------------------------------------------------
// The corpus

/// The strings of the brief plus neighbours.
fn tricky_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        // YAML 1.1 booleans and nulls, in several cases
        "on",
        "off",
        "yes",
        "no",
        "y",
        "n",
        "true",
        "false",
        "null",
        "~",
        "Yes",
        "NO",
        "On",
        "OFF",
        "True",
        "FALSE",
        "Null",
        "NULL",
        "Y",
        "N",
        "tRUE",
        // numbers, times and dates
        "12:30",
        "1:30:00",
        "190:20:30",
        "2024-01-01",
        "2024-01-01T10:00:00Z",
        "2024-01-01 10:00:00.5 +01:00",
        "0x1F",
        "0o17",
        "017",
        "08",
        "0b1010",
        "1e3",
        "1E3",
        "1_000",
        "1,000",
        ".5",
        "5.",
        "-1",
        "+1",
        "-0",
        "0",
        "1.0",
        "6.8523015e+5",
        "685.230_15e+03",
        ".inf",
        "-.inf",
        "+.INF",
        ".nan",
        ".NaN",
        "NaN",
        "inf",
        "Infinity",
        // indicators
        "=",
        "<<",
        "- x",
        "-",
        "--",
        "---",
        "...",
        "? x",
        "?",
        ": x",
        ":",
        "a: b",
        "a:b",
        "a:",
        "a #b",
        "a#b",
        "#x",
        "!Ref x",
        "!!str x",
        "!",
        "*x",
        "&x",
        "%x",
        "@x",
        "`x`",
        "a`b",
        "|",
        ">",
        "|-",
        ">+",
        "[a]",
        "{a: b}",
        "a, b",
        "a,b",
        "[]",
        "{}",
        "'",
        "\"",
        "'q'",
        "\"q\"",
        "it's",
        "say \"hi\"",
        "\\",
        "a\\b",
        "C:\\path\\",
        "\\n",
        // white space
        "",
        " ",
        "  ",
        " lead",
        "trail ",
        " both ",
        "a  b",
        "\t",
        "\ta",
        "a\t",
        "a\tb",
        // looks like an intrinsic
        "{\"Ref\": \"X\"}",
        "Fn::GetAtt",
        "!GetAtt A.B",
        "!Sub '${AWS::Region}'",
        "${AWS::Region}",
        "${!Literal}",
        // ordinary values that must stay what they are
        "AWS::ECS::Service",
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "/ecs/web",
        "http://example.com/a?b=c#d",
        "user@example.com",
        "a=b",
        "x-y_z.w",
        "Hello world",
        // unicode and control characters
        "é",
        "café",
        "日本語",
        "🦀",
        "a🦀b",
        "\u{1}",
        "a\u{1}b",
        "\u{7f}",
        "a\u{7f}b",
        "\u{85}",
        "a\u{85}b",
        "a \u{85} b",
        "\u{2028}",
        "a\u{2028}b",
        "a \u{2028} b",
        "\u{2029}",
        "a\u{2029}b",
        "\u{a0}",
        "a\u{a0}",
        "\u{feff}",
        "\u{feff}a",
        "\u{fffe}",
        "\u{0}",
        "\r",
        "a\rb",
        "a\r\nb",
        "\u{1b}[31mred\u{1b}[0m",
        "\u{d7ff}\u{e000}",
        "\u{10ffff}",
    ]
    .iter()
    .map(std::string::ToString::to_string)
    .collect();

    // multi-line strings: literal blocks when exact, quoted otherwise
    v.extend(
        [
            "line1\nline2",
            "line1\nline2\n",
            "line1\nline2\n\n",
            "line1\nline2\n\n\n",
            "line1\n\nline3\n",
            "line1\n\n\nline4",
            "\nleading newline",
            "\n\nleading newlines\n",
            "\n",
            "\n\n",
            "a\n",
            "line1\n  indented\n    more\nback\n",
            "line1\n \nline3",
            "line1 \nline2",
            "line1\t\nline2",
            "line1\n\tindented with a tab\n",
            " first line indented\nsecond\n",
            "#!/bin/bash\nset -euo pipefail\necho \"on: ${AWS::Region}\" # comment\n",
            "- item\n- item2\n",
            "key: value\nother: x\n",
            "---\n...\n",
            "|\n>\n",
            "on\noff\n",
            "a\r\nb\r\n",
            "a\u{85}b\nc\n",
            "a\nb\u{2028}c\n",
            "a\nb\u{2029}c",
            "a\nb\u{2028}\nc\n",
            "tab\tinside\nlines\n",
            "é\n🦀\n",
            "a\u{7f}\nb\n",
            "a\n# not a comment\n",
            "a\n  # indented hash\nb",
            "a\n- b\n? c\n: d\n",
            "a\n\u{a0}b\n",
            "a\n\u{feff}b\n",
            "a\n\\\n",
            "a\n\"quoted\"\n'single'\n",
            "trailing spaces on last line\nb  ",
            "last line is blank but spaced\n  ",
        ]
        .iter()
        .map(std::string::ToString::to_string),
    );

    // every ASCII character alone, and at the start, middle and end of a word
    for b in 0u8..=127 {
        let c = b as char;
        v.push(c.to_string());
        v.push(format!("{c}a"));
        v.push(format!("a{c}"));
        v.push(format!("a{c}b"));
        v.push(format!("a {c} b"));
        v.push(format!("{c} a"));
        v.push(format!("a {c}"));
    }

    // very long strings
    v.push("x".repeat(10_000));
    v.push("word ".repeat(2_000).trim_end().to_owned());
    v.push("line of text\n".repeat(500));
    v.push(format!("{}é🦀\u{2028}\"'", "ab:c #d ".repeat(300)));
    v
}

/// Keys that are tricky too (YAML 1.1 words as keys become booleans, numbers as keys become
/// numbers, long implicit keys exceed YAML's 1024-character limit for simple keys).
fn tricky_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "on",
        "off",
        "yes",
        "No",
        "y",
        "n",
        "true",
        "null",
        "~",
        "12:30",
        "1:30:00",
        "2024-01-01",
        "0x1F",
        "0o17",
        "017",
        "1e3",
        "1_000",
        ".5",
        "-1",
        "+1",
        ".inf",
        ".nan",
        "=",
        "<<",
        "- x",
        "? x",
        "a: b",
        "a:b",
        "a #b",
        "#x",
        "!Ref x",
        "*x",
        "&x",
        "%x",
        "@x",
        "`x`",
        "|",
        ">",
        "'q'",
        "\"q\"",
        "",
        " ",
        " lead",
        "trail ",
        "a\nb",
        "a\n",
        "\t",
        "é",
        "🦀",
        "\u{1}",
        "\u{7f}",
        "\u{85}",
        "\u{2028}",
        "a\r\nb",
        "Ref",
        "Fn::Sub",
        "Condition",
        "[a]",
        "{a}",
        "a, b",
        "?",
        ":",
        "-",
    ]
    .iter()
    .map(std::string::ToString::to_string)
    .collect();
    keys.push("k".repeat(300));
    keys.push("k".repeat(1100));
    keys.push(format!("{}\u{1}", "é".repeat(600)));
    keys
}

/// Numbers, booleans, nulls and empty containers, in every position.
fn scalars_and_empties() -> Json {
    json!({
        "ints": [0, 1, -1, 42, -42, 1000000, i64::MAX, i64::MIN, u64::MAX],
        "floats": [0.5, -0.5, 1e21, -1e21, 1.5e-7, 1e-7, 123456.789, 1e300, 2.5e-300,
                   f64::MIN_POSITIVE, 5e-324, f64::MAX, 0.1, 1.0e15, 9.0e15, 1.0e16, 3.0],
        "bools": [true, false],
        "nulls": [null, {"k": null}, [null]],
        "empties": [[], {}, [[]], [{}], {"a": []}, {"b": {}}, [[[]]], {"c": {"d": {}}}, ""],
        "nested": {"a": [{"b": [[], {}, [1, [2, [3, []]]]]}, {"c": {}}]},
        "mixed": [1, "1", 1.5, "1.5", true, "true", null, "null", [], "[]", {}, "{}"]
    })
}

// ---------------------------------------------------------------------------------------
// The comparison

/// Load both renderings with cfn-lint's loaders (in the venv python) and with serde; panic
/// with every difference either comparison found.
fn assert_same_as_cfn_reads(template: &Template) {
    let json_text = template.to_json();
    let yaml_text = template.to_yaml();
    let mut problems = Vec::new();
    if let Some(p) = cfn_lint_problems(&json_text, &yaml_text) {
        problems.push(format!(
            "cfn-lint's loaders read the YAML differently from the JSON:\n{p}"
        ));
    }
    if let Some(p) = serde_problems(&json_text, &yaml_text) {
        problems.push(format!(
            "serde_yaml reads the YAML differently from serde_json's JSON:\n{p}"
        ));
    }
    assert!(
        problems.is_empty(),
        "stack `{}`:\n{}",
        template.name(),
        problems.join("\n\n")
    );
}

/// What `tests/cfn_lint_loader.py compare` finds (None when equal, or when skipped outside
/// CI because the venv is missing).
fn cfn_lint_problems(json_text: &str, yaml_text: &str) -> Option<String> {
    support::require_tool("cfn-lint")?;
    support::require_tool("python")?;
    let dir = support::temp_dir("yaml-eq");
    let json_path = dir.write("t.json", json_text);
    let yaml_path = dir.write("t.yaml", yaml_text);
    let (code, out) = compare_files(&json_path, &yaml_path);
    (code != 0).then(|| format!("(exit {code})\n{}", truncate(&out, 20_000)))
}

/// Run `cfn_lint_loader.py compare JSON YAML`: exit code and output.
fn compare_files(json_path: &Path, yaml_path: &Path) -> (i32, String) {
    support::run_venv_python(
        "cfn_lint_loader.py",
        &[
            OsStr::new("compare"),
            json_path.as_os_str(),
            yaml_path.as_os_str(),
        ],
    )
}

/// Where `serde_yaml` (YAML 1.2) reads the YAML differently from what `serde_json` reads
/// from the JSON (None when equal).
fn serde_problems(json_text: &str, yaml_text: &str) -> Option<String> {
    let from_json: Json = serde_json::from_str(json_text).expect("the JSON output parses");
    let from_yaml: Json = match serde_yaml::from_str(yaml_text) {
        Ok(v) => v,
        Err(e) => {
            return Some(format!(
                "serde_yaml cannot read the YAML: {e}\n{}",
                around(yaml_text, e.location().map_or(1, |l| l.line()))
            ));
        }
    };
    let mut diffs = Vec::new();
    json_diff(&from_json, &from_yaml, "", &mut diffs);
    (!diffs.is_empty()).then(|| truncate(&diffs.join("\n"), 20_000))
}

fn json_diff(a: &Json, b: &Json, path: &str, out: &mut Vec<String>) {
    let at = if path.is_empty() { "<root>" } else { path };
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            let kx: Vec<&String> = x.keys().collect();
            let ky: Vec<&String> = y.keys().collect();
            if kx != ky {
                out.push(format!("{at}: keys differ: json {kx:?}, yaml {ky:?}"));
            }
            for (k, v) in x {
                if let Some(w) = y.get(k) {
                    json_diff(v, w, &format!("{path}.{k:?}"), out);
                }
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!(
                    "{at}: {} items in json, {} in yaml",
                    x.len(),
                    y.len()
                ));
            }
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                json_diff(v, w, &format!("{path}[{i}]"), out);
            }
        }
        (Json::Number(x), Json::Number(y)) => {
            // serde_yaml may give an integer-valued float as f64 where serde_json gives
            // i64/u64 only if the text differs; compare kind and value.
            let same = x.is_f64() == y.is_f64()
                && match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                    (Some(p), Some(q), _, _) => p == q,
                    (_, _, Some(p), Some(q)) => p == q,
                    _ => x.as_f64() == y.as_f64(),
                };
            if !same {
                out.push(format!("{at}: json {x}, yaml {y}"));
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{at}: json {a}, yaml {b}")),
    }
}

/// The lines of `text` around line `line` (1-based), numbered, escaped.
fn around(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let from = line.saturating_sub(8);
    let to = (line + 3).min(lines.len());
    (from..to)
        .map(|i| {
            format!(
                "{:>6} | {}",
                i + 1,
                truncate(&lines[i].escape_debug().to_string(), 300)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n...({} bytes more)", &s[..end], s.len() - end)
}

fn wait_handle() -> RawResource {
    RawResource::new("AWS::CloudFormation::WaitConditionHandle", json!({}))
}

// ---------------------------------------------------------------------------------------
// The tests

#[test]
fn tricky_strings_in_every_section() {
    let strings = tricky_strings();
    let mut stack = Stack::new("TrickyStrings");
    stack.description("on");
    stack.metadata("Strings", Json::from(strings.clone()));
    stack.metadata("AsKeys", {
        let mut m = serde_json::Map::new();
        for (i, s) in strings.iter().enumerate() {
            // the index keeps keys unique (" a" and "a " are different anyway, but "\u{0}"
            // style duplicates from the generated part are not)
            m.insert(format!("{i}{s}"), Json::from(s.clone()));
        }
        Json::Object(m)
    });

    let env = stack.parameter(
        "Env",
        Parameter::string()
            .description("yes: the environment # not a comment")
            .default("on")
            .allowed_values(["on", "off", "yes", "no", "12:30", "2024-01-01", "~", ""]),
    );
    stack.parameter(
        "Count",
        Parameter::number()
            .default("017")
            .allowed_values(["017", "0x1F", "1e3", ".5"]),
    );
    stack.parameter(
        "Tricky",
        Parameter::string()
            .default("- x")
            .allowed_values(strings.iter().take(200).cloned()),
    );
    let map = stack.mapping(
        "Settings",
        Mapping::new()
            .entry("on", "off", "yes")
            .entry("on", "12:30", "2024-01-01T10:00:00Z")
            .entry("prod", "Cpu", "0x1F")
            .entry("prod", "Flags", json!(["y", "n", "~"])),
    );
    let is_on = stack.condition("IsOn", fns::equals::<String>(env.to_ref(), "on"));
    stack.condition(
        "Complex",
        fns::or([
            fns::and([
                fns::condition(&is_on),
                fns::not(fns::equals::<String>("no", "NO")),
            ]),
            fns::equals::<String>(pseudo::region(), "a: b"),
        ]),
    );

    let props: serde_json::Map<String, Json> = strings
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("P{i}"), Json::from(s.clone())))
        .collect();
    let raw = stack.add_raw(
        "Everything",
        RawResource::new("Custom::Everything", Json::Object(props)),
    );
    stack.options(&raw).metadata(json!({ "Lines": strings }));
    let h = stack.add_raw("Handle", wait_handle());
    stack
        .options(&h)
        .condition(&is_on)
        .metadata(json!({"on": "off", "list": ["yes", {"no": "~"}]}));

    // 200 outputs at most per template: every 7th string and every multi-line one
    let picked = strings
        .iter()
        .enumerate()
        .filter(|(i, s)| i % 7 == 0 && *i < 700 || (s.contains('\n') && s.len() < 200))
        .map(|(_, s)| s);
    for (i, s) in picked.enumerate() {
        stack
            .output::<String>(&format!("Out{i}"), s.as_str())
            .description(s.clone())
            .export(s.as_str());
    }
    stack.output::<String>(
        "Mapped",
        fns::find_in_map(&map, "on", fns::sub_with("${X}", [("X", "12:30")])),
    );
    stack.output::<String>("IfOn", fns::if_::<String>(&is_on, "yes", "no"));

    let t = stack.to_template().expect("the stack is valid");
    assert_same_as_cfn_reads(&t);
}

#[test]
fn tricky_keys_at_every_depth() {
    let keys = tricky_keys();
    let mut map = serde_json::Map::new();
    for (i, k) in keys.iter().enumerate() {
        map.insert(
            k.clone(),
            json!({ k.clone(): [k.clone(), { k.clone(): i }], "plain": k.clone() }),
        );
    }
    let mut stack = Stack::new("TrickyKeys");
    stack.metadata("Keys", Json::Object(map.clone()));
    let mut mapping = Mapping::new();
    for k in &keys {
        mapping = mapping.entry(k.clone(), k.clone(), k.clone());
    }
    stack.mapping("Map", mapping);
    stack.add_raw(
        "Raw",
        RawResource::new("Custom::Keys", json!({ "Nested": [Json::Object(map)] })),
    );
    let t = stack.to_template().expect("valid");
    assert_same_as_cfn_reads(&t);
}

#[test]
fn numbers_booleans_nulls_and_empty_containers() {
    let mut stack = Stack::new("Scalars");
    stack.metadata("Scalars", scalars_and_empties());
    stack.add_raw(
        "Raw",
        RawResource::new("Custom::Scalars", scalars_and_empties()),
    );
    stack.add_raw("Empty", RawResource::new("Custom::Empty", json!({})));
    stack.parameter(
        "Num",
        Parameter::number()
            .default(1.5)
            .min_value(0.5)
            .max_value(1e21),
    );
    stack.parameter("Int", Parameter::integer().default(3).min_value(-2.0));
    stack.output::<f64>("F", Value::lit(1.5e-7));
    stack.output::<f64>("G", Value::lit(1e21));
    stack.output::<i64>("I", Value::lit(-42));
    stack.output::<bool>("B", Value::lit(false));
    let t = stack.to_template().expect("valid");
    assert_same_as_cfn_reads(&t);
}

#[test]
fn multi_line_strings_as_list_items_and_deeply_nested() {
    let strings: Vec<String> = tricky_strings()
        .into_iter()
        .filter(|s| s.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']))
        .collect();
    assert!(strings.len() > 30, "the corpus has multi-line strings");
    let mut stack = Stack::new("MultiLine");
    stack.metadata(
        "Deep",
        json!({"a": {"b": [{"c": [strings.clone(), {"d": strings.clone()}]}]}}),
    );
    stack.metadata("Flat", Json::from(strings.clone()));
    for (i, s) in strings.iter().enumerate() {
        stack.add_raw(
            &format!("Script{i}"),
            RawResource::new(
                "Custom::Script",
                json!({"UserData": fns::base64(s.as_str()), "Plain": s}),
            ),
        );
    }
    let t = stack.to_template().expect("valid");
    assert_same_as_cfn_reads(&t);
}

#[test]
fn intrinsics_in_yaml_read_as_in_json() {
    let mut stack = Stack::new("Intrinsics");
    let p = stack.parameter("P", Parameter::string().default("on"));
    let l = stack.parameter("L", Parameter::comma_delimited_list().default("a,b"));
    let m = stack.mapping("M", Mapping::new().entry("on", "off", "yes"));
    let c = stack.condition("C", fns::equals::<String>(p.to_ref(), "yes"));
    let r = stack.add_raw("R", wait_handle());
    let parts: Vec<Value<String>> = vec![
        r.to_ref(),
        r.get_att("Data"),
        fns::sub("on-${AWS::Region}"),
        fns::sub_with("${A}:${B}", [("A", p.to_ref()), ("B", "12:30".into())]),
        fns::join("-", l.to_ref()),
        fns::select(0, fns::split(",", "a,b")),
        fns::select(1, fns::get_azs("")),
        fns::import_value("no"),
        fns::find_in_map(&m, "on", "off"),
        fns::find_in_map_or(&m, "x", "y", "~"),
        fns::base64("#!/bin/bash\necho on\n"),
        fns::select(0, fns::cidr("10.0.0.0/16", 4, 8)),
        fns::if_::<String>(&c, "on", pseudo::no_value()),
        fns::to_json_string::<Json>(Value::lit(json!({"on": ["off"]}))),
        pseudo::account_id(),
        pseudo::partition(),
        pseudo::stack_name(),
        pseudo::stack_id(),
        pseudo::url_suffix(),
    ];
    stack.output::<String>("All", fns::join("", parts));
    stack.output::<i64>("Len", fns::length::<String>(l.to_ref()));
    stack.output::<String>("Arns", fns::join(",", pseudo::notification_arns()));
    let t = stack.to_template().expect("valid");
    assert_same_as_cfn_reads(&t);
}

/// `cfn-lint template.json` does not read JSON with a JSON parser: `cfnlint.decode.decode`
/// tries its YAML 1.1 loader first and falls back to JSON only on a few scanner errors. The
/// README promises templates "(JSON or YAML) that cfn-lint accepts", so the JSON output must
/// read the same through that path as through a JSON parser (what CloudFormation uses):
/// otherwise cfn-lint validates a different template than the one deployed.
#[test]
fn json_output_reads_the_same_through_the_cfn_lint_command_line() {
    // Characters PyYAML's reader refuses anywhere in a stream: one of them makes the whole
    // file unreadable, so they get a template of their own and the rest stays visible.
    let refused =
        |c: char| matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}');
    let (bad, good): (Vec<String>, Vec<String>) = tricky_strings()
        .into_iter()
        .partition(|s| s.contains(refused));
    let cases = [
        ("strings", Json::from(good)),
        ("refused-characters", Json::from(bad)),
        ("scalars", scalars_and_empties()),
    ];
    if support::require_tool("cfn-lint").is_none() || support::require_tool("python").is_none() {
        return;
    }
    let dir = support::temp_dir("json-cli");
    let mut failures = Vec::new();
    for (name, value) in cases {
        let mut stack = Stack::new("JsonViaCli");
        stack.metadata("Values", value.clone());
        stack.add_raw(
            "Raw",
            RawResource::new("Custom::Raw", json!({ "Values": value })),
        );
        let t = stack.to_template().expect("valid");
        let path = dir.write(&format!("{name}.json"), t.to_json());
        let (code, out) = support::run_venv_python(
            "cfn_lint_loader.py",
            &[OsStr::new("compare-cli"), path.as_os_str()],
        );
        if code != 0 {
            failures.push(format!(
                "--- {name} (exit {code}):\n{}",
                truncate(&out, 8_000)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the cfn-lint command line reads ferroform's JSON output differently from a JSON \
         parser:\n{}",
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// The comparisons can fail

/// An unquoted `on` is `True` to PyYAML (YAML 1.1): the cfn-lint comparison sees it.
#[test]
fn cfn_lint_comparison_detects_a_yaml_1_1_mismatch() {
    if support::require_tool("cfn-lint").is_none() || support::require_tool("python").is_none() {
        return;
    }
    let dir = support::temp_dir("yaml-eq-demo");
    let json_path = dir.write(
        "t.json",
        r#"{"Resources": {"H": {"Type": "AWS::CloudFormation::WaitConditionHandle",
            "Metadata": {"Flag": "on", "When": "12:30", "Ok": "fine"}}}}"#,
    );
    // Hand-written, as a careless YAML writer would: unquoted `on` and `12:30`.
    let yaml_path = dir.write(
        "t.yaml",
        "Resources:\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    Metadata:\n      Flag: on\n      When: 12:30\n      Ok: fine\n",
    );
    let (code, out) = compare_files(&json_path, &yaml_path);
    assert_eq!(code, 1, "the comparison must report a difference:\n{out}");
    assert!(
        out.contains(
            "DIFF 'Resources'.'H'.'Metadata'.'Flag': json has str 'on', yaml has bool True"
        ),
        "unquoted `on` must read as True:\n{out}"
    );
    assert!(
        out.contains("'When': json has str '12:30', yaml has int 750"),
        "unquoted 12:30 is sexagesimal 750 in YAML 1.1:\n{out}"
    );
    assert!(
        !out.contains("'Ok'"),
        "equal values are not reported:\n{out}"
    );

    // and the same file quoted the way ferroform writes it is equal
    let quoted = dir.write(
        "q.yaml",
        "Resources:\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    Metadata:\n      Flag: \"on\"\n      When: \"12:30\"\n      Ok: fine\n",
    );
    let (code, out) = compare_files(&json_path, &quoted);
    assert_eq!(code, 0, "quoted values are equal:\n{out}");
}

/// The serde comparison fails too when the YAML means something else under YAML 1.2.
#[test]
fn serde_comparison_detects_a_yaml_1_2_mismatch() {
    let found = serde_problems(r#"{"a": "0o17", "b": "x"}"#, "a: 0o17\nb: x\n")
        .expect("serde_yaml reads an unquoted 0o17 as the integer 15");
    assert!(found.contains(".\"a\": json \"0o17\", yaml 15"), "{found}");
    assert!(
        !found.contains("\"b\""),
        "equal values are not reported: {found}"
    );
    // quoted, as ferroform writes it, it is the same string
    assert_eq!(serde_problems(r#"{"a": "0o17"}"#, "a: \"0o17\"\n"), None);
}
