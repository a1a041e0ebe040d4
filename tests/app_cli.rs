//! The command line of a stack program: `App::run_with(args, &mut out, &mut err) -> u8`.
//!
//! Exit codes (README, `--help`): 0 success; 1 a stack is invalid (nothing is written);
//! 2 usage or input errors (bad arguments, unknown stack, unwritable directory).

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use ferroform::{App, Format, RawResource, Stack, Template};
use serde_json::{Value as Json, json};

use support::dir_snapshot;
use support::programs::versioned_stack;

const MANIFEST: &str = "ferroform.manifest.json";

/// A stack with a duplicate logical ID (FF1002).
fn invalid_stack(name: &str) -> Stack {
    let mut s = versioned_stack(name, "bad");
    s.add_raw(
        "Param",
        RawResource::new("AWS::SSM::Parameter", json!({"Type": "String"})),
    );
    s
}

fn app_of(stacks: Vec<Stack>) -> App {
    let mut app = App::new();
    for s in stacks {
        app.add(s);
    }
    app
}

fn app(names: &[&str], version: &str) -> App {
    app_of(names.iter().map(|n| versioned_stack(n, version)).collect())
}

struct Run {
    code: u8,
    out: String,
    err: String,
}

impl Run {
    /// Assert that the run exited with `code`, showing its stderr otherwise.
    #[track_caller]
    fn exits(&self, code: u8) {
        assert_eq!(self.code, code, "{}", self.err);
    }
}

fn run(app: App, args: &[&str]) -> Run {
    let mut argv = vec!["my-stacks"];
    argv.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = app.run_with(argv, &mut out, &mut err);
    Run {
        code,
        out: String::from_utf8(out).expect("stdout is UTF-8"),
        err: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

/// `synth --out DIR MORE` of `app`.
fn synth_out(app: App, dir: &Path, more: &[&str]) -> Run {
    run(
        app,
        &[&["synth", "--out", path_arg(dir)][..], more].concat(),
    )
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("temp paths are UTF-8")
}

fn template_of(s: Stack) -> Template {
    s.to_template().expect("valid")
}

fn read_json(path: &Path) -> Json {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is JSON: {e}", path.display()))
}

fn files(dir: &Path) -> Vec<String> {
    support::dir_names(dir)
}

/// A fresh temporary directory named after `label`, and its `out` subdirectory (not created).
fn out_dir(label: &str) -> (support::TempDir, PathBuf) {
    let tmp = support::temp_dir(label);
    let dir = tmp.join("out");
    (tmp, dir)
}

/// [`out_dir`] once `synth --out` of the stacks `names` (version 1) has succeeded there.
fn synthesized_out_dir(label: &str, names: &[&str]) -> (support::TempDir, PathBuf) {
    let (tmp, dir) = out_dir(label);
    synth_out(app(names, "1"), &dir, &[]).exits(0);
    (tmp, dir)
}

/// `DIR/<name>.template.json` is the JSON template of the stack `name` at `version`.
#[track_caller]
fn assert_json_template(dir: &Path, name: &str, version: &str, why: &str) {
    let path = dir.join(format!("{name}.template.json"));
    assert_eq!(
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display())),
        template_of(versioned_stack(name, version)).to_json(),
        "{why}"
    );
}

// ---------------------------------------------------------------------------------------

#[test]
fn list_prints_the_stacks_in_order() {
    let r = run(app(&["Network", "Data", "Web"], "1"), &["list"]);
    r.exits(0);
    assert_eq!(r.out, "Network\nData\nWeb\n");
}

#[test]
fn synth_of_one_stack_prints_it_to_stdout() {
    let r = run(app(&["Web"], "1"), &["synth"]);
    r.exits(0);
    assert_eq!(r.out, template_of(versioned_stack("Web", "1")).to_json());
    let v: Json = serde_json::from_str(&r.out).expect("stdout is the JSON template");
    assert_eq!(
        v["Resources"]["Param"]["Properties"]["Value"],
        json!("Web-1")
    );

    let r = run(app(&["Web"], "1"), &["synth", "--format", "yaml"]);
    r.exits(0);
    assert_eq!(r.out, template_of(versioned_stack("Web", "1")).to_yaml());
    let v: Json = serde_yaml::from_str(&r.out).expect("stdout is the YAML template");
    assert_eq!(
        v["Resources"]["Param"]["Properties"]["Value"],
        json!("Web-1")
    );
    assert!(!r.out.trim_start().starts_with('{'), "YAML, not JSON");

    // one named stack of several
    let r = run(app(&["Network", "Web"], "1"), &["synth", "Web"]);
    r.exits(0);
    assert_eq!(r.out, template_of(versioned_stack("Web", "1")).to_json());
}

