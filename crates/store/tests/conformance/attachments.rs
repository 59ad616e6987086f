//! Case attachments: both blob stores (a directory, and the database's own table on each
//! backend) and the metadata rows with their per-case limit, audit and scoping.

use std::sync::Arc;

use fengqiao_domain::DomainError;
use fengqiao_domain::model::Area;
use fengqiao_domain::model::case::{Attachment, AttachmentType, Case};
use fengqiao_domain::ports::{BlobStore, DatabaseBlobs, Store};
use fengqiao_store::{FsBlobStore, testing};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::cases::{case_audit, grid, intake};
use crate::{audit, now};

fn digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What every blob store must do, whatever keeps the bytes.
async fn blob_contract(b: &dyn BlobStore) {
    let photo = b"\xFF\xD8\xFF\xE0 a photo of a leaking ceiling".to_vec();
    let sha = digest(&photo);
    assert_eq!(b.get_blob(&sha).await.unwrap(), None, "{}: nothing before", b.kind());
    b.put_blob(&sha, &photo).await.unwrap();
    assert_eq!(b.get_blob(&sha).await.unwrap(), Some(photo.clone()), "{}: round trip", b.kind());
    // The same bytes again: one copy, no error.
    b.put_blob(&sha, &photo).await.unwrap();
    assert_eq!(b.get_blob(&sha).await.unwrap(), Some(photo), "{}", b.kind());
    let big = vec![7u8; 3 * 1024 * 1024];
    b.put_blob(&digest(&big), &big).await.unwrap();
    assert_eq!(b.get_blob(&digest(&big)).await.unwrap().map(|v| v.len()), Some(big.len()), "{}: megabytes", b.kind());
}

#[tokio::test]
async fn the_filesystem_blob_store_keeps_whole_files_under_their_digest() {
    let dir = tempfile::tempdir().unwrap();
    let fs = FsBlobStore::new(dir.path().join("attachments"));
    blob_contract(&fs).await;
    let sha = digest(b"\xFF\xD8\xFF\xE0 a photo of a leaking ceiling");
    let path = fs.path_of(&sha).unwrap();
    assert_eq!(path, dir.path().join("attachments").join(&sha[..2]).join(&sha));
    assert!(path.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("attachments")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "photos show people: nobody but the server reads the directory ({mode:o})");
    }
    // No temporary file is left behind after a write.
    let strays: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-")).collect();
    assert!(strays.is_empty(), "{strays:?}");
    // A name that is not a digest cannot reach outside the root.
    for bad in ["../../etc/passwd", "", &sha.to_uppercase(), &format!("{sha}0")] {
        assert!(matches!(fs.put_blob(bad, b"x").await, Err(DomainError::Internal(_))), "{bad:?}");
        assert!(fs.get_blob(bad).await.is_err(), "{bad:?}");
    }
}

#[tokio::test]
async fn the_database_blob_store_works_on_every_backend() {
    for db in testing::all().await {
        blob_contract(&DatabaseBlobs(db.store.clone())).await;
    }
}

fn attachment(case: &Case, name: &str, bytes: &[u8]) -> Attachment {
    Attachment {
        id: Uuid::now_v7(),
        case_id: case.id,
        area_path: case.area_path.clone(),
        file_name: name.into(),
        content_type: AttachmentType::Jpeg,
        size_bytes: bytes.len() as i64,
        sha256: digest(bytes),
        uploader_id: None,
        uploader_name: "网格员王芳".into(),
        created_at: now(),
    }
}

async fn a_case(s: &dyn Store) -> (Vec<Area>, Case) {
    let (t, grid) = grid(s).await;
    let i = intake(&grid, "150103", fengqiao_domain::model::case::CaseKind::Dispute, "neighbour.water_leak", "楼上漏水");
    let case = s.insert_case(&i, &case_audit(&i.case)).await.unwrap();
    (t, case)
}

#[tokio::test]
async fn attachment_rows_are_kept_with_their_audit_and_limited_per_case() {
    for db in testing::all().await {
        let s: Arc<dyn Store> = db.store.clone();
        let (_, case) = a_case(s.as_ref()).await;
        let head = s.audit_head().await.unwrap().0;
        let rows = vec![attachment(&case, "漏水1.jpg", b"one"), attachment(&case, "漏水2.jpg", b"two")];
        let audits: Vec<_> = rows.iter().map(|_| audit("case.attachment_add", &case.area_path)).collect();
        s.insert_attachments(&rows, 3, &audits).await.unwrap();
        assert_eq!(s.case_attachments(case.id).await.unwrap(), rows, "{}: round trip, oldest first", db.name);
        assert_eq!(s.attachment_by_id(rows[1].id).await.unwrap().as_ref(), Some(&rows[1]));
        assert_eq!(s.attachment_by_id(Uuid::now_v7()).await.unwrap(), None);
        assert_eq!(s.audit_head().await.unwrap().0, head + 2, "{}: one audit row per file, same transaction", db.name);

        // Two more would make four of at most three: nothing is written, no audit row either.
        let more = vec![attachment(&case, "3.jpg", b"3"), attachment(&case, "4.jpg", b"4")];
        let err = s.insert_attachments(&more, 3, &[audit("case.attachment_add", &case.area_path)]).await.unwrap_err();
        assert_eq!(err, DomainError::invalid("files", "error-attachment-too-many"), "{}", db.name);
        assert_eq!(s.case_attachments(case.id).await.unwrap().len(), 2, "{}", db.name);
        assert_eq!(s.audit_head().await.unwrap().0, head + 2, "{}", db.name);
        s.insert_attachments(&more[..1], 3, &[]).await.unwrap();
        assert_eq!(s.case_attachments(case.id).await.unwrap().len(), 3);
    }
}

#[tokio::test]
async fn concurrent_uploads_to_one_case_never_pass_the_limit() {
    for db in testing::all().await {
        let s: Arc<dyn Store> = db.store.clone();
        let (_, case) = a_case(s.as_ref()).await;
        let mut tasks = Vec::new();
        for n in 0..6u8 {
            let (s, row) = (s.clone(), attachment(&case, &format!("{n}.jpg"), &[n]));
            tasks.push(tokio::spawn(async move { s.insert_attachments(&[row], 4, &[]).await.is_ok() }));
        }
        let mut ok = 0;
        for t in tasks {
            ok += t.await.unwrap() as usize;
        }
        assert_eq!(ok, 4, "{}", db.name);
        assert_eq!(s.case_attachments(case.id).await.unwrap().len(), 4, "{}", db.name);
    }
}

#[tokio::test]
async fn attachments_move_with_their_area() {
    for db in testing::all().await {
        let s = db.store.as_ref();
        let (t, case) = a_case(s).await;
        let row = attachment(&case, "a.jpg", b"a");
        s.insert_attachments(std::slice::from_ref(&row), 5, &[]).await.unwrap();
        let (xc, street) = (&t[2], &t[3]);
        let mut moved = street.clone();
        moved.parent_id = Some(xc.id);
        moved.path = Area::child_path(&xc.path, &moved.code);
        moved.version = street.version + 1;
        s.move_area(&moved, street.version, &street.path, &audit("area.move", &moved.path)).await.unwrap();
        let got = s.attachment_by_id(row.id).await.unwrap().unwrap();
        assert!(got.area_path.starts_with("/1501/150102/150103003/"), "{}: {}", db.name, got.area_path);
    }
}
