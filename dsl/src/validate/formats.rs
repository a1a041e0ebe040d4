//! FF2020: a literal identifier, ARN or CIDR block that is not of the form its property
//! takes; FF2024: a CIDR block with host bits set.
//!
//! cfn-lint's schemas mark such properties with a `format` keyword naming the kind of
//! identifier (`AWS::EC2::SecurityGroup.Id`, `AWS::IAM::Role.Arn`...); the constraint data
//! keeps it as a list (any one of which the value may have: a KMS key property takes a key
//! ARN, a key ID or an alias name). [`FORMATS`] says what each kind looks like, from the AWS
//! documentation; a format it does not list accepts anything. Checked: literal strings only
//! (not intrinsic functions, dynamic references or empty strings; a `${...}` only where
//! nothing substitutes it: outside Fn::Sub, no Fn::ForEach, SAM or macro),
//! and each value once (a value that fails the property's own `pattern` is reported by
//! FF2006 instead).
//!
//! The plural formats (`AWS::EC2::SecurityGroup.Ids`, `AWS::EC2::Subnet.Ids`) mark lists:
//! they apply to each item, and every such list's items carry the singular format in the
//! schemas (a test below checks this), so the items are checked as strings.

use super::data::Node;
use super::{Cx, pattern};
use crate::model::render::Json;
use crate::rules;

/// One kind of identifier.
#[derive(Debug)]
pub(crate) struct Format {
    /// The name the schemas' `format` keyword gives it.
    pub name: &'static str,
    /// What a value must match (anchored; checked with the schema pattern engine).
    pub pattern: &'static str,
    /// What it is, in words, for messages.
    pub what: &'static str,
    /// A well-formed value, for hints.
    pub example: &'static str,
    /// The AWS documentation that states the form.
    pub doc: &'static str,
}

/// An ARN's partition: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-eusc`...
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>: the partition is
/// `aws` or `aws-` and a suffix). Written out in each pattern (the patterns are `'static`).
/// The region field is taken as any lowercase letters, digits and hyphens, the account as
/// the 12 digits of an account ID (<https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html>).
#[cfg(test)]
const PARTITION: &str = "aws(-[a-z]+)*";

