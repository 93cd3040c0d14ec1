//! Readers' comments as text: how a typed comment is cleaned and checked,
//! when it waits for a moderator, and how its links are found. Comments are
//! plain text: stored as typed (cleaned), escaped when shown, and only
//! http(s) links become anchors.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CommentError {
    #[error("empty comment")]
    Empty,
    #[error("comment too long (at most {max} characters)")]
    TooLong { max: usize },
}

/// Clean a comment: hidden characters (controls, bidi overrides, private
/// use) and tabs out, whitespace trimmed, length checked.
pub fn clean_body(raw: &str, max_chars: usize) -> Result<String, CommentError> {
    let body: String = super::text::strip_hidden(raw)
        .chars()
        .filter(|c| *c != '\t')
        .collect::<String>()
        .trim()
        .to_string();
    if body.is_empty() {
        return Err(CommentError::Empty);
    }
    if body.chars().count() > max_chars {
        return Err(CommentError::TooLong { max: max_chars });
    }
    Ok(body)
}

/// Whether a comment written at `created_at` may still be edited by its
/// author at `now`: within the site's window (`edit_minutes`).
pub fn within_edit_window(created_at: i64, now: i64, edit_minutes: i64) -> bool {
    now - created_at < edit_minutes * 60
}

/// The comment a reply answers, as far as the rule cares.
#[derive(Debug, Clone, Copy)]
pub struct ReplyTarget {
    pub article_id: i64,
    /// Whether it is itself a reply.
    pub is_reply: bool,
    pub visible: bool,
}

/// One level of replies: a reply answers a visible top-level comment of
/// the same story.
pub fn may_reply_to(parent: ReplyTarget, article_id: i64) -> bool {
    parent.article_id == article_id && !parent.is_reply && parent.visible
}

/// Whether a comment must wait for a moderator.
pub fn needs_review(body: &str, premoderation: bool, blocked: &[String]) -> bool {
    if premoderation {
        return true;
    }
    let lower = body.to_lowercase();
    blocked
        .iter()
        .filter(|w| !w.trim().is_empty())
        .any(|w| lower.contains(&w.trim().to_lowercase()))
}

/// A run of a comment's text, or a link in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextPart {
    pub text: String,
    pub href: Option<String>,
}

/// Find http(s) links in plain text, so links can be made safe in a
/// template without ever trusting the text as HTML.
pub fn linkify(text: &str) -> Vec<TextPart> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r#"https?://[^\s<>"']+[^\s<>"'.,;:!?)\]]"#).expect("valid regex")
    });
    let mut out = Vec::new();
    let mut last = 0;
    for m in re.find_iter(text) {
        // Only what parses as a web address becomes a link; the rest stays
        // text (it is joined with the text around it).
        if super::web_address::parse_http(m.as_str()).is_err() {
            continue;
        }
        if m.start() > last {
            out.push(TextPart {
                text: text[last..m.start()].to_string(),
                href: None,
            });
        }
        out.push(TextPart {
            text: m.as_str().to_string(),
            href: Some(m.as_str().to_string()),
        });
        last = m.end();
    }
    if last < text.len() {
        out.push(TextPart {
            text: text[last..].to_string(),
            href: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cleaned_and_limited() {
        assert_eq!(
            clean_body("  halo\u{0007} dunia \n", 100).unwrap(),
            "halo dunia"
        );
        assert_eq!(clean_body("   ", 100), Err(CommentError::Empty));
        assert_eq!(
            clean_body(&"x".repeat(101), 100),
            Err(CommentError::TooLong { max: 100 })
        );
        assert_eq!(clean_body("a\u{202E}b\u{E000}c", 100).unwrap(), "abc");
    }

    #[test]
    fn replies_go_one_level_deep_and_edits_in_the_window() {
        let top = ReplyTarget {
            article_id: 1,
            is_reply: false,
            visible: true,
        };
        assert!(may_reply_to(top, 1));
        assert!(!may_reply_to(top, 2), "another story's comment");
        assert!(!may_reply_to(
            ReplyTarget {
                is_reply: true,
                ..top
            },
            1
        ));
        assert!(!may_reply_to(
            ReplyTarget {
                visible: false,
                ..top
            },
            1
        ));
        assert!(within_edit_window(1000, 1000 + 14 * 60, 15));
        assert!(!within_edit_window(1000, 1000 + 15 * 60, 15));
    }

    #[test]
    fn blocked_words_hold_a_comment() {
        let words = vec!["judi".to_string()];
        assert!(needs_review("Ayo main JUDI online", false, &words));
        assert!(!needs_review("Berita bagus", false, &words));
        assert!(needs_review("Berita bagus", true, &[]));
    }

    #[test]
    fn links_are_found_in_plain_text() {
        let p = linkify("Lihat https://contoh.id/a?b=1, lalu <b>baca</b>.");
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].href.as_deref(), Some("https://contoh.id/a?b=1"));
        assert_eq!(p[2].text, ", lalu <b>baca</b>.");
        assert!(p[2].href.is_none());
        assert!(
            linkify("javascript:alert(1)")
                .iter()
                .all(|p| p.href.is_none())
        );
        // Starts like an address, names no host: stays text, whole.
        let p = linkify("lihat http://[x dan https://u:p@contoh.id/a");
        assert!(p.iter().all(|p| p.href.is_none()), "{p:?}");
        assert_eq!(
            p.iter().map(|p| p.text.as_str()).collect::<String>(),
            "lihat http://[x dan https://u:p@contoh.id/a"
        );
    }

    /// What the fuzz target checks, over a fixed sample: cleaning never
    /// panics, never keeps a hidden character, and linkify's parts put
    /// together are the text again, with only http(s) links.
    #[test]
    fn cleaning_and_linking_hold_for_odd_input() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let alphabet: Vec<char> = "ab \n\t<>\"'&.:/?#h ttps:// ÿ\u{202E}\u{E000}\u{0}\u{1F600}é%"
            .chars()
            .collect();
        for _ in 0..2000 {
            let mut s = String::new();
            for _ in 0..(seed % 60) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
                if seed.is_multiple_of(11) {
                    s.push_str("https://contoh.id/x");
                }
            }
            check_one(&s);
        }
    }

    pub fn check_one(s: &str) {
        if let Ok(clean) = clean_body(s, 2000) {
            assert!(
                !clean.chars().any(super::super::text::is_hidden),
                "{clean:?}"
            );
            let parts = linkify(&clean);
            let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(joined, clean);
            for p in parts.iter().filter_map(|p| p.href.as_deref()) {
                assert!(p.starts_with("http://") || p.starts_with("https://"), "{p}");
            }
        }
    }
}
