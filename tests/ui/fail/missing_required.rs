// A container definition needs both `Name` and `Image`: leaving one out does not compile.
use ferroform::resources::ecs::task_definition::ContainerDefinition;

fn main() {
    let _c = ContainerDefinition::new("public.ecr.aws/nginx/nginx:1.27");
}
