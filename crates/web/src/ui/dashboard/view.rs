//! The figures as the dashboard shows them: tiles, and for every chart its title with the
//! unit, the numbers `static/dashboard.js` draws (a JSON attribute: the CSP allows no inline
//! script), and the same numbers as a table, which is also the page without JavaScript.

use std::collections::BTreeMap;

use fengqiao_domain::model::Area;
use fengqiao_domain::model::case::{CaseKind, CategoryTree};
use fengqiao_domain::model::stats::CaseFigures;
use fengqiao_domain::services::stats::trend::TrendStep;
use serde_json::{Value, json};

use crate::i18n::Lang;
use crate::ui::cases::category_name;

/// Categories drawn; the table lists them all.
const TOP_CATEGORIES: usize = 10;

/// A count as people read it: plain digits in Chinese, thousands grouped in English.
pub fn count(l: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let plain = if l == Lang::En && digits.len() > 3 {
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        out
    } else {
        digits
    };
    if n < 0 { format!("-{plain}") } else { plain }
}

/// A share to two decimals (94.69%); a dash when there was nothing to divide.
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.2}%", r * 100.0),
        None => "—".to_string(),
    }
}

pub struct Tile {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    pub note: String,
    /// `bad` for a count that needs attention (overdue), so the colour has a word beside it.
    pub tone: &'static str,
}

pub struct Row {
    pub label: String,
    pub href: Option<String>,
    pub cells: Vec<String>,
}

pub struct Chart {
    pub id: &'static str,
    pub title: String,
    /// What `dashboard.js` draws; empty when there is nothing to draw.
    pub spec: String,
    pub head: Vec<String>,
    pub rows: Vec<Row>,
    pub empty: String,
}

/// The child areas shaded by open or overdue cases, drawn over their imported boundaries.
pub struct MapView {
    pub spec: String,
    /// Children that have a boundary; none means there is nothing to draw.
    pub drawn: usize,
}

pub struct View {
    pub tiles: Vec<Tile>,
    pub charts: Vec<Chart>,
    pub map: Option<MapView>,
}

fn spec(kind: &str, unit: &str, x: &[String], series: Vec<(String, Vec<i64>)>, links: Option<Vec<String>>) -> String {
    let series: Vec<Value> = series.into_iter().map(|(name, data)| json!({"name": name, "data": data})).collect();
    json!({"kind": kind, "unit": unit, "x": x, "series": series, "links": links}).to_string()
}

/// What the page needs besides the figures.
pub struct Extras<'a> {
    pub trend: &'a [TrendStep],
    pub open: &'a BTreeMap<String, i64>,
    pub children: &'a [Area],
    pub categories: &'a CategoryTree,
    /// The query after `area=` in drill-down links: the same period and kind.
    pub keep: &'a str,
}

