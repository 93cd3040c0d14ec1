//! Page-text importer: turns the text a reader's browser copies from a news
//! article page (select all, copy) into structured article data.
//!
//! The code knows only the general shape of such a page: chrome, headline,
//! kicker (site, date, time, zone), credits, dateline, body, more chrome.
//! Everything portal-specific (labels, patterns, chrome) comes from a
//! [`SiteProfile`] loaded from TOML, so a new portal is a new profile file.

mod parser;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use regex::{Captures, Regex};
use serde::Deserialize;

/// Stands in the dateline pattern for the site label read from the kicker, so
/// the dateline may print the label in another case ("Site.com" / "SITE.com").
const SITE_PLACEHOLDER: &str = "{site}";

/// Used to check a `{site}` dateline pattern when the profile is loaded.
const SAMPLE_SITE: &str = "example.test";

/// A line ending in one of these is a sentence or a lead-in, never a subheading.
const SENTENCE_END: &[char] = &['.', '!', '?', ':', ';', ',', '…'];

/// Closing quotes and brackets are looked through to find a line's last
/// punctuation: `“Kami siap.”` ends a sentence, `“Perawatan dan pengawasan”` does not.
const CLOSERS: &[char] = &['"', '\'', '”', '’', '»', '›', ')', ']'];

/// Credits and sources are names, not sentences: these bounds keep a lede
/// such as "Editor senior itu ..." from being read as a credit.
const MAX_NAME_CHARS: usize = 60;
const MAX_NAME_WORDS: usize = 6;
const MAX_SOURCE_CHARS: usize = 40;
const MAX_SOURCE_WORDS: usize = 5;

/// Lines between the credits and the dateline that are neither (a photo
/// caption, a credit line the profile does not know) before we stop looking.
const MAX_HEADER_NOISE_LINES: usize = 3;

/// How one portal's pages look. Load with [`SiteProfile::from_toml`]; the
/// fields are documented in the profile files under `profiles/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawProfile")]
pub struct SiteProfile {
    name: String,
    kicker: Regex,
    updated: Option<Regex>,
    dateline: Option<DatelineRule>,
    /// Longest label first, so "Editor Foto" wins over "Editor".
    roles: Vec<(String, ImportedRole)>,
    source_prefixes: Vec<String>,
    source_separator: Regex,
    read_also_prefixes: Vec<String>,
    max_heading_chars: usize,
    chrome: LineSet,
    end_markers: LineSet,
}

#[derive(Debug, Clone)]
pub(super) enum DatelineRule {
    Fixed(Regex),
    /// Pattern text containing [`SITE_PLACEHOLDER`], compiled per page.
    PerSite(String),
}

#[derive(Debug, Clone, Default)]
pub(super) struct LineSet {
    lines: Vec<String>,
    patterns: Vec<Regex>,
}

impl LineSet {
    fn contains(&self, line: &str) -> bool {
        self.lines.iter().any(|l| l == line) || self.patterns.iter().any(|p| p.is_match(line))
    }
}

/// The profile file as written; [`SiteProfile`] is its checked, compiled form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProfile {
    name: String,
    kicker: String,
    #[serde(default)]
    updated: Option<String>,
    #[serde(default)]
    dateline: Option<String>,
    #[serde(default)]
    roles: BTreeMap<String, ImportedRole>,
    #[serde(default)]
    source_prefixes: Vec<String>,
    #[serde(default)]
    source_separator: Option<String>,
    #[serde(default)]
    read_also_prefixes: Vec<String>,
    #[serde(default = "default_max_heading_chars")]
    max_heading_chars: usize,
    #[serde(default)]
    chrome: RawLineSet,
    #[serde(default)]
    end_markers: RawLineSet,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLineSet {
    #[serde(default)]
    lines: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
}

pub(super) fn default_max_heading_chars() -> usize {
    80
}

const DEFAULT_SOURCE_SEPARATOR: &str = r"\s*[,;/&]\s*";

/// Why a profile could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("the profile is not valid TOML or has a missing, unknown or mistyped field: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("profile field `{field}` is not a valid regular expression: {source}")]
    Regex { field: String, source: regex::Error },
    #[error("profile field `{field}` must capture the named group `(?P<{group}>...)`")]
    MissingGroup { field: String, group: &'static str },
    #[error("profile field `{field}` is invalid: {reason}")]
    Invalid { field: String, reason: String },
}

pub(super) fn invalid(field: &str, reason: &str) -> ProfileError {
    ProfileError::Invalid {
        field: field.to_string(),
        reason: reason.to_string(),
    }
}

pub(super) fn compile(field: &str, pattern: &str) -> Result<Regex, ProfileError> {
    Regex::new(pattern).map_err(|e| ProfileError::Regex {
        field: field.to_string(),
        source: e,
    })
}

