//! Configuration, layered: built-in defaults, then a TOML file, then `FENGQIAO_*` environment
//! variables (`__` separates a section from its key), then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::bail;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use fengqiao_domain::rules::throttle::ThrottlePolicy;
use fengqiao_domain::services::AuthSettings;
use fengqiao_domain::services::cases::AttachmentSettings;
use fengqiao_web::WebConfig;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cli::DataOptions;

/// Environment keys that are settings; other `FENGQIAO_*` variables (the config file's path,
/// test harness switches) are not, and must not trip the unknown-key check.
const SETTING_KEYS: [&str; 9] = ["listen", "data_dir", "database_url", "http", "auth", "log", "privacy", "attachments", "oversight"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    pub http: HttpConfig,
    pub auth: AuthConfig,
    pub privacy: PrivacyConfig,
    pub attachments: AttachmentsConfig,
    pub oversight: OversightConfig,
    /// A tracing filter, e.g. "info,sqlx=warn" or "debug".
    pub log: String,
}

/// The background job of oversight: the deadline monitor and the webhook sender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OversightConfig {
    /// Warn when this many working days or fewer remain before a deadline.
    pub warn_working_days: u32,
    /// Seconds between passes; every node runs them, the database keeps them from overlapping.
    pub check_every_secs: u64,
}

impl Default for OversightConfig {
    fn default() -> Self {
        OversightConfig {
            warn_working_days: fengqiao_domain::services::oversight::DEFAULT_WARN_WORKING_DAYS,
            check_every_secs: 60,
        }
    }
}

/// Keys for personal data at rest (see `keys.rs`). Empty on SQLite means: use the key file
/// in the data directory, creating it on first use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// Encryption keys, `ID:BASE64`, newest first; older ones only decrypt until rotated away.
    pub keys: Vec<String>,
    /// Key of the keyed hashes used for exact lookup; never changes once data exists.
    pub index_key: String,
}

/// Case attachments (photos, PDFs): where their bytes are kept, and how many and how large.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttachmentsConfig {
    pub storage: BlobStorage,
    /// Largest file, in bytes.
    pub max_file_bytes: usize,
    pub max_per_case: usize,
    /// Largest upload request (several files at once).
    pub max_request_bytes: usize,
}

/// `filesystem`: the data directory's `attachments/`, copied along by `fengqiao backup`.
/// `database`: a table in the database, for several app nodes sharing PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlobStorage {
    Filesystem,
    Database,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        let limits = AttachmentSettings::default();
        AttachmentsConfig {
            storage: BlobStorage::Filesystem,
            max_file_bytes: limits.max_bytes,
            max_per_case: limits.max_per_case,
            max_request_bytes: WebConfig::default().max_attachment_request_bytes,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    pub max_body_bytes: usize,
    /// Largest spreadsheet an import accepts; only the upload routes allow bodies this big.
    pub max_upload_bytes: usize,
    pub cookie_secure: CookieSecure,
    pub trust_forwarded_for: bool,
    pub request_timeout_secs: u64,
    /// The CJK font the server sets PDFs in (a .ttf, .otf or .ttc file).
    pub pdf_font: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    pub session_idle_minutes: i64,
    pub token_lifetime_minutes: i64,
    pub max_failures_per_account: i64,
    pub max_failures_per_address: i64,
    pub failure_window_minutes: i64,
}

/// `auto` marks cookies Secure unless the server listens on loopback only, where plain HTTP
/// is the normal way to try it out; behind TLS on a public address they are always Secure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieSecure {
    Auto,
    Always,
    Never,
}

