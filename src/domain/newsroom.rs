//! Who may do what in the newsroom, and how a story moves from draft to
//! published. Plain rules, tested as a matrix; the back office and the
//! Admin API both ask here.

use serde::{Deserialize, Serialize};

/// A staff member's role. Readers and staff share accounts: a staff role
/// is a row beside the reader account, so there is one login, one session
/// store, one place to revoke sessions, and a journalist can also be a
/// member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    /// Writes drafts; an editor takes them from there.
    Contributor,
    /// Writes and submits for review.
    Writer,
    /// Edits, publishes and moderates in their sections.
    Editor,
    /// Everything: staff, settings, tokens, the audit log.
    Admin,
}

impl StaffRole {
    pub const ALL: [StaffRole; 4] = [
        StaffRole::Contributor,
        StaffRole::Writer,
        StaffRole::Editor,
        StaffRole::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Contributor => "contributor",
            StaffRole::Writer => "writer",
            StaffRole::Editor => "editor",
            StaffRole::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<StaffRole> {
        StaffRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a story is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoryStatus {
    Draft,
    Submitted,
    Scheduled,
    Published,
    Unpublished,
}

impl StoryStatus {
    pub const ALL: [StoryStatus; 5] = [
        StoryStatus::Draft,
        StoryStatus::Submitted,
        StoryStatus::Scheduled,
        StoryStatus::Published,
        StoryStatus::Unpublished,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StoryStatus::Draft => "draft",
            StoryStatus::Submitted => "submitted",
            StoryStatus::Scheduled => "scheduled",
            StoryStatus::Published => "published",
            StoryStatus::Unpublished => "unpublished",
        }
    }

    pub fn parse(s: &str) -> Option<StoryStatus> {
        StoryStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Everything the back office and the Admin API can be asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Start a new story.
    Create,
    /// Change a story's text and fields (see `may_edit` for whose).
    Edit,
    /// Draft to submitted.
    Submit,
    /// Submitted back to draft, a scheduled story back to draft.
    ReturnToDraft,
    /// Publish now, schedule, unpublish, add a correction.
    Publish,
    /// Hide and restore readers' comments.
    Moderate,
    /// Make and revoke preview links.
    Preview,
    /// Sections, tags and contributor profiles.
    ManageTaxonomy,
    /// Staff accounts and roles.
    ManageStaff,
    /// Admin API tokens, webhooks and site settings.
    ManageSettings,
    /// Read the audit log.
    ReadAudit,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::Create,
        Action::Edit,
        Action::Submit,
        Action::ReturnToDraft,
        Action::Publish,
        Action::Moderate,
        Action::Preview,
        Action::ManageTaxonomy,
        Action::ManageStaff,
        Action::ManageSettings,
        Action::ReadAudit,
    ];
}

/// A staff member as the rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub reader_id: i64,
    pub name: String,
    pub role: StaffRole,
    /// The sections an editor works in; empty means every section.
    pub sections: Vec<String>,
}

/// The story an action is about, as far as the rules care.
#[derive(Debug, Clone, Copy)]
pub struct StoryFacts<'a> {
    pub section: &'a str,
    pub status: StoryStatus,
    /// The staff account that started it (none for imported stories).
    pub created_by: Option<i64>,
}

impl Staff {
    fn in_section(&self, section: &str) -> bool {
        self.sections.is_empty() || self.sections.iter().any(|s| s == section)
    }

    /// May this person do `action` (on `story`, when it is about one)?
    pub fn may(&self, action: Action, story: Option<StoryFacts<'_>>) -> bool {
        use StaffRole::*;
        let own = story.is_some_and(|s| s.created_by == Some(self.reader_id));
        let section_ok = story.is_none_or(|s| self.in_section(s.section));
        match (self.role, action) {
            (Admin, _) => true,
            (_, Action::ManageStaff | Action::ManageSettings | Action::ReadAudit) => false,
            (Editor, _) => section_ok,
            (Writer | Contributor, Action::Create) => true,
            (Writer | Contributor, Action::Edit) => {
                // Their own stories, until an editor has them.
                let status = story.map(|s| s.status);
                own && match self.role {
                    Writer => matches!(status, Some(StoryStatus::Draft | StoryStatus::Submitted)),
                    _ => status == Some(StoryStatus::Draft),
                }
            }
            (Writer, Action::Submit) => own,
            // A writer may withdraw their own submission.
            (Writer, Action::ReturnToDraft) => {
                own && story.is_some_and(|s| s.status == StoryStatus::Submitted)
            }
            (Writer | Contributor, Action::Preview) => own,
            (Writer | Contributor, _) => false,
        }
    }
}

