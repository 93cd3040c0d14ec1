//! Text analysis for search, written once and used by both backends (so
//! SQLite and PostgreSQL find the same stories): Unicode normalisation,
//! lower case, words split at anything that is not a letter or digit,
//! reduplication (`anak-anak` is `anak`), stop words, and the Snowball
//! stemmer (Indonesian or English, by the site's language).
//!
//! Every word is kept twice: exactly as written (lower-cased) and as its
//! stem. A query word matches a story that has it exactly *or* has its
//! stem, and exact matches rank higher, because the Indonesian stemmer
//! over-cuts some words (`berita` becomes `ita`, `perintah` becomes
//! `intah`): those are on a stem-exclusion list the site can extend.
//!
//! The Indonesian stop words are our own short list of function words. The
//! usual lists (stopwords-iso, NLTK: 758 words) also drop words readers
//! search for in news: `tahun`, `baru`, `hari`, `kata`, `akhir`, `bapak`
//! ("tahun baru" would find nothing). English uses NLTK's list.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;
use waken_snowball::Algorithm;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Words of a query that count (the rest are ignored).
pub const MAX_QUERY_TERMS: usize = 12;

/// Function words: they carry no meaning a reader searches for.
const ID_STOP: &[&str] = &[
    "ada", "adalah", "agar", "akan", "aku", "anda", "antara", "apa", "apakah", "atas", "atau",
    "bagi", "bahwa", "beberapa", "begitu", "belum", "bisa", "dalam", "dan", "dapat", "dari",
    "demikian", "dengan", "di", "dia", "ia", "ini", "itu", "jika", "juga", "kalau", "kami", "kamu",
    "karena", "ke", "kepada", "kita", "lagi", "lah", "maka", "masih", "mereka", "namun", "nya",
    "oleh", "pada", "para", "pun", "saat", "saja", "sangat", "saya", "se", "sebagai", "sebuah",
    "sedang", "sehingga", "sejak", "selain", "seperti", "serta", "setelah", "sudah", "tak", "tapi",
    "telah", "tentang", "tersebut", "tetapi", "tidak", "untuk", "yaitu", "yakni", "yang",
];

/// Words the Indonesian stemmer over-cuts: they are their own stem.
const ID_STEM_EXCLUSIONS: &[&str] = &[
    "berita",
    "menteri",
    "perintah",
    "pemerintah",
    "pertama",
    "bertanya",
    "kemarin",
    "belanja",
    "peringkat",
    "pesan",
    "seri",
    "tewas",
    "teror",
    "terang",
    "mengerti",
    "kereta",
    "ketua",
    "keluarga",
    "negara",
];

/// A site's search language and its own stem exclusions.
#[derive(Debug, Clone)]
pub struct Analyzer {
    algorithm: Algorithm,
    stop: HashSet<&'static str>,
    exclusions: HashSet<String>,
}

/// One word of a text or a query: as written, and its stem.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub exact: String,
    pub stem: String,
}

/// What the index keeps of a story, by field, each a space-separated list
/// of words (exact) or stems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    pub title_exact: String,
    pub title_stem: String,
    /// Subtitle and summary.
    pub lead_exact: String,
    pub lead_stem: String,
    /// The body a reader without membership may read.
    pub body_exact: String,
    pub body_stem: String,
    /// Bylines, section, tags, dateline and sources.
    pub meta_exact: String,
    pub meta_stem: String,
    /// Filter tokens (`facet`): the story's section and its authors, so a
    /// filtered search is one index lookup, not a walk through matches.
    pub facets: String,
}

