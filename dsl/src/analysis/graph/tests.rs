use std::collections::BTreeSet;

use serde_json::json;

use super::*;
use crate::analysis::links;

/// The edges as (from, to, label, style) tuples.
fn edges(g: &Graph) -> Vec<(&str, &str, Option<&str>, EdgeStyle)> {
    g.edges()
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str(), e.label.as_deref(), e.style))
        .collect()
}

fn ids(g: &Graph) -> Vec<&str> {
    g.nodes().iter().map(|n| n.id.as_str()).collect()
}

fn node<'g>(g: &'g Graph, id: &str) -> &'g Node {
    g.nodes()
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id} in {:?}", ids(g)))
}

/// A Fargate web service behind an internet-facing ALB, like the ContainerJourney example.
fn journey() -> Json {
    json!({"Resources": {
        "Repo": {"Type": "AWS::ECR::Repository", "Properties": {
            "EncryptionConfiguration": {"EncryptionType": "KMS", "KmsKey": {"Fn::GetAtt": ["Key", "Arn"]}}}},
        "Key": {"Type": "AWS::KMS::Key"},
        "KeyAlias": {"Type": "AWS::KMS::Alias", "Properties": {"TargetKeyId": {"Ref": "Key"}}},
        "ExecRole": {"Type": "AWS::IAM::Role"},
        "TaskRole": {"Type": "AWS::IAM::Role"},
        "TaskPolicy": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [{"Ref": "TaskRole"}]}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
        "Db": {"Type": "AWS::SecretsManager::Secret"},
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "Cpu": "512", "Memory": "1024",
            "ExecutionRoleArn": {"Fn::GetAtt": ["ExecRole", "Arn"]},
            "TaskRoleArn": {"Fn::GetAtt": "TaskRole.Arn"},
            "ContainerDefinitions": [{
                "Name": "web",
                "Image": {"Fn::Join": [":", [{"Fn::GetAtt": ["Repo", "RepositoryUri"]}, {"Ref": "Tag"}]]},
                "Secrets": [{"Name": "DB", "ValueFrom": {"Fn::Sub": "${Db}:password::"}}],
                "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": {"Ref": "Logs"}}}}]}},
        "Cluster": {"Type": "AWS::ECS::Cluster"},
        "Capacity": {"Type": "AWS::ECS::ClusterCapacityProviderAssociations", "Properties": {
            "Cluster": {"Ref": "Cluster"}, "CapacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "DefaultCapacityProviderStrategy": [{"CapacityProvider": "FARGATE", "Weight": 1}]}},
        "LbSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"}]}},
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
            "Scheme": "internet-facing", "SecurityGroups": [{"Fn::GetAtt": ["LbSg", "GroupId"]}]}},
        "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"Protocol": "HTTP", "Port": 8080}},
        "Https": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "Lb"}, "Protocol": "HTTPS", "Port": 443,
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}]}},
        "WebSg": {"Type": "AWS::EC2::SecurityGroup"},
        "Web": {"Type": "AWS::ECS::Service", "Properties": {
            "Cluster": {"Ref": "Cluster"}, "TaskDefinition": {"Ref": "Task"}, "LaunchType": "FARGATE",
            "LoadBalancers": [{"ContainerName": "web", "ContainerPort": 8080, "TargetGroupArn": {"Ref": "Tg"}}],
            "NetworkConfiguration": {"AwsvpcConfiguration": {"SecurityGroups": [{"Ref": "WebSg"}]}}}},
        "WebFromLb": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Ref": "WebSg"}, "SourceSecurityGroupId": {"Ref": "LbSg"},
            "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080}},
        "Scaling": {"Type": "AWS::ApplicationAutoScaling::ScalableTarget", "Properties": {
            "MinCapacity": 2, "MaxCapacity": 10,
            "ResourceId": {"Fn::Sub": ["service/${C}/${S}", {"C": {"Ref": "Cluster"}, "S": {"Fn::GetAtt": ["Web", "Name"]}}]}}},
        "Cpu": {"Type": "AWS::ApplicationAutoScaling::ScalingPolicy", "Properties": {
            "ScalingTargetId": {"Ref": "Scaling"},
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 60,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}}},
        "Requests": {"Type": "AWS::ApplicationAutoScaling::ScalingPolicy", "Properties": {
            "ScalingTargetId": {"Ref": "Scaling"},
            "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 500,
                "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget",
                    "ResourceLabel": {"Fn::Join": ["/", [{"Fn::GetAtt": ["Lb", "LoadBalancerFullName"]}]]}}}}},
        "CDKMetadata": {"Type": "AWS::CDK::Metadata"}
    }})
}

