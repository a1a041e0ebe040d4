//! A web service behind an HTTPS load balancer, deployed by ECS as a canary: each new
//! revision starts in full beside the running one, gets 10 % of the traffic for 10 minutes,
//! then all of it; the old revision is kept 15 minutes more to roll back to. An alarm on
//! the load balancer's 5xx responses rolls the deployment back.
//!
//! `LoadBalancedFargateService` adds what ECS needs to shift the traffic: a second
//! (alternate) target group, the production listener rule forwarding to both, and the role
//! ECS assumes to change them, allowed only on those. The public nginx image is pulled
//! through the account's own registry (`PullThroughCache` of Amazon ECR Public), not from
//! the internet, and the repositories the cache makes get the app's repository defaults
//! (a repository creation template).
//!
//! ```text
//! cargo run --example canary_deployment -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    Cluster, ClusterProps, ContainerProps, DeploymentSettings, DeploymentStrategy,
    FargateServiceProps, FargateSize, HttpsListener, LoadBalancedFargateService,
    LoadBalancedFargateServiceProps, PullThroughCache, RepositoryCreationTemplateProps,
    ServiceNetworking, TaskDefinition, TaskDefinitionProps, Upstream,
};
use ferroform::resources::cloudwatch::{self, alarm};
use ferroform::{App, Parameter, Stack, fns};

/// The stack: parameters for the network and certificate, the cluster, the task, the
/// service with its load balancer, and the rollback alarm.
pub fn stack() -> Stack {
    let mut stack = Stack::new("CanaryWeb");
    stack.description("A web service deployed by ECS as a canary behind an HTTPS load balancer");
    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let public = stack.parameter("PublicSubnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
    let private = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id"),
    );
    let certificate = stack.parameter(
        "CertificateArn",
        Parameter::string().description("ACM certificate of the site"),
    );

    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let task = TaskDefinition::new(
        &mut stack,
        "WebTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    // Public images through the account's registry, under ecr-public/.
    let cache = PullThroughCache::new(
        &mut stack,
        "PublicEcrCache",
        "ecr-public",
        Upstream::EcrPublic,
    );
    task.add_container(
        &mut stack,
        ContainerProps::new("web", cache.image("nginx/nginx", "1.27")).port(80),
    );
    if let Some(role) = task.execution_role() {
        cache.grant_pull(&mut stack, role);
    }
    // The repositories the cache makes get immutable tags, KMS and a lifecycle rule.
    cache.creation_template(
        &mut stack,
        "PublicEcrRepositories",
        RepositoryCreationTemplateProps::default(),
    );

    // The alarm's name is fixed so the service can name it before the alarm exists.
    let alarm_name = fns::sub("${AWS::StackName}-web-5xx");
    let web = LoadBalancedFargateService::new(
        &mut stack,
        "Web",
        LoadBalancedFargateServiceProps {
            https: Some(HttpsListener::new(certificate.to_ref())),
            health_check_path: "/".into(),
            ..LoadBalancedFargateServiceProps::new(
                FargateServiceProps {
                    desired_count: Some(2.into()),
                    deployment: DeploymentSettings {
                        strategy: DeploymentStrategy::Canary {
                            percent: 10.0,
                            bake_minutes: 10,
                        },
                        bake_time_minutes: Some(15),
                        alarms: vec![alarm_name.clone()],
                        ..Default::default()
                    },
                    ..FargateServiceProps::new(
                        &cluster,
                        &task,
                        ServiceNetworking::new(vpc.to_ref(), private.to_ref()),
                    )
                },
                public.to_ref(),
            )
        },
    );

    // More than 5 responses 5xx from the tasks in a minute, twice in a row.
    stack.add(
        "Web5xxAlarm",
        cloudwatch::Alarm::new()
            .alarm_name(alarm_name)
            .alarm_description("The web service answers with server errors")
            .namespace("AWS/ApplicationELB")
            .metric_name("HTTPCode_Target_5XX_Count")
            .dimensions(vec![alarm::Dimension::new(alarm::DimensionRequired {
                name: "LoadBalancer".into(),
                value: web.load_balancer().attr_load_balancer_full_name(),
            })])
            .statistic(alarm::Statistic::Sum)
            .period(60)
            .evaluation_periods(2)
            .threshold(5.0)
            .comparison_operator(alarm::ComparisonOperator::GreaterThanThreshold)
            .treat_missing_data(alarm::TreatMissingData::NotBreaching),
    );
    stack.output(
        "Url",
        fns::sub_with("https://${Dns}", [("Dns", web.dns_name())]),
    );
    stack
}

/// The app: the one stack.
pub fn app() -> App {
    let mut app = App::new();
    app.add(stack());
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
