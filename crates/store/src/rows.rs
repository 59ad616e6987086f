//! Decoding the foundation's rows (areas, accounts, sessions, audit entries) into domain
//! types, written once and expanded for each backend's row type by `impl_store!`.

macro_rules! foundation_rows {
    ($row:ty) => {
        mod rows {
            use super::*;
            use fengqiao_domain::model::{Area, AreaCode, AreaLevel, AuditEntry, Role, Session, SessionKind, User, Username};
            use sqlx::Row;
            use $crate::error::corrupt;

            fn json(s: Option<String>) -> Option<serde_json::Value> {
                s.and_then(|s| serde_json::from_str(&s).ok())
            }

            pub(crate) fn area(r: &$row) -> Result<Area, sqlx::Error> {
                let code: String = r.try_get("code")?;
                let level: String = r.try_get("level")?;
                Ok(Area {
                    id: r.try_get("id")?,
                    code: AreaCode::parse(&code).map_err(|_| sqlx::Error::Decode(corrupt("area code", &code).into()))?,
                    name: r.try_get("name")?,
                    level: AreaLevel::parse(&level).map_err(|_| sqlx::Error::Decode(corrupt("area level", &level).into()))?,
                    parent_id: r.try_get("parent_id")?,
                    path: r.try_get("path")?,
                    boundary: json(r.try_get("boundary")?),
                    retired: r.try_get("retired")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn user(r: &$row) -> Result<User, sqlx::Error> {
                let username: String = r.try_get("username")?;
                let role: String = r.try_get("role")?;
                Ok(User {
                    id: r.try_get("id")?,
                    username: Username::parse(&username).map_err(|_| sqlx::Error::Decode(corrupt("username", &username).into()))?,
                    display_name: r.try_get("display_name")?,
                    role: Role::parse(&role).map_err(|_| sqlx::Error::Decode(corrupt("role", &role).into()))?,
                    home_area_id: r.try_get("home_area_id")?,
                    home_area_path: r.try_get("home_area_path")?,
                    password_hash: r.try_get("password_hash")?,
                    disabled: r.try_get("disabled")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn session(r: &$row) -> Result<Session, sqlx::Error> {
                let kind: String = r.try_get("kind")?;
                Ok(Session {
                    token_hash: r.try_get("token_hash")?,
                    user_id: r.try_get("user_id")?,
                    kind: SessionKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode(corrupt("session kind", &kind).into()))?,
                    csrf_token: r.try_get("csrf_token")?,
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                    client_addr: r.try_get("client_addr")?,
                })
            }

            pub(crate) fn audit(r: &$row) -> Result<AuditEntry, sqlx::Error> {
                Ok(AuditEntry {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    actor_name: r.try_get("actor_name")?,
                    action: r.try_get("action")?,
                    entity_type: r.try_get("entity_type")?,
                    entity_id: r.try_get("entity_id")?,
                    area_path: r.try_get("area_path")?,
                    before: json(r.try_get("before_json")?),
                    after: json(r.try_get("after_json")?),
                    client_addr: r.try_get("client_addr")?,
                    prev_hash: r.try_get("prev_hash")?,
                    hash: r.try_get("hash")?,
                })
            }
        }
    };
}
pub(crate) use foundation_rows;
