//! Images built from source. The web service's image is built from a directory with a
//! Dockerfile (`examples/from_source/web`) and pushed to a repository of another stack of the
//! app; the worker's image adds one file to a base image pinned by digest, with no Dockerfile
//! and no image builder, for ARM64 because its task runs on Graviton.
//!
//! Synth builds nothing: it hashes what each image is made of (the files the builder would
//! receive, after `.dockerignore`; the Dockerfile; build arguments; the platform; the base
//! image's digest) and tags the image `asset-<hash>`. `synth --out` lists the images in
//! `ferroform.manifest.json`, for the publish step that builds and pushes them before a deploy.
//!
//! ```text
//! cargo run --example from_source -- synth --out out/
//! ```

use std::path::Path;
use std::process::ExitCode;

use ferroform::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerProps, CpuArchitecture, FargateService,
    FargateServiceProps, FargateSize, ImageBase, Repository, RepositoryProps, ServiceNetworking,
    TaskDefinition, TaskDefinitionProps,
};
use ferroform::{App, Parameter, Stack};

/// The app, with the image sources under this repository's `examples/from_source`.
pub fn app() -> App {
    app_in(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The app, with the image sources under `root/examples/from_source`.
pub fn app_in(root: &Path) -> App {
    let sources = root.join("examples/from_source");

    // The repository lives in its own stack, deployed first: the service's stack needs the
    // image in it before its first deploy.
    let mut images = Stack::new("FromSourceImages");
    let web_repo = Repository::new(&mut images, "Web", RepositoryProps::default());

    let mut stack = Stack::new("FromSource");
    stack.description("Two services whose images ferroform builds from source");
    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let subnets = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id")
            .description("Private subnets with a route to a NAT gateway or to ECR endpoints"),
    );
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());

    // A directory with a Dockerfile: the build context is `web/`, `notes.txt` is left out
    // by its `.dockerignore`.
    let web = TaskDefinition::new(
        &mut stack,
        "WebTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    web.add_container(
        &mut stack,
        ContainerProps::new(
            "web",
            ContainerImage::from_directory(sources.join("web"))
                .build_arg("VERSION", "1.4")
                .target("runtime")
                .repository(&web_repo),
        )
        .port(80),
    );

    // Files on a pinned base image, for ARM64 (the task's architecture). Replace the digest
    // with the one `crane digest public.ecr.aws/docker/library/busybox:1.36` prints.
    let worker = TaskDefinition::new(
        &mut stack,
        "WorkerTask",
        TaskDefinitionProps {
            cpu_architecture: CpuArchitecture::Arm64,
            ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
        },
    );
    worker.add_container(
        &mut stack,
        ContainerProps::new(
            "worker",
            ContainerImage::from_files(ImageBase::pinned(
                "public.ecr.aws/docker/library/busybox@sha256:9532d8c39891ca2ecde4d30d7710e01fb739c87a8b9299685c63704296b16028",
            ))
            .file(sources.join("worker/worker.sh"), "/usr/local/bin/worker")
            .entrypoint(["/usr/local/bin/worker"])
            .user("10001"),
        ),
    );

    for (id, task) in [("Web", &web), ("Worker", &worker)] {
        let service = FargateService::new(
            &mut stack,
            id,
            FargateServiceProps::new(
                &cluster,
                task,
                ServiceNetworking::new(vpc.to_ref(), subnets.to_ref()),
            ),
        );
        stack.output(&format!("{id}ServiceName"), service.name());
    }

    let mut app = App::new();
    app.add(images);
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