#[test]
fn several_stacks_without_out_is_a_usage_error() {
    let r = run(app(&["Network", "Web"], "1"), &["synth"]);
    assert_eq!(r.code, 2);
    assert!(r.out.is_empty(), "nothing on stdout: {}", r.out);
    assert!(r.err.contains("--out"), "asks for --out: {}", r.err);

    let r = run(app(&["Network", "Web"], "1"), &["synth", "Network", "Web"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("--out"), "{}", r.err);
}

#[test]
fn unknown_stack_is_a_usage_error() {
    let dir = support::temp_dir("cli-unknown");
    let out = dir.join("out");
    let r = synth_out(app(&["Network", "Web"], "1"), &out, &["Nope"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("Nope"), "{}", r.err);
    assert!(!out.exists(), "nothing written");

    let r = run(app(&["Web"], "1"), &["synth", "Nope"]);
    assert_eq!(r.code, 2);
    assert!(r.out.is_empty());
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        &["synth", "--format", "toml"][..],
        &["deploy"][..],
        &["synth", "--nope"][..],
        &[][..],
    ] {
        let r = run(app(&["Web"], "1"), args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.out, r.err);
        assert!(r.out.is_empty(), "{args:?}: errors go to stderr: {}", r.out);
        assert!(!r.err.is_empty(), "{args:?}: says what is wrong");
    }
}

#[test]
fn help_mentions_the_exit_codes() {
    for args in [
        &["--help"][..],
        &["synth", "--help"][..],
        &["list", "--help"][..],
    ] {
        let r = run(app(&["Web"], "1"), args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.err);
        let help = r.out;
        assert!(help.contains("Exit codes"), "{args:?}:\n{help}");
        for line in [
            "0  success",
            "1  a stack or template is invalid",
            "2  usage or input error",
        ] {
            assert!(
                help.contains(line),
                "{args:?} help mentions `{line}`:\n{help}"
            );
        }
    }
    let r = run(app(&["Web"], "1"), &["--help"]);
    assert!(
        r.out.contains("synth") && r.out.contains("list"),
        "{}",
        r.out
    );
}

// ---------------------------------------------------------------------------------------
// synth --out DIR

#[test]
fn out_dir_is_created_with_a_template_per_stack_and_a_manifest() {
    let tmp = support::temp_dir("cli-out");
    let dir = tmp.join("nested").join("out");
    let r = synth_out(app(&["Network", "Web"], "1"), &dir, &[]);
    r.exits(0);
    assert_eq!(
        files(&dir),
        [
            "Network.template.json",
            "Web.template.json",
            MANIFEST.to_owned().as_str()
        ]
    );
    for name in ["Network", "Web"] {
        assert_json_template(&dir, name, "1", name);
    }
    let manifest = read_json(&dir.join(MANIFEST));
    assert_eq!(
        manifest["stacks"],
        json!({
            "Network": {"template": "Network.template.json"},
            "Web": {"template": "Web.template.json"}
        }),
        "{manifest:#}"
    );
    assert!(r.out.is_empty(), "templates go to files, not stdout");
    assert!(
        r.err.contains("Web.template.json"),
        "says what it wrote: {}",
        r.err
    );
}

#[test]
fn unchanged_templates_are_left_as_they_are_and_changed_ones_rewritten() {
    use std::time::{Duration, SystemTime};
    let (_tmp, dir) = synthesized_out_dir("cli-unchanged", &["Network", "Web"]);
    // Age every file, so a rewrite shows in its modification time.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for f in files(&dir) {
        let file = fs::File::options().write(true).open(dir.join(&f)).unwrap();
        file.set_modified(old).unwrap();
    }
    let mtime = |f: &str| fs::metadata(dir.join(f)).unwrap().modified().unwrap();
    let network_1_web_2 = || {
        app_of(vec![
            versioned_stack("Network", "1"),
            versioned_stack("Web", "2"),
        ])
    };

    // Web changes, Network does not.
    let r = synth_out(network_1_web_2(), &dir, &[]);
    r.exits(0);
    assert_eq!(
        mtime("Network.template.json"),
        old,
        "unchanged: not rewritten"
    );
    assert_eq!(
        mtime(MANIFEST),
        old,
        "same stacks: the manifest is not rewritten"
    );
    assert_ne!(mtime("Web.template.json"), old, "changed: rewritten");
    assert_json_template(&dir, "Web", "2", "Web's new template");
    assert!(
        r.err.contains("unchanged") && r.err.contains("Network.template.json"),
        "{}",
        r.err
    );
    assert!(
        r.err.contains("wrote") && r.err.contains("Web.template.json"),
        "{}",
        r.err
    );

    // A file of the same length but other content is rewritten too.
    let net = dir.join("Network.template.json");
    let text = fs::read_to_string(&net).unwrap();
    fs::write(&net, text.replace("Network 1", "Network 9")).unwrap();
    let r = synth_out(network_1_web_2(), &dir, &[]);
    r.exits(0);
    assert_eq!(fs::read_to_string(&net).unwrap(), text);
}

