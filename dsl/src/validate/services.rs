//! Facts of single services that span properties:
//!
//! - DynamoDB tables (`FF2021`): `AttributeDefinitions` lists exactly the attributes the key
//!   schemas use — the table's and those of its global and local secondary indexes.
//!   DynamoDB refuses the table otherwise (`CreateTable`: "Some index key attributes are not
//!   defined in AttributeDefinitions", "Number of attributes in KeySchema does not exactly
//!   match number of attributes defined in AttributeDefinitions").
//!   <https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html>
//!   Checked only when every name is written out (a number as its digits) and no list is
//!   another function; items and lists under an `Fn::If` count in the cases that make
//!   them: reported are a key attribute some case uses and no case defines, and a
//!   definition every case makes and no case uses.
//! - AWS Backup lifecycles (`FF2008`): a backup moved to cold storage stays there at least
//!   90 days, so `DeleteAfterDays` is at least `MoveToColdStorageAfterDays` + 90.
//!   <https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html>
//! - DynamoDB throughput (`FF2029`): `ProvisionedThroughput` on the table and its global
//!   secondary indexes with the `PROVISIONED` billing mode (the default), none with
//!   `PAY_PER_REQUEST`.
//! - S3 bucket ACLs (`FF2025`): since April 2023 a new bucket's object ownership is
//!   `BucketOwnerEnforced`, which disables ACLs; S3 then refuses a canned ACL other than
//!   `private` (`InvalidBucketAclWithObjectOwnership`), unless `OwnershipControls` sets
//!   `ObjectWriter` or `BucketOwnerPreferred`.
//!   <https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html>
//! - ElastiCache replication groups (`FF2027`): "If AutomaticFailoverEnabled is true, the
//!   value of [NumCacheClusters] must be at least 2", and "AutomaticFailoverEnabled must be
//!   enabled for ... (cluster mode enabled) replication groups" — cluster mode known from
//!   `NumNodeGroups` above 1 or a parameter group of the template with `cluster-enabled:
//!   yes`. Values through parameters, conditions and mappings are followed.
//!   <https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html>
//! - Route 53 record values (`FF2026`): an `A` record's values are IPv4 addresses, an
//!   `AAAA` record's IPv6 addresses, a `TXT` or `SPF` record's one or more strings in double
//!   quotes of at most 255 characters each; Route 53 refuses the change batch otherwise.
//!   <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html>
//! - CloudFront alternate domain names (`FF2033`): written in lowercase ("all alternate
//!   domain names must be lowercase"); a wildcard only as the whole first label (`*.`, not
//!   `*domain.example.com` nor `sub.*.example.com`); every label letters, digits and
//!   hyphens, not at either end, at most 63 characters (a name a certificate can cover).
//!   <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html>,
//!   <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-wildcard.html>,
//!   <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html>
//! - RDS engines (`FF2034`): a DB instance's `Engine` is one of `CreateDBInstance`'s valid
//!   values, a DB cluster's one of `CreateDBCluster`'s ([`RDS_INSTANCE_ENGINES`],
//!   [`RDS_CLUSTER_ENGINES`]). Compared ignoring case: RDS takes `MySQL` for `mysql`, and
//!   AWS's own sample templates write it so. Values through parameters, conditions and
//!   mappings are followed (a number or boolean as the text it is passed as); an engine left
//!   out (a read replica, an instance of a cluster) is not judged.
//!   <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html>,
//!   <https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html>
//! - EC2 instances (`FF2003`): an instance needs an AMI, from its `ImageId` or from its
//!   launch template: "instance properties that are not specified in the launch template
//!   use default values, except the ImageId property, which has no default value". Reported
//!   when the instance has neither, or names a launch template of this template whose
//!   `LaunchTemplateData` is written out without an `ImageId`. An `ImageId` an `Fn::If` may
//!   give counts as given; a launch template from elsewhere is not judged.
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-launchtemplate.html>
//! - Security group rules (`FF2003`): "If the protocol is TCP or UDP, you must also specify a
//!   port or port range. If the protocol is ICMP or ICMPv6, you must also specify the
//!   ICMP/ICMPv6 type and code" — and "For tcp, udp, and icmp, you must specify a port
//!   range. For icmpv6, the port range is optional". So a rule of `AWS::EC2::SecurityGroup`
//!   (`SecurityGroupIngress`, `SecurityGroupEgress`), `AWS::EC2::SecurityGroupIngress` or
//!   `AWS::EC2::SecurityGroupEgress` whose `IpProtocol` is `tcp`, `udp` or `icmp` (or their
//!   numbers, 6, 17 and 1) names `FromPort` and `ToPort`. Judged on a literal protocol; a
//!   port an `Fn::If` may give counts as given.
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-securitygroup-ingress.html>,
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroupingress.html>
//! - Target groups (`FF2003`): `Port`, `Protocol` and `VpcId` are each "Required:
//!   Conditional. If the target is a Lambda function, this parameter does not apply.
//!   Otherwise, this parameter is required." So a target group whose `TargetType` is absent
//!   (`instance`, the default) or a literal other than `lambda` names all three; one an
//!   `Fn::If` may give counts as given, and a type from an expression is not guessed.
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-targetgroup.html>
//! - Application Load Balancers (`FF2038`, a warning): "[Application Load Balancers] You
//!   must specify subnets from at least two Availability Zones. [Application Load Balancers
//!   on Outposts] You must specify one Outpost subnet" (`Subnets`, and the same of
//!   `SubnetMappings`). A load balancer of type `application` (the default) whose `Subnets`
//!   or `SubnetMappings` is a list written out with a single item (an `Fn::If` may even
//!   remove it), or with none and no subnets in the other, is refused — a single subnet
//!   unless it is on an Outpost, which the template does not say: a warning. Two subnets in
//!   one zone, or a list from a parameter, are not judged.
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-loadbalancer.html>
//! - API Gateway REST APIs (`FF2003`): "A name is required if the REST API is not based on
//!   an OpenAPI specification" (`Name`): a `AWS::ApiGateway::RestApi` with none of `Name`,
//!   `Body` and `BodyS3Location` (nor `CloneFrom`, which copies an API) is refused.
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-restapi.html>
//! - CodePipeline pipelines (`FF2041`): "The first stage of a pipeline must be a source
//!   stage" — its actions are source actions, and no later stage has one (the API refuses
//!   a pipeline otherwise); and "the input artifact of an action must exactly match the
//!   output artifact declared in a preceding action" — of an earlier stage, or of the same
//!   stage with a lower `RunOrder` (1 when absent). Judged only on stages, actions,
//!   categories, artifact names and run orders written out.
//!   <https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-create.html>,
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-codepipeline-pipeline-inputartifact.html>
//! - CloudWatch alarms (`FF2042`): `Period` — "Valid values are 10, 20, 30, and any
//!   multiple of 60" — and "Period multiplied by EvaluationPeriods can't be more than
//!   604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the
//!   total evaluation period can't be longer than one day (86,400 seconds)" (`PutMetricAlarm`).
//!   Judged on literal numbers only.
//!   <https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html>
//! - Load balancer listeners (`FF2003`): "You must provide exactly one certificate if the
//!   listener protocol is HTTPS or TLS" (`Certificates`): a listener whose `Protocol` is
//!   written `HTTPS` or `TLS` without `Certificates` is refused (one an `Fn::If` may give
//!   counts as given).
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listener.html>

use crate::model::json::Field;
use std::collections::BTreeSet;

use super::Cx;
use crate::model::render::{Json, JsonMap};
use crate::rules;

const TABLES: &[&str] = &["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"];

/// The engines `CreateDBInstance` creates ("Valid Values"), with those of RDS Custom and
/// `sqlserver-dev-ee` (`CreateCustomDBEngineVersion`: RDS for SQL Server developer
/// edition), and `neptune` and `docdb`, whose instances the RDS API also manages: an engine
/// left out here would be a false alarm, one too many only a missed one. `aurora` (Aurora
/// MySQL version 1) and `oracle-se`/`oracle-se1` are no longer created.
pub(crate) const RDS_INSTANCE_ENGINES: &[&str] = &[
    "aurora-mysql",
    "aurora-postgresql",
    "custom-oracle-ee",
    "custom-oracle-ee-cdb",
    "custom-oracle-se2",
    "custom-oracle-se2-cdb",
    "custom-sqlserver-dev",
    "custom-sqlserver-ee",
    "custom-sqlserver-se",
    "custom-sqlserver-web",
    "db2-ae",
    "db2-se",
    "docdb",
    "mariadb",
    "mysql",
    "neptune",
    "oracle-ee",
    "oracle-ee-cdb",
    "oracle-se2",
    "oracle-se2-cdb",
    "postgres",
    "sqlserver-dev-ee",
    "sqlserver-ee",
    "sqlserver-ex",
    "sqlserver-se",
    "sqlserver-web",
];

/// The engines `CreateDBCluster` creates ("Valid Values": Aurora and Multi-AZ DB clusters,
/// and `neptune`).
pub(crate) const RDS_CLUSTER_ENGINES: &[&str] = &[
    "aurora-mysql",
    "aurora-postgresql",
    "mysql",
    "neptune",
    "postgres",
];

pub(super) fn check(cx: &mut Cx) {
    rds_engines(cx);
    dynamodb(cx);
    throughput(cx);
    backup(cx);
    bucket_acls(cx);
    dns_records(cx);
    replication_groups(cx);
    cloudfront_aliases(cx);
    instance_images(cx);
    security_group_ports(cx);
    alb_subnets(cx);
    target_group_settings(cx);
    rest_api_name(cx);
    pipelines(cx);
    alarm_periods(cx);
    listener_certificates(cx);
}

