// Twin of fail/missing_required.rs: with both required properties it compiles.
use ferroform::resources::ecs::task_definition::{
    ContainerDefinition, ContainerDefinitionRequired,
};

fn main() {
    let _c = ContainerDefinition::new(ContainerDefinitionRequired {
        image: "public.ecr.aws/nginx/nginx:1.27".into(),
        name: "web".into(),
    });
}
