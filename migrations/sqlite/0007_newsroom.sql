-- The newsroom: staff roles beside reader accounts, stories (the working
-- copy with its workflow status; `articles` holds only what readers see),
-- every saved revision, the audit log, Admin API tokens, preview links and
-- who has a story open.
ALTER TABLE articles ADD COLUMN seo_title TEXT;
ALTER TABLE articles ADD COLUMN social_title TEXT;
ALTER TABLE articles ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE articles ADD COLUMN corrections TEXT NOT NULL DEFAULT '[]';

CREATE TABLE staff (
    reader_id  INTEGER PRIMARY KEY REFERENCES readers(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('contributor', 'writer', 'editor', 'admin')),
    sections   TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
);
-- Staff made before roles existed moderated comments: they become editors.
INSERT INTO staff (reader_id, role, sections, created_at)
    SELECT id, 'editor', '[]', created_at FROM readers WHERE is_staff <> 0;

CREATE TABLE stories (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    headline     TEXT NOT NULL,
    section_slug TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'scheduled', 'published', 'unpublished')),
    revision     INTEGER NOT NULL,
    doc          TEXT NOT NULL,
    publish_at   INTEGER,
    unpublish_at INTEGER,
    created_by   INTEGER REFERENCES readers(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    status_by    TEXT NOT NULL,
    status_at    INTEGER NOT NULL
);
CREATE INDEX stories_by_status ON stories (status, updated_at DESC);
CREATE INDEX stories_due ON stories (status, publish_at);

CREATE TABLE story_revisions (
    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    revision   INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    author     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (story_id, revision)
);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);

CREATE TABLE preview_links (
    token_hash TEXT PRIMARY KEY,
    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX preview_links_story ON preview_links (story_id);

CREATE TABLE story_presence (
    story_id  INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    reader_id INTEGER NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    seen_at   INTEGER NOT NULL,
    PRIMARY KEY (story_id, reader_id)
);
