//! Cross-stack references: the exports a stack must declare because other stacks of the same
//! [`crate::App`] read its values, and the names they get.
//!
//! A reference (`Ref`, `Fn::GetAtt`) to a resource or parameter of another stack of the app is
//! rendered in the consuming stack as `{"Fn::ImportValue": "<export name>"}` (a list as
//! `Fn::Split` of it), and the producing stack gets an output that exports the value under
//! that name. Names are derived from the producer's stack name, the logical ID and the
//! attribute only, so they stay the same across unrelated edits:
//!
//! | reference                     | export name             | output logical ID     |
//! |-------------------------------|-------------------------|-----------------------|
//! | `Ref Vpc` in stack `Platform` | `Platform:Vpc`          | `ExportVpcRef`        |
//! | `Fn::GetAtt WebRepo.Arn`      | `Platform:WebRepo:Arn`  | `ExportWebRepoArn`    |
//!
//! CloudFormation allows only ASCII letters, digits, colons and hyphens in export names
//! ("The Name field of every Export member must ... consist only of alphanumeric characters,
//! colons, or hyphens"); other characters of an attribute name (`Endpoint.Address`) become `-`.

use std::borrow::Cow;
use std::rc::Rc;

use super::id::StackId;
use super::json::{Json, JsonMap};

/// The longest export name or output logical ID written; longer ones are cut and end with a
/// hash of the full name, so they stay unique and stable.
pub(crate) const MAX_NAME: usize = 255;

/// The most outputs a template may declare (CloudFormation quota).
pub(crate) const MAX_OUTPUTS: usize = 200;

/// How a referenced value travels through an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Shape {
    /// A string or number: exported as is.
    Scalar,
    /// A list of strings: exported joined with `,`, imported with `Fn::Split`.
    List,
    /// A JSON object: CloudFormation cannot export it.
    Object,
}

/// One value a stack exports for another stack of its app: `Ref` (no attribute) or
/// `Fn::GetAtt` of one of its resources or parameters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ExportRef {
    /// The producing stack.
    pub stack: StackId,
    /// The logical ID of the resource or parameter.
    pub id: Rc<str>,
    /// The attribute (`Fn::GetAtt`), or none (`Ref`).
    pub attr: Option<Cow<'static, str>>,
    /// How the value is exported.
    pub shape: Shape,
    /// Whether the output carries an `Export` (read with `Fn::ImportValue` in the same
    /// account and region), or is an output only (read with `Fn::GetStackOutput` from another
    /// region or account).
    pub exported: bool,
}

impl ExportRef {
    /// The export name: `<stack>:<logical id>` for `Ref`, `<stack>:<logical id>:<attribute>`
    /// for `Fn::GetAtt`.
    pub fn export_name(&self, stack_name: &str) -> String {
        let mut name = format!("{stack_name}:{}", self.id);
        if let Some(attr) = &self.attr {
            name.push(':');
            name.push_str(attr);
        }
        let name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == ':' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        shorten(name)
    }

    /// The logical ID of the output that exports the value: `Export<Id><Attribute>`, or
    /// `Export<Id>Ref` for `Ref`.
    pub fn output_id(&self) -> String {
        let attr = self.attr.as_deref().unwrap_or("Ref");
        let id: String = format!("Export{}{attr}", self.id)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        shorten(id)
    }

    /// The output's `Value`: the reference itself, or a list joined with commas.
    pub fn output_value(&self) -> Json {
        let reference = match &self.attr {
            None => obj("Ref", Json::String(self.id.to_string())),
            Some(attr) => obj(
                "Fn::GetAtt",
                Json::Array(vec![
                    Json::String(self.id.to_string()),
                    Json::String(attr.to_string()),
                ]),
            ),
        };
        match self.shape {
            Shape::List => obj(
                "Fn::Join",
                Json::Array(vec![Json::String(",".into()), reference]),
            ),
            _ => reference,
        }
    }

    /// What the consuming stack writes in place of the reference.
    pub fn import(&self, stack_name: &str) -> Json {
        let import = obj(
            "Fn::ImportValue",
            Json::String(self.export_name(stack_name)),
        );
        match self.shape {
            Shape::List => obj(
                "Fn::Split",
                Json::Array(vec![Json::String(",".into()), import]),
            ),
            _ => import,
        }
    }
}

