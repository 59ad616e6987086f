//! Languages: zh-CN first, en second. The language of a request is chosen by, in order,
//! `?lang=`, then the `fq_lang` cookie set by the language switch. Pages then default to
//! zh-CN whatever the browser says (the switch is on every page); API clients, which have no
//! switch, are answered in their `Accept-Language` when it asks for English.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH_CN: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

pub const LANG_COOKIE: &str = "fq_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "zh-cn" || s == "zh" || s.starts_with("zh-hans") || s == "zh-sg" {
            Some(Lang::ZhCn)
        } else if s == "en" || s.starts_with("en-") {
            Some(Lang::En)
        } else {
            None
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }

    /// The first language of an Accept-Language header that we have, by the client's order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut prefs: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim();
                let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        prefs.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        prefs.into_iter().find_map(|(_, tag)| Lang::parse(tag))
    }

    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// How an audit action reads to people (`area.move` → 区域移动), or the action itself
    /// for actions later modules add before they bring their wording.
    pub fn action(self, action: &str) -> String {
        let key = format!("action-{}", action.replace(['.', '_'], "-"));
        LOCALES.try_lookup(self.id(), &key).unwrap_or_else(|| action.to_string())
    }

    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// Dates as people write them: 2024年11月26日 in Chinese, ISO in English; Asia/Shanghai.
    pub fn datetime(self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = t.with_timezone(&chrono_tz::Asia::Shanghai);
        match self {
            Lang::ZhCn => local.format("%Y年%m月%d日 %H:%M").to_string(),
            Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(negotiate(parts))
    }
}

pub fn negotiate(parts: &Parts) -> Lang {
    if let Some(q) = parts.uri.query() {
        for pair in q.split('&') {
            if let Some(v) = pair.strip_prefix("lang=") {
                if let Some(l) = Lang::parse(v) {
                    return l;
                }
            }
        }
    }
    let jar = CookieJar::from_headers(&parts.headers);
    if let Some(l) = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return l;
    }
    // Machine clients (the JSON API, Open311) have no language switch: their Accept-Language counts.
    if !parts.uri.path().starts_with("/api/") && !parts.uri.path().starts_with("/open311/") {
        return Lang::default();
    }
    parts
        .headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_chinese_unless_english_is_asked_for() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_accept_language("fr;q=0.9, en;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr"), None);
        assert_eq!(Lang::default(), Lang::ZhCn);
    }

    /// Every .ftl file of a language, as the loader reads them all: a feature adds its own
    /// file and these checks cover it without being told.
    fn catalogue(lang: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(lang);
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "ftl")).collect();
        files.sort();
        files.iter().map(|p| format!("\n{}\n", std::fs::read_to_string(p).unwrap())).collect()
    }

    /// Every message exists in both languages: a key missing in one would show its raw id.
    #[test]
    fn catalogues_have_the_same_keys() {
        let keys = |f: &str| -> std::collections::BTreeSet<String> {
            f.lines()
                .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
                .collect()
        };
        let zh = keys(&catalogue("zh-CN"));
        let en = keys(&catalogue("en"));
        assert!(zh.len() > 50);
        assert_eq!(zh.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in en");
        assert_eq!(en.difference(&zh).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in zh-CN");
    }

    /// Every message key the domain and the web layer can raise has its wording.
    #[test]
    fn every_error_key_is_translated() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut missing = Vec::new();
        let zh = catalogue("zh-CN");
        for dir in ["domain/src", "web/src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(p) = stack.pop() {
                for entry in std::fs::read_dir(&p).unwrap().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        let text = std::fs::read_to_string(&path).unwrap();
                        for piece in text.split("\"error-").skip(1) {
                            let key: String = piece.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
                            let full = format!("error-{key}");
                            if !key.is_empty() && piece[key.len()..].starts_with('"') && !zh.contains(&format!("\n{full} = ")) && !missing.contains(&full) {
                                missing.push(full);
                            }
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "untranslated error keys: {missing:?}");
    }

    #[test]
    fn audit_actions_have_labels() {
        assert_eq!(Lang::ZhCn.action("area.move"), "移动区域");
        assert_eq!(Lang::En.action("auth.login_failed"), "Failed sign-in");
        assert_eq!(Lang::En.action("case.new_thing"), "case.new_thing");
    }

    #[test]
    fn dates_follow_the_language_in_shanghai_time() {
        let t = chrono::DateTime::parse_from_rfc3339("2024-11-26T02:30:00Z").unwrap().with_timezone(&chrono::Utc);
        assert_eq!(Lang::ZhCn.datetime(&t), "2024年11月26日 10:30");
        assert_eq!(Lang::En.datetime(&t), "2024-11-26 10:30");
    }
}
