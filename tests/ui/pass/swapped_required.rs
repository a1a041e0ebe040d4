// Twin of fail/swapped_required.rs: the required properties named in a `<Type>Required`
// struct, each a literal with `.into()` or an expression.
use ferroform::resources::applicationautoscaling::scalable_target::{
    ScalableDimension, ServiceNamespace,
};
use ferroform::resources::applicationautoscaling::{ScalableTarget, ScalableTargetRequired};
use ferroform::resources::ecs::task_definition::{
    ContainerDefinition, ContainerDefinitionRequired,
};
use ferroform::{Parameter, Stack};

fn main() {
    let mut stack = Stack::new("Web");
    let image = stack.parameter("Image", Parameter::string());
    let _c = ContainerDefinition::new(ContainerDefinitionRequired {
        image: image.to_ref(),
        name: "web".into(),
    });
    let _t = ScalableTarget::new(ScalableTargetRequired {
        max_capacity: 10.into(),
        min_capacity: 1.into(),
        resource_id: "service/cluster/web".into(),
        scalable_dimension: ScalableDimension::EcsServiceDesiredCount.into(),
        service_namespace: ServiceNamespace::Ecs.into(),
    });
}
