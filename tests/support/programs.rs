//! The two command lines run in memory (a stack program's `app.run_with` and the
//! `ferroform` binary's `cli::main_with`), and a small stack to run them on.

use ferroform::{App, RawResource, Stack};

/// The exit code and the UTF-8 text of stdout and stderr of one run.
fn texts(code: u8, out: &[u8], err: &[u8]) -> (u8, String, String) {
    (
        code,
        String::from_utf8_lossy(out).into_owned(),
        String::from_utf8_lossy(err).into_owned(),
    )
}

/// Run the stack program `app` as `app ARGS`: (exit code, stdout, stderr).
pub fn run_app(app: App, args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("app").chain(args.iter().copied());
    let code = app.run_with(argv, &mut out, &mut err);
    texts(code, &out, &err)
}

/// Run the `ferroform` command line as `ferroform ARGS`: (exit code, stdout, stderr).
pub fn run_cli(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("ferroform").chain(args.iter().copied());
    let code = ferroform::cli::main_with(argv, &mut out, &mut err);
    texts(code, &out, &err)
}

/// A valid stack named `name`: described as `<name> <version>`, with one SSM parameter
/// (`Param`) whose value is `<name>-<version>`, so that each version has its own template.
pub fn versioned_stack(name: &str, version: &str) -> Stack {
    let mut s = Stack::new(name);
    s.description(format!("{name} {version}"));
    s.add_raw(
        "Param",
        RawResource::new(
            "AWS::SSM::Parameter",
            serde_json::json!({"Type": "String", "Value": format!("{name}-{version}")}),
        ),
    );
    s
}
