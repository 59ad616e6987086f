use super::*;

#[test]
fn case_numbers_are_short_and_plain() {
    let n = CaseNumber::compose("150103", 2024, 42).unwrap();
    assert_eq!(n.as_str(), "150103-2024-000042");
    assert_eq!(CaseNumber::compose("150103", 2024, 1_234_567).unwrap().as_str(), "150103-2024-1234567");
    assert!(CaseNumber::parse("-1").is_err());
    assert!(CaseNumber::parse("150103/2024").is_err());
    assert!(CaseNumber::parse(&"1".repeat(41)).is_err());
    assert_eq!(serde_json::to_string(&n).unwrap(), "\"150103-2024-000042\"");
}

#[test]
fn tiers_follow_the_area_tree() {
    assert_eq!(HandlingLevel::of_area(AreaLevel::Grid), Some(HandlingLevel::Community));
    assert_eq!(HandlingLevel::of_area(AreaLevel::Community), Some(HandlingLevel::Community));
    assert_eq!(HandlingLevel::of_area(AreaLevel::Street), Some(HandlingLevel::Street));
    assert_eq!(HandlingLevel::of_area(AreaLevel::District), Some(HandlingLevel::District));
    assert_eq!(HandlingLevel::of_area(AreaLevel::City), None);
    assert_eq!(HandlingLevel::Community.up(), Some(HandlingLevel::Street));
    assert_eq!(HandlingLevel::District.up(), None);
    assert!(HandlingLevel::Community < HandlingLevel::Street && HandlingLevel::Street < HandlingLevel::District);
    for l in HandlingLevel::ALL {
        assert_eq!(HandlingLevel::parse(l.as_str()).unwrap(), l);
    }
    assert!(HandlingLevel::parse("grid").is_err());
}

#[test]
fn the_tier_area_is_counted_up_from_the_home_area() {
    let grid = "/1501/150103/150103003/150103003030/150103003030-01/";
    assert_eq!(handling_path(grid, AreaLevel::Grid, HandlingLevel::Community), "/1501/150103/150103003/150103003030/");
    assert_eq!(handling_path(grid, AreaLevel::Grid, HandlingLevel::Street), "/1501/150103/150103003/");
    assert_eq!(handling_path(grid, AreaLevel::Grid, HandlingLevel::District), "/1501/150103/");
    let street = "/1501/150103/150103003/";
    assert_eq!(handling_path(street, AreaLevel::Street, HandlingLevel::Street), street);
    assert_eq!(handling_path(street, AreaLevel::Street, HandlingLevel::District), "/1501/150103/");
    // A tree without a city above the district still finds the right ancestor.
    assert_eq!(handling_path("/150103/150103003/", AreaLevel::Street, HandlingLevel::District), "/150103/");
}

#[test]
fn only_resolving_outcomes_count() {
    let resolved: Vec<_> = Outcome::ALL.iter().filter(|o| o.is_resolved()).map(|o| o.as_str()).collect();
    assert_eq!(resolved, ["resolved_by_agreement", "resolved_otherwise"]);
    assert!(CaseStatus::Closed.is_terminal() && CaseStatus::Declined.is_terminal());
    assert!(!CaseStatus::Backlog.is_terminal());
}

fn draft() -> CaseDraft {
    CaseDraft {
        kind: CaseKind::Dispute,
        category: " tenancy.utilities ".into(),
        title: "  租户与房东因水费产生纠纷 ".into(),
        description: "房东要求租户补交水费。\n租户认为水表有误。".into(),
        area_id: Uuid::now_v7(),
        address: Some("  ".into()),
        point: Some(GeoPoint { lon: 111.68, lat: 40.82 }),
        channel: Channel::JointPoliceVisit,
        risk: RiskLevel::Ordinary,
        reporter_name: None,
    }
}

