//! `qalam api-key add NAME`, `list` and `remove NAME`: the keys that open the Content API.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::store::KeyAdded;
use crate::web::api::access::ApiKey;

/// Longest key name accepted.
const MAX_NAME_CHARS: usize = 100;

/// Makes a key named `name`, stores its digest and prints the key, the only time it is shown.
pub async fn run_add(data: &Path, name: &str) -> anyhow::Result<ExitCode> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        eprintln!("error: a key name is 1 to {MAX_NAME_CHARS} printable characters");
        return Ok(ExitCode::FAILURE);
    }
    let store = super::open_store(data).await?;
    let key = ApiKey::generate().context("cannot read random bytes for the key")?;
    match store.add_api_key(name, &key.digest(), jiff::Timestamp::now()).await? {
        KeyAdded::Added => {
            println!("{}", key.reveal());
            eprintln!("Content API key {name:?} added. It is shown only now: keep it; Qalam stores only its digest.");
            Ok(ExitCode::SUCCESS)
        }
        KeyAdded::NameTaken => {
            eprintln!("error: a key named {name:?} exists; remove it first or choose another name");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints every key's name and when it was made.
pub async fn run_list(data: &Path) -> anyhow::Result<ExitCode> {
    let keys = super::open_store(data).await?.api_keys().await?;
    if keys.is_empty() {
        eprintln!("no Content API keys");
    }
    for key in keys {
        println!("{}\t{}", key.name, key.created_at);
    }
    Ok(ExitCode::SUCCESS)
}

/// Deletes the key named `name`: requests carrying it are refused from then on.
pub async fn run_remove(data: &Path, name: &str) -> anyhow::Result<ExitCode> {
    if super::open_store(data).await?.remove_api_key(name.trim()).await? {
        eprintln!("Content API key {name:?} removed");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("error: no key is named {name:?}");
        Ok(ExitCode::FAILURE)
    }
}
