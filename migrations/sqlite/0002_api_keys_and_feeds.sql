-- Content API keys and what feeds and the Content API need to read quickly.

-- Keys are shown once when made and stored only as their SHA-256 digest (hex): they are
-- long random strings, so a fast digest is enough and a leaked database leaks no key.
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    key_hash    TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

-- Per-language feeds and API listings: the latest articles in one language are one
-- range scan, however rare the language.
CREATE INDEX articles_by_language ON articles (language, status, published_at DESC, id DESC);
