//! The story editor's form: every field as the browser sends it, turned
//! into a story document (and back for showing). Errors name the form
//! field, so the page can put them next to it.

use serde::{Deserialize, Serialize};

use crate::domain::body_text;
use crate::domain::story::{CreditRef, FieldError, SectionRef, StoryDoc};
use crate::domain::time::SiteZone;
use crate::domain::{Access, Image, Role};
use crate::services::newsroom::Timing;
use crate::store::newsroom::Story;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StoryForm {
    pub csrf: String,
    pub intent: String,
    pub base_revision: i64,
    pub slug: String,
    pub title: String,
    pub subtitle: String,
    pub summary: String,
    pub seo_title: String,
    pub social_title: String,
    pub section: String,
    pub tags: String,
    pub credits: String,
    pub sources: String,
    pub dateline: String,
    pub image_src: String,
    pub image_alt: String,
    pub image_caption: String,
    pub image_credit: String,
    pub access: String,
    pub body: String,
    /// The block editor's JSON; when present it is the body (`body` is the
    /// text form, for browsers without JS).
    pub body_blocks: String,
    pub publish_at: String,
    pub unpublish_at: String,
}

/// Role names an editor may type, in either language.
fn role_of(word: &str) -> Option<Role> {
    match word.trim().to_lowercase().as_str() {
        "writer" | "penulis" => Some(Role::Writer),
        "editor" | "penyunting" => Some(Role::Editor),
        "contributor" | "kontributor" => Some(Role::Contributor),
        "photographer" | "fotografer" | "pewarta foto" => Some(Role::Photographer),
        _ => None,
    }
}

/// A role as the form shows it: the word `role_of` reads back.
fn role_word(role: Role, locale: &str) -> &'static str {
    match (locale, role) {
        ("id", Role::Writer) => "penulis",
        ("id", Role::Editor) => "editor",
        ("id", Role::Contributor) => "kontributor",
        ("id", Role::Photographer) => "fotografer",
        (_, r) => r.as_str(),
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

impl StoryForm {
    /// The form for a stored story; byline roles in the interface's
    /// language (`locale`), as the editor would type them.
    pub fn from_story(s: &Story, zone: &SiteZone, locale: &str) -> StoryForm {
        let d = &s.doc;
        let img = d.featured_image.clone();
        StoryForm {
            csrf: String::new(),
            intent: String::new(),
            base_revision: s.revision,
            slug: s.slug.clone(),
            title: d.title.clone(),
            subtitle: d.subtitle.clone().unwrap_or_default(),
            summary: d.summary.clone().unwrap_or_default(),
            seo_title: d.seo_title.clone().unwrap_or_default(),
            social_title: d.social_title.clone().unwrap_or_default(),
            section: d.section.slug.clone(),
            tags: d.tags.join(", "),
            credits: d
                .contributors
                .iter()
                .map(|c| format!("{}: {}", role_word(c.role, locale), c.name))
                .collect::<Vec<_>>()
                .join("\n"),
            sources: d.sources.join(", "),
            dateline: d.dateline.clone().unwrap_or_default(),
            image_src: img.as_ref().map(|i| i.src.clone()).unwrap_or_default(),
            image_alt: img.as_ref().map(|i| i.alt.clone()).unwrap_or_default(),
            image_caption: img
                .as_ref()
                .and_then(|i| i.caption.clone())
                .unwrap_or_default(),
            image_credit: img.and_then(|i| i.credit).unwrap_or_default(),
            access: d.access.as_str().to_string(),
            body: body_text::format(&d.body),
            body_blocks: serde_json::to_string(&d.body).unwrap_or_default(),
            publish_at: s
                .publish_at
                .map(|t| zone.local_input(t))
                .unwrap_or_default(),
            unpublish_at: s
                .unpublish_at
                .map(|t| zone.local_input(t))
                .unwrap_or_default(),
        }
    }

    /// The document this form describes; errors name the form's fields.
    pub fn to_doc(&self) -> Result<StoryDoc, Vec<FieldError>> {
        let mut errs = Vec::new();
        let body = body_text::from_form(&self.body, &self.body_blocks).unwrap_or_else(|e| {
            errs.push(e);
            Vec::new()
        });
        let mut contributors = Vec::new();
        for (i, line) in self.credits.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (role, name) = match line.split_once(':') {
                Some((r, n)) => match role_of(r) {
                    Some(role) => (role, n.trim()),
                    None => {
                        errs.push(FieldError::new(
                            "credits",
                            format!(
                                "line {}: {:?} is not a role (writer, editor, contributor, photographer)",
                                i + 1,
                                r.trim()
                            ),
                        ));
                        continue;
                    }
                },
                None => (Role::Writer, line),
            };
            contributors.push(CreditRef {
                name: name.to_string(),
                slug: None,
                role,
            });
        }
        let access = match self.access.as_str() {
            "" => Access::Public,
            a => Access::parse(a).unwrap_or_else(|| {
                errs.push(FieldError::new("access", "public, registered or members"));
                Access::Public
            }),
        };
        let featured_image = opt(&self.image_src).map(|src| Image {
            src,
            alt: self.image_alt.trim().to_string(),
            caption: opt(&self.image_caption),
            credit: opt(&self.image_credit),
            width: None,
            height: None,
            widths: Vec::new(),
            webp_widths: Vec::new(),
        });
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(StoryDoc {
            slug: self.slug.trim().to_string(),
            title: self.title.clone(),
            subtitle: opt(&self.subtitle),
            summary: opt(&self.summary),
            seo_title: opt(&self.seo_title),
            social_title: opt(&self.social_title),
            section: SectionRef {
                slug: self.section.trim().to_string(),
                name: None,
            },
            contributors,
            sources: list(&self.sources),
            dateline: opt(&self.dateline),
            featured_image,
            body,
            access,
            tags: list(&self.tags),
            corrections: Vec::new(),
        })
    }

    pub fn timing(&self, zone: &SiteZone) -> Result<Timing, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut read = |field: &str, v: &str| match v.trim() {
            "" => None,
            v => zone.parse_local(v).or_else(|| {
                errs.push(FieldError::new(
                    field,
                    "a date and time, e.g. 2026-11-27T15:00",
                ));
                None
            }),
        };
        let t = Timing {
            publish_at: read("publish_at", &self.publish_at),
            unpublish_at: read("unpublish_at", &self.unpublish_at),
        };
        if errs.is_empty() { Ok(t) } else { Err(errs) }
    }
}

