-- The newsroom: the people who sign in, their sessions, and the editorial history of
-- articles (revisions, corrections, who owns what).

-- Accounts. `author_id` is the byline the account writes under; the password is an
-- Argon2id PHC string. Removing a user ends their sessions (cascade) and keeps their
-- articles and byline.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('owner', 'administrator', 'editor', 'author', 'contributor')),
    password_hash  TEXT NOT NULL,
    author_id      INTEGER REFERENCES authors (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL
);

-- Signed-in sessions. The cookie carries a random token; only its SHA-256 digest is
-- stored, so a copy of the database cannot be used to sign in. `csrf_token` is the
-- per-session secret every state-changing form must echo.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions (user_id);

-- Failed sign-ins, by account (`account:<email>`) and by address (`ip:<addr>`), kept in
-- the database so that every process serving the newsroom throttles alike.
CREATE TABLE login_failures (
    key        TEXT NOT NULL,
    failed_at  INTEGER NOT NULL
);

CREATE INDEX login_failures_by_key ON login_failures (key, failed_at);

-- One-time links that set a new password (`qalam user reset-password`), stored as the
-- digest of the token.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- Editorial fields of an article that readers do not see directly. `version` counts
-- saves from the newsroom, so that two people editing one article are told instead of
-- overwriting each other; `owner_id` is the account that created it.
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE articles ADD COLUMN owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN seo_title TEXT;
ALTER TABLE articles ADD COLUMN seo_description TEXT;
ALTER TABLE articles ADD COLUMN featured_image_alt TEXT;
ALTER TABLE articles ADD COLUMN featured_image_caption TEXT;

-- Every save from the newsroom keeps the article as it was saved, as JSON, so an
-- editor can compare two and bring an old one back.
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    saved_at    INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    snapshot    TEXT NOT NULL
);

CREATE INDEX revisions_by_article ON revisions (article_id, id DESC);

-- Corrections and updates appended to a published article, shown at its foot.
CREATE TABLE article_notes (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('correction', 'update')),
    noted_at    INTEGER NOT NULL,
    text        TEXT NOT NULL
);

CREATE INDEX article_notes_by_article ON article_notes (article_id, noted_at);

CREATE TRIGGER article_notes_changed_insert AFTER INSERT ON article_notes
BEGIN UPDATE content_version SET version = version + 1; END;

-- Scheduled articles due for publication are found by time.
CREATE INDEX articles_scheduled ON articles (published_at) WHERE status = 'scheduled';

-- What the newsroom edits about tags and authors beyond their names.
ALTER TABLE tags ADD COLUMN description TEXT;
ALTER TABLE authors ADD COLUMN photo TEXT;

CREATE TRIGGER tags_changed_delete AFTER DELETE ON tags
BEGIN UPDATE content_version SET version = version + 1; END;
CREATE TRIGGER authors_changed_delete AFTER DELETE ON authors
BEGIN UPDATE content_version SET version = version + 1; END;
