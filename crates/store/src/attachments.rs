//! Case attachments in the store (`AttachmentStore`): the metadata rows, and the blob table
//! that `DatabaseBlobs` keeps bytes in. Written once for both backends like `shared.rs`;
//! `$lock` locks the case row on PostgreSQL so two uploads to one case count one at a time
//! (SQLite's single writer already does).

macro_rules! impl_attachment_store {
    ($store:ty, $row:ty, $conn:ty, lock = $lock:literal) => {
        fn attachment_row(r: &$row) -> Result<fengqiao_domain::model::case::Attachment, sqlx::Error> {
            use sqlx::Row;
            let content_type: String = r.try_get("content_type")?;
            Ok(fengqiao_domain::model::case::Attachment {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                area_path: r.try_get("area_path")?,
                file_name: r.try_get("file_name")?,
                content_type: $crate::registry::from_word("content_type", &content_type)?,
                size_bytes: r.try_get("size_bytes")?,
                sha256: r.try_get("sha256")?,
                uploader_id: r.try_get("uploader_id")?,
                uploader_name: r.try_get("uploader_name")?,
                created_at: r.try_get("created_at")?,
            })
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::AttachmentStore for $store {
            async fn insert_attachments(
                &self,
                rows: &[fengqiao_domain::model::case::Attachment],
                max_per_case: i64,
                audit: &[fengqiao_domain::model::NewAudit],
            ) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    let mut cases: Vec<uuid::Uuid> = rows.iter().map(|a| a.case_id).collect();
                    cases.sort();
                    cases.dedup();
                    for case_id in &cases {
                        sqlx::query(concat!("SELECT id FROM cases WHERE id = $1", $lock)).bind(case_id).fetch_optional(&mut *tx).await?;
                        let have: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_attachments WHERE case_id = $1")
                            .bind(case_id)
                            .fetch_one(&mut *tx)
                            .await?;
                        let adding = rows.iter().filter(|a| a.case_id == *case_id).count() as i64;
                        if have + adding > max_per_case {
                            return Err(fengqiao_domain::DomainError::invalid("files", "error-attachment-too-many").into());
                        }
                    }
                    for a in rows {
                        sqlx::query(
                            "INSERT INTO case_attachments (id, case_id, area_path, file_name, content_type, size_bytes, sha256, uploader_id, uploader_name, created_at) \
                             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                        )
                        .bind(a.id).bind(a.case_id).bind(&a.area_path).bind(&a.file_name).bind(a.content_type.as_str()).bind(a.size_bytes)
                        .bind(&a.sha256).bind(a.uploader_id).bind(&a.uploader_name).bind(a.created_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    append_audit_in(&mut *tx, audit).await?;
                })
            }

            async fn case_attachments(&self, case_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::case::Attachment>> {
                let rows = sqlx::query("SELECT * FROM case_attachments WHERE case_id = $1 ORDER BY id")
                    .bind(case_id)
                    .fetch_all(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                rows.iter().map(attachment_row).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn attachment_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::case::Attachment>> {
                let row = sqlx::query("SELECT * FROM case_attachments WHERE id = $1")
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)?;
                row.as_ref().map(attachment_row).transpose().map_err($crate::error::map)
            }

            async fn put_db_blob(&self, sha256: &str, bytes: &[u8]) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    sqlx::query("INSERT INTO attachment_blobs (sha256, size_bytes, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING")
                        .bind(sha256)
                        .bind(bytes.len() as i64)
                        .bind(bytes)
                        .execute(&mut *tx)
                        .await?;
                })
            }

            async fn get_db_blob(&self, sha256: &str) -> fengqiao_domain::Result<Option<Vec<u8>>> {
                sqlx::query_scalar("SELECT bytes FROM attachment_blobs WHERE sha256 = $1")
                    .bind(sha256)
                    .fetch_optional(self.reader())
                    .await
                    .map_err($crate::error::map)
            }
        }
    };
}
pub(crate) use impl_attachment_store;