/// What a search can be narrowed to, as an index token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Facet<'a> {
    Section(&'a str),
    Author(&'a str),
}

/// The index token of a facet: a letter and the slug in hex, so that it is
/// one word to every tokenizer and can never be a word a reader types.
pub fn facet(f: Facet<'_>) -> String {
    let (kind, slug) = match f {
        Facet::Section(s) => ("fs", s),
        Facet::Author(s) => ("fa", s),
    };
    let mut out = String::from(kind);
    for b in slug.bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The text of a story, by field, as search sees it.
#[derive(Debug, Clone, Default)]
pub struct SearchText {
    pub title: String,
    pub lead: String,
    /// Only the public part of a members-only story.
    pub body: String,
    pub meta: String,
    /// Index tokens made with `facet`.
    pub facets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("type a word to search for")]
    Empty,
    #[error("a search is at most {MAX_QUERY_CHARS} characters")]
    TooLong,
}

impl Analyzer {
    /// The analyzer for a site writing in `locale` ("id" or "en"), with
    /// `exclusions` added to the built-in stem exclusions.
    pub fn new(locale: &str, exclusions: &[String]) -> Analyzer {
        let (algorithm, stop, builtin): (Algorithm, Vec<&'static str>, &[&str]) = if locale == "en"
        {
            (Algorithm::English, stop_words::get("en").to_vec(), &[])
        } else {
            (Algorithm::Indonesian, ID_STOP.to_vec(), ID_STEM_EXCLUSIONS)
        };
        Analyzer {
            algorithm,
            stop: stop.into_iter().collect(),
            exclusions: builtin
                .iter()
                .map(|s| s.to_string())
                .chain(exclusions.iter().map(|s| s.trim().to_lowercase()))
                .collect(),
        }
    }

    fn stem(&self, word: &str) -> String {
        if self.exclusions.contains(word) || word.chars().any(|c| c.is_ascii_digit()) {
            return word.to_string();
        }
        waken_snowball::stem(self.algorithm, word).into_owned()
    }

    /// The words of `text`, in order, without stop words.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        let normal: String = text.nfkc().flat_map(char::to_lowercase).collect();
        let mut out = Vec::new();
        // Words, with hyphens kept inside them so reduplication is seen.
        for raw in normal.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
            let parts: Vec<&str> = raw.split('-').filter(|p| !p.is_empty()).collect();
            let words: Vec<&str> = match parts.as_slice() {
                // anak-anak, kupu-kupu: one word.
                [a, b] if a == b => vec![a],
                // berlari-lari, sayur-mayur: each part.
                _ => parts,
            };
            for w in words {
                if self.stop.contains(w) || w.chars().count() > 40 {
                    continue;
                }
                out.push(Term {
                    exact: w.to_string(),
                    stem: self.stem(w),
                });
            }
        }
        out
    }

    /// The index entry of a story.
    pub fn document(&self, t: &SearchText) -> SearchDoc {
        let split = |text: &str| {
            let terms = self.terms(text);
            let exact: Vec<&str> = terms.iter().map(|t| t.exact.as_str()).collect();
            let stem: Vec<&str> = terms.iter().map(|t| t.stem.as_str()).collect();
            (exact.join(" "), stem.join(" "))
        };
        let (title_exact, title_stem) = split(&t.title);
        let (lead_exact, lead_stem) = split(&t.lead);
        let (body_exact, body_stem) = split(&t.body);
        let (meta_exact, meta_stem) = split(&t.meta);
        SearchDoc {
            title_exact,
            title_stem,
            lead_exact,
            lead_stem,
            body_exact,
            body_stem,
            meta_exact,
            meta_stem,
            facets: t.facets.join(" "),
        }
    }

    /// The words a reader searched for (at most `MAX_QUERY_TERMS`, each
    /// once). Operators, quotes and punctuation are only separators: the
    /// query language is words.
    pub fn query(&self, q: &str) -> Result<Vec<Term>, QueryError> {
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut seen = HashSet::new();
        let terms: Vec<Term> = self
            .terms(q)
            .into_iter()
            .filter(|t| seen.insert(t.exact.clone()))
            .take(MAX_QUERY_TERMS)
            .collect();
        if terms.is_empty() {
            return Err(QueryError::Empty);
        }
        Ok(terms)
    }

    /// The part of `text` to show under a result: the window of about
    /// `max_chars` around the first word that matches `query`, cut at word
    /// boundaries, as runs of plain and matched text (for `<mark>`).
    pub fn snippet(&self, text: &str, query: &[Term], max_chars: usize) -> Vec<Snippet> {
        let wanted_exact: HashSet<&str> = query.iter().map(|t| t.exact.as_str()).collect();
        let wanted_stem: HashSet<&str> = query.iter().map(|t| t.stem.as_str()).collect();
        // Word spans in the original text.
        let mut spans: Vec<(usize, usize, bool)> = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            let wordy = c.is_alphanumeric();
            match (start, wordy) {
                (None, true) => start = Some(i),
                (Some(s), false) => {
                    let w: String = text[s..i].nfkc().flat_map(char::to_lowercase).collect();
                    let hit = wanted_exact.contains(w.as_str())
                        || (!self.stop.contains(w.as_str())
                            && wanted_stem.contains(self.stem(&w).as_str()));
                    spans.push((s, i, hit));
                    start = None;
                }
                _ => {}
            }
        }
        let first_hit = spans.iter().position(|s| s.2).unwrap_or(0);
        // Start a few words before the first match.
        let from_word = first_hit.saturating_sub(6);
        let from = if from_word == 0 {
            0
        } else {
            spans[from_word].0
        };
        let mut to = text.len();
        for s in &spans[from_word..] {
            if text[from..s.1].chars().count() > max_chars {
                to = s.0;
                break;
            }
        }
        let mut out = Vec::new();
        if from > 0 {
            out.push(Snippet::text("… "));
        }
        let mut at = from;
        for &(s, e, hit) in spans.iter().filter(|s| s.0 >= from && s.1 <= to && s.2) {
            if s > at {
                out.push(Snippet::text(&text[at..s]));
            }
            out.push(Snippet {
                text: text[s..e].to_string(),
                mark: hit,
            });
            at = e;
        }
        if to > at {
            out.push(Snippet::text(text[at..to].trim_end()));
        }
        if to < text.len() {
            out.push(Snippet::text(" …"));
        }
        out
    }
}

