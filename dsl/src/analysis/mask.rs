//! NoEcho parameter values: never printed, never written.

use indexmap::IndexMap;

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
///   ([`property_diff`](crate::analysis::diff::property_diff));
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
        let mut m = Masker::for_outputs(template);
        let noecho = no_echo_parameters(template.body());
        let mut secrets: Vec<String> = parameters
            .iter()
            .filter(|(k, v)| {
                noecho.contains(k) && v.chars().count() >= Masker::MIN_FREE_TEXT_SECRET
            })
            .map(|(_, v)| v.clone())
            .collect();
        // Longest first, so that a secret containing another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        m.secrets = secrets;
        m
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
                *v = Masker::MASK.to_owned();
            } else {
                *v = self.mask(v);
            }
        }
    }
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
}
