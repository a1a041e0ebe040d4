// A container definition needs both `Image` and `Name`: leaving one out does not compile.
use ferroform::resources::ecs::task_definition::{
    ContainerDefinition, ContainerDefinitionRequired,
};

fn main() {
    let _c = ContainerDefinition::new(ContainerDefinitionRequired {
        image: "public.ecr.aws/nginx/nginx:1.27".into(),
    });
}
