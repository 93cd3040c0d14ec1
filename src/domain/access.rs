//! The one access engine. Every question the site asks about what a reader
//! may see or do with a piece of content is answered here, by `decide`:
//! pages, the Content API, feeds and comments all call it, and nothing
//! decides access anywhere else.

use serde::Serialize;

use super::Access;

/// Who is reading, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderState {
    Anonymous,
    /// Signed up, e-mail address not yet verified.
    Unverified,
    /// Verified account, no membership.
    Registered,
    /// Paid membership in its period.
    Member,
    /// A membership that ended (and is not in grace).
    MemberExpired,
    /// A renewal failed; benefits continue until the grace period ends.
    MemberGrace,
    /// A membership granted by the newsroom or by a redeem code.
    Complimentary,
    Staff,
}

impl ReaderState {
    pub const ALL: [ReaderState; 8] = [
        ReaderState::Anonymous,
        ReaderState::Unverified,
        ReaderState::Registered,
        ReaderState::Member,
        ReaderState::MemberExpired,
        ReaderState::MemberGrace,
        ReaderState::Complimentary,
        ReaderState::Staff,
    ];

    /// Holds the membership's benefits right now.
    pub fn has_membership(self) -> bool {
        matches!(
            self,
            ReaderState::Member | ReaderState::MemberGrace | ReaderState::Complimentary
        )
    }

    pub fn signed_in(self) -> bool {
        self != ReaderState::Anonymous
    }

    fn verified(self) -> bool {
        !matches!(self, ReaderState::Anonymous | ReaderState::Unverified)
    }
}

/// A reader as the engine sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub state: ReaderState,
    /// Barred from commenting by a moderator.
    pub comment_banned: bool,
}

impl Reader {
    pub const ANONYMOUS: Reader = Reader {
        state: ReaderState::Anonymous,
        comment_banned: false,
    };

