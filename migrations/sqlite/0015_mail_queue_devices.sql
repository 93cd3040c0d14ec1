-- Mail waits here until a sender on any node takes it: a request answers
-- at once, however slow the mail server, so answers do not tell whether
-- an address has an account.
CREATE TABLE mail_queue (
    id         INTEGER PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,
    sent_at    INTEGER,
    last_error TEXT
);
CREATE INDEX mail_queue_due ON mail_queue (sent_at, next_at);

-- Browsers an account signed in from before: while someone else's wrong
-- guesses have its address locked, its owner still signs in from them.
CREATE TABLE known_devices (
    token_hash   TEXT PRIMARY KEY,
    reader_id    INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
);
CREATE INDEX known_devices_reader ON known_devices (reader_id);
