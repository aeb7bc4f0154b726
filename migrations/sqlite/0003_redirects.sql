-- Moving in from another system without losing a link: old addresses that now lead
-- elsewhere, and the WordPress identities of imported posts and authors.

-- An old address (percent-decoded, lowercase, as `store::redirect_key` writes it) and
-- where it now leads: an article, followed by id so that a later change of slug
-- still lands, or any other site-relative address.
CREATE TABLE redirects (
    path        TEXT PRIMARY KEY,
    article_id  INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    target      TEXT,
    CHECK ((article_id IS NULL) <> (target IS NULL))
) WITHOUT ROWID;

CREATE INDEX redirects_by_article ON redirects (article_id) WHERE article_id IS NOT NULL;

-- WordPress post id → article: answers `/?p=123` and lets a second import of the same
-- export update its articles instead of adding copies. `fingerprint` is a hash of what
-- the import wrote, so an unchanged post is left alone (no new version, no reindex).
CREATE TABLE wordpress_posts (
    wp_id        INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    fingerprint  INTEGER NOT NULL
);

-- WordPress users behind imported authors. The e-mail address is kept for linking
-- accounts later and is never shown on the site.
CREATE TABLE wordpress_authors (
    login      TEXT PRIMARY KEY,
    author_id  INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    email      TEXT
) WITHOUT ROWID;
