//! The `stratus` binary; everything it does lives in [`stratus_server::cli`].

/// mimalloc instead of glibc's malloc: a large listing or a burst of small requests makes
/// millions of short-lived allocations across threads, where glibc's arenas spend their time
/// in locks and consolidation.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    stratus_server::cli::main_with_args(std::env::args_os())
}