#[test]
fn the_journey_runs_left_to_right() {
    let t = journey();
    let g = graph(&[("Web", &t)]);
    assert_eq!(
        ids(&g),
        [
            "internet",
            "Web.Lb",
            "Web.Tg",
            "Web.Web",
            "Web.Scaling",
            "Web.Task",
            "Web.Repo",
            "Web.Db",
            "Web.Key",
            "Web.Logs",
            "Web.Cluster",
            "Web:fargate",
            "Web:fargate-spot",
        ]
    );
    use EdgeStyle::{Reaches, Scales, Traffic, Uses};
    assert_eq!(
        edges(&g),
        [
            ("internet", "Web.Lb", None, Traffic),
            ("internet", "Web.Lb", Some("tcp :443"), Reaches),
            ("Web.Lb", "Web.Tg", Some("HTTPS :443"), Traffic),
            ("Web.Lb", "Web.Web", Some("tcp :8080"), Reaches),
            ("Web.Tg", "Web.Web", Some("web:8080"), Traffic),
            ("Web.Web", "Web.Task", None, Uses),
            ("Web.Web", "Web.Cluster", None, Uses),
            ("Web.Scaling", "Web.Web", Some("2–10"), Scales),
            ("Web.Task", "Web.Logs", Some("logs"), Uses),
            ("Web.Repo", "Web.Task", Some("image"), Uses),
            ("Web.Db", "Web.Task", Some("reads"), Uses),
            ("Web.Key", "Web.Repo", Some("encrypts"), Uses),
            ("Web.Cluster", "Web:fargate", Some("default"), Uses),
            ("Web.Cluster", "Web:fargate-spot", None, Uses),
        ],
        "the service's own launch type adds no edge: its cluster leads to Fargate"
    );
    assert_eq!(
        node(&g, "Web.Web").label,
        "Web\nECS service · 2–10 tasks · Fargate"
    );
    assert_eq!(
        node(&g, "Web.Scaling").label,
        "Scaling\nauto scaling · CPU 60%, requests 500/target"
    );
    assert_eq!(
        node(&g, "Web.Task").label,
        "Task\ntask definition · 0.5 vCPU · 1 GB\ncontainers: web · task role"
    );
    assert_eq!(node(&g, "Web.Lb").label, "Lb\napplication load balancer");
    assert_eq!(node(&g, "Web.Logs").label, "Logs\nlog group · 30 days");
    assert_eq!(node(&g, "Web:fargate").label, "Fargate");
    assert_eq!(node(&g, "internet").stack, None);
    assert_eq!(node(&g, "Web.Tg").stack.as_deref(), Some("Web"));
}

#[test]
fn listeners_policies_roles_and_groups_are_folded_not_drawn() {
    let t = journey();
    let g = graph(&[("Web", &t)]);
    let logical = |id: &str| node(&g, id).logical_ids.clone();
    assert_eq!(logical("Web.Lb"), ["Lb", "LbSg", "Https"]);
    assert_eq!(
        logical("Web.Task"),
        ["Task", "ExecRole", "TaskRole", "TaskPolicy"]
    );
    assert_eq!(logical("Web.Web"), ["Web", "WebSg", "WebFromLb"]);
    assert_eq!(logical("Web.Scaling"), ["Scaling", "Cpu", "Requests"]);
    assert_eq!(logical("Web.Cluster"), ["Cluster", "Capacity"]);
    assert_eq!(logical("Web.Key"), ["Key", "KeyAlias"]);
    for folded in [
        "Https",
        "TaskPolicy",
        "ExecRole",
        "LbSg",
        "WebFromLb",
        "Cpu",
        "KeyAlias",
    ] {
        assert!(
            g.nodes()
                .iter()
                .all(|n| !n.id.ends_with(&format!(".{folded}"))),
            "{folded} is drawn"
        );
    }
}