impl Serialize for CookieSecure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CookieSecure::Auto => s.serialize_str("auto"),
            CookieSecure::Always => s.serialize_bool(true),
            CookieSecure::Never => s.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for CookieSecure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(true) => Ok(CookieSecure::Always),
            Raw::Bool(false) => Ok(CookieSecure::Never),
            Raw::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
                "auto" => Ok(CookieSecure::Auto),
                "true" => Ok(CookieSecure::Always),
                "false" => Ok(CookieSecure::Never),
                other => Err(serde::de::Error::custom(format!("cookie_secure must be \"auto\", true or false, not {other:?}"))),
            },
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./fengqiao-data"),
            database_url: None,
            http: HttpConfig::default(),
            auth: AuthConfig::default(),
            privacy: PrivacyConfig::default(),
            attachments: AttachmentsConfig::default(),
            oversight: OversightConfig::default(),
            log: "info,sqlx=warn".to_string(),
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        let web = WebConfig::default();
        HttpConfig {
            max_body_bytes: web.max_body_bytes,
            max_upload_bytes: web.max_upload_bytes,
            cookie_secure: CookieSecure::Auto,
            trust_forwarded_for: web.trust_forwarded_for,
            request_timeout_secs: web.request_timeout_secs,
            pdf_font: web.pdf_font,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        let auth = AuthSettings::default();
        AuthConfig {
            session_idle_minutes: auth.session_idle.num_minutes(),
            token_lifetime_minutes: auth.token_lifetime.num_minutes(),
            max_failures_per_account: auth.throttle.max_per_account,
            max_failures_per_address: auth.throttle.max_per_address,
            failure_window_minutes: auth.throttle.window.num_minutes(),
        }
    }
}

/// What the command line may override; absent flags leave lower layers alone.
#[derive(Debug, Default, Serialize)]
struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
}

impl Config {
    /// Loads the layers in order. The file named by `--config` (or `FENGQIAO_CONFIG`) must
    /// exist: a typo in its path should not silently fall back to defaults.
    pub fn load(data: &DataOptions, listen: Option<SocketAddr>) -> anyhow::Result<Config> {
        let file = data.config.clone().or_else(|| std::env::var_os("FENGQIAO_CONFIG").map(PathBuf::from));
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = &file {
            if !file.is_file() {
                bail!("configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        let env = Env::prefixed("FENGQIAO_")
            .split("__")
            .filter(|key| {
                let section = key.as_str().split('.').next().unwrap_or_default().to_ascii_lowercase();
                SETTING_KEYS.contains(&section.as_str())
            });
        let flags =
            FlagOverrides { listen, data_dir: data.data_dir.clone(), database_url: data.database_url.clone() };
        let mut config: Config = figment
            .merge(env)
            .merge(Serialized::defaults(flags))
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.database_url = config.database_url.filter(|u| !u.trim().is_empty());
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> anyhow::Result<()> {
        let a = &self.auth;
        for (name, v) in [
            ("auth.session_idle_minutes", a.session_idle_minutes),
            ("auth.token_lifetime_minutes", a.token_lifetime_minutes),
            ("auth.max_failures_per_account", a.max_failures_per_account),
            ("auth.max_failures_per_address", a.max_failures_per_address),
            ("auth.failure_window_minutes", a.failure_window_minutes),
        ] {
            if v <= 0 {
                bail!("invalid configuration: {name} must be positive, not {v}");
            }
        }
        let at = &self.attachments;
        if at.max_file_bytes == 0 || at.max_per_case == 0 || at.max_request_bytes < at.max_file_bytes {
            bail!("invalid configuration: attachments.max_file_bytes and attachments.max_per_case must be positive, and max_request_bytes at least max_file_bytes");
        }
        if self.http.max_body_bytes == 0 || self.http.max_upload_bytes == 0 || self.http.request_timeout_secs == 0 {
            bail!("invalid configuration: http.max_body_bytes, http.max_upload_bytes and http.request_timeout_secs must be positive");
        }
        Ok(())
    }

    pub fn web_config(&self) -> WebConfig {
        let cookie_secure = match self.http.cookie_secure {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => !self.listen.ip().is_loopback(),
        };
        WebConfig {
            max_body_bytes: self.http.max_body_bytes,
            cookie_secure,
            trust_forwarded_for: self.http.trust_forwarded_for,
            request_timeout_secs: self.http.request_timeout_secs,
            max_upload_bytes: self.http.max_upload_bytes,
            max_attachment_request_bytes: self.attachments.max_request_bytes,
            pdf_font: self.http.pdf_font.clone(),
            ..WebConfig::default()
        }
    }

    pub fn auth_settings(&self) -> AuthSettings {
        let a = &self.auth;
        AuthSettings {
            session_idle: chrono::Duration::minutes(a.session_idle_minutes),
            token_lifetime: chrono::Duration::minutes(a.token_lifetime_minutes),
            throttle: ThrottlePolicy {
                window: chrono::Duration::minutes(a.failure_window_minutes),
                max_per_account: a.max_failures_per_account,
                max_per_address: a.max_failures_per_address,
            },
        }
    }

    pub fn attachment_settings(&self) -> AttachmentSettings {
        AttachmentSettings { max_bytes: self.attachments.max_file_bytes, max_per_case: self.attachments.max_per_case }
    }

    /// The directory of attachment files when they are kept on the file system.
    pub fn attachments_dir(&self) -> Option<PathBuf> {
        (self.attachments.storage == BlobStorage::Filesystem).then(|| self.data_dir.join(fengqiao_store::ATTACHMENTS_DIR))
    }

    /// Which database this configuration names.
    pub fn database(&self) -> anyhow::Result<Database> {
        match self.database_url.as_deref() {
            None => Ok(Database::Sqlite(self.data_dir.join(fengqiao_store::SQLITE_FILE))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Database::Postgres(url.to_string()))
            }
            Some(url) if url.starts_with("sqlite:") => {
                let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                Ok(Database::Sqlite(PathBuf::from(path)))
            }
            Some(other) => bail!("unsupported database URL {other:?}: use postgres://… or sqlite:PATH"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// The SQLite file.
    Sqlite(PathBuf),
    Postgres(String),
}

impl Database {
    /// For messages: names the database without the credentials a URL may carry.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(file) => format!("SQLite database {}", file.display()),
            Database::Postgres(url) => {
                let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
                let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
                let rest = rest.split('?').next().unwrap_or(rest);
                format!("PostgreSQL database {rest}")
            }
        }
    }

    /// The directory of a SQLite database, where the server's pid file lives.
    pub fn sqlite_dir(&self) -> Option<&Path> {
        match self {
            Database::Sqlite(file) => Some(file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))),
            Database::Postgres(_) => None,
        }
    }
}

#[cfg(test)]
// figment::Jail's closures return figment::Error, which is large; that is its API, not ours.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn options(config: Option<&str>) -> DataOptions {
        DataOptions { config: config.map(PathBuf::from), ..DataOptions::default() }
    }