pub fn build(l: Lang, f: &CaseFigures, x: &Extras) -> View {
    let unit = l.t("dashboard-unit-cases");
    let intake_l = l.t("dashboard-intake");
    let resolved_l = l.t("dashboard-resolved");
    let rate_l = l.t("dashboard-rate");
    let tile = |key, label: String, value: String, note: String, tone| Tile { key, label, value, note, tone };
    let sat = &f.satisfaction;
    let tiles = vec![
        tile("intake", intake_l.clone(), count(l, f.intake), unit.clone(), ""),
        tile("resolved", resolved_l.clone(), count(l, f.resolved), unit.clone(), "ok"),
        tile("rate", rate_l.clone(), percent(f.resolution_rate), l.t("dashboard-rate-note"), ""),
        tile("overdue", l.t("dashboard-overdue"), count(l, f.overdue), l.t("dashboard-overdue-note"), if f.overdue > 0 { "bad" } else { "" }),
        tile(
            "on-time",
            l.t("dashboard-on-time"),
            percent(f.on_time_rate),
            l.t_args("dashboard-on-time-note", &[("on", count(l, f.concluded_on_time)), ("late", count(l, f.concluded_late))]),
            "",
        ),
        tile(
            "satisfaction",
            l.t("dashboard-satisfaction"),
            percent(sat.satisfaction_rate),
            l.t_args("dashboard-satisfaction-note", &[("n", count(l, sat.satisfied + sat.basically_satisfied + sat.dissatisfied))]),
            "",
        ),
    ];
    let pair_head = |first: String| vec![first, format!("{intake_l}（{unit}）"), format!("{resolved_l}（{unit}）"), rate_l.clone()];
    let pair_cells = |i: i64, r: i64, rate| vec![count(l, i), count(l, r), percent(rate)];

    // Trend.
    let labels: Vec<String> = x.trend.iter().map(|s| s.label.clone()).collect();
    let trend = Chart {
        id: "trend",
        title: l.t_args("dashboard-trend-title", &[("unit", unit.clone())]),
        spec: spec(
            "line",
            &unit,
            &labels,
            vec![(intake_l.clone(), x.trend.iter().map(|s| s.figures.intake).collect()), (resolved_l.clone(), x.trend.iter().map(|s| s.figures.resolved).collect())],
            None,
        ),
        head: pair_head(l.t("dashboard-col-period")),
        rows: x.trend.iter().map(|s| Row { label: s.label.clone(), href: None, cells: pair_cells(s.figures.intake, s.figures.resolved, s.figures.resolution_rate) }).collect(),
        empty: l.t("dashboard-empty-period"),
    };

    // Kinds.
    let kinds: Vec<(CaseKind, i64, i64, Option<f64>)> = CaseKind::ALL
        .iter()
        .filter_map(|k| f.by_kind.get(k.as_str()).map(|v| (*k, v.intake, v.resolved, v.resolution_rate)))
        .collect();
    let kind_names: Vec<String> = kinds.iter().map(|(k, ..)| crate::ui::cases::label(l, "case-kind", k.as_str())).collect();
    let by_kind = Chart {
        id: "kinds",
        title: l.t_args("dashboard-kinds-title", &[("unit", unit.clone())]),
        spec: spec("bar", &unit, &kind_names, vec![(intake_l.clone(), kinds.iter().map(|k| k.1).collect()), (resolved_l.clone(), kinds.iter().map(|k| k.2).collect())], None),
        head: pair_head(l.t("dashboard-col-kind")),
        rows: kinds.iter().zip(&kind_names).map(|((_, i, r, rate), name)| Row { label: name.clone(), href: None, cells: pair_cells(*i, *r, *rate) }).collect(),
        empty: l.t("dashboard-empty-period"),
    };

    // Categories, by their top-level heading: 物业纠纷 is one bar, not one per sub-category.
    let mut tops: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for c in &f.by_category {
        let top = c.category.split('.').next().unwrap_or(&c.category).to_string();
        let e = tops.entry((c.kind.clone(), top)).or_default();
        e.0 += c.figures.intake;
        e.1 += c.figures.resolved;
    }
    let mut tops: Vec<(String, i64, i64)> = tops
        .into_iter()
        .map(|((kind, code), (i, r))| {
            let name = match CaseKind::ALL.iter().find(|k| k.as_str() == kind) {
                Some(k) => category_name(l, x.categories, *k, &code),
                None => code,
            };
            (name, i, r)
        })
        .collect();
    tops.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let drawn: Vec<&(String, i64, i64)> = tops.iter().take(TOP_CATEGORIES).collect();
    let categories = Chart {
        id: "categories",
        title: l.t_args("dashboard-categories-title", &[("n", TOP_CATEGORIES.to_string()), ("unit", unit.clone())]),
        spec: spec(
            "hbar",
            &unit,
            &drawn.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
            vec![(intake_l.clone(), drawn.iter().map(|c| c.1).collect()), (resolved_l.clone(), drawn.iter().map(|c| c.2).collect())],
            None,
        ),
        head: pair_head(l.t("dashboard-col-category")),
        rows: tops.iter().map(|(name, i, r)| Row { label: name.clone(), href: None, cells: pair_cells(*i, *r, fengqiao_domain::model::stats::share(*r, *i)) }).collect(),
        empty: l.t("dashboard-empty-period"),
    };

    // Level of resolution.
    let lv = &f.by_level;
    let levels_v = [("community", lv.community), ("street", lv.street), ("district", lv.district)];
    let level_names: Vec<String> = levels_v.iter().map(|(k, _)| l.t(&format!("case-level-{k}"))).collect();
    let level_total = lv.community + lv.street + lv.district;
    let levels = Chart {
        id: "levels",
        title: l.t_args("dashboard-levels-title", &[("unit", unit.clone())]),
        spec: spec("bar", &unit, &level_names, vec![(resolved_l.clone(), levels_v.iter().map(|(_, v)| *v).collect())], None),
        head: vec![l.t("dashboard-col-level"), format!("{resolved_l}（{unit}）"), l.t("dashboard-col-share")],
        rows: levels_v
            .iter()
            .zip(&level_names)
            .map(|((_, v), name)| Row { label: name.clone(), href: None, cells: vec![count(l, *v), percent(fengqiao_domain::model::stats::share(*v, level_total))] })
            .collect(),
        empty: l.t("dashboard-empty-resolved"),
    };

    // Child areas: the bars and the table both lead one level down.
    let child_names: Vec<String> = f.children.iter().map(|c| c.area.name.clone()).collect();
    let child_links: Vec<String> = f.children.iter().map(|c| format!("/dashboard?area={}&{}", c.area.code, x.keep)).collect();
    let overdue_l = l.t("dashboard-overdue");
    let open_l = l.t("dashboard-open");
    let open_of = |code: &str| x.open.get(code).copied().unwrap_or(0);
    let mut children_head = pair_head(l.t("dashboard-col-area"));
    children_head.extend([format!("{open_l}（{unit}）"), format!("{overdue_l}（{unit}）")]);
    let children = Chart {
        id: "children",
        title: l.t_args("dashboard-children-title", &[("unit", unit.clone())]),
        spec: spec(
            "hbar",
            &unit,
            &child_names,
            vec![(intake_l.clone(), f.children.iter().map(|c| c.figures.intake).collect()), (resolved_l.clone(), f.children.iter().map(|c| c.figures.resolved).collect())],
            Some(child_links.clone()),
        ),
        head: children_head,
        rows: f
            .children
            .iter()
            .zip(child_links)
            .map(|(c, href)| {
                let mut cells = pair_cells(c.figures.intake, c.figures.resolved, c.figures.resolution_rate);
                cells.extend([count(l, open_of(&c.area.code)), count(l, c.overdue)]);
                Row { label: c.area.name.clone(), href: Some(href), cells }
            })
            .collect(),
        empty: l.t("dashboard-empty-children"),
    };

    // Partner rooms.
    let room_names: Vec<String> = f.rooms.iter().map(|r| l.t(&format!("case-room-{}", r.room.replace('_', "-")))).collect();
    let rooms = Chart {
        id: "rooms",
        title: l.t_args("dashboard-rooms-title", &[("unit", unit.clone())]),
        spec: spec(
            "bar",
            &unit,
            &room_names,
            vec![(l.t("dashboard-room-cases"), f.rooms.iter().map(|r| r.cases).collect()), (l.t("dashboard-room-resolved"), f.rooms.iter().map(|r| r.resolved.unwrap_or(0)).collect())],
            None,
        ),
        head: vec![l.t("dashboard-col-room"), format!("{}（{unit}）", l.t("dashboard-room-cases")), format!("{}（{unit}）", l.t("dashboard-room-resolved")), l.t("dashboard-room-rate")],
        rows: f
            .rooms
            .iter()
            .zip(&room_names)
            .map(|(r, name)| Row {
                label: name.clone(),
                href: None,
                cells: vec![count(l, r.cases), r.resolved.map(|v| count(l, v)).unwrap_or_else(|| "—".into()), percent(r.success_rate)],
            })
            .collect(),
        empty: l.t("dashboard-empty-rooms"),
    };

    let with_data = |c: Chart, has: bool| if has { c } else { Chart { spec: String::new(), ..c } };
    let charts = vec![
        with_data(trend, f.intake > 0),
        with_data(children, !f.children.is_empty()),
        with_data(categories, !tops.is_empty()),
        with_data(by_kind, f.intake > 0),
        with_data(levels, level_total > 0),
        with_data(rooms, f.rooms.iter().any(|r| r.cases > 0)),
    ];
    View { tiles, charts, map: map_view(l, f, x) }
}