/// FF2003: an HTTPS or TLS listener without its certificate (see the module notes).
fn listener_certificates(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ElasticLoadBalancingV2::Listener") {
        let Some(props) = props.filter(|p| !super::has_fn_key(p)) else {
            continue;
        };
        if let Some(Json::String(protocol)) = props.field("Protocol")
            && matches!(protocol.as_str(), "HTTPS" | "TLS")
            && !super::may_be_set(props, "Certificates")
        {
            found.push((id, protocol.clone()));
        }
    }
    for (id, protocol) in found {
        cx.report(
            rules::REQUIRED_PROPERTY,
            Some(id),
            format!("{id}.Properties"),
            format!("missing `Certificates`: a listener on {protocol} needs its certificate"),
            Some("set `Certificates: [{CertificateArn: ...}]` with the ACM certificate of the listener's domain (further ones go in an AWS::ElasticLoadBalancingV2::ListenerCertificate)".into()),
        );
    }
}

/// FF2042: an alarm's period and evaluation range (see the module notes).
fn alarm_periods(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::CloudWatch::Alarm") {
        let Some(props) = props else { continue };
        let Some(period) = super::lit_num(props.field("Period")) else {
            continue;
        };
        if !(matches!(period, 10.0 | 20.0 | 30.0) || (period >= 60.0 && period % 60.0 == 0.0)) {
            found.push((
                id,
                "Period",
                format!("Period {period} is not 10, 20, 30 or a multiple of 60 seconds"),
            ));
            continue;
        }
        let Some(evaluations) = super::lit_num(props.field("EvaluationPeriods")) else {
            continue;
        };
        let (limit, of) = if period < 3600.0 {
            (86_400.0, "periods under an hour")
        } else {
            (604_800.0, "longer periods")
        };
        if period * evaluations > limit {
            found.push((id, "EvaluationPeriods", format!(
                "the alarm evaluates {} seconds ({evaluations} periods of {period}): at most {limit} for {of}",
                period * evaluations,
            )));
        }
    }
    for (id, key, message) in found {
        cx.report(
            rules::ALARM_PERIOD,
            Some(id),
            format!("{id}.Properties.{key}"),
            message,
            Some("CloudWatch takes periods of 10, 20 or 30 seconds (high resolution) or whole minutes, and evaluates at most a day of periods under an hour, seven days of longer ones".into()),
        );
    }
}

/// One action of a pipeline as written: its category, run order and artifact names.
struct Action<'a> {
    path: String,
    category: &'a str,
    run_order: i64,
    inputs: Vec<(usize, &'a str)>,
    outputs: Vec<&'a str>,
}

/// The actions of each stage, when everything the check reads is written out.
fn pipeline_stages<'a>(props: &'a JsonMap, base: &str) -> Option<Vec<Vec<Action<'a>>>> {
    let names = |v: Option<&'a Json>| -> Option<Vec<&'a str>> {
        match v {
            None => Some(Vec::new()),
            Some(Json::Array(a)) => a.iter().map(|x| x.field("Name")?.as_str()).collect(),
            Some(_) => None,
        }
    };
    let mut stages = Vec::new();
    for (s, stage) in props.field("Stages")?.as_array()?.iter().enumerate() {
        let mut actions = Vec::new();
        for (a, action) in stage.field("Actions")?.as_array()?.iter().enumerate() {
            let run_order = match action.field("RunOrder") {
                None => 1,
                Some(v) => super::lit_num(Some(v))?.round() as i64,
            };
            actions.push(Action {
                path: format!("{base}.Stages[{s}].Actions[{a}]"),
                category: action.field("ActionTypeId")?.field("Category")?.as_str()?,
                run_order,
                inputs: names(action.field("InputArtifacts"))?
                    .into_iter()
                    .enumerate()
                    .collect(),
                outputs: names(action.field("OutputArtifacts"))?,
            });
        }
        stages.push(actions);
    }
    Some(stages)
}

/// FF2041: source actions in the first stage only, and input artifacts from preceding
/// actions (see the module notes).
fn pipelines(cx: &mut Cx) {
    let mut found: Vec<(&str, String, String, &'static str)> = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::CodePipeline::Pipeline") {
        let Some(stages) = props.and_then(|p| pipeline_stages(p, &format!("{id}.Properties")))
        else {
            continue;
        };
        for (s, actions) in stages.iter().enumerate() {
            for action in actions {
                let source = action.category == "Source";
                if s == 0 && !source {
                    found.push((id, format!("{}.ActionTypeId.Category", action.path), format!("the first stage holds a `{}` action: the first stage of a pipeline is its source stage", action.category), "move the action to a later stage; the first stage holds the source actions only"));
                } else if s > 0 && source {
                    found.push((
                        id,
                        format!("{}.ActionTypeId.Category", action.path),
                        format!(
                            "stage {} holds a source action: only the first stage does",
                            s + 1
                        ),
                        "move the source action to the first stage",
                    ));
                }
                for (i, input) in &action.inputs {
                    let preceding = stages[..s]
                        .iter()
                        .flatten()
                        .chain(actions.iter().filter(|a| a.run_order < action.run_order));
                    if !preceding.flat_map(|a| &a.outputs).any(|o| o == input) {
                        found.push((id, format!("{}.InputArtifacts[{i}].Name", action.path), format!("input artifact `{input}` is not the output artifact of a preceding action"), "name an OutputArtifacts entry of an action in an earlier stage, or of this stage with a lower RunOrder"));
                    }
                }
            }
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::PIPELINE_STAGES,
            Some(id),
            path,
            message,
            Some(hint.into()),
        );
    }
}

/// FF2003: a REST API with neither a name nor an OpenAPI definition (see the module notes).
fn rest_api_name(cx: &mut Cx) {
    let mut found = Vec::new();
    let empty = JsonMap::new();
    for (id, _, props) in cx.resources_of("AWS::ApiGateway::RestApi") {
        let props = props.unwrap_or(&empty);
        if !super::has_fn_key(props)
            && !["Name", "Body", "BodyS3Location", "CloneFrom"]
                .iter()
                .any(|k| super::may_be_set(props, k))
        {
            found.push(id);
        }
    }
    for id in found {
        cx.report(
            rules::REQUIRED_PROPERTY,
            Some(id),
            format!("{id}.Properties"),
            "missing `Name`: a REST API not made from an OpenAPI definition needs a name",
            Some("set Name, or give the API's OpenAPI definition in Body or BodyS3Location".into()),
        );
    }
}

/// FF2003: a target group for instances, IP addresses or a load balancer without `Port`,
/// `Protocol` or `VpcId` (see the module notes).
fn target_group_settings(cx: &mut Cx) {
    let mut found = Vec::new();
    let empty = JsonMap::new();
    for (id, _, props) in cx.resources_of("AWS::ElasticLoadBalancingV2::TargetGroup") {
        let props = props.unwrap_or(&empty);
        if super::has_fn_key(props) {
            continue;
        }
        // Absent: instance (the template reference's default).
        let target = match props.field("TargetType") {
            None => "instance".to_owned(),
            Some(Json::String(t)) if t != "lambda" => t.clone(),
            Some(_) => continue,
        };
        let missing: Vec<&str> = ["Port", "Protocol", "VpcId"]
            .into_iter()
            .filter(|k| !super::may_be_set(props, k))
            .collect();
        if !missing.is_empty() {
            found.push((id, missing, target));
        }
    }
    for (id, missing, target) in found {
        let names: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
        cx.report(
            rules::REQUIRED_PROPERTY,
            Some(id),
            format!("{id}.Properties"),
            format!(
                "missing {}: a target group of target type `{target}` needs {} (only a Lambda function's does not)",
                names.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            ),
            Some(format!("set {} (the port and protocol the targets receive traffic on, and their VPC)", missing.join(", "))),
        );
    }
}

/// FF2038: an Application Load Balancer given a single subnet (see the module notes).
fn alb_subnets(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ElasticLoadBalancingV2::LoadBalancer") {
        let Some(props) = props.filter(|p| !super::has_fn_key(p)) else {
            continue;
        };
        // Absent: application (the template reference's default).
        match props.field("Type") {
            None => {}
            Some(Json::String(t)) if t == "application" => {}
            Some(_) => continue,
        }
        for key in ["Subnets", "SubnetMappings"] {
            let Some(Json::Array(list)) = props.field(key) else {
                continue;
            };
            // Items an Fn::If may remove count as possibly there: judged only when even
            // with all of them there are fewer than two. An empty list, when the other
            // property gives no subnets either.
            let other = if key == "Subnets" {
                "SubnetMappings"
            } else {
                "Subnets"
            };
            if list.len() == 1 || (list.is_empty() && props.field(other).is_none()) {
                found.push((id, key, list.len()));
            }
        }
    }
    for (id, key, n) in found {
        cx.report(
            rules::ALB_SUBNETS,
            Some(id),
            format!("{id}.Properties.{key}"),
            format!(
                "an Application Load Balancer needs subnets in at least two Availability Zones; `{key}` names {} (only a load balancer on an Outpost takes a single subnet)",
                if n == 0 { "none" } else { "one" }
            ),
            Some("give a subnet in each of two or more Availability Zones (the VPC's public subnets for an internet-facing load balancer)".into()),
        );
    }
}

/// The protocols whose security group rules need a port range (ICMP's: a type and code),
/// by name and number (see the module notes).
const PORTED_PROTOCOLS: [&str; 6] = ["tcp", "udp", "icmp", "6", "17", "1"];

