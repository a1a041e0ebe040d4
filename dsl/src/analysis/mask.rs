//! NoEcho parameter values: never printed, never written.

use indexmap::IndexMap;

use crate::model::render::Json;
use crate::model::template::Template;
use crate::validate::secrets::{exposed_outputs, no_echo_parameters};

/// Keeps NoEcho values off terminals, files and logs.
///
/// Masking is done **by field** wherever ferroform knows what a field holds:
/// - an output whose `Value` (or export name) refers to a NoEcho parameter — a `Ref`, an
///   `Fn::Sub` variable, anywhere inside `Fn::Join`, `Fn::If`... — reads `****` as a whole
///   ([`Masker::mask_outputs`]), whatever its value; CloudFormation itself masks NoEcho values
///   in parameters but not in outputs;
/// - a NoEcho parameter's `Default` in the template diff reads `****`
///   ([`property_diff`](crate::analysis::diff::property_diff)), and so does the same value
///   written elsewhere in either template ([`Masker::for_diff`]);
/// - `--parameter` values are never echoed, not even in a parse error.
///
/// Free text that ferroform does not write itself — stack event and status reasons, AWS error
/// messages — may quote a value it was given, so [`Masker::mask`] replaces every whole
/// occurrence of a NoEcho value given with `--parameter` there, longest value first. It only
/// looks for values of at least [`Masker::MIN_FREE_TEXT_SECRET`] characters: a short value also
/// occurs by chance in ordinary text, and masking those chance occurrences would reveal the
/// secret instead of hiding it (a one-letter value `e` would turn every `e` into `****`,
/// showing exactly which letter it is). Shorter NoEcho values are therefore not masked in free
/// text — they are still masked in every field above. Use NoEcho values long enough to be
/// secrets.
///
/// ```
/// use ferroform::Template;
/// use ferroform::analysis::mask::Masker;
///
/// let t = Template::parse("db.json", r#"{
///   "Parameters": {"Pw": {"Type": "String", "NoEcho": "true"}, "Host": {"Type": "String"}},
///   "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}},
///   "Outputs": {"Url": {"Value": {"Fn::Sub": "db://app:${Pw}@${Host}"}},
///               "Name": {"Value": {"Ref": "Logs"}}}}"#).unwrap();
/// let m = Masker::new(&t, &[("Pw".into(), "s3cret-value".into()), ("Host".into(), "db".into())]);
/// assert_eq!(m.mask("bad password s3cret-value"), "bad password ****");
/// assert_eq!(m.mask("Host db is down"), "Host db is down", "not a NoEcho value");
///
/// let mut outputs = indexmap::IndexMap::new();
/// outputs.insert("Url".to_owned(), "db://app:s3cret-value@db".to_owned());
/// outputs.insert("Name".to_owned(), "web-logs".to_owned());
/// m.mask_outputs(&mut outputs);
/// assert_eq!(outputs["Url"], "****");
/// assert_eq!(outputs["Name"], "web-logs");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Masker {
    /// Outputs derived from NoEcho parameters (masked whole).
    outputs: Vec<String>,
    /// NoEcho values to look for in free text, longest first.
    secrets: Vec<String>,
}

impl Masker {
    /// What a masked value reads.
    pub const MASK: &'static str = "****";

    /// The shortest NoEcho value [`Masker::mask`] looks for in free text, in characters.
    pub const MIN_FREE_TEXT_SECRET: usize = 4;

    /// The masker of `template` deployed with `parameters` (`--parameter` pairs): its
    /// NoEcho parameters, the outputs derived from them and the NoEcho values given.
    pub fn new(template: &Template, parameters: &[(String, String)]) -> Masker {
        let noecho = no_echo_parameters(template.body());
        Masker {
            secrets: free_text_secrets(
                parameters
                    .iter()
                    .filter(|(k, _)| noecho.contains(k))
                    .map(|(_, v)| v.clone()),
            ),
            ..Masker::for_outputs(template)
        }
    }

