//! The `stratus` command line built with the tests, so that what the in-process test servers
//! run as a child process of their own (text extraction, `stratus extract-text`) is this
//! checkout's code: the tests' own executable is the test harness, not `stratus`.

fn main() -> std::process::ExitCode {
    stratus_server::cli::main_with_args(std::env::args_os())
}
