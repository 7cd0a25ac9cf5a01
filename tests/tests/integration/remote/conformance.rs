//! The storage-driver conformance suite against the `remote` driver and a real slave.

use stratus_server::storage::{RemoteDriver, conformance};

use super::*;

#[tokio::test]
async fn remote_driver_passes_the_conformance_suite() {
    let slave = SlaveNode::start().await;
    let driver = RemoteDriver::new(&slave.base, 1, &slave.secret).unwrap();
    conformance::run_all(&driver, "conformance").await;
    assert_eq!(slave.files(), Vec::<String>::new(), "the suite cleans up");
}
