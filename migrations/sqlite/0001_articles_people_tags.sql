-- The newsroom's content: articles, their authors and tags, and the links between them.
-- Times are Unix seconds (UTC); dates of rates are ISO `YYYY-MM-DD`.

CREATE TABLE authors (
    id    INTEGER PRIMARY KEY,
    slug  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    bio   TEXT
);

CREATE TABLE tags (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('country', 'section', 'topic')),
    slug  TEXT NOT NULL,
    name  TEXT NOT NULL,
    UNIQUE (kind, slug)
);

-- Small columns first and the large texts last: SQLite reads a row's columns in order,
-- so a listing that stops at `lead_text` never walks the overflow pages of a long body.
CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    dek             TEXT,
    excerpt         TEXT,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'published')),
    published_at    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    language        TEXT NOT NULL DEFAULT 'en',
    featured_image  TEXT,
    lead_text       TEXT NOT NULL,
    body_text       TEXT NOT NULL,
    body_html       TEXT NOT NULL,
    body_markdown   TEXT
);

CREATE INDEX articles_by_status_and_date ON articles (status, published_at DESC, id DESC);

-- The link tables repeat the article's `listed` flag (status is published) and
-- publication time, so that an archive page is one range scan of an index.
CREATE TABLE article_authors (
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    listed        INTEGER NOT NULL,
    published_at  INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
) WITHOUT ROWID;

CREATE INDEX article_authors_listing
    ON article_authors (author_id, listed, published_at DESC, article_id DESC);

CREATE TABLE article_tags (
    article_id    INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id        INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    listed        INTEGER NOT NULL,
    published_at  INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;

CREATE INDEX article_tags_listing
    ON article_tags (tag_id, listed, published_at DESC, article_id DESC);

-- Official exchange rates as published: `rate` units of `currency` per `scale` units
-- of `quote`, kept as the decimal text the bank printed.
CREATE TABLE rates (
    currency    TEXT NOT NULL,
    quote       TEXT NOT NULL,
    rate_date   TEXT NOT NULL,
    source      TEXT NOT NULL,
    rate        TEXT NOT NULL,
    scale       INTEGER NOT NULL CHECK (scale > 0),
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (currency, quote, rate_date, source)
) WITHOUT ROWID;

-- One counter that every content change bumps, so that any process serving the same
-- database (the site while a command-line import runs) sees that its pages are stale.
CREATE TABLE content_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);

INSERT INTO content_version (id, version) VALUES (1, 0);

CREATE TRIGGER articles_changed_insert AFTER INSERT ON articles
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER articles_changed_update AFTER UPDATE ON articles
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER articles_changed_delete AFTER DELETE ON articles
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER authors_changed_update AFTER UPDATE ON authors
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER tags_changed_update AFTER UPDATE ON tags
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER rates_changed_insert AFTER INSERT ON rates
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER rates_changed_update AFTER UPDATE ON rates
BEGIN UPDATE content_version SET version = version + 1; END;
