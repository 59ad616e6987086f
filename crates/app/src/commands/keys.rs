//! `fengqiao keys rotate`: re-encrypts personal data under the current key.

use std::process::ExitCode;

use fengqiao_domain::services::operator;

use crate::config::{Config, Database};
use crate::messages::Explain;
use crate::{database, keys};

pub async fn rotate(config: &Config, db: &Database) -> anyhow::Result<ExitCode> {
    let store = database::open_existing(db).await?;
    // With the SQLite key file, a fresh key goes in front first; the old ones stay until
    // every value has moved, so an interruption never strands data under a lost key.
    let key_file = config.privacy.keys.is_empty().then(|| keys::key_file(db)).flatten();
    if let Some(path) = &key_file {
        keys::prepend_new_key(path)?;
    }
    let services = database::services_with(store, config, keys::vault(config)?)?;
    let op = operator(&format!("cli:{}", super::login_name()));
    let report = services.rotate_keys(&op).await.explained()?;
    println!(
        "{} protected values checked, {} re-encrypted under key {}",
        report.values_checked, report.values_reencrypted, report.current_key
    );
    match &key_file {
        Some(path) => {
            keys::drop_old_keys(path)?;
            println!("old keys removed from {}", path.display());
        }
        None => println!("every value is now under the first configured key; older keys can be removed from [privacy] keys"),
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use fengqiao_domain::services::registry::{NewHousehold, NewResident, RevealField};
    use fengqiao_domain::services::{DivisionRow, NewAccount, operator};

    use super::*;

    #[tokio::test]
    async fn rotation_moves_every_value_to_a_fresh_key_and_forgets_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
        let db = config.database().unwrap();
        let store = database::open_or_create(&db).await.unwrap();
        let services = database::services(store, &config).unwrap();
        let op = operator("test");
        let row = |code: &str, level: &str, parent: &str| DivisionRow { code: code.into(), name: format!("区域{code}"), level: level.into(), parent_code: parent.into() };
        services
            .import_divisions(&op, &[row("1501", "city", "15"), row("150103", "district", "1501"), row("150103003", "street", "150103"), row("150103003030", "community", "150103003"), row("150103003030G01", "grid", "150103003030")])
            .await
            .unwrap();
        services
            .create_account(&op, NewAccount { username: "gw".into(), display_name: "网格员".into(), role: "grid_worker".into(), home_area_code: "150103003030G01".into(), password: "long-enough-pw".into() })
            .await
            .unwrap();
        let h = services
            .create_household(&op, NewHousehold { building_id: None, entrance_id: None, room: None, grid_code: Some("150103003030G01".into()), address: Some("光明路1号".into()) })
            .await
            .unwrap();
        let id = fengqiao_domain::privacy::synthetic_id("150101", chrono::NaiveDate::from_ymd_opt(1960, 5, 4).unwrap(), 7);
        let r = services
            .create_resident(&op, NewResident { household_id: h.id, name: "高玉兰".into(), gender: None, birth_date: None, id_number: Some(id.as_str().into()), phone: Some("13904719876".into()), relation: "head".into(), tags: vec![] })
            .await
            .unwrap();
        let path = keys::key_file(&db).unwrap();
        let before = std::fs::read_to_string(&path).unwrap();

        assert_eq!(rotate(&config, &db).await.unwrap(), ExitCode::SUCCESS);
        let after = std::fs::read_to_string(&path).unwrap();
        assert_ne!(before, after);
        assert_eq!(after.matches(":").count() - before.matches(":").count(), 0, "one key again, a different one");
        // Everything reads with only the new key; lookups by keyed hash still work.
        let fresh = database::services(database::open_existing(&db).await.unwrap(), &config).unwrap();
        assert_eq!(fresh.reveal(&op, r.id, RevealField::IdNumber, "核对").await.unwrap(), id.as_str());
        assert_eq!(fresh.reveal(&op, r.id, RevealField::Phone, "核对").await.unwrap(), "13904719876");
        let dup = fresh
            .create_resident(&op, NewResident { household_id: h.id, name: "高玉兰".into(), gender: None, birth_date: None, id_number: Some(id.as_str().into()), phone: None, relation: "head".into(), tags: vec![] })
            .await;
        assert!(dup.is_err(), "duplicate detection survives rotation");
        // Running it again finds nothing to do.
        let report = fresh.rotate_keys(&op).await.unwrap();
        assert_eq!((report.values_checked, report.values_reencrypted), (2, 0));
        assert!(fresh.verify_audit().await.unwrap().broken.is_none());
    }
}
