//! The two engines' migrations describe one schema: the same tables with the same
//! columns in the same order, nullability and kind of value, the same indexes, the same
//! views and the same triggers.

use std::collections::BTreeSet;

use qalam::store::{PostgresStore, SqliteStore};
use tokio_postgres::NoTls;

use super::postgres_options;
use crate::test_database::TestDatabase;

/// A column as both engines can describe it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column {
    table: String,
    position: i64,
    name: String,
    kind: &'static str,
    not_null: bool,
}

/// Every table's columns, indexes, views and triggers.
#[derive(Debug, PartialEq, Eq)]
struct Schema {
    columns: Vec<Column>,
    indexes: BTreeSet<String>,
    views: BTreeSet<String>,
    triggers: BTreeSet<String>,
}

fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        "text" => "text",
        _ => "other",
    }
}

fn sqlite_schema(path: &std::path::Path) -> Schema {
    let conn = rusqlite::Connection::open(path).expect("open");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("tables");
    let mut columns = Vec::new();
    for table in tables {
        let mut stmt =
            conn.prepare("SELECT cid, name, type, \"notnull\", pk FROM pragma_table_info(?1)").expect("prepare");
        let rows = stmt
            .query_map([&table], |r| {
                let declared: String = r.get(2)?;
                let not_null: bool = r.get(3)?;
                let pk: i64 = r.get(4)?;
                Ok(Column {
                    table: table.clone(),
                    position: r.get::<_, i64>(0)? + 1,
                    name: r.get(1)?,
                    kind: kind(&declared),
                    not_null: not_null || pk > 0,
                })
            })
            .expect("query");
        columns.extend(rows.map(|r| r.expect("column")));
    }
    let names = |sql: &str| -> BTreeSet<String> {
        conn.prepare(sql)
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .map(|r| r.expect("name"))
            .collect()
    };
    Schema {
        columns,
        indexes: names("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"),
        views: names("SELECT name FROM sqlite_master WHERE type = 'view'"),
        triggers: names("SELECT name FROM sqlite_master WHERE type = 'trigger'"),
    }
}

async fn postgres_schema(url: &str) -> Schema {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    let rows = client
        .query(
            "SELECT table_name::text, ordinal_position::bigint, column_name::text, data_type::text, is_nullable::text
             FROM information_schema.columns c WHERE table_schema = 'public' AND EXISTS
                 (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = 'public'
                  AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE')
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .await
        .expect("columns");
    let columns = rows
        .iter()
        .map(|r| Column {
            table: r.get(0),
            position: r.get(1),
            name: r.get(2),
            kind: kind(r.get(3)),
            not_null: r.get::<_, String>(4) == "NO",
        })
        .collect();
    let names = async |sql: &str| -> BTreeSet<String> {
        client.query(sql, &[]).await.expect(sql).iter().map(|r| r.get(0)).collect()
    };
    Schema {
        columns,
        // Indexes PostgreSQL makes for PRIMARY KEY and UNIQUE constraints, as SQLite's
        // automatic indexes, are left out.
        indexes: names(
            "SELECT i.indexname::text FROM pg_indexes i WHERE i.schemaname = 'public' AND NOT EXISTS
                 (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        )
        .await,
        views: names("SELECT table_name::text FROM information_schema.views WHERE table_schema = 'public'").await,
        triggers: names("SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal").await,
    }
}

#[tokio::test]
async fn postgresql_migrations_build_the_same_schema_as_sqlite_migrations() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("qalam.db");
    drop(SqliteStore::open(&path).expect("open SQLite"));
    let sqlite = sqlite_schema(&path);
    assert!(sqlite.columns.iter().any(|c| c.table == "articles" && c.name == "featured_picture"));
    let Some(database) = TestDatabase::create("postgresql_migrations_build_the_same_schema_as_sqlite_migrations").await
    else {
        return;
    };
    let store = PostgresStore::connect(postgres_options(&database.url)).await.expect("open PostgreSQL");
    drop(store);
    let postgres = postgres_schema(&database.url).await;
    database.drop_database().await;
    let only_sqlite: Vec<_> = sqlite.columns.iter().filter(|c| !postgres.columns.contains(c)).collect();
    let only_postgres: Vec<_> = postgres.columns.iter().filter(|c| !sqlite.columns.contains(c)).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "columns differ:\n only in SQLite: {only_sqlite:#?}\n only in PostgreSQL: {only_postgres:#?}"
    );
    assert_eq!(sqlite.indexes, postgres.indexes, "indexes differ");
    assert!(sqlite.views.contains("card_links_from_links"), "views: {:?}", sqlite.views);
    assert_eq!(sqlite.views, postgres.views, "views differ");
    assert_eq!(sqlite.triggers, postgres.triggers, "triggers differ");
}

#[tokio::test]
async fn nodes_starting_together_apply_each_postgresql_migration_once() {
    let Some(database) = TestDatabase::create("nodes_starting_together_apply_each_postgresql_migration_once").await
    else {
        return;
    };
    let (a, b) = tokio::join!(
        PostgresStore::connect(postgres_options(&database.url)),
        PostgresStore::connect(postgres_options(&database.url))
    );
    a.expect("first node");
    b.expect("second node");
    let (client, connection) = tokio_postgres::connect(&database.url, NoTls).await.expect("connect");
    tokio::spawn(connection);
    let row = client.query_one("SELECT COUNT(*), MAX(version) FROM schema_migrations", &[]).await.expect("count");
    let (applied, latest): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(applied, latest, "each migration recorded once");
    drop(client);
    database.drop_database().await;
}
