//! The `stratus` binary; everything it does lives in [`stratus_server::cli`].

/// mimalloc instead of glibc's malloc: a large listing or a burst of small requests makes
/// millions of short-lived allocations across threads, where glibc's arenas spend their time
/// in locks and consolidation.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    give_memory_back_when_idle();
    stratus_server::cli::main_with_args(std::env::args_os())
}

/// mimalloc's `mi_option_purge_delay` (the same index in its v2 and v3 headers; the sys crate
/// leaves experimental options unnamed).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Allocator settings made before any thread starts, so that memory freed after a burst goes
/// back to the system while the server then sits idle (bench/idle_memory.sh: anonymous memory
/// 20 s after a WebDAV load 38 MiB before, 23 MiB after). The environment variables of either
/// allocator still win when set.
#[allow(unsafe_code)]
fn give_memory_back_when_idle() {
    // mimalloc returns freed pages after a delay, but only on a later allocation: an idle
    // server never got to it.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: called once, before any other thread exists (options are not thread safe).
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    }
    // SQLite's connection threads allocate through glibc, which gives each thread an arena of
    // its own (up to eight per core), each keeping the pages it freed.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: `mallopt` is called before any other thread exists.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, 2) };
    }
}
