-- Rate-limit events, shared by every node on this database.
CREATE TABLE rate_events (key TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX rate_events_key ON rate_events (key, at);
