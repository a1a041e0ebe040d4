//! Where each stack of a command is, and the sessions that reach it: the AWS settings'
//! session, and one per other account and region the program binds a stack to
//! ([`crate::Env`]), with the account's profile or role from `ferroform.toml`
//! (`[accounts.<id>]`). A stack bound to an account is only acted on with credentials of
//! that account: STS `GetCallerIdentity` says whose they are, once per session, before
//! anything else is sent.

use std::io::Write;
use std::path::Path;

use clap::ArgMatches;

use super::{
    EXIT_INTERRUPTED, Source, app_command, block_on, check_names, connect, connect_in, requested,
};
use crate::app::project::{PROJECT_FILE, ProjectFile};
use crate::app::runner::run_app;
use crate::cli::Exit;
use crate::deploy::Session;
use crate::model::env::Env;
use crate::model::template::Template;

/// A stack an AWS command acts on: its name, where its program binds it, and whether the
/// program deploys it as a stack set ([`crate::StackSet`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::cli) struct Place {
    pub name: String,
    pub env: Option<Env>,
    pub stack_set: Option<crate::StackSet>,
}

impl Place {
    fn named(name: String) -> Place {
        Place {
            name,
            env: None,
            stack_set: None,
        }
    }
}

/// (account, region) a stack is bound to.
type Key = (Option<String>, Option<String>);

fn key(env: Option<&Env>) -> Key {
    (
        env.and_then(Env::account).map(str::to_owned),
        env.and_then(Env::region_name).map(str::to_owned),
    )
}

/// The sessions of one command.
pub(in crate::cli) struct Sessions {
    base: Session,
    others: Vec<(Key, Session)>,
}

impl Sessions {
    /// The session for a stack bound to `env`.
    pub fn of(&self, env: Option<&Env>) -> &Session {
        let k = key(env);
        self.others
            .iter()
            .find(|(o, _)| *o == k)
            .map_or(&self.base, |(_, s)| s)
    }
}

/// Connect for the stacks `bound` (name, where its program binds it). `--timeout` starts
/// here. A stack bound to an account whose credentials turn out to be another account's is
/// an error (exit 2) naming it, its account and the credentials', with every such stack at
/// once; nothing but `GetCallerIdentity` is sent before that.
pub(in crate::cli) fn connect_for<'a>(
    m: &ArgMatches,
    bound: impl IntoIterator<Item = (&'a str, Option<&'a Env>)>,
) -> Result<Sessions, Exit> {
    let base = connect(m)?;
    let bound: Vec<(&str, &Env)> = bound
        .into_iter()
        .filter_map(|(n, e)| e.map(|e| (n, e)))
        .collect();
    if bound.is_empty() {
        return Ok(Sessions {
            base,
            others: Vec::new(),
        });
    }
    // Only accounts are looked up in the project file (regions need no credentials of
    // their own): an app bound to regions only does not read it again.
    let project = if bound.iter().any(|(_, e)| e.account().is_some()) {
        ProjectFile::load(Path::new(PROJECT_FILE))
            .map_err(|e| Exit::usage(e.to_string()))?
            .unwrap_or_default()
    } else {
        ProjectFile::default()
    };
    let mut sessions = Sessions {
        base,
        others: Vec::new(),
    };
    // The account of each session's credentials, asked once (`None`: the base session).
    let mut accounts: Vec<(Option<Key>, String)> = Vec::new();
    let mut problems = Vec::new();
    for (stack, env) in bound {
        let k = key(Some(env));
        let access = env.account().and_then(|a| project.account(a));
        let own = access.is_some()
            || env
                .region_name()
                .is_some_and(|r| r != sessions.base.region());
        if own && !sessions.others.iter().any(|(o, _)| *o == k) {
            let s = connect_in(m, env.region_name(), access)?;
            sessions.others.push((k.clone(), s));
        }
        let Some(expected) = env.account() else {
            continue;
        };
        let id = own.then(|| k.clone());
        let session = sessions.of(Some(env));
        let actual = match accounts.iter().find(|(i, _)| *i == id) {
            Some((_, a)) => a.clone(),
            None => {
                let Some(answer) = block_on(session.caller_account())? else {
                    return Err(Exit::reported(EXIT_INTERRUPTED));
                };
                let a = answer.map_err(|mut e| {
                    e.stack = Some(stack.to_owned());
                    e.message = format!(
                        "bound to account {expected}, whose credentials ({}) cannot be checked: {}",
                        session.credentials_source(),
                        e.message
                    );
                    Exit::from(e)
                })?;
                accounts.push((id, a.clone()));
                a
            }
        };
        if actual != expected {
            problems.push(format!(
                "error: stack {stack} is bound to account {expected}, but the credentials ({}) are for account {actual}\n",
                session.credentials_source()
            ));
        }
    }
    if problems.is_empty() {
        return Ok(sessions);
    }
    Err(Exit::usage(format!(
        "{}hint: say how to reach each account in ./ferroform.toml:\n  [accounts.<id>]\n  profile = \"...\"     # a profile of that account, or\n  role_arn = \"...\"    # a role of that account to assume\nerror: nothing was submitted",
        problems.concat()
    )))
}