/// The identifier formats the validator checks: one row per kind.
///
/// EC2 resource IDs are the type's prefix, a hyphen and 8 or (since 2016-2018) 17 letters
/// and numbers. The resource part of an ARN is only required to be there, as services differ
/// in what names they allow.
pub(crate) const FORMATS: &[Format] = &[
    Format {
        name: "AWS::EC2::SecurityGroup.Id",
        pattern: r"^sg-([0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})$",
        what: "a security group ID (sg- and 8 or 17 letters and digits)",
        example: "sg-0123456789abcdef0",
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html",
    },
    Format {
        name: "AWS::EC2::VPC.Id",
        pattern: r"^vpc-([0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})$",
        what: "a VPC ID (vpc- and 8 or 17 letters and digits)",
        example: "vpc-0123456789abcdef0",
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html",
    },
    Format {
        name: "AWS::EC2::Subnet.Id",
        pattern: r"^subnet-([0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})$",
        what: "a subnet ID (subnet- and 8 or 17 letters and digits)",
        example: "subnet-0123456789abcdef0",
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html",
    },
    // EC2 also takes `resolve:ssm:<parameter>` for an AMI ID, resolved at launch:
    // https://docs.aws.amazon.com/autoscaling/ec2/userguide/using-systems-manager-parameters.html
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-ec2-aliases.html
    Format {
        name: "AWS::EC2::Image.Id",
        pattern: r"^(ami-([0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})|resolve:ssm:.+)$",
        what: "an AMI ID (ami- and 8 or 17 letters and digits) or resolve:ssm:<parameter>",
        example: "ami-0123456789abcdef0",
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html",
    },
    Format {
        name: "AWS::IAM::Role.Arn",
        pattern: r"^arn:aws(-[a-z]+)*:iam::\d{12}:role/.+$",
        what: "an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)",
        example: "arn:aws:iam::123456789012:role/my-role",
        doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-identifiers.html#identifiers-arns",
    },
    // A KMS key property names a key by key ARN, key ID, alias name or alias ARN; the schemas
    // list the forms each property takes (all of them, or key ARNs only).
    Format {
        name: "AWS::KMS::Key.Arn",
        pattern: r"^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$",
        what: "a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>, or an alias ARN)",
        example: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        doc: "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id",
    },
    Format {
        name: "AWS::KMS::Key.Id",
        pattern: r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})$",
        what: "a KMS key ID (a UUID, or mrk- and 32 hex digits for a multi-Region key)",
        example: "1234abcd-12ab-34cd-56ef-1234567890ab",
        doc: "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id",
    },
    // Alias names: `alias/` and letters, digits, `/`, `_`, `-` (and `:`, which the
    // CreateAlias API pattern also allows).
    Format {
        name: "AWS::KMS::Alias.AliasName",
        pattern: r"^alias/[a-zA-Z0-9:/_-]+$",
        what: "a KMS alias name (alias/<name>)",
        example: "alias/aws/sns",
        doc: "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id-alias-name",
    },
    Format {
        name: "AWS::SNS::Topic.Arn",
        pattern: r"^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:.+$",
        what: "an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<topic>)",
        example: "arn:aws:sns:us-east-1:123456789012:my-topic",
        doc: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html#amazonsns-resources-for-iam-policies",
    },
    Format {
        name: "AWS::Lambda::Function.Arn",
        pattern: r"^arn:aws(-[a-z]+)*:lambda:[a-z0-9-]+:\d{12}:function:.+$",
        what: "a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>)",
        example: "arn:aws:lambda:us-east-1:123456789012:function:my-function",
        doc: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html",
    },
    Format {
        name: "AWS::ACM::Certificate.Arn",
        pattern: r"^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:\d{12}:certificate/.+$",
        what: "an ACM certificate ARN (arn:<partition>:acm:<region>:<account>:certificate/<id>)",
        example: "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
        doc: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscertificatemanager.html#awscertificatemanager-resources-for-iam-policies",
    },
    Format {
        name: "AWS::Logs::LogGroup.Name",
        pattern: r"^[.\-_/#A-Za-z0-9]{1,512}$",
        what: "a log group name (1 to 512 letters, digits, and . - _ / #)",
        example: "/aws/lambda/my-function",
        doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    },
    // The legacy rules (buckets made in us-east-1 before 2018-03-01: up to 255 letters of
    // either case, digits, `.`, `_`, `-`) still name existing buckets, so they are what a
    // reference is held to; the point is to catch `s3://bucket`, an ARN, or a path.
    Format {
        name: "AWS::S3::Bucket.Name",
        pattern: r"^[A-Za-z0-9._-]{1,255}$",
        what: "an S3 bucket name (no s3://, ARN or key: letters, digits, . - _)",
        example: "my-bucket",
        doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
    },
];

/// Resource types whose property with the format takes other forms as well, as the type's
/// own schema pattern says: not checked. (type, format, the other form)
const OTHER_FORMS: &[(&str, &str, &str)] = &[
    (
        "AWS::CodeBuild::Fleet",
        "AWS::EC2::Image.Id",
        "a CodeBuild image, aws/codebuild/...",
    ),
    (
        "AWS::SageMaker::Cluster",
        "AWS::EC2::Image.Id",
        "`default`, HyperPod's AMI",
    ),
    (
        "AWS::Pipes::Pipe",
        "AWS::IAM::Role.Arn",
        "a JSON path ($.detail...) into the event",
    ),
    (
        "AWS::Lambda::WebFunctionEndpoint",
        "AWS::Lambda::Function.Arn",
        "a web function ARN (...:web-function/...)",
    ),
    (
        "AWS::Lambda::WebFunctionRevision",
        "AWS::Lambda::Function.Arn",
        "a web function ARN (...:web-function/...)",
    ),
    (
        "AWS::Lambda::WebFunction",
        "AWS::Lambda::Function.Arn",
        "a web function ARN (...:web-function/...)",
    ),
    (
        "AWS::DataSync::LocationObjectStorage",
        "AWS::S3::Bucket.Name",
        "the bucket of any object storage server",
    ),
    (
        "AWS::ACMPCA::CertificateAuthority",
        "AWS::S3::Bucket.Name",
        "a name with `/`",
    ),
];