#[test]
fn drafts_are_trimmed_and_bounded() {
    let d = draft().validate().unwrap();
    assert_eq!(d.title, "租户与房东因水费产生纠纷");
    assert_eq!(d.category, "tenancy.utilities");
    assert_eq!(d.address, None);
    assert!(d.description.contains('\n'));

    let bad = |f: fn(&mut CaseDraft)| {
        let mut d = draft();
        f(&mut d);
        d.validate().unwrap_err()
    };
    assert_eq!(bad(|d| d.title = " ".into()), DomainError::invalid("title", "error-case-title"));
    assert_eq!(bad(|d| d.title = "水".repeat(TITLE_MAX + 1)), DomainError::invalid("title", "error-case-title"));
    assert_eq!(bad(|d| d.title = "a\u{7}b".into()), DomainError::invalid("title", "error-case-title"));
    assert_eq!(
        bad(|d| d.description = "x".repeat(DESCRIPTION_MAX + 1)),
        DomainError::invalid("description", "error-case-description")
    );
    assert_eq!(bad(|d| d.address = Some("路".repeat(ADDRESS_MAX + 1))), DomainError::invalid("address", "error-case-address"));
    assert_eq!(bad(|d| d.point = Some(GeoPoint { lon: 200.0, lat: 40.0 })), DomainError::invalid("point", "error-case-point"));
    assert_eq!(bad(|d| d.point = Some(GeoPoint { lon: f64::NAN, lat: 40.0 })), DomainError::invalid("point", "error-case-point"));
    assert_eq!(bad(|d| d.category = "Tenancy".into()), DomainError::invalid("category", "error-case-category"));
}

#[test]
fn drafts_read_snake_case_json_with_defaults() {
    let area = Uuid::now_v7();
    let d: CaseDraft = serde_json::from_value(serde_json::json!({
        "kind": "hazard", "category": "fire.corridor_clutter", "title": "楼道堆放杂物",
        "area_id": area, "address": null, "point": null, "channel": "grid_patrol", "reporter_name": null
    }))
    .unwrap();
    assert_eq!(d.risk, RiskLevel::Ordinary);
    assert_eq!(d.description, "");
    assert!(serde_json::from_value::<CaseDraft>(serde_json::json!({"kind": "riot"})).is_err());
}

#[test]
fn notes_are_required_where_a_reason_is() {
    assert_eq!(required_note("  ", "reason"), Err(DomainError::invalid("reason", "error-case-reason-required")));
    assert_eq!(required_note(" 不属于本社区 ", "reason").unwrap(), "不属于本社区");
    assert_eq!(optional_note(Some(" "), "note").unwrap(), None);
    assert!(optional_note(Some(&"字".repeat(NOTE_MAX + 1)), "note").is_err());
}

#[test]
fn the_default_categories_form_a_tree_per_kind() {
    let t = CategoryTree::defaults();
    for code in [
        "neighbour",
        "property_management",
        "labour",
        "private_lending",
        "family",
        "land",
        "tenancy",
        "consumer",
        "traffic",
        "medical",
    ] {
        assert!(t.get(CaseKind::Dispute, code).is_some(), "{code}");
    }
    assert!(t.check_for_intake(CaseKind::Dispute, "tenancy.utilities").is_ok());
    assert!(t.check_for_intake(CaseKind::Demand, "heating").is_ok());
    assert!(t.check_for_intake(CaseKind::Hazard, "fire.ebike_charging").is_ok());
    // Each kind has its own tree.
    assert!(t.check_for_intake(CaseKind::Demand, "tenancy").is_err());
    for kind in CaseKind::ALL {
        assert!(t.get(*kind, "other").is_some());
        let codes: Vec<_> = t.of_kind(*kind).map(|c| c.kind).collect();
        assert!(codes.iter().all(|k| k == kind) && !codes.is_empty());
    }
    let labour: Vec<_> = t.children(CaseKind::Dispute, "labour").iter().map(|c| c.code.as_str().to_string()).collect();
    assert_eq!(labour, ["labour.contract", "labour.wage_arrears", "labour.work_injury"]);
}

