//! `qalam user add`, `reset-password` and `list`: the newsroom's accounts from the
//! command line, for the first owner of a server without a browser and for a person
//! locked out of their account.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use crate::auth::password::hash_password;
use crate::config::Settings;
use crate::domain::account::{Email, Password, Role};
use crate::publishing::accounts::{INVITE_DAYS, RESET_DAYS, password_link, unusable_password_hash};
use crate::store::newsroom::{NewUser, UserAdded};

/// Parses a role name given on the command line.
pub fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "one of owner, administrator, editor, author, contributor".to_owned())
}

/// Adds an account. With `password_stdin` its password is read from the first line of
/// standard input; otherwise a one-time link to choose one is printed.
pub async fn run_add(
    data: &Path,
    email: &str,
    name: &str,
    role: Role,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let Some(email) = Email::parse(email) else {
        eprintln!("error: {email:?} is not an email address");
        return Ok(ExitCode::FAILURE);
    };
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        eprintln!("error: a name is 1 to 200 characters");
        return Ok(ExitCode::FAILURE);
    }
    let password_hash = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        match Password::new(line.trim_end_matches(['\r', '\n'])) {
            Ok(password) => hash_password(&password)?,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::FAILURE);
            }
        }
    } else {
        unusable_password_hash()?
    };
    let settings = Settings::load(data)?;
    let store = super::open_store(data).await?;
    let now = jiff::Timestamp::now();
    let user = NewUser { email: email.clone(), name: name.to_owned(), role, password_hash };
    match store.add_user(user, now).await? {
        UserAdded::Added(id) => {
            eprintln!("Added {name} <{email}> as {}.", role.label());
            if !password_stdin {
                let path = password_link(store.as_ref(), id, now, INVITE_DAYS).await?;
                eprintln!("They choose their password at this one-time link, valid for {INVITE_DAYS} days:");
                println!("{}{path}", settings.site.base_url);
            }
            Ok(ExitCode::SUCCESS)
        }
        UserAdded::EmailTaken => {
            eprintln!("error: an account with the address {email} exists");
            Ok(ExitCode::FAILURE)
        }
        UserAdded::OwnerExists => {
            eprintln!("error: the newsroom already has its owner");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints a one-time link that sets a new password for the account of `email`.
pub async fn run_reset_password(data: &Path, email: &str) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(data)?;
    let store = super::open_store(data).await?;
    let found = match Email::parse(email) {
        Some(email) => store.user_by_email(&email).await?,
        None => None,
    };
    let Some((user, _)) = found else {
        eprintln!("error: no account has the address {email:?}");
        return Ok(ExitCode::FAILURE);
    };
    let path = password_link(store.as_ref(), user.id, jiff::Timestamp::now(), RESET_DAYS).await?;
    eprintln!("A one-time link for {} to choose a new password, valid for {RESET_DAYS} day:", user.name);
    println!("{}{path}", settings.site.base_url);
    Ok(ExitCode::SUCCESS)
}

/// Prints every account: role, address and name.
pub async fn run_list(data: &Path) -> anyhow::Result<ExitCode> {
    for user in super::open_store(data).await?.users().await? {
        println!("{:<13} {:<40} {}", user.role.as_str(), user.email, user.name);
    }
    Ok(ExitCode::SUCCESS)
}