/// The row of a format name.
pub(crate) fn lookup(name: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.name == name)
}

/// FF2020 for the string `value` at `path` of resource `id` (of type `ty`), when the schema
/// node's `format` list names kinds the table knows and the value is none of them.
pub(super) fn check(
    cx: &mut Cx,
    id: &str,
    ty: &str,
    path: &str,
    formats: Option<&'static Node>,
    value: &str,
) {
    let Some(names) = formats else { return };
    // `${...}` outside Fn::Sub is text as written, unless something processes the template
    // first: Fn::ForEach (LanguageExtensions) substitutes its identifiers, SAM and macros
    // may rewrite strings.
    let substituted = cx.language_extensions || cx.generated.rewrites_text();
    if value.is_empty()
        || (value.contains("${") && substituted)
        || super::has_dynamic_reference(value)
    {
        return;
    }
    if names.strs().any(|n| n.ends_with("-network")) {
        if names.strs().all(|n| n.ends_with("-network")) {
            cidr_check(cx, id, path, names, value);
        }
        return;
    }
    let mut wanted: Vec<&'static Format> = Vec::new();
    for name in names.strs() {
        if OTHER_FORMS.iter().any(|&(t, f, _)| t == ty && f == name) {
            return;
        }
        // A form the table does not know accepts anything.
        let Some(f) = lookup(name) else { return };
        // An unchecked pattern (None) accepts.
        if pattern::matches(f.pattern, value) != Some(false) {
            return;
        }
        wanted.push(f);
    }
    let Some((last, rest)) = wanted.split_last() else {
        return;
    };
    let what = match rest {
        [] => last.what.to_owned(),
        _ => {
            let rest: Vec<&str> = rest.iter().map(|f| f.what).collect();
            format!("{} or {}", rest.join(", "), last.what)
        }
    };
    let first = wanted[0];
    cx.report(
        rules::MALFORMED_IDENTIFIER,
        Some(id),
        path.to_owned(),
        format!(
            "{} is not {what}",
            super::shown(&Json::String(value.to_owned()))
        ),
        Some(if value.contains("${") {
            "`${...}` is replaced only inside Fn::Sub: write !Sub with the value, or !Ref the parameter".to_owned()
        } else {
            format!(
                "write it like `{}`, or take it from the resource or parameter that has it (Ref, Fn::GetAtt, Fn::ImportValue); see {}",
                first.example, first.doc
            )
        }),
    );
}

/// What a CIDR block written as text is.
#[derive(Debug, PartialEq, Eq)]
enum Cidr {
    /// A network address and its prefix length (or an address alone, one host).
    Network,
    /// Host bits set: the network it stands for.
    HostBits(String),
    /// Not an address with a prefix length.
    Malformed,
}

