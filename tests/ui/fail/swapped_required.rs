// Required properties of one type are named, not positional: `Image` and `Name` are both
// strings, and `new("web", "nginx")` (the name where the image goes) would otherwise compile
// and pass cfn-lint. The same holds for a scalable target's two integer capacities.
use ferroform::resources::applicationautoscaling::ScalableTarget;
use ferroform::resources::applicationautoscaling::scalable_target::{
    ScalableDimension, ServiceNamespace,
};
use ferroform::resources::ecs::task_definition::ContainerDefinition;

fn main() {
    let _c = ContainerDefinition::new("web", "nginx");
    let _t = ScalableTarget::new(
        1,
        10,
        "service/cluster/web",
        ScalableDimension::EcsServiceDesiredCount,
        ServiceNamespace::Ecs,
    );
}
