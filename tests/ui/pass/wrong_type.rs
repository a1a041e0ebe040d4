// Twin of fail/wrong_type.rs: an integer (or an integer expression) compiles.
use ferroform::resources::ecs;
use ferroform::{Parameter, Stack};

fn main() {
    let mut stack = Stack::new("Web");
    let count = stack.parameter("Count", Parameter::integer());
    let _a = ecs::Service::new().desired_count(2);
    let _b = ecs::Service::new().desired_count(count.to_ref());
}
