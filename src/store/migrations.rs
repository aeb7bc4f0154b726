//! Versioned, append-only schema migrations, embedded in the binary and applied at
//! start-up. A migration that has shipped is never edited; a change is a new file.

use rusqlite::{Connection, TransactionBehavior};

use super::{StoreError, StoreResult};

/// One embedded migration.
pub(super) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The SQLite migrations, in order.
pub(super) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "articles_people_tags",
        sql: include_str!("../../migrations/sqlite/0001_articles_people_tags.sql"),
    },
    Migration {
        version: 2,
        name: "api_keys_and_feeds",
        sql: include_str!("../../migrations/sqlite/0002_api_keys_and_feeds.sql"),
    },
    Migration { version: 3, name: "redirects", sql: include_str!("../../migrations/sqlite/0003_redirects.sql") },
    Migration {
        version: 4,
        name: "sitemap_index",
        sql: include_str!("../../migrations/sqlite/0004_sitemap_index.sql"),
    },
    Migration { version: 5, name: "newsroom", sql: include_str!("../../migrations/sqlite/0005_newsroom.sql") },
    Migration { version: 6, name: "media", sql: include_str!("../../migrations/sqlite/0006_media.sql") },
    Migration { version: 7, name: "card_links", sql: include_str!("../../migrations/sqlite/0007_card_links.sql") },
];

/// The PostgreSQL migrations, in order: the same versions and names as [`SQLITE`],
/// in PostgreSQL's dialect.
pub(super) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "articles_people_tags",
        sql: include_str!("../../migrations/postgres/0001_articles_people_tags.sql"),
    },
    Migration {
        version: 2,
        name: "api_keys_and_feeds",
        sql: include_str!("../../migrations/postgres/0002_api_keys_and_feeds.sql"),
    },
    Migration { version: 3, name: "redirects", sql: include_str!("../../migrations/postgres/0003_redirects.sql") },
    Migration {
        version: 4,
        name: "sitemap_index",
        sql: include_str!("../../migrations/postgres/0004_sitemap_index.sql"),
    },
    Migration { version: 5, name: "newsroom", sql: include_str!("../../migrations/postgres/0005_newsroom.sql") },
    Migration { version: 6, name: "media", sql: include_str!("../../migrations/postgres/0006_media.sql") },
    Migration { version: 7, name: "card_links", sql: include_str!("../../migrations/postgres/0007_card_links.sql") },
];

/// The advisory lock a node holds while it migrates, so that nodes starting together
/// apply each migration once.
const POSTGRES_MIGRATION_LOCK: i64 = 0x7161_6c61_6d00;

/// Applies every PostgreSQL migration the database has not seen, all in one transaction
/// under an advisory lock (PostgreSQL's DDL is transactional).
pub(super) async fn apply_postgres(client: &mut deadpool_postgres::Object) -> StoreResult<()> {
    use super::postgres::db;
    let tx = client.transaction().await.map_err(db)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&POSTGRES_MIGRATION_LOCK]).await.map_err(db)?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     BIGINT PRIMARY KEY,
             name        TEXT NOT NULL,
             applied_at  BIGINT NOT NULL DEFAULT (extract(epoch FROM now())::BIGINT)
         )",
    )
    .await
    .map_err(db)?;
    let applied: i64 =
        tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).await.map_err(db)?.get(0);
    let known = POSTGRES.last().map_or(0, |m| m.version);
    if applied > known {
        return Err(StoreError::TooNew { found: applied, known });
    }
    for migration in POSTGRES.iter().filter(|m| m.version > applied) {
        tx.batch_execute(migration.sql).await.map_err(db)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&migration.version, &migration.name],
        )
        .await
        .map_err(db)?;
        tracing::info!(version = migration.version, name = migration.name, "applied migration");
    }
    tx.commit().await.map_err(db)
}

/// Applies every migration the database has not seen, each in its own transaction.
pub(super) fn apply_sqlite(conn: &mut Connection) -> StoreResult<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY,
             name        TEXT NOT NULL,
             applied_at  INTEGER NOT NULL DEFAULT (unixepoch())
         )",
    )
    .map_err(db)?;
    let applied: i64 =
        conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0)).map_err(db)?;
    let known = SQLITE.last().map_or(0, |m| m.version);
    if applied > known {
        return Err(StoreError::TooNew { found: applied, known });
    }
    for migration in SQLITE.iter().filter(|m| m.version > applied) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        tx.execute_batch(migration.sql).map_err(db)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            (migration.version, migration.name),
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        tracing::info!(version = migration.version, name = migration.name, "applied migration");
    }
    Ok(())
}

pub(super) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::{POSTGRES, SQLITE};

    #[test]
    fn both_engines_know_the_same_migrations_in_the_same_order() {
        let names = |list: &[super::Migration]| list.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
        assert!(SQLITE.windows(2).all(|w| w[1].version == w[0].version + 1));
    }
}
