-- The site's own pages (Tentang Kami, Redaksi, Pedoman Pemberitaan Media
-- Siber, Kontak, ...): written in the back office, served at /{slug}
-- (a section of the same address would win, so the two never share one),
-- listed in the footer in `position` order.
CREATE TABLE site_pages (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    in_footer  INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL
);
-- Every node's page cache notices a change (the footer is on every page).
CREATE TRIGGER site_pages_insert_version AFTER INSERT ON site_pages BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_pages_update_version AFTER UPDATE ON site_pages BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER site_pages_delete_version AFTER DELETE ON site_pages BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