#[test]
fn every_logical_id_is_drawn_folded_or_deliberately_omitted() {
    let mut t = journey();
    let extra = json!({
        "Vpc": {"Type": "AWS::EC2::VPC"},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Nat": {"Type": "AWS::EC2::NatGateway"},
        "Route": {"Type": "AWS::EC2::Route"},
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "BucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"}}},
        "Lonely": {"Type": "AWS::IAM::Role"},
        "Orphan": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": "sg-123"}},
        "Weird": {"Type": "Custom::Thing", "Properties": {"Target": {"Ref": "Bucket"}}},
        "NoType": {"Properties": {}},
        "Wait": {"Type": "AWS::CloudFormation::WaitConditionHandle"}
    });
    let Some(res) = t.get_mut("Resources").and_then(Json::as_object_mut) else {
        panic!("resources")
    };
    for (k, v) in extra.as_object().into_iter().flatten() {
        res.insert(k.clone(), v.clone());
    }
    let g = graph(&[("S", &t)]);
    let listed: BTreeSet<&str> = g
        .nodes()
        .iter()
        .flat_map(|n| n.logical_ids.iter().map(String::as_str))
        .collect();
    for (id, r) in t["Resources"].as_object().into_iter().flatten() {
        let ty = r.get("Type").and_then(Json::as_str).unwrap_or("");
        assert!(
            listed.contains(id.as_str()) || NOT_DRAWN.contains(&ty),
            "{id} ({ty}) is not accounted for"
        );
    }
    assert!(!listed.contains("CDKMetadata") && !listed.contains("Wait"));
    let network = node(&g, "S:network");
    assert_eq!(network.label, "Network\n1 VPC · 1 subnet · 1 NAT gateway");
    assert_eq!(network.logical_ids, ["Vpc", "Subnet", "Nat", "Route"]);
    assert_eq!(node(&g, "S.Bucket").logical_ids, ["Bucket", "BucketPolicy"]);
    assert_eq!(node(&g, "S.Lonely").kind, NodeKind::Other);
    assert_eq!(node(&g, "S.Orphan").kind, NodeKind::SecurityGroup);
    assert_eq!(node(&g, "S.NoType").label, "NoType\n(no type)");
    assert_eq!(node(&g, "S.Weird").label, "Weird\nCustom::Thing");
    assert!(edges(&g).contains(&("S.Weird", "S.Bucket", None, EdgeStyle::Uses)));
}

#[test]
fn security_group_rules_draw_who_reaches_whom_on_which_port() {
    let t = json!({"Resources": {
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
            "Scheme": "internal", "Type": "network", "SecurityGroups": [{"Ref": "LbSg"}]}},
        "LbSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv6": "::/0"},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/8"}]}},
        "HostSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 1024, "ToPort": 65535, "SourceSecurityGroupId": {"Fn::GetAtt": ["LbSg", "GroupId"]}}]}},
        "Template": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
            "InstanceType": "t3.medium", "SecurityGroupIds": [{"Ref": "HostSg"}]}}},
        "Asg": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {
            "MinSize": "1", "MaxSize": "3", "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"}}}},
        "DbSg": {"Type": "AWS::EC2::SecurityGroup"},
        "DbFromHosts": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Ref": "DbSg"}, "SourceSecurityGroupId": {"Ref": "HostSg"}, "IpProtocol": "-1"}},
        "DbFromHostsUdp": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Ref": "DbSg"}, "SourceSecurityGroupId": {"Ref": "HostSg"}, "IpProtocol": "17",
            "FromPort": 53, "ToPort": 53}}
    }});
    let g = graph(&[("S", &t)]);
    let reaches: Vec<_> = edges(&g)
        .into_iter()
        .filter(|e| e.3 == EdgeStyle::Reaches)
        .map(|(f, t, l, _)| (f, t, l))
        .collect();
    assert_eq!(
        reaches,
        [
            ("internet", "S.Lb", Some("tcp :80")),
            ("S.Lb", "S.Asg", Some("tcp :1024–65535")),
            ("S.Asg", "S.DbSg", Some("all, udp :53")),
        ]
    );
    assert!(
        !edges(&g).contains(&("internet", "S.Lb", None, EdgeStyle::Traffic)),
        "an internal load balancer takes no traffic from the internet"
    );
    assert_eq!(node(&g, "S.Lb").label, "Lb\ninternal network load balancer");
    assert_eq!(
        node(&g, "S.Asg").label,
        "Asg\nAuto Scaling group · 1–3 × t3.medium"
    );
    assert_eq!(node(&g, "S.Asg").logical_ids, ["Asg", "HostSg", "Template"]);
    assert_eq!(
        node(&g, "S.DbSg").logical_ids,
        ["DbSg", "DbFromHosts", "DbFromHostsUdp"]
    );
}

