//! `ExpressService`: an Amazon ECS Express Mode service (`AWS::ECS::ExpressGatewayService`)
//! — "run this image behind HTTPS": ECS makes and manages the Application Load Balancer,
//! its certificate, security groups, auto scaling and alarms on Fargate. The construct
//! makes what ECS needs and the user would otherwise click together: the infrastructure
//! role (the statements of AWS's managed policy for Express Mode, limited to this account
//! and region), the task execution role (writes to its log group, pulls from its
//! repository), and the log group.

use serde_json::json;

use crate::fns;
use crate::iam::{PolicyDocument, Statement};
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::ecs::{self, express_gateway_service as x};
use crate::resources::{iam, logs};

use super::cluster::Cluster;
use super::image::ContainerImage;
use super::log::{LogGroupProps, TaskLogging};
use super::repository::grant;
use super::service::Subnets;
use super::task_definition::{FargateSize, TaskDefinition};
use super::{part_id, rules};

/// How an Express service scales ([`ExpressGatewayScalingTarget`](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ExpressGatewayScalingTarget.html)).
#[derive(Clone, Debug)]
pub struct ExpressScaling {
    /// Fewest tasks. Default: 1.
    pub min_tasks: Value<i64>,
    /// Most tasks, at least `min_tasks` (FF4061). Default: 3 (a traffic spike is served,
    /// a runaway bill is not).
    pub max_tasks: Value<i64>,
    /// The metric to track. Default: average CPU (ECS's default).
    pub metric: x::ExpressGatewayServiceScalingMetric,
    /// Its target value. Default: 60 (ECS's default).
    pub target: Value<i64>,
}

impl Default for ExpressScaling {
    fn default() -> Self {
        ExpressScaling {
            min_tasks: 1.into(),
            max_tasks: 3.into(),
            metric: x::ExpressGatewayServiceScalingMetric::AverageCpu,
            target: 60.into(),
        }
    }
}

/// The settings of an [`ExpressService`]. Start from [`ExpressServiceProps::new`].
#[derive(Clone, Debug)]
pub struct ExpressServiceProps {
    /// The image: from a repository of the app ([`ContainerImage::ecr`], whose pull is
    /// granted to the execution role) or a registry. Images built from source need a task
    /// definition ([`super::FargateService`]) and are refused here.
    pub image: ContainerImage,
    /// The port the container listens on. Default: 80.
    pub container_port: Value<i64>,
    /// The task size (Express services run on Fargate). Default: 0.25 vCPU and 512 MiB,
    /// the smallest.
    pub size: FargateSize,
    /// The path the load balancer checks. Default: none (ECS's default).
    pub health_check_path: Option<Value<String>>,
    /// The subnets the tasks run in. Default: none (ECS uses the default VPC's).
    pub subnets: Option<Subnets>,
    /// Security groups of the tasks. Default: none (ECS makes one).
    pub security_groups: Vec<Value<String>>,
    /// Environment variables.
    pub environment: Vec<(String, Value<String>)>,
    /// The container's command. Default: the image's.
    pub command: Option<Vec<Value<String>>>,
    /// Scaling. Default: [`ExpressScaling::default`].
    pub scaling: ExpressScaling,
    /// The log group made for the service. Default: [`LogGroupProps::default`].
    pub logging: LogGroupProps,
    /// The role the container's code uses. Default: none (no AWS credentials).
    pub task_role_arn: Option<Value<String>>,
    /// The service name. Default: none (ECS makes one).
    pub service_name: Option<Value<String>>,
}

impl ExpressServiceProps {
    /// Run `image` with the defaults above.
    pub fn new(image: impl Into<ContainerImage>) -> Self {
        ExpressServiceProps {
            image: image.into(),
            container_port: 80.into(),
            size: FargateSize::CPU_256_MEM_512,
            health_check_path: None,
            subnets: None,
            security_groups: Vec::new(),
            environment: Vec::new(),
            command: None,
            scaling: ExpressScaling::default(),
            logging: LogGroupProps::default(),
            task_role_arn: None,
            service_name: None,
        }
    }
}

