//! The `ferroform` command: validate templates (and deploy them, with the `deploy` feature).

fn main() -> std::process::ExitCode {
    ferroform::cli::main()
}
