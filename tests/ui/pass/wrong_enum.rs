// Twin of fail/wrong_enum.rs.
use ferroform::resources::ecs::{self, task_definition};

fn main() {
    let _t = ecs::TaskDefinition::new().network_mode(task_definition::NetworkMode::Awsvpc);
}