/// An Amazon ECS Express Mode service: the image behind an HTTPS endpoint that ECS manages.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::*;
///
/// let mut stack = Stack::new("Hello");
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let hello = ExpressService::new(&mut stack, "Hello", &cluster,
///     ExpressServiceProps::new(ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27")));
/// stack.output("Url", hello.endpoint());
/// let t = stack.to_template().unwrap();
/// let p = &t.body()["Resources"]["Hello"]["Properties"];
/// assert_eq!(p["Cpu"], "256");
/// assert_eq!(p["ScalingTarget"]["MaxTaskCount"], 3);
/// assert_eq!(p["InfrastructureRoleArn"]["Fn::GetAtt"][0], "HelloInfrastructureRole");
/// ```
#[derive(Clone, Debug)]
pub struct ExpressService {
    resource: Handle<ecs::ExpressGatewayService>,
    log_group: Option<Handle<logs::LogGroup>>,
}

impl ExpressService {
    /// Add the service in `cluster`, its roles and its log group.
    pub fn new(stack: &mut Stack, id: &str, cluster: &Cluster, props: ExpressServiceProps) -> Self {
        let image = match &props.image {
            ContainerImage::Ecr { image, .. } | ContainerImage::Registry(image) => image.clone(),
            ContainerImage::Source(_) => {
                stack.report_error(
                    rules::INVALID_INPUT,
                    Some(id),
                    format!("Express service `{id}` is given an image built from source"),
                    "push the image to a repository and use ContainerImage::ecr, or run it with a TaskDefinition and a FargateService",
                );
                Value::lit(String::new())
            }
        };
        let execution_role = stack.add(
            &part_id(id, "ExecutionRole"),
            iam::Role::new(PolicyDocument::assumed_by("ecs-tasks.amazonaws.com")),
        );
        let (log_group, target) =
            TaskDefinition::make_log_group(stack, id, TaskLogging::Create(props.logging.clone()));
        let mut execution = Vec::new();
        if let Some(t) = &target {
            execution.push(
                Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"])
                    .resource(t.arn.clone()),
            );
        }
        if let ContainerImage::Ecr { repository, .. } = &props.image {
            execution.extend(repository.pull_statements());
        }
        if !execution.is_empty() {
            grant(stack, &execution_role, "Execution", execution);
        }
        let infrastructure_role = super::ecs_role(
            stack,
            id,
            "InfrastructureRole",
            "ManageExpressService",
            infrastructure_statements(),
        );

        let mut container =
            x::ExpressGatewayContainer::new(image).container_port(props.container_port.clone());
        if let Some(t) = &target {
            container = container.aws_logs_configuration(
                x::ExpressGatewayServiceAwsLogsConfiguration::new(
                    x::ExpressGatewayServiceAwsLogsConfigurationRequired {
                        log_group: t.name.clone(),
                        log_stream_prefix: id.into(),
                    },
                ),
            );
        }
        if !props.environment.is_empty() {
            container = container.environment(
                props
                    .environment
                    .iter()
                    .map(|(k, v)| {
                        x::KeyValuePair::new(x::KeyValuePairRequired {
                            name: k.clone().into(),
                            value: v.clone(),
                        })
                    })
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(c) = &props.command {
            container = container.command(c.clone());
        }
        let s = &props.scaling;
        let mut service = ecs::ExpressGatewayService::new(infrastructure_role.attr_arn())
            .cluster(cluster.name())
            .cpu(props.size.cpu().to_string())
            .memory(props.size.memory_mib().to_string())
            .execution_role_arn(execution_role.attr_arn())
            .primary_container(container)
            .scaling_target(
                x::ExpressGatewayScalingTarget::new()
                    .min_task_count(s.min_tasks.clone())
                    .max_task_count(s.max_tasks.clone())
                    .auto_scaling_metric(s.metric.clone())
                    .auto_scaling_target_value(s.target.clone()),
            );
        if let Some(p) = &props.health_check_path {
            service = service.health_check_path(p.clone());
        }
        if props.subnets.is_some() || !props.security_groups.is_empty() {
            let mut net = x::ExpressGatewayServiceNetworkConfiguration::new();
            if let Some(subnets) = &props.subnets {
                net = net.subnets(subnets.0.clone());
            }
            if !props.security_groups.is_empty() {
                net = net.security_groups(props.security_groups.clone());
            }
            service = service.network_configuration(net);
        }
        if let Some(arn) = &props.task_role_arn {
            service = service.task_role_arn(arn.clone());
        }
        if let Some(name) = &props.service_name {
            service = service.service_name(name.clone());
        }
        let resource = stack.add(id, service);
        ExpressService {
            resource,
            log_group,
        }
    }

    /// The service's HTTPS endpoint (`Fn::GetAtt Endpoint`).
    pub fn endpoint(&self) -> Value<String> {
        self.resource.attr_endpoint()
    }

    /// The service's ARN.
    pub fn arn(&self) -> Value<String> {
        self.resource.attr_service_arn()
    }

    /// The `AWS::ECS::ExpressGatewayService` (escape hatch).
    pub fn resource(&self) -> &Handle<ecs::ExpressGatewayService> {
        &self.resource
    }

    /// The log group made for the service, if one was.
    pub fn log_group(&self) -> Option<&Handle<logs::LogGroup>> {
        self.log_group.as_ref()
    }
}

/// `arn:<partition>:<service>:<region>:<account>:<rest>`.
fn arn(service: &str, rest: &str) -> Value<String> {
    fns::sub(format!(
        "arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{rest}"
    ))
}

/// What ECS needs to run an Express service: AWS's
/// `AmazonECSInfrastructureRoleforExpressGatewayServices` (version 6,
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRoleforExpressGatewayServices.html>)
/// with this account and region instead of any.
fn infrastructure_statements() -> Vec<Statement> {
    let elb = || {
        [
            "loadbalancer/app/*/*",
            "listener/app/*/*/*",
            "listener-rule/app/*/*/*/*",
            "targetgroup/*/*",
        ]
        .map(|r| arn("elasticloadbalancing", r))
    };
    let managed = || json!({"StringEquals": {"aws:ResourceTag/AmazonECSManaged": "true"}});
    let request_managed = || json!({"StringEquals": {"aws:RequestTag/AmazonECSManaged": "true"}});
    let targets = || arn("application-autoscaling", "scalable-target/*");
    let alarms = || arn("cloudwatch", "alarm:*");
    vec![
        Statement::allow(["iam:CreateServiceLinkedRole"])
            .sid("ServiceLinkedRoleCreateOperations")
            .resources([
                fns::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/*"),
                fns::sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/*"),
            ])
            .condition(json!({"StringEquals": {"iam:AWSServiceName": [
                "ecs.application-autoscaling.amazonaws.com",
                "elasticloadbalancing.amazonaws.com"
            ]}})),
        Statement::allow([
            "elasticloadbalancing:AddListenerCertificates",
            "elasticloadbalancing:CreateListener",
            "elasticloadbalancing:CreateLoadBalancer",
            "elasticloadbalancing:CreateRule",
            "elasticloadbalancing:CreateTargetGroup",
            "elasticloadbalancing:DeleteListener",
            "elasticloadbalancing:DeleteLoadBalancer",
            "elasticloadbalancing:DeleteRule",
            "elasticloadbalancing:DeleteTargetGroup",
            "elasticloadbalancing:DeregisterTargets",
            "elasticloadbalancing:ModifyListener",
            "elasticloadbalancing:ModifyRule",
            "elasticloadbalancing:RegisterTargets",
            "elasticloadbalancing:RemoveListenerCertificates",
        ])
        .sid("ELBOperations")
        .resources(elb())
        .condition(managed()),
        Statement::allow(["elasticloadbalancing:AddTags"])
            .sid("TagOnCreateELBResources")
            .resources(elb())
            .condition(json!({"StringEquals": {"elasticloadbalancing:CreateAction": [
                "CreateLoadBalancer", "CreateListener", "CreateRule", "CreateTargetGroup"
            ]}})),
        Statement::allow(["ec2:CreateSecurityGroup"])
            .sid("CreateSecurityGroupsInVPCs")
            .resource(arn("ec2", "vpc/*")),
        Statement::allow([
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateSecurityGroup",
        ])
        .sid("CreateSecurityGroupResourcesWithTags")
        .resources([
            arn("ec2", "security-group/*"),
            arn("ec2", "security-group-rule/*"),
            arn("ec2", "vpc/*"),
        ])
        .condition(request_managed()),
        Statement::allow([
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:DeleteSecurityGroup",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
        ])
        .sid("ModifySecurityGroupOperations")
        .resources([arn("ec2", "security-group/*"), arn("ec2", "vpc/*")])
        .condition(managed()),
        Statement::allow(["ec2:CreateTags"])
            .sid("TagOnCreateEC2Resources")
            .resources([arn("ec2", "security-group/*"), arn("ec2", "security-group-rule/*")])
            .condition(json!({"StringEquals": {"ec2:CreateAction": [
                "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"
            ]}})),
        Statement::allow([
            "acm:AddTagsToCertificate",
            "acm:DeleteCertificate",
            "acm:DescribeCertificate",
            "acm:RequestCertificate",
        ])
        .sid("CertificateOperations")
        .resource(arn("acm", "certificate/*"))
        .condition(managed()),
        Statement::allow([
            "application-autoscaling:DeregisterScalableTarget",
            "application-autoscaling:RegisterScalableTarget",
            "application-autoscaling:TagResource",
        ])
        .sid("ApplicationAutoscalingCreateOperations")
        .resource(targets())
        .condition(managed()),
        Statement::allow([
            "application-autoscaling:DeleteScalingPolicy",
            "application-autoscaling:PutScalingPolicy",
        ])
        .sid("ApplicationAutoscalingPolicyOperations")
        .resource(targets())
        .condition(json!({"StringEquals": {"application-autoscaling:service-namespace": "ecs"}})),
        Statement::allow([
            "application-autoscaling:DescribeScalableTargets",
            "application-autoscaling:DescribeScalingActivities",
            "application-autoscaling:DescribeScalingPolicies",
        ])
        .sid("ApplicationAutoscalingReadOperations")
        .resource(targets()),
        Statement::allow(["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"])
            .sid("CloudWatchAlarmCreateOperations")
            .resource(alarms())
            .condition(request_managed()),
        Statement::allow(["cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"])
            .sid("CloudWatchAlarmOperations")
            .resource(alarms())
            .condition(managed()),
        // Describe actions support no resource-level permissions (IAM's service
        // authorization reference): "*" is what AWS requires.
        Statement::allow([
            "ec2:DescribeRouteTables",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
            "logs:DescribeLogGroups",
        ])
        .sid("ReadOperations")
        .resource("*"),
        Statement::allow(["logs:CreateLogGroup", "logs:TagResource"])
            .sid("CloudWatchLogsCreateOperations")
            .resource(arn("logs", "log-group:*"))
            .condition(request_managed()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{ClusterProps, Repository};

    #[test]
    fn the_roles_the_log_group_and_the_pull_are_made() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let repo = Repository::from_name("web");
        let web = ExpressService::new(
            &mut stack,
            "Web",
            &cluster,
            ExpressServiceProps {
                size: FargateSize::CPU_1024_MEM_2048,
                health_check_path: Some("/health".into()),
                environment: vec![("MODE".into(), "prod".into())],
                subnets: Some(fns::split(",", "subnet-12345678").into()),
                ..ExpressServiceProps::new(ContainerImage::ecr(&repo, "v1"))
            },
        );
        stack.output("Url", web.endpoint());
        {
            use crate::model::render::{Render, RenderCx};
            let mut cx = RenderCx::detached();
            assert_eq!(
                web.arn().render(&mut cx),
                serde_json::json!({"Fn::GetAtt": ["Web", "ServiceArn"]})
            );
            let logs = web.log_group().expect("the service's log group");
            assert_eq!(
                logs.to_ref().render(&mut cx),
                serde_json::json!({"Ref": "WebLogs"})
            );
        }
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let p = &r["Web"]["Properties"];
        assert_eq!(
            (p["Cpu"].as_str(), p["Memory"].as_str()),
            (Some("1024"), Some("2048"))
        );
        assert_eq!(p["HealthCheckPath"], "/health");
        assert_eq!(p["Cluster"], serde_json::json!({"Ref": "Cluster"}));
        let c = &p["PrimaryContainer"];
        assert_eq!(c["ContainerPort"], 80);
        assert_eq!(
            c["Environment"],
            serde_json::json!([{"Name": "MODE", "Value": "prod"}])
        );
        assert_eq!(
            c["AwsLogsConfiguration"]["LogGroup"],
            serde_json::json!({"Ref": "WebLogs"})
        );
        assert_eq!(
            p["ScalingTarget"],
            serde_json::json!({"AutoScalingMetric": "AVERAGE_CPU", "AutoScalingTargetValue": 60, "MaxTaskCount": 3, "MinTaskCount": 1})
        );
        assert_eq!(r["WebLogs"]["Properties"]["RetentionInDays"], 30);
        // The execution role writes to its log group and pulls from its repository only.
        let exec =
            &r["WebExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(
            exec[0]["Resource"],
            serde_json::json!({"Fn::GetAtt": ["WebLogs", "Arn"]})
        );
        assert_eq!(
            exec[1]["Action"],
            serde_json::json!([
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer"
            ])
        );
        // The infrastructure role: ECS only, every statement on this account and region.
        let infra = &r["WebInfrastructureRole"]["Properties"];
        assert_eq!(
            infra["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "ecs.amazonaws.com"
        );
        let text = infra["Policies"][0]["PolicyDocument"].to_string();
        assert!(
            !text.contains("arn:aws:"),
            "no literal partition or wildcard account: {text}"
        );
        assert!(text.contains("${AWS::AccountId}"), "{text}");
    }

    #[test]
    fn an_image_from_source_is_refused() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        ExpressService::new(
            &mut stack,
            "Web",
            &cluster,
            ExpressServiceProps::new(ContainerImage::from_directory("services/web")),
        );
        let e = format!("{:?}", stack.to_template().unwrap_err());
        assert!(e.contains("is given an image built from source"), "{e}");
    }
}
