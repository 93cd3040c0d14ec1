-- Comments no longer empty every page cache: they are logged by story, and
-- each node forgets only that story's pages. Lists show comment counts that
-- may lag by the cache's 30-second age.
DROP TRIGGER comments_insert_version;
DROP TRIGGER comments_update_version;
DROP TRIGGER comments_delete_version;
CREATE TABLE comment_changes (
    id           INTEGER PRIMARY KEY,
    article_slug TEXT NOT NULL
);
CREATE TRIGGER comments_insert_change AFTER INSERT ON comments BEGIN
    INSERT INTO comment_changes (article_slug) SELECT slug FROM articles WHERE id = NEW.article_id;
END;
CREATE TRIGGER comments_update_change AFTER UPDATE ON comments BEGIN
    INSERT INTO comment_changes (article_slug) SELECT slug FROM articles WHERE id = NEW.article_id;
END;
CREATE TRIGGER comments_delete_change AFTER DELETE ON comments BEGIN
    INSERT INTO comment_changes (article_slug) SELECT slug FROM articles WHERE id = OLD.article_id;
END;
