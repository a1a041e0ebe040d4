//! The project file, `ferroform.toml`: where the `ferroform` binary finds the app command
//! when `--app` is not given (as CDK reads `app` from `cdk.json`).
//!
//! ```
//! use ferroform::app::project::ProjectFile;
//!
//! let p = ProjectFile::parse("app = \"cargo run -q --example web --\"  # the stacks\n").unwrap();
//! assert_eq!(p.app.as_deref(), Some("cargo run -q --example web --"));
//! assert!(p.warnings.is_empty());
//! ```
//!
//! Credentials per account: the stacks bound to an account ([`crate::Env`]) are deployed with
//! that account's profile, or as a role assumed with the default credentials (or with the
//! profile):
//!
//! ```
//! use ferroform::app::project::ProjectFile;
//!
//! let p = ProjectFile::parse(
//!     "[accounts.111111111111]\nprofile = \"prod\"\n\n[accounts.\"222222222222\"]\nrole_arn = \"arn:aws:iam::222222222222:role/deployer\"\n",
//! )
//! .unwrap();
//! assert_eq!(p.account("111111111111").unwrap().profile.as_deref(), Some("prod"));
//! assert!(p.account("222222222222").unwrap().role_arn.is_some());
//! assert!(p.account("333333333333").is_none());
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

/// The project file's name, read from the current directory.
pub const PROJECT_FILE: &str = "ferroform.toml";

/// What a `ferroform.toml` says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ProjectFile {
    /// `app = "CMD"`: the command that prints the app's templates (run with
    /// `synth --out DIR` appended).
    pub app: Option<String>,
    /// `builder = "buildah" | "podman" | "docker"` (or a path to one): the image builder for
    /// images built from source (default: the first found, buildah first).
    pub builder: Option<String>,
    /// `[accounts.<id>]` sections: how to reach each account (by 12-digit ID), in file
    /// order.
    pub accounts: Vec<(String, AccountAccess)>,
    /// Unknown keys and sections, ignored so that a newer file still works with an older
    /// ferroform: one line each, to show as warnings.
    pub warnings: Vec<String>,
}

/// How to reach one account (`[accounts.<id>]` in `ferroform.toml`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountAccess {
    /// `profile = "NAME"`: a profile of the shared AWS config or credentials file.
    pub profile: Option<String>,
    /// `role_arn = "ARN"`: a role to assume (with the profile's credentials when both are
    /// given, else with the default ones).
    pub role_arn: Option<String>,
}

/// A project file that cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub struct ProjectFileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong: `line N: ...` for a malformed file, or why it cannot be read.
    pub message: String,
}

impl fmt::Display for ProjectFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ProjectFileError {}

impl ProjectFile {
    /// How to reach account `id`, when the file says.
    pub fn account(&self, id: &str) -> Option<&AccountAccess> {
        self.accounts.iter().find(|(a, _)| a == id).map(|(_, x)| x)
    }

    /// Read the project file at `path`: `None` when there is no such file.
    pub fn load(path: &Path) -> Result<Option<ProjectFile>, ProjectFileError> {
        if !path.is_file() {
            return Ok(None);
        }
        let error = |message: String| ProjectFileError {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(format!("cannot read: {e}")))?;
        ProjectFile::parse(&text).map(Some).map_err(error)
    }

