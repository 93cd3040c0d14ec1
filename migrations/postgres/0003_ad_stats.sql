-- House-ad impressions and clicks per slot and day (site zone), counted by
-- our own redirects: no third-party script sees the reader.
CREATE TABLE ad_stats (
    slot        TEXT NOT NULL,
    day         TEXT NOT NULL,
    impressions BIGINT NOT NULL DEFAULT 0,
    clicks      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (slot, day)
);