#[test]
fn ec2_capacity_provider_is_folded_into_its_auto_scaling_group() {
    let t = json!({"Resources": {
        "Cluster": {"Type": "AWS::ECS::Cluster"},
        "Assoc": {"Type": "AWS::ECS::ClusterCapacityProviderAssociations", "Properties": {
            "Cluster": {"Ref": "Cluster"}, "CapacityProviders": ["FARGATE", {"Ref": "Provider"}],
            "DefaultCapacityProviderStrategy": [{"CapacityProvider": {"Ref": "Provider"}}]}},
        "Role": {"Type": "AWS::IAM::Role"},
        "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "Role"}]}},
        "Template": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
            "IamInstanceProfile": {"Arn": {"Fn::GetAtt": ["Profile", "Arn"]}}, "InstanceType": {"Ref": "InstanceType"}}}},
        "Asg": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {
            "MinSize": 0, "MaxSize": 4, "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"}}}},
        "Provider": {"Type": "AWS::ECS::CapacityProvider", "Properties": {
            "AutoScalingGroupProvider": {"AutoScalingGroupArn": {"Ref": "Asg"}}}},
        "Spot": {"Type": "AWS::ECS::Service", "Properties": {"Cluster": {"Ref": "Cluster"},
            "DesiredCount": "1", "CapacityProviderStrategy": [{"CapacityProvider": "FARGATE_SPOT"}]}}
    }});
    let g = graph(&[("S", &t)]);
    assert_eq!(
        node(&g, "S.Asg").label,
        "Asg\nAuto Scaling group · 0–4 × ${InstanceType}\ncapacity provider Provider"
    );
    assert_eq!(
        node(&g, "S.Asg").logical_ids,
        ["Asg", "Role", "Profile", "Template", "Provider"]
    );
    assert_eq!(
        node(&g, "S.Spot").label,
        "Spot\nECS service · 1 task · Fargate Spot"
    );
    use EdgeStyle::Uses;
    assert_eq!(
        edges(&g),
        [
            ("S.Spot", "S.Cluster", None, Uses),
            ("S.Spot", "S:fargate-spot", None, Uses),
            ("S.Cluster", "S.Asg", Some("default"), Uses),
            ("S.Cluster", "S:fargate", None, Uses),
        ]
    );
}