    /// Parse the subset of TOML the file needs: one `key = value` per line at the top level,
    /// `#` comments, `[sections]`. The keys are `app` and `builder`, each a basic (`"..."`,
    /// with escapes) or literal (`'...'`) string; `[accounts.<12-digit id>]` sections hold
    /// `profile` and `role_arn`. A line that is not `key = value`, a header
    /// or a comment, an unquoted or unterminated value, or a key twice is an error naming the
    /// line.
    pub fn parse(text: &str) -> Result<ProjectFile, String> {
        let mut config = ProjectFile::default();
        let mut section: Option<String> = None;
        for (n, raw) in text.lines().enumerate() {
            let n = n + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                let name = rest
                    .trim_start_matches('[')
                    .split(']')
                    .next()
                    .unwrap_or("")
                    .trim();
                if !line.contains(']') || name.is_empty() {
                    return Err(format!("line {n}: malformed section header `{line}`"));
                }
                if let Some(id) = name.strip_prefix("accounts.") {
                    let id = id.trim().trim_matches('"');
                    if !crate::model::stackset::valid_account(id) {
                        return Err(format!(
                            "line {n}: `{id}` is not an account ID (12 digits), e.g. [accounts.111111111111]"
                        ));
                    }
                    if config.account(id).is_some() {
                        return Err(format!("line {n}: [accounts.{id}] is defined twice"));
                    }
                    config
                        .accounts
                        .push((id.to_owned(), AccountAccess::default()));
                } else {
                    config.warnings.push(format!(
                        "line {n}: section [{name}] is not used by ferroform and is ignored"
                    ));
                }
                section = Some(name.to_owned());
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                return Err(format!(
                    "line {n}: expected `key = value`, e.g. app = \"cargo run -q --example web --\""
                ));
            };
            let key = key.trim().trim_matches('"');
            if key.is_empty() {
                return Err(format!("line {n}: missing key before `=`"));
            }
            if let Some(name) = &section {
                if name.starts_with("accounts.")
                    && let Some((id, access)) = config.accounts.last_mut()
                {
                    let slot = match key {
                        "profile" => &mut access.profile,
                        "role_arn" => &mut access.role_arn,
                        _ => {
                            config.warnings.push(format!(
                                "line {n}: unknown key `{key}` in [accounts.{id}] ignored (known: profile, role_arn)"
                            ));
                            continue;
                        }
                    };
                    if slot.is_some() {
                        return Err(format!("line {n}: `{key}` is defined twice"));
                    }
                    match toml_string(value.trim()) {
                        Some(v) if !v.trim().is_empty() => *slot = Some(v),
                        _ => {
                            return Err(format!(
                                "line {n}: `{key}` must be a quoted string, e.g. {key} = \"{}\"",
                                if key == "profile" {
                                    "prod"
                                } else {
                                    "arn:aws:iam::111111111111:role/deployer"
                                }
                            ));
                        }
                    }
                }
                continue; // inside an ignored section (already warned about)
            }
            let slot = match key {
                "app" => &mut config.app,
                "builder" => &mut config.builder,
                _ => {
                    config.warnings.push(format!(
                        "line {n}: unknown key `{key}` ignored (known: app, builder)"
                    ));
                    continue;
                }
            };
            if slot.is_some() {
                return Err(format!("line {n}: `{key}` is defined twice"));
            }
            match toml_string(value.trim()) {
                Some(a) if !a.trim().is_empty() => *slot = Some(a),
                _ if key == "app" => {
                    return Err(format!(
                        "line {n}: `app` must be a quoted command, e.g. app = \"cargo run -q --example web --\""
                    ));
                }
                _ => {
                    return Err(format!(
                        "line {n}: `builder` must be a quoted name, e.g. builder = \"buildah\" (or \"podman\", \"docker\", or a path)"
                    ));
                }
            }
        }
        Ok(config)
    }
}