pub(super) fn require_groups(
    field: &str,
    re: &Regex,
    groups: &[&'static str],
) -> Result<(), ProfileError> {
    for &group in groups {
        if !re.capture_names().any(|n| n == Some(group)) {
            return Err(ProfileError::MissingGroup {
                field: field.to_string(),
                group,
            });
        }
    }
    Ok(())
}

pub(super) fn non_empty_list(field: &str, items: Vec<String>) -> Result<Vec<String>, ProfileError> {
    let items: Vec<String> = items.iter().map(|s| normalize_line(s)).collect();
    if items.iter().any(String::is_empty) {
        return Err(invalid(field, "entries must not be empty"));
    }
    Ok(items)
}

pub(super) fn compile_line_set(field: &str, raw: RawLineSet) -> Result<LineSet, ProfileError> {
    let lines = non_empty_list(&format!("{field}.lines"), raw.lines)?;
    let patterns = raw
        .patterns
        .iter()
        .enumerate()
        .map(|(i, p)| compile(&format!("{field}.patterns[{i}]"), p))
        .collect::<Result<_, _>>()?;
    Ok(LineSet { lines, patterns })
}

/// The site label as a case-insensitive literal inside a pattern.
pub(super) fn site_pattern(site: &str) -> String {
    format!("(?i:{})", regex::escape(site))
}

const TIME_GROUPS: &[&str] = &["d", "m", "y", "H", "M"];

impl TryFrom<RawProfile> for SiteProfile {
    type Error = ProfileError;

    fn try_from(raw: RawProfile) -> Result<Self, ProfileError> {
        let name = raw.name.trim().to_string();
        if name.is_empty() {
            return Err(invalid("name", "must not be empty"));
        }
        let kicker = compile("kicker", &raw.kicker)?;
        require_groups("kicker", &kicker, TIME_GROUPS)?;
        require_groups("kicker", &kicker, &["zone"])?;
        let updated = match raw.updated {
            Some(p) => {
                let re = compile("updated", &p)?;
                require_groups("updated", &re, TIME_GROUPS)?;
                Some(re)
            }
            None => None,
        };
        let dateline = match raw.dateline {
            Some(p) if p.contains(SITE_PLACEHOLDER) => {
                if !kicker.capture_names().any(|n| n == Some("site")) {
                    return Err(invalid(
                        "dateline",
                        "uses {site}, so the kicker pattern must capture a `site` group",
                    ));
                }
                let sample = p.replace(SITE_PLACEHOLDER, &site_pattern(SAMPLE_SITE));
                require_groups(
                    "dateline",
                    &compile("dateline", &sample)?,
                    &["city", "rest"],
                )?;
                Some(DatelineRule::PerSite(p))
            }
            Some(p) => {
                let re = compile("dateline", &p)?;
                require_groups("dateline", &re, &["city", "rest"])?;
                Some(DatelineRule::Fixed(re))
            }
            None => None,
        };
        let mut roles = Vec::with_capacity(raw.roles.len());
        for (label, role) in raw.roles {
            let label = normalize_line(&label);
            if label.is_empty() {
                return Err(invalid("roles", "a role label must not be empty"));
            }
            roles.push((label, role));
        }
        roles.sort_by_key(|(label, _)| std::cmp::Reverse(label.chars().count()));
        let source_separator = compile(
            "source_separator",
            raw.source_separator
                .as_deref()
                .unwrap_or(DEFAULT_SOURCE_SEPARATOR),
        )?;
        if raw.max_heading_chars == 0 {
            return Err(invalid("max_heading_chars", "must be at least 1"));
        }
        Ok(SiteProfile {
            name,
            kicker,
            updated,
            dateline,
            roles,
            source_prefixes: non_empty_list("source_prefixes", raw.source_prefixes)?,
            source_separator,
            read_also_prefixes: non_empty_list("read_also_prefixes", raw.read_also_prefixes)?,
            max_heading_chars: raw.max_heading_chars,
            chrome: compile_line_set("chrome", raw.chrome)?,
            end_markers: compile_line_set("end_markers", raw.end_markers)?,
        })
    }
}

impl SiteProfile {
    /// Loads and checks a profile: every pattern must compile and capture the
    /// groups the parser reads.
    pub fn from_toml(src: &str) -> Result<SiteProfile, ProfileError> {
        let raw: RawProfile = toml::from_str(src)?;
        SiteProfile::try_from(raw)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when some line of `text` is this portal's kicker, i.e. the text
    /// looks like one of its article pages.
    pub fn matches(&self, text: &str) -> bool {
        normalize_lines(text)
            .iter()
            .any(|l| self.kicker.is_match(l))
    }

    fn is_chrome(&self, line: &str) -> bool {
        self.chrome.contains(line)
    }

    fn dateline_regex(&self, site: Option<&str>) -> Option<Regex> {
        match self.dateline.as_ref()? {
            DatelineRule::Fixed(re) => Some(re.clone()),
            DatelineRule::PerSite(p) => {
                let site = site.map(str::trim).filter(|s| !s.is_empty())?;
                Regex::new(&p.replace(SITE_PLACEHOLDER, &site_pattern(site))).ok()
            }
        }
    }

    fn updated_in<'a>(&self, line: &'a str) -> Option<Captures<'a>> {
        self.updated.as_ref()?.captures(line)
    }

    /// The credit and source items on a header line, or None when the line is
    /// not entirely made of them (then it is body or noise). Parts may share a
    /// line separated by `|`.
    fn header_items(&self, line: &str) -> Option<Vec<HeaderItem>> {
        line.split('|')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| self.header_item(p))
            .collect::<Option<Vec<_>>>()
            .filter(|items| !items.is_empty())
    }

    fn header_item(&self, part: &str) -> Option<HeaderItem> {
        if let Some(sources) = self.sources_in(part) {
            return Some(HeaderItem::Sources(sources));
        }
        let bare = part.trim_end_matches(':').trim_end();
        if let Some((_, role)) = self.roles.iter().find(|(label, _)| eq_ci(bare, label)) {
            return Some(HeaderItem::Label(*role));
        }
        for (label, role) in &self.roles {
            // "Editor Rina", "Editor: Rina", or glued "EditorRina".
            if let Some(rest) = strip_prefix_ci(part, label) {
                let name = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
                let glued = name.len() == rest.len();
                if (!glued || starts_upper(name)) && looks_like_name(name) {
                    return Some(HeaderItem::Credit(name.to_string(), *role));
                }
            }
            // "Rina Editor", or glued "Rahmat HidayatPenulis".
            if let Some(rest) = strip_suffix_ci(part, label) {
                let name =
                    rest.trim_end_matches(|c: char| c == '-' || c == ',' || c.is_whitespace());
                if looks_like_name(name) {
                    return Some(HeaderItem::Credit(name.to_string(), *role));
                }
            }
        }
        looks_like_name(part).then(|| HeaderItem::Name(part.to_string()))
    }

    /// "Sumber AFP, Reuters" -> ["AFP", "Reuters"]; "Sumber-sumber di ..." -> None.
    fn sources_in(&self, part: &str) -> Option<Vec<String>> {
        self.source_prefixes.iter().find_map(|prefix| {
            let rest = strip_prefix_ci(part, prefix)?;
            let list = rest.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
            if list.len() == rest.len() && !starts_upper(list) {
                return None; // "Sumbernya", "Sumber-sumber": a word, not a label
            }
            let items: Vec<String> = self
                .source_separator
                .split(list)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            (!items.is_empty() && items.iter().all(|s| looks_like_source(s))).then_some(items)
        })
    }

    /// Sources whose prefix stands alone on `line` and whose list is `next`.
    fn sources_split_over(&self, line: &str, next: &str) -> Option<Vec<String>> {
        let bare = line.trim_end_matches(':').trim_end();
        let prefix = self.source_prefixes.iter().find(|p| eq_ci(bare, p))?;
        self.sources_in(&format!("{prefix} {next}"))
    }

    /// The referenced title of a read-also line ("Baca juga : Judul"), empty
    /// when the title is on the next line; None for any other line.
    fn read_also_in<'a>(&self, line: &'a str) -> Option<&'a str> {
        self.read_also_prefixes.iter().find_map(|prefix| {
            let rest = strip_prefix_ci(line, prefix)?.trim_start();
            Some(rest.strip_prefix(':')?.trim())
        })
    }

    fn heading_shaped(&self, text: &str) -> bool {
        let last = text.trim_end_matches(CLOSERS).chars().next_back();
        text.chars().count() <= self.max_heading_chars
            && text.chars().any(char::is_alphanumeric)
            && last.is_some_and(|c| !SENTENCE_END.contains(&c))
    }
}