/// Reads `value` as an IPv4 (or, with `v6`, IPv6) CIDR block.
fn cidr(value: &str, v6: bool) -> Cidr {
    use std::net::{Ipv4Addr, Ipv6Addr};
    let width: u32 = if v6 { 128 } else { 32 };
    let (addr, len) = match value.split_once('/') {
        Some((a, l)) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) && l.len() <= 3 => {
            (a, l.parse::<u32>().unwrap_or(u32::MAX))
        }
        Some(_) => return Cidr::Malformed,
        None => (value, width),
    };
    // The address as the low `width` bits of a u128.
    let bits = if v6 {
        addr.parse::<Ipv6Addr>().map(u128::from)
    } else {
        addr.parse::<Ipv4Addr>().map(|a| u128::from(u32::from(a)))
    };
    let Ok(bits) = bits else {
        return Cidr::Malformed;
    };
    if len > width {
        return Cidr::Malformed;
    }
    let all = u128::MAX >> (128 - width);
    let network = bits & (all.checked_shl(width - len).unwrap_or(0) & all);
    if network == bits {
        return Cidr::Network;
    }
    let shown = if v6 {
        Ipv6Addr::from(network).to_string()
    } else {
        Ipv4Addr::from(network as u32).to_string()
    };
    Cidr::HostBits(format!("{shown}/{len}"))
}

