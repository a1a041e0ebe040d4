// A handle can only come from adding a resource to a stack: one cannot be made up.
use ferroform::Handle;
use ferroform::Stack;
use ferroform::resources::ecr;

fn main() {
    let stack = Stack::new("Web");
    let _h: Handle<ecr::Repository> = Handle::new(stack.id(), "Repo".into());
}