fn map_view(l: Lang, f: &CaseFigures, x: &Extras) -> Option<MapView> {
    if f.children.is_empty() {
        return None;
    }
    let drawn = x.children.iter().filter(|a| a.boundary.is_some()).count();
    let values: serde_json::Map<String, Value> = f
        .children
        .iter()
        .map(|c| {
            let v = json!({
                "name": c.area.name,
                "open": x.open.get(&c.area.code).copied().unwrap_or(0),
                "overdue": c.overdue,
                "href": format!("/dashboard?area={}&{}", c.area.code, x.keep),
            });
            (c.area.code.clone(), v)
        })
        .collect();
    let spec = json!({
        "geojson": format!("/areas/{}/map.json", f.area.code),
        "code": f.area.code,
        "values": values,
        "measures": {"open": l.t("dashboard-open"), "overdue": l.t("dashboard-overdue")},
        "unit": l.t("dashboard-unit-cases"),
    });
    Some(MapView { spec: spec.to_string(), drawn })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_group_thousands_in_english_only() {
        assert_eq!(count(Lang::ZhCn, 3413), "3413");
        assert_eq!(count(Lang::En, 3413), "3,413");
        assert_eq!(count(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(count(Lang::En, 999), "999");
        assert_eq!(count(Lang::En, -1200), "-1,200");
    }

    #[test]
    fn shares_print_with_two_decimals() {
        assert_eq!(percent(Some(0.9469)), "94.69%");
        assert_eq!(percent(Some(0.58)), "58.00%");
        assert_eq!(percent(Some(1.0)), "100.00%");
        assert_eq!(percent(None), "—");
    }
}
