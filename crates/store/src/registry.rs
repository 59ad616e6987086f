//! The registry half of the store (`RegistryStore`), written once for both backends like
//! `shared.rs`.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Enum ↔ text through serde, so the stored word is exactly the API's word.
pub(crate) fn word<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

pub(crate) fn from_word<T: DeserializeOwned>(what: &str, s: &str) -> Result<T, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| sqlx::Error::Decode(crate::error::corrupt(what, s).into()))
}

/// The placeholders of a many-row INSERT. PostgreSQL needs `$1, $2, …`; SQLite gets plain
/// `?`, because the driver resolves each numbered name with a linear search, which makes a
/// statement with thousands of them quadratic.
pub(crate) fn values(rows: usize, cols: usize, backend: fengqiao_domain::ports::Backend) -> String {
    let numbered = backend == fengqiao_domain::ports::Backend::Postgres;
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ",(" });
        for c in 0..cols {
            if c > 0 {
                out.push(',');
            }
            if numbered {
                out.push('$');
                out.push_str(&(r * cols + c + 1).to_string());
            } else {
                out.push('?');
            }
        }
        out.push(')');
    }
    out
}

/// The placeholders of an `IN (…)` list of `n` values, numbered or not as `values` says.
pub(crate) fn marks(n: usize, backend: fengqiao_domain::ports::Backend) -> String {
    match backend {
        fengqiao_domain::ports::Backend::Postgres => (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(","),
        fengqiao_domain::ports::Backend::Sqlite => vec!["?"; n].join(","),
    }
}

/// A community's scope or narrower (its path has four segments: city, district, street,
/// community), where a scan of the scope is cheaper than a scan of a name across the city.
pub(crate) fn narrow_scope(scope_path: &str) -> bool {
    scope_path.split('/').filter(|s| !s.is_empty()).count() >= 4
}

pub(crate) fn like(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
}

macro_rules! impl_registry_store {
    ($store:ty, $row:ty, $conn:ty) => {
        $crate::registry_rows::registry_rows!($row);

        /// Residents and their tag index, many rows per statement: imports and the demo write
        /// them by the hundred thousand, and one statement per row is most of their time.
        async fn insert_residents(conn: &mut $conn, list: &[fengqiao_domain::model::Resident]) -> Result<(), sqlx::Error> {
            use $crate::registry::{values, word};
            for chunk in list.chunks(500) {
                let sql = format!("INSERT INTO residents (id, household_id, area_path, name, gender, birth_date, relation, id_cipher, id_hash, id_masked, \
                                   phone_cipher, phone_hash, phone_masked, tags, moved_out, version, created_at, updated_at) VALUES {}", values(chunk.len(), 18, <$store>::BACKEND));
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q.bind(r.id).bind(r.household_id).bind(&r.area_path).bind(&r.name).bind(word(&r.gender)).bind(r.birth_date).bind(r.relation.as_str())
                        .bind(r.id_number.as_ref().map(|x| &x.cipher)).bind(r.id_number.as_ref().map(|x| &x.hash)).bind(r.id_number.as_ref().map(|x| &x.masked))
                        .bind(r.phone.as_ref().map(|x| &x.cipher)).bind(r.phone.as_ref().map(|x| &x.hash)).bind(r.phone.as_ref().map(|x| &x.masked))
                        .bind(serde_json::to_string(&r.tags).unwrap_or_else(|_| "[]".into())).bind(r.moved_out).bind(r.version).bind(r.created_at).bind(r.updated_at);
                }
                q.execute(&mut *conn).await?;
            }
            let tags: Vec<(uuid::Uuid, &String, &String)> = list.iter().flat_map(|r| r.tags.iter().map(move |t| (r.id, t, &r.area_path))).collect();
            for chunk in tags.chunks(1000) {
                let sql = format!("INSERT INTO resident_tags (resident_id, tag, area_path) VALUES {}", values(chunk.len(), 3, <$store>::BACKEND));
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (id, tag, path) in chunk {
                    q = q.bind(*id).bind(*tag).bind(*path);
                }
                q.execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// Every new record of a batch, parents before children.
        async fn insert_batch(conn: &mut $conn, b: &fengqiao_domain::ports::RegistryBatch) -> Result<(), sqlx::Error> {
            for o in &b.organisations {
                sqlx::query("INSERT INTO organisations (id, kind, name, area_id, area_path, contact, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)")
                    .bind(o.id).bind(o.kind.as_str()).bind(&o.name).bind(o.area_id).bind(&o.area_path).bind(&o.contact)
                    .bind(o.version).bind(o.created_at).bind(o.updated_at)
                    .execute(&mut *conn).await?;
            }
            for p in &b.people {
                sqlx::query("INSERT INTO people (id, name, kind, profession, organisation, phone_cipher, phone_hash, phone_masked, user_id, area_id, area_path, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)")
                    .bind(p.id).bind(&p.name).bind(p.kind.as_str()).bind(p.profession.map(|x| x.as_str())).bind(&p.organisation)
                    .bind(p.phone.as_ref().map(|x| &x.cipher)).bind(p.phone.as_ref().map(|x| &x.hash)).bind(p.phone.as_ref().map(|x| &x.masked))
                    .bind(p.user_id).bind(p.area_id).bind(&p.area_path).bind(p.version).bind(p.created_at).bind(p.updated_at)
                    .execute(&mut *conn).await?;
            }
            for a in &b.assignments {
                sqlx::query("INSERT INTO assignments (person_id, area_id, area_path, created_at) VALUES ($1,$2,$3,$4)")
                    .bind(a.person_id).bind(a.area_id).bind(&a.area_path).bind(a.created_at)
                    .execute(&mut *conn).await?;
            }
            for e in &b.estates {
                sqlx::query("INSERT INTO estates (id, name, area_id, area_path, address, property_company_id, property_station_id, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)")
                    .bind(e.id).bind(&e.name).bind(e.area_id).bind(&e.area_path).bind(&e.address).bind(e.property_company_id).bind(e.property_station_id)
                    .bind(e.version).bind(e.created_at).bind(e.updated_at)
                    .execute(&mut *conn).await?;
            }
            for bl in &b.buildings {
                sqlx::query("INSERT INTO buildings (id, estate_id, name, area_id, area_path, address, floors, head_person_id, version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)")
                    .bind(bl.id).bind(bl.estate_id).bind(&bl.name).bind(bl.area_id).bind(&bl.area_path).bind(&bl.address).bind(bl.floors).bind(bl.head_person_id)
                    .bind(bl.version).bind(bl.created_at).bind(bl.updated_at)
                    .execute(&mut *conn).await?;
            }
            for en in &b.entrances {
                sqlx::query("INSERT INTO entrances (id, building_id, name, head_person_id, created_at) VALUES ($1,$2,$3,$4,$5)")
                    .bind(en.id).bind(en.building_id).bind(&en.name).bind(en.head_person_id).bind(en.created_at)
                    .execute(&mut *conn).await?;
            }
            for chunk in b.households.chunks(500) {
                let sql = format!("INSERT INTO households (id, building_id, entrance_id, area_id, area_path, address, room, version, created_at, updated_at) VALUES {}",
                                  $crate::registry::values(chunk.len(), 10, <$store>::BACKEND));
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for h in chunk {
                    q = q.bind(h.id).bind(h.building_id).bind(h.entrance_id).bind(h.area_id).bind(&h.area_path).bind(&h.address).bind(&h.room)
                        .bind(h.version).bind(h.created_at).bind(h.updated_at);
                }
                q.execute(&mut *conn).await?;
            }
            insert_residents(&mut *conn, &b.residents).await?;
            for (grid, duties) in &b.duties {
                replace_duties(&mut *conn, *grid, duties).await?;
            }
            Ok(())
        }

        /// Saves a changed resident and re-indexes its tags; a stale version is a conflict.
        async fn save_resident(conn: &mut $conn, r: &fengqiao_domain::model::Resident, expected_version: i64) -> Result<(), $crate::shared::TxError> {
            use $crate::registry::word;
            let done = sqlx::query("UPDATE residents SET household_id = $1, area_path = $2, name = $3, gender = $4, birth_date = $5, relation = $6, \
                                    id_cipher = $7, id_hash = $8, id_masked = $9, phone_cipher = $10, phone_hash = $11, phone_masked = $12, tags = $13, \
                                    moved_out = $14, version = $15, updated_at = $16 WHERE id = $17 AND version = $18")
                .bind(r.household_id).bind(&r.area_path).bind(&r.name).bind(word(&r.gender)).bind(r.birth_date).bind(r.relation.as_str())
                .bind(r.id_number.as_ref().map(|x| &x.cipher)).bind(r.id_number.as_ref().map(|x| &x.hash)).bind(r.id_number.as_ref().map(|x| &x.masked))
                .bind(r.phone.as_ref().map(|x| &x.cipher)).bind(r.phone.as_ref().map(|x| &x.hash)).bind(r.phone.as_ref().map(|x| &x.masked))
                .bind(serde_json::to_string(&r.tags).unwrap_or_else(|_| "[]".into())).bind(r.moved_out).bind(r.version).bind(r.updated_at)
                .bind(r.id).bind(expected_version)
                .execute(&mut *conn).await?;
            $crate::error::conflict_if_none(done.rows_affected())?;
            sqlx::query("DELETE FROM resident_tags WHERE resident_id = $1").bind(r.id).execute(&mut *conn).await?;
            for t in &r.tags {
                sqlx::query("INSERT INTO resident_tags (resident_id, tag, area_path) VALUES ($1,$2,$3)").bind(r.id).bind(t).bind(&r.area_path).execute(&mut *conn).await?;
            }
            Ok(())
        }

        async fn replace_duties(conn: &mut $conn, grid_id: uuid::Uuid, duties: &[String]) -> Result<(), sqlx::Error> {
            sqlx::query("DELETE FROM grid_duties WHERE area_id = $1").bind(grid_id).execute(&mut *conn).await?;
            for (i, d) in duties.iter().enumerate() {
                sqlx::query("INSERT INTO grid_duties (area_id, position, text) VALUES ($1,$2,$3)").bind(grid_id).bind(i as i32 + 1).bind(d).execute(&mut *conn).await?;
            }
            Ok(())
        }

        #[async_trait::async_trait]
        impl fengqiao_domain::ports::RegistryStore for $store {
            async fn replace_ciphers(&self, updates: &[fengqiao_domain::ports::CipherUpdate], audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                use fengqiao_domain::ports::ProtectedColumn;
                $crate::shared::write_tx!(self, |tx| {
                    for u in updates {
                        let sql = match u.column {
                            ProtectedColumn::ResidentIdNumber => "UPDATE residents SET id_cipher = $1 WHERE id = $2",
                            ProtectedColumn::ResidentPhone => "UPDATE residents SET phone_cipher = $1 WHERE id = $2",
                            ProtectedColumn::PersonPhone => "UPDATE people SET phone_cipher = $1 WHERE id = $2",
                            ProtectedColumn::PartyIdNumber => "UPDATE case_parties SET id_cipher = $1 WHERE id = $2",
                            ProtectedColumn::PartyPhone => "UPDATE case_parties SET phone_cipher = $1 WHERE id = $2",
                        };
                        sqlx::query(sql).bind(&u.cipher).bind(u.id).execute(&mut *tx).await?;
                    }
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn insert_registry(&self, b: &fengqiao_domain::ports::RegistryBatch, audit: &[fengqiao_domain::model::NewAudit]) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    insert_batch(&mut *tx, b).await?;
                    append_audit_in(&mut *tx, audit).await?;
                })
            }

            async fn update_household(&self, h: &fengqiao_domain::model::Household, expected_version: i64, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    let done = sqlx::query("UPDATE households SET building_id = $1, entrance_id = $2, area_id = $3, area_path = $4, address = $5, room = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10")
                        .bind(h.building_id).bind(h.entrance_id).bind(h.area_id).bind(&h.area_path).bind(&h.address).bind(&h.room)
                        .bind(h.version).bind(h.updated_at).bind(h.id).bind(expected_version)
                        .execute(&mut *tx).await?;
                    $crate::error::conflict_if_none(done.rows_affected())?;
                    // Residents and their tag index follow their household's grid.
                    sqlx::query("UPDATE residents SET area_path = $1 WHERE household_id = $2").bind(&h.area_path).bind(h.id).execute(&mut *tx).await?;
                    sqlx::query("UPDATE resident_tags SET area_path = $1 WHERE resident_id IN (SELECT id FROM residents WHERE household_id = $2)")
                        .bind(&h.area_path).bind(h.id).execute(&mut *tx).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn update_resident(&self, r: &fengqiao_domain::model::Resident, expected_version: i64, audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    save_resident(&mut *tx, r, expected_version).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn set_grid_duties(&self, grid_id: uuid::Uuid, duties: &[String], audit: &fengqiao_domain::model::NewAudit) -> fengqiao_domain::Result<()> {
                $crate::shared::write_tx!(self, |tx| {
                    replace_duties(&mut *tx, grid_id, duties).await?;
                    append_audit_in(&mut *tx, std::slice::from_ref(audit)).await?;
                })
            }

            async fn organisation_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Organisation>> {
                let row = sqlx::query("SELECT * FROM organisations WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(registry_rows::organisation).transpose().map_err($crate::error::map)
            }

            async fn organisations(&self, p: &fengqiao_domain::ports::Page, kind: Option<fengqiao_domain::model::OrgKind>) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Organisation>> {
                let rows = sqlx::query("SELECT * FROM organisations WHERE area_path >= $1 AND area_path < $2 AND ($3 IS NULL OR kind = $3) \
                                        AND ($4 IS NULL OR name LIKE $4 ESCAPE '\\') AND ($5 IS NULL OR id > $5) ORDER BY id LIMIT $6")
                    .bind(&p.scope_path).bind($crate::shared::prefix_upper(&p.scope_path)).bind(kind.map(|k| k.as_str()))
                    .bind($crate::registry::like(&p.text)).bind(p.after).bind(p.limit)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::organisation).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn estate_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Estate>> {
                let row = sqlx::query("SELECT * FROM estates WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(registry_rows::estate).transpose().map_err($crate::error::map)
            }

            async fn estates(&self, p: &fengqiao_domain::ports::Page) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Estate>> {
                let rows = sqlx::query("SELECT * FROM estates WHERE ((area_path >= $1 AND area_path < $2) \
                                           OR id IN (SELECT estate_id FROM buildings WHERE area_path >= $1 AND area_path < $2)) \
                                        AND ($3 IS NULL OR name LIKE $3 ESCAPE '\\' OR address LIKE $3 ESCAPE '\\') AND ($4 IS NULL OR id > $4) ORDER BY id LIMIT $5")
                    .bind(&p.scope_path).bind($crate::shared::prefix_upper(&p.scope_path))
                    .bind($crate::registry::like(&p.text)).bind(p.after).bind(p.limit)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::estate).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn building_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Building>> {
                let row = sqlx::query("SELECT * FROM buildings WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(registry_rows::building).transpose().map_err($crate::error::map)
            }

            async fn buildings(&self, p: &fengqiao_domain::ports::Page, estate_id: Option<uuid::Uuid>) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Building>> {
                let rows = sqlx::query("SELECT * FROM buildings WHERE area_path >= $1 AND area_path < $2 AND ($3 IS NULL OR estate_id = $3) \
                                        AND ($4 IS NULL OR name LIKE $4 ESCAPE '\\' OR address LIKE $4 ESCAPE '\\') AND ($5 IS NULL OR id > $5) ORDER BY id LIMIT $6")
                    .bind(&p.scope_path).bind($crate::shared::prefix_upper(&p.scope_path)).bind(estate_id)
                    .bind($crate::registry::like(&p.text)).bind(p.after).bind(p.limit)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::building).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn entrances_of(&self, building_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Entrance>> {
                let rows = sqlx::query("SELECT * FROM entrances WHERE building_id = $1 ORDER BY name").bind(building_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::entrance).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn household_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Household>> {
                let row = sqlx::query("SELECT * FROM households WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(registry_rows::household).transpose().map_err($crate::error::map)
            }

            async fn households(&self, q: &fengqiao_domain::ports::HouseholdQuery) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Household>> {
                let p = &q.page;
                let rows = sqlx::query("SELECT * FROM households WHERE area_path >= $1 AND area_path < $2 AND ($3 IS NULL OR building_id = $3) \
                                        AND ($4 IS NULL OR address LIKE $4 ESCAPE '\\') AND ($5 IS NULL OR id > $5) ORDER BY id LIMIT $6")
                    .bind(&p.scope_path).bind($crate::shared::prefix_upper(&p.scope_path)).bind(q.building_id)
                    .bind($crate::registry::like(&p.text)).bind(p.after).bind(p.limit)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::household).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn resident_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Resident>> {
                let row = sqlx::query("SELECT * FROM residents WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(registry_rows::resident).transpose().map_err($crate::error::map)
            }

            /// With a name, residents come in name order from the `residents_name` index, which
            /// finds a surname's first page among millions without reading the rest; without
            /// one, in id order within the scope. Either way the cursor is the last id seen.
            async fn residents(&self, q: &fengqiao_domain::ports::ResidentQuery) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Resident>> {
                let p = &q.page;
                let upper = $crate::shared::prefix_upper(&p.scope_path);
                let filters = "area_path >= $1 AND area_path < $2 AND ($3 IS NULL OR household_id = $3) \
                               AND ($10 IS NULL OR household_id IN (SELECT id FROM households WHERE building_id = $10)) \
                               AND ($5 IS NULL OR id IN (SELECT resident_id FROM resident_tags WHERE tag = $5 AND area_path >= $1 AND area_path < $2)) \
                               AND ($6 IS NULL OR birth_date <= $6) AND ($7 IS NULL OR birth_date > $7)";
                let name = p.text.as_deref().filter(|t| !t.is_empty());
                let after = "AND ($8 IS NULL OR (name, id) > ((SELECT name FROM residents WHERE id = $8), $8)) ORDER BY name, id LIMIT $9";
                let sql = match name {
                    // A community or grid holds a few thousand residents: reading them all from
                    // the scope index beats walking a common surname's entries across the city
                    // (王 alone is hundreds of thousands) looking for the few that live here.
                    // substr() keeps the name index out of this plan on both backends.
                    Some(_) if $crate::registry::narrow_scope(&p.scope_path) => {
                        format!("SELECT * FROM residents WHERE {filters} AND substr(name, 1, length($4)) = $4 AND $11 IS NOT NULL {after}")
                    }
                    Some(_) => format!("SELECT * FROM residents WHERE {filters} AND name >= $4 AND name < $11 {after}"),
                    // Both statements take the same eleven values; PostgreSQL refuses a value the
                    // text never mentions, so the unused name bounds are mentioned as always true.
                    None => format!("SELECT * FROM residents WHERE {filters} AND ($4 IS NULL OR $11 IS NULL) AND ($8 IS NULL OR id > $8) ORDER BY id LIMIT $9"),
                };
                // Both statements are fixed text chosen above; every value is bound.
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(&p.scope_path).bind(&upper).bind(q.household_id)
                    .bind(name).bind(&q.tag).bind(q.born_by).bind(q.born_after).bind(p.after).bind(p.limit).bind(q.building_id)
                    .bind(name.map($crate::shared::prefix_upper))
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::resident).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn resident_by_id_hash(&self, hash: &str) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Resident>> {
                let row = sqlx::query("SELECT * FROM residents WHERE id_hash = $1").bind(hash).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(registry_rows::resident).transpose().map_err($crate::error::map)
            }

            async fn person_by_id(&self, id: uuid::Uuid) -> fengqiao_domain::Result<Option<fengqiao_domain::model::Person>> {
                let row = sqlx::query("SELECT * FROM people WHERE id = $1").bind(id).fetch_optional(self.reader()).await.map_err($crate::error::map)?;
                row.as_ref().map(registry_rows::person).transpose().map_err($crate::error::map)
            }

            async fn people(&self, p: &fengqiao_domain::ports::Page, kind: Option<fengqiao_domain::model::PersonKind>) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Person>> {
                let rows = sqlx::query("SELECT * FROM people WHERE area_path >= $1 AND area_path < $2 AND ($3 IS NULL OR kind = $3) \
                                        AND ($4 IS NULL OR name LIKE $4 ESCAPE '\\' OR organisation LIKE $4 ESCAPE '\\') AND ($5 IS NULL OR id > $5) ORDER BY id LIMIT $6")
                    .bind(&p.scope_path).bind($crate::shared::prefix_upper(&p.scope_path)).bind(kind.map(|k| k.as_str()))
                    .bind($crate::registry::like(&p.text)).bind(p.after).bind(p.limit)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::person).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn people_assigned_to(&self, area_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Person>> {
                let rows = sqlx::query("SELECT p.* FROM people p JOIN assignments a ON a.person_id = p.id WHERE a.area_id = $1 ORDER BY p.kind, p.name")
                    .bind(area_id).fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::person).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn assignments_of(&self, person_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Assignment>> {
                let rows = sqlx::query("SELECT * FROM assignments WHERE person_id = $1 ORDER BY area_path").bind(person_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)?;
                rows.iter().map(registry_rows::assignment).collect::<Result<_, _>>().map_err($crate::error::map)
            }

            async fn grid_duties(&self, grid_id: uuid::Uuid) -> fengqiao_domain::Result<Vec<String>> {
                sqlx::query_scalar("SELECT text FROM grid_duties WHERE area_id = $1 ORDER BY position").bind(grid_id)
                    .fetch_all(self.reader()).await.map_err($crate::error::map)
            }

            // Bulk lookups and the import write live in `imports.rs`.
            async fn residents_by_id_hashes(&self, h: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Resident>> { self.residents_by_id_hashes_in(h).await }
            async fn residents_of_households(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Resident>> { self.residents_of_households_in(ids).await }
            async fn households_by_ids(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Household>> { self.households_by_ids_in(ids).await }
            async fn households_at(&self, area: uuid::Uuid, a: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Household>> { self.households_at_in(area, a).await }
            async fn estates_named(&self, area: uuid::Uuid, n: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Estate>> { self.estates_named_in(area, n).await }
            async fn buildings_named(&self, scope: &str, n: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Building>> { self.buildings_named_in(scope, n).await }
            async fn entrances_of_buildings(&self, ids: &[uuid::Uuid]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Entrance>> { self.entrances_of_buildings_in(ids).await }
            async fn people_named(&self, scope: &str, n: &[String]) -> fengqiao_domain::Result<Vec<fengqiao_domain::model::Person>> { self.people_named_in(scope, n).await }
            async fn apply_import(&self, b: &fengqiao_domain::ports::RegistryBatch, u: &fengqiao_domain::ports::RegistryUpdates, audit: &[fengqiao_domain::model::NewAudit]) -> fengqiao_domain::Result<()> {
                self.apply_import_in(b, u, audit).await
            }
        }
    };
}
pub(crate) use impl_registry_store;
