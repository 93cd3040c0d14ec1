//! The newsroom's use cases: create, save, move through the workflow,
//! restore, correct, and the scheduler's run. The back office and the
//! Admin API are thin layers over these; the rules themselves live in
//! `domain::newsroom` and `domain::story`.

use crate::domain::newsroom::{Action, Staff, StoryFacts, StoryStatus, TokenScopes, transition};
use crate::domain::story::{FieldError, StoryDoc};
use crate::domain::{Block, Contributor, Correction, Section, slug};
use crate::error::AppError;
use crate::store::newsroom::{Actor, Live, Story, StoryWrite};
use crate::store::{Backend, NewArticle, StoreError};

/// Who is asking: a staff member in the back office, or an integration
/// with an Admin API token.
#[derive(Debug, Clone)]
pub enum Principal {
    Staff(Staff, String),
    Token {
        name: String,
        scopes: TokenScopes,
    },
    /// The server itself (the scheduler, the CLI).
    System(&'static str),
}

impl Principal {
    pub fn may(&self, action: Action, story: Option<StoryFacts<'_>>) -> bool {
        match self {
            Principal::Staff(s, _) => s.may(action, story),
            Principal::Token { scopes, .. } => scopes.may(action),
            Principal::System(_) => true,
        }
    }

    pub fn actor(&self) -> Actor {
        match self {
            Principal::Staff(s, email) => Actor {
                reader_id: Some(s.reader_id),
                label: format!("{} <{email}>", s.name),
            },
            Principal::Token { name, .. } => Actor {
                reader_id: None,
                label: format!("token {name}"),
            },
            Principal::System(what) => Actor {
                reader_id: None,
                label: what.to_string(),
            },
        }
    }

    pub(crate) fn require(
        &self,
        action: Action,
        story: Option<StoryFacts<'_>>,
    ) -> Result<(), AppError> {
        if self.may(action, story) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// What a save of `story` as `doc` needs, whatever else it asks for.
    /// Storing text is editing even when nothing changed (an empty save is
    /// still a write, and answers with the whole story); only a save that
    /// just moves, re-times or corrects the same text needs no more than
    /// that act. Times decide when readers see a story, so changing them is
    /// publishing, in every status; so is adding a correction.
    fn require_save(&self, story: &Story, doc: &StoryDoc, kind: SaveKind) -> Result<(), AppError> {
        if kind.edited || !(kind.moved || kind.retimed || kind.corrected) {
            self.require(Action::Edit, Some(facts(story)))?;
            // Moving a story to another section needs rights there too.
            self.require(
                Action::Edit,
                Some(StoryFacts {
                    section: &doc.section.slug,
                    ..facts(story)
                }),
            )?;
        }
        if kind.retimed || kind.corrected {
            self.require(Action::Publish, Some(facts(story)))?;
        }
        Ok(())
    }
}

/// What a save changes besides where it leaves the story.
#[derive(Debug, Clone, Copy)]
struct SaveKind {
    /// The text changed (corrections aside).
    edited: bool,
    /// A correction was added.
    corrected: bool,
    moved: bool,
    retimed: bool,
}

/// What the rules need to know about a story.
pub fn facts(s: &Story) -> StoryFacts<'_> {
    StoryFacts {
        section: &s.doc.section.slug,
        status: s.status,
        created_by: s.created_by,
    }
}

/// What a save asks for: the new text, status and times.
#[derive(Debug, Clone)]
pub struct Change {
    pub doc: StoryDoc,
    pub status: StoryStatus,
    pub timing: Timing,
}

/// When a story goes out and comes down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timing {
    pub publish_at: Option<i64>,
    pub unpublish_at: Option<i64>,
}

pub struct Desk<'a> {
    pub store: &'a dyn Backend,
    pub now: i64,
}

fn invalid(errs: Vec<FieldError>) -> Result<(), AppError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errs))
    }
}