/// FF2003: a security group rule for tcp, udp or icmp without `FromPort` or `ToPort` (see
/// the module notes).
fn security_group_ports(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::EC2::SecurityGroup") {
        for list in ["SecurityGroupIngress", "SecurityGroupEgress"] {
            let rules = props.and_then(|p| p.field(list)).and_then(Json::as_array);
            for (i, r) in rules.into_iter().flatten().enumerate() {
                if let Some(m) = r.as_object() {
                    port_range(id, format!("{id}.Properties.{list}[{i}]"), m, &mut found);
                }
            }
        }
    }
    for kind in [
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
    ] {
        for (id, _, props) in cx.resources_of(kind) {
            if let Some(m) = props {
                port_range(id, format!("{id}.Properties"), m, &mut found);
            }
        }
    }
    for (id, path, missing, protocol) in found {
        let names: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
        cx.report(
            rules::REQUIRED_PROPERTY,
            Some(id),
            path,
            format!(
                "missing {}: a rule for protocol `{protocol}` needs a port range (for icmp, the type and code)",
                names.join(" and ")
            ),
            Some("set FromPort and ToPort (the same port for one port; -1 and -1 for every ICMP type and code), or IpProtocol -1 for every protocol and port".to_owned()),
        );
    }
}

/// The ports rule `m` (at `path`, of resource `id`) lacks for its literal protocol, if any:
/// `(id, path, the missing properties, the protocol)`.
fn port_range<'t>(
    id: &'t str,
    path: String,
    m: &JsonMap,
    found: &mut Vec<(&'t str, String, Vec<&'static str>, String)>,
) {
    if super::has_fn_key(m) {
        return;
    }
    let Some(protocol) = m
        .field("IpProtocol")
        .and_then(super::resolve::scalar_text_of)
    else {
        return;
    };
    if !PORTED_PROTOCOLS.contains(&protocol.as_str()) {
        return;
    }
    let missing: Vec<&'static str> = ["FromPort", "ToPort"]
        .into_iter()
        .filter(|k| !super::may_be_set(m, k))
        .collect();
    if !missing.is_empty() {
        found.push((id, path, missing, protocol));
    }
}

/// FF2003: an EC2 instance with no AMI, here or in its launch template (see the module
/// notes).
fn instance_images(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::EC2::Instance") {
        // Properties that are an expression (`Fn::If` of two mappings) are not judged.
        if props.is_some_and(super::has_fn_key) {
            continue;
        }
        let given = |k: &str| {
            props
                .and_then(|p| p.field(k))
                .filter(|v| !super::is_no_value(v))
        };
        if given("ImageId").is_some() {
            continue;
        }
        let Some(spec) = given("LaunchTemplate") else {
            found.push((id, None));
            continue;
        };
        // The launch template of this template the specification names, by `Ref` (its ID)
        // or `Fn::GetAtt` (its ID or name).
        let Some(template) = ["LaunchTemplateId", "LaunchTemplateName"]
            .into_iter()
            .filter_map(|k| spec.field(k))
            .find_map(|v| match super::intrinsic(v) {
                Some(("Ref", Json::String(r))) => Some(r.as_str()),
                Some(("Fn::GetAtt", args)) => super::getatt_parts(args).0,
                _ => None,
            })
            .filter(|t| cx.resource_type(t) == Some("AWS::EC2::LaunchTemplate"))
        else {
            continue;
        };
        let data = cx
            .resource(template)
            .and_then(|r| r.field("Properties"))
            .and_then(|p| p.field("LaunchTemplateData"))
            .and_then(Json::as_object);
        if data.is_some_and(|d| !super::has_fn_key(d) && d.field("ImageId").is_none()) {
            found.push((id, Some(template)));
        }
    }
    for (id, template) in found {
        let (message, hint) = match template {
            None => (
                "missing the property `ImageId`: an instance needs an AMI, and it has no launch template to give one".to_owned(),
                "set ImageId (an AMI ID, or `{{resolve:ssm:...}}` of a public AMI parameter), or a LaunchTemplate whose data sets it".to_owned(),
            ),
            Some(t) => (
                format!("missing the property `ImageId`: an instance needs an AMI, and its launch template `{t}` sets none"),
                format!("set ImageId here, or in the LaunchTemplateData of `{t}`"),
            ),
        };
        cx.report(
            rules::REQUIRED_PROPERTY,
            Some(id),
            format!("{id}.Properties"),
            message,
            Some(hint),
        );
    }
}

/// FF2034: the `Engine` of each RDS DB instance and DB cluster (see the module notes).
fn rds_engines(cx: &mut Cx) {
    let mut found = Vec::new();
    for (kind, engines, api) in [
        (
            "AWS::RDS::DBInstance",
            RDS_INSTANCE_ENGINES,
            "CreateDBInstance",
        ),
        (
            "AWS::RDS::DBCluster",
            RDS_CLUSTER_ENGINES,
            "CreateDBCluster",
        ),
    ] {
        for (id, _, props) in cx.resources_of(kind) {
            let Some(engine) = props.and_then(|p| p.field("Engine")) else {
                continue;
            };
            for case in super::resolve::cases(cx, &[engine]) {
                // A number or boolean is passed as its text, which names no engine either.
                let Some(e) = case.values[0]
                    .as_ref()
                    .and_then(super::resolve::scalar_text_of)
                else {
                    continue;
                };
                let e = e.as_str();
                if super::has_dynamic_reference(e)
                    || engines.iter().any(|k| k.eq_ignore_ascii_case(e))
                {
                    continue;
                }
                let hint = if e.eq_ignore_ascii_case("aurora") {
                    "use `aurora-mysql`: `aurora` (Aurora MySQL version 1) is no longer created"
                        .to_owned()
                } else if let Some(k) = super::suggest(e, engines.iter().copied()) {
                    format!("did you mean `{k}`?")
                } else {
                    format!("use {}", super::one_of(engines))
                };
                found.push((
                    id,
                    format!("{id}.Properties.Engine"),
                    format!("`{e}` is not an engine {api} creates{}", case.when()),
                    hint,
                ));
            }
        }
    }
    for (id, path, message, hint) in found {
        cx.report(rules::RDS_ENGINE, Some(id), path, message, Some(hint));
    }
}

/// FF2033: a CloudFront distribution's alternate domain names (see the module notes). A
/// name with a substitution (`${Env}.example.com` in an `Fn::Sub`) or from an expression is
/// not judged.
fn cloudfront_aliases(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::CloudFront::Distribution") {
        let aliases = props
            .and_then(|p| p.field("DistributionConfig"))
            .and_then(|d| d.field("Aliases"))
            .and_then(Json::as_array);
        for (i, a) in aliases.into_iter().flatten().enumerate() {
            let Some(name) = a
                .as_str()
                .filter(|n| !super::has_dynamic_reference(n) && !n.contains("${"))
            else {
                continue;
            };
            if let Some((problem, hint)) = alias_problem(name) {
                found.push((
                    id,
                    format!("{id}.Properties.DistributionConfig.Aliases[{i}]"),
                    format!("the alternate domain name `{name}` {problem}: CloudFront refuses it"),
                    hint,
                ));
            }
        }
    }
    for (id, path, message, hint) in found {
        cx.report(rules::CLOUDFRONT_ALIAS, Some(id), path, message, Some(hint));
    }
}

/// What is wrong with an alternate domain name, and the fix, if anything.
fn alias_problem(name: &str) -> Option<(String, String)> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some((
            "has capital letters".into(),
            format!("write it in lowercase: `{}`", name.to_ascii_lowercase()),
        ));
    }
    for (k, label) in name.split('.').enumerate() {
        if label.contains('*') {
            if k == 0 && label == "*" {
                continue;
            }
            return Some((
                "has a wildcard that is not its whole first label".into(),
                "a wildcard name begins with `*.` (`*.example.com`) and has no other `*`".into(),
            ));
        }
        // Underscores are left alone: names with them exist in DNS, and no page says
        // CloudFront refuses one.
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if label.is_empty()
            || label.len() > 63
            || !label.chars().all(allowed)
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Some((
                format!("has the label `{label}`, which is not 1 to 63 letters, digits and hyphens (not at either end)"),
                "write a domain name such as `www.example.com` (no spaces, no empty label, no hyphen at the start or end of a label)".into(),
            ));
        }
    }
    None
}

fn replication_groups(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ElastiCache::ReplicationGroup") {
        let Some(p) = props else { continue };
        let Some(failover) = p.field("AutomaticFailoverEnabled") else {
            continue;
        };
        // Cluster mode from the parameter group, when it is one of the template's.
        let group_cluster = super::ref_target(p.field("CacheParameterGroupName"))
            .and_then(|g| cx.resource(g))
            .and_then(|g| g.pointer("/Properties/Properties/cluster-enabled"))
            .and_then(Json::as_str)
            .map(|c| c == "yes");
        let none = Json::Null;
        let clusters = p.field("NumCacheClusters").unwrap_or(&none);
        let groups = p.field("NumNodeGroups").unwrap_or(&none);
        for case in super::resolve::cases(cx, &[failover, clusters, groups]) {
            let Some(on) = super::lit_bool(case.values[0].as_ref()) else {
                continue;
            };
            let cluster_mode = case.num(2).is_some_and(|n| n > 1.0) || group_cluster == Some(true);
            if on && let Some(n) = case.num(1).filter(|n| *n < 2.0) {
                found.push((
                    id.to_owned(),
                    format!("{id}.Properties.NumCacheClusters"),
                    format!("AutomaticFailoverEnabled is true with NumCacheClusters {n}{}: automatic failover needs at least 2 (a primary and a replica)", case.when()),
                    "set NumCacheClusters to 2 or more, or AutomaticFailoverEnabled to false",
                ));
            }
            if !on && cluster_mode {
                found.push((
                    id.to_owned(),
                    format!("{id}.Properties.AutomaticFailoverEnabled"),
                    format!("AutomaticFailoverEnabled is false for a replication group in cluster mode{}: ElastiCache requires it there", case.when()),
                    "set AutomaticFailoverEnabled to true (cluster mode needs it)",
                ));
            }
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::ELASTICACHE_FAILOVER,
            Some(&id),
            path,
            message,
            Some(hint.into()),
        );
    }
}