#[derive(Debug)]
pub(super) enum HeaderItem {
    Credit(String, ImportedRole),
    Name(String),
    Label(ImportedRole),
    Sources(Vec<String>),
}

/// A contributor's role, from the profile's `[roles]` labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportedRole {
    Writer,
    Editor,
    Contributor,
    Photographer,
}

/// A wall-clock time as printed on the page, in the article's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDateTime {
    pub year: i16,
    pub month: i8,
    pub day: i8,
    pub hour: i8,
    pub minute: i8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportedBlock {
    Paragraph(String),
    Heading(String),
    /// The title of the referenced article.
    ReadAlso(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedArticle {
    pub headline: String,
    /// As printed on the page, in `zone`.
    pub published: LocalDateTime,
    /// Zone label as printed: "WIB", "WITA" or "WIT".
    pub zone: String,
    pub updated: Option<LocalDateTime>,
    pub contributors: Vec<(String, ImportedRole)>,
    pub sources: Vec<String>,
    pub dateline: Option<String>,
    /// In page order; the first paragraph without its dateline prefix.
    pub body: Vec<ImportedBlock>,
}

/// Why a text was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("the text is empty")]
    Empty,
    #[error(
        "no publication time: no line has the site, date and time in the shape of the `{profile}` profile's kicker, so this is not an article page of that site"
    )]
    NoPublicationTime { profile: String },
    #[error("the publication time in `{0}` is not a real date and time")]
    InvalidPublicationTime(String),
    #[error("the updated time in `{0}` is not a real date and time")]
    InvalidUpdatedTime(String),
    #[error("no headline: there is no text line above the publication time")]
    NoHeadline,
    #[error("no body: no article paragraph follows the publication time and credits")]
    NoBody,
}

/// Parses the copied text of one article page of the profile's portal.
pub use parser::parse;
use parser::*;