    pub fn new(state: ReaderState) -> Reader {
        Reader {
            state,
            comment_banned: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyAccess {
    Full,
    /// The first paragraphs and an invitation.
    Preview,
}

/// Why the body is only a preview: what the reader must do to read on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gate {
    None,
    SignIn,
    Join,
}

/// Everything the site needs to know about one reader and one piece of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub body: BodyAccess,
    pub gate: Gate,
    /// Ad markup and scripts on the page at all.
    pub ads: bool,
    pub membership_cta: bool,
    /// Long stories shown on one page unless the reader asks for a page.
    pub one_page: bool,
    pub can_comment: bool,
    pub can_reply: bool,
    pub can_report: bool,
    pub login_prompt: bool,
}

/// The decision for `reader` looking at content of `level`.
pub fn decide(reader: Reader, level: Access) -> Decision {
    let s = reader.state;
    let entitled = s.has_membership() || s == ReaderState::Staff;
    let (body, gate) = match level {
        Access::Public => (BodyAccess::Full, Gate::None),
        Access::Registered if s.signed_in() => (BodyAccess::Full, Gate::None),
        Access::Registered => (BodyAccess::Preview, Gate::SignIn),
        Access::Members if entitled => (BodyAccess::Full, Gate::None),
        Access::Members => (BodyAccess::Preview, Gate::Join),
    };
    let may_talk = s.verified() && !reader.comment_banned;
    Decision {
        body,
        gate,
        ads: !entitled,
        membership_cta: !entitled,
        one_page: entitled,
        // Comments sit under the body: whoever cannot read it cannot join in.
        can_comment: may_talk && body == BodyAccess::Full,
        can_reply: may_talk && body == BodyAccess::Full,
        can_report: s.verified(),
        login_prompt: !s.signed_in(),
    }
}

/// What a reader who may not read on sees of a body: its first
/// `paragraphs` paragraphs (with the headings among them), nothing after.
pub fn preview_blocks(body: &[super::Block], paragraphs: usize) -> Vec<super::Block> {
    use super::Block;
    let mut seen = 0;
    body.iter()
        .take_while(|b| {
            if matches!(b, Block::Paragraph { .. }) {
                seen += 1;
            }
            seen <= paragraphs && !b.is_page_break()
        })
        .filter(|b| matches!(b, Block::Paragraph { .. } | Block::Heading { .. }))
        .cloned()
        .collect()
}

/// The decision for a page that is not about one piece of content (home,
/// section and author pages, video pages).
pub fn decide_page(reader: Reader) -> Decision {
    decide(reader, Access::Public)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Access::{Members as Mem, Public as Pub, Registered as Reg};
    use ReaderState::*;

    /// Every reader state against every content level, every question.
    /// Columns: full body, gate, ads, CTA, one page, comment, reply, report, login prompt.
    #[rustfmt::skip]
    type Row = (ReaderState, Access, bool, Gate, bool, bool, bool, bool, bool, bool, bool);
    const MATRIX: &[Row] = &[
        // reader          level       full   gate          ads    cta    1page  cmnt   reply  report login
        (
            Anonymous,
            Pub,
            true,
            Gate::None,
            true,
            true,
            false,
            false,
            false,
            false,
            true,
        ),
        (
            Anonymous,
            Reg,
            false,
            Gate::SignIn,
            true,
            true,
            false,
            false,
            false,
            false,
            true,
        ),
        (
            Anonymous,
            Mem,
            false,
            Gate::Join,
            true,
            true,
            false,
            false,
            false,
            false,
            true,
        ),
        (
            Unverified,
            Pub,
            true,
            Gate::None,
            true,
            true,
            false,
            false,
            false,
            false,
            false,
        ),
        (
            Unverified,
            Reg,
            true,
            Gate::None,
            true,
            true,
            false,
            false,
            false,
            false,
            false,
        ),
        (
            Unverified,
            Mem,
            false,
            Gate::Join,
            true,
            true,
            false,
            false,
            false,
            false,
            false,
        ),
        (
            Registered,
            Pub,
            true,
            Gate::None,
            true,
            true,
            false,
            true,
            true,
            true,
            false,
        ),
        (
            Registered,
            Reg,
            true,
            Gate::None,
            true,
            true,
            false,
            true,
            true,
            true,
            false,
        ),
        (
            Registered,
            Mem,
            false,
            Gate::Join,
            true,
            true,
            false,
            false,
            false,
            true,
            false,
        ),
        (
            Member,
            Pub,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Member,
            Reg,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Member,
            Mem,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            MemberExpired,
            Pub,
            true,
            Gate::None,
            true,
            true,
            false,
            true,
            true,
            true,
            false,
        ),
        (
            MemberExpired,
            Reg,
            true,
            Gate::None,
            true,
            true,
            false,
            true,
            true,
            true,
            false,
        ),
        (
            MemberExpired,
            Mem,
            false,
            Gate::Join,
            true,
            true,
            false,
            false,
            false,
            true,
            false,
        ),
        (
            MemberGrace,
            Pub,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            MemberGrace,
            Reg,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            MemberGrace,
            Mem,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Complimentary,
            Pub,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Complimentary,
            Reg,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Complimentary,
            Mem,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Staff,
            Pub,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Staff,
            Reg,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
        (
            Staff,
            Mem,
            true,
            Gate::None,
            false,
            false,
            true,
            true,
            true,
            true,
            false,
        ),
    ];

    #[test]
    fn the_access_matrix() {
        // Every cell is in the table exactly once.
        assert_eq!(MATRIX.len(), ReaderState::ALL.len() * 3);
        for state in ReaderState::ALL {
            for level in [Pub, Reg, Mem] {
                let rows: Vec<_> = MATRIX
                    .iter()
                    .filter(|r| r.0 == state && r.1 == level)
                    .collect();
                assert_eq!(rows.len(), 1, "{state:?} x {level:?}");
                let r = rows[0];
                let d = decide(Reader::new(state), level);
                let want = Decision {
                    body: if r.2 {
                        BodyAccess::Full
                    } else {
                        BodyAccess::Preview
                    },
                    gate: r.3,
                    ads: r.4,
                    membership_cta: r.5,
                    one_page: r.6,
                    can_comment: r.7,
                    can_reply: r.8,
                    can_report: r.9,
                    login_prompt: r.10,
                };
                assert_eq!(d, want, "{state:?} x {level:?}");
            }
        }
    }

    #[test]
    fn previews_stop_after_n_paragraphs_and_at_a_page_break() {
        use crate::domain::Block;
        let p = |t: &str| Block::Paragraph { text: t.into() };
        let body = vec![
            p("1"),
            Block::Heading { text: "h".into() },
            p("2"),
            Block::ReadAlso {
                title: "t".into(),
                slug: None,
            },
            p("3"),
            p("4"),
        ];
        let v = preview_blocks(&body, 2);
        assert_eq!(v, vec![p("1"), Block::Heading { text: "h".into() }, p("2")]);
        let paged = vec![p("1"), Block::PageBreak, p("2")];
        assert_eq!(preview_blocks(&paged, 3), vec![p("1")]);
    }

    #[test]
    fn a_banned_reader_reads_but_does_not_comment() {
        for state in ReaderState::ALL {
            let r = Reader {
                state,
                comment_banned: true,
            };
            let d = decide(r, Pub);
            assert!(!d.can_comment && !d.can_reply, "{state:?}");
            assert_eq!(d.body, BodyAccess::Full);
        }
    }

    #[test]
    fn ad_free_exactly_when_the_membership_cta_is_gone() {
        for state in ReaderState::ALL {
            for level in [Pub, Reg, Mem] {
                let d = decide(Reader::new(state), level);
                assert_eq!(d.ads, d.membership_cta, "{state:?} x {level:?}");
            }
        }
    }
}
