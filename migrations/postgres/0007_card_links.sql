-- A read model of each article's bylines and tags for listing cards: their ids in
-- their positions, comma-separated (`12,40`), kept by triggers whatever writes the link
-- tables (saves, imports, the newsroom, a tag or author deleted), so that a card reads
-- them with its row instead of two subqueries over the link tables per card. An
-- article whose links were never written has no row: no bylines, no tags.
CREATE TABLE card_links (
    article_id  BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    authors     TEXT NOT NULL,
    tags        TEXT NOT NULL
);

-- What `card_links` should hold for each article, from the link tables.
CREATE VIEW card_links_from_links AS
SELECT a.id AS article_id,
       coalesce((SELECT string_agg(l.author_id::text, ',' ORDER BY l.position) FROM article_authors l WHERE l.article_id = a.id), '') AS authors,
       coalesce((SELECT string_agg(l.tag_id::text, ',' ORDER BY l.position) FROM article_tags l WHERE l.article_id = a.id), '') AS tags
FROM articles a;

INSERT INTO card_links (article_id, authors, tags) SELECT article_id, authors, tags FROM card_links_from_links;

-- Rewrites the changed link's article's row; while the article itself is being
-- deleted the view has no row for it, so its cascade leaves nothing behind.
CREATE FUNCTION card_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO card_links (article_id, authors, tags)
    SELECT article_id, authors, tags FROM card_links_from_links
    WHERE article_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.article_id ELSE NEW.article_id END
    ON CONFLICT (article_id) DO UPDATE SET authors = excluded.authors, tags = excluded.tags;
    RETURN NULL;
END
$$;


CREATE TRIGGER article_authors_card_insert AFTER INSERT ON article_authors
    FOR EACH ROW EXECUTE FUNCTION card_links_changed();
CREATE TRIGGER article_authors_card_update AFTER UPDATE OF author_id, position ON article_authors
    FOR EACH ROW EXECUTE FUNCTION card_links_changed();
CREATE TRIGGER article_authors_card_delete AFTER DELETE ON article_authors
    FOR EACH ROW EXECUTE FUNCTION card_links_changed();
CREATE TRIGGER article_tags_card_insert AFTER INSERT ON article_tags
    FOR EACH ROW EXECUTE FUNCTION card_links_changed();
CREATE TRIGGER article_tags_card_update AFTER UPDATE OF tag_id, position ON article_tags
    FOR EACH ROW EXECUTE FUNCTION card_links_changed();
CREATE TRIGGER article_tags_card_delete AFTER DELETE ON article_tags
    FOR EACH ROW EXECUTE FUNCTION card_links_changed();
