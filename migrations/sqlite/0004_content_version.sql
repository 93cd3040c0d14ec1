-- One number that changes whenever anything a reader sees changes, raised
-- by the database itself: a write from any process (another node, an
-- import, a script) is noticed by every node's page cache.
CREATE TABLE content_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
INSERT INTO content_version (id, version) VALUES (1, 1);
CREATE TRIGGER articles_insert_version AFTER INSERT ON articles BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER articles_update_version AFTER UPDATE ON articles BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER articles_delete_version AFTER DELETE ON articles BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER article_contributors_insert_version AFTER INSERT ON article_contributors BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER article_contributors_update_version AFTER UPDATE ON article_contributors BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER article_contributors_delete_version AFTER DELETE ON article_contributors BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sections_insert_version AFTER INSERT ON sections BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sections_update_version AFTER UPDATE ON sections BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER sections_delete_version AFTER DELETE ON sections BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER contributors_insert_version AFTER INSERT ON contributors BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER contributors_update_version AFTER UPDATE ON contributors BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER contributors_delete_version AFTER DELETE ON contributors BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER videos_insert_version AFTER INSERT ON videos BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER videos_update_version AFTER UPDATE ON videos BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER videos_delete_version AFTER DELETE ON videos BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER comments_insert_version AFTER INSERT ON comments BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER comments_update_version AFTER UPDATE ON comments BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER comments_delete_version AFTER DELETE ON comments BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