/// What an Admin API token may do, by scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenScopes(pub Vec<String>);

pub const SCOPES: &[&str] = &[
    "articles:read",
    "articles:write",
    "articles:publish",
    "media:write",
    "taxonomy:write",
];

impl TokenScopes {
    pub fn has(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// Tokens belong to integrations, not sections: a scope is all or nothing.
    pub fn may(&self, action: Action) -> bool {
        match action {
            Action::Create | Action::Edit | Action::Submit | Action::ReturnToDraft => {
                self.has("articles:write")
            }
            Action::Publish => self.has("articles:publish"),
            Action::Preview => self.has("articles:write"),
            Action::ManageTaxonomy => self.has("taxonomy:write"),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a story cannot go from {from} to {to}")]
pub struct IllegalMove {
    pub from: &'static str,
    pub to: &'static str,
}

/// Which action moving a story from `from` to `to` needs, or why the move
/// makes no sense. A published story must be unpublished before it can be
/// worked on as a draft again, so nothing live silently disappears.
pub fn transition(from: StoryStatus, to: StoryStatus) -> Result<Action, IllegalMove> {
    use StoryStatus::*;
    let action = match (from, to) {
        (Draft, Submitted) => Some(Action::Submit),
        (Submitted | Scheduled, Draft) => Some(Action::ReturnToDraft),
        (Draft | Submitted | Unpublished, Scheduled) => Some(Action::Publish),
        (Draft | Submitted | Scheduled | Unpublished, Published) => Some(Action::Publish),
        (Published, Unpublished) => Some(Action::Publish),
        (Unpublished, Draft) => Some(Action::Publish),
        _ => None,
    };
    action.ok_or(IllegalMove {
        from: from.as_str(),
        to: to.as_str(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: StaffRole, sections: &[&str]) -> Staff {
        Staff {
            reader_id: 7,
            name: "N".into(),
            role,
            sections: sections.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn story(owner: Option<i64>, status: StoryStatus) -> StoryFacts<'static> {
        StoryFacts {
            section: "nasional",
            status,
            created_by: owner,
        }
    }

    /// The role matrix: for each role, the actions allowed on a draft the
    /// person wrote, a submitted story someone else wrote, and site-wide.
    #[test]
    fn role_matrix() {
        use Action::*;
        use StaffRole::*;
        let own_draft = Some(story(Some(7), StoryStatus::Draft));
        let others_submitted = Some(story(Some(99), StoryStatus::Submitted));
        #[rustfmt::skip]
        let expect: &[(StaffRole, Action, bool, bool)] = &[
            // role         action          own draft  other's submitted
            (Contributor,  Edit,           true,      false),
            (Contributor,  Submit,         false,     false),
            (Contributor,  Publish,        false,     false),
            (Contributor,  Moderate,       false,     false),
            (Contributor,  Preview,        true,      false),
            (Writer,       Edit,           true,      false),
            (Writer,       Submit,         true,      false),
            (Writer,       ReturnToDraft,  false,     false),
            (Writer,       Publish,        false,     false),
            (Writer,       Moderate,       false,     false),
            (Editor,       Edit,           true,      true),
            (Editor,       Submit,         true,      true),
            (Editor,       ReturnToDraft,  true,      true),
            (Editor,       Publish,        true,      true),
            (Editor,       Preview,        true,      true),
            (Admin,        Edit,           true,      true),
            (Admin,        Publish,        true,      true),
        ];
        for &(role, action, on_own, on_other) in expect {
            let s = staff(role, &[]);
            assert_eq!(
                s.may(action, own_draft),
                on_own,
                "{role:?} {action:?} own draft"
            );
            assert_eq!(
                s.may(action, others_submitted),
                on_other,
                "{role:?} {action:?} other's submitted"
            );
        }
        #[rustfmt::skip]
        let site_wide: &[(StaffRole, [bool; 5])] = &[
            // role        Create Moderate Taxonomy Staff  Settings/Audit
            (Contributor, [true,  false,   false,   false, false]),
            (Writer,      [true,  false,   false,   false, false]),
            (Editor,      [true,  true,    true,    false, false]),
            (Admin,       [true,  true,    true,    true,  true]),
        ];
        for (role, allowed) in site_wide {
            let s = staff(*role, &[]);
            let got = [
                s.may(Create, None),
                s.may(Moderate, None),
                s.may(ManageTaxonomy, None),
                s.may(ManageStaff, None),
                s.may(ManageSettings, None) && s.may(ReadAudit, None),
            ];
            assert_eq!(&got, allowed, "{role:?}");
        }
    }

    #[test]
    fn writers_lose_the_pen_once_an_editor_has_the_story() {
        let w = staff(StaffRole::Writer, &[]);
        assert!(w.may(Action::Edit, Some(story(Some(7), StoryStatus::Submitted))));
        for st in [
            StoryStatus::Scheduled,
            StoryStatus::Published,
            StoryStatus::Unpublished,
        ] {
            assert!(!w.may(Action::Edit, Some(story(Some(7), st))), "{st:?}");
        }
        assert!(w.may(
            Action::ReturnToDraft,
            Some(story(Some(7), StoryStatus::Submitted))
        ));
        let c = staff(StaffRole::Contributor, &[]);
        assert!(!c.may(Action::Edit, Some(story(Some(7), StoryStatus::Submitted))));
    }

    #[test]
    fn editors_work_in_their_sections_only() {
        let e = staff(StaffRole::Editor, &["ekonomi"]);
        let nasional = Some(story(Some(1), StoryStatus::Submitted));
        assert!(!e.may(Action::Publish, nasional));
        assert!(!e.may(Action::Edit, nasional));
        let ekonomi = Some(StoryFacts {
            section: "ekonomi",
            ..story(Some(1), StoryStatus::Submitted)
        });
        assert!(e.may(Action::Publish, ekonomi));
        // An admin is never limited by section.
        assert!(staff(StaffRole::Admin, &["ekonomi"]).may(Action::Publish, nasional));
    }

    #[test]
    fn token_scopes_map_to_actions() {
        let t = TokenScopes(vec!["articles:write".into()]);
        assert!(t.may(Action::Create) && t.may(Action::Edit) && t.may(Action::Submit));
        assert!(!t.may(Action::Publish));
        assert!(!t.may(Action::ManageStaff));
        let p = TokenScopes(vec!["articles:publish".into()]);
        assert!(p.may(Action::Publish) && !p.may(Action::Create));
        assert!(!TokenScopes(vec![]).may(Action::Create));
    }

    #[test]
    fn legal_and_illegal_moves() {
        use StoryStatus::*;
        let legal = [
            (Draft, Submitted, Action::Submit),
            (Submitted, Draft, Action::ReturnToDraft),
            (Scheduled, Draft, Action::ReturnToDraft),
            (Draft, Published, Action::Publish),
            (Submitted, Published, Action::Publish),
            (Submitted, Scheduled, Action::Publish),
            (Scheduled, Published, Action::Publish),
            (Published, Unpublished, Action::Publish),
            (Unpublished, Published, Action::Publish),
            (Unpublished, Draft, Action::Publish),
        ];
        for (from, to, action) in legal {
            assert_eq!(transition(from, to), Ok(action), "{from:?} -> {to:?}");
        }
        let illegal = [
            (Draft, Unpublished),
            (Published, Draft),
            (Published, Submitted),
            (Published, Scheduled),
            (Submitted, Unpublished),
            (Scheduled, Submitted),
            (Unpublished, Submitted),
        ];
        for (from, to) in illegal {
            assert!(transition(from, to).is_err(), "{from:?} -> {to:?}");
        }
        for s in StoryStatus::ALL {
            assert!(transition(s, s).is_err(), "{s:?} -> itself");
        }
    }

    #[test]
    fn names_round_trip() {
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::parse(r.as_str()), Some(r));
        }
        for s in StoryStatus::ALL {
            assert_eq!(StoryStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(StaffRole::parse("Editor"), None);
    }
}
