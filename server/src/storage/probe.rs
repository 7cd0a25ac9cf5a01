//! A round trip through a driver before its settings are trusted: a small object written,
//! read back, compared and deleted. Storage policies (`admin::policy_check`) and backup
//! targets (`backup::targets`) are both tested this way before they are saved; each caller
//! names the object and wraps the words in its own error.

use super::{StorageDriver, StorageError, collect, stream_once};

/// Writes `body` at `key`, reads it back and compares it, then deletes it whatever happened
/// before, so a failed read leaves nothing behind. The error is the failing step in the
/// driver's own words.
pub async fn round_trip(driver: &dyn StorageDriver, key: &str, body: String) -> Result<(), String> {
    let test = async {
        driver
            .put(key, stream_once(body.clone()), Some(body.len() as u64))
            .await
            .map_err(|e| format!("writing a test object: {e}"))?;
        let read = async {
            let got = driver.get(key, None).await?;
            collect(got.stream).await.map_err(StorageError::from)
        };
        let back = read
            .await
            .map_err(|e| format!("reading the test object back: {e}"))?;
        if back != body.as_bytes() {
            return Err("the test object read back differs from what was written".to_owned());
        }
        Ok(())
    };
    let outcome = test.await;
    let removed = driver.delete(&[key.to_owned()]).await;
    outcome?;
    match removed {
        Ok(failed) if failed.is_empty() => Ok(()),
        Ok(failed) => Err(format!(
            "deleting the test object: {}",
            failed
                .into_iter()
                .map(|(_, e)| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Err(e) => Err(format!("deleting the test object: {e}")),
    }
}