    fn load(data: &DataOptions, listen: Option<SocketAddr>) -> Result<Config, figment::Error> {
        Config::load(data, listen).map_err(|e| figment::Error::from(e.to_string()))
    }

    #[test]
    fn defaults_alone() {
        Jail::expect_with(|_| {
            let c = load(&options(None), None)?;
            assert_eq!(c, Config::default());
            assert_eq!(c.database().unwrap().sqlite_dir(), Some(Path::new("./fengqiao-data")));
            // Loopback: plain HTTP must still allow logging in.
            assert!(!c.web_config().cookie_secure);
            assert_eq!(c.auth_settings().throttle, ThrottlePolicy::default());
            assert_eq!(c.attachments_dir(), Some(PathBuf::from("./fengqiao-data/attachments")), "files under the data dir by default");
            Ok(())
        });
    }

    #[test]
    fn file_then_environment_then_flags() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "f.toml",
                r#"
                listen = "0.0.0.0:9000"
                data_dir = "/srv/file"
                log = "debug"
                [http]
                max_body_bytes = 2048
                [auth]
                session_idle_minutes = 30
                max_failures_per_account = 3
                "#,
            )?;
            jail.set_env("FENGQIAO_DATA_DIR", "/srv/env");
            jail.set_env("FENGQIAO_HTTP__MAX_BODY_BYTES", "4096");
            jail.set_env("FENGQIAO_AUTH__FAILURE_WINDOW_MINUTES", "5");
            jail.set_env("FENGQIAO_ATTACHMENTS__STORAGE", "database");
            jail.set_env("FENGQIAO_ATTACHMENTS__MAX_PER_CASE", "5");
            // Not settings: must be ignored rather than rejected as unknown keys.
            jail.set_env("FENGQIAO_REQUIRE_PG", "1");
            jail.set_env("FENGQIAO_PG_BIN", "/usr/lib/postgresql/15/bin");
            let mut data = options(Some("f.toml"));
            data.database_url = Some("postgres://u@h/db".into());
            let c = load(&data, None)?;
            assert_eq!(c.listen, "0.0.0.0:9000".parse::<SocketAddr>().unwrap());
            assert_eq!(c.data_dir, PathBuf::from("/srv/env"));
            assert_eq!(c.log, "debug");
            assert_eq!(c.http.max_body_bytes, 4096);
            assert_eq!(c.auth.session_idle_minutes, 30);
            assert_eq!(c.auth.max_failures_per_account, 3);
            assert_eq!(c.auth.failure_window_minutes, 5);
            assert_eq!(c.auth.token_lifetime_minutes, AuthConfig::default().token_lifetime_minutes);
            assert_eq!(c.database().unwrap(), Database::Postgres("postgres://u@h/db".into()));
            assert_eq!(c.attachments.storage, BlobStorage::Database);
            assert_eq!(c.attachments_dir(), None, "database storage keeps no files");
            assert_eq!(c.attachment_settings().max_per_case, 5);
            let secret = Database::Postgres("postgres://u:secret@h:5432/db?sslmode=require".into());
            assert_eq!(secret.describe(), "PostgreSQL database h:5432/db");
            // Public address: cookies are Secure under `auto`.
            assert!(c.web_config().cookie_secure);

            data.data_dir = Some("/srv/flag".into());
            let c = load(&data, Some("127.0.0.1:7000".parse().unwrap()))?;
            assert_eq!(c.data_dir, PathBuf::from("/srv/flag"));
            assert_eq!(c.listen.port(), 7000);
            Ok(())
        });
    }

    #[test]
    fn config_file_from_environment_and_cookie_flag_forms() {
        Jail::expect_with(|jail| {
            jail.create_file("c.toml", "[http]\ncookie_secure = false\n")?;
            jail.set_env("FENGQIAO_CONFIG", "c.toml");
            let c = load(&options(None), Some("0.0.0.0:80".parse().unwrap()))?;
            assert_eq!(c.http.cookie_secure, CookieSecure::Never);
            assert!(!c.web_config().cookie_secure);
            jail.set_env("FENGQIAO_HTTP__COOKIE_SECURE", "true");
            let c = load(&options(None), None)?;
            assert!(c.web_config().cookie_secure);
            jail.set_env("FENGQIAO_HTTP__COOKIE_SECURE", "auto");
            jail.set_env("FENGQIAO_LISTEN", "0.0.0.0:8081");
            jail.set_env("FENGQIAO_LOG", "info,sqlx=warn,fengqiao=debug");
            let c = load(&options(None), None)?;
            assert_eq!(c.http.cookie_secure, CookieSecure::Auto);
            assert_eq!(c.listen, "0.0.0.0:8081".parse::<SocketAddr>().unwrap());
            assert_eq!(c.log, "info,sqlx=warn,fengqiao=debug");
            Ok(())
        });
    }

    #[test]
    fn mistakes_are_reported() {
        Jail::expect_with(|jail| {
            jail.create_file("typo.toml", "[http]\nmax_body_byte = 1\n")?;
            let err = Config::load(&options(Some("typo.toml")), None).unwrap_err().to_string();
            assert!(err.contains("max_body_byte"), "{err}");
            assert!(Config::load(&options(Some("missing.toml")), None).is_err());
            jail.set_env("FENGQIAO_AUTH__SESSION_IDLE_MINUTES", "0");
            assert!(Config::load(&options(None), None).is_err());
            jail.set_env("FENGQIAO_AUTH__SESSION_IDLE_MINUTES", "10");
            jail.set_env("FENGQIAO_DATABASE_URL", "mysql://x");
            assert!(Config::load(&options(None), None).unwrap().database().is_err());
            jail.set_env("FENGQIAO_DATABASE_URL", "sqlite:/tmp/elsewhere/f.db");
            let db = Config::load(&options(None), None).unwrap().database().unwrap();
            assert_eq!(db.sqlite_dir(), Some(Path::new("/tmp/elsewhere")));
            Ok(())
        });
    }
}
