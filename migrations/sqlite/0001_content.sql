-- The news content model. Times are UTC seconds; body blocks are JSON.
CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE contributors (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bio  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE articles (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    headline       TEXT NOT NULL,
    subheadline    TEXT,
    summary        TEXT,
    section_id     INTEGER NOT NULL REFERENCES sections(id),
    sources        TEXT NOT NULL DEFAULT '[]',
    dateline       TEXT,
    status         TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published')),
    published_at   INTEGER NOT NULL,
    updated_at     INTEGER,
    body           TEXT NOT NULL,
    featured_image TEXT,
    access         TEXT NOT NULL DEFAULT 'public' CHECK (access IN ('public', 'registered', 'members'))
);
CREATE INDEX articles_published ON articles (status, published_at DESC);
CREATE INDEX articles_section ON articles (section_id, status, published_at DESC);
CREATE INDEX articles_headline ON articles (headline);

CREATE TABLE article_contributors (
    article_id     INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    contributor_id INTEGER NOT NULL REFERENCES contributors(id),
    role           TEXT NOT NULL CHECK (role IN ('writer', 'editor', 'contributor', 'photographer')),
    position       INTEGER NOT NULL,
    PRIMARY KEY (article_id, contributor_id, role)
);
CREATE INDEX article_contributors_by_contributor ON article_contributors (contributor_id);

CREATE TABLE videos (
    id            INTEGER PRIMARY KEY,
    slug          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    source_url    TEXT NOT NULL,
    thumbnail     TEXT NOT NULL,
    duration_secs INTEGER NOT NULL,
    section_id    INTEGER NOT NULL REFERENCES sections(id),
    published_at  INTEGER NOT NULL
);
CREATE INDEX videos_published ON videos (published_at DESC);

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id  INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    author     TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_article ON comments (article_id, created_at);