/// The canned ACLs S3 refuses on a bucket whose ACLs are disabled (all but `Private` and
/// `BucketOwnerFullControl`, which grant the owner only).
const ACL_GRANTS: &[&str] = &[
    "AuthenticatedRead",
    "AwsExecRead",
    "BucketOwnerRead",
    "LogDeliveryWrite",
    "PublicRead",
    "PublicReadWrite",
];

fn bucket_acls(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::S3::Bucket") {
        let Some(p) = props else { continue };
        let Some(acl) = p
            .field("AccessControl")
            .and_then(Json::as_str)
            .filter(|a| ACL_GRANTS.contains(a))
        else {
            continue;
        };
        // ACLs are enabled by a rule with ObjectWriter or BucketOwnerPreferred; anything
        // not written out (an expression) may enable them.
        let ownership: Option<Vec<Option<&str>>> = match p.field("OwnershipControls") {
            None => Some(Vec::new()),
            Some(o) => o.field("Rules").and_then(Json::as_array).map(|rules| {
                rules
                    .iter()
                    .map(|r| r.field("ObjectOwnership").and_then(Json::as_str))
                    .collect()
            }),
        };
        let Some(ownership) = ownership else { continue };
        if ownership
            .iter()
            .any(|o| !matches!(o, Some("BucketOwnerEnforced")))
        {
            continue;
        }
        found.push((id.to_owned(), acl.to_owned()));
    }
    for (id, acl) in found {
        cx.report(
            rules::BUCKET_ACL_DISABLED,
            Some(&id),
            format!("{id}.Properties.AccessControl"),
            format!("AccessControl `{acl}` on a bucket whose ACLs are disabled (object ownership BucketOwnerEnforced, the default for new buckets): S3 refuses it"),
            Some("grant access with a bucket policy instead, or, where an ACL is needed (S3 server access logs to this bucket), add OwnershipControls with ObjectOwnership: ObjectWriter or BucketOwnerPreferred".into()),
        );
    }
}

/// Every record set of the template: (logical ID, path of the record set, its properties).
fn record_sets<'t>(cx: &Cx<'t>) -> Vec<(&'t str, String, &'t Json)> {
    let mut out: Vec<(&str, String, &Json)> = cx
        .resources_of("AWS::Route53::RecordSet")
        .filter_map(|(id, r, _)| Some((id, format!("{id}.Properties"), r.field("Properties")?)))
        .collect();
    for (id, _, props) in cx.resources_of("AWS::Route53::RecordSetGroup") {
        let sets = props
            .and_then(|p| p.field("RecordSets"))
            .and_then(Json::as_array);
        for (i, set) in sets.into_iter().flatten().enumerate() {
            out.push((id, format!("{id}.Properties.RecordSets[{i}]"), set));
        }
    }
    out
}

fn dns_records(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, base, set) in record_sets(cx) {
        let Some(kind) = set.field("Type").and_then(Json::as_str) else {
            continue;
        };
        let values = set.field("ResourceRecords").and_then(Json::as_array);
        for (i, v) in values.into_iter().flatten().enumerate() {
            let Some(v) = v.as_str().filter(|v| !super::has_dynamic_reference(v)) else {
                continue;
            };
            let problem = match kind {
                "A" if v.parse::<std::net::Ipv4Addr>().is_err() => {
                    Some("is not an IPv4 address (an A record's value)".to_owned())
                }
                "AAAA" if v.parse::<std::net::Ipv6Addr>().is_err() => {
                    Some("is not an IPv6 address (an AAAA record's value)".to_owned())
                }
                "TXT" | "SPF" => txt_problem(v),
                _ => None,
            };
            if let Some(problem) = problem {
                found.push((
                    id.to_owned(),
                    format!("{base}.ResourceRecords[{i}]"),
                    format!(
                        "{} {problem}; Route 53 refuses the record",
                        super::shown(&Json::String(v.to_owned()))
                    ),
                    kind.to_owned(),
                ));
            }
        }
    }
    for (id, path, message, kind) in found {
        let hint = match kind.as_str() {
            "A" => "write an IPv4 address (203.0.113.10); an IPv6 address goes in an AAAA record",
            "AAAA" => "write an IPv6 address (2001:db8::10); an IPv4 address goes in an A record",
            _ => {
                "write each string in double quotes, at most 255 characters each: split a longer value into several quoted strings (\"part one\" \"part two\")"
            }
        };
        cx.report(
            rules::DNS_RECORD_VALUE,
            Some(&id),
            path,
            message,
            Some(hint.into()),
        );
    }
}

/// What is wrong with a TXT record value, if anything: it must be one or more strings in
/// double quotes (separated by spaces), each at most 255 characters; inside the quotes
/// `\"` and `\\` stand for one character, `\ddd` (octal) for one byte.
fn txt_problem(v: &str) -> Option<String> {
    let b = v.as_bytes();
    let mut i = 0;
    let mut quoted = false;
    while i < b.len() {
        match b[i] {
            b' ' => i += 1,
            b'"' => {
                i += 1;
                let mut len = 0;
                loop {
                    match b.get(i) {
                        None => return Some("has a string without its closing double quote".into()),
                        Some(b'"') => break,
                        Some(b'\\') if b.get(i + 1..i + 4).is_some_and(|d| d.iter().all(u8::is_ascii_digit)) => i += 4,
                        Some(b'\\') => i += 2,
                        Some(_) => i += 1,
                    }
                    len += 1;
                }
                i += 1;
                quoted = true;
                if len > 255 {
                    return Some(format!("holds a string of {len} characters; each string of a TXT record is at most 255"));
                }
            }
            _ => return Some("is not enclosed in double quotes (a TXT record's value is one or more quoted strings)".into()),
        }
    }
    (!quoted).then(|| "holds no quoted string".into())
}

fn dynamodb(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, r) in cx.resources.into_iter().flatten() {
        if !r
            .field("Type")
            .and_then(Json::as_str)
            .is_some_and(|t| TABLES.contains(&t))
        {
            continue;
        }
        let Some(p) = r.field("Properties") else {
            continue;
        };
        let (Some(defined), Some(used)) = (defined(p), used(p)) else {
            continue;
        };
        // A key attribute some case uses and no case defines; a definition every case makes
        // and no case uses.
        let undefined: Vec<&str> = used.difference(&defined.some).map(String::as_str).collect();
        let unused: Vec<&str> = defined
            .every
            .difference(&used)
            .map(String::as_str)
            .collect();
        if !undefined.is_empty() {
            found.push((
                id.as_str(),
                format!(
                    "the key schemas use {}, which AttributeDefinitions does not define; DynamoDB refuses the table",
                    names(&undefined)
                ),
                format!("add {} to AttributeDefinitions with its type (S, N or B)", names(&undefined)),
            ));
        }
        if !unused.is_empty() {
            found.push((
                id.as_str(),
                format!(
                    "AttributeDefinitions defines {}, which no key schema uses; DynamoDB refuses the table",
                    names(&unused)
                ),
                "define only key attributes (of the table and its indexes); other attributes need no definition".to_owned(),
            ));
        }
    }
    for (id, message, hint) in found {
        cx.report(
            rules::DYNAMODB_ATTRIBUTES,
            Some(id),
            format!("{id}.Properties.AttributeDefinitions"),
            message,
            Some(hint),
        );
    }
}

fn names(n: &[&str]) -> String {
    n.iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// FF2029: a table's throughput follows its billing mode: `PROVISIONED` (the default) needs
/// `ProvisionedThroughput` on the table and on each global secondary index;
/// `PAY_PER_REQUEST` takes none (AWS::DynamoDB::Table: "If you set BillingMode as
/// PROVISIONED, you must specify this property. If you set BillingMode as PAY_PER_REQUEST,
/// you cannot specify this property."). A billing mode that is an expression is not judged.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html>
fn throughput(cx: &mut Cx) {
    let mut missing = Vec::new();
    let mut refused = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::DynamoDB::Table") {
        let Some(p) = props else { continue };
        let provisioned = match p.field("BillingMode") {
            None => true,
            Some(Json::String(m)) if m == "PROVISIONED" => true,
            Some(Json::String(m)) if m == "PAY_PER_REQUEST" => false,
            Some(_) => continue,
        };
        let base = format!("{id}.Properties");
        let indexes = p.field("GlobalSecondaryIndexes").and_then(Json::as_array);
        let places = std::iter::once((base.clone(), Some(p))).chain(
            indexes
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, x)| (format!("{base}.GlobalSecondaryIndexes[{i}]"), x.as_object())),
        );
        for (path, m) in places {
            let Some(m) = m.filter(|m| !super::has_fn_key(m)) else {
                continue;
            };
            match (provisioned, m.field("ProvisionedThroughput")) {
                (true, None) => missing.push((id.to_owned(), path)),
                (false, Some(t)) if t.is_object() && !super::is_expr(t) => {
                    refused.push((id.to_owned(), format!("{path}.ProvisionedThroughput")));
                }
                _ => {}
            }
        }
    }
    for (id, path) in missing {
        cx.report(
            rules::DYNAMODB_THROUGHPUT,
            Some(&id),
            path,
            "ProvisionedThroughput is required with the PROVISIONED billing mode (the default)",
            Some("set ProvisionedThroughput (ReadCapacityUnits, WriteCapacityUnits), or BillingMode: PAY_PER_REQUEST on the table".into()),
        );
    }
    for (id, path) in refused {
        cx.report(
            rules::DYNAMODB_THROUGHPUT,
            Some(&id),
            path,
            "ProvisionedThroughput is not allowed with BillingMode PAY_PER_REQUEST",
            Some("remove ProvisionedThroughput, or use BillingMode: PROVISIONED".into()),
        );
    }
}

