//! A data worker on Graviton with a fast scratch volume, and its nightly job on Spot.
//!
//! - The worker service runs ARM64 (Graviton, cheaper per vCPU and GB than X86_64) tasks,
//!   each with its own 200 GiB gp3 EBS volume (500 MiB/s) that ECS creates when the task
//!   starts and deletes when it stops, encrypted, mounted at `/scratch`. ECS manages the
//!   volumes with the role the construct makes, allowed only on volumes it tags in this
//!   account and region.
//! - The nightly compaction job runs X86_64 tasks, so it runs on Fargate Spot (the default
//!   capacity of scheduled tasks: Spot when the task can run there).
//!
//! ```text
//! cargo run --example data_worker -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerProps, CpuArchitecture, FargateService,
    FargateServiceProps, FargateSize, ManagedEbsVolume, MountPoint, Schedule, ScheduledTask,
    ScheduledTaskProps, ServiceNetworking, TaskDefinition, TaskDefinitionProps, TaskVolume,
};
use ferroform::{App, Parameter, Stack};

/// The image both tasks run (multi-architecture).
const IMAGE: &str = "public.ecr.aws/docker/library/busybox:1.37";

/// The stack: parameters for the network, the cluster, the worker with its volume, and
/// the nightly job.
pub fn stack() -> Stack {
    let mut stack = Stack::new("DataWorker");
    stack.description("A Graviton data worker with per-task EBS scratch volumes, and a nightly job on Fargate Spot");
    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let private = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id"),
    );
    let networking = || ServiceNetworking::new(vpc.to_ref(), private.to_ref());
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());

    // The worker: ARM64, with a volume configured when each task starts.
    let worker = TaskDefinition::new(
        &mut stack,
        "WorkerTask",
        TaskDefinitionProps {
            cpu_architecture: CpuArchitecture::Arm64,
            volumes: vec![TaskVolume::ConfiguredAtLaunch("scratch".into())],
            ..TaskDefinitionProps::fargate(FargateSize::CPU_1024_MEM_2048)
        },
    );
    worker.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec![
                "sh".into(),
                "-c".into(),
                "while true; do sleep 60; done".into(),
            ]),
            mount_points: vec![MountPoint {
                source_volume: "scratch".into(),
                container_path: "/scratch".into(),
                read_only: false,
            }],
            ..ContainerProps::new("worker", ContainerImage::registry(IMAGE))
        },
    );
    FargateService::new(
        &mut stack,
        "Worker",
        FargateServiceProps {
            ebs_volume: Some(ManagedEbsVolume {
                throughput_mibps: Some(500.into()),
                ..ManagedEbsVolume::new("scratch", 200)
            }),
            ..FargateServiceProps::new(&cluster, &worker, networking())
        },
    );

    // The nightly job: X86_64, so Fargate Spot.
    let job = TaskDefinition::new(
        &mut stack,
        "CompactTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    job.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec!["echo".into(), "compacting".into()]),
            ..ContainerProps::new("compact", ContainerImage::registry(IMAGE))
        },
    );
    ScheduledTask::new(
        &mut stack,
        "NightlyCompact",
        &cluster,
        &job,
        ScheduledTaskProps::new(Schedule::cron("0 2 * * ? *"), networking()),
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
