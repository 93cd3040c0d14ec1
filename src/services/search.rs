//! Search over the whole archive: the reader's words analysed as the index
//! was (`domain::search`), matched by the store, then ranked here by
//! relevance with a bonus for recent stories, the same way on both
//! backends. Snippets come from the text the reader may see: a
//! story not open to everyone shows its preview, never more.

use serde::Serialize;

use crate::core::Core;
use crate::domain::search::{QueryError, Snippet, Term, rank};
use crate::error::AppError;
use crate::store::search::{SearchQuery, body_text};

/// Results a page shows.
pub const PER_PAGE: usize = 10;
/// Matches ranked, the newest first: beyond them a reader narrows by
/// section, author or date. Scoring is most of a search's cost (bm25 and
/// ts_rank read every candidate's positions), so the number is kept to
/// what a reader pages through: 30 pages.
pub const CANDIDATES: i64 = 300;

/// What a reader asked for.
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pub q: String,
    pub section: Option<String>,
    pub author: Option<String>,
    /// Days, "2026-11-27", in the site's zone; `to` is included.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("{0} must be a date like 2026-11-27")]
    BadDate(&'static str),
    #[error(transparent)]
    Other(#[from] AppError),
}

impl From<crate::store::StoreError> for SearchError {
    fn from(e: crate::store::StoreError) -> Self {
        SearchError::Other(e.into())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub slug: String,
    pub path: String,
    pub title: String,
    pub section_slug: String,
    pub section_name: String,
    pub published_at: i64,
    /// Who may read the whole story; anything but public shows its preview.
    pub access: crate::domain::Access,
    /// The headline, its matched words marked.
    pub title_parts: Vec<Snippet>,
    pub snippet: Vec<Snippet>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Matches found (at most `CANDIDATES`).
    pub total: usize,
    /// More matched than were ranked.
    pub capped: bool,
    pub page: i64,
    pub pages: i64,
    #[serde(skip)]
    pub terms: Vec<Term>,
}

pub async fn search(core: &Core, p: &SearchParams) -> Result<Results, SearchError> {
    let settings = core.store.search_settings();
    let terms = settings.analyzer.query(&p.q)?;
    let day = |s: &Option<String>, name: &'static str| -> Result<Option<i64>, SearchError> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(d) => core
                .zone
                .day_start(d)
                .map(Some)
                .ok_or(SearchError::BadDate(name)),
        }
    };
    let from = day(&p.from, "from")?;
    let to = day(&p.to, "to")?.map(|t| t + 86_400);
    let now = core.clock.now();
    // A section and its subsections (a name no section has finds nothing).
    let sections: Vec<String> = match p.section.as_deref().filter(|s| !s.is_empty()) {
        None => Vec::new(),
        Some(wanted) => std::iter::once(wanted.to_string())
            .chain(
                core.store
                    .sections()
                    .await?
                    .into_iter()
                    .filter(|s| s.parent.as_deref() == Some(wanted))
                    .map(|s| s.slug),
            )
            .collect(),
    };
    let mut hits = core
        .store
        .search(&SearchQuery {
            terms: terms.clone(),
            sections,
            author: p.author.clone().filter(|s| !s.is_empty()),
            from,
            to,
            now,
            candidates: CANDIDATES,
        })
        .await?;
    let best = hits
        .iter()
        .map(|h| h.relevance)
        .fold(f64::MIN_POSITIVE, f64::max);
    hits.sort_by(|a, b| {
        let sa = rank(a.relevance / best, now - a.published_at);
        let sb = rank(b.relevance / best, now - b.published_at);
        sb.total_cmp(&sa)
            .then(b.published_at.cmp(&a.published_at))
            .then(b.article_id.cmp(&a.article_id))
    });
    let total = hits.len();
    let pages = (total.div_ceil(PER_PAGE)).max(1) as i64;
    let page = p.page.clamp(1, pages);
    let from_i = (page as usize - 1) * PER_PAGE;
    let mut out = Vec::new();
    for h in hits.iter().skip(from_i).take(PER_PAGE) {
        let Some(a) = core.store.article(&h.slug, now).await? else {
            continue;
        };
        // Search serves everyone alike (one cached page): a story that not
        // every reader may read shows only its preview.
        let visible = if a.access != crate::domain::Access::Public {
            crate::domain::access::preview_blocks(&a.body, settings.preview_paragraphs)
        } else {
            a.body.clone()
        };
        // The snippet: from the public text where a word matched, else the
        // summary or the start.
        let body = body_text(&visible);
        let lead = [a.subheadline.as_deref(), a.summary.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let from_body = settings.analyzer.snippet(&body, &terms, 220);
        let snippet = if from_body.iter().any(|s| s.mark) || lead.is_empty() {
            from_body
        } else {
            settings.analyzer.snippet(&lead, &terms, 220)
        };
        out.push(Hit {
            title_parts: settings.analyzer.snippet(&a.headline, &terms, usize::MAX),
            path: crate::domain::article::article_path(&a.section.slug, &a.slug),
            slug: a.slug,
            title: a.headline,
            section_slug: a.section.slug,
            section_name: a.section.name,
            published_at: a.published_at,
            access: a.access,
            snippet,
        });
    }
    Ok(Results {
        hits: out,
        total,
        capped: total as i64 >= CANDIDATES,
        page,
        pages,
        terms,
    })
}