/// Attribute names of a table, in every case and in some case: an item of a list (or the
/// whole list) may be written under an `Fn::If`, whose branches may be `AWS::NoValue`.
#[derive(Default)]
struct Names {
    every: BTreeSet<String>,
    some: BTreeSet<String>,
}

impl Names {
    fn add(&mut self, name: String, surely: bool) {
        if surely {
            self.every.insert(name.clone());
        }
        self.some.insert(name);
    }
}

/// The items of list `v`, each with whether it is there in every case; `None` for a list
/// given by another function, or an item that is.
fn items(v: &Json) -> Option<Vec<(&Json, bool)>> {
    match (v, super::intrinsic(v)) {
        (Json::Array(a), _) => {
            let mut out = Vec::new();
            for x in a {
                match super::intrinsic(x) {
                    None => out.push((x, true)),
                    Some(("Fn::If", Json::Array(b))) if b.len() == 3 => {
                        for x in branches(&b[1..]) {
                            if super::intrinsic(x).is_some() {
                                return None;
                            }
                            out.push((x, false));
                        }
                    }
                    Some(_) => return None,
                }
            }
            Some(out)
        }
        (_, Some(("Fn::If", Json::Array(b)))) if b.len() == 3 => {
            let mut out = Vec::new();
            for list in branches(&b[1..]) {
                out.extend(items(list)?.into_iter().map(|(x, _)| (x, false)));
            }
            Some(out)
        }
        _ => None,
    }
}

/// The branches of an `Fn::If` that are not `AWS::NoValue`.
fn branches(b: &[Json]) -> impl Iterator<Item = &Json> {
    b.iter().filter(|x| !super::is_no_value(x))
}

/// An item's `AttributeName` as text (a number is read as its digits; a boolean is no
/// name).
fn attribute_name(item: &Json) -> Option<String> {
    item.field("AttributeName")
        .filter(|n| !n.is_boolean())
        .and_then(super::resolve::scalar_text_of)
}

/// The names AttributeDefinitions defines, when all are written out.
fn defined(p: &Json) -> Option<Names> {
    let mut out = Names::default();
    for (d, surely) in items(p.field("AttributeDefinitions")?)? {
        out.add(attribute_name(d)?, surely);
    }
    Some(out)
}

/// The names the table's and its indexes' key schemas use in some case, when all are
/// written out.
fn used(p: &Json) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    key_names(p.field("KeySchema")?, &mut out)?;
    for indexes in ["GlobalSecondaryIndexes", "LocalSecondaryIndexes"] {
        let Some(list) = p.field(indexes) else {
            continue;
        };
        for (index, _) in items(list)? {
            key_names(index.field("KeySchema")?, &mut out)?;
        }
    }
    Some(out)
}

fn key_names(schema: &Json, out: &mut BTreeSet<String>) -> Option<()> {
    for (k, _) in items(schema)? {
        out.insert(attribute_name(k)?);
    }
    Some(())
}

