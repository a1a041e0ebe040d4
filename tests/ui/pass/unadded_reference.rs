// Twin of fail/unadded_reference.rs: the handle comes from `Stack::add`.
use ferroform::Handle;
use ferroform::Stack;
use ferroform::resources::ecr;

fn main() {
    let mut stack = Stack::new("Web");
    let _h: Handle<ecr::Repository> = stack.add("Repo", ecr::Repository::new());
}
