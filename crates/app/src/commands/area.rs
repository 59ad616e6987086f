//! `fengqiao area import FILE`: loads areas from a division-code CSV. A new installation
//! uses it to get its city before `fengqiao user add` can give anyone a home area.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use fengqiao_domain::services::{DivisionRow, operator};

use crate::config::{Config, Database};
use crate::database;
use crate::messages::Explain;

pub async fn import(config: &Config, db: &Database, file: &Path, under: Option<&str>) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = parse(text.trim_start_matches('\u{feff}'), under)?;
    let services = database::services(database::open_or_create(db).await?, config)?;
    let op = operator(&format!("cli:{}", super::login_name()));
    let created = services.import_divisions(&op, &rows).await.explained()?;
    println!("{} rows read, {created} areas created, {} already present", rows.len(), rows.len() - created);
    Ok(ExitCode::SUCCESS)
}

/// Reads the whole file first, so a bad row anywhere stops the import before anything is written.
fn parse(text: &str, under: Option<&str>) -> anyhow::Result<Vec<DivisionRow>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().context("the file has no header row")?.clone();
    let want = ["code", "name", "level", "parent_code"];
    if headers.iter().map(str::trim).collect::<Vec<_>>() != want {
        bail!("the header must be exactly {:?}, found {:?}", want.join(","), headers.iter().collect::<Vec<_>>().join(","));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.deserialize::<DivisionRow>().enumerate() {
        // Line 1 is the header.
        let row = record.with_context(|| format!("line {}: not a valid row", i + 2))?;
        if under.is_none_or(|u| row.code.starts_with(u)) {
            rows.push(row);
        }
    }
    if rows.is_empty() {
        bail!("no rows to load{}", under.map(|u| format!(" under {u}")).unwrap_or_default());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn headers_and_rows_are_checked_before_anything_is_written() {
        let good = "code,name,level,parent_code\n1501,呼和浩特市,city,15\n150103,回民区,district,1501\n150102,新城区,district,1501\n";
        assert_eq!(parse(good, None).unwrap().len(), 3);
        assert_eq!(parse(good, Some("150103")).unwrap().len(), 1);
        assert!(parse("id,name\n1,x\n", None).unwrap_err().to_string().contains("header"));
        assert!(parse("code,name,level,parent_code\n1501,x\n", None).unwrap_err().to_string().contains("line 2"));
        assert!(parse("code,name,level,parent_code\n", None).unwrap_err().to_string().contains("no rows"));
    }
}