/// A run of a result's snippet: matched words are marked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Snippet {
    pub text: String,
    pub mark: bool,
}

impl Snippet {
    fn text(s: &str) -> Snippet {
        Snippet {
            text: s.to_string(),
            mark: false,
        }
    }
}

/// How a match's relevance and its age make its place in the results:
/// relevance (0 to 1 within the candidates) counts most; a story loses a
/// third of its recency bonus every 30 days.
pub fn rank(relevance: f64, age_secs: i64) -> f64 {
    let days = (age_secs.max(0) as f64) / 86_400.0;
    relevance + 0.5 / (1.0 + days / 30.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> Analyzer {
        Analyzer::new("id", &[])
    }

    fn stems(a: &Analyzer, text: &str) -> Vec<String> {
        a.terms(text).into_iter().map(|t| t.stem).collect()
    }

    #[test]
    fn facets_are_single_tokens_no_reader_types() {
        assert_eq!(facet(Facet::Section("nasional")), "fs6e6173696f6e616c");
        assert_eq!(facet(Facet::Author("a-b")), "fa612d62");
        assert_ne!(facet(Facet::Section("ab")), facet(Facet::Author("ab")));
        assert!(
            facet(Facet::Section("kesehatan-jiwa"))
                .chars()
                .all(|c| c.is_ascii_alphanumeric())
        );
    }

    #[test]
    fn forms_of_a_word_share_a_stem() {
        let a = id();
        for w in ["pemilihan", "memilih", "dipilih", "terpilih", "pilihan"] {
            assert_eq!(stems(&a, w), ["pilih"], "{w}");
        }
        assert_eq!(stems(&a, "pembangunan"), ["bangun"]);
        assert_eq!(stems(&a, "kebanjiran"), ["banjir"]);
    }

    #[test]
    fn over_cut_words_are_their_own_stem() {
        let a = id();
        assert_eq!(
            stems(&a, "berita menteri pemerintah"),
            ["berita", "menteri", "pemerintah"]
        );
        let more = Analyzer::new("id", &["Kereta".into()]);
        assert_eq!(stems(&more, "kereta"), ["kereta"]);
    }

    #[test]
    fn reduplication_normalisation_and_stop_words() {
        let a = id();
        let t = a.terms("Anak-anak yang BERMAIN di Café, sayur-mayur");
        let exact: Vec<&str> = t.iter().map(|t| t.exact.as_str()).collect();
        assert_eq!(exact, ["anak", "bermain", "café", "sayur", "mayur"]);
        // NFKC: a ligature and full-width letters are plain letters.
        assert_eq!(a.terms("ﬁnal ｊａｋａｒｔａ")[1].exact, "jakarta");
        assert!(a.terms("yang dan di ke dari").is_empty());
        // Content words the usual stop lists drop are kept.
        assert_eq!(a.terms("tahun baru").len(), 2);
    }

    #[test]
    fn queries_are_words_only() {
        let a = id();
        for q in [
            "\"banjir\" OR NEAR(x)",
            "banjir*",
            "-banjir",
            "banjir'; DROP TABLE x;--",
        ] {
            let t = a.query(q).unwrap();
            assert!(t.iter().any(|t| t.exact == "banjir"), "{q}");
            assert!(
                t.iter().all(|t| t.exact.chars().all(char::is_alphanumeric)),
                "{q}"
            );
        }
        assert_eq!(a.query("  ...  "), Err(QueryError::Empty));
        assert_eq!(a.query("yang dan"), Err(QueryError::Empty));
        assert_eq!(a.query(&"a".repeat(201)), Err(QueryError::TooLong));
        assert_eq!(a.query(&"kata ".repeat(30)).unwrap().len(), 1);
    }

    #[test]
    fn english_sites_use_the_english_stemmer() {
        let a = Analyzer::new("en", &[]);
        assert_eq!(stems(&a, "elections elected the"), ["elect", "elect"]);
    }

    #[test]
    fn snippets_mark_matches_around_the_first_one() {
        let a = id();
        let q = a.query("pemilihan").unwrap();
        let text = "Hujan turun sejak pagi di seluruh kota dan sekitarnya. Warga yang \
                    memilih datang lebih awal ke TPS, dan panitia menyiapkan tenda.";
        let s = a.snippet(text, &q, 60);
        let marked: Vec<&str> = s
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["memilih"]);
        let joined: String = s.iter().map(|p| p.text.as_str()).collect();
        assert!(
            joined.starts_with("… ") && joined.ends_with(" …"),
            "{joined}"
        );
        assert!(joined.chars().count() < 80, "{joined}");
    }

    #[test]
    fn newer_stories_rank_higher_at_equal_relevance() {
        assert!(rank(0.5, 0) > rank(0.5, 86_400 * 60));
        assert!(rank(1.0, 86_400 * 365) > rank(0.2, 0));
    }
}
