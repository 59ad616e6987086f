//! `fengqiao user add|passwd|disable|list`: account administration at the console. The
//! operator acts through the same domain services as the web UI, so every change is audited
//! under the name `cli:<login name>`.

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};
use fengqiao_domain::model::{Area, User};
use fengqiao_domain::rules::access::Actor;
use fengqiao_domain::services::{AccountChange, NewAccount, Services, operator};

use crate::cli::UserCommand;
use crate::config::{Config, Database};
use crate::messages::Explain;
use crate::{database, table};

pub async fn run(config: &Config, db: &Database, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let services = database::services(database::open_existing(db).await?, config)?;
    let op = operator(&format!("cli:{}", super::login_name()));
    match cmd {
        UserCommand::Add { username, role, area, name, password } => {
            let password = match password {
                Some(p) => p,
                None => read_password(&username)?,
            };
            let new = NewAccount {
                display_name: name.unwrap_or_else(|| username.clone()),
                username,
                role,
                home_area_code: area,
                password,
            };
            let user = services.create_account(&op, new).await.explained()?;
            let home = home_area(&services, &op, &user).await?;
            println!("created account {} ({}) as {} at {} {}", user.username, user.display_name, user.role.as_str(), home.code, home.name);
        }
        UserCommand::Passwd { username, password } => {
            // Look the account up first: no point typing a password for a name that is wrong.
            let user = services.account(&op, &username).await.explained()?;
            let password = match password {
                Some(p) => p,
                None => read_password(user.username.as_str())?,
            };
            services.set_password(&op, user.username.as_str(), None, &password).await.explained()?;
            println!("password of {} changed; its sessions have ended", user.username);
        }
        UserCommand::Disable { username } => {
            let user = services.account(&op, &username).await.explained()?;
            if user.disabled {
                println!("{} is already disabled", user.username);
            } else {
                let change = AccountChange { version: user.version, disabled: Some(true), ..AccountChange::default() };
                services.change_account(&op, user.username.as_str(), change).await.explained()?;
                println!("{} is disabled; its sessions have ended", user.username);
            }
        }
        UserCommand::List { area } => {
            let scope = match area {
                Some(code) => {
                    let a = services.area(&op, &code).await.explained()?;
                    // The operator narrowed to one subtree: the service's own scoping does the filtering.
                    Actor { home_area_id: a.id, home_area_path: a.path, ..op.clone() }
                }
                None => op.clone(),
            };
            print!("{}", list(&services, &op, &scope).await?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn home_area(services: &Services, op: &Actor, user: &User) -> anyhow::Result<Area> {
    let code = Area::path_codes(&user.home_area_path).last().map(|c| c.to_string()).unwrap_or_default();
    services.area(op, &code).await.explained()
}

async fn list(services: &Services, op: &Actor, scope: &Actor) -> anyhow::Result<String> {
    const PAGE: i64 = 200;
    let mut areas: HashMap<String, Area> = HashMap::new();
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = services.accounts(scope, after.clone(), None, PAGE).await.explained()?;
        for u in &page {
            if !areas.contains_key(&u.home_area_path) {
                areas.insert(u.home_area_path.clone(), home_area(services, op, u).await?);
            }
            let home = &areas[&u.home_area_path];
            rows.push(vec![
                u.username.to_string(),
                u.display_name.clone(),
                u.role.as_str().to_string(),
                format!("{} {}", home.code, home.name),
                if u.disabled { "disabled" } else { "active" }.to_string(),
            ]);
        }
        if (page.len() as i64) < PAGE {
            break;
        }
        after = page.last().map(|u| u.username.to_string());
    }
    if rows.is_empty() {
        return Ok("no accounts\n".to_string());
    }
    Ok(table::render(&["USERNAME", "NAME", "ROLE", "HOME AREA", "STATUS"], &rows))
}

/// A password from the terminal (asked twice, not echoed) or, when input is piped, the first
/// line of standard input, so scripts need not put passwords on the command line.
fn read_password(username: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        if password.is_empty() {
            bail!("no password given: pass --password, or write it on standard input");
        }
        return Ok(password);
    }
    let first = prompt_hidden(&format!("New password for {username}: "))?;
    let second = prompt_hidden("Repeat it: ")?;
    if first != second {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

fn prompt_hidden(prompt: &str) -> anyhow::Result<String> {
    eprint!("{prompt}");
    std::io::stderr().flush().ok();
    let hidden = stty("-echo");
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if hidden {
        stty("echo");
        eprintln!();
    }
    read.context("cannot read the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Switches terminal echo; answers whether it worked (without `stty` the input shows).
fn stty(setting: &str) -> bool {
    std::process::Command::new("stty")
        .arg(setting)
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
