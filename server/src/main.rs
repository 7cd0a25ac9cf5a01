//! The `stratus` binary; everything it does lives in [`stratus_server::cli`].

fn main() -> std::process::ExitCode {
    stratus_server::cli::main_with_args(std::env::args_os())
}
