-- Payments: one row per checkout (a pass, or a subscription with its
-- renewals), and every provider event, stored before it is acted on and
-- unique by the provider's id, so a duplicate changes nothing and the
-- state can be rebuilt from the history.
CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    order_id     TEXT NOT NULL UNIQUE,
    reader_id    INTEGER NOT NULL REFERENCES readers(id),
    provider     TEXT NOT NULL,
    method       TEXT NOT NULL,
    plan_id      TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    recurring    INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL DEFAULT 'new',
    version      INTEGER NOT NULL DEFAULT 0,
    checkout_ref TEXT NOT NULL DEFAULT '',
    checkout_url TEXT NOT NULL DEFAULT '',
    provider_ref TEXT,
    customer_ref TEXT,
    charge_ref   TEXT,
    period_end   INTEGER,
    reminded_at  INTEGER,
    -- When the last stop or resume was decided (provider time), so an
    -- older one delivered late changes nothing.
    toggled_at   INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX payments_reader ON payments (reader_id, created_at);
CREATE INDEX payments_provider_ref ON payments (provider, provider_ref);
CREATE INDEX payments_charge_ref ON payments (provider, charge_ref);
CREATE INDEX payments_customer_ref ON payments (provider, customer_ref);
-- The scheduler looks for passes about to end every few seconds.
CREATE INDEX payments_period_end ON payments (period_end) WHERE reminded_at IS NULL;

CREATE TABLE payment_events (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    order_id    TEXT,
    payload     TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    applied_at  INTEGER,
    outcome     TEXT NOT NULL DEFAULT '',
    UNIQUE (provider, event_id)
);
CREATE INDEX payment_events_unapplied ON payment_events (applied_at, id);
CREATE INDEX payment_events_order ON payment_events (order_id);