#[test]
fn custom_categories_are_checked() {
    let cat = |kind, code: &str| Category {
        kind,
        code: CategoryCode::parse(code).unwrap(),
        name_zh: "名称".into(),
        name_en: "Name".into(),
        retired: false,
    };
    let orphan = CategoryTree::from_categories([cat(CaseKind::Dispute, "a.b")]);
    assert_eq!(orphan.unwrap_err(), DomainError::invalid("category", "error-case-category-parent"));
    let twice = CategoryTree::from_categories([cat(CaseKind::Dispute, "a"), cat(CaseKind::Dispute, "a")]);
    assert_eq!(twice.unwrap_err(), DomainError::Conflict("error-case-category-duplicate"));
    // A parent in another kind's tree does not count.
    assert!(CategoryTree::from_categories([cat(CaseKind::Demand, "a"), cat(CaseKind::Dispute, "a.b")]).is_err());
    let mut retired = cat(CaseKind::Demand, "old");
    retired.retired = true;
    let t = CategoryTree::from_categories([retired]).unwrap();
    assert!(t.get(CaseKind::Demand, "old").is_some());
    assert!(t.check_for_intake(CaseKind::Demand, "old").is_err());
    assert!(
        CategoryCode::parse("a..b").is_err() && CategoryCode::parse("a.b.c.d.e").is_err() && CategoryCode::parse("1a").is_err()
    );
    assert_eq!(CategoryCode::parse("a.b.c").unwrap().lineage(), ["a.b.c", "a.b", "a"]);
}

#[test]
fn parties_are_checked_like_residents() {
    let p = |kind, name: &str, id: Option<&str>| NewParty {
        role: PartyRole::Applicant,
        kind,
        resident_id: None,
        name: name.into(),
        id_number: id.map(String::from),
        phone: Some(" 138 1234 5678 ".into()),
    };
    let ok = p(
        PartyKind::Person,
        "张　三",
        Some(&crate::privacy::synthetic_id("150102", chrono::NaiveDate::from_ymd_opt(1980, 5, 1).unwrap(), 12).into_string()),
    )
    .validate()
    .unwrap();
    assert_eq!(ok.name, "张三");
    assert!(ok.id_number.is_some() && ok.phone.is_some());
    assert!(p(PartyKind::Person, "张三", Some("150102198005010000")).validate().is_err());
    let org = p(PartyKind::Organisation, "呼和浩特市某物业服务有限公司", None).validate().unwrap();
    assert_eq!(org.kind, PartyKind::Organisation);
    assert_eq!(
        p(PartyKind::Organisation, "某公司", Some("150102198005010000")).validate(),
        Err(DomainError::invalid("id_number", "error-party-id-for-organisation"))
    );
    let side = |role| NewParty { role, ..p(PartyKind::Person, "李四", None) };
    assert!(check_dispute_parties(&[side(PartyRole::Applicant), side(PartyRole::Respondent)]).is_ok());
    assert!(check_dispute_parties(&[side(PartyRole::Applicant), side(PartyRole::Other)]).is_err());
}

#[test]
fn actions_are_tagged_json() {
    let a: CaseAction = serde_json::from_value(serde_json::json!({"action": "escalate", "reason": "涉及多个社区"})).unwrap();
    assert_eq!(a, CaseAction::Escalate { reason: "涉及多个社区".into() });
    assert_eq!(a.kind().as_str(), "escalate");
    let r = CaseAction::RecordReferralOutcome { outcome: Some(Outcome::ResolvedByAgreement), note: None };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["action"], "record_referral_outcome");
    assert_eq!(v["outcome"], "resolved_by_agreement");
    let ret: CaseAction = serde_json::from_value(serde_json::json!({"action": "return", "reason": "x"})).unwrap();
    assert_eq!(ret.kind(), ActionKind::Return);
    for k in ActionKind::ALL {
        assert_eq!(ActionKind::parse(k.as_str()).unwrap(), *k);
    }
}
