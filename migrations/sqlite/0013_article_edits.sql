-- A published story edited in place (same address, time and section) no
-- longer empties every page cache: it is logged, and each node drops only
-- the pages that show it. Anything else (a publish, an unpublish, a move)
-- still bumps the content version.
CREATE TABLE article_edits (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL
);
DROP TRIGGER articles_update_version;
CREATE TRIGGER articles_update_version AFTER UPDATE ON articles
    WHEN NOT (OLD.status = 'published' AND NEW.status = 'published' AND OLD.slug = NEW.slug
              AND OLD.published_at = NEW.published_at AND OLD.section_id = NEW.section_id)
BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER articles_update_edit AFTER UPDATE ON articles
    WHEN OLD.status = 'published' AND NEW.status = 'published' AND OLD.slug = NEW.slug
         AND OLD.published_at = NEW.published_at AND OLD.section_id = NEW.section_id
BEGIN
    INSERT INTO article_edits (slug) VALUES (NEW.slug);
END;
