-- Moving in from another system without losing a link: old addresses that now lead
-- elsewhere, and the WordPress identities of imported posts and authors.

CREATE TABLE redirects (
    path        TEXT PRIMARY KEY,
    article_id  BIGINT REFERENCES articles (id) ON DELETE CASCADE,
    target      TEXT,
    CHECK ((article_id IS NULL) <> (target IS NULL))
);

CREATE INDEX redirects_by_article ON redirects (article_id) WHERE article_id IS NOT NULL;

CREATE TABLE wordpress_posts (
    wp_id        BIGINT PRIMARY KEY,
    article_id   BIGINT NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    fingerprint  BIGINT NOT NULL
);

CREATE TABLE wordpress_authors (
    login      TEXT PRIMARY KEY,
    author_id  BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    email      TEXT
);
