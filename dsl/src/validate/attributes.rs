//! `FF2035` (warning): a `CreationPolicy` or `UpdatePolicy` on a resource CloudFormation
//! does not apply it to. "Currently, the only CloudFormation resources that support
//! creation policies are" `AWS::AppStream::Fleet`, `AWS::AutoScaling::AutoScalingGroup`,
//! `AWS::EC2::Instance` and `AWS::CloudFormation::WaitCondition`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-creationpolicy.html>);
//! the update policies control how "the following resources" are updated: fleets, Auto
//! Scaling groups, ElastiCache replication groups, OpenSearch and Elasticsearch domains and
//! Lambda aliases
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html>).
//! Elsewhere the attribute does nothing documented (a signal it waits for is never
//! awaited): a warning, since no page says CloudFormation refuses it. Judged on AWS's own
//! types and on modules; SAM resources (the transform decides what becomes of their
//! attributes), custom resources, registry types and templates with a macro are not.

use super::Cx;
use crate::model::json::Field;
use crate::rules;

/// The types each policy applies to.
const SUPPORTED: &[(&str, &[&str])] = &[
    (
        "CreationPolicy",
        &[
            "AWS::AppStream::Fleet",
            "AWS::AutoScaling::AutoScalingGroup",
            "AWS::CloudFormation::WaitCondition",
            "AWS::EC2::Instance",
        ],
    ),
    (
        "UpdatePolicy",
        &[
            "AWS::AppStream::Fleet",
            "AWS::AutoScaling::AutoScalingGroup",
            "AWS::ElastiCache::ReplicationGroup",
            "AWS::Elasticsearch::Domain",
            "AWS::Lambda::Alias",
            "AWS::OpenSearchService::Domain",
        ],
    ),
];

pub(super) fn check(cx: &mut Cx) {
    if !cx.generated.macros().is_empty() {
        return;
    }
    let mut found: Vec<(String, String, String, String)> = Vec::new();
    for (id, r, kind) in cx.typed_resources() {
        let Some(kind) = kind else { continue };
        let judged = super::is_module(kind)
            || (kind.starts_with("AWS::")
                && !kind.starts_with("AWS::Serverless::")
                && kind != "AWS::CloudFormation::CustomResource");
        if !judged {
            continue;
        }
        for (attribute, types) in SUPPORTED {
            if r.field(attribute).is_none() || types.contains(&kind) {
                continue;
            }
            let what = if super::is_module(kind) {
                "a module".to_owned()
            } else {
                format!("an {kind}")
            };
            found.push((
                id.to_owned(),
                format!("{id}.{attribute}"),
                format!(
                    "{attribute} on {what}: CloudFormation applies it only to {}, so it has no effect here",
                    types.join(", ")
                ),
                format!("remove {attribute} from `{id}`"),
            ));
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::POLICY_NOT_APPLIED,
            Some(&id),
            path,
            message,
            Some(hint),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::found;

    fn t(kind: &str, attributes: &str) -> String {
        format!("Resources:\n  R:\n    Type: {kind}\n{attributes}")
    }

    #[test]
    fn a_policy_where_cloudformation_does_not_apply_it_is_a_warning() {
        let creation = "    CreationPolicy: {ResourceSignal: {Count: 1}}\n";
        let update = "    UpdatePolicy: {EnableVersionUpgrade: true}\n";
        let f = found(&t("AWS::S3::Bucket", creation), "FF2035");
        assert_eq!(
            f,
            [(
                "warning",
                "R.CreationPolicy".to_owned(),
                "CreationPolicy on an AWS::S3::Bucket: CloudFormation applies it only to AWS::AppStream::Fleet, AWS::AutoScaling::AutoScalingGroup, AWS::CloudFormation::WaitCondition, AWS::EC2::Instance, so it has no effect here".to_owned(),
                "remove CreationPolicy from `R`".to_owned()
            )]
        );
        let f = found(&t("My::Org::Thing::MODULE", update), "FF2035");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].2.starts_with("UpdatePolicy on a module:"), "{f:?}");
        for (kind, attributes) in [
            ("AWS::EC2::Instance", creation),
            ("AWS::OpenSearchService::Domain", update),
            (
                "AWS::Lambda::Alias",
                "    UpdatePolicy: {CodeDeployLambdaAliasUpdate: {}}\n",
            ),
            ("AWS::Serverless::Function", update),
            ("Custom::Thing", creation),
            ("AWS::S3::Bucket", ""),
        ] {
            assert!(found(&t(kind, attributes), "FF2035").is_empty(), "{kind}");
        }
    }
}
