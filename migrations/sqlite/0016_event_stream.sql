-- The one stream of domain events (an outbox): each is written in the same
-- transaction as the change it tells of, so none is lost to a crash, and
-- every consumer (webhooks now; search, purges, newsletters later) reads
-- it at its own pace from a mark of its own, resuming after a restart or
-- on another node. Article events were the first; the table keeps them.
ALTER TABLE article_events RENAME TO events;
ALTER TABLE events ADD COLUMN payload TEXT NOT NULL DEFAULT '{}';

CREATE TABLE event_consumers (
    name          TEXT PRIMARY KEY,
    last_event_id INTEGER NOT NULL,
    -- A node working through a batch holds the consumer until then.
    lease_until   INTEGER NOT NULL DEFAULT 0
);
