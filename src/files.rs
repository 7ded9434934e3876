//! Stored files (uploaded invoice PDFs) behind a small trait; the embedded default keeps
//! them in a folder under the data directory.

use std::io;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

#[async_trait]
pub trait FileStore: Send + Sync + 'static {
    /// Stores `bytes` under `key` durably, replacing nothing: the caller picks fresh keys.
    async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    /// The bytes under `key`, or `None` when there are none.
    async fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>>;
    async fn delete(&self, key: &str) -> io::Result<()>;
}

/// Files in a local folder: `<root>/<key>`.
#[derive(Debug, Clone)]
pub struct LocalFileStore {
    root: PathBuf,
}

impl LocalFileStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalFileStore { root: root.into() }
    }

    /// Keys are made by us from IDs, but check anyway that none can leave the root.
    fn path(&self, key: &str) -> io::Result<PathBuf> {
        let safe = !key.is_empty()
            && key.split('/').all(|part| {
                !part.is_empty()
                    && part != "."
                    && part != ".."
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
            });
        if !safe {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unsafe file key {key:?}"),
            ));
        }
        Ok(self.root.join(key))
    }
}

#[async_trait]
impl FileStore for LocalFileStore {
    async fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || write_durably(&path, &bytes))
            .await
            .map_err(io::Error::other)?
    }

    async fn get(&self, key: &str) -> io::Result<Option<Vec<u8>>> {
        match tokio::fs::read(self.path(key)?).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Writes to a temporary file, syncs it, then renames it into place and syncs the folder,
/// so a crash leaves either no file or the whole file.
fn write_durably(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("file key has no folder"))?;
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("partial");
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_and_keys_cannot_escape_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileStore::new(dir.path());
        store
            .put("invoices/acc_1/inv_1.pdf", b"%PDF-1.4")
            .await
            .unwrap();
        assert_eq!(
            store
                .get("invoices/acc_1/inv_1.pdf")
                .await
                .unwrap()
                .unwrap(),
            b"%PDF-1.4"
        );
        assert!(
            store
                .get("invoices/acc_1/none.pdf")
                .await
                .unwrap()
                .is_none()
        );
        for bad in ["../x", "/etc/passwd", "a//b", "a/./b", "", "a/b c"] {
            assert!(store.put(bad, b"x").await.is_err(), "{bad}");
        }
        store.delete("invoices/acc_1/inv_1.pdf").await.unwrap();
        store.delete("invoices/acc_1/inv_1.pdf").await.unwrap();
        assert!(
            store
                .get("invoices/acc_1/inv_1.pdf")
                .await
                .unwrap()
                .is_none()
        );
    }
}
