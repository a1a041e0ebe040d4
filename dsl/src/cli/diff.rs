//! `diff OLD NEW`: compare two template files without AWS ([`crate::analysis::compare`]).
//!
//! ```text
//! ferroform diff OLD NEW [--fail-on-change]
//! ```
//!
//! With the `deploy` feature, `diff` also compares a template with a deployed stack
//! (`--template FILE --stack-name NAME`, `--app`); two positional template files still mean
//! this comparison (see `aws/diff.rs`).
//!
//! Exit 0 (differences or not), 3 differences with `--fail-on-change`, 1 a template that
//! cannot be parsed, 2 an unreadable file or bad usage.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{EXIT_CHANGES, EXIT_OK, EXIT_USAGE, Exit, finish};
use crate::analysis::compare;
use crate::model::diag::escape_control;
use crate::model::parse::{TemplateRead, read_template};
use crate::model::template::Template;

/// The one-line summary of the comparison of two files.
pub(super) const SUMMARY: &str =
    "Compare two templates without AWS: their differences and what a deploy would ask approval for";

/// What the comparison of two files shows, for `--help`.
pub(super) const ABOUT: &str = "Compare two CloudFormation templates (JSON or YAML) without AWS: \
     a property-level diff, and what a deploy of NEW over OLD would ask approval for (deleted \
     resources, wider IAM permissions, security-group ingress or resource policies). NoEcho \
     parameter defaults are never shown.";

pub(super) const DIFF_EXIT_CODES: &str = "Exit codes:\n  0  success, differences or not\n  1  a template is invalid (cannot be parsed)\n  2  usage or input error (bad arguments, unreadable file, a region without prices)\n  3  differences found with --fail-on-change, or the monthly cost rises by more than\n     --max-cost-increase";

/// The `--fail-on-change` flag, shared with the deploy feature's `diff`.
pub(super) fn fail_on_change_arg() -> Arg {
    Arg::new("fail-on-change")
        .long("fail-on-change")
        .action(ArgAction::SetTrue)
        .help("Exit 3 when there are changes (for CI)")
}

/// The `--max-cost-increase` option, shared with the deploy feature's `diff`.
pub(super) fn max_cost_increase_arg() -> Arg {
    Arg::new("max-cost-increase")
        .long("max-cost-increase")
        .value_name("USD")
        .value_parser(dollars)
        .help("Exit 3 when the change raises the typical monthly cost by more than USD dollars (for CI)")
}

/// A non-negative amount of dollars.
fn dollars(s: &str) -> Result<f64, String> {
    match s.trim().trim_start_matches('$').parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!(
            "expected an amount of dollars such as 50 or 12.5, not `{s}`"
        )),
    }
}

/// What `diff` says about cost: the region to price in, and the increase that fails it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct CostCheck<'a> {
    pub(super) region: Option<&'a str>,
    pub(super) max_increase: Option<f64>,
}

