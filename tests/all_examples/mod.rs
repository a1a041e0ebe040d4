//! Every example program, for the tests that check all of them (`mod all_examples;`).
//! `tests/examples.rs` fails when a file in `examples/` is missing here.
#![allow(dead_code)]

use ferroform::resources::logs;
use ferroform::{App, Stack};

#[path = "../../examples/canary_deployment.rs"]
pub mod canary_deployment;
#[path = "../../examples/container_journey.rs"]
pub mod container_journey;
#[path = "../../examples/data_worker.rs"]
pub mod data_worker;
#[path = "../../examples/ec2_capacity.rs"]
pub mod ec2_capacity;
#[path = "../../examples/ec2_cluster.rs"]
pub mod ec2_cluster;
#[path = "../../examples/ecr_repository.rs"]
pub mod ecr_repository;
#[path = "../../examples/existing_infrastructure.rs"]
pub mod existing_infrastructure;
#[path = "../../examples/express_service.rs"]
pub mod express_service;
#[path = "../../examples/fargate_fleet.rs"]
pub mod fargate_fleet;
#[path = "../../examples/fargate_service.rs"]
pub mod fargate_service;
#[path = "../../examples/from_source.rs"]
pub mod from_source;
#[path = "../../examples/managed_instances.rs"]
pub mod managed_instances;
#[path = "../../examples/multi_region.rs"]
pub mod multi_region;
#[path = "../../examples/platform_and_service.rs"]
pub mod platform_and_service;
#[path = "../../examples/queue_worker.rs"]
pub mod queue_worker;
#[path = "../../examples/scheduled_jobs.rs"]
pub mod scheduled_jobs;
#[path = "../../examples/service_connect.rs"]
pub mod service_connect;

/// Every example, by file name. The fleet is built with 3 services (its program reads
/// `SERVICES` from the environment, which tests must not depend on).
pub fn all() -> Vec<(&'static str, App)> {
    let mut fleet = App::new();
    fleet.add(fargate_fleet::stack(3));
    vec![
        ("canary_deployment", canary_deployment::app()),
        ("container_journey", container_journey::app()),
        ("data_worker", data_worker::app()),
        ("ec2_capacity", ec2_capacity::app()),
        ("ec2_cluster", ec2_cluster::app()),
        ("ecr_repository", ecr_repository::app()),
        ("existing_infrastructure", existing_infrastructure::app()),
        ("express_service", express_service::app()),
        ("fargate_fleet", fleet),
        ("fargate_service", fargate_service::app()),
        // The tests run in tests/: the image sources are under ../examples.
        (
            "from_source",
            from_source::app_in(std::path::Path::new("..")),
        ),
        ("managed_instances", managed_instances::app()),
        ("multi_region", multi_region::app()),
        ("platform_and_service", platform_and_service::app()),
        ("queue_worker", queue_worker::app()),
        ("scheduled_jobs", scheduled_jobs::app()),
        ("service_connect", service_connect::app()),
    ]
}

/// The 500-resource stack (CloudFormation's maximum) of the benchmarks and the limit test:
/// 11 shared + 7 × 69 services of the fleet = 494 resources, plus 6 log groups.
pub fn fleet_500() -> Stack {
    let mut stack = fargate_fleet::stack(69);
    for i in 0..6 {
        stack.add(
            &format!("Extra{i}"),
            logs::LogGroup::new().retention_in_days(7),
        );
    }
    assert_eq!(stack.resource_count(), 500);
    stack
}
