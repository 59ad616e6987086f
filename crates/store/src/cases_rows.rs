//! Decoding case rows, for both backends (expanded inside each backend's module).

macro_rules! case_rows {
    ($row:ty) => {
        mod case_rows {
            use fengqiao_domain::model::case::{Case, CaseNumber, GeoPoint, Party, TimelineEntry};
            use sqlx::Row;
            use $crate::registry::from_word;

            use super::registry_rows::protected;

            fn opt_word<T: serde::de::DeserializeOwned>(r: &$row, col: &str) -> Result<Option<T>, sqlx::Error> {
                let v: Option<String> = r.try_get(col)?;
                v.map(|s| from_word(col, &s)).transpose()
            }

            fn word<T: serde::de::DeserializeOwned>(r: &$row, col: &str) -> Result<T, sqlx::Error> {
                from_word(col, &r.try_get::<String, _>(col)?)
            }

            fn corrupt(what: &str, v: &str) -> sqlx::Error {
                sqlx::Error::Decode($crate::error::corrupt(what, v).into())
            }

            pub(crate) fn case(r: &$row) -> Result<Case, sqlx::Error> {
                let number: String = r.try_get("number")?;
                let category: String = r.try_get("category")?;
                let lon: Option<f64> = r.try_get("point_lon")?;
                let lat: Option<f64> = r.try_get("point_lat")?;
                Ok(Case {
                    id: r.try_get("id")?,
                    number: CaseNumber::parse(&number).map_err(|_| corrupt("case number", &number))?,
                    kind: word(r, "kind")?,
                    category: fengqiao_domain::model::case::CategoryCode::parse(&category).map_err(|_| corrupt("category", &category))?,
                    title: r.try_get("title")?,
                    description: r.try_get("description")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    area_level: word(r, "area_level")?,
                    address: r.try_get("address")?,
                    point: lon.zip(lat).map(|(lon, lat)| GeoPoint { lon, lat }),
                    channel: word(r, "channel")?,
                    risk: word(r, "risk")?,
                    reporter_id: r.try_get("reporter_id")?,
                    reporter_name: r.try_get("reporter_name")?,
                    status: word(r, "status")?,
                    outcome: opt_word(r, "outcome")?,
                    handling_level: word(r, "handling_level")?,
                    received_from_level: opt_word(r, "received_from_level")?,
                    resolved_level: opt_word(r, "resolved_level")?,
                    handler_id: r.try_get("handler_id")?,
                    handler_name: r.try_get("handler_name")?,
                    concluded_by: r.try_get("concluded_by")?,
                    verified_by: r.try_get("verified_by")?,
                    satisfaction: opt_word(r, "satisfaction")?,
                    partner_room: opt_word(r, "partner_room")?,
                    reopened: r.try_get("reopened")?,
                    dissatisfied_follow_ups: r.try_get("dissatisfied_follow_ups")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    accepted_at: r.try_get("accepted_at")?,
                    concluded_at: r.try_get("concluded_at")?,
                    closed_at: r.try_get("closed_at")?,
                    updated_at: r.try_get("updated_at")?,
                    deadline: r.try_get("deadline")?,
                    supervision: json_col(r, "supervision")?,
                    pending_extension: json_col(r, "pending_extension")?,
                })
            }

            /// Oversight state is kept whole as JSON: it is read with the case, never queried inside.
            pub(crate) fn json_of<T: serde::Serialize>(v: &Option<T>) -> Option<String> {
                v.as_ref().and_then(|v| serde_json::to_string(v).ok())
            }

            fn json_col<T: serde::de::DeserializeOwned>(r: &$row, col: &str) -> Result<Option<T>, sqlx::Error> {
                let v: Option<String> = r.try_get(col)?;
                v.map(|s| serde_json::from_str(&s).map_err(|_| corrupt(col, &s))).transpose()
            }

            pub(crate) fn party(r: &$row) -> Result<Party, sqlx::Error> {
                Ok(Party {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    role: word(r, "role")?,
                    kind: word(r, "kind")?,
                    resident_id: r.try_get("resident_id")?,
                    name: r.try_get("name")?,
                    id_number: protected(r, "id")?,
                    phone: protected(r, "phone")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub(crate) fn entry(r: &$row) -> Result<TimelineEntry, sqlx::Error> {
                let action: Option<String> = r.try_get("action")?;
                Ok(TimelineEntry {
                    case_id: r.try_get("case_id")?,
                    version: r.try_get("version")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    actor_name: r.try_get("actor_name")?,
                    kind: word(r, "kind")?,
                    from_status: opt_word(r, "from_status")?,
                    to_status: word(r, "to_status")?,
                    from_level: opt_word(r, "from_level")?,
                    to_level: word(r, "to_level")?,
                    note: r.try_get("note")?,
                    action: action
                        .map(|a| serde_json::from_str(&a).map_err(|_| corrupt("timeline action", &a)))
                        .transpose()?,
                    deadline: r.try_get("deadline")?,
                })
            }
        }
    };
}
pub(crate) use case_rows;