#[test]
fn a_stack_removed_from_the_app_loses_its_template_and_nothing_else() {
    let (_tmp, dir) = synthesized_out_dir("cli-stale", &["Network", "Data", "Web"]);
    // files that are not ours, some looking like ours
    fs::write(dir.join("notes.txt"), "keep me").unwrap();
    fs::write(dir.join("Other.template.json"), "{}").unwrap();
    fs::write(dir.join("Data.template.yaml"), "hand-written").unwrap();
    fs::create_dir(dir.join("sub")).unwrap();
    fs::write(dir.join("sub").join("Data.template.json"), "{}").unwrap();

    synth_out(app(&["Network", "Web"], "2"), &dir, &[]).exits(0);
    assert_eq!(
        files(&dir),
        [
            "Data.template.yaml",
            "Network.template.json",
            "Other.template.json",
            "Web.template.json",
            MANIFEST,
            "notes.txt",
            "sub",
        ],
        "Data.template.json is gone, everything else is kept"
    );
    assert_eq!(
        fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        fs::read_to_string(dir.join("Data.template.yaml")).unwrap(),
        "hand-written"
    );
    assert!(dir.join("sub").join("Data.template.json").exists());
    assert_json_template(&dir, "Web", "2", "rewritten");
    let manifest = read_json(&dir.join(MANIFEST));
    assert_eq!(
        manifest["stacks"],
        json!({
            "Network": {"template": "Network.template.json"},
            "Web": {"template": "Web.template.json"}
        })
    );
}

#[test]
fn a_tampered_manifest_never_deletes_files_outside_our_templates() {
    let (tmp, dir) = out_dir("cli-tamper");
    fs::create_dir_all(&dir).unwrap();
    let outside = tmp.join("Outside.template.json");
    fs::write(&outside, "{}").unwrap();
    fs::write(dir.join("notes.txt"), "keep").unwrap();
    fs::write(dir.join("Cargo.toml"), "keep").unwrap();
    fs::write(
        dir.join(MANIFEST),
        json!({"version": 1, "stacks": {
            "Gone1": {"template": "../Outside.template.json"},
            "Gone2": {"template": "notes.txt"},
            "Gone3": {"template": outside.to_str().unwrap()},
            "Gone4": {"template": "Cargo.toml"},
        }})
        .to_string(),
    )
    .unwrap();
    synth_out(app(&["Web"], "1"), &dir, &[]).exits(0);
    assert!(outside.exists(), "a file outside DIR is never deleted");
    assert!(dir.join("notes.txt").exists());
    assert!(dir.join("Cargo.toml").exists());
    assert!(dir.join("Web.template.json").exists());
}

