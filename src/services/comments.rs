//! Readers' comments: post, reply, edit, delete, report, and the
//! moderators' decisions. The rules (cleaning, reply depth, the edit
//! window, review) are `domain::comment`'s; who may comment at all is the
//! access engine's.

use crate::core::Core;
use crate::domain::access::{Reader, decide};
use crate::domain::comment::{
    ReplyTarget, clean_body, may_reply_to, needs_review, within_edit_window,
};
use crate::domain::newsroom::{Action, Staff};
use crate::error::AppError;
use crate::store::readers::{Account, CommentRow, CommentStatus, NewReaderComment};

/// Who is commenting: their account and what the access engine knows of
/// them (verified, member, banned).
#[derive(Clone, Copy)]
pub struct Commenter<'a> {
    pub account: &'a Account,
    pub reader: Reader,
}

fn cleaned(core: &Core, raw: &str) -> Result<String, AppError> {
    clean_body(raw, core.cfg.comments.max_chars).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// The name a comment is shown under: the display name, or "Pembaca" in
/// the site's language, never a piece of the e-mail address.
fn author_name(core: &Core, account: &Account) -> String {
    let name = account.display_name.trim();
    if name.is_empty() {
        core.views
            .catalog
            .strings(&core.cfg.locale)
            .get("comment_reader")
            .cloned()
            .unwrap_or_else(|| "Pembaca".into())
    } else {
        name.to_string()
    }
}

/// Post a comment (or a reply to `parent`) on the published story `slug`;
/// answers whether it is shown now or waits for a moderator.
pub async fn post(
    core: &Core,
    who: Commenter<'_>,
    slug: &str,
    body: &str,
    parent: Option<i64>,
) -> Result<CommentStatus, AppError> {
    let now = core.clock.now();
    let article = core
        .store
        .article(slug, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let decision = decide(who.reader, article.access);
    let allowed = if parent.is_some() {
        decision.can_reply
    } else {
        decision.can_comment
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let body = cleaned(core, body)?;
    if let Some(pid) = parent {
        let p = core
            .store
            .comment(pid)
            .await?
            .ok_or(AppError::BadRequest("no such comment".into()))?;
        let target = ReplyTarget {
            article_id: p.article_id,
            is_reply: p.parent_id.is_some(),
            visible: p.status == CommentStatus::Visible,
        };
        if !may_reply_to(target, article.id) {
            return Err(AppError::BadRequest("cannot reply there".into()));
        }
    }
    if !core
        .limits
        .comments
        .allow(core, &format!("reader:{}", who.account.id))
        .await
    {
        return Err(AppError::TooManyRequests);
    }
    let comments = &core.cfg.comments;
    let status = if needs_review(&body, comments.premoderation, &comments.blocked_words) {
        CommentStatus::Pending
    } else {
        CommentStatus::Visible
    };
    core.store
        .add_comment(&NewReaderComment {
            article_id: article.id,
            parent_id: parent,
            reader_id: who.account.id,
            author: author_name(core, who.account),
            body,
            status,
            created_at: now,
        })
        .await?;
    Ok(status)
}

/// Comment `id`, if it is `account`'s own.
async fn own(core: &Core, account: &Account, id: i64) -> Result<CommentRow, AppError> {
    let c = core.store.comment(id).await?.ok_or(AppError::NotFound)?;
    if c.reader_id != Some(account.id) {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

/// Change one's own comment within the edit window; a changed text with a
/// blocked word waits for review again. Answers the story's id.
pub async fn edit(core: &Core, account: &Account, id: i64, body: &str) -> Result<i64, AppError> {
    let c = own(core, account, id).await?;
    let now = core.clock.now();
    if c.status == CommentStatus::Deleted
        || !within_edit_window(c.created_at, now, core.cfg.comments.edit_minutes)
    {
        return Err(AppError::Forbidden);
    }
    let body = cleaned(core, body)?;
    core.store.edit_comment(id, &body, now).await?;
    if needs_review(&body, false, &core.cfg.comments.blocked_words) {
        core.store
            .set_comment_status(id, CommentStatus::Pending)
            .await?;
    }
    Ok(c.article_id)
}

/// Delete one's own comment. Answers the story's id.
pub async fn delete(core: &Core, account: &Account, id: i64) -> Result<i64, AppError> {
    let c = own(core, account, id).await?;
    core.store
        .set_comment_status(id, CommentStatus::Deleted)
        .await?;
    Ok(c.article_id)
}

/// Report someone's comment to the moderators. Answers the story's id.
pub async fn report(
    core: &Core,
    who: Commenter<'_>,
    id: i64,
    reason: &str,
) -> Result<i64, AppError> {
    if !decide(who.reader, crate::domain::Access::Public).can_report {
        return Err(AppError::Forbidden);
    }
    let c = core.store.comment(id).await?.ok_or(AppError::NotFound)?;
    let reason: String = reason.trim().chars().take(500).collect();
    let reason = if reason.is_empty() {
        "-".to_string()
    } else {
        reason
    };
    core.store
        .report_comment(id, who.account.id, &reason, core.clock.now())
        .await?;
    Ok(c.article_id)
}

/// What a moderator does with a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Approve,
    Hide,
    Delete,
    /// Hide it and stop its author from commenting.
    Ban,
}

impl Moderation {
    pub fn parse(s: &str) -> Option<Moderation> {
        match s {
            "approve" => Some(Moderation::Approve),
            "hide" => Some(Moderation::Hide),
            "delete" => Some(Moderation::Delete),
            "ban" => Some(Moderation::Ban),
            _ => None,
        }
    }
}

/// Whether `staff` may moderate at all (editors and admins).
pub fn may_moderate(staff: &Staff) -> bool {
    staff.may(Action::Moderate, None)
}

pub async fn moderate(
    core: &Core,
    staff: &Staff,
    id: i64,
    what: Moderation,
) -> Result<(), AppError> {
    if !may_moderate(staff) {
        return Err(AppError::Forbidden);
    }
    let c = core.store.comment(id).await?.ok_or(AppError::NotFound)?;
    let status = match what {
        Moderation::Approve => CommentStatus::Visible,
        Moderation::Hide | Moderation::Ban => CommentStatus::Hidden,
        Moderation::Delete => CommentStatus::Deleted,
    };
    core.store.set_comment_status(id, status).await?;
    if what == Moderation::Ban
        && let Some(r) = c.reader_id
    {
        core.store.set_comment_banned(r, true).await?;
    }
    Ok(())
}
