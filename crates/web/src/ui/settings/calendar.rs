//! `/settings/calendar`: the years the working-day calendar holds, and a form to add one from
//! the State Council's notice, pasted or uploaded as CSV in the shape of the shipped data
//! (`date,kind,name_zh,name_en`). A refused paste is shown again with the line at fault.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::Datelike;
use fengqiao_domain::DomainError;
use fengqiao_domain::rules::access::Permission;
use fengqiao_domain::rules::calendar::{self, CalendarError, DayKind};
use serde::Deserialize;

use super::{notice, redirect, sections};
use crate::AppState;
use crate::auth::{PageCaller, SignedIn};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::ui::{Base, refused, render, render_with};

/// A year's notice is a few dozen lines; this leaves room for comments and a BOM.
pub const MAX_UPLOAD: usize = 64 * 1024;

const HEADER: &str = "date,kind,name_zh,name_en";

pub struct YearRow {
    pub year: i32,
    pub holidays: usize,
    pub workdays: usize,
}

#[derive(Default)]
pub struct AddForm {
    pub year: String,
    pub text: String,
    pub replace: bool,
}

#[derive(Template)]
#[template(path = "settings_calendar.html")]
struct Page {
    l: Lang,
    base: Base,
    csrf: String,
    sections: Vec<(&'static str, String)>,
    section: &'static str,
    years: Vec<YearRow>,
    form: AddForm,
    error: Option<String>,
    example: String,
}

#[derive(Deserialize)]
pub struct OkQuery {
    ok: Option<String>,
}

async fn show(state: &AppState, l: Lang, c: &PageCaller, current: &str, form: AddForm, error: Option<String>, ok: Option<String>, status: StatusCode) -> Result<Response, PageError> {
    c.actor.require(Permission::ManageCaseSettings)?;
    let years = state.services.calendar_years(&c.actor).await?.into_iter().map(|y| YearRow { year: y.year, holidays: y.holidays, workdays: y.workdays }).collect();
    let page = Page {
        base: Base::new(Some(c), "settings", current, ok),
        csrf: c.csrf().to_string(),
        sections: sections(l),
        section: "calendar",
        years,
        form,
        error,
        example: format!("{HEADER}\n2027-01-01,holiday,元旦,New Year's Day"),
        l,
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Query(q): Query<OkQuery>) -> Result<Response, PageError> {
    show(&state, l, &c, &uri.to_string(), AddForm::default(), None, notice(l, q.ok.as_deref()), StatusCode::OK).await
}

async fn read(mut form: Multipart) -> Result<AddForm, DomainError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        let key = if e.status() == StatusCode::PAYLOAD_TOO_LARGE { "error-too-large" } else { "error-bad-request" };
        DomainError::invalid("file", key)
    };
    let mut out = AddForm::default();
    let mut file = String::new();
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name() {
            Some("year") => out.year = field.text().await.map_err(broken)?,
            Some("text") => out.text = field.text().await.map_err(broken)?,
            Some("replace") => out.replace = field.text().await.map_err(broken)? == "true",
            Some("file") => {
                let bytes = field.bytes().await.map_err(broken)?;
                file = String::from_utf8(bytes.to_vec()).map_err(|_| DomainError::invalid("file", "error-calendar-encoding"))?;
            }
            _ => {}
        }
    }
    // A file, when one was chosen, is what the administrator meant to send.
    if !file.trim().is_empty() {
        out.text = file;
    }
    Ok(out)
}

/// The rows of a paste or file: the header may be left out, a spreadsheet's BOM is dropped,
/// and an error names the line as the administrator sees it.
fn rows(l: Lang, year: i32, text: &str) -> Result<Vec<calendar::CalendarDay>, String> {
    let text = text.trim_start_matches('\u{feff}').trim();
    let (csv, offset) = if text.starts_with("date,") { (text.to_string(), 0) } else { (format!("{HEADER}\n{text}"), 1) };
    let message = |line: usize, key: &str| l.t_args("settings-calendar-line", &[("line", line.to_string()), ("message", l.t(key))]);
    let rows = calendar::parse_csv(&csv).map_err(|e| match e {
        CalendarError::BadRow { line, key } => message(line - offset, key),
        other => l.t(DomainError::from(other).code()),
    })?;
    calendar::check_year(year, &rows).map_err(|e| match e {
        // Rows are counted from 1 after the header.
        CalendarError::BadRow { line, key } if line > 0 => message(line + 1 - offset, key),
        other => l.t(DomainError::from(other).code()),
    })?;
    Ok(rows)
}

pub async fn add(State(state): State<AppState>, l: Lang, SignedIn(c): SignedIn, form: Result<Multipart, MultipartRejection>) -> Result<Response, PageError> {
    c.actor.require(Permission::ManageCaseSettings)?;
    let current = "/settings/calendar";
    let form = match form {
        Ok(f) => read(f).await,
        Err(_) => Err(DomainError::invalid("file", "error-bad-request")),
    };
    let form = match form {
        Ok(f) => f,
        Err(e) => return show(&state, l, &c, current, AddForm::default(), Some(l.t(e.code())), None, crate::error::status_of(&e)).await,
    };
    let Ok(year) = form.year.trim().parse::<i32>() else {
        return show(&state, l, &c, current, form, Some(l.t("error-calendar-year")), None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let rows = match rows(l, year, &form.text) {
        Ok(r) => r,
        Err(m) => return show(&state, l, &c, current, form, Some(m), None, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    match state.services.add_calendar_year(&c.actor, year, rows, form.replace).await {
        Ok(_) => Ok(redirect("/settings/calendar?ok=year-added")),
        Err(e) => match refused(&e) {
            Some(status) => show(&state, l, &c, current, form, Some(l.t(e.code())), None, status).await,
            None => Err(e.into()),
        },
    }
}

pub struct DayRow {
    pub date: String,
    pub weekday: String,
    pub holiday: bool,
    pub kind: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "settings_year.html")]
struct YearPage {
    l: Lang,
    base: Base,
    sections: Vec<(&'static str, String)>,
    section: &'static str,
    title: String,
    days: Vec<DayRow>,
}

pub async fn year(State(state): State<AppState>, l: Lang, uri: Uri, SignedIn(c): SignedIn, Path(year): Path<i32>) -> Result<Response, PageError> {
    c.actor.require(Permission::ManageCaseSettings)?;
    let days = state
        .services
        .calendar_year(&c.actor, year)
        .await?
        .into_iter()
        .map(|d| DayRow {
            date: match l {
                Lang::ZhCn => d.date.format("%Y年%m月%d日").to_string(),
                Lang::En => d.date.to_string(),
            },
            weekday: l.t(&format!("weekday-{}", d.date.weekday().num_days_from_monday() + 1)),
            holiday: d.kind == DayKind::Holiday,
            kind: l.t(&format!("settings-day-{}", d.kind.as_str())),
            name: if l == Lang::ZhCn { d.name_zh } else { d.name_en },
        })
        .collect();
    let page = YearPage { base: Base::new(Some(&c), "settings", &uri.to_string(), None), sections: sections(l), section: "calendar", title: l.t_args("settings-year-title", &[("year", year.to_string())]), days, l };
    Ok(render(&page))
}
