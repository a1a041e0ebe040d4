// Attributes come from the resource type: a repository has no `GroupId`.
use ferroform::Stack;
use ferroform::resources::ecr;

fn main() {
    let mut stack = Stack::new("Web");
    let repo = stack.add("Repo", ecr::Repository::new());
    let _id = repo.attr_group_id();
}