impl Desk<'_> {
    /// Normalize and check a document; for a story going out, also what
    /// readers need. Read-also links are resolved to stored articles (their
    /// titles filled in) and the section and credits checked against the
    /// store.
    pub async fn prepare(
        &self,
        mut doc: StoryDoc,
        publishing: bool,
        mut errs: Vec<FieldError>,
    ) -> Result<StoryDoc, AppError> {
        doc.normalize();
        // Uploaded images bring their sizes (for srcset) and, where the
        // editor left them empty, the caption, credit and alt text from the
        // library; before the checks, so alt text found there counts.
        if let Some(img) = doc.featured_image.as_mut() {
            self.fill_image(img).await?;
        }
        for b in doc.body.iter_mut() {
            if let Block::Image(img) = b {
                self.fill_image(img).await?;
            }
        }
        errs.extend(if publishing {
            doc.check_publishable()
        } else {
            doc.check_draft()
        });
        if !doc.section.slug.is_empty() {
            match self.store.section(&doc.section.slug).await? {
                Some(s) => doc.section.name = Some(s.name),
                None => errs.push(FieldError::new(
                    "section",
                    format!("no section {:?}", doc.section.slug),
                )),
            }
        }
        let wanted: Vec<String> = crate::domain::article::read_also_slugs(&doc.body);
        let refs = self.store.article_refs(&wanted, self.now).await?;
        for (i, b) in doc.body.iter_mut().enumerate() {
            match b {
                Block::ReadAlso {
                    slug: Some(s),
                    title,
                } => match refs.get(s.as_str()) {
                    Some(r) => *title = r.headline.clone(),
                    None => errs.push(FieldError::new(
                        format!("body[{i}].slug"),
                        format!("no published article {s:?}"),
                    )),
                },
                Block::Video { video } => {
                    let found = self.store.video(video, self.now).await?;
                    if found.is_none() {
                        errs.push(FieldError::new(
                            format!("body[{i}].video"),
                            format!("no published video {video:?}"),
                        ));
                    }
                }
                _ => {}
            }
        }
        for (i, c) in doc.contributors.iter_mut().enumerate() {
            if c.name.is_empty() {
                let slug = c.slug.clone().unwrap_or_default();
                match self.store.contributor(&slug).await? {
                    Some(found) => c.name = found.name,
                    None => errs.push(FieldError::new(
                        format!("contributors[{i}].slug"),
                        format!("no contributor {slug:?}"),
                    )),
                }
            } else if c.slug.is_none() {
                c.slug = Some(slug::slugify(&c.name, 60));
            }
        }
        invalid(errs)?;
        Ok(doc)
    }

    async fn fill_image(&self, img: &mut crate::domain::Image) -> Result<(), AppError> {
        if !img.src.starts_with("/media/up/") {
            return Ok(());
        }
        if let Some(m) = self.store.media_by_src(&img.src).await? {
            img.width = Some(m.stored.width);
            img.height = Some(m.stored.height);
            img.widths = m.stored.widths.clone();
            img.webp_widths = m.stored.webp_widths.clone();
            if img.caption.is_none() {
                img.caption = m.stored.meta.caption.clone();
            }
            if img.credit.is_none() {
                img.credit = m.stored.meta.credit.clone();
            }
            if img.alt.trim().is_empty() {
                img.alt = m.alt.clone();
            }
        }
        Ok(())
    }

    /// The copy readers get of a prepared document.
    async fn reader_copy(&self, doc: &StoryDoc, publish_at: i64) -> Result<NewArticle, AppError> {
        let first = !self.store.article_slug_taken(&doc.slug).await?;
        Ok(NewArticle {
            slug: doc.slug.clone(),
            headline: doc.title.clone(),
            subheadline: doc.subtitle.clone(),
            summary: doc.summary.clone(),
            section: Section {
                slug: doc.section.slug.clone(),
                name: doc.section.name.clone().unwrap_or_default(),
                description: String::new(),
                parent: None,
            },
            credits: doc
                .contributors
                .iter()
                .map(|c| {
                    (
                        Contributor {
                            slug: c.slug.clone().unwrap_or_else(|| slug::slugify(&c.name, 60)),
                            name: c.name.clone(),
                            bio: String::new(),
                            photo: None,
                        },
                        c.role,
                    )
                })
                .collect(),
            sources: doc.sources.clone(),
            dateline: doc.dateline.clone(),
            published_at: publish_at,
            // A story already out keeps its first time; this marks the update.
            updated_at: (!first).then_some(self.now),
            body: doc.body.clone(),
            featured_image: doc.featured_image.clone(),
            access: doc.access,
            comments: Vec::new(),
            seo_title: doc.seo_title.clone(),
            social_title: doc.social_title.clone(),
            tags: doc.tags.clone(),
            corrections: doc.corrections.clone(),
        })
    }

    fn timing_errors(&self, status: StoryStatus, t: Timing) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if status == StoryStatus::Scheduled {
            match t.publish_at {
                None => errs.push(FieldError::new(
                    "publish_at",
                    "a scheduled story needs a time",
                )),
                Some(at) if at <= self.now => errs.push(FieldError::new(
                    "publish_at",
                    "the time must be in the future",
                )),
                _ => {}
            }
        }
        if let (Some(un), Some(at)) = (t.unpublish_at, t.publish_at)
            && un <= at
        {
            errs.push(FieldError::new(
                "unpublish_at",
                "must be after the publishing time",
            ));
        }
        errs
    }

    /// Start a story, as a draft or (for those who may publish) straight to
    /// submitted, scheduled or published.
    pub async fn create(
        &self,
        who: &Principal,
        doc: StoryDoc,
        status: StoryStatus,
        timing: Timing,
    ) -> Result<Story, AppError> {
        who.require(Action::Create, None)?;
        let going_out = matches!(status, StoryStatus::Published | StoryStatus::Scheduled);
        let doc = self
            .prepare(doc, going_out, self.timing_errors(status, timing))
            .await?;
        let facts = StoryFacts {
            section: &doc.section.slug,
            status: StoryStatus::Draft,
            created_by: who.actor().reader_id,
        };
        who.require(Action::Edit, Some(facts))?;
        if status != StoryStatus::Draft {
            let needed = transition(StoryStatus::Draft, status).map_err(illegal)?;
            who.require(needed, Some(facts))?;
        }
        let copy;
        let live = if status == StoryStatus::Published {
            copy = self
                .reader_copy(&doc, timing.publish_at.unwrap_or(self.now))
                .await?;
            Live::Publish(&copy)
        } else {
            Live::Keep
        };
        let actor = who.actor();
        let write = StoryWrite {
            doc: &doc,
            status,
            publish_at: timing.publish_at,
            unpublish_at: timing.unpublish_at,
            actor: &actor,
            action: "story.create",
            detail: status.as_str().to_string(),
            new_revision: true,
            from: None,
            adopting: false,
        };
        Ok(self.store.create_story(&write, live, self.now).await?)
    }

    /// The story of a slug. A published article that the newsroom never
    /// touched (imported or demo content) becomes a story on first use.
    pub async fn story_by_slug(&self, slug: &str) -> Result<Option<Story>, AppError> {
        if let Some(s) = self.store.story_by_slug(slug).await? {
            return Ok(Some(s));
        }
        let Some(a) = self.store.article(slug, i64::MAX).await? else {
            return Ok(None);
        };
        let doc = StoryDoc {
            slug: a.slug.clone(),
            title: a.headline.clone(),
            subtitle: a.subheadline.clone(),
            summary: a.summary.clone(),
            seo_title: a.seo_title.clone(),
            social_title: a.social_title.clone(),
            section: crate::domain::story::SectionRef {
                slug: a.section.slug.clone(),
                name: Some(a.section.name.clone()),
            },
            contributors: a
                .credits
                .iter()
                .map(|c| crate::domain::story::CreditRef {
                    name: c.name.clone(),
                    slug: Some(c.slug.clone()),
                    role: c.role,
                })
                .collect(),
            sources: a.sources.clone(),
            dateline: a.dateline.clone(),
            featured_image: a.featured_image.clone(),
            body: a.body.clone(),
            access: a.access,
            tags: a.tags.clone(),
            corrections: a.corrections.clone(),
        };
        let actor = Actor {
            reader_id: None,
            label: "import".into(),
        };
        let write = StoryWrite {
            doc: &doc,
            status: StoryStatus::Published,
            publish_at: Some(a.published_at),
            unpublish_at: None,
            actor: &actor,
            action: "story.adopt",
            detail: "published article taken into the newsroom".into(),
            new_revision: true,
            from: None,
            adopting: true,
        };
        match self.store.create_story(&write, Live::Keep, self.now).await {
            Ok(s) => Ok(Some(s)),
            // Another request adopted it first.
            Err(StoreError::Conflict(_)) => Ok(self.store.story_by_slug(slug).await?),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn story(&self, id: i64) -> Result<Story, AppError> {
        self.store.story(id).await?.ok_or(AppError::NotFound)
    }

    /// Save new text (and, in the same write, a move to `status`): refused
    /// with `Stale` when someone saved since `base_revision`. Saving a
    /// published story updates what readers see.
    pub async fn save(
        &self,
        who: &Principal,
        story: &Story,
        base_revision: i64,
        change: Change,
        action: &str,
    ) -> Result<Story, AppError> {
        let Change {
            mut doc,
            status,
            timing,
        } = change;
        if doc.slug.trim().is_empty() {
            doc.slug = story.slug.clone();
        }
        if base_revision != story.revision {
            return Err(StoreError::Stale {
                current: story.revision,
            }
            .into());
        }
        let going_out = matches!(status, StoryStatus::Published | StoryStatus::Scheduled);
        let mut doc = self
            .prepare(doc, going_out, self.timing_errors(status, timing))
            .await?;
        // The address of a story that has been out never changes.
        if story.status != StoryStatus::Draft || story.slug != doc.slug {
            if story.status != StoryStatus::Draft && doc.slug != story.slug {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "slug",
                    "the address of a story cannot change after it left draft",
                )]));
            }
            doc.slug = story.slug.clone();
        }
        let changed = doc != story.doc;
        let moved = status != story.status;
        let retimed = timing
            != (Timing {
                publish_at: story.publish_at,
                unpublish_at: story.unpublish_at,
            });
        // A correction is a publishing act of its own (see `correct`).
        let corrected = doc.corrections != story.doc.corrections;
        let edited = changed && {
            let mut without = doc.clone();
            without.corrections = story.doc.corrections.clone();
            without != story.doc
        };
        who.require_save(
            story,
            &doc,
            SaveKind {
                edited,
                moved,
                retimed,
                corrected,
            },
        )?;
        if moved {
            let needed = transition(story.status, status).map_err(illegal)?;
            who.require(needed, Some(facts(story)))?;
        } else if status == StoryStatus::Published && edited {
            // Changing what readers see is publishing.
            who.require(Action::Publish, Some(facts(story)))?;
        }
        let copy;
        let live = match status {
            StoryStatus::Published if changed || story.status != StoryStatus::Published => {
                copy = self
                    .reader_copy(
                        &doc,
                        timing
                            .publish_at
                            .filter(|&t| t <= self.now)
                            .unwrap_or(self.now),
                    )
                    .await?;
                Live::Publish(&copy)
            }
            StoryStatus::Unpublished | StoryStatus::Draft
                if matches!(
                    story.status,
                    StoryStatus::Published | StoryStatus::Unpublished
                ) =>
            {
                Live::Unpublish
            }
            _ => Live::Keep,
        };
        let actor = who.actor();
        let detail = if status != story.status {
            format!("{} -> {}", story.status.as_str(), status.as_str())
        } else {
            format!("revision {}", story.revision + changed as i64)
        };
        let write = StoryWrite {
            doc: &doc,
            status,
            publish_at: timing.publish_at,
            unpublish_at: timing.unpublish_at,
            actor: &actor,
            action,
            detail,
            new_revision: changed,
            from: Some(story.status),
            adopting: false,
        };
        Ok(self
            .store
            .update_story(story.id, base_revision, &write, live, self.now)
            .await?)
    }

    /// Move a story without changing its text.
    pub async fn move_to(
        &self,
        who: &Principal,
        story: &Story,
        status: StoryStatus,
        timing: Timing,
    ) -> Result<Story, AppError> {
        let action = match status {
            StoryStatus::Draft => "story.return",
            StoryStatus::Submitted => "story.submit",
            StoryStatus::Scheduled => "story.schedule",
            StoryStatus::Published => "story.publish",
            StoryStatus::Unpublished => "story.unpublish",
        };
        if status == story.status {
            transition(status, status).map_err(illegal)?;
        }
        self.save(
            who,
            story,
            story.revision,
            Change {
                doc: story.doc.clone(),
                status,
                timing,
            },
            action,
        )
        .await
    }

    /// Bring back an old revision as the newest one.
    pub async fn restore(
        &self,
        who: &Principal,
        story: &Story,
        revision: i64,
    ) -> Result<Story, AppError> {
        let (_, doc) = self
            .store
            .revision(story.id, revision)
            .await?
            .ok_or(AppError::NotFound)?;
        self.resave(who, story, doc, "story.restore").await
    }

    /// Save a new document for a story, its status and times unchanged.
    async fn resave(
        &self,
        who: &Principal,
        story: &Story,
        doc: StoryDoc,
        action: &str,
    ) -> Result<Story, AppError> {
        let timing = Timing {
            publish_at: story.publish_at,
            unpublish_at: story.unpublish_at,
        };
        self.save(
            who,
            story,
            story.revision,
            Change {
                doc,
                status: story.status,
                timing,
            },
            action,
        )
        .await
    }

    /// Add a correction ("Ralat") to a published story; readers see it, and
    /// the story's updated time, at once.
    pub async fn correct(
        &self,
        who: &Principal,
        story: &Story,
        text: &str,
    ) -> Result<Story, AppError> {
        who.require(Action::Publish, Some(facts(story)))?;
        let text = text.trim();
        if text.is_empty() {
            return Err(AppError::Invalid(vec![FieldError::new(
                "correction",
                "write what was corrected",
            )]));
        }
        if story.status != StoryStatus::Published {
            return Err(AppError::Invalid(vec![FieldError::new(
                "correction",
                "only a published story carries corrections",
            )]));
        }
        let mut doc = story.doc.clone();
        doc.corrections.push(Correction {
            at: self.now,
            text: text.to_string(),
        });
        self.resave(who, story, doc, "story.correct").await
    }

    /// Publish what is scheduled and take down what has expired, now. Each
    /// move is conditional on the revision the run read, so when several
    /// nodes run at once each story moves exactly once. Returns the slugs
    /// moved.
    pub async fn run_due(&self) -> Result<Vec<String>, AppError> {
        let who = Principal::System("scheduler");
        let mut moved = Vec::new();
        for story in self.store.due_stories(self.now).await? {
            let (to, timing) = match story.status {
                StoryStatus::Scheduled => (
                    StoryStatus::Published,
                    Timing {
                        publish_at: story.publish_at,
                        unpublish_at: story.unpublish_at,
                    },
                ),
                _ => (
                    StoryStatus::Unpublished,
                    Timing {
                        publish_at: story.publish_at,
                        unpublish_at: None,
                    },
                ),
            };
            match self.move_to(&who, &story, to, timing).await {
                Ok(_) => moved.push(story.slug.clone()),
                // Another node (or an editor) moved it first.
                Err(AppError::Store(StoreError::Stale { .. })) => {}
                Err(e) => {
                    tracing::error!(slug = %story.slug, error = %e, "scheduled change failed");
                }
            }
        }
        Ok(moved)
    }
}

