use fengqiao_sheets::*;

use super::{ID, read};

const SPEC: &[ColumnSpec] = &[
    ColumnSpec::required("name", &["姓名", "name"]),
    ColumnSpec::required(
        "id_number",
        &["身份证号", "公民身份号码", "id_number", "ID number"],
    ),
    ColumnSpec::optional("phone", &["联系电话", "手机", "phone"]),
];

fn table(csv: &str) -> Table {
    read(csv.as_bytes()).unwrap()
}

#[test]
fn headers_match_aliases_in_either_language() {
    let zh = table("姓名*, 公民身份号码 ,联系　电话\n张三,150102199001011234,\n");
    let mapped = map_columns(&zh, SPEC).unwrap();
    let row = &zh.rows[0];
    assert_eq!(mapped.get(row, "name"), Some("张三"));
    assert_eq!(mapped.get(row, "id_number"), Some(ID));
    assert_eq!(mapped.get(row, "phone"), None, "empty cells read as None");
    assert_eq!(mapped.header("id_number"), Some("公民身份号码"));
    assert!(mapped.warnings().is_empty());

    let en = table("ID Number,NAME,notes\n150102199001011234,Zhang San,x\n");
    let mapped = map_columns(&en, SPEC).unwrap();
    assert_eq!(mapped.get(&en.rows[0], "name"), Some("Zhang San"));
    assert!(!mapped.has("phone"));
    assert_eq!(mapped.get(&en.rows[0], "phone"), None);
    let warning = &mapped.warnings()[0];
    assert_eq!(
        warning,
        &HeaderProblem::Unknown {
            header: "notes".into(),
            column: 3
        }
    );
    assert!(!warning.is_error());
    assert_eq!(warning.key(), "warning-sheet-column-unknown");
}

#[test]
fn missing_and_duplicate_columns_are_errors() {
    let t = table("姓名,电话,身份证号,公民身份号码\n张三,1,2,3\n");
    let problems = map_columns(&t, SPEC).unwrap_err();
    assert_eq!(
        problems,
        [
            HeaderProblem::Duplicate {
                key: "id_number",
                headers: vec!["身份证号".into(), "公民身份号码".into()],
                columns: vec![3, 4],
            },
            HeaderProblem::Unknown {
                header: "电话".into(),
                column: 2
            },
        ]
    );
    assert_eq!(problems[0].args()[1], ("columns", "C, D".to_string()));

    let t = table("电话\n1\n");
    let problems = map_columns(&t, SPEC).unwrap_err();
    assert!(problems.contains(&HeaderProblem::Missing {
        key: "name",
        expected: "姓名"
    }));
    assert!(problems.contains(&HeaderProblem::Missing {
        key: "id_number",
        expected: "身份证号"
    }));
    assert_eq!(problems[0].key(), "error-sheet-column-missing");

    let unnamed = table("姓名,身份证号,\n张三,1,extra\n");
    let mapped = map_columns(&unnamed, SPEC).unwrap();
    assert_eq!(mapped.warnings(), [HeaderProblem::Unnamed { column: 3 }]);
}

#[test]
fn report_names_cells_as_the_user_wrote_them() {
    let t = table("姓名,身份证号\n张三,15010219900101123X\n李四,bad\n");
    let mapped = map_columns(&t, SPEC).unwrap();
    let mut report = ImportReport::new();
    for row in &t.rows {
        report.rows_read += 1;
        if mapped.get(row, "id_number").is_some_and(|v| v.len() == 18) {
            report.rows_valid += 1;
        } else {
            report.cell(&mapped, row, "id_number", "error-id-number-length");
        }
    }
    assert_eq!((report.rows_read, report.rows_valid), (2, 1));
    assert_eq!(
        report.problems,
        [CellProblem::new(
            3,
            "身份证号",
            "error-id-number-length",
            "bad"
        )]
    );
    assert!(!report.is_clean());
}
