//! Attachment bytes as files: `ROOT/ab/abcdef…`, named by their SHA-256. A file is written
//! under a temporary name in its final directory, flushed, then renamed into place, so a
//! crash leaves either the whole file or none (plus perhaps a stray `.tmp-…` to ignore).

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use fengqiao_domain::ports::BlobStore;
use fengqiao_domain::{DomainError, Result};

/// The directory inside the data directory that `fengqiao backup` copies along.
pub const ATTACHMENTS_DIR: &str = "attachments";

pub struct FsBlobStore {
    root: PathBuf,
}

impl FsBlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FsBlobStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a blob lives. Anything but a SHA-256 in lower-case hex is refused, so a name can
    /// never climb out of the root.
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(DomainError::Internal(format!("not a SHA-256 digest: {sha256:?}")));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

fn io(what: &str, path: &Path, e: std::io::Error) -> DomainError {
    DomainError::Internal(format!("attachment store: cannot {what} {}: {e}", path.display()))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    // Photos show people: only the server's own user may list or read them.
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| io("create", dir, e))?;
    let tmp = dir.join(format!(".tmp-{}", uuid::Uuid::now_v7().simple()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename itself must survive a crash too.
        std::fs::File::open(dir)?.sync_all()
    })();
    if let Err(e) = written {
        std::fs::remove_file(&tmp).ok();
        return Err(io("write", path, e));
    }
    Ok(())
}

#[async_trait]
impl BlobStore for FsBlobStore {
    fn kind(&self) -> &'static str {
        "filesystem"
    }

    async fn put_blob(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(sha256)?;
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes))
            .await
            .map_err(|e| DomainError::Internal(format!("attachment store: writer crashed: {e}")))?
    }

    async fn get_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let path = self.path_of(sha256)?;
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io("read", &path, e)),
        }
    }
}
