// `DesiredCount` is an integer: a string does not compile.
use ferroform::resources::ecs;

fn main() {
    let _s = ecs::Service::new().desired_count("two");
}
