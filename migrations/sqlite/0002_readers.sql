-- Readers, their sessions and one-time e-mail links, memberships (never
-- deleted: the history), redeem codes, and comments by readers.
CREATE TABLE readers (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    display_name   TEXT NOT NULL DEFAULT '',
    verified_at    INTEGER,
    is_staff       INTEGER NOT NULL DEFAULT 0,
    comment_banned INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    deleted_at     INTEGER
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    reader_id    INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_reader ON sessions (reader_id);

CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    reader_id  INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'change_email')),
    new_email  TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY,
    reader_id   INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    plan_id     TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('payment', 'grant', 'redeem')),
    status      TEXT NOT NULL CHECK (status IN ('active', 'grace', 'cancelled', 'revoked')),
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    grace_until INTEGER,
    reference   TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX memberships_reader ON memberships (reader_id, ends_at);

CREATE TABLE redeem_codes (
    code       TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL,
    days       INTEGER NOT NULL CHECK (days > 0),
    max_uses   INTEGER NOT NULL CHECK (max_uses > 0),
    uses       INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE redemptions (
    code        TEXT NOT NULL REFERENCES redeem_codes(code),
    reader_id   INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    redeemed_at INTEGER NOT NULL,
    PRIMARY KEY (code, reader_id)
);

-- Comments gain their author's account, an edit time and a 'pending'
-- status for pre-moderation (SQLite cannot change a CHECK: rebuild).
CREATE TABLE comments_new (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id  INTEGER REFERENCES comments_new(id) ON DELETE CASCADE,
    reader_id  INTEGER REFERENCES readers(id) ON DELETE SET NULL,
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'pending', 'hidden', 'deleted')),
    created_at INTEGER NOT NULL,
    edited_at  INTEGER
);
INSERT INTO comments_new (id, article_id, parent_id, author, body, status, created_at)
    SELECT id, article_id, parent_id, author, body, status, created_at FROM comments;
DROP TABLE comments;
ALTER TABLE comments_new RENAME TO comments;
CREATE INDEX comments_article ON comments (article_id, created_at);
CREATE INDEX comments_status ON comments (status, created_at);

CREATE TABLE comment_reports (
    comment_id  INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    reader_id   INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (comment_id, reader_id)
);