impl<'a> CostCheck<'a> {
    pub(super) fn of(m: &'a ArgMatches) -> CostCheck<'a> {
        CostCheck {
            region: m
                .try_get_one::<String>("region")
                .ok()
                .flatten()
                .map(String::as_str),
            max_increase: m.get_one::<f64>("max-cost-increase").copied(),
        }
    }

    /// Print the cost of deploying `new` over `old`; an error when it cannot be estimated
    /// and `--max-cost-increase` asks for it, or the increase is above it.
    pub(super) fn report(
        &self,
        stack: &str,
        old: Option<&crate::Json>,
        new: &crate::Json,
        env: Option<&crate::Env>,
        out: &mut dyn Write,
    ) -> Result<(), Exit> {
        let (region, _) = super::cost::region_of(self.region, env);
        match crate::analysis::cost::cost_of_change(stack, old, new, &region) {
            Ok(d) => {
                for l in d.report() {
                    let _ = writeln!(out, "{l}");
                }
                match self.max_increase {
                    Some(max) if d.increase() > max + 0.005 => Err(Exit::text(
                        EXIT_CHANGES,
                        format!(
                            "error: stack {stack}: the typical monthly cost rises by {}, more than --max-cost-increase {}",
                            crate::analysis::cost::usd(d.increase()),
                            crate::analysis::cost::usd(max)
                        ),
                    )),
                    _ => Ok(()),
                }
            }
            Err(e) if self.max_increase.is_some() => Err(Exit::usage(format!(
                "stack {stack}: --max-cost-increase needs an estimate: {e}"
            ))),
            Err(e) => {
                let _ = writeln!(out, "Monthly cost: not estimated: {e}");
                Ok(())
            }
        }
    }
}

/// `ferroform diff OLD NEW`, in a build without the `deploy` feature.
#[cfg_attr(feature = "deploy", allow(dead_code))]
pub(super) fn command() -> Command {
    Command::new("diff")
        .about(SUMMARY)
        .long_about(ABOUT)
        .after_help(DIFF_EXIT_CODES)
        .arg(
            Arg::new("old")
                .value_name("OLD")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The template as it is (deployed, or committed)"),
        )
        .arg(
            Arg::new("new")
                .value_name("NEW")
                .required(true)
                .value_parser(clap::value_parser!(PathBuf))
                .help("The template as it would be"),
        )
        .arg(fail_on_change_arg())
        .arg(max_cost_increase_arg())
        .arg(super::cost::region_arg())
}

#[cfg_attr(feature = "deploy", allow(dead_code))]
pub(super) fn run(m: &ArgMatches, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let path = |id: &str| m.get_one::<PathBuf>(id).cloned().unwrap_or_default();
    run_files(
        &path("old"),
        &path("new"),
        m.get_flag("fail-on-change"),
        CostCheck::of(m),
        out,
        err,
    )
}

/// Compare template files `old` and `new` and print the result on `out`; returns the exit
/// code.
pub(super) fn run_files(
    old: &Path,
    new: &Path,
    fail_on_change: bool,
    cost: CostCheck<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let (old_t, new_t) = match (read(old), read(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            // Both files' problems at once; the exit code of the worse.
            let problems: Vec<Exit> = [a.err(), b.err()].into_iter().flatten().collect();
            let code = problems.iter().map(|e| e.code).max().unwrap_or(EXIT_USAGE);
            for e in problems {
                finish(Err(e), err);
            }
            return code;
        }
    };
    let c = compare(&old_t, &new_t);
    let (a, b) = (show(old), show(new));
    if c.is_empty() {
        let _ = writeln!(out, "No differences between {a} and {b}");
        return EXIT_OK;
    }
    let _ = writeln!(out, "Template differences ({a} → {b}):");
    for l in &c.lines {
        let _ = writeln!(out, "  {l}");
    }
    if !c.approval.is_empty() {
        let _ = writeln!(out, "A deploy would ask for approval:");
        for r in &c.approval.reasons {
            let _ = writeln!(out, "  * {r}");
        }
    }
    if c.modifies() {
        let _ = writeln!(
            out,
            "Not shown: which modified resources would be replaced (a deploy asks approval for \
             those too);\nonly a change set tells: `ferroform diff --template NEW --stack-name \
             NAME` (deploy feature)."
        );
    }
    let stack = super::input::stack_name_of(new);
    if let Err(e) = cost.report(&stack, Some(old_t.body()), new_t.body(), None, out) {
        return finish(Err(e), err);
    }
    if fail_on_change {
        EXIT_CHANGES
    } else {
        EXIT_OK
    }
}

fn show(p: &Path) -> String {
    escape_control(&p.display().to_string()).into_owned()
}

/// Read and parse one template: an unreadable file is an input error (exit 2), one that does
/// not parse an invalid template (exit 1), as for `diff --template`.
fn read(path: &Path) -> Result<Template, Exit> {
    read_template(path).map_err(|e| match e {
        TemplateRead::Unreadable(e) => Exit::usage(e),
        TemplateRead::Invalid(e) => Exit::invalid(format!("invalid template {e}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::EXIT_INVALID;

    /// `ferroform diff` with the features of this build (the deploy feature is on in this
    /// package's tests): two files are compared either way.
    fn run(args: &[&str]) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut argv = vec!["ferroform", "diff"];
        argv.extend_from_slice(args);
        let code = crate::cli::main_with(argv, &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    }

    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Dir {
            let d = std::env::temp_dir().join(format!(
                "ferroform-diff-{name}-{}-{:x}",
                std::process::id(),
                crate::fsutil::nonce()
            ));
            std::fs::create_dir_all(&d).unwrap();
            Dir(d)
        }

        fn file(&self, name: &str, text: &str) -> String {
            let p = self.0.join(name);
            std::fs::write(&p, text).unwrap();
            p.display().to_string()
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const OLD: &str = r#"{"Parameters": {"Pw": {"Type": "String", "NoEcho": "true", "Default": "first-password"}},
        "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}}}}"#;
    const NEW: &str = "Parameters:\n  Pw: {Type: String, NoEcho: true, Default: second-password}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {DelaySeconds: 2}\n";

    #[test]
    fn two_files_are_compared_in_any_build() {
        let d = Dir::new("files");
        let (old, new) = (d.file("old.json", OLD), d.file("new.yaml", NEW));
        let (code, out, err) = run(&[&old, &new]);
        assert_eq!(code, EXIT_OK, "{out}{err}");
        assert!(out.contains("~ Properties.DelaySeconds: 1 → 2"), "{out}");
        assert!(out.contains("~ Default: **** → ****"), "{out}");
        assert!(!out.contains("password"), "{out}");
        assert!(out.contains("Not shown: which modified resources"), "{out}");
        assert!(!out.contains("approval:"), "a queue grants nothing: {out}");
        let (code, _, _) = run(&[&old, &new, "--fail-on-change"]);
        assert_eq!(code, EXIT_CHANGES);
        let (code, out, _) = run(&[&old, &old, "--fail-on-change"]);
        assert_eq!(code, EXIT_OK);
        assert!(out.starts_with("No differences between"), "{out}");
    }

    const ONE_NAT: &str = r#"{"Resources": {"NatA": {"Type": "AWS::EC2::NatGateway"}}}"#;
    const TWO_NAT: &str = r#"{"Resources": {"NatA": {"Type": "AWS::EC2::NatGateway"},
        "NatB": {"Type": "AWS::EC2::NatGateway"}}}"#;

    #[test]
    fn the_cost_of_the_change_is_shown_and_can_fail_the_diff() {
        let d = Dir::new("cost");
        let (old, new) = (d.file("old.json", ONE_NAT), d.file("Net.json", TWO_NAT));
        // us-east-1: $0.045 an hour × 730 = $32.85 a NAT gateway-month.
        let (code, out, err) = run(&[&old, &new, "--region", "us-east-1"]);
        assert_eq!(code, EXIT_OK, "{out}{err}");
        assert!(
            out.contains(
                "Monthly cost (typical): $32.85 → $65.70 (+$32.85); us-east-1, prices of "
            ),
            "{out}"
        );
        assert!(
            out.contains("\n  +$32.85/month: NAT gateway (NatB)\n"),
            "{out}"
        );
        let (code, _, err) = run(&[
            &old,
            &new,
            "--region",
            "us-east-1",
            "--max-cost-increase",
            "50",
        ]);
        assert_eq!(code, EXIT_OK, "{err}");
        let (code, _, err) = run(&[
            &old,
            &new,
            "--region",
            "us-east-1",
            "--max-cost-increase",
            "30",
        ]);
        assert_eq!(code, EXIT_CHANGES, "{err}");
        assert!(err.contains("stack Net: the typical monthly cost rises by $32.85, more than --max-cost-increase $30.00"), "{err}");
        // A fall never fails it.
        let (code, _, _) = run(&[
            &new,
            &old,
            "--region",
            "us-east-1",
            "--max-cost-increase",
            "0",
        ]);
        assert_eq!(code, EXIT_OK);
        // No prices for the region: said, and an error only when the limit needs them.
        let (code, out, _) = run(&[&old, &new, "--region", "mars-1"]);
        assert_eq!(code, EXIT_OK);
        assert!(
            out.contains("Monthly cost: not estimated: no prices for region `mars-1`"),
            "{out}"
        );
        let (code, _, err) = run(&[&old, &new, "--region", "mars-1", "--max-cost-increase", "1"]);
        assert_eq!(code, EXIT_USAGE, "{err}");
        let (code, _, err) = run(&[&old, &new, "--max-cost-increase=-3"]);
        assert_eq!(code, EXIT_USAGE, "{err}");
        assert!(err.contains("an amount of dollars"), "{err}");
    }

    #[test]
    fn unreadable_and_invalid_files_exit_2_and_1() {
        let d = Dir::new("bad");
        let good = d.file("good.json", OLD);
        let broken = d.file("broken.yaml", "Resources: [unclosed\n");
        let missing = d.0.join("missing.json").display().to_string();
        let (code, out, err) = run(&[&good, &missing]);
        assert_eq!(code, EXIT_USAGE, "{out}{err}");
        assert!(
            err.contains("missing.json") && err.contains("cannot read"),
            "{err}"
        );
        let (code, _, err) = run(&[&broken, &good]);
        assert_eq!(code, EXIT_INVALID, "{err}");
        assert!(err.contains("error: invalid template"), "{err}");
        assert!(err.contains("broken.yaml"), "{err}");
        // Both wrong: both reported, the input error wins.
        let (code, _, err) = run(&[&broken, &missing]);
        assert_eq!(code, EXIT_USAGE, "{err}");
        assert_eq!(err.matches("error:").count(), 2, "{err}");
    }

    #[cfg(feature = "deploy")]
    #[test]
    fn with_the_deploy_feature_aws_options_do_not_apply_to_two_files() {
        let d = Dir::new("aws");
        let (old, new) = (d.file("old.json", OLD), d.file("new.json", OLD));
        let (code, _, err) = run(&[&old, &new, "--endpoint-url", "http://127.0.0.1:1"]);
        assert_eq!(code, EXIT_USAGE, "{err}");
        assert!(err.contains("--endpoint-url"), "{err}");
        let (code, _, err) = run(&[&old]);
        assert_eq!(code, EXIT_USAGE, "{err}");
        assert!(err.contains("two template files"), "{err}");
        // Two paths, neither there: still files (no stack name has a `.` or `/`).
        let (code, _, err) = run(&["gone/old.json", "gone.yaml"]);
        assert_eq!(code, EXIT_USAGE, "{err}");
        assert!(err.contains("cannot read"), "{err}");
        // Names that are not files or paths (valid stack names or not): the AWS diff's stack
        // names, which need an app (none here: no --app, no ./ferroform.toml).
        if !Path::new(crate::app::project::PROJECT_FILE).exists() {
            for names in [["Web", "Api"], ["web_1", ""]] {
                let (code, _, err) = run(&names);
                assert_eq!(code, EXIT_USAGE, "{err}");
                assert!(err.contains("which stacks?"), "{names:?}: {err}");
            }
        }
    }
}
