//! The schema set on disk (cfn-lint's bundled provider schemas) and the list of types to
//! generate.
//!
//! Besides the region's CloudFormation types, cfn-lint bundles the schemas of SAM's
//! `AWS::Serverless::*` types (`providers/sam.json`, derived from SAM's published schema):
//! they go into the validator's constraint data, never into the generated Rust types (a SAM
//! type is a transform's input, not a CloudFormation type).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// cfn-lint's bundled schemas: `providers/<region>.json` maps type names to content hashes,
/// `resources/<hash>.json` holds each schema.
pub struct SchemaSet {
    dir: PathBuf,
    /// Type name → schema file, relative to the schema directory (`resources/<hash>.json`).
    pub types: BTreeMap<String, String>,
    /// The same for SAM's `AWS::Serverless::*` types (`providers/sam.json`): constraint data
    /// only, which is why they are apart from `types` (the types list expands against
    /// `types`).
    pub sam_types: BTreeMap<String, String>,
    /// `schema_date` from `version.json`.
    pub schema_date: String,
}

impl SchemaSet {
    /// Load the type index of `region` and that of SAM's types.
    pub fn open(dir: &Path, region: &str) -> Result<Self, String> {
        let types = read_index(&dir.join("providers").join(format!("{region}.json")))?;
        let sam = dir.join("providers").join("sam.json");
        let sam_types = read_index(&sam)?;
        if let Some(t) = sam_types.keys().find(|t| !t.starts_with(SAM_PREFIX)) {
            return Err(format!(
                "{}: {t} is not an {SAM_PREFIX}* type",
                sam.display()
            ));
        }
        let version = read_json(&dir.join("version.json"))?;
        let schema_date = version
            .get("schema_date")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned();
        Ok(SchemaSet {
            dir: dir.to_owned(),
            types,
            sam_types,
            schema_date,
        })
    }

    /// The parsed schema of a type.
    pub fn load(&self, type_name: &str) -> Result<(String, Value), String> {
        let file = self
            .types
            .get(type_name)
            .or_else(|| self.sam_types.get(type_name))
            .ok_or_else(|| format!("{type_name}: not in the schema set"))?;
        Ok((file.clone(), read_json(&self.dir.join(file))?))
    }
}

/// The prefix of SAM's resource types.
pub const SAM_PREFIX: &str = "AWS::Serverless::";

/// A provider index (`providers/<name>.json`): type name → `resources/<hash>.json`.
fn read_index(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let Value::Object(map) = read_json(path)? else {
        return Err(format!("{}: not a JSON object", path.display()));
    };
    let mut types = BTreeMap::new();
    for (name, hash) in map {
        let hash = hash
            .as_str()
            .ok_or_else(|| format!("{}: {name}: hash is not a string", path.display()))?;
        types.insert(name, format!("resources/{hash}.json"));
    }
    Ok(types)
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The cfn-lint version that bundles `schemas_dir` (`.../site-packages/cfnlint/data/schemas`),
/// from the `Version:` line of its `cfn_lint-*.dist-info/METADATA`.
pub fn cfn_lint_version(schemas_dir: &Path) -> Option<String> {
    let site = schemas_dir.ancestors().nth(3)?;
    let mut infos: Vec<PathBuf> = fs::read_dir(site)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("cfn_lint-") && n.ends_with(".dist-info"))
        })
        .collect();
    infos.sort();
    let meta = fs::read_to_string(infos.first()?.join("METADATA")).ok()?;
    meta.lines()
        .find_map(|l| l.strip_prefix("Version:"))
        .map(|v| v.trim().to_owned())
}

/// Parse a types list: one type or pattern per line, `#` starts a comment. A pattern has
/// `*` for any segment (`AWS::ECS::*`).
pub fn parse_list(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let l = l.split('#').next().unwrap_or("").trim();
            (!l.is_empty()).then(|| (i + 1, l.to_owned()))
        })
        .collect()
}

/// Whether `type_name` matches `pattern` segment by segment (`*` matches any segment).
pub fn matches(pattern: &str, type_name: &str) -> bool {
    let p: Vec<&str> = pattern.split("::").collect();
    let t: Vec<&str> = type_name.split("::").collect();
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| *p == "*" || p == t)
}

/// Expand a types list against the known types: sorted, without duplicates. A line that
/// matches nothing is an error.
pub fn expand(
    lines: &[(usize, String)],
    known: &BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let mut out = std::collections::BTreeSet::new();
    let mut errors = Vec::new();
    for (line, pattern) in lines {
        let hits: Vec<&String> = known.keys().filter(|t| matches(pattern, t)).collect();
        if hits.is_empty() {
            errors.push(format!(
                "line {line}: `{pattern}` matches no type in the schema set"
            ));
        }
        out.extend(hits.into_iter().cloned());
    }
    if errors.is_empty() {
        Ok(out.into_iter().collect())
    } else {
        Err(errors.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_expand_wildcards_and_report_unknown_types() {
        let known: BTreeMap<String, String> =
            ["AWS::ECS::Service", "AWS::ECS::Cluster", "AWS::IAM::Role"]
                .iter()
                .map(|t| (t.to_string(), String::new()))
                .collect();
        let lines =
            parse_list("# comment\nAWS::ECS::*\n\nAWS::IAM::Role # trailing\nAWS::ECS::Service\n");
        assert_eq!(
            expand(&lines, &known).unwrap(),
            ["AWS::ECS::Cluster", "AWS::ECS::Service", "AWS::IAM::Role"]
        );
        let bad = parse_list("AWS::Nope::*");
        assert!(expand(&bad, &known).unwrap_err().contains("line 1"));
    }
}