#[test]
fn stacks_of_an_app_are_joined_by_their_exports_and_imports() {
    let platform = json!({
        "Resources": {
            "Cluster": {"Type": "AWS::ECS::Cluster", "Properties": {"CapacityProviders": ["FARGATE"]}},
            "Repo": {"Type": "AWS::ECR::Repository"},
            "LbSg": {"Type": "AWS::EC2::SecurityGroup"},
            "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"SecurityGroups": [{"Ref": "LbSg"}]}},
            "Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
                "LoadBalancerArn": {"Ref": "Lb"}, "Protocol": "HTTP", "Port": 80}}},
        "Outputs": {
            "C": {"Value": {"Ref": "Cluster"}, "Export": {"Name": "platform:cluster"}},
            "R": {"Value": {"Fn::GetAtt": ["Repo", "RepositoryUri"]},
                  "Export": {"Name": {"Fn::Sub": "${AWS::StackName}:repo"}}},
            "L": {"Value": {"Ref": "Listener"}, "Export": {"Name": "platform:listener"}},
            "S": {"Value": {"Ref": "LbSg"}, "Export": {"Name": "platform:lb-sg"}}}});
    let service = json!({"Resources": {
        "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
            {"Name": "app", "Image": {"Fn::Join": [":", [{"Fn::ImportValue": "Platform:repo"}, "1"]]}}]}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"VpcId": {"Fn::ImportValue": "platform:vpc"}}},
        "FromLb": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Ref": "Sg"}, "SourceSecurityGroupId": {"Fn::ImportValue": "platform:lb-sg"},
            "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}},
        "Rule": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
            "ListenerArn": {"Fn::ImportValue": "platform:listener"},
            "Conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
            "Actions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}]}},
        "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup"},
        "Svc": {"Type": "AWS::ECS::Service", "Properties": {
            "Cluster": {"Fn::ImportValue": "platform:cluster"},
            "TaskDefinition": {"Ref": "Task"}, "LaunchType": "FARGATE",
            "NetworkConfiguration": {"AwsvpcConfiguration": {"SecurityGroups": [{"Ref": "Sg"}]}},
            "DeploymentController": {"Type": {"Fn::GetStackOutput": {"StackName": "Other", "OutputName": "Kind"}}}}}
    }});
    let g = graph(&[("Platform", &platform), ("Api", &service)]);
    let refs: Vec<_> = edges(&g)
        .into_iter()
        .filter(|e| e.3 != EdgeStyle::Uses)
        .collect();
    use EdgeStyle::{Reaches, Reference, Traffic};
    assert_eq!(
        refs,
        [
            ("internet", "Platform.Lb", None, Traffic),
            (
                "import:Other.Kind",
                "Api.Svc",
                Some("Other.Kind"),
                Reference
            ),
            (
                "Platform.Lb",
                "Api.Rule",
                Some("platform:listener"),
                Reference
            ),
            ("Platform.Lb", "Api.Svc", Some("tcp :80"), Reaches),
            ("Api.Rule", "Api.Tg", Some("/api/*"), Traffic),
            (
                "Platform.Repo",
                "Api.Task",
                Some("Platform:repo"),
                Reference
            ),
            (
                "Platform.Cluster",
                "Api.Svc",
                Some("platform:cluster"),
                Reference
            ),
        ]
    );
    assert!(
        edges(&g).contains(&(
            "Platform.Cluster",
            "Platform:fargate",
            None,
            EdgeStyle::Uses
        )) && !ids(&g).contains(&"Api:fargate"),
        "the exporting cluster leads to Fargate"
    );
    assert_eq!(node(&g, "Api.Rule").kind, NodeKind::Listener);
    assert_eq!(node(&g, "Api.Rule").label, "Rule\nlistener rule /api/*");
    assert_eq!(
        node(&g, "import:Other.Kind").label,
        "stack output\nOther.Kind"
    );
    assert_eq!(node(&g, "import:Other.Kind").stack, None);
    assert!(
        !ids(&g).contains(&"import:platform:vpc"),
        "the imports of security groups are drawn as the edges of their rules"
    );
    // Every literal import `deploy` orders stacks by is drawn, but those of security
    // groups and their rules (drawn as who reaches whom).
    let labels: BTreeSet<&str> = g
        .edges()
        .iter()
        .filter_map(|e| e.label.as_deref())
        .collect();
    for name in links::literal_imports(&service) {
        if name == "platform:vpc" || name == "platform:lb-sg" {
            continue;
        }
        assert!(labels.contains(name.as_str()), "{name} is not drawn");
    }
    let mermaid = g.to_mermaid();
    assert!(
        mermaid.contains("  subgraph s1[\"Platform\"]\n"),
        "{mermaid}"
    );
    assert!(mermaid.contains("  subgraph s2[\"Api\"]\n"), "{mermaid}");
}

