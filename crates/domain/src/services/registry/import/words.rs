//! The words people write in spreadsheet cells for the registry's coded values. Offices keep
//! their sheets in Chinese; the English words and the API's own codes are accepted too, so a
//! file exported in either language, or written by a script, imports again.

use chrono::NaiveDate;

use crate::model::{AreaLevel, PersonKind, Profession, Relation};
use crate::privacy::Gender;

/// Case-insensitive match of a cell against a list of (word, value) pairs, spaces and
/// underscores ignored. Compares character by character: it runs for every row of a file.
fn lookup<T: Copy>(cell: &str, table: &[(&str, T)]) -> Option<T> {
    let significant = |s: &'_ str| s.chars().filter(|c| !c.is_whitespace() && *c != '_').flat_map(char::to_lowercase).collect::<Vec<char>>();
    let cell = significant(cell);
    table.iter().find(|(w, _)| w.chars().filter(|c| *c != ' ' && *c != '_').flat_map(char::to_lowercase).eq(cell.iter().copied())).map(|(_, v)| *v)
}

pub fn relation(cell: &str) -> Option<Relation> {
    use Relation::*;
    const WORDS: &[(&str, Relation)] = &[
        ("户主", Head), ("本人", Head), ("head", Head),
        ("配偶", Spouse), ("妻", Spouse), ("妻子", Spouse), ("夫", Spouse), ("丈夫", Spouse), ("spouse", Spouse),
        ("子", Child), ("女", Child), ("儿子", Child), ("女儿", Child), ("子女", Child), ("长子", Child), ("长女", Child),
        ("次子", Child), ("次女", Child), ("儿媳", Child), ("女婿", Child), ("child", Child),
        ("父亲", Parent), ("母亲", Parent), ("父母", Parent), ("公公", Parent), ("婆婆", Parent), ("岳父", Parent), ("岳母", Parent), ("parent", Parent),
        ("孙子", Grandchild), ("孙女", Grandchild), ("孙子女", Grandchild), ("外孙", Grandchild), ("外孙女", Grandchild), ("孙辈", Grandchild), ("grandchild", Grandchild),
        ("祖父", Grandparent), ("祖母", Grandparent), ("祖父母", Grandparent), ("外祖父", Grandparent), ("外祖母", Grandparent), ("祖辈", Grandparent), ("grandparent", Grandparent),
        ("兄弟姐妹", Sibling), ("兄", Sibling), ("弟", Sibling), ("姐", Sibling), ("妹", Sibling), ("哥哥", Sibling), ("弟弟", Sibling),
        ("姐姐", Sibling), ("妹妹", Sibling), ("sibling", Sibling),
        ("租户", Tenant), ("租客", Tenant), ("承租人", Tenant), ("tenant", Tenant),
        ("其他", Other), ("其它", Other), ("other", Other),
    ];
    lookup(cell, WORDS)
}

/// A recorded tag's code for its usual names; `None` means a custom tag, kept as written.
/// The computed age groups map to their codes so that exported files import again (the
/// codes are then dropped: they are never stored).
pub fn tag(cell: &str) -> Option<&'static str> {
    const WORDS: &[(&str, &str)] = &[
        ("独居", "living_alone"), ("独居老人", "living_alone"), ("living alone", "living_alone"), ("living_alone", "living_alone"),
        ("残疾", "disabled"), ("残疾人", "disabled"), ("disabled", "disabled"),
        ("低保", "low_income"), ("低保户", "low_income"), ("低收入", "low_income"), ("low income", "low_income"), ("low_income", "low_income"),
        ("退役军人", "veteran"), ("军人", "veteran"), ("veteran", "veteran"),
        ("党员", "party_member"), ("中共党员", "party_member"), ("party member", "party_member"), ("party_member", "party_member"),
        ("老年人", "elderly"), ("老人", "elderly"), ("elderly", "elderly"),
        ("儿童", "child"), ("child", "child"),
    ];
    lookup(cell, WORDS)
}

pub fn gender(cell: &str) -> Option<Gender> {
    const WORDS: &[(&str, Gender)] =
        &[("男", Gender::Male), ("male", Gender::Male), ("m", Gender::Male), ("女", Gender::Female), ("female", Gender::Female), ("f", Gender::Female)];
    lookup(cell, WORDS)
}

