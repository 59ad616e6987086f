//! Decoding registry rows, for both backends (expanded inside each backend's module).

macro_rules! registry_rows {
    ($row:ty) => {
        mod registry_rows {
            use fengqiao_domain::model::{Assignment, Building, Entrance, Estate, Household, Organisation, Person, Protected, Resident};
            use sqlx::Row;
            use $crate::registry::from_word;

            /// Also used by the case rows, expanded beside this module in each backend.
            pub(super) fn protected(r: &$row, prefix: &str) -> Result<Option<Protected>, sqlx::Error> {
                let cipher: Option<String> = r.try_get(format!("{prefix}_cipher").as_str())?;
                let hash: Option<String> = r.try_get(format!("{prefix}_hash").as_str())?;
                let masked: Option<String> = r.try_get(format!("{prefix}_masked").as_str())?;
                Ok(match (cipher, hash, masked) {
                    (Some(cipher), Some(hash), Some(masked)) => Some(Protected { cipher, hash, masked }),
                    _ => None,
                })
            }

            pub(crate) fn organisation(r: &$row) -> Result<Organisation, sqlx::Error> {
                Ok(Organisation {
                    id: r.try_get("id")?,
                    kind: from_word("organisation kind", &r.try_get::<String, _>("kind")?)?,
                    name: r.try_get("name")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    contact: r.try_get("contact")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn estate(r: &$row) -> Result<Estate, sqlx::Error> {
                Ok(Estate {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    address: r.try_get("address")?,
                    property_company_id: r.try_get("property_company_id")?,
                    property_station_id: r.try_get("property_station_id")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn building(r: &$row) -> Result<Building, sqlx::Error> {
                Ok(Building {
                    id: r.try_get("id")?,
                    estate_id: r.try_get("estate_id")?,
                    name: r.try_get("name")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    address: r.try_get("address")?,
                    floors: r.try_get("floors")?,
                    head_person_id: r.try_get("head_person_id")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn entrance(r: &$row) -> Result<Entrance, sqlx::Error> {
                Ok(Entrance {
                    id: r.try_get("id")?,
                    building_id: r.try_get("building_id")?,
                    name: r.try_get("name")?,
                    head_person_id: r.try_get("head_person_id")?,
                    created_at: r.try_get("created_at")?,
                })
            }

            pub(crate) fn household(r: &$row) -> Result<Household, sqlx::Error> {
                Ok(Household {
                    id: r.try_get("id")?,
                    building_id: r.try_get("building_id")?,
                    entrance_id: r.try_get("entrance_id")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    address: r.try_get("address")?,
                    room: r.try_get("room")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn resident(r: &$row) -> Result<Resident, sqlx::Error> {
                let tags: String = r.try_get("tags")?;
                Ok(Resident {
                    id: r.try_get("id")?,
                    household_id: r.try_get("household_id")?,
                    area_path: r.try_get("area_path")?,
                    name: r.try_get("name")?,
                    gender: from_word("gender", &r.try_get::<String, _>("gender")?)?,
                    birth_date: r.try_get("birth_date")?,
                    relation: from_word("relation", &r.try_get::<String, _>("relation")?)?,
                    id_number: protected(r, "id")?,
                    phone: protected(r, "phone")?,
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    moved_out: r.try_get("moved_out")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn person(r: &$row) -> Result<Person, sqlx::Error> {
                let profession: Option<String> = r.try_get("profession")?;
                Ok(Person {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    kind: from_word("person kind", &r.try_get::<String, _>("kind")?)?,
                    profession: profession.map(|p| from_word("profession", &p)).transpose()?,
                    organisation: r.try_get("organisation")?,
                    phone: protected(r, "phone")?,
                    user_id: r.try_get("user_id")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    version: r.try_get("version")?,
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }

            pub(crate) fn assignment(r: &$row) -> Result<Assignment, sqlx::Error> {
                Ok(Assignment {
                    person_id: r.try_get("person_id")?,
                    area_id: r.try_get("area_id")?,
                    area_path: r.try_get("area_path")?,
                    created_at: r.try_get("created_at")?,
                })
            }
        }
    };
}
pub(crate) use registry_rows;
