-- Uploaded images. `path` is the original's address on the site (/media/uploads/…),
-- `content_hash` the SHA-256 of the uploaded bytes, so the same file uploaded twice is
-- stored once. `variants` is a JSON array of {path, mime, width, height}, narrowest
-- first. `uploaded_by` will name a user once accounts exist; it has no foreign key yet.
CREATE TABLE media (
    id             INTEGER PRIMARY KEY,
    path           TEXT NOT NULL UNIQUE,
    content_hash   TEXT NOT NULL UNIQUE,
    original_name  TEXT NOT NULL,
    mime           TEXT NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    bytes          INTEGER NOT NULL,
    alt_text       TEXT NOT NULL DEFAULT '',
    caption        TEXT NOT NULL DEFAULT '',
    uploaded_by    INTEGER,
    created_at     INTEGER NOT NULL,
    variants       TEXT NOT NULL
);
CREATE INDEX media_newest ON media (created_at DESC, id DESC);

-- What a page needs to offer an uploaded featured image in several sizes, copied from
-- `media` whenever either side changes, so pages read it with the article row instead
-- of asking for it on every render. NULL when the image is not an upload.
ALTER TABLE articles ADD COLUMN featured_picture TEXT;
CREATE INDEX articles_by_featured_image ON articles (featured_image) WHERE featured_image IS NOT NULL;

CREATE TRIGGER articles_picture_insert AFTER INSERT ON articles WHEN NEW.featured_image IS NOT NULL
BEGIN
    UPDATE articles SET featured_picture = (
        SELECT json_object('alt', m.alt_text, 'width', m.width, 'height', m.height, 'mime', m.mime,
                           'variants', json(m.variants))
        FROM media m WHERE m.path = NEW.featured_image
    ) WHERE id = NEW.id;
END;

CREATE TRIGGER articles_picture_update AFTER UPDATE OF featured_image ON articles
BEGIN
    UPDATE articles SET featured_picture = (
        SELECT json_object('alt', m.alt_text, 'width', m.width, 'height', m.height, 'mime', m.mime,
                           'variants', json(m.variants))
        FROM media m WHERE m.path = NEW.featured_image
    ) WHERE id = NEW.id;
END;

CREATE TRIGGER media_picture_insert AFTER INSERT ON media
BEGIN
    UPDATE articles SET featured_picture = json_object('alt', NEW.alt_text, 'width', NEW.width,
        'height', NEW.height, 'mime', NEW.mime, 'variants', json(NEW.variants))
    WHERE featured_image = NEW.path;
END;

CREATE TRIGGER media_picture_update AFTER UPDATE OF alt_text, width, height, mime, variants ON media
BEGIN
    UPDATE articles SET featured_picture = json_object('alt', NEW.alt_text, 'width', NEW.width,
        'height', NEW.height, 'mime', NEW.mime, 'variants', json(NEW.variants))
    WHERE featured_image = NEW.path;
END;
