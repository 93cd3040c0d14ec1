//! Full-text search over published stories. The words are analysed in Rust
//! (`domain::search`) and stored pre-analysed: in an FTS5 table on SQLite
//! and a weighted `tsvector` with a GIN index on PostgreSQL, written in the
//! same transaction as the story, so both backends match the same stories
//! and an edit is searchable the moment it is saved.

use async_trait::async_trait;

use super::{NewArticle, Result};
use crate::domain::search::{Analyzer, Facet, SearchDoc, SearchText, Term, facet};
use crate::domain::{Access, Block};

/// How a store analyses what it indexes: the site's language (and stem
/// exclusions), and how much of a members-only story is public.
#[derive(Debug, Clone)]
pub struct SearchSettings {
    pub analyzer: Analyzer,
    pub preview_paragraphs: usize,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            analyzer: Analyzer::new("id", &[]),
            preview_paragraphs: 3,
        }
    }
}

impl SearchSettings {
    /// The index entry of an article: its public text only (a members-only
    /// story is found by its preview, never by what only members read).
    pub fn document(&self, a: &NewArticle) -> SearchDoc {
        self.analyzer
            .document(&search_text(a, self.preview_paragraphs))
    }
}

/// The fields of a story search reads, whichever type holds them.
struct Fields<'a> {
    headline: &'a str,
    subheadline: Option<&'a str>,
    summary: Option<&'a str>,
    body: &'a [Block],
    access: Access,
    /// The people credited: (name, slug); the slug feeds the author filter.
    people: Vec<(&'a str, &'a str)>,
    section: &'a str,
    section_slug: &'a str,
    tags: &'a [String],
    dateline: Option<&'a str>,
    sources: &'a [String],
}

fn text_of(f: Fields<'_>, preview_paragraphs: usize) -> SearchText {
    let visible: Vec<Block> = match f.access {
        Access::Public => f.body.to_vec(),
        // Registered and members' text is found by its preview only.
        _ => crate::domain::access::preview_blocks(f.body, preview_paragraphs),
    };
    SearchText {
        title: f.headline.to_string(),
        lead: [f.subheadline, f.summary]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        body: body_text(&visible),
        meta: f
            .people
            .iter()
            .map(|(name, _)| *name)
            .chain([f.section])
            .chain(f.tags.iter().map(String::as_str))
            .chain(f.dateline)
            .chain(f.sources.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        facets: [facet(Facet::Section(f.section_slug))]
            .into_iter()
            .chain(f.people.iter().map(|(_, slug)| facet(Facet::Author(slug))))
            .collect(),
    }
}

/// The text of an article being stored, as search sees it.
pub fn search_text(a: &NewArticle, preview_paragraphs: usize) -> SearchText {
    text_of(
        Fields {
            headline: &a.headline,
            subheadline: a.subheadline.as_deref(),
            summary: a.summary.as_deref(),
            body: &a.body,
            access: a.access,
            people: a
                .credits
                .iter()
                .map(|(c, _)| (c.name.as_str(), c.slug.as_str()))
                .collect(),
            section: &a.section.name,
            section_slug: &a.section.slug,
            tags: &a.tags,
            dateline: a.dateline.as_deref(),
            sources: &a.sources,
        },
        preview_paragraphs,
    )
}

/// The text of a stored article as search sees it (for reindexing).
pub fn article_text(a: &crate::domain::Article, preview_paragraphs: usize) -> SearchText {
    text_of(
        Fields {
            headline: &a.headline,
            subheadline: a.subheadline.as_deref(),
            summary: a.summary.as_deref(),
            body: &a.body,
            access: a.access,
            people: a
                .credits
                .iter()
                .map(|c| (c.name.as_str(), c.slug.as_str()))
                .collect(),
            section: &a.section.name,
            section_slug: &a.section.slug,
            tags: &a.tags,
            dateline: a.dateline.as_deref(),
            sources: &a.sources,
        },
        preview_paragraphs,
    )
}

/// The words of a body, block by block.
pub fn body_text(blocks: &[Block]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph { text } | Block::Heading { text } => out.push(text),
            Block::Quote { text, cite } => {
                out.push(text);
                out.extend(cite.as_deref());
            }
            Block::List { items, .. } => out.extend(items.iter().map(String::as_str)),
            Block::Image(img) => {
                out.extend(img.caption.as_deref());
                out.extend(img.credit.as_deref());
            }
            _ => {}
        }
    }
    out.join("\n")
}

/// A search, with its words already analysed.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub terms: Vec<Term>,
    /// Any of these sections (a section and its subsections); none: all.
    pub sections: Vec<String>,
    pub author: Option<String>,
    /// Published at or after / before (UTC seconds).
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub now: i64,
    /// At most this many matches, the newest first, are ranked.
    pub candidates: i64,
}

/// A published story that matches, with the backend's relevance (higher is
/// better, only comparable within one search).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub article_id: i64,
    pub slug: String,
    pub published_at: i64,
    pub relevance: f64,
}

