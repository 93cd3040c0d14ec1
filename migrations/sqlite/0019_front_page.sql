-- How editors arranged the front page: a pinned lead story (by address;
-- ignored while it is not published) and the sections whose blocks are
-- left off. One row; no row is the automatic front page.
CREATE TABLE front_page (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    lead_slug   TEXT,
    hidden      TEXT NOT NULL DEFAULT '[]',
    updated_by  TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL
);
-- Every node's page cache notices a change.
CREATE TRIGGER front_page_insert_version AFTER INSERT ON front_page BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER front_page_update_version AFTER UPDATE ON front_page BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