/// Every `Lifecycle` of a backup plan's rules and of their copy actions.
fn backup(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::Backup::BackupPlan") {
        let rules = props
            .and_then(|p| p.field("BackupPlan"))
            .and_then(|p| p.field("BackupPlanRule"))
            .and_then(Json::as_array);
        for (i, rule) in rules.into_iter().flatten().enumerate() {
            let base = format!("{id}.Properties.BackupPlan.BackupPlanRule[{i}]");
            let copies = rule.field("CopyActions").and_then(Json::as_array);
            let lifecycles =
                std::iter::once((format!("{base}.Lifecycle"), rule.field("Lifecycle"))).chain(
                    copies.into_iter().flatten().enumerate().map(|(j, c)| {
                        (
                            format!("{base}.CopyActions[{j}].Lifecycle"),
                            c.field("Lifecycle"),
                        )
                    }),
                );
            for (path, l) in lifecycles {
                let days = |k: &str| l.and_then(|l| super::lit_num(l.field(k)));
                if let (Some(cold), Some(delete)) =
                    (days("MoveToColdStorageAfterDays"), days("DeleteAfterDays"))
                    && delete < cold + 90.0
                {
                    found.push((
                        id.to_owned(),
                        format!("{path}.DeleteAfterDays"),
                        cold,
                        delete,
                    ));
                }
            }
        }
    }
    for (id, path, cold, delete) in found {
        cx.report(
            rules::NUMBER_RANGE,
            Some(&id),
            path,
            format!("DeleteAfterDays {delete} is less than 90 days after MoveToColdStorageAfterDays {cold}: AWS Backup keeps cold backups at least 90 days"),
            Some(format!("set DeleteAfterDays to at least {}, or move to cold storage later", cold + 90.0)),
        );
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_target_group_for_instances_or_ips_names_its_port_protocol_and_vpc() {
        let found = |props: &str| {
            let t = format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  Tg:\n    \
                 Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties: {props}\n"
            );
            crate::validate::found(&t, "FF2003")
                .into_iter()
                .map(|d| (d.1, d.2))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("{TargetType: ip, Protocol: HTTP, VpcId: vpc-0123456789abcdef0}"),
            [(
                "Tg.Properties".to_owned(),
                "missing `Port`: a target group of target type `ip` needs it (only a Lambda \
                 function's does not)"
                    .to_owned()
            )]
        );
        // No type: instance, the default.
        let d = found("{HealthCheckPath: /health}");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].1.starts_with(
                "missing `Port`, `Protocol`, `VpcId`: a target group of target type `instance`"
            ),
            "{d:?}"
        );
        for fine in [
            "{TargetType: lambda}",
            "{TargetType: ip, Port: 80, Protocol: HTTP, VpcId: vpc-0123456789abcdef0}",
            "{Port: !If [C, 80, !Ref AWS::NoValue], Protocol: HTTP, VpcId: vpc-0123456789abcdef0}",
            "!If [C, {TargetType: lambda}, {TargetType: lambda}]",
        ] {
            assert!(found(fine).is_empty(), "{fine}: {:?}", found(fine));
        }
    }

    #[test]
    fn an_application_load_balancer_with_one_subnet_is_a_warning() {
        let found = |props: &str| {
            let t = format!(
                "Parameters:\n  Subnets: {{Type: 'List<AWS::EC2::Subnet::Id>'}}\n  Kind: {{Type: String, Default: network}}\n\
                 Conditions:\n  C: !Equals [a, a]\nResources:\n  Lb:\n    \
                 Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties: {props}\n"
            );
            crate::validate::found(&t, "FF2038")
                .into_iter()
                .map(|d| (d.0, d.1))
                .collect::<Vec<_>>()
        };
        let one = |key: &str| vec![("warning", format!("Lb.Properties.{key}"))];
        assert_eq!(
            found("{Subnets: [subnet-0123456789abcdef0]}"),
            one("Subnets")
        );
        assert_eq!(
            found("{Type: application, SubnetMappings: [{SubnetId: subnet-0123456789abcdef0}]}"),
            one("SubnetMappings")
        );
        assert_eq!(
            found("{Subnets: [!If [C, subnet-0123456789abcdef0, !Ref AWS::NoValue]]}"),
            one("Subnets")
        );
        assert_eq!(found("{Subnets: []}"), one("Subnets"));
        for fine in [
            "{Subnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]}",
            "{Subnets: !Ref Subnets}",
            "{Type: network, Subnets: [subnet-0123456789abcdef0]}",
            "{Subnets: [], SubnetMappings: [{SubnetId: subnet-0123456789abcdef0}, {SubnetId: subnet-0123456789abcdef1}]}",
            "{Type: gateway, Subnets: [subnet-0123456789abcdef0]}",
            // A type from a parameter is not guessed.
            "{Type: !Ref Kind, Subnets: [subnet-0123456789abcdef0]}",
        ] {
            assert!(found(fine).is_empty(), "{fine}");
        }
    }

    #[test]
    fn a_tcp_udp_or_icmp_security_group_rule_names_its_ports() {
        let t = |sg_rules: &str, standalone: &str| {
            format!(
                "Parameters:\n  Proto: {{Type: String, Default: tcp}}\nConditions:\n  C: !Equals [a, a]\n\
                 Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      \
                 GroupDescription: web\n      SecurityGroupIngress: {sg_rules}\n  In:\n    \
                 Type: AWS::EC2::SecurityGroupIngress\n    Properties: {standalone}\n"
            )
        };
        let found = |sg_rules: &str, standalone: &str| {
            crate::validate::found(&t(sg_rules, standalone), "FF2003")
                .into_iter()
                .map(|d| (d.1, d.2))
                .collect::<Vec<_>>()
        };
        let ok = "{GroupId: sg-0123456789abcdef0, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}";
        assert_eq!(
            found("[{IpProtocol: tcp, CidrIp: 10.0.0.0/16}]", ok),
            [(
                "Sg.Properties.SecurityGroupIngress[0]".to_owned(),
                "missing `FromPort` and `ToPort`: a rule for protocol `tcp` needs a port range \
                 (for icmp, the type and code)"
                    .to_owned()
            )]
        );
        // By number, one port missing, on the standalone resource.
        assert_eq!(
            found(
                "[]",
                "{GroupId: sg-0123456789abcdef0, IpProtocol: 17, FromPort: 53, CidrIp: 10.0.0.0/16}"
            ),
            [(
                "In.Properties".to_owned(),
                "missing `ToPort`: a rule for protocol `17` needs a port range (for icmp, the \
                 type and code)"
                    .to_owned()
            )]
        );
        assert_eq!(
            found("[{IpProtocol: '1', CidrIp: 10.0.0.0/16}]", ok).len(),
            1,
            "icmp needs its type and code"
        );
        // Ports given (an Fn::If may give one), or a protocol without ports: nothing.
        for rules in [
            "[{IpProtocol: icmp, FromPort: -1, ToPort: -1, CidrIp: 10.0.0.0/16}]",
            "[{IpProtocol: tcp, FromPort: !If [C, 80, !Ref AWS::NoValue], ToPort: 80, CidrIp: 10.0.0.0/16}]",
            "[{IpProtocol: icmpv6, CidrIpv6: '::/0'}]",
            "[{IpProtocol: '-1', CidrIp: 10.0.0.0/16}]",
            "[{IpProtocol: 50, CidrIp: 10.0.0.0/16}]",
            // A protocol from a parameter is not guessed.
            "[{IpProtocol: !Ref Proto, CidrIp: 10.0.0.0/16}]",
            "[!If [C, {IpProtocol: tcp, CidrIp: 10.0.0.0/16}, !Ref AWS::NoValue]]",
        ] {
            assert!(found(rules, ok).is_empty(), "{rules}");
        }
    }

    #[test]
    fn an_instance_gets_its_ami_from_its_image_id_or_its_launch_template() {
        let t = |instance: &str, data: &str| {
            format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  LT:\n    Type: AWS::EC2::LaunchTemplate\n    \
                 Properties:\n      LaunchTemplateData: {data}\n  I:\n    Type: AWS::EC2::Instance\n    \
                 Properties: {instance}\n"
            )
        };
        let found = |instance: &str, data: &str| {
            crate::validate::found(&t(instance, data), "FF2003")
                .into_iter()
                .map(|d| (d.1, d.2))
                .collect::<Vec<_>>()
        };
        let typed = "{InstanceType: t3.micro}";
        let with_ami = "{ImageId: ami-0123456789abcdef0}";
        let none = found("{InstanceType: t3.micro}", typed);
        assert_eq!(
            none,
            [(
                "I.Properties".to_owned(),
                "missing the property `ImageId`: an instance needs an AMI, and it has no launch \
                 template to give one"
                    .to_owned()
            )]
        );
        assert!(found("{ImageId: ami-0123456789abcdef0}", typed).is_empty());
        assert!(
            found(
                "{ImageId: !If [C, ami-0123456789abcdef0, !Ref AWS::NoValue]}",
                typed
            )
            .is_empty()
        );
        // Properties that are an Fn::If: each branch is its own set of properties.
        assert!(
            found(
                "!If [C, {ImageId: ami-0123456789abcdef0}, {ImageId: ami-0123456789abcdef1}]",
                typed
            )
            .is_empty()
        );
        // The launch template gives it, or does not.
        for spec in [
            "{LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}}",
            "{LaunchTemplate: {LaunchTemplateName: !GetAtt LT.LaunchTemplateName, Version: '1'}}",
        ] {
            assert!(found(spec, with_ami).is_empty(), "{spec}");
            let f = found(spec, typed);
            assert_eq!(f.len(), 1, "{spec}: {f:?}");
            assert!(
                f[0].1.ends_with("its launch template `LT` sets none"),
                "{f:?}"
            );
        }
        // A launch template from elsewhere, or data that is an expression: not judged.
        assert!(
            found(
                "{LaunchTemplate: {LaunchTemplateId: lt-0123456789abcdef0, Version: '1'}}",
                typed
            )
            .is_empty()
        );
        assert!(
            found(
                "{LaunchTemplate: {LaunchTemplateId: !Ref LT, Version: '1'}}",
                "!If [C, {ImageId: ami-0123456789abcdef0}, {ImageId: ami-0123456789abcdef1}]"
            )
            .is_empty()
        );
    }

    #[test]
    fn rds_engines_are_those_the_api_creates_ignoring_case() {
        let t = |kind: &str, engine: &str| {
            format!(
                "Parameters:\n  E:\n    Type: String\n    AllowedValues: [postgres, postgresql]\nResources:\n  D:\n    Type: AWS::RDS::{kind}\n    Properties:\n      Engine: {engine}\n"
            )
        };
        let found = |kind: &str, engine: &str| crate::validate::found(&t(kind, engine), "FF2034");
        for good in [
            "mysql",
            "MySQL",
            "aurora-postgresql",
            "sqlserver-ex",
            "db2-se",
        ] {
            assert!(found("DBInstance", good).is_empty(), "{good}");
        }
        for good in ["aurora-mysql", "postgres", "mysql"] {
            assert!(found("DBCluster", good).is_empty(), "{good}");
        }
        let d = found("DBInstance", "postgress");
        assert_eq!(
            d,
            [(
                "error",
                "D.Properties.Engine".to_owned(),
                "`postgress` is not an engine CreateDBInstance creates".to_owned(),
                "did you mean `postgres`?".to_owned()
            )]
        );
        // A number is passed as its text, which names no engine.
        let d = found("DBInstance", "12345");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].2, "`12345` is not an engine CreateDBInstance creates");
        // An instance engine is not a cluster engine.
        let d = found("DBCluster", "mariadb");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].2.contains("CreateDBCluster"), "{d:?}");
        let d = found("DBCluster", "aurora");
        assert!(d[0].3.starts_with("use `aurora-mysql`"), "{d:?}");
        // Each value a parameter allows.
        let d = found("DBInstance", "!Ref E");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].2.ends_with("creates (when E = postgresql)"), "{d:?}");
        // Resolved at deploy time, or left out: not judged.
        assert!(found("DBInstance", "'{{resolve:ssm:/db/engine}}'").is_empty());
        assert!(found("DBInstance", "!ImportValue Engine").is_empty());
    }

    #[test]
    fn cloudfront_aliases_are_lowercase_domain_names_with_a_leading_wildcard_only() {
        let t = |alias: &str| {
            format!(
                "Resources:\n  D:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        Aliases: [{alias}]\n"
            )
        };
        for good in [
            "www.example.com",
            "'*.example.com'",
            "xn--caf-dma.example",
            "_acme.example.com",
            "!Ref Domain",
            "!Sub '${Env}.example.com'",
            "'{{resolve:ssm:/site/domain}}'",
        ] {
            assert!(super::super::found(&t(good), "FF2033").is_empty(), "{good}");
        }
        for (bad, says) in [
            ("WWW.example.com", "has capital letters"),
            ("email.*.example.com", "wildcard"),
            ("'*example.com'", "wildcard"),
            ("-www.example.com", "label `-www`"),
            ("www.example.com-", "label `com-`"),
            ("'www.example.com '", "label `com `"),
            ("www..example.com", "label ``"),
        ] {
            let found = super::super::found(&t(bad), "FF2033");
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert_eq!(found[0].1, "D.Properties.DistributionConfig.Aliases[0]");
            assert!(found[0].2.contains(says), "{bad}: {found:?}");
        }
        let long = format!("{}.example.com", "a".repeat(64));
        assert_eq!(super::super::found(&t(&long), "FF2033").len(), 1);
        let longest = format!("{}.example.com", "a".repeat(63));
        assert!(super::super::found(&t(&longest), "FF2033").is_empty());
        assert_eq!(
            super::super::found(&t("Www.Example.com"), "FF2033")[0].3,
            "write it in lowercase: `www.example.com`"
        );
    }

    use super::txt_problem;

    /// The paths of the diagnostics of `rule` for the YAML template `yaml`.
    fn found(yaml: &str, rule: &str) -> Vec<String> {
        super::super::found(yaml, rule)
            .into_iter()
            .map(|d| d.1)
            .collect()
    }

    /// A Route 53 record set of type `kind` with the one value `value`.
    fn record(kind: &str, value: &str) -> String {
        format!(
            "Resources:\n  R:\n    Type: AWS::Route53::RecordSet\n    Properties:\n      HostedZoneId: Z0123456789ABCDEFGHIJ\n      Name: www.example.com\n      Type: {kind}\n      TTL: '300'\n      ResourceRecords: ['{value}']\n"
        )
    }

    /// A DynamoDB table keyed on `pk`, with `props` (property lines) added.
    fn table(props: &str) -> String {
        format!(
            "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]\n      KeySchema: [{{AttributeName: pk, KeyType: HASH}}]\n{props}"
        )
    }

    #[test]
    fn txt_values_are_quoted_strings_of_at_most_255_characters() {
        for ok in [
            "\"v=spf1 -all\"",
            "\"a\" \"b\"",
            "\"say \\\"hi\\\"\"",
            "\"\\065\"",
            &format!("\"{}\"", "a".repeat(255)),
            &format!("\"{}\" \"{}\"", "a".repeat(255), "b".repeat(255)),
        ] {
            assert_eq!(txt_problem(ok), None, "{ok}");
        }
        for bad in [
            "test2",
            "\"open",
            &format!("\"{}\"", "a".repeat(256)),
            "\"a\" b",
            "",
        ] {
            assert!(txt_problem(bad).is_some(), "{bad}");
        }
    }

    /// `\ddd` (three digits) is one character, `\"` one: a string of 255 with either
    /// is at the limit, not past it.
    #[test]
    fn txt_escapes_count_as_one_character() {
        let a = |n: usize| "a".repeat(n);
        assert_eq!(txt_problem(&format!("\"{}\\065\"", a(254))), None);
        assert_eq!(txt_problem(&format!("\"{}\\\"\"", a(254))), None);
        assert_eq!(
            txt_problem(&format!("\"{}\\065\"", a(255))).as_deref(),
            Some("holds a string of 256 characters; each string of a TXT record is at most 255")
        );
        // A backslash before fewer than three digits escapes one character.
        assert_eq!(txt_problem(&format!("\"{}\\06\"", a(253))), None);
        assert!(txt_problem(&format!("\"{}\\06\"", a(254))).is_some());
    }

    /// Each record type's hint says what its value must be.
    #[test]
    fn record_hints_follow_the_record_type() {
        let hint = |kind: &str, value: &str| {
            let d = super::super::found(&record(kind, value), "FF2026");
            assert_eq!(d.len(), 1, "{d:?}");
            d[0].3.clone()
        };
        assert_eq!(
            hint("A", "2001:db8::1"),
            "write an IPv4 address (203.0.113.10); an IPv6 address goes in an AAAA record"
        );
        assert_eq!(
            hint("AAAA", "127.0.0.1"),
            "write an IPv6 address (2001:db8::10); an IPv4 address goes in an A record"
        );
        assert!(hint("TXT", "hello").starts_with("write each string in double quotes"));
    }

    /// FF2021 names the attributes defined and not used, and used and not defined (in the
    /// table's and its indexes' key schemas).
    #[test]
    fn dynamodb_attributes_are_those_the_key_schemas_use() {
        let t = |extra: &str| {
            format!(
                "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}, {{AttributeName: extra, AttributeType: S}}]\n      KeySchema: [{{AttributeName: pk, KeyType: HASH}}]\n{extra}"
            )
        };
        let d = super::super::found(&t(""), "FF2021");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].1, "T.Properties.AttributeDefinitions");
        assert_eq!(
            d[0].2,
            "AttributeDefinitions defines `extra`, which no key schema uses; DynamoDB refuses the table"
        );
        let gsi = "      GlobalSecondaryIndexes:\n        - {IndexName: i, KeySchema: [{AttributeName: extra, KeyType: HASH}, {AttributeName: sk, KeyType: RANGE}, {AttributeName: at, KeyType: RANGE}], Projection: {ProjectionType: ALL}}\n";
        let d = super::super::found(&t(gsi), "FF2021");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].2,
            "the key schemas use `at`, `sk`, which AttributeDefinitions does not define; DynamoDB refuses the table"
        );
        assert_eq!(
            d[0].3,
            "add `at`, `sk` to AttributeDefinitions with its type (S, N or B)"
        );
        // A local index counts too; a name that is not text leaves the table unjudged.
        let lsi = "      LocalSecondaryIndexes:\n        - {IndexName: l, KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: extra, KeyType: RANGE}], Projection: {ProjectionType: ALL}}\n";
        assert!(super::super::found(&t(lsi), "FF2021").is_empty());
        let opaque = "      LocalSecondaryIndexes:\n        - {IndexName: l, KeySchema: [{AttributeName: !Ref N, KeyType: HASH}], Projection: {ProjectionType: ALL}}\n";
        assert!(super::super::found(&t(opaque), "FF2021").is_empty());
    }

    #[test]
    fn pipelines_start_with_their_sources_and_take_artifacts_from_preceding_actions() {
        let action = |name: &str, category: &str, extra: &str| {
            format!(
                "{{Name: {name}, ActionTypeId: {{Category: {category}, Owner: AWS, Provider: P, Version: '1'}}{extra}}}"
            )
        };
        let pipeline = |stages: &[Vec<String>]| {
            let stages: Vec<String> = stages
                .iter()
                .enumerate()
                .map(|(i, actions)| format!("{{Name: S{i}, Actions: [{}]}}", actions.join(", ")))
                .collect();
            format!(
                "Resources:\n  P:\n    Type: AWS::CodePipeline::Pipeline\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/p\n      ArtifactStore: {{Type: S3, Location: b}}\n      Stages: [{}]\n",
                stages.join(", ")
            )
        };
        let src = action("Src", "Source", ", OutputArtifacts: [{Name: Code}]");
        let build = |input: &str, extra: &str| {
            action(
                "Build",
                "Build",
                &format!(
                    ", InputArtifacts: [{{Name: {input}}}], OutputArtifacts: [{{Name: Built}}]{extra}"
                ),
            )
        };
        let test = |input: &str, order: u8| {
            action(
                "Test",
                "Test",
                &format!(", InputArtifacts: [{{Name: {input}}}], RunOrder: {order}"),
            )
        };
        // Sources first, each input made before: nothing to say.
        let fine = pipeline(&[vec![src.clone()], vec![build("Code", ""), test("Built", 2)]]);
        assert!(found(&fine, "FF2041").is_empty());
        // A build in the source stage, a source later, an input no action makes, and one
        // made by an action that runs at the same time.
        let bad = pipeline(&[
            vec![src.clone(), build("Code", "")],
            vec![
                action("Late", "Source", ""),
                build("Cod", ""),
                test("Built", 1),
            ],
        ]);
        assert_eq!(
            found(&bad, "FF2041"),
            [
                "P.Properties.Stages[0].Actions[1].ActionTypeId.Category",
                "P.Properties.Stages[0].Actions[1].InputArtifacts[0].Name",
                "P.Properties.Stages[1].Actions[0].ActionTypeId.Category",
                "P.Properties.Stages[1].Actions[1].InputArtifacts[0].Name",
            ]
        );
        // An artifact named by a parameter: the pipeline is not judged.
        let opaque = pipeline(&[vec![src], vec![build("!Ref Name", "")]]);
        assert!(found(&opaque, "FF2041").is_empty());
    }

    #[test]
    fn secure_listeners_need_a_certificate() {
        let listener = |props: &str| {
            format!(
                "Resources:\n  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: arn\n      DefaultActions: [{{Type: fixed-response, FixedResponseConfig: {{StatusCode: '404'}}}}]\n{props}"
            )
        };
        assert_eq!(
            found(
                &listener("      Port: 443\n      Protocol: HTTPS\n"),
                "FF2003"
            ),
            ["L.Properties"]
        );
        assert_eq!(
            found(
                &listener("      Port: 443\n      Protocol: TLS\n"),
                "FF2003"
            ),
            ["L.Properties"]
        );
        for fine in [
            "      Port: 443\n      Protocol: HTTPS\n      Certificates: [{CertificateArn: arn}]\n",
            "      Port: 80\n      Protocol: HTTP\n",
            "      Port: 443\n      Protocol: !Ref P\n",
        ] {
            assert!(found(&listener(fine), "FF2003").is_empty(), "{fine}");
        }
    }

    #[test]
    fn alarm_periods_and_evaluation_ranges() {
        let alarm = |period: &str, evaluations: &str| {
            format!(
                "Resources:\n  A:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      ComparisonOperator: GreaterThanThreshold\n      EvaluationPeriods: {evaluations}\n      MetricName: CPUUtilization\n      Namespace: AWS/ECS\n      Period: {period}\n      Statistic: Average\n      Threshold: 80\n"
            )
        };
        for (period, evaluations, at) in [
            ("60", "3", None),
            ("10", "8640", None),
            ("'300'", "288", None),
            ("3600", "168", None),
            ("!Ref P", "100000", None),
            ("45", "1", Some("A.Properties.Period")),
            ("1000000000000", "1", Some("A.Properties.Period")),
            ("60", "1441", Some("A.Properties.EvaluationPeriods")),
            ("3600", "169", Some("A.Properties.EvaluationPeriods")),
        ] {
            assert_eq!(
                found(&alarm(period, evaluations), "FF2042"),
                at.into_iter().collect::<Vec<_>>(),
                "{period} × {evaluations}"
            );
        }
    }

    #[test]
    fn a_rest_api_needs_a_name_or_an_openapi_definition() {
        let api = |props: &str| {
            format!("Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n{props}")
        };
        assert_eq!(found(&api(""), "FF2003"), ["Api.Properties"]);
        assert_eq!(
            found(&api("    Properties: {Description: d}\n"), "FF2003"),
            ["Api.Properties"]
        );
        for given in [
            "Name: api",
            "Body: {openapi: 3.0.1}",
            "BodyS3Location: {Bucket: b, Key: k}",
            "CloneFrom: abc123",
        ] {
            assert!(
                found(&api(&format!("    Properties: {{{given}}}\n")), "FF2003").is_empty(),
                "{given}"
            );
        }
    }

    /// Definitions and indexes under `Fn::If`: what holds in every case is judged, what
    /// holds in some is taken as possible.
    #[test]
    fn dynamodb_attributes_under_conditions() {
        let t = |defs: &str, keys: &str, gsi: &str| {
            format!(
                "Conditions:\n  C: !Equals [a, b]\nResources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}, {defs}]\n      KeySchema: [{{AttributeName: pk, KeyType: HASH}}{keys}]\n{gsi}"
            )
        };
        let maybe_ts = "!If [C, {AttributeName: ts, AttributeType: S}, !Ref AWS::NoValue]";
        let maybe_gsi = "      GlobalSecondaryIndexes: !If [C, [{IndexName: g, KeySchema: [{AttributeName: ts, KeyType: HASH}], Projection: {ProjectionType: ALL}}], !Ref AWS::NoValue]\n";
        let messages = |yaml: String| -> Vec<String> {
            super::super::found(&yaml, "FF2021")
                .into_iter()
                .map(|d| d.2)
                .collect()
        };
        // The index and its attribute under the same condition: nothing to say; the
        // conditional index without its attribute's definition in any case: refused whenever
        // the index is made.
        assert_eq!(messages(t(maybe_ts, "", maybe_gsi)), Vec::<String>::new());
        assert_eq!(
            messages(t(
                "{AttributeName: sk, AttributeType: S}",
                ", {AttributeName: sk, KeyType: RANGE}",
                maybe_gsi
            )),
            [
                "the key schemas use `ts`, which AttributeDefinitions does not define; DynamoDB refuses the table"
            ]
        );
        // A range key no case defines, beside a conditional definition (a mistyped name).
        assert_eq!(
            messages(t(
                maybe_ts,
                ", {AttributeName: skx, KeyType: RANGE}",
                maybe_gsi
            )),
            [
                "the key schemas use `skx`, which AttributeDefinitions does not define; DynamoDB refuses the table"
            ]
        );
        // A definition every case makes and no case uses; a key name written as a number.
        assert_eq!(
            messages(t(
                "{AttributeName: sk, AttributeType: S}",
                ", {AttributeName: 12345, KeyType: RANGE}",
                ""
            )),
            [
                "the key schemas use `12345`, which AttributeDefinitions does not define; DynamoDB refuses the table",
                "AttributeDefinitions defines `sk`, which no key schema uses; DynamoDB refuses the table"
            ]
        );
    }

    /// The billing mode written out as the default, a mode that is no billing mode (the
    /// schema's enum reports it), and throughput an `Fn::If` or `AWS::NoValue` may leave out.
    #[test]
    fn throughput_is_judged_only_for_known_modes_and_written_throughput() {
        // A condition for the `Fn::If` below.
        let t = |props: &str| format!("Conditions:\n  C: !Equals [a, b]\n{}", table(props));
        assert_eq!(
            found(&t("      BillingMode: PROVISIONED\n"), "FF2029"),
            ["T.Properties"]
        );
        assert!(
            found(
                &t("      BillingMode: ON_DEMAND\n      ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}\n"),
                "FF2029"
            )
            .is_empty()
        );
        for maybe in [
            "!Ref AWS::NoValue",
            "!If [C, {ReadCapacityUnits: 1, WriteCapacityUnits: 1}, !Ref AWS::NoValue]",
        ] {
            assert!(
                found(
                    &t(&format!(
                        "      BillingMode: PAY_PER_REQUEST\n      ProvisionedThroughput: {maybe}\n"
                    )),
                    "FF2029"
                )
                .is_empty(),
                "{maybe}"
            );
        }
    }

    /// A backup moved to cold storage is kept there at least 90 days: `DeleteAfterDays` at
    /// exactly 90 days after the move is allowed, a day less is not.
    #[test]
    fn backup_lifecycles_keep_cold_backups_90_days() {
        let t = |cold: u32, delete: u32| {
            format!(
                "Resources:\n  Plan:\n    Type: AWS::Backup::BackupPlan\n    Properties:\n      BackupPlan:\n        BackupPlanName: p\n        BackupPlanRule:\n          - RuleName: r\n            TargetBackupVault: v\n            Lifecycle: {{MoveToColdStorageAfterDays: {cold}, DeleteAfterDays: {delete}}}\n            CopyActions:\n              - DestinationBackupVaultArn: arn:aws:backup:us-east-1:123456789012:backup-vault:w\n                Lifecycle: {{MoveToColdStorageAfterDays: {cold}, DeleteAfterDays: {}}}\n",
                delete + 90
            )
        };
        assert!(super::super::found(&t(30, 120), "FF2008").is_empty());
        assert!(super::super::found(&t(30, 500), "FF2008").is_empty());
        let d = super::super::found(&t(30, 119), "FF2008");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].1,
            "Plan.Properties.BackupPlan.BackupPlanRule[0].Lifecycle.DeleteAfterDays"
        );
        assert_eq!(
            d[0].2,
            "DeleteAfterDays 119 is less than 90 days after MoveToColdStorageAfterDays 30: AWS Backup keeps cold backups at least 90 days"
        );
        assert_eq!(
            d[0].3,
            "set DeleteAfterDays to at least 120, or move to cold storage later"
        );
        // A copy action's lifecycle is judged too.
        let copy = t(30, 119).replace("DeleteAfterDays: 209", "DeleteAfterDays: 100");
        let d = super::super::found(&copy, "FF2008");
        assert_eq!(
            d.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
            [
                "Plan.Properties.BackupPlan.BackupPlanRule[0].Lifecycle.DeleteAfterDays",
                "Plan.Properties.BackupPlan.BackupPlanRule[0].CopyActions[0].Lifecycle.DeleteAfterDays"
            ]
        );
    }

    #[test]
    fn record_values_follow_the_record_type() {
        assert!(found(&record("A", "203.0.113.10"), "FF2026").is_empty());
        assert_eq!(
            found(&record("A", "2001:db8::1"), "FF2026"),
            ["R.Properties.ResourceRecords[0]"]
        );
        assert!(found(&record("AAAA", "2001:db8::1"), "FF2026").is_empty());
        assert_eq!(found(&record("AAAA", "127.0.0.1"), "FF2026").len(), 1);
        assert!(found(&record("TXT", "\"hello\""), "FF2026").is_empty());
        assert_eq!(found(&record("TXT", "hello"), "FF2026").len(), 1);
        // Other types, and values only known at deploy time, are not judged.
        assert!(found(&record("CNAME", "127.0.0.1"), "FF2026").is_empty());
        assert!(found(&record("A", "{{resolve:ssm:/ip}}"), "FF2026").is_empty());
    }

    #[test]
    fn replication_group_failover_needs_replicas_and_cluster_mode_needs_failover() {
        let t = |props: &str| {
            format!(
                "Parameters:\n  Failover:\n    Type: String\n    AllowedValues: ['true', 'false']\nResources:\n  Clustered:\n    Type: AWS::ElastiCache::ParameterGroup\n    Properties:\n      Description: on\n      CacheParameterGroupFamily: redis7\n      Properties: {{cluster-enabled: 'yes'}}\n  G:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      ReplicationGroupDescription: g\n      CacheNodeType: cache.t4g.small\n      Engine: redis\n{props}"
            )
        };
        assert_eq!(
            found(
                &t("      AutomaticFailoverEnabled: true\n      NumCacheClusters: 1\n"),
                "FF2027"
            ),
            ["G.Properties.NumCacheClusters"]
        );
        assert!(
            found(
                &t("      AutomaticFailoverEnabled: true\n      NumCacheClusters: 2\n"),
                "FF2027"
            )
            .is_empty()
        );
        assert!(
            found(
                &t("      AutomaticFailoverEnabled: false\n      NumCacheClusters: 1\n"),
                "FF2027"
            )
            .is_empty()
        );
        assert_eq!(
            found(
                &t("      AutomaticFailoverEnabled: false\n      NumNodeGroups: 3\n"),
                "FF2027"
            ),
            ["G.Properties.AutomaticFailoverEnabled"]
        );
        // One node group is no cluster mode.
        assert!(
            found(
                &t("      AutomaticFailoverEnabled: false\n      NumNodeGroups: 1\n"),
                "FF2027"
            )
            .is_empty()
        );
        assert_eq!(
            found(
                &t(
                    "      AutomaticFailoverEnabled: false\n      CacheParameterGroupName: !Ref Clustered\n"
                ),
                "FF2027"
            ),
            ["G.Properties.AutomaticFailoverEnabled"]
        );
        // Through a parameter: reported for the value that fails, and said so.
        assert_eq!(
            found(
                &t("      AutomaticFailoverEnabled: !Ref Failover\n      NumCacheClusters: 1\n"),
                "FF2027"
            )
            .len(),
            1
        );
        // Not known offline: not judged.
        assert!(
            found(
                &t("      AutomaticFailoverEnabled: !GetAtt X.Y\n      NumCacheClusters: 1\n"),
                "FF2027"
            )
            .is_empty()
        );
    }

    #[test]
    fn throughput_follows_the_billing_mode() {
        let units = "{ReadCapacityUnits: 1, WriteCapacityUnits: 1}";
        assert_eq!(found(&table(""), "FF2029"), ["T.Properties"]);
        assert!(
            found(
                &table(&format!("      ProvisionedThroughput: {units}\n")),
                "FF2029"
            )
            .is_empty()
        );
        assert!(found(&table("      BillingMode: PAY_PER_REQUEST\n"), "FF2029").is_empty());
        assert_eq!(
            found(
                &table(&format!(
                    "      BillingMode: PAY_PER_REQUEST\n      ProvisionedThroughput: {units}\n"
                )),
                "FF2029"
            ),
            ["T.Properties.ProvisionedThroughput"]
        );
        let gsi = format!(
            "      ProvisionedThroughput: {units}\n      GlobalSecondaryIndexes:\n        - {{IndexName: i, KeySchema: [{{AttributeName: pk, KeyType: HASH}}], Projection: {{ProjectionType: ALL}}}}\n"
        );
        assert_eq!(
            found(&table(&gsi), "FF2029"),
            ["T.Properties.GlobalSecondaryIndexes[0]"]
        );
        // A billing mode from a parameter is not judged.
        assert!(found(&table("      BillingMode: !Ref Mode\n"), "FF2029").is_empty());
    }

    #[test]
    fn a_bucket_acl_needs_acls_enabled() {
        let t = |extra: &str| {
            format!(
                "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: LogDeliveryWrite\n{extra}"
            )
        };
        assert_eq!(found(&t(""), "FF2025"), ["Logs.Properties.AccessControl"]);
        let enforced =
            "      OwnershipControls:\n        Rules: [{ObjectOwnership: BucketOwnerEnforced}]\n";
        assert_eq!(found(&t(enforced), "FF2025").len(), 1);
        let writer = "      OwnershipControls:\n        Rules: [{ObjectOwnership: ObjectWriter}]\n";
        assert!(found(&t(writer), "FF2025").is_empty());
        let unknown = "      OwnershipControls: !If [C, {Rules: [{ObjectOwnership: ObjectWriter}]}, !Ref AWS::NoValue]\nConditions:\n  C: !Equals [a, a]\n";
        assert!(found(&t(unknown), "FF2025").is_empty());
        assert!(found(&t("").replace("LogDeliveryWrite", "Private"), "FF2025").is_empty());
    }
}