/// Where another stack's outputs are read from with `Fn::GetStackOutput`: its region, and
/// across accounts the role that may read them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reach {
    pub region: String,
    pub role_arn: Option<String>,
}

impl ExportRef {
    /// What a stack in another region or account writes in place of the reference:
    /// `Fn::GetStackOutput` of the producer's output (a list through `Fn::Split`).
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html>
    pub fn read_from(&self, stack_name: &str, reach: &Reach) -> Json {
        let mut args = JsonMap::with_capacity(4);
        args.insert("StackName".into(), Json::String(stack_name.to_owned()));
        args.insert("OutputName".into(), Json::String(self.output_id()));
        args.insert("Region".into(), Json::String(reach.region.clone()));
        if let Some(role) = &reach.role_arn {
            args.insert("RoleArn".into(), Json::String(role.clone()));
        }
        let read = obj("Fn::GetStackOutput", Json::Object(args));
        match self.shape {
            Shape::List => obj(
                "Fn::Split",
                Json::Array(vec![Json::String(",".into()), read]),
            ),
            _ => read,
        }
    }
}

pub(crate) fn obj(key: &str, value: Json) -> Json {
    let mut m = JsonMap::with_capacity(1);
    m.insert(key.to_owned(), value);
    Json::Object(m)
}

/// Keep `name` within [`MAX_NAME`] characters: a longer one is cut and ends with 16 hex
/// digits of a hash of the whole name (FNV-1a, stable across runs and platforms).
fn shorten(name: String) -> String {
    if name.len() <= MAX_NAME {
        return name;
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    // Names are ASCII here, so cutting at a byte index is cutting at a character.
    format!("{}{hash:016X}", &name[..MAX_NAME - 16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: &str, attr: Option<&'static str>, shape: Shape) -> ExportRef {
        ExportRef {
            exported: true,
            stack: StackId::fresh(),
            id: Rc::from(id),
            attr: attr.map(Cow::Borrowed),
            shape,
        }
    }

    #[test]
    fn names_are_stack_id_and_attribute() {
        let e = r("WebRepo", Some("Arn"), Shape::Scalar);
        assert_eq!(e.export_name("Platform"), "Platform:WebRepo:Arn");
        assert_eq!(e.output_id(), "ExportWebRepoArn");
        let e = r("Vpc", None, Shape::Scalar);
        assert_eq!(e.export_name("Platform"), "Platform:Vpc");
        assert_eq!(e.output_id(), "ExportVpcRef");
    }

    #[test]
    fn only_allowed_characters_in_export_names() {
        let e = r("Db", Some("Endpoint.Address"), Shape::Scalar);
        assert_eq!(e.export_name("Data-1"), "Data-1:Db:Endpoint-Address");
        assert_eq!(e.output_id(), "ExportDbEndpointAddress");
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash() {
        let long = "A".repeat(250);
        let a = r(&long, Some("Arn"), Shape::Scalar);
        let b = r(&long, Some("Arm"), Shape::Scalar);
        let (na, nb) = (a.export_name("Stack"), b.export_name("Stack"));
        assert_eq!(na.len(), MAX_NAME);
        // The hash is FNV-1a (64 bits) of the whole name, `Stack:AAA…A:Arn` (260 bytes):
        // a deployed export's name must not change between releases, or every stack that
        // imports it blocks the update. The value was computed apart, in Python, with the
        // FNV-1a constants (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
        assert_eq!(na, format!("Stack:{}18806C74B486EF20", "A".repeat(233)));
        assert_ne!(na, nb);
        assert_eq!(na, a.export_name("Stack"));
        assert!(a.output_id().len() <= MAX_NAME);
        assert!(
            na.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-')
        );
    }

    #[test]
    fn lists_travel_joined_and_split() {
        let e = r("Subnets", None, Shape::List);
        assert_eq!(
            e.output_value(),
            serde_json::json!({"Fn::Join": [",", {"Ref": "Subnets"}]})
        );
        assert_eq!(
            e.import("Net"),
            serde_json::json!({"Fn::Split": [",", {"Fn::ImportValue": "Net:Subnets"}]})
        );
    }
}
