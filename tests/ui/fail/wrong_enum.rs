// A task definition's `NetworkMode` takes its own enum, not another property's.
use ferroform::resources::ecs::{self, service};

fn main() {
    let _t = ecs::TaskDefinition::new().network_mode(service::LaunchType::Fargate);
}
