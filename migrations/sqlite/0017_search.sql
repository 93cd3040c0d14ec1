-- Full-text search: each published story's words as written and as stems,
-- analysed in Rust (domain::search) so both backends find the same stories,
-- and written in the same transaction as the story. rowid = articles.id.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title_exact, title_stem, lead_exact, lead_stem, body_exact, body_stem, meta,
    -- filter tokens (section, authors): a filtered search is one lookup
    facets,
    tokenize = 'unicode61 remove_diacritics 0'
);
