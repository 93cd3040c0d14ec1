-- One number that changes whenever anything a reader sees changes, raised
-- by the database itself: a write from any process (another node, an
-- import, a script) is noticed by every node's page cache. PostgreSQL also
-- announces it on the channel warta_content.
CREATE TABLE content_version (id BIGINT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO content_version (id, version) VALUES (1, 1);

CREATE FUNCTION warta_bump_content_version() RETURNS trigger AS $$
BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
    PERFORM pg_notify('warta_content', TG_TABLE_NAME);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER articles_version AFTER INSERT OR UPDATE OR DELETE ON articles FOR EACH STATEMENT EXECUTE FUNCTION warta_bump_content_version();
CREATE TRIGGER article_contributors_version AFTER INSERT OR UPDATE OR DELETE ON article_contributors FOR EACH STATEMENT EXECUTE FUNCTION warta_bump_content_version();
CREATE TRIGGER sections_version AFTER INSERT OR UPDATE OR DELETE ON sections FOR EACH STATEMENT EXECUTE FUNCTION warta_bump_content_version();
CREATE TRIGGER contributors_version AFTER INSERT OR UPDATE OR DELETE ON contributors FOR EACH STATEMENT EXECUTE FUNCTION warta_bump_content_version();
CREATE TRIGGER videos_version AFTER INSERT OR UPDATE OR DELETE ON videos FOR EACH STATEMENT EXECUTE FUNCTION warta_bump_content_version();
CREATE TRIGGER comments_version AFTER INSERT OR UPDATE OR DELETE ON comments FOR EACH STATEMENT EXECUTE FUNCTION warta_bump_content_version();
