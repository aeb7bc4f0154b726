-- A read model of each article's bylines and tags for listing cards: their ids in
-- their positions, comma-separated (`12,40`), kept by triggers whatever writes the link
-- tables (saves, imports, the newsroom, a tag or author deleted), so that a card reads
-- them with its row instead of a join over the link tables on every page. An article
-- whose links were never written has no row: no bylines, no tags.
CREATE TABLE card_links (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    authors     TEXT NOT NULL,
    tags        TEXT NOT NULL
);

-- What `card_links` should hold for each article, from the link tables. The ids are
-- ordered by a subquery rather than by `ORDER BY` inside `group_concat`, which SQLite
-- before 3.44 (Debian 12's `sqlite3`, say) cannot read: the database stays readable by
-- an older command-line shell.
CREATE VIEW card_links_from_links AS
SELECT a.id AS article_id,
       coalesce((SELECT group_concat(author_id, ',') FROM
                     (SELECT l.author_id FROM article_authors l WHERE l.article_id = a.id ORDER BY l.position)), '') AS authors,
       coalesce((SELECT group_concat(tag_id, ',') FROM
                     (SELECT l.tag_id FROM article_tags l WHERE l.article_id = a.id ORDER BY l.position)), '') AS tags
FROM articles a;

INSERT INTO card_links (article_id, authors, tags) SELECT article_id, authors, tags FROM card_links_from_links;

-- Each trigger rewrites the article's row; while the article itself is being deleted
-- the view has no row for it, so its cascade leaves nothing behind.

CREATE TRIGGER article_authors_card_insert AFTER INSERT ON article_authors
BEGIN
    INSERT INTO card_links (article_id, authors, tags)
    SELECT article_id, authors, tags FROM card_links_from_links WHERE article_id = NEW.article_id
    ON CONFLICT (article_id) DO UPDATE SET authors = excluded.authors, tags = excluded.tags;
END;

CREATE TRIGGER article_authors_card_update AFTER UPDATE OF author_id, position ON article_authors
BEGIN
    INSERT INTO card_links (article_id, authors, tags)
    SELECT article_id, authors, tags FROM card_links_from_links WHERE article_id = NEW.article_id
    ON CONFLICT (article_id) DO UPDATE SET authors = excluded.authors, tags = excluded.tags;
END;

CREATE TRIGGER article_authors_card_delete AFTER DELETE ON article_authors
BEGIN
    INSERT INTO card_links (article_id, authors, tags)
    SELECT article_id, authors, tags FROM card_links_from_links WHERE article_id = OLD.article_id
    ON CONFLICT (article_id) DO UPDATE SET authors = excluded.authors, tags = excluded.tags;
END;

CREATE TRIGGER article_tags_card_insert AFTER INSERT ON article_tags
BEGIN
    INSERT INTO card_links (article_id, authors, tags)
    SELECT article_id, authors, tags FROM card_links_from_links WHERE article_id = NEW.article_id
    ON CONFLICT (article_id) DO UPDATE SET authors = excluded.authors, tags = excluded.tags;
END;

CREATE TRIGGER article_tags_card_update AFTER UPDATE OF tag_id, position ON article_tags
BEGIN
    INSERT INTO card_links (article_id, authors, tags)
    SELECT article_id, authors, tags FROM card_links_from_links WHERE article_id = NEW.article_id
    ON CONFLICT (article_id) DO UPDATE SET authors = excluded.authors, tags = excluded.tags;
END;

CREATE TRIGGER article_tags_card_delete AFTER DELETE ON article_tags
BEGIN
    INSERT INTO card_links (article_id, authors, tags)
    SELECT article_id, authors, tags FROM card_links_from_links WHERE article_id = OLD.article_id
    ON CONFLICT (article_id) DO UPDATE SET authors = excluded.authors, tags = excluded.tags;
END;
