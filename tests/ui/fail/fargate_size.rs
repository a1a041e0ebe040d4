// A Fargate size Fargate does not offer is a compile-time error naming the valid memories,
// reported by `cargo check` as well (the macro expands to a const item).
fn main() {
    let size = ferroform::fargate_size!(256, 4096);
    let _ = size;
}