    /// The masker of two templates compared without deploying them (`ferroform diff OLD
    /// NEW`), where no parameter values are given: the outputs derived from the NoEcho
    /// parameters of either, and the `Default` of every NoEcho parameter in free text, so
    /// that a default written again elsewhere in a template (a literal password in a
    /// resource property) is not shown by the diff either.
    ///
    /// ```
    /// use ferroform::Template;
    /// use ferroform::analysis::mask::Masker;
    ///
    /// let t = |default: &str| Template::parse("t.json", &format!(r#"{{
    ///   "Parameters": {{"Pw": {{"Type": "String", "NoEcho": true, "Default": "{default}"}}}},
    ///   "Resources": {{"Db": {{"Type": "AWS::RDS::DBInstance",
    ///                         "Properties": {{"MasterUserPassword": "{default}"}}}}}}}}"#)).unwrap();
    /// let m = Masker::for_diff(&t("old-password"), &t("new-password"));
    /// assert_eq!(
    ///     m.mask("~ Properties.MasterUserPassword: \"old-password\" → \"new-password\""),
    ///     "~ Properties.MasterUserPassword: \"****\" → \"****\""
    /// );
    /// ```
    pub fn for_diff(old: &Template, new: &Template) -> Masker {
        let mut outputs = exposed_outputs(old.body());
        for o in exposed_outputs(new.body()) {
            if !outputs.contains(&o) {
                outputs.push(o);
            }
        }
        Masker {
            outputs,
            ..Masker::for_defaults(&[old.body(), new.body()])
        }
    }

    /// The masker of the `Default` values of the NoEcho parameters of template bodies
    /// `bodies`, in free text (no outputs).
    pub(crate) fn for_defaults(bodies: &[&Json]) -> Masker {
        let defaults = bodies.iter().flat_map(|body| {
            no_echo_parameters(body).into_iter().filter_map(|p| {
                match body.get("Parameters")?.get(&p)?.get("Default")? {
                    Json::String(s) => Some(s.clone()),
                    Json::Number(n) => Some(n.to_string()),
                    _ => None,
                }
            })
        });
        Masker {
            outputs: Vec::new(),
            secrets: free_text_secrets(defaults),
        }
    }

    /// The masker of a deployed template whose parameter values are not known: it masks the
    /// outputs derived from NoEcho parameters.
    pub fn for_outputs(template: &Template) -> Masker {
        Masker {
            outputs: exposed_outputs(template.body()),
            secrets: Vec::new(),
        }
    }

    /// `text` with every whole occurrence of a NoEcho value given (of at least
    /// [`Masker::MIN_FREE_TEXT_SECRET`] characters) replaced by `****`.
    pub fn mask(&self, text: &str) -> String {
        let mut s = text.to_owned();
        for secret in &self.secrets {
            if s.contains(secret.as_str()) {
                s = s.replace(secret.as_str(), Masker::MASK);
            }
        }
        s
    }

    /// Replace with `****` the value of every output derived from a NoEcho parameter, and
    /// mask the others as free text ([`Masker::mask`]).
    pub fn mask_outputs(&self, outputs: &mut IndexMap<String, String>) {
        for (k, v) in outputs.iter_mut() {
            if self.outputs.iter().any(|o| o == k) {
                Masker::MASK.clone_into(v);
            } else {
                *v = self.mask(v);
            }
        }
    }
}

