//! `FF3013`: a `Ref` to a resource of the template where a property takes the ID of another
//! kind of resource. What `Ref` returns is documented per type ("Ref returns the ID of the
//! VPC" for `AWS::EC2::VPC`, the subnet's ID for `AWS::EC2::Subnet`, a role's *name* for
//! `AWS::IAM::Role`...), so a `VpcId` given `Ref` of a role is a name where an ID belongs,
//! which the service refuses when the stack is deployed.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html>
//!
//! Only these properties, whose names say the one kind they take, are judged, on resources
//! of AWS's own types: `VpcId` (an `AWS::EC2::VPC`), `SubnetId` and the items of `Subnets`
//! and `SubnetIds` (an `AWS::EC2::Subnet`), the items of `SecurityGroupIds`,
//! `SecurityGroups` and `VpcSecurityGroupIds` (an `AWS::EC2::SecurityGroup`, whose `Ref` is
//! its ID, or its name where a group name is taken). A security group created without a
//! `VpcId` is the exception: "For security groups that were created without specifying a
//! VPC (EC2-Classic or a default VPC), Ref returns the resource name", so its `Ref` in
//! `SecurityGroupIds` or `VpcSecurityGroupIds`, which take IDs only, is a name where an ID
//! belongs.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html>
//! A `Ref` to a custom resource, a module or a type
//! of another namespace (a registry extension) can return anything and is not judged; nor
//! is a parameter (its type says what it holds).

use super::{Cx, intrinsic};
use crate::model::json::Field;
use crate::model::refcheck::{Seg as Step, format_path};
use crate::model::render::Json;
use crate::rules;

/// (property, the type whose `Ref` it takes, whether it is a list of them).
const KINDS: &[(&str, &str, bool)] = &[
    ("VpcId", "AWS::EC2::VPC", false),
    ("SubnetId", "AWS::EC2::Subnet", false),
    ("Subnets", "AWS::EC2::Subnet", true),
    ("SubnetIds", "AWS::EC2::Subnet", true),
    ("SecurityGroupIds", "AWS::EC2::SecurityGroup", true),
    ("SecurityGroups", "AWS::EC2::SecurityGroup", true),
    ("VpcSecurityGroupIds", "AWS::EC2::SecurityGroup", true),
];

/// A found problem: (logical ID, path, message, hint).
type Found = (String, String, String, String);

pub(super) fn check(cx: &mut Cx) {
    let mut found: Vec<Found> = Vec::new();
    // One path for all resources, deep enough for most properties without growing.
    let mut at = Vec::with_capacity(16);
    for (id, r, kind) in cx.typed_resources() {
        if !kind.is_some_and(|k| k.starts_with("AWS::")) {
            continue;
        }
        if let Some(p) = r.field("Properties") {
            at.clear();
            at.extend([Step::Key(id), Step::Key("Properties")]);
            walk(cx, p, &mut at, &mut found);
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::REF_OF_ANOTHER_KIND,
            Some(&id),
            path,
            message,
            Some(hint),
        );
    }
}

fn walk<'t>(cx: &Cx, v: &'t Json, at: &mut Vec<Step<'t>>, found: &mut Vec<Found>) {
    if at.len() > 64 {
        return;
    }
    match v {
        Json::Object(m) if intrinsic(v).is_none() => {
            for (k, x) in m {
                at.push(Step::Key(k));
                match KINDS.iter().find(|(name, ..)| name == k) {
                    Some(&(_, wanted, true)) => {
                        for (i, item) in x.as_array().into_iter().flatten().enumerate() {
                            at.push(Step::Index(i));
                            judge(cx, item, wanted, at, found);
                            at.pop();
                        }
                    }
                    Some(&(_, wanted, false)) => judge(cx, x, wanted, at, found),
                    None => walk(cx, x, at, found),
                }
                at.pop();
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Step::Index(i));
                walk(cx, x, at, found);
                at.pop();
            }
        }
        _ => {}
    }
}

