//! A nightly job on a schedule and a one-off job to run by hand, both on Fargate Spot, both
//! reading a database password from Secrets Manager through their containers' secrets (each
//! execution role may read exactly that secret).
//!
//! ```text
//! cargo run --example scheduled_jobs -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    AdHocTask, AdHocTaskProps, Cluster, ClusterProps, ContainerProps, FargateSize, Schedule,
    ScheduledTask, ScheduledTaskProps, SecretSource, ServiceNetworking, TaskDefinition,
    TaskDefinitionProps,
};
use ferroform::resources::secretsmanager;
use ferroform::{App, Parameter, Stack};

const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.36";

/// The stack.
pub fn app() -> App {
    let mut stack = Stack::new("ScheduledJobs");
    stack.description("A nightly report job and a one-off backfill job on Fargate Spot");

    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let subnets = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id")
            .description("Private subnets for the jobs, with a route to a NAT gateway"),
    );

    let db_secret = stack.add(
        "DatabaseSecret",
        secretsmanager::Secret::new()
            .description("The jobs' database credentials")
            .generate_secret_string(
                secretsmanager::secret::GenerateSecretString::new()
                    .secret_string_template(r#"{"username": "jobs"}"#)
                    .generate_string_key("password")
                    .exclude_punctuation(true),
            ),
    );
    stack.options(&db_secret).metadata(serde_json::json!({"checkov": {"skip": [
        {"id": "CKV_AWS_149", "comment": "Encrypted with the AWS-managed key aws/secretsmanager: no key fee, and only this account's principals can use it"}
    ]}}));

    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let networking = ServiceNetworking::new(vpc.to_ref(), subnets.to_ref());

    // --- the nightly report, 03:00 UTC
    let report = TaskDefinition::new(
        &mut stack,
        "ReportTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    report.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec![
                "sh".into(),
                "-c".into(),
                "echo building the nightly report".into(),
            ]),
            ..ContainerProps::new("report", IMAGE)
        }
        .secret(
            "DB_PASSWORD",
            SecretSource::secrets_manager(&db_secret).json_key("password"),
        ),
    );
    let nightly = ScheduledTask::new(
        &mut stack,
        "NightlyReport",
        &cluster,
        &report,
        ScheduledTaskProps {
            description: Some("The nightly report, 03:00 UTC".into()),
            ..ScheduledTaskProps::new(Schedule::cron("0 3 * * ? *"), networking.clone())
        },
    );
    stack
        .output("NightlyReportRunNowCommand", nightly.run_task_command())
        .description("Run the nightly report now, outside its schedule");

    // --- the one-off backfill, run by hand
    let backfill = TaskDefinition::new(
        &mut stack,
        "BackfillTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_512_MEM_1024),
    );
    backfill.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec!["sh".into(), "-c".into(), "echo backfilling".into()]),
            ..ContainerProps::new("backfill", IMAGE)
        }
        .secret(
            "DB_PASSWORD",
            SecretSource::secrets_manager(&db_secret).json_key("password"),
        ),
    );
    AdHocTask::new(
        &mut stack,
        "Backfill",
        &cluster,
        &backfill,
        AdHocTaskProps::new(networking),
    );

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