/// [`connect_for`] the stacks of `templates`.
pub(in crate::cli) fn connect_templates(
    m: &ArgMatches,
    templates: &[Template],
) -> Result<Sessions, Exit> {
    connect_for(m, templates.iter().map(|t| (t.name(), t.env())))
}

/// The stacks to act on ([`stack_places`]) and their sessions.
pub(in crate::cli) fn connect_places(
    source: Source<'_>,
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<(Vec<Place>, Sessions), Exit> {
    let places = stack_places(source, m, err)?;
    let sessions = connect_for(m, places.iter().map(|p| (p.name.as_str(), p.env.as_ref())))?;
    Ok((places, sessions))
}

/// The stacks an AWS command acts on (`--stack-name`, `STACK...`, or the app's), each with
/// where its program binds it ([`crate::Stack::env`]), if anywhere: the AWS commands act on
/// a bound stack in its account and region. A stack named with `STACK` is looked up in the
/// app when there is one (`--app` or `ferroform.toml`); `--stack-name` names a stack
/// where the AWS settings say.
fn stack_places(
    source: Source<'_>,
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<Vec<Place>, Exit> {
    let names = requested(m);
    if let Some(n) = m.get_one::<String>("stack-name") {
        if !names.is_empty() {
            return Err(Exit::usage(
                "give the stack either with --stack-name or as STACK, not both",
            ));
        }
        check_names([n.as_str()], true)?;
        return Ok(vec![Place::named(n.clone())]);
    }
    check_names(names.iter().map(String::as_str), true)?;
    match source {
        Source::App(app) => Ok(crate::cli::select_stacks(app, m)?
            .into_iter()
            .map(|n| Place {
                name: n.to_owned(),
                env: app
                    .stacks()
                    .iter()
                    .find(|s| s.name() == n)
                    .and_then(|s| s.environment())
                    .cloned(),
                stack_set: app.stack_set(n).cloned(),
            })
            .collect()),
        Source::Tool => match app_command(m, err)? {
            Some(cmd) => {
                let of_app: Vec<Place> = run_app(&cmd, &[])?
                    .iter()
                    .map(|t| Place {
                        name: t.name().to_owned(),
                        env: t.env().cloned(),
                        stack_set: t.stack_set().cloned(),
                    })
                    .collect();
                if names.is_empty() {
                    return Ok(of_app);
                }
                // Named stacks: as the app binds them; one it does not have, by name.
                Ok(names
                    .into_iter()
                    .map(|n| {
                        of_app
                            .iter()
                            .find(|p| p.name == n)
                            .cloned()
                            .unwrap_or_else(|| Place::named(n))
                    })
                    .collect())
            }
            None if !names.is_empty() => Ok(names.into_iter().map(Place::named).collect()),
            None => Err(Exit::usage(
                "which stacks? Use --stack-name NAME, or --app \"CMD\" [STACK...] (or app = \"CMD\" in ./ferroform.toml)",
            )),
        },
    }
}
