//! The shape of `AWS::CloudFormation::Init` metadata (`FF2036`, a warning).
//!
//! CloudFormation stores a resource's `Metadata` without reading it; the `cfn-init` helper
//! script reads `AWS::CloudFormation::Init` on the instance. Its layout, from the AWS
//! documentation (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-init.html>):
//! a mapping of config keys (and `configSets`, a mapping of named lists of them); a config
//! is a mapping of the sections `packages`, `groups`, `users`, `sources`, `files`,
//! `commands` and `services`, each a mapping; every package manager of `packages`, group,
//! user, file and command, and every service of each service manager, is a mapping of its
//! settings (`services` is a mapping of service managers: `sysvinit`, `windows`...), and a
//! command's settings include the `command` to run (required);
//! `sources` maps a directory to the URL of an archive, and the settings of a file, command
//! or service are text or lists, not mappings, except those documented as mappings (a
//! file's `context`, a command's `env`, a service's `packages`; a file's `content` is text
//! or JSON).
//!
//! A value of another shape makes `cfn-init` fail on the instance, after CloudFormation has
//! accepted the template: a warning, with the stack still deployable. What only a function
//! gives (`Fn::If`, `Ref`, `Fn::FindInMap`...) is taken on trust, as is anything in a
//! template processed by a macro, which may rewrite Metadata. Keys `cfn-init` does not know
//! are not judged.

use super::schema::kind_of;
use super::{Cx, is_expr};
use crate::model::json::Field;
use crate::model::render::Json;
use crate::rules;

/// The sections of a config, in the order `cfn-init` processes them.
const SECTIONS: &[&str] = &[
    "packages", "groups", "users", "sources", "files", "commands", "services",
];

/// Settings of a file, command or service that may be mappings (a file's `content` may also
/// be text); any other is text or a list.
const MAPPING_SETTINGS: &[&str] = &["content", "context", "env", "packages"];
/// Of those, the ones that are always mappings: a file's template variables, a command's
/// environment, a service's packages (by package manager).
const MAPPINGS: &[&str] = &["context", "env", "packages"];

pub(super) fn check(cx: &mut Cx) {
    if cx.generated.rewrites_anything() {
        return;
    }
    let mut found: Vec<(&str, String, String)> = Vec::new();
    for (id, r) in cx.resources.into_iter().flatten() {
        let Some(init) = r
            .field("Metadata")
            .and_then(|m| m.field("AWS::CloudFormation::Init"))
        else {
            continue;
        };
        let mut walk = Walk {
            found: Vec::new(),
            path: super::dotted(&[id, "Metadata", "AWS::CloudFormation::Init"]),
        };
        walk.init(init);
        found.extend(walk.found.into_iter().map(|(p, m)| (id.as_str(), p, m)));
    }
    for (id, path, message) in found {
        cx.report(
            rules::CFN_INIT_SHAPE,
            Some(id),
            path,
            message,
            Some(
                "cfn-init reads this on the instance and fails on it; see the layout of \
                 AWS::CloudFormation::Init in the CloudFormation template reference"
                    .into(),
            ),
        );
    }
}

struct Walk {
    found: Vec<(String, String)>,
    path: String,
}

impl Walk {
    /// `f` with the path extended by `.key` for the time of the call.
    fn under(&mut self, key: &str, f: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        self.path.push('.');
        self.path.push_str(key);
        f(self);
        self.path.truncate(len);
    }

