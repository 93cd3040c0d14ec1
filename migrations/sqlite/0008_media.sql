-- Uploaded images: the original and its responsive sizes live under
-- <data>/media/up/; this is the library that finds and reuses them.
CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    src          TEXT NOT NULL UNIQUE,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    widths       TEXT NOT NULL DEFAULT '[]',
    webp_widths  TEXT NOT NULL DEFAULT '[]',
    bytes        INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    alt          TEXT NOT NULL DEFAULT '',
    caption      TEXT,
    credit       TEXT,
    copyright    TEXT,
    uploaded_by  TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX media_created ON media (created_at DESC);