#[async_trait]
pub trait SearchStore: Send + Sync {
    /// How this store analyses what it indexes (set by the core at start;
    /// the defaults are Indonesian and three public paragraphs).
    fn configure_search(&self, settings: SearchSettings);
    fn search_settings(&self) -> std::sync::Arc<SearchSettings>;
    /// The newest `candidates` published stories that have every word of
    /// the query (as written or as its stem), with their relevance.
    async fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>>;
    /// Analyse and index every published story again (after the analysis
    /// or a setting changed); how many were indexed.
    async fn reindex(&self) -> Result<usize>;
}

/// A search's words as the FTS5 query: each word as written in any
/// exact-word column, or its stem in any stem column; every word must
/// match. Terms are letters and digits only, quoted all the same.
pub fn fts5_match(q: &SearchQuery) -> String {
    let mut parts: Vec<String> = q
        .terms
        .iter()
        .map(|t| {
            let (exact, stem) = (t.exact.replace('"', ""), t.stem.replace('"', ""));
            if exact == stem {
                // One token in either kind of column: one doclist to read,
                // not the same one twice (half the work for such words).
                format!(
                    "({{title_exact title_stem lead_exact lead_stem body_exact body_stem meta}} : \"{exact}\")"
                )
            } else {
                format!(
                    "({{title_exact lead_exact body_exact meta}} : \"{exact}\" OR \
                     {{title_stem lead_stem body_stem meta}} : \"{stem}\")"
                )
            }
        })
        .collect();
    // Filters are index tokens (hex, so never quoted text): one lookup.
    for group in facet_groups(q) {
        parts.push(format!("facets : ({})", group.join(" OR ")));
    }
    parts.join(" AND ")
}

/// The filters as groups of facet tokens: a story must have one token of
/// every group.
pub fn facet_groups(q: &SearchQuery) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if !q.sections.is_empty() {
        out.push(
            q.sections
                .iter()
                .map(|s| facet(Facet::Section(s)))
                .collect(),
        );
    }
    if let Some(a) = &q.author {
        out.push(vec![facet(Facet::Author(a))]);
    }
    out
}

/// The same as a PostgreSQL `tsquery`: stems are stored with a `~` in front
/// so they never meet a word as written.
pub fn tsquery(q: &SearchQuery) -> String {
    let lex = |s: &str| format!("'{}'", s.replace(['\'', '\\'], ""));
    q.terms
        .iter()
        .map(|t| format!("({} | {})", lex(&t.exact), lex(&format!("~{}", t.stem))))
        .chain(facet_groups(q).into_iter().map(|g| {
            format!(
                "({})",
                g.iter().map(|f| lex(f)).collect::<Vec<_>>().join(" | ")
            )
        }))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// A document's lexemes for PostgreSQL, by weight: A the headline's words,
/// B its stems, C the lead and body, D their stems and the bylines.
pub fn tsvector_parts(d: &SearchDoc) -> [Vec<String>; 4] {
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_string).collect() };
    let stems =
        |s: &str| -> Vec<String> { s.split_whitespace().map(|w| format!("~{w}")).collect() };
    let mut c = words(&d.lead_exact);
    c.extend(words(&d.body_exact));
    let mut dd = stems(&d.lead_stem);
    dd.extend(stems(&d.body_stem));
    dd.extend(words(&d.meta_exact));
    dd.extend(stems(&d.meta_stem));
    dd.extend(words(&d.facets));
    [words(&d.title_exact), stems(&d.title_stem), c, dd]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_built_from_analysed_words_only() {
        let a = Analyzer::new("id", &[]);
        let t = a.query("pemilihan \"presiden\" OR x*").unwrap();
        let n = t.len();
        let q = SearchQuery {
            terms: t,
            sections: Vec::new(),
            author: None,
            from: None,
            to: None,
            now: 0,
            candidates: 10,
        };
        let m = fts5_match(&q);
        assert!(
            m.contains(": \"pemilihan\"") && m.contains(": \"pilih\""),
            "{m}"
        );
        assert_eq!(m.matches(" AND ").count(), n - 1);
        // A word that is its own stem is one lookup over both kinds of column.
        assert!(m.contains("body_stem meta} : \"presiden\")"), "{m}");
        let ts = tsquery(&q);
        assert!(
            ts.starts_with("('pemilihan' | '~pilih') & ('presiden'"),
            "{ts}"
        );
    }

    #[test]
    fn filters_are_facet_tokens_in_the_match() {
        let a = Analyzer::new("id", &[]);
        let q = SearchQuery {
            terms: a.query("banjir").unwrap(),
            sections: vec!["regional".into(), "jawa".into()],
            author: Some("tari-wulan".into()),
            from: None,
            to: None,
            now: 0,
            candidates: 10,
        };
        let (r, j, t) = (
            facet(Facet::Section("regional")),
            facet(Facet::Section("jawa")),
            facet(Facet::Author("tari-wulan")),
        );
        let m = fts5_match(&q);
        assert!(
            m.ends_with(&format!("AND facets : ({r} OR {j}) AND facets : ({t})")),
            "{m}"
        );
        let ts = tsquery(&q);
        assert!(
            ts.ends_with(&format!("& ('{r}' | '{j}') & ('{t}')")),
            "{ts}"
        );
    }
}