    /// The mapping `v` is, or `None` after reporting that it is none (`what` names it).
    /// A function or a null (reported by FF2019) gives `None` without a report.
    fn mapping<'v>(
        &mut self,
        v: &'v Json,
        what: &str,
    ) -> Option<&'v crate::model::render::JsonMap> {
        match v {
            Json::Object(m) if !is_expr(v) => Some(m),
            Json::Object(_) | Json::Null => None,
            other => {
                self.found.push((
                    self.path.clone(),
                    format!("{what} is {}, not a mapping", kind_of(other)),
                ));
                None
            }
        }
    }

    fn init(&mut self, v: &Json) {
        let Some(init) = self.mapping(v, "AWS::CloudFormation::Init") else {
            return;
        };
        for (key, v) in init {
            self.under(key, |w| {
                if key == "configSets" {
                    w.mapping(v, "`configSets`");
                } else {
                    w.config(key, v);
                }
            });
        }
    }

    fn config(&mut self, name: &str, v: &Json) {
        let Some(config) = self.mapping(v, &format!("config `{name}`")) else {
            return;
        };
        for &section in SECTIONS {
            let Some(v) = config.field(section) else {
                continue;
            };
            self.under(section, |w| {
                let Some(entries) = w.mapping(v, &format!("`{section}`")) else {
                    return;
                };
                for (key, v) in entries {
                    w.under(key, |w| w.entry(section, key, v));
                }
            });
        }
    }

    /// One entry of a section: a package manager, group, user, source, file, command or
    /// service manager.
    fn entry(&mut self, section: &str, key: &str, v: &Json) {
        match section {
            // A directory and the URL of an archive to unpack there.
            "sources" => {
                if matches!(v, Json::Array(_)) || (v.is_object() && !is_expr(v)) {
                    self.found.push((
                        self.path.clone(),
                        format!(
                            "source `{key}` is {}, not the URL of an archive",
                            kind_of(v)
                        ),
                    ));
                }
            }
            "packages" | "groups" | "users" => {
                let what = match section {
                    "packages" => format!("package manager `{key}`"),
                    "groups" => format!("group `{key}`"),
                    _ => format!("user `{key}`"),
                };
                self.mapping(v, &what);
            }
            "files" | "commands" => {
                let what = if section == "files" {
                    format!("file `{key}`")
                } else {
                    format!("command `{key}`")
                };
                if let Some(settings) = self.mapping(v, &what) {
                    // A command's one required setting.
                    if section == "commands" && settings.field("command").is_none() {
                        self.found
                            .push((self.path.clone(), format!("{what} has no `command` to run")));
                    }
                    self.settings(settings);
                }
            }
            // A service manager (`sysvinit`, `windows`...) and its services.
            _ => {
                let Some(services) = self.mapping(v, &format!("service manager `{key}`")) else {
                    return;
                };
                for (name, v) in services {
                    self.under(name, |w| {
                        if let Some(settings) = w.mapping(v, &format!("service `{name}`")) {
                            w.settings(settings);
                        }
                    });
                }
            }
        }
    }

    /// The settings of a file, command or service: a mapping only where one is documented.
    fn settings(&mut self, settings: &crate::model::render::JsonMap) {
        for (key, v) in settings {
            let key = key.as_str();
            self.under(key, |w| {
                if MAPPINGS.contains(&key) {
                    w.mapping(v, &format!("`{key}`"));
                } else if v.is_object() && !is_expr(v) && !MAPPING_SETTINGS.contains(&key) {
                    w.found.push((
                        w.path.clone(),
                        format!("`{key}` is a mapping, not text or a list"),
                    ));
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Template;

    /// (path, message) of every FF2036 finding of `yaml`.
    fn found(yaml: &str) -> Vec<(String, String)> {
        let t = Template::parse("t.yaml", yaml).unwrap();
        crate::validate::validate(&t)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == crate::rules::CFN_INIT_SHAPE)
            .map(|d| (d.path, d.message))
            .collect()
    }

    fn instance(init: &str) -> String {
        format!(
            "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n      \
             AWS::CloudFormation::Init:\n{init}    Properties:\n      ImageId: ami-12345678\n"
        )
    }

    #[test]
    fn a_config_as_documented_passes() {
        let init = "        configSets:\n          default: [setup, { ConfigSet: other }]\n        \
             setup:\n          packages:\n            yum: { httpd: [] }\n            \
             rpm: { epel: 'http://example.com/epel.rpm' }\n          \
             groups: { web: {}, ops: { gid: '45' } }\n          \
             users: { app: { groups: [web], uid: '50', homeDir: /srv } }\n          \
             sources: { /srv/app: 'https://example.com/app.tar.gz' }\n          \
             files:\n            /etc/app.json:\n              content: { debug: false }\n              \
             mode: '000644'\n              owner: root\n              context: { name: x }\n            \
             /etc/motd:\n              content: !Sub 'stack ${AWS::StackName}'\n          \
             commands:\n            01_start:\n              command: [echo, hi]\n              \
             env: { A: b }\n              cwd: /srv\n              ignoreErrors: 'false'\n          \
             services:\n            sysvinit:\n              httpd:\n                enabled: true\n                \
             ensureRunning: 'true'\n                files: [/etc/app.json]\n                \
             packages: { yum: [httpd] }\n        \
             other:\n          commands: !If [IsProd, { a: { command: x } }, !Ref AWS::NoValue]\n";
        let yaml = format!(
            "Conditions:\n  IsProd: !Equals [!Ref AWS::Region, us-east-1]\n{}",
            instance(init)
        );
        assert_eq!(found(&yaml), []);
    }

    #[test]
    fn each_level_that_is_not_a_mapping_is_reported_where_it_is() {
        let init = "        configSets: [a]\n        \
             broken: text\n        \
             config:\n          commands: 'echo hi'\n          \
             files:\n            /etc/a: -1\n            \
             /etc/b: { group: { Condition: 5 }, content: { k: v } }\n          \
             sources: { /srv: [a] }\n          \
             services:\n            sysvinit:\n              cfn-hup: '0x10'\n              \
             php: { packages: '1e400' }\n        \
             more:\n          commands: { stop: { Condition: 5 }, go: { command: x } }\n";
        let at = "Web.Metadata.AWS::CloudFormation::Init";
        assert_eq!(
            found(&instance(init)),
            [
                (
                    format!("{at}.configSets"),
                    "`configSets` is a list, not a mapping".into()
                ),
                (
                    format!("{at}.broken"),
                    "config `broken` is a string, not a mapping".into()
                ),
                (
                    format!("{at}.config.sources./srv"),
                    "source `/srv` is a list, not the URL of an archive".into()
                ),
                (
                    format!("{at}.config.files./etc/a"),
                    "file `/etc/a` is a number, not a mapping".into()
                ),
                (
                    format!("{at}.config.files./etc/b.group"),
                    "`group` is a mapping, not text or a list".into()
                ),
                (
                    format!("{at}.config.commands"),
                    "`commands` is a string, not a mapping".into()
                ),
                (
                    format!("{at}.config.services.sysvinit.cfn-hup"),
                    "service `cfn-hup` is a string, not a mapping".into()
                ),
                (
                    format!("{at}.config.services.sysvinit.php.packages"),
                    "`packages` is a string, not a mapping".into()
                ),
                (
                    format!("{at}.more.commands.stop"),
                    "command `stop` has no `command` to run".into()
                ),
            ] as [(String, String); 9],
        );
    }

    #[test]
    fn nothing_is_judged_under_a_macro_or_where_a_function_stands() {
        let init = "        config:\n          commands: !If [C, { a: { command: x } }, 5]\n          \
             files: !FindInMap [M, a, b]\n";
        assert_eq!(found(&instance(init)), []);
        let yaml = format!("Transform: MyMacro\n{}", instance("        config: text\n"));
        assert_eq!(found(&yaml), []);
        assert_eq!(found(&instance("        config: text\n")).len(), 1);
    }
}