#[test]
fn scheduled_tasks_and_express_services_are_drawn() {
    let t = json!({"Resources": {
        "Nightly": {"Type": "AWS::Events::Rule", "Properties": {
            "ScheduleExpression": "cron(0 3 * * ? *)",
            "Targets": [{"Arn": {"Fn::GetAtt": ["Cluster", "Arn"]}, "RoleArn": {"Fn::GetAtt": ["EventsRole", "Arn"]},
                "EcsParameters": {"TaskDefinitionArn": {"Ref": "Report"},
                    "NetworkConfiguration": {"AwsVpcConfiguration": {"SecurityGroups": [{"Ref": "ReportSg"}]}}}}]}},
        "EventsRole": {"Type": "AWS::IAM::Role"},
        "ReportSg": {"Type": "AWS::EC2::SecurityGroup"},
        "Report": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Family": "report"}},
        "Cluster": {"Type": "AWS::ECS::Cluster"},
        "Hello": {"Type": "AWS::ECS::ExpressGatewayService", "Properties": {
            "Cluster": {"Ref": "Cluster"},
            "PrimaryContainer": {"Image": "nginx", "AwsLogsConfiguration": {"LogGroup": {"Ref": "Logs"}}},
            "ScalingTarget": {"MinTaskCount": 1, "MaxTaskCount": 3}}},
        "Logs": {"Type": "AWS::Logs::LogGroup"}
    }});
    let g = graph(&[("Jobs", &t)]);
    assert_eq!(
        node(&g, "Jobs.Nightly").label,
        "Nightly\nschedule cron(0 3 * * ? *)"
    );
    assert_eq!(
        node(&g, "Jobs.Nightly").logical_ids,
        ["Nightly", "EventsRole", "ReportSg"]
    );
    assert_eq!(node(&g, "Jobs.Report").label, "report\ntask definition");
    assert_eq!(
        node(&g, "Jobs.Hello").label,
        "Hello\nECS Express service · 1–3 tasks"
    );
    use EdgeStyle::Uses;
    assert_eq!(
        edges(&g),
        [
            ("Jobs.Nightly", "Jobs.Report", Some("runs"), Uses),
            ("Jobs.Hello", "Jobs.Logs", Some("logs"), Uses),
            ("Jobs.Hello", "Jobs.Cluster", None, Uses),
        ]
    );
}

#[test]
fn hostile_templates_draw_less_and_never_panic() {
    let mut deep = json!({"Ref": "Repo"});
    for _ in 0..1000 {
        deep = json!([deep]);
    }
    let shallow = json!([[[{"Ref": "Repo"}]]]);
    let task = |image: &Json| {
        json!({"Resources": {
            "Repo": {"Type": "AWS::ECR::Repository"},
            "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Image": image}]}}}})
    };
    let near = graph(&[("S", &task(&shallow))]);
    assert_eq!(
        edges(&near),
        [("S.Repo", "S.Task", Some("image"), EdgeStyle::Uses)]
    );
    let far = graph(&[("S", &task(&deep))]);
    assert!(
        far.edges().is_empty(),
        "a walk stops {} levels down",
        read::MAX_DEPTH
    );

    let cyclic_folds = json!({"Resources": {
        "A": {"Type": "AWS::IAM::Role", "Properties": {"P": {"Ref": "B"}}},
        "B": {"Type": "AWS::IAM::Role", "Properties": {"P": {"Ref": "A"}}}}});
    let wrong = [
        json!(5),
        json!({"Resources": 5}),
        json!({"Resources": {"X": 5, "Y": {"Type": 7}, "Z": {"Type": "AWS::ECS::Service", "Properties": 5}}}),
        json!({"Resources": {
            "Svc": {"Type": "AWS::ECS::Service", "Properties": {
                "LoadBalancers": "x", "TaskDefinition": [1, {"Ref": 3}], "Cluster": {"Fn::GetAtt": 5},
                "CapacityProviderStrategy": [5, {"CapacityProvider": 7}], "DesiredCount": -3}},
            "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": {"a": 1}}},
            "In": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Ref": "In"},
                "FromPort": "x", "IpProtocol": {"Ref": "P"}}},
            "L": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"LoadBalancerArn": {"Ref": "L"},
                "DefaultActions": [{"ForwardConfig": {"TargetGroups": "x"}}]}},
            "T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Cpu": {"x": 1}, "Memory": "-1",
                "ContainerDefinitions": [{"Secrets": 3, "Image": {"Fn::Sub": "${"}}, 4]}},
            "Sub": {"Type": "AWS::S3::Bucket", "Properties": {"A": {"Fn::Sub": [{"Ref": "T"}, 5]}, "B": {"Fn::Sub": "${}${!x}${T"}}},
            "Imp": {"Type": "AWS::SQS::Queue", "Properties": {"Q": {"Fn::ImportValue": {"Fn::Join": [5, 6]}},
                "R": {"Fn::GetStackOutput": 5}, "S": {"Fn::ImportValue": ["a"]}}}},
            "Outputs": {"O": 5, "P": {"Export": {"Name": 5}}, "Q": {"Value": {"Ref": "Svc"}, "Export": 3}}}),
        cyclic_folds,
    ];
    for t in &wrong {
        let g = graph(&[("S", t), ("S", t)]);
        let _ = (g.to_mermaid(), g.to_dot());
    }
    let g = graph(&[("S", &wrong[3]), ("S", &wrong[3])]);
    assert!(
        ids(&g).contains(&"S-2.Svc"),
        "a repeated stack name is made unique"
    );
    assert_eq!(node(&g, "S.Svc").label, "Svc\nECS service · -3 tasks");
    let cyclic = graph(&[("S", &wrong[4])]);
    assert_eq!(ids(&cyclic).len(), 1, "{:?}", ids(&cyclic));
    assert_eq!(cyclic.nodes()[0].logical_ids.len(), 2);
}