/// `v` (or each branch of an `Fn::If`) when it is a `Ref` to a resource of an AWS type
/// other than `wanted`.
fn judge<'t>(cx: &Cx, v: &'t Json, wanted: &str, at: &mut Vec<Step<'t>>, found: &mut Vec<Found>) {
    match intrinsic(v) {
        Some(("Ref", Json::String(target))) => {
            let Some(kind) = cx.resource_type(target) else {
                return;
            };
            let property = at
                .iter()
                .rev()
                .find_map(|s| match s {
                    Step::Key(k) => Some(*k),
                    Step::Index(_) => None,
                })
                .unwrap_or_default();
            let Some(Step::Key(id)) = at.first() else {
                return;
            };
            // A security group without a VPC gives its name where IDs are taken.
            let named_group = kind == wanted
                && kind == "AWS::EC2::SecurityGroup"
                && matches!(property, "SecurityGroupIds" | "VpcSecurityGroupIds")
                && cx
                    .resource(target)
                    .is_some_and(|r| match r.field("Properties") {
                        None => true,
                        Some(Json::Object(p)) => {
                            !super::has_fn_key(p) && !super::may_be_set(p, "VpcId")
                        }
                        Some(_) => false,
                    });
            let (message, hint) = if named_group {
                (
                    format!(
                        "{property} takes security group IDs, but `{target}` has no VpcId: its Ref is the group's name"
                    ),
                    format!(
                        "give `{target}` its VpcId, or write `Fn::GetAtt: [{target}, GroupId]`"
                    ),
                )
            } else if kind == wanted
                || !kind.starts_with("AWS::")
                || kind == "AWS::CloudFormation::CustomResource"
                || super::is_module(kind)
            {
                return;
            } else {
                (
                    format!(
                        "{property} takes the ID of an {wanted}, but `{target}` is an {kind}, whose Ref is no such ID"
                    ),
                    format!("refer to an {wanted} (or a parameter of type {wanted}::Id)"),
                )
            };
            found.push((
                (*id).to_owned(),
                format!("{id}{}", format_path(&at[1..])),
                message,
                hint,
            ));
        }
        Some(("Fn::If", Json::Array(a))) if a.len() == 3 => {
            at.push(Step::Key("Fn::If"));
            for (branch, x) in a.iter().enumerate().skip(1) {
                at.push(Step::Index(branch));
                judge(cx, x, wanted, at, found);
                at.pop();
            }
            at.pop();
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::found;

    fn t(props: &str) -> String {
        format!(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {{CidrBlock: 10.0.0.0/16}}\n  Net:\n    Type: AWS::EC2::Subnet\n    Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}\n  Role:\n    Type: AWS::IAM::Role\n    Properties: {{AssumeRolePolicyDocument: {{}}}}\n  Lookup:\n    Type: Custom::Lookup\n    Properties: {{ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:f}}\n  It:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n{props}"
        )
    }

    #[test]
    fn a_security_group_without_vpc_gives_its_name_to_ref() {
        let yaml = "\
Resources:
  Classic:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: default VPC}
  InVpc:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: x, VpcId: vpc-1}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn
      Code: {ZipFile: x}
      Handler: index.handler
      Runtime: python3.12
      VpcConfig: {SubnetIds: [subnet-1], SecurityGroupIds: [!Ref InVpc, !Ref Classic, !GetAtt Classic.GroupId]}
  Instance:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SecurityGroups: [!Ref Classic]}
