//! The newsroom's people: giving and taking roles. Losing a role ends every
//! session of the account, here and only here, so the back office and the
//! CLI cannot differ on it.

use crate::core::Core;
use crate::domain::account::{check_display_name, hash_password, new_token, normalize_email};
use crate::domain::newsroom::StaffRole;
use crate::error::AppError;
use crate::store::newsroom::Actor;

/// What setting a role did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    /// An existing account has the role now (or lost it).
    Saved { reader_id: i64 },
    /// A new account was made for the address; it should be invited.
    Created { reader_id: i64 },
}

/// Give `email` a role (limited to `sections`; empty is every section), or
/// take it away with `None`. With `create`, an address without an account
/// gets one with a password nobody knows (an invitation sets a real one).
pub async fn set_role(
    core: &Core,
    who: &Actor,
    email: &str,
    role: Option<StaffRole>,
    sections: &[String],
    create: Option<&str>,
) -> Result<RoleChange, AppError> {
    let email = normalize_email(email).map_err(|_| {
        AppError::Invalid(vec![crate::domain::story::FieldError::new(
            "email",
            "not an e-mail address",
        )])
    })?;
    let now = core.clock.now();
    let (id, created) = match core.store.reader_by_email(&email).await? {
        Some(a) => (a.id, false),
        None if role.is_some() && create.is_some() => {
            let name = check_display_name(create.unwrap_or_default()).unwrap_or_default();
            let hash = hash_password(&new_token());
            (
                core.store
                    .create_reader(&email, &hash, &name, None, now)
                    .await?,
                true,
            )
        }
        None => {
            return Err(AppError::Invalid(vec![
                crate::domain::story::FieldError::new("email", "no account with this address"),
            ]));
        }
    };
    core.store
        .set_staff_role(id, role.map(|r| (r, sections)), who, now)
        .await?;
    if role.is_none() {
        // Losing the role ends every session at once.
        core.store.delete_reader_sessions(id, None).await?;
    }
    Ok(if created {
        RoleChange::Created { reader_id: id }
    } else {
        RoleChange::Saved { reader_id: id }
    })
}
