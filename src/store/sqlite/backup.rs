//! A consistent copy of a live SQLite database, taken while a server writes to it.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::db;
use crate::store::{StoreError, StoreResult};

/// What [`copy_database`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatabaseCopy {
    /// Articles in the copy, whatever their status.
    pub articles: u64,
    /// Size of the copy in bytes.
    pub bytes: u64,
}

/// Writes a copy of the database at `source` to the new file `dest` with `VACUUM INTO`:
/// one read transaction, so the copy is the database as of one instant however many
/// writes other processes make meanwhile, none of which it holds up (WAL). The copy is
/// compact, self-contained (no `-wal` file) and checked before this returns.
pub fn copy_database(source: &Path, dest: &Path) -> StoreResult<DatabaseCopy> {
    if !source.is_file() {
        return Err(StoreError::Invalid(format!("there is no database at {}", source.display())));
    }
    let Some(dest_text) = dest.to_str() else {
        return Err(StoreError::Invalid(format!("the path {} is not valid UTF-8", dest.display())));
    };
    let conn = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db)?;
    conn.execute("VACUUM INTO ?1", [dest_text]).map_err(db)?;
    drop(conn);

    let copy = Connection::open_with_flags(dest, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(db)?;
    let check: String = copy.query_row("PRAGMA quick_check", [], |row| row.get(0)).map_err(db)?;
    if check != "ok" {
        return Err(StoreError::Invalid(format!("the copy failed its check: {check}")));
    }
    let articles: i64 = copy.query_row("SELECT COUNT(*) FROM articles", [], |row| row.get(0)).map_err(db)?;
    let bytes = std::fs::metadata(dest).map_err(|e| StoreError::Database(Box::new(e)))?.len();
    Ok(DatabaseCopy { articles: u64::try_from(articles).unwrap_or(0), bytes })
}
