//! Property tests against the real server: random `Range` headers on content, random WebDAV
//! headers and bodies on `/dav`, random `cloudreve://` URIs on the file routes, random archives
//! through the extract task. Whatever the input, no answer is a 5xx and nothing lands outside
//! the caller's tree. Cases: `PROPTEST_E2E_CASES`, else the small count each test names (each
//! case is a few real requests, so `PROPTEST_CASES`, meant for the unit ones, is not read).

mod archives;
mod dav;
mod ranges;
mod uris;

use std::future::Future;

use proptest::{
    strategy::Strategy,
    test_runner::{Config, TestCaseError, TestRunner},
};

/// Runs `check` on cases of `strategy`, shrinking a failure to its smallest input. Needs a
/// multi-threaded runtime (`#[tokio::test(flavor = "multi_thread")]`): each case blocks on the
/// async check from the runner's thread.
pub fn run_cases<S, F, Fut>(default_cases: u32, strategy: S, check: F)
where
    S: Strategy,
    S::Value: Clone + std::fmt::Debug,
    F: Fn(S::Value) -> Fut,
    Fut: Future<Output = Result<(), TestCaseError>>,
{
    let cases = std::env::var("PROPTEST_E2E_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        let mut runner = TestRunner::new(Config {
            cases,
            // Each case is a few requests; shrinking stays bounded too.
            max_shrink_iters: 256,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(e) = runner.run(&strategy, |value| handle.block_on(check(value))) {
            panic!("{e}");
        }
    });
}

/// A status that is not a server error.
pub fn no_server_error(status: u16, what: &str) -> Result<(), TestCaseError> {
    if status >= 500 {
        return Err(TestCaseError::fail(format!("{status} for {what}")));
    }
    Ok(())
}

/// A request the server never answered: a dropped connection is how a panic in a handler
/// shows from outside.
pub fn dropped(e: &reqwest::Error, what: &impl std::fmt::Debug) -> TestCaseError {
    TestCaseError::fail(format!("no answer ({e}) for {what:?}"))
}
