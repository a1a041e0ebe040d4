//! NoEcho parameter values: never printed.

use crate::model::render::Json;
use crate::model::template::Template;

/// Replaces the values of NoEcho parameters with `****` in any text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Masker {
    secrets: Vec<String>,
}

impl Masker {
    /// The NoEcho parameters of `template` whose values are among `parameters`.
    pub fn new(template: &Template, parameters: &[(String, String)]) -> Masker {
        let noecho = no_echo_parameters(template.body());
        let mut secrets: Vec<String> = parameters
            .iter()
            .filter(|(k, v)| noecho.contains(k) && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect();
        // Longest first, so that a secret containing another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Masker { secrets }
    }

    /// `text` with every secret value replaced by `****`.
    pub fn mask(&self, text: &str) -> String {
        let mut s = text.to_owned();
        for secret in &self.secrets {
            if s.contains(secret.as_str()) {
                s = s.replace(secret.as_str(), "****");
            }
        }
        s
    }
}

/// The names of the parameters a template declares `NoEcho: true`.
pub(crate) fn no_echo_parameters(body: &Json) -> Vec<String> {
    body.get("Parameters")
        .and_then(Json::as_object)
        .map(|ps| {
            ps.iter()
                .filter(|(_, p)| {
                    matches!(p.get("NoEcho"), Some(Json::Bool(true)))
                        || p.get("NoEcho").and_then(Json::as_str) == Some("true")
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}
