-- Article events, written in the same transaction as the change that
-- caused them (an outbox: no event is lost to a crash), and their delivery
-- to each configured webhook URL.
CREATE TABLE article_events (
    id         INTEGER PRIMARY KEY,
    event      TEXT NOT NULL,
    slug       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Where each URL's deliveries start: a URL added later is not sent history.
CREATE TABLE webhook_marks (
    url           TEXT PRIMARY KEY,
    last_event_id INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
    event_id     INTEGER NOT NULL REFERENCES article_events(id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    delivered_at INTEGER,
    last_status  INTEGER,
    last_error   TEXT,
    PRIMARY KEY (event_id, url)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (delivered_at, next_at);
