//! The command line. Settings given here win over the configuration file and the environment
//! (see `config.rs`); everything else is taken from those.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};
use fengqiao_domain::model::Role;

#[derive(Debug, Parser)]
#[command(
    name = "fengqiao",
    version,
    about = "Fengqiao (枫桥): a self-hosted platform for grassroots governance",
    long_about = "Fengqiao (枫桥): a self-hosted platform for grassroots governance.\n\n\
        Settings come from built-in defaults, then a TOML file (--config or FENGQIAO_CONFIG), \
        then FENGQIAO_* environment variables (FENGQIAO_HTTP__MAX_BODY_BYTES for [http] max_body_bytes), \
        then command-line flags. Data lives in SQLite inside --data-dir unless --database-url names \
        a PostgreSQL database."
)]
pub struct Cli {
    #[command(flatten)]
    pub data: DataOptions,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data is; accepted by every subcommand, before or after its name.
#[derive(Debug, Clone, Default, Args)]
pub struct DataOptions {
    /// Directory holding the embedded SQLite database and the server's pid file [default: ./fengqiao-data]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use this database instead of SQLite in the data directory: postgres://USER:PASS@HOST/DB or sqlite:PATH
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// TOML configuration file (also FENGQIAO_CONFIG)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (JSON API and web UI) until SIGTERM or Ctrl-C.
    #[command(long_about = "Run the web server (JSON API and web UI).\n\n\
        Opens the database, applies pending migrations, purges expired sessions every ten minutes, \
        and serves until SIGTERM or Ctrl-C, letting requests in flight finish.")]
    Serve(ServeArgs),
    /// Build a demo world (Hohhot's districts, streets, communities, grids, one account per role) and serve it.
    #[command(long_about = "Build a fresh demo world and serve it.\n\n\
        The demo world is 呼和浩特市 with all its districts, every street and community of 新城区 \
        and 回民区, three grids per community, and one account per role. The accounts and their \
        password are printed before the server starts. A data directory that holds a real (non-demo) \
        world is never touched: the command refuses and exits with an error. An earlier demo world \
        in SQLite is replaced; on PostgreSQL it is reused and the demo accounts' passwords reset.")]
    Demo(DemoArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage staff accounts (changes are recorded in the audit log).
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the database to a file; safe while a server is running.
    #[command(long_about = "Write a consistent copy of the database to DEST; safe while a server is running.\n\n\
        SQLite is copied with VACUUM INTO (the result is an ordinary SQLite file); PostgreSQL with \
        pg_dump in its custom format. DEST must not exist yet.")]
    Backup {
        /// File to create
        #[arg(value_name = "DEST")]
        dest: PathBuf,
    },
    /// Replace the database with a backup made by `fengqiao backup`, then verify its audit chain.
    #[command(long_about = "Replace the database with a backup made by `fengqiao backup`, then verify its audit chain.\n\n\
        SQLite: the server must be stopped; the current database file is kept beside the new one as \
        fengqiao.db.before-restore-TIMESTAMP. PostgreSQL: the backup is loaded with pg_restore --clean.")]
    Restore {
        /// Backup file to restore from
        #[arg(value_name = "SRC")]
        src: PathBuf,
        /// Replace a database that already holds areas or accounts
        #[arg(long)]
        force: bool,
    },
    /// Check the tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Check the case figures' stored sums against a recount from the raw cases.
    #[command(subcommand)]
    Stats(StatsCommand),
    /// Rebuild this node's case search index from the database, with progress.
    #[command(long_about = "Rebuild this node's case search index from the database, with progress.\n\n\
        The index lives under the data dir (search/), one per app node; a running server keeps it current \
        from the database's change feed and builds it on start when it is missing, so this is needed only \
        to repair one. Stop this node's server first: only one process may write an index.")]
    Reindex,
    /// Keys for personal data at rest: generate a new one, or re-encrypt everything under the current one.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Load areas into the tree (how a new installation gets its city before its first account).
    #[command(subcommand)]
    Area(AreaCommand),
    /// Generate a city-size synthetic world into an empty database, for benchmarks.
    #[command(long_about = "Generate a city-size synthetic world into an empty database, for benchmarks.\n\n        Every district, street and community of 呼和浩特市 (1,396 communities, three grids each), the demo \
        accounts, and a registry of estates, buildings, households and residents filled densely in every \
        community, with valid synthetic ID numbers and phones encrypted as in production. The default is \
        Hohhot's size: 1.4 million households (about 3.45 million residents). The database must be empty; \
        `fengqiao serve` then runs it. `cargo xtask gen` builds the release binary and runs this.\n\n        \
        With --cases N, also N cases over the last ten years, walked through the workflow by synthetic office \
        accounts in every community, street and district.")]
    Gen(GenArgs),
    /// Benchmark floor: write intakes straight through the store (used by `cargo xtask bench`).
    #[command(hide = true)]
    RawIntake(RawIntakeArgs),
    /// Benchmark: case figures for random areas × periods beside a raw recount (used by `cargo xtask bench --stats`).
    #[command(hide = true)]
    StatsBench(StatsBenchArgs),
    /// Benchmark: build a case search index from the database, then time queries (used by `cargo xtask bench --search`).
    #[command(hide = true)]
    SearchBench(SearchBenchArgs),
}

#[derive(Debug, Args)]
pub struct SearchBenchArgs {
    /// Queries to time
    #[arg(long, default_value_t = 2_000)]
    pub samples: usize,
    /// Where to build the index (a fresh directory; default: a temporary one)
    #[arg(long)]
    pub index_dir: Option<PathBuf>,
    /// Time queries on the index already in --index-dir (as `fengqiao reindex` left it)
    /// instead of building one
    #[arg(long, requires = "index_dir")]
    pub reuse: bool,
}

#[derive(Debug, Args)]
pub struct StatsBenchArgs {
    /// Figure queries to time
    #[arg(long, default_value_t = 2_000)]
    pub samples: usize,
    /// Of those, how many are also recounted from the raw cases (slow at city scale)
    #[arg(long, default_value_t = 60)]
    pub recounts: usize,
}

#[derive(Debug, Args)]
pub struct RawIntakeArgs {
    /// Cases to write
    #[arg(long, default_value_t = 10_000)]
    pub count: usize,
    /// Writers at once, as many as the HTTP run's connections
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// The area every case lies in
    #[arg(long, default_value = "150103003030G01")]
    pub area: String,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// Households to generate, spread evenly over the communities
    #[arg(long, value_name = "N", default_value_t = 1_400_000, value_parser = clap::value_parser!(u64).range(1_000..=20_000_000))]
    pub households: u64,
    /// Password given to the demo accounts
    #[arg(long, value_name = "PASSWORD", default_value = "fengqiao-demo")]
    pub password: String,
    /// Cases to generate over the last ten years, spread over the grids by population
    /// (Hohhot-size: 10,000,000), each walked through the workflow by its offices
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=50_000_000))]
    pub cases: u64,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print a new key in configuration form (ID:BASE64) for [privacy] keys or index_key.
    Generate,
    /// Re-encrypt every ID number and phone under the current (first) key.
    #[command(long_about = "Re-encrypt every ID number and phone under the current key.\n\n\
        With keys in the configuration ([privacy] keys, newest first), put the new key first and keep the \
        old ones until this command has finished; then remove them. With the SQLite key file beside the \
        database (no keys configured), this command adds a fresh key, re-encrypts, and then drops the old \
        keys from the file. Safe to run again after an interruption; safe while the server runs.")]
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum AreaCommand {
    /// Load areas from a CSV in the national division-code format.
    #[command(long_about = "Load areas from a CSV file with the header code,name,level,parent_code \
        (level: city, district, street, community or grid), the format of data/hohhot-divisions-2023.csv. \
        Parents may come before or after their children in the file; areas whose code already exists are \
        left as they are, so loading the same file twice changes nothing. With --under CODE only that area \
        and the rows below it are loaded. Everything is validated before anything is written.")]
    Import {
        /// CSV file (UTF-8, with or without a byte-order mark)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Only load this area and what lies below it, e.g. 150103 for 回民区
        #[arg(long, value_name = "CODE")]
        under: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Password given to every demo account
    #[arg(long, value_name = "PASSWORD", default_value = "fengqiao-demo")]
    pub demo_password: String,
}

fn role_names() -> PossibleValuesParser {
    PossibleValuesParser::new(Role::ALL.map(Role::as_str))
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account with a role and a home area; the role applies within that area's subtree.
    Add {
        /// Login name: letters, digits, '.', '_' or '-' (stored in lower case)
        username: String,
        /// What the account may do
        #[arg(long, value_parser = role_names())]
        role: String,
        /// Code of the home area, e.g. 150103003 (光明路街道)
        #[arg(long, value_name = "CODE")]
        area: String,
        /// Name shown to people [default: the username]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Password (at least 8 characters); without it, read from standard input or prompted for
        #[arg(long, value_name = "PASSWORD")]
        password: Option<String>,
    },
    /// Set a new password for an account and end its sessions.
    Passwd {
        username: String,
        /// New password; without it, read from standard input or prompted for
        #[arg(long, value_name = "PASSWORD")]
        password: Option<String>,
    },
    /// Disable an account: it can no longer log in and its sessions end.
    Disable { username: String },
    /// List accounts as a table.
    List {
        /// Only accounts whose home area lies in this area's subtree
        #[arg(long, value_name = "CODE")]
        area: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; exit 0 if intact, 1 naming the first altered or missing row.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Recount every stored sum from the cases; exit 0 if all agree, 1 listing the differences.
    Verify,
    /// Recount and replace every stored sum that differs (audited); safe while serving.
    Rebuild,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn data_options_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from(["fengqiao", "user", "list", "--data-dir", "/tmp/x"]).unwrap();
        assert_eq!(cli.data.data_dir, Some(PathBuf::from("/tmp/x")));
        assert!(Cli::try_parse_from(["fengqiao", "user", "add", "a", "--role", "root", "--area", "1501"]).is_err());
    }
}
