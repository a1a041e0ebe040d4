//! A queue worker on Fargate Spot, scaled by step scaling on a CloudWatch metric: the depth
//! of the SQS queue it consumes. The worker reads its database password from Secrets
//! Manager and an API token from SSM Parameter Store; its task role may consume the queue
//! and nothing else.
//!
//! ```text
//! cargo run --example queue_worker -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    CapacityProviderStrategy, Cluster, ClusterProps, ContainerProps, FargateService,
    FargateServiceProps, FargateSize, Metric, ScalingStep, SecretSource, ServiceNetworking,
    StepScaling, TaskDefinition, TaskDefinitionProps,
};
use ferroform::iam::Statement;
use ferroform::resources::secretsmanager;
use ferroform::{App, Parameter, Stack, fns};

/// The stack.
pub fn app() -> App {
    let mut stack = Stack::new("QueueWorker");
    stack.description("A Fargate Spot worker scaled on the depth of its SQS queue");

    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let subnets = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id")
            .description("Private subnets for the workers, with a route to a NAT gateway"),
    );
    let queue = stack.parameter(
        "QueueName",
        Parameter::string().description("The SQS queue the workers consume"),
    );
    let image = stack.parameter(
        "Image",
        Parameter::string()
            .description("The worker image")
            .default("public.ecr.aws/docker/library/busybox:1.36"),
    );

    let db_secret = stack.add(
        "DatabaseSecret",
        secretsmanager::Secret::new()
            .description("The worker's database credentials")
            .generate_secret_string(
                secretsmanager::secret::GenerateSecretString::new()
                    .secret_string_template(r#"{"username": "worker"}"#)
                    .generate_string_key("password")
                    .exclude_punctuation(true),
            ),
    );

    stack.options(&db_secret).metadata(serde_json::json!({"checkov": {"skip": [{
        "id": "CKV_AWS_149",
        "comment": "Encrypted with the AWS-managed key aws/secretsmanager: no key fee, and only this account's principals can use it"
    }]}}));

    let task = TaskDefinition::new(
        &mut stack,
        "WorkerTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    task.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec![
                "sh".into(),
                "-c".into(),
                "while true; do sleep 30; done".into(),
            ]),
            stop_timeout_seconds: Some(60),
            ..ContainerProps::new("worker", image.to_ref())
        }
        .env("QUEUE_NAME", queue.to_ref())
        .secret(
            "DB_PASSWORD",
            SecretSource::secrets_manager(&db_secret).json_key("password"),
        )
        .secret(
            "API_TOKEN",
            SecretSource::ssm_parameter("/queue-worker/api-token"),
        ),
    );
    task.add_task_role_statements(
        &mut stack,
        "ConsumeQueue",
        vec![
            Statement::allow([
                "sqs:ChangeMessageVisibility",
                "sqs:DeleteMessage",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ])
            .resource(fns::sub(
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}",
            )),
        ],
    );

    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let worker = FargateService::new(
        &mut stack,
        "Worker",
        FargateServiceProps {
            capacity_provider_strategy: vec![CapacityProviderStrategy::fargate_spot(1)],
            ..FargateServiceProps::new(
                &cluster,
                &task,
                ServiceNetworking::new(vpc.to_ref(), subnets.to_ref()),
            )
        },
    );

    // 1 to 20 workers: one more from 100 waiting messages, five more from 1000, one fewer
    // at 10 or less.
    worker.auto_scale(&mut stack, 1, 20).scale_on_metric(
        &mut stack,
        "QueueDepth",
        StepScaling::new(
            Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
                .dimension("QueueName", queue.to_ref())
                .statistic(ferroform::ecs::MetricStatistic::Maximum),
            vec![
                ScalingStep::AtOrBelow {
                    threshold: 10.0,
                    change: -1,
                },
                ScalingStep::AtOrAbove {
                    threshold: 100.0,
                    change: 1,
                },
                ScalingStep::AtOrAbove {
                    threshold: 1000.0,
                    change: 5,
                },
            ],
        ),
    );

    stack.output("ServiceName", worker.name());

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