/// A TOML basic or literal string followed by nothing but an optional comment.
fn toml_string(v: &str) -> Option<String> {
    let (value, rest) = if let Some(rest) = v.strip_prefix('\'') {
        let (s, after) = rest.split_once('\'')?;
        (s.to_owned(), after)
    } else if let Some(rest) = v.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                '\\' => match chars.next()?.1 {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    _ => return None,
                },
                c => out.push(c),
            }
        }
        (out, &rest[end?..])
    } else {
        return None;
    };
    let rest = rest.trim();
    (rest.is_empty() || rest.starts_with('#')).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_command_is_found_in_either_string_form_with_comments() {
        let c = ProjectFile::parse(
            "# project\napp = \"cargo run -q --example web --\"  # the stacks\n",
        )
        .unwrap();
        assert_eq!(c.app.as_deref(), Some("cargo run -q --example web --"));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let c = ProjectFile::parse("app = 'target/release/my-stacks'\n").unwrap();
        assert_eq!(c.app.as_deref(), Some("target/release/my-stacks"));
        let c = ProjectFile::parse("app = \"sh -c \\\"echo \\\\ hi\\\"\"").unwrap();
        assert_eq!(c.app.as_deref(), Some("sh -c \"echo \\ hi\""));
        assert_eq!(ProjectFile::parse("").unwrap(), ProjectFile::default());
    }

    #[test]
    fn unknown_keys_and_sections_warn_and_are_ignored() {
        let c = ProjectFile::parse(
            "region = \"eu-west-1\"\napp = \"x\"\n[context]\napp = \"not this one\"\nfoo = 1\n",
        )
        .unwrap();
        assert_eq!(
            c.app.as_deref(),
            Some("x"),
            "keys of sections are not `app`"
        );
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(
            c.warnings[0].contains("unknown key `region`"),
            "{:?}",
            c.warnings
        );
        assert!(c.warnings[1].contains("[context]"), "{:?}", c.warnings);
    }

    #[test]
    fn malformed_files_are_errors_naming_the_line() {
        for (text, line, what) in [
            ("app = cargo run\n", 1, "quoted command"),
            ("\napp = \"unterminated\n", 2, "quoted command"),
            ("app = 'a' trailing\n", 1, "quoted command"),
            ("app = \"\"\n", 1, "quoted command"),
            ("app = \"a\"\napp = \"b\"\n", 2, "twice"),
            ("this is not toml\n", 1, "key = value"),
            ("[unclosed\n", 1, "section header"),
            ("= \"x\"\n", 1, "missing key"),
            ("app = \"bad \\q escape\"\n", 1, "quoted command"),
        ] {
            let e = ProjectFile::parse(text).unwrap_err();
            assert!(e.starts_with(&format!("line {line}:")), "{text:?}: {e}");
            assert!(e.contains(what), "{text:?}: {e}");
        }
    }

    #[test]
    fn account_sections_say_how_to_reach_each_account() {
        let p = ProjectFile::parse(
            "app = \"x\"\n[accounts.111111111111]\nprofile = \"prod\"\nrole_arn = 'arn:aws:iam::111111111111:role/d'\nregion = \"x\"\n[accounts.\"222222222222\"]\nprofile = \"dev\"\n",
        )
        .unwrap();
        assert_eq!(
            p.accounts,
            [
                (
                    "111111111111".to_owned(),
                    AccountAccess {
                        profile: Some("prod".into()),
                        role_arn: Some("arn:aws:iam::111111111111:role/d".into()),
                    }
                ),
                (
                    "222222222222".to_owned(),
                    AccountAccess {
                        profile: Some("dev".into()),
                        role_arn: None,
                    }
                ),
            ]
        );
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
        assert!(p.warnings[0].contains("unknown key `region` in [accounts.111111111111]"));
        for (text, what) in [
            ("[accounts.1234]\n", "not an account ID"),
            (
                "[accounts.111111111111]\n[accounts.111111111111]\n",
                "twice",
            ),
            ("[accounts.111111111111]\nprofile = prod\n", "quoted string"),
            (
                "[accounts.111111111111]\nprofile = 'a'\nprofile = 'b'\n",
                "twice",
            ),
        ] {
            let e = ProjectFile::parse(text).unwrap_err();
            assert!(e.contains(what), "{text:?}: {e}");
        }
    }

    #[test]
    fn a_missing_file_is_none_and_a_malformed_one_names_file_and_line() {
        let dir = std::env::temp_dir().join(format!("ferroform-project-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(PROJECT_FILE);
        let _ = std::fs::remove_file(&path);
        assert_eq!(ProjectFile::load(&path), Ok(None), "missing file");

        std::fs::write(&path, "app = unquoted\n").unwrap();
        let e = ProjectFile::load(&path).unwrap_err();
        assert!(e.to_string().contains("ferroform.toml: line 1"), "{e}");

        std::fs::write(&path, "app = \"my-app\"\nprofile = \"dev\"\n").unwrap();
        let p = ProjectFile::load(&path).unwrap().unwrap();
        assert_eq!(p.app.as_deref(), Some("my-app"));
        assert!(p.warnings[0].contains("unknown key `profile`"), "{p:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