pub fn person_kind(cell: &str) -> Option<PersonKind> {
    use PersonKind::*;
    const WORDS: &[(&str, PersonKind)] = &[
        ("网格员", GridWorker), ("专职网格员", GridWorker), ("兼职网格员", GridWorker), ("grid worker", GridWorker),
        ("法律顾问", LegalAdviser), ("三官一律", LegalAdviser), ("legal adviser", LegalAdviser), ("legal advisor", LegalAdviser),
        ("联络干部", LiaisonCadre), ("包联干部", LiaisonCadre), ("联系干部", LiaisonCadre), ("liaison cadre", LiaisonCadre),
        ("楼栋长", BuildingHead), ("楼长", BuildingHead), ("building head", BuildingHead),
        ("单元长", EntranceHead), ("entrance head", EntranceHead),
        ("特邀调解员", InvitedMediator), ("invited mediator", InvitedMediator),
        ("乡里乡亲", VolunteerMediator), ("志愿调解员", VolunteerMediator), ("volunteer mediator", VolunteerMediator),
    ];
    lookup(cell, WORDS)
}

pub fn profession(cell: &str) -> Option<Profession> {
    use Profession::*;
    const WORDS: &[(&str, Profession)] = &[
        ("民警", Police), ("警官", Police), ("警察", Police), ("社区民警", Police), ("police", Police), ("police officer", Police),
        ("法官", Judge), ("judge", Judge),
        ("检察官", Prosecutor), ("prosecutor", Prosecutor),
        ("律师", Lawyer), ("lawyer", Lawyer),
    ];
    lookup(cell, WORDS)
}

/// Division levels; Inner Mongolia's banners (旗) are districts and its sumu (苏木) and gacha
/// (嘎查) are towns and villages.
pub fn area_level(cell: &str) -> Option<AreaLevel> {
    use AreaLevel::*;
    const WORDS: &[(&str, AreaLevel)] = &[
        ("city", City), ("市", City), ("地级市", City),
        ("district", District), ("区", District), ("县", District), ("旗", District), ("市辖区", District),
        ("street", Street), ("街道", Street), ("镇", Street), ("乡", Street), ("苏木", Street),
        ("community", Community), ("社区", Community), ("村", Community), ("嘎查", Community),
        ("grid", Grid), ("网格", Grid),
    ];
    lookup(cell, WORDS)
}

/// Dates as spreadsheets hold them: `1950-03-12` (what our reader makes of a date cell),
/// `1950/3/12`, `1950.3.12`, `19500312`, `1950年3月12日`.
pub fn date(cell: &str) -> Option<NaiveDate> {
    let s = cell.trim();
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?),
        _ => None,
    }
}

/// Items of a list cell: Chinese and Western commas, the enumeration comma, semicolons.
pub fn items(cell: &str) -> Vec<&str> {
    cell.split([',', '，', '、', ';', '；', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// A bare number names the usual way: building `3` is 3号楼, entrance `1` is 1单元.
pub fn numbered(cell: &str, suffix: &str) -> String {
    let cell = cell.trim();
    if !cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()) { format!("{cell}{suffix}") } else { cell.to_string() }
}

/// A count cell: a non-negative whole number, as Excel may render it (`6` or `6.0`).
pub fn count(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    let cell = cell.strip_suffix(".0").unwrap_or(cell);
    cell.parse::<i64>().ok().filter(|n| *n >= 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(relation("户主"), Some(Relation::Head));
        assert_eq!(relation(" Spouse "), Some(Relation::Spouse));
        assert_eq!(relation("grand_child"), Some(Relation::Grandchild));
        assert_eq!(relation("邻居"), None);
        assert_eq!(tag("低保户"), Some("low_income"));
        assert_eq!(tag("Party member"), Some("party_member"));
        assert_eq!(tag("重点关注"), None);
        assert_eq!(gender("女"), Some(Gender::Female));
        assert_eq!(person_kind("三官一律"), Some(PersonKind::LegalAdviser));
        assert_eq!(person_kind("grid_worker"), Some(PersonKind::GridWorker));
        assert_eq!(profession("律师"), Some(Profession::Lawyer));
        assert_eq!(area_level("嘎查"), Some(AreaLevel::Community));
    }

    #[test]
    fn dates_lists_and_numbers() {
        let d = NaiveDate::from_ymd_opt(1950, 3, 12);
        for s in ["1950-03-12", "1950/3/12", "1950.3.12", "19500312", "1950年3月12日", "1950-03-12 00:00:00"] {
            assert_eq!(date(s), d, "{s}");
        }
        assert_eq!(date("1950-02-30"), None);
        assert_eq!(date("12/03/1950"), None);
        assert_eq!(items("独居，党员、 低保;;"), ["独居", "党员", "低保"]);
        assert_eq!(numbered("3", "号楼"), "3号楼");
        assert_eq!(numbered("A座", "号楼"), "A座");
        assert_eq!(count("6.0"), Some(6));
        assert_eq!(count("-1"), None);
    }
}