/// The NoEcho values [`Masker::mask`] looks for: those long enough
/// ([`Masker::MIN_FREE_TEXT_SECRET`]), each once, longest first (a secret containing another
/// is masked whole).
fn free_text_secrets(values: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut secrets: Vec<String> = values
        .into_iter()
        .filter(|v| v.chars().count() >= Masker::MIN_FREE_TEXT_SECRET)
        .collect();
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    secrets
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(no_echo: &str) -> Template {
        let text = format!(
            r#"{{"Parameters": {{"P": {{"Type": "String", "NoEcho": {no_echo}}}, "Q": {{"Type": "String"}}}},
               "Resources": {{"Logs": {{"Type": "AWS::Logs::LogGroup"}}}},
               "Outputs": {{"Out": {{"Value": {{"Fn::Join": ["-", ["x", {{"Ref": "P"}}]]}}}},
                            "Plain": {{"Value": {{"Ref": "Q"}}}}}}}}"#
        );
        Template::new(
            "t",
            Template::parse("t.json", &text).unwrap().body().clone(),
        )
    }

    #[test]
    fn a_short_secret_does_not_garble_free_text() {
        let m = Masker::new(&template("true"), &[("P".into(), "e".into())]);
        let text = "Resource creation cancelled: the role needs a trust policy";
        assert_eq!(m.mask(text), text, "a one-letter value is not searched for");
        let m = Masker::new(&template("true"), &[("P".into(), "abc".into())]);
        assert_eq!(m.mask("abcdef"), "abcdef");
    }

    #[test]
    fn long_secrets_are_masked_whole_longest_first() {
        let m = Masker::new(
            &template("true"),
            &[
                ("P".into(), "hunter2".into()),
                ("P".into(), "hunter2-secret".into()),
            ],
        );
        assert_eq!(
            m.mask("bad: hunter2-secret and hunter2"),
            "bad: **** and ****"
        );
    }

    #[test]
    fn a_diff_masks_the_no_echo_defaults_of_both_templates() {
        let t = |params: &str| {
            Template::parse(
                "t.json",
                &format!(r#"{{"Parameters": {params}, "Resources": {{"Q": {{"Type": "AWS::SQS::Queue"}}}},
                   "Outputs": {{"Out": {{"Value": {{"Ref": "P"}}}}}}}}"#),
            )
            .unwrap()
        };
        let old = t(
            r#"{"P": {"Type": "String", "NoEcho": "true", "Default": "old-secret"},
                       "Port": {"Type": "Number", "NoEcho": true, "Default": 54321},
                       "Short": {"Type": "String", "NoEcho": true, "Default": "abc"}}"#,
        );
        let new = t(
            r#"{"P": {"Type": "String", "NoEcho": true, "Default": "new-secret"},
                       "Open": {"Type": "String", "Default": "visible"}}"#,
        );
        let m = Masker::for_diff(&old, &new);
        assert_eq!(
            m.mask("old-secret new-secret 54321 visible abc"),
            "**** **** **** visible abc",
            "NoEcho defaults of either template, numbers too; not other defaults, not short ones"
        );
        let mut outs = IndexMap::new();
        outs.insert("Out".to_owned(), "x".to_owned());
        m.mask_outputs(&mut outs);
        assert_eq!(outs["Out"], "****");
        // Neither template NoEcho: nothing masked.
        let plain = t(r#"{"P": {"Type": "String", "Default": "old-secret"}}"#);
        let m = Masker::for_diff(&plain, &plain);
        assert_eq!(m.mask("old-secret"), "old-secret");
        assert_eq!(m, Masker::default());
    }

    #[test]
    fn each_secret_is_looked_for_once_longest_first() {
        let values = ["abcd", "wxyz", "abcd", "abcdef", "ab"].map(str::to_owned);
        assert_eq!(free_text_secrets(values), ["abcdef", "abcd", "wxyz"]);
    }

    #[test]
    fn outputs_derived_from_no_echo_parameters_are_masked_by_field() {
        for form in ["true", "\"true\"", "\"True\""] {
            // A one-letter secret: the output is masked whole, the others left intact.
            let m = Masker::new(
                &template(form),
                &[("P".into(), "e".into()), ("Q".into(), "e".into())],
            );
            let mut outs = IndexMap::new();
            outs.insert("Out".to_owned(), "x-e".to_owned());
            outs.insert("Plain".to_owned(), "e".to_owned());
            m.mask_outputs(&mut outs);
            assert_eq!(outs["Out"], "****", "NoEcho: {form}");
            assert_eq!(outs["Plain"], "e", "NoEcho: {form}");
        }
        let m = Masker::new(&template("false"), &[("P".into(), "secret-value".into())]);
        let mut outs = IndexMap::new();
        outs.insert("Out".to_owned(), "x-secret-value".to_owned());
        m.mask_outputs(&mut outs);
        assert_eq!(outs["Out"], "x-secret-value", "not NoEcho");
    }

    #[test]
    fn a_diff_masks_the_outputs_of_either_template() {
        let t = |outputs: &str| {
            Template::parse(
                "t.yaml",
                &format!("Parameters:\n  Pw: {{Type: String, NoEcho: true}}\nResources:\n  Q: {{Type: AWS::SQS::Queue}}\n{outputs}"),
            )
            .unwrap()
        };
        let (none, old, new) = (
            t(""),
            t("Outputs:\n  Old: {Value: !Ref Pw}\n"),
            t("Outputs:\n  New: {Value: !Sub 'x-${Pw}'}\n"),
        );
        for m in [Masker::for_diff(&old, &new), Masker::for_diff(&none, &new)] {
            let mut outs = IndexMap::new();
            outs.insert("New".to_owned(), "x-s3cret".to_owned());
            outs.insert("Queue".to_owned(), "q".to_owned());
            m.mask_outputs(&mut outs);
            assert_eq!(
                (outs["New"].as_str(), outs["Queue"].as_str()),
                ("****", "q")
            );
        }
        let m = Masker::for_diff(&old, &none);
        let mut outs = IndexMap::new();
        outs.insert("Old".to_owned(), "s3cret".to_owned());
        m.mask_outputs(&mut outs);
        assert_eq!(outs["Old"], "****");
    }
}
