-- A covering index with just what a sitemap needs, in store order.
CREATE INDEX articles_for_sitemaps ON articles (status, id, published_at, updated_at, slug);
