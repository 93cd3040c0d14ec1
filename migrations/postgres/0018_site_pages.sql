-- The site's own pages (Tentang Kami, Redaksi, Pedoman Pemberitaan Media
-- Siber, Kontak, ...): written in the back office, served at /{slug}
-- (a section of the same address would win, so the two never share one),
-- listed in the footer in `position` order.
CREATE TABLE site_pages (
    id         BIGSERIAL PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    position   BIGINT NOT NULL DEFAULT 0,
    in_footer  BIGINT NOT NULL DEFAULT 1,
    updated_at BIGINT NOT NULL
);
-- Every node's page cache notices a change (the footer is on every page).
CREATE TRIGGER site_pages_version AFTER INSERT OR UPDATE OR DELETE ON site_pages FOR EACH STATEMENT EXECUTE FUNCTION warta_bump_content_version();