#[test]
fn synthesizing_some_stacks_keeps_the_templates_of_the_others() {
    let (_tmp, dir) = synthesized_out_dir("cli-subset", &["Network", "Web"]);
    synth_out(app(&["Network", "Web"], "2"), &dir, &["Web"]).exits(0);
    assert_json_template(
        &dir,
        "Network",
        "1",
        "Network was not synthesized this time: its template stays",
    );
    assert_json_template(&dir, "Web", "2", "Web was synthesized again");
    let manifest = read_json(&dir.join(MANIFEST));
    let stacks = manifest["stacks"].as_object().unwrap();
    assert!(
        stacks.contains_key("Network") && stacks.contains_key("Web"),
        "{manifest:#}"
    );
}

#[test]
fn switching_to_yaml_replaces_the_json_templates() {
    let (_tmp, dir) = synthesized_out_dir("cli-yaml", &["Network", "Web"]);
    synth_out(app(&["Network", "Web"], "1"), &dir, &["--format", "yaml"]).exits(0);
    assert_eq!(
        files(&dir),
        ["Network.template.yaml", "Web.template.yaml", MANIFEST]
    );
    assert_eq!(
        fs::read_to_string(dir.join("Web.template.yaml")).unwrap(),
        template_of(versioned_stack("Web", "1")).render(Format::Yaml)
    );
    let manifest = read_json(&dir.join(MANIFEST));
    assert_eq!(
        manifest["stacks"]["Web"],
        json!({"template": "Web.template.yaml"})
    );
    // and back
    synth_out(app(&["Network", "Web"], "1"), &dir, &["--format", "json"]).exits(0);
    assert_eq!(
        files(&dir),
        ["Network.template.json", "Web.template.json", MANIFEST]
    );
}

#[test]
fn an_invalid_stack_writes_nothing() {
    let (_tmp, dir) = out_dir("cli-invalid");

    // DIR does not exist yet: it is not created
    let r = synth_out(
        app_of(vec![versioned_stack("Network", "1"), invalid_stack("Web")]),
        &dir,
        &[],
    );
    r.exits(1);
    assert!(
        r.err.contains("FF1002"),
        "the diagnostic is shown: {}",
        r.err
    );
    assert!(r.err.contains("nothing was written"), "{}", r.err);
    assert!(!dir.exists(), "DIR must not be created");

    // DIR holds an earlier run: it is left exactly as it was, valid stacks included
    synth_out(app(&["Network", "Web", "Old"], "1"), &dir, &[]).exits(0);
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    let before = dir_snapshot(&dir);
    let r = synth_out(
        app_of(vec![versioned_stack("Network", "2"), invalid_stack("Web")]),
        &dir,
        &[],
    );
    r.exits(1);
    assert_eq!(dir_snapshot(&dir), before, "the directory is unchanged");
    let r = synth_out(
        app_of(vec![versioned_stack("Network", "2"), invalid_stack("Web")]),
        &dir,
        &["--format", "yaml"],
    );
    r.exits(1);
    assert_eq!(dir_snapshot(&dir), before, "the directory is unchanged");

    // to stdout: nothing printed
    let r = run(app_of(vec![invalid_stack("Web")]), &["synth"]);
    assert_eq!(r.code, 1);
    assert!(r.out.is_empty(), "no template on stdout: {}", r.out);
    assert!(r.err.contains("FF1002"), "{}", r.err);
}

#[test]
fn an_unwritable_out_dir_is_a_usage_error() {
    let tmp = support::temp_dir("cli-unwritable");
    let file = tmp.join("a-file");
    fs::write(&file, "not a directory").unwrap();
    let r = synth_out(app(&["Web"], "1"), &file, &[]);
    r.exits(2);
    assert!(r.err.contains("a-file"), "names the path: {}", r.err);
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a directory");
}

#[test]
fn two_stacks_with_the_same_name_are_invalid() {
    let (_tmp, dir) = out_dir("cli-dup-stack");
    let r = synth_out(app(&["Web", "Web"], "1"), &dir, &[]);
    r.exits(1);
    assert!(r.err.contains("FF1006"), "{}", r.err);
    assert!(!dir.exists());
}