fn illegal(e: crate::domain::newsroom::IllegalMove) -> AppError {
    AppError::Invalid(vec![FieldError::new("status", e.to_string())])
}

impl Desk<'_> {
    /// Add or change a section. Sections nest one level, as portals do
    /// (Regional > Jawa Timur): a parent is a top-level section, and a
    /// section with children stays top-level.
    pub async fn save_section(&self, who: &Principal, mut s: Section) -> Result<(), AppError> {
        who.require(Action::ManageTaxonomy, None)?;
        s.slug = s.slug.trim().to_string();
        s.name = s.name.trim().to_string();
        s.parent = s
            .parent
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty());
        let mut errs = Vec::new();
        if !slug::is_valid(&s.slug) {
            errs.push(FieldError::new(
                "slug",
                "lowercase letters, digits and single hyphens only",
            ));
        } else if slug::RESERVED.contains(&s.slug.as_str()) {
            errs.push(FieldError::new(
                "slug",
                "this address is used by the site itself",
            ));
        } else if self.store.site_page(&s.slug).await?.is_some() {
            errs.push(FieldError::new("slug", "a site page has this address"));
        }
        if s.name.is_empty() {
            errs.push(FieldError::new("name", "a section needs a name"));
        }
        let all = self.store.sections().await?;
        if let Some(p) = &s.parent {
            match all.iter().find(|x| &x.slug == p) {
                None => errs.push(FieldError::new("parent", format!("no section {p:?}"))),
                Some(_) if p == &s.slug => errs.push(FieldError::new(
                    "parent",
                    "a section cannot sit under itself",
                )),
                Some(x) if x.parent.is_some() => {
                    errs.push(FieldError::new("parent", "sections nest one level only"))
                }
                Some(_)
                    if all
                        .iter()
                        .any(|x| x.parent.as_deref() == Some(s.slug.as_str())) =>
                {
                    errs.push(FieldError::new(
                        "parent",
                        "this section has sections under it",
                    ))
                }
                Some(_) => {}
            }
        }
        invalid(errs)?;
        Ok(self.store.save_section(&s, &who.actor(), self.now).await?)
    }

    pub async fn save_contributor(
        &self,
        who: &Principal,
        mut c: Contributor,
    ) -> Result<(), AppError> {
        who.require(Action::ManageTaxonomy, None)?;
        c.slug = c.slug.trim().to_string();
        c.name = c.name.trim().to_string();
        c.bio = c.bio.trim().to_string();
        c.photo = c
            .photo
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty());
        let mut errs = Vec::new();
        if c.slug.is_empty() {
            c.slug = slug::slugify(&c.name, 60);
        }
        if !slug::is_valid(&c.slug) {
            errs.push(FieldError::new(
                "slug",
                "lowercase letters, digits and single hyphens only",
            ));
        }
        if c.name.is_empty() {
            errs.push(FieldError::new("name", "a contributor needs a name"));
        }
        if let Some(p) = &c.photo
            && !(p.starts_with('/') && !p.starts_with("//") || p.starts_with("https://"))
        {
            errs.push(FieldError::new(
                "photo",
                "an address on this site or https://",
            ));
        }
        invalid(errs)?;
        Ok(self
            .store
            .save_contributor(&c, &who.actor(), self.now)
            .await?)
    }
}
