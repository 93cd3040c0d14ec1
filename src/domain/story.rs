//! A story as the newsroom edits it: the Content API's article shape
//! (without `url`), kept as one document per revision.

use serde::{Deserialize, Serialize};

use super::article::{Access, Block, Correction, Image, Role};
use super::slug;

/// A section named by slug, as a string or as the Content API's object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(from = "SectionWire")]
pub struct SectionRef {
    pub slug: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SectionWire {
    Slug(String),
    Object {
        slug: String,
        #[serde(default)]
        name: Option<String>,
    },
}

impl From<SectionWire> for SectionRef {
    fn from(w: SectionWire) -> Self {
        match w {
            SectionWire::Slug(slug) => SectionRef { slug, name: None },
            SectionWire::Object { slug, name } => SectionRef { slug, name },
        }
    }
}

/// A credit: a contributor by name (found or created) or by slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRef {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StoryDoc {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub seo_title: Option<String>,
    #[serde(default)]
    pub social_title: Option<String>,
    #[serde(default)]
    pub section: SectionRef,
    #[serde(default)]
    pub contributors: Vec<CreditRef>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub dateline: Option<String>,
    #[serde(default)]
    pub featured_image: Option<Image>,
    #[serde(default)]
    pub body: Vec<Block>,
    #[serde(default)]
    pub access: Access,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
}

/// A field that is wrong, named the way the JSON names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

const MAX_TITLE: usize = 300;

impl StoryDoc {
    /// Empty optional texts become none, whitespace is trimmed, and a
    /// missing slug is made from the title.
    pub fn normalize(&mut self) {
        // Hidden characters (bidi controls, private use) leave every field.
        if let Ok(mut v) = serde_json::to_value(&*self) {
            super::text::strip_hidden_json(&mut v);
            if let Ok(clean) = serde_json::from_value(v) {
                *self = clean;
            }
        }
        fn opt(v: &mut Option<String>) {
            if let Some(s) = v {
                let t = s.trim();
                *v = (!t.is_empty()).then(|| t.to_string());
            }
        }
        self.title = self.title.trim().to_string();
        for o in [
            &mut self.subtitle,
            &mut self.summary,
            &mut self.seo_title,
            &mut self.social_title,
            &mut self.dateline,
        ] {
            opt(o);
        }
        self.slug = self.slug.trim().to_string();
        if self.slug.is_empty() {
            self.slug = slug::slugify(&self.title, 80);
        }
        self.section.slug = self.section.slug.trim().to_string();
        self.sources.retain(|s| !s.trim().is_empty());
        self.tags = self
            .tags
            .iter()
            .map(|t| t.trim().to_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        self.tags.dedup();
        for c in &mut self.contributors {
            c.name = c.name.trim().to_string();
        }
        self.contributors
            .retain(|c| !c.name.is_empty() || c.slug.is_some());
    }

    /// What any saved draft must have.
    pub fn check_draft(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.title.is_empty() {
            errs.push(FieldError::new("title", "a story needs a headline"));
        } else if self.title.chars().count() > MAX_TITLE {
            errs.push(FieldError::new(
                "title",
                format!("at most {MAX_TITLE} characters"),
            ));
        }
        if !slug::is_valid(&self.slug) {
            errs.push(FieldError::new(
                "slug",
                "lowercase letters, digits and single hyphens only",
            ));
        }
        if self.section.slug.is_empty() {
            errs.push(FieldError::new("section", "choose a section"));
        }
        for (i, b) in self.body.iter().enumerate() {
            match b {
                Block::ReadAlso { slug: None, .. } => errs.push(FieldError::new(
                    format!("body[{i}].slug"),
                    "a read-also link names a stored article",
                )),
                Block::Image(img) if !super::web_address::is_image_source(&img.src) => {
                    errs.push(FieldError::new(
                        format!("body[{i}].src"),
                        "a picture on this site (/media/…) or an http(s) address",
                    ))
                }
                Block::Embed { url } => {
                    if let Err(e) = super::web_address::parse_http(url) {
                        errs.push(FieldError::new(format!("body[{i}].url"), e.to_string()))
                    }
                }
                _ => {}
            }
        }
        if let Some(img) = &self.featured_image
            && !super::web_address::is_image_source(&img.src)
        {
            errs.push(FieldError::new(
                "featured_image.src",
                "a picture on this site (/media/…) or an http(s) address",
            ));
        }
        errs
    }

    /// What a story must have before readers see it, beyond a draft's needs:
    /// a body, a byline, and alt text on every image.
    pub fn check_publishable(&self) -> Vec<FieldError> {
        let mut errs = self.check_draft();
        if !self
            .body
            .iter()
            .any(|b| matches!(b, Block::Paragraph { text } if !text.trim().is_empty()))
        {
            errs.push(FieldError::new(
                "body",
                "a published story needs at least one paragraph",
            ));
        }
        if self.contributors.is_empty() {
            errs.push(FieldError::new(
                "contributors",
                "a published story needs a byline",
            ));
        }
        if let Some(img) = &self.featured_image
            && img.alt.trim().is_empty()
        {
            errs.push(FieldError::new(
                "featured_image.alt",
                "describe the image for readers who cannot see it",
            ));
        }
        for (i, b) in self.body.iter().enumerate() {
            if let Block::Image(img) = b
                && img.alt.trim().is_empty()
            {
                errs.push(FieldError::new(
                    format!("body[{i}].alt"),
                    "describe the image for readers who cannot see it",
                ));
            }
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> StoryDoc {
        let mut d: StoryDoc = serde_json::from_value(serde_json::json!({
            "title": "  Banjir Surut di Hilir Sungai  ",
            "section": "nasional",
            "contributors": [{"name": "Rina Wulandari", "role": "writer"}],
            "body": [{"type": "paragraph", "text": "Air mulai surut."}],
            "summary": "  ",
        }))
        .unwrap();
        d.normalize();
        d
    }

    #[test]
    fn sections_read_as_slug_or_object() {
        let a: SectionRef = serde_json::from_str("\"nasional\"").unwrap();
        let b: SectionRef =
            serde_json::from_str(r#"{"slug":"nasional","name":"Nasional"}"#).unwrap();
        assert_eq!(a.slug, b.slug);
        assert_eq!(b.name.as_deref(), Some("Nasional"));
    }

    #[test]
    fn normalizing_makes_a_slug_and_drops_empty_text() {
        let d = doc();
        assert_eq!(d.title, "Banjir Surut di Hilir Sungai");
        assert_eq!(d.slug, "banjir-surut-di-hilir-sungai");
        assert_eq!(d.summary, None);
        assert!(
            d.check_publishable().is_empty(),
            "{:?}",
            d.check_publishable()
        );
    }

    #[test]
    fn errors_name_the_field() {
        let mut d = doc();
        d.title.clear();
        d.slug = "Bad Slug".into();
        d.body.push(Block::ReadAlso {
            title: "x".into(),
            slug: None,
        });
        let fields: Vec<String> = d.check_draft().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "slug", "body[1].slug"]);
    }

    #[test]
    fn publishing_needs_byline_body_and_alt_text() {
        let mut d = doc();
        assert!(d.check_draft().is_empty());
        d.contributors.clear();
        d.body = vec![Block::Image(Image {
            src: "/media/a.jpg".into(),
            alt: " ".into(),
            caption: None,
            credit: None,
            width: None,
            height: None,
            widths: Vec::new(),
            webp_widths: Vec::new(),
        })];
        assert!(d.check_draft().is_empty(), "a draft may be unfinished");
        let fields: Vec<String> = d.check_publishable().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["body", "contributors", "body[0].alt"]);
    }
}
