-- Sitemaps list every public article in store order with its dates. Read from the table,
-- that touches one page of every article (bodies make rows large): about a second per
-- 50,000 articles. This covering index holds just what a sitemap needs, in that order.
CREATE INDEX articles_for_sitemaps ON articles (status, id, published_at, updated_at, slug);
