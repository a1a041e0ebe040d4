// Twin of ui/fail/fargate_size.rs: a size Fargate offers.
fn main() {
    let size = ferroform::fargate_size!(256, 2048);
    let _ = size;
}
