-- Full-text search: each published story's words as written (weights A, C)
-- and as stems prefixed with '~' (B, D), analysed in Rust (domain::search)
-- so both backends find the same stories, and written in the same
-- transaction as the story.
CREATE TABLE search_docs (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    tsv        TSVECTOR NOT NULL
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
