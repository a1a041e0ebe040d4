// Twin of fail/unknown_attribute.rs: a security group has `GroupId`, a repository `Arn`.
use ferroform::Stack;
use ferroform::resources::{ec2, ecr};

fn main() {
    let mut stack = Stack::new("Web");
    let repo = stack.add("Repo", ecr::Repository::new());
    let sg = stack.add("Sg", ec2::SecurityGroup::new("tasks"));
    let _arn = repo.attr_arn();
    let _id = sg.attr_group_id();
}
