//! Articles, their typed body blocks, bylines and sections.

use serde::{Deserialize, Serialize};

/// What a contributor did for an article. The wire names are a contract of the
/// Content API; the labels shown to readers come from the locale files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Writer,
    Editor,
    Contributor,
    Photographer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Writer,
        Role::Editor,
        Role::Contributor,
        Role::Photographer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Editor => "editor",
            Role::Contributor => "contributor",
            Role::Photographer => "photographer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Order in a byline: the writer first, as readers expect.
    pub fn rank(self) -> u8 {
        match self {
            Role::Writer => 0,
            Role::Contributor => 1,
            Role::Photographer => 2,
            Role::Editor => 3,
        }
    }
}

/// Who may read an article. Only `Public` is served in full today; the other
/// levels exist so the membership work can gate without a schema change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    #[default]
    Public,
    Registered,
    Members,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Registered => "registered",
            Access::Members => "members",
        }
    }

    pub fn parse(s: &str) -> Option<Access> {
        match s {
            "public" => Some(Access::Public),
            "registered" => Some(Access::Registered),
            "members" => Some(Access::Members),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub src: String,
    #[serde(default)]
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Widths of the responsive JPEG sizes of an uploaded image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub widths: Vec<u32>,
    /// Widths that also exist as WebP.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webp_widths: Vec<u32>,
}

/// One block of an article body. Text is plain text: it is escaped when
/// rendered, so an author can never inject markup or script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        text: String,
    },
    Heading {
        text: String,
    },
    Quote {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cite: Option<String>,
    },
    List {
        #[serde(default)]
        ordered: bool,
        items: Vec<String>,
    },
    Image(Image),
    Video {
        video: String,
    },
    /// "Baca juga": a link to another article. `slug` is set when it points
    /// at a stored article; an imported reference that matched nothing keeps
    /// only its title.
    ReadAlso {
        /// Filled from the stored article's headline when only the slug is
        /// given (the Admin API allows that).
        #[serde(default)]
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        slug: Option<String>,
    },
    PageBreak,
    /// A post or page elsewhere, shown as a link: no third-party script
    /// runs on our pages.
    Embed {
        url: String,
    },
}

impl Block {
    pub fn is_page_break(&self) -> bool {
        matches!(self, Block::PageBreak)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The section this one sits under (one level: Regional > Jawa Timur).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contributor {
    #[serde(default)]
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub bio: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
}

/// A contributor as credited on one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub subheadline: Option<String>,
    pub summary: Option<String>,
    pub section: Section,
    pub credits: Vec<Credit>,
    pub sources: Vec<String>,
    pub dateline: Option<String>,
    /// Seconds since the Unix epoch, UTC.
    pub published_at: i64,
    pub updated_at: Option<i64>,
    pub body: Vec<Block>,
    pub featured_image: Option<Image>,
    pub access: Access,
    /// Titles for search engines and for social cards, when they differ
    /// from the headline.
    pub seo_title: Option<String>,
    pub social_title: Option<String>,
    pub tags: Vec<String>,
    /// Corrections ("Ralat"), oldest first.
    pub corrections: Vec<Correction>,
}

/// A correction to a published story: when and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// Seconds since the Unix epoch, UTC.
    pub at: i64,
    pub text: String,
}

/// The slugs of the stories a body's read-also links name, in order.
pub fn read_also_slugs(body: &[Block]) -> Vec<String> {
    body.iter()
        .filter_map(|b| match b {
            Block::ReadAlso { slug: Some(s), .. } => Some(s.clone()),
            _ => None,
        })
        .collect()
}

impl Article {
    /// The text used for meta descriptions and cards: the summary, else the
    /// start of the first paragraph.
    pub fn description(&self) -> String {
        if let Some(s) = self.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            return s.trim().to_string();
        }
        let first = self.body.iter().find_map(|b| match b {
            Block::Paragraph { text } => Some(text.as_str()),
            _ => None,
        });
        truncate_words(first.unwrap_or(""), 160)
    }

    /// Credits sorted for a byline, keeping the stored order within a role.
    pub fn byline(&self) -> Vec<&Credit> {
        let mut v: Vec<&Credit> = self.credits.iter().collect();
        v.sort_by_key(|c| c.role.rank());
        v
    }

    /// Whether the article was revised after it went out (a minute of slack:
    /// a save right after publishing is not a revision readers care about).
    pub fn is_revised(&self) -> bool {
        self.updated_at.is_some_and(|u| u > self.published_at + 60)
    }
}

/// An article as listed: enough for a teaser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub summary: Option<String>,
    pub section: Section,
    pub published_at: i64,
    pub featured_image: Option<Image>,
    pub comment_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Video {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub source_url: String,
    pub thumbnail: String,
    pub duration_secs: u32,
    pub section: Section,
    pub published_at: i64,
}

impl Video {
    /// "1:35" or "1:02:03", as video lists show durations.
    pub fn duration_label(&self) -> String {
        let s = self.duration_secs;
        if s >= 3600 {
            format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
        } else {
            format!("{}:{:02}", s / 60, s % 60)
        }
    }

    /// ISO 8601 duration for schema.org.
    pub fn iso_duration(&self) -> String {
        format!("PT{}M{}S", self.duration_secs / 60, self.duration_secs % 60)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// The reader who wrote it; none for imported or demo comments.
    pub reader_id: Option<i64>,
    /// Empty when the author deleted their account.
    pub author: String,
    pub body: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

/// Cut `s` at a word boundary so it is at most `max` characters, adding "…".
pub fn truncate_words(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// A story's address on the site: `/<section>/<slug>`.
pub fn article_path(section_slug: &str, slug: &str) -> String {
    format!("/{section_slug}/{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_use_the_content_api_wire_names() {
        let body = vec![
            Block::Paragraph { text: "a".into() },
            Block::ReadAlso {
                title: "T".into(),
                slug: Some("t".into()),
            },
            Block::PageBreak,
        ];
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json[0]["type"], "paragraph");
        assert_eq!(json[1]["type"], "read_also");
        assert_eq!(json[1]["slug"], "t");
        assert_eq!(json[2], serde_json::json!({"type": "page_break"}));
        let back: Vec<Block> = serde_json::from_value(json).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn unresolved_read_also_has_no_slug() {
        let b = Block::ReadAlso {
            title: "Judul".into(),
            slug: None,
        };
        let json = serde_json::to_value(&b).unwrap();
        assert!(json.get("slug").is_none());
    }

    #[test]
    fn roles_parse_their_wire_names_only() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("Penulis"), None);
    }

    #[test]
    fn truncation_keeps_words_whole() {
        let s = "Presiden mengatakan pasukan akan mulai meninggalkan negaranya";
        let t = truncate_words(s, 30);
        assert!(t.chars().count() <= 30, "{t}");
        assert!(t.ends_with('…'));
        assert!(s.starts_with(t.trim_end_matches('…')));
        assert_eq!(truncate_words("pendek", 30), "pendek");
    }

    #[test]
    fn durations_read_like_a_player() {
        let mut v = Video {
            id: 1,
            slug: "v".into(),
            title: "t".into(),
            description: String::new(),
            source_url: String::new(),
            thumbnail: String::new(),
            duration_secs: 95,
            section: Section {
                slug: "s".into(),
                name: "S".into(),
                description: String::new(),
                parent: None,
            },
            published_at: 0,
        };
        assert_eq!(v.duration_label(), "1:35");
        assert_eq!(v.iso_duration(), "PT1M35S");
        v.duration_secs = 3723;
        assert_eq!(v.duration_label(), "1:02:03");
    }
}