/// A CIDR block property (`ipv4-network`, `ipv6-network`): FF2020 when `value` is no block of
/// a kind the property takes; FF2024 (a warning) when it has host bits set: the block
/// stands for the whole network (`192.168.1.0/0` is every IPv4 address), which is what a
/// security group rule keeps (EC2 stores `10.0.0.1/24` as `10.0.0.0/24`); a deploy goes on,
/// so it is a warning, not an error.
fn cidr_check(cx: &mut Cx, id: &str, path: &str, names: &Node, value: &str) {
    let read: Vec<(bool, Cidr)> = names
        .strs()
        .map(|n| n == "ipv6-network")
        .map(|v6| (v6, cidr(value, v6)))
        .collect();
    if read.iter().any(|(_, c)| *c == Cidr::Network) {
        return;
    }
    let shown = super::shown(&Json::String(value.to_owned()));
    if let Some((_, Cidr::HostBits(net))) =
        read.iter().find(|(_, c)| matches!(c, Cidr::HostBits(_)))
    {
        cx.report(
            rules::CIDR_HOST_BITS,
            Some(id),
            path.to_owned(),
            format!(
                "{shown} has host bits set: it stands for the whole network `{net}`{} (security group rules keep the network; other services may refuse the value)",
                if net.ends_with("/0") { ", every address" } else { "" }
            ),
            Some(format!("write the network (`{net}`), or the prefix length you meant")),
        );
        return;
    }
    let what = match read.as_slice() {
        [(false, _)] => "an IPv4 CIDR block (like 10.0.0.0/16)",
        [(true, _)] => "an IPv6 CIDR block (like 2001:db8::/56)",
        _ => "a CIDR block (like 10.0.0.0/16 or 2001:db8::/56)",
    };
    cx.report(
        rules::MALFORMED_IDENTIFIER,
        Some(id),
        path.to_owned(),
        format!("{shown} is not {what}"),
        Some("write an address and a prefix length (0–32 for IPv4, 0–128 for IPv6)".into()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Template;
    use crate::validate::validate;

    /// Whether `value` has format `name`.
    fn ok(name: &str, value: &str) -> bool {
        let f = lookup(name).unwrap_or_else(|| panic!("{name} not in the table"));
        pattern::matches(f.pattern, value).expect("the pattern compiles")
    }

    #[test]
    fn a_substitution_outside_fn_sub_is_text_unless_something_substitutes_it() {
        let t = |head: &str| {
            let t = Template::parse(
                "t.yaml",
                &format!("{head}Parameters:\n  AmiId:\n    Type: String\nResources:\n  I:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: '${{AmiId}}'\n"),
            )
            .unwrap();
            validate(&t)
                .diagnostics
                .into_iter()
                .filter(|d| d.rule == rules::MALFORMED_IDENTIFIER)
                .map(|d| d.hint.unwrap_or_default())
                .collect::<Vec<_>>()
        };
        let d = t("");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("only inside Fn::Sub"), "{}", d[0]);
        assert!(t("Transform: AWS::LanguageExtensions\n").is_empty());
        assert!(t("Transform: AWS::Serverless-2016-10-31\n").is_empty());
        assert!(t("Transform: MyMacro\n").is_empty());
    }

    #[test]
    fn cidr_blocks_are_read_as_aws_reads_them() {
        assert_eq!(cidr("10.0.0.0/16", false), Cidr::Network);
        assert_eq!(cidr("0.0.0.0/0", false), Cidr::Network);
        assert_eq!(cidr("10.1.2.3", false), Cidr::Network);
        assert_eq!(cidr("10.0.0.1/32", false), Cidr::Network);
        assert_eq!(
            cidr("10.0.0.1/24", false),
            Cidr::HostBits("10.0.0.0/24".into())
        );
        assert_eq!(
            cidr("192.168.1.0/0", false),
            Cidr::HostBits("0.0.0.0/0".into())
        );
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "10.0.0.0/",
            "10.0.0.0/x",
            "/8",
            "256.0.0.0/8",
            "10.0.0.0/0008",
        ] {
            assert_eq!(cidr(bad, false), Cidr::Malformed, "{bad}");
        }
        assert_eq!(cidr("2001:db8::/56", true), Cidr::Network);
        assert_eq!(cidr("::/0", true), Cidr::Network);
        assert_eq!(
            cidr("2001:db8::1/64", true),
            Cidr::HostBits("2001:db8::/64".into())
        );
        // The first bit of an IPv6 address set (multicast): the whole width is masked.
        assert_eq!(cidr("ff00::/8", true), Cidr::Network);
        assert_eq!(cidr("ff00::1/8", true), Cidr::HostBits("ff00::/8".into()));
        assert_eq!(cidr("2001:db8::/129", true), Cidr::Malformed);
        assert_eq!(cidr("10.0.0.0/8", true), Cidr::Malformed);
    }

    #[test]
    fn a_cidr_property_is_checked_and_host_bits_are_a_warning() {
        let t = |cidr: &str| {
            let t = Template::parse(
                "t.yaml",
                &format!("Resources:\n  In:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-0123456789abcdef0\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      CidrIp: {cidr}\n"),
            )
            .unwrap();
            validate(&t)
                .diagnostics
                .into_iter()
                .map(|d| (d.rule, d.severity, d.message))
                .collect::<Vec<_>>()
        };
        assert!(t("10.0.0.0/8").is_empty());
        let d = t("192.168.1.0/0");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, rules::CIDR_HOST_BITS);
        assert_eq!(d[0].1, crate::Severity::Warning);
        assert!(d[0].2.contains("`0.0.0.0/0`, every address"), "{}", d[0].2);
        let d = t("10.0.0.0/40");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, rules::MALFORMED_IDENTIFIER);
    }

    #[test]
    fn each_format_takes_its_form_and_refuses_others() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "AWS::EC2::SecurityGroup.Id",
                &["sg-12345678", "sg-0123456789abcdef0"],
                &[
                    "sg-test",
                    "sg-1234567",
                    "my-group",
                    "sg-0123456789abcdef",
                    "",
                ],
            ),
            (
                "AWS::EC2::VPC.Id",
                &["vpc-1a2b3c4d", "vpc-0123456789abcdef0"],
                &["vpc-1234567", "default", "sg-12345678"],
            ),
            (
                "AWS::EC2::Subnet.Id",
                &["subnet-1a2b3c4d", "subnet-0123456789abcdef0"],
                &["subnet-123", "10.0.0.0/24"],
            ),
            (
                "AWS::EC2::Image.Id",
                &[
                    "ami-12345678",
                    "ami-0123456789abcdef0",
                    "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
                ],
                &["ami-123456", "ubuntu-22.04"],
            ),
            (
                "AWS::IAM::Role.Arn",
                &[
                    "arn:aws:iam::123456789012:role/my-role",
                    "arn:aws-cn:iam::123456789012:role/service-role/x",
                    "arn:aws-us-gov:iam::123456789012:role/x",
                    "arn:aws-iso-b:iam::123456789012:role/x",
                ],
                &[
                    "STRING",
                    "my-role",
                    "arn:aws:iam::123456789012:user/bob",
                    "arn:aws:iam::12345:role/x",
                    "arn:aws:iam::123456789012:role/",
                ],
            ),
            (
                "AWS::KMS::Key.Arn",
                &[
                    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
                    "arn:aws:kms:us-east-1:123456789012:alias/my-key",
                ],
                &["aws/sns", "alias/my-key", "arn:aws:s3:::bucket"],
            ),
            (
                "AWS::KMS::Key.Id",
                &[
                    "1234abcd-12ab-34cd-56ef-1234567890ab",
                    "mrk-1234abcd12ab34cd56ef1234567890ab",
                ],
                &["aws/sns", "1234abcd", "alias/x"],
            ),
            (
                "AWS::KMS::Alias.AliasName",
                &["alias/aws/sns", "alias/my_key-1"],
                &["aws/sns", "alias/", "alias/my key"],
            ),
            (
                "AWS::SNS::Topic.Arn",
                &["arn:aws:sns:us-east-1:123456789012:my-topic"],
                &["my-topic", "arn:aws:sqs:us-east-1:123456789012:q"],
            ),
            (
                "AWS::Lambda::Function.Arn",
                &[
                    "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
                ],
                &["f", "arn:aws:lambda:us-east-1:123456789012:layer:l:1"],
            ),
            (
                "AWS::ACM::Certificate.Arn",
                &[
                    "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
                ],
                &[
                    "example.com",
                    "arn:aws:iam::123456789012:server-certificate/x",
                ],
            ),
            (
                "AWS::Logs::LogGroup.Name",
                &["/aws/lambda/f", "my.group#1_a-b"],
                &[
                    "my group",
                    "arn:aws:logs:us-east-1:123456789012:log-group:g",
                ],
            ),
            (
                "AWS::S3::Bucket.Name",
                &["my-bucket", "my.bucket", "Legacy_Bucket"],
                &["s3://my-bucket", "arn:aws:s3:::my-bucket", "my-bucket/key"],
            ),
        ];
        assert_eq!(cases.len(), FORMATS.len(), "a case per row");
        for (name, good, bad) in cases {
            for v in *good {
                assert!(ok(name, v), "{name} takes {v:?}");
            }
            for v in *bad {
                assert!(!ok(name, v), "{name} refuses {v:?}");
            }
        }
    }

    #[test]
    fn arn_patterns_spell_the_partition_the_same_way() {
        for f in FORMATS.iter().filter(|f| f.pattern.starts_with("^arn:")) {
            assert!(
                f.pattern.starts_with(&format!("^arn:{PARTITION}:")),
                "{}",
                f.name
            );
        }
        for f in FORMATS {
            assert!(
                f.doc.starts_with("https://docs.aws.amazon.com/"),
                "{}",
                f.name
            );
            assert!(ok(f.name, f.example), "{}: example {}", f.name, f.example);
        }
    }

    /// FF2020's diagnostics of the YAML template `yaml`: (severity, path, message, hint).
    fn malformed(yaml: &str) -> Vec<(&'static str, String, String, String)> {
        crate::validate::found(yaml, "FF2020")
    }

    #[test]
    fn literals_are_checked_and_list_items_each() {
        let ff2020 = malformed(
            "Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: vpc-1234567
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/lambda
      Code: {ZipFile: 'def handler(e, c): pass'}
      VpcConfig:
        SecurityGroupIds: [sg-12345678, sg-test]
        SubnetIds: [subnet-0123456789abcdef0]
",
        );
        assert_eq!(ff2020.len(), 2, "{ff2020:?}");
        assert_eq!(ff2020[0].1, "Sg.Properties.VpcId");
        assert!(
            ff2020[0].2.contains("\"vpc-1234567\" is not a VPC ID"),
            "{}",
            ff2020[0].2
        );
        assert_eq!(ff2020[1].1, "Fn.Properties.VpcConfig.SecurityGroupIds[1]");
    }

    #[test]
    fn intrinsics_substitutions_and_other_forms_are_skipped() {
        let ff2020 = malformed(
            "Parameters:
  Vpc: {Type: 'AWS::EC2::VPC::Id'}
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: !Ref Vpc
  Sg2:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: '{{resolve:ssm:/net/vpc}}'
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: alias/aws/sns
  Topic2:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: 1234abcd-12ab-34cd-56ef-1234567890ab
",
        );
        assert!(ff2020.is_empty(), "{ff2020:?}");
    }

    /// A form listed in `OTHER_FORMS` is accepted on its own resource type only: an AMI
    /// property elsewhere is still held to the AMI ID form.
    #[test]
    fn another_form_is_accepted_only_on_its_own_type() {
        let ff2020 = malformed(
            "Resources:
  Fleet:
    Type: AWS::CodeBuild::Fleet
    Properties:
      ImageId: aws/codebuild/amazonlinux-x86_64-standard:5.0
  Vm:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: aws/codebuild/amazonlinux-x86_64-standard:5.0
",
        );
        assert_eq!(ff2020.len(), 1, "{ff2020:?}");
        assert_eq!(ff2020[0].1, "Vm.Properties.ImageId");
    }

    /// A CIDR property says which kind of block it takes: IPv4 only, IPv6 only, or either.
    #[test]
    fn a_malformed_cidr_block_is_told_the_kind_the_property_takes() {
        let one = |key: &str| {
            let ff2020 = malformed(&format!(
                "Resources:\n  In:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-0123456789abcdef0\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      {key}: not-a-block\n"
            ));
            assert_eq!(ff2020.len(), 1, "{ff2020:?}");
            ff2020[0].2.clone()
        };
        assert_eq!(
            one("CidrIp"),
            "\"not-a-block\" is not an IPv4 CIDR block (like 10.0.0.0/16)"
        );
        assert_eq!(
            one("CidrIpv6"),
            "\"not-a-block\" is not an IPv6 CIDR block (like 2001:db8::/56)"
        );
    }

    #[test]
    fn a_kms_key_is_flagged_only_when_it_is_no_form_the_property_takes() {
        let ff2020 = malformed(
            "Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: aws/sns
",
        );
        assert_eq!(ff2020.len(), 1, "{ff2020:?}");
        assert!(ff2020[0].2.contains("KMS alias name"), "{}", ff2020[0].2);
    }

    /// Every node of a schema (definitions forced), with the schema's definitions.
    fn nodes(n: &'static Node, out: &mut Vec<&'static Node>, depth: usize) {
        if depth > 64 {
            return;
        }
        let n = n.force();
        out.push(n);
        match n {
            Node::Obj(m) => m.iter().for_each(|(_, v)| nodes(v, out, depth + 1)),
            Node::Arr(a) => a.iter().for_each(|v| nodes(v, out, depth + 1)),
            _ => {}
        }
    }

    #[test]
    fn every_list_with_a_plural_format_has_items_with_the_singular() {
        let mut plural = 0;
        for ty in super::super::data::type_names() {
            let schema = super::super::data::schema(ty).unwrap();
            let mut all = Vec::new();
            nodes(schema, &mut all, 0);
            for n in all {
                let Some(fs) = n.get("format") else { continue };
                for f in fs.strs().filter(|f| f.ends_with('s')) {
                    let Some(items) = n.get("items") else {
                        continue;
                    };
                    let items = match items.get("$ref").and_then(Node::as_str) {
                        Some(r) => schema.get("definitions").and_then(|d| d.get(r)).unwrap(),
                        None => items,
                    };
                    let singular = f.strip_suffix('s').unwrap();
                    assert!(
                        items
                            .get("format")
                            .is_some_and(|i| i.strs().any(|x| x == singular)),
                        "{ty}: a list of format {f} whose items are not {singular}"
                    );
                    plural += 1;
                }
            }
        }
        assert!(plural > 100, "{plural} lists");
    }
}