/// A story as plain lines, for showing the difference between revisions.
pub fn doc_lines(d: &StoryDoc) -> String {
    let mut out = String::new();
    let mut field = |name: &str, v: &str| {
        if !v.is_empty() {
            out.push_str(&format!("{name}: {v}\n"));
        }
    };
    field("title", &d.title);
    field("subtitle", d.subtitle.as_deref().unwrap_or(""));
    field("summary", d.summary.as_deref().unwrap_or(""));
    field("section", &d.section.slug);
    field(
        "credits",
        &d.contributors
            .iter()
            .map(|c| format!("{}: {}", c.role.as_str(), c.name))
            .collect::<Vec<_>>()
            .join("; "),
    );
    field("sources", &d.sources.join(", "));
    field("dateline", d.dateline.as_deref().unwrap_or(""));
    field("access", d.access.as_str());
    field("tags", &d.tags.join(", "));
    if let Some(i) = &d.featured_image {
        field("image", &format!("{} | {}", i.src, i.alt));
    }
    out.push('\n');
    out.push_str(&body_text::format(&d.body));
    out
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct DiffLine {
    /// "add", "del" or "same".
    pub kind: &'static str,
    pub text: String,
}

/// Line by line, what changed from `old` to `new`.
pub fn diff(old: &StoryDoc, new: &StoryDoc) -> Vec<DiffLine> {
    let a = doc_lines(old);
    let b = doc_lines(new);
    similar::TextDiff::from_lines(&a, &b)
        .iter_all_changes()
        .map(|c| DiffLine {
            kind: match c.tag() {
                similar::ChangeTag::Insert => "add",
                similar::ChangeTag::Delete => "del",
                similar::ChangeTag::Equal => "same",
            },
            text: c.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_read_in_either_language() {
        let f = StoryForm {
            title: "T".into(),
            credits: "penulis: Dimas Pratama\nEditor: Sari Lestari\nRina Wulandari".into(),
            ..Default::default()
        };
        let d = f.to_doc().unwrap();
        let got: Vec<(Role, &str)> = d
            .contributors
            .iter()
            .map(|c| (c.role, c.name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Role::Writer, "Dimas Pratama"),
                (Role::Editor, "Sari Lestari"),
                (Role::Writer, "Rina Wulandari")
            ]
        );
    }

    #[test]
    fn roles_are_shown_in_the_interfaces_language_and_read_back() {
        assert_eq!(role_word(Role::Writer, "id"), "penulis");
        assert_eq!(role_word(Role::Photographer, "id"), "fotografer");
        assert_eq!(role_word(Role::Writer, "en"), "writer");
        for locale in ["id", "en"] {
            for r in Role::ALL {
                assert_eq!(role_of(role_word(r, locale)), Some(r), "{locale} {r:?}");
            }
        }
    }

    #[test]
    fn bad_fields_are_named() {
        let f = StoryForm {
            credits: "penyanyi: Siapa".into(),
            body: "[foto: x]".into(),
            access: "vip".into(),
            ..Default::default()
        };
        let fields: Vec<String> = f
            .to_doc()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["body", "credits", "access"]);
        let zone = SiteZone::new("Asia/Jakarta").unwrap();
        let f = StoryForm {
            publish_at: "besok pagi".into(),
            ..Default::default()
        };
        assert_eq!(f.timing(&zone).unwrap_err()[0].field, "publish_at");
        let f = StoryForm {
            publish_at: "2026-11-27T15:00".into(),
            ..Default::default()
        };
        // 15:00 WIB is 08:00 UTC.
        assert_eq!(f.timing(&zone).unwrap().publish_at, Some(1_795_766_400));
    }

    #[test]
    fn diffs_show_changed_lines() {
        let f = StoryForm {
            title: "Lama".into(),
            body: "Satu.\n\nDua.".into(),
            ..Default::default()
        };
        let old = f.to_doc().unwrap();
        let mut new = old.clone();
        new.title = "Baru".into();
        let d = diff(&old, &new);
        assert!(d.contains(&DiffLine {
            kind: "del",
            text: "title: Lama".into()
        }));
        assert!(d.contains(&DiffLine {
            kind: "add",
            text: "title: Baru".into()
        }));
        assert!(d.iter().any(|l| l.kind == "same" && l.text == "Dua."));
    }
}