#[test]
fn the_same_templates_give_the_same_bytes() {
    let t = journey();
    let other =
        json!({"Resources": {"Z": {"Type": "AWS::SQS::Queue"}, "A": {"Type": "AWS::SQS::Queue"}}});
    let a = graph(&[("Web", &t), ("Queues", &other)]);
    let b = graph(&[("Web", &t.clone()), ("Queues", &other.clone())]);
    assert_eq!(a, b);
    assert_eq!(a.to_mermaid(), b.to_mermaid());
    assert_eq!(a.to_dot(), b.to_dot());
    let queues: Vec<&str> = ids(&a)
        .into_iter()
        .filter(|i| i.starts_with("Queues"))
        .collect();
    assert_eq!(
        queues,
        ["Queues.A", "Queues.Z"],
        "by logical id within a kind"
    );
}

#[test]
fn labels_and_ids_are_escaped_for_mermaid_and_dot() {
    let t = json!({"Resources": {
        "Say\"hi\"<b>#1\nx\\y": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "Family": "fam\"<ily>&|`", "ContainerDefinitions": [{"Name": "a\nb"}]}}}});
    let g = graph(&[("St\"ack", &t)]);
    let label = &g.nodes()[0].label;
    assert_eq!(label, "fam\"<ily>&|`\ntask definition\ncontainers: a\nb");
    let m = g.to_mermaid();
    assert!(m.contains("  subgraph s1[\"St#quot;ack\"]\n"), "{m}");
    assert!(
        m.contains(
            "n0[\"fam#quot;#lt;ily#gt;#amp;#124;#96;<br/>task definition<br/>containers: a<br/>b\"]"
        ),
        "{m}"
    );
    let d = g.to_dot();
    assert!(d.contains("label=\"St\\\"ack\";"), "{d}");
    assert!(
        d.contains("n0 [label=\"fam\\\"<ily>&|`\\ntask definition\\ncontainers: a\\nb\""),
        "{d}"
    );
    assert_eq!(g.nodes()[0].id, "St\"ack.Say\"hi\"<b>#1\nx\\y");
    let other = json!({"Resources": {"Q\"<#\n\\": {"Type": "AWS::SQS::Queue"}}});
    let g = graph(&[("S", &other)]);
    assert!(
        g.to_mermaid()
            .contains("n0[\"Q#quot;#lt;#35;<br/>\\<br/>AWS::SQS::Queue\"]")
    );
    assert!(
        g.to_dot()
            .contains("label=\"Q\\\"<#\\n\\\\\\nAWS::SQS::Queue\"")
    );
}

#[test]
fn parameter_values_never_reach_a_label() {
    let t = json!({
        "Parameters": {"Secret": {"Type": "String", "NoEcho": true, "Default": "hunter2"}},
        "Resources": {"Svc": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": {"Ref": "Secret"}}},
            "Imp": {"Type": "AWS::SQS::Queue", "Properties": {"Q": {"Fn::ImportValue": {"Fn::Sub": "${Secret}-x"}}}}}});
    let g = graph(&[("S", &t)]);
    let text = format!("{}{}{g:?}", g.to_mermaid(), g.to_dot());
    assert!(!text.contains("hunter2"));
    assert_eq!(
        node(&g, "S.Svc").label,
        "Svc\nECS service · ${Secret} tasks"
    );
    assert!(ids(&g).contains(&"import:${Secret}-x"));
}