";
        let f = found(yaml, "FF3013");
        assert_eq!(
            f,
            [(
                "error",
                "Fn.Properties.VpcConfig.SecurityGroupIds[1]".to_owned(),
                "SecurityGroupIds takes security group IDs, but `Classic` has no VpcId: its Ref is the group's name".to_owned(),
                "give `Classic` its VpcId, or write `Fn::GetAtt: [Classic, GroupId]`".to_owned()
            )]
        );
    }

    #[test]
    fn a_vpc_or_subnet_property_given_ref_of_another_kind_is_an_error() {
        let f = found(&t("      VpcId: !Ref Role\n"), "FF3013");
        assert_eq!(
            f,
            [(
                "error",
                "It.Properties.VpcId".to_owned(),
                "VpcId takes the ID of an AWS::EC2::VPC, but `Role` is an AWS::IAM::Role, whose Ref is no such ID".to_owned(),
                "refer to an AWS::EC2::VPC (or a parameter of type AWS::EC2::VPC::Id)".to_owned()
            )]
        );
        // Each branch of an Fn::If; each item of a subnet list, nested anywhere.
        let f = found(&t("      VpcId: !If [C, !Ref Vpc, !Ref Net]\n"), "FF3013");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "It.Properties.VpcId.Fn::If[2]");
        let f = found(
            &t("      Tags: [{Key: k, Value: v}]\n      Nested: {Subnets: [!Ref Net, !Ref Vpc]}\n"),
            "FF3013",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "It.Properties.Nested.Subnets[1]");
        assert!(
            f[0].2
                .starts_with("Subnets takes the ID of an AWS::EC2::Subnet, but `Vpc`")
        );
        let f = found(
            &t(
                "      VpcId: !Ref Vpc\n      Nested: {SecurityGroupIds: [!Ref It, !Ref Role], SecurityGroups: [!Ref Net]}\n",
            ),
            "FF3013",
        );
        let paths: Vec<&str> = f.iter().map(|d| d.1.as_str()).collect();
        assert_eq!(
            paths,
            [
                "It.Properties.Nested.SecurityGroupIds[1]",
                "It.Properties.Nested.SecurityGroups[0]"
            ]
        );
    }

    #[test]
    fn what_can_be_anything_is_not_judged() {
        for fine in [
            "      VpcId: !Ref Vpc\n",
            "      VpcId: !Ref Lookup\n",
            "      VpcId: vpc-12345678\n",
            "      VpcId: !ImportValue Vpc\n",
            "      VpcId: !GetAtt Net.VpcId\n",
            "      SubnetIds: !Ref Role\n",
        ] {
            assert!(found(&t(fine), "FF3013").is_empty(), "{fine}");
        }
        // A custom resource of the generic type gives whatever its function returns.
        let custom = t("      VpcId: !Ref Custom\n").replace(
            "  It:\n",
            "  Custom:\n    Type: AWS::CloudFormation::CustomResource\n    Properties: {ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:f}\n  It:\n",
        );
        assert!(found(&custom, "FF3013").is_empty());
        // An `Fn::If` of other than three items is no choice (its shape is another rule's).
        assert!(found(&t("      VpcId: !If [C, !Ref Role]\n"), "FF3013").is_empty());
        // Inside another function a key is no property: here a variable of `Fn::Sub`.
        assert!(
            found(
                &t("      Name: !Sub ['${VpcId}', {VpcId: !Ref Role}]\n"),
                "FF3013"
            )
            .is_empty()
        );
    }

    /// Properties are followed through lists and mappings, to 64 steps from the resource.
    #[test]
    fn properties_are_found_in_lists_and_mappings_to_the_depth_bound() {
        let f = found(&t("      Nested: [{VpcId: !Ref Role}]\n"), "FF3013");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "It.Properties.Nested[0].VpcId");
        // `It`, `Properties` and 62 mappings: the VpcId is the 65th step, read from the
        // 64th; one mapping more and it is past the bound.
        let nested = |n: usize| {
            let mut v = "{VpcId: !Ref Role}".to_owned();
            for _ in 0..n {
                v = format!("{{A: {v}}}");
            }
            found(&t(&format!("      Deep: {v}\n")), "FF3013")
        };
        let f = nested(61);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1.matches(".A").count(), 61, "{}", f[0].1);
        assert!(nested(62).is_empty());
    }
}
