//! Reader accounts: sign up, verify, sign in, reset a password, change the
//! address or the password, delete, and invite to the newsroom. Answers
//! never tell whether an address has an account: the same answer after the
//! same work, and mail goes through the queue after the request.
//!
//! Sessions and device tokens are made here; setting them as cookies is
//! the web layer's.

use crate::core::Core;
use crate::domain::account::{
    self, AccountError, check_display_name, check_password, new_token, normalize_email, token_hash,
};
use crate::error::AppError;
use crate::store::StoreError;
use crate::store::readers::{Account, TokenPurpose};

const VERIFY_HOURS: i64 = 48;
const RESET_HOURS: i64 = 1;
const INVITE_HOURS: i64 = 72;

/// Why a form about an account is refused, for the page to say so.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The address, password or name breaks a rule.
    #[error(transparent)]
    Invalid(#[from] AccountError),
    #[error("wrong password")]
    WrongPassword,
    #[error("invalid or expired link")]
    BadLink,
    #[error("the address belongs to another account")]
    AddressTaken,
    #[error("too many attempts")]
    TooMany,
    #[error(transparent)]
    Other(#[from] AppError),
}

impl From<StoreError> for AccountsError {
    fn from(e: StoreError) -> Self {
        AccountsError::Other(e.into())
    }
}

impl From<AccountsError> for AppError {
    fn from(e: AccountsError) -> Self {
        match e {
            AccountsError::Invalid(e) => AppError::BadRequest(e.to_string()),
            AccountsError::WrongPassword => AppError::Forbidden,
            AccountsError::BadLink | AccountsError::AddressTaken => {
                AppError::BadRequest(e.to_string())
            }
            AccountsError::TooMany => AppError::TooManyRequests,
            AccountsError::Other(e) => e,
        }
    }
}

/// argon2id is slow on purpose: off the async threads. A worker that dies
/// is a server error, not the reader's.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let p = password.to_string();
    tokio::task::spawn_blocking(move || account::hash_password(&p))
        .await
        .map_err(|e| AppError::Store(StoreError::Corrupt(format!("password worker: {e}"))))
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (p, h) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || account::verify_password(&p, &h))
        .await
        .unwrap_or(false)
}

/// A kind of single-use link: what it is for, how long it lasts, the mail
/// it goes in and the page it opens.
struct Link<'a> {
    purpose: TokenPurpose,
    /// The address it moves the account to (a change of address).
    new_email: Option<&'a str>,
    hours: i64,
    kind: &'a str,
    path: &'a str,
}

const VERIFY: Link<'static> = Link {
    purpose: TokenPurpose::Verify,
    new_email: None,
    hours: VERIFY_HOURS,
    kind: "verify",
    path: "/verify",
};

/// Mail `reader_id` a single-use link of kind `link` at `to`.
async fn mail_link(
    core: &Core,
    reader_id: i64,
    to: &str,
    locale: &str,
    link: Link<'_>,
) -> Result<(), AppError> {
    let token = new_token();
    let now = core.clock.now();
    core.store
        .create_email_token(
            &token_hash(&token),
            reader_id,
            link.purpose,
            link.new_email,
            now,
            now + link.hours * 3600,
        )
        .await?;
    super::mail::send(
        core,
        to,
        locale,
        link.kind,
        &format!("{}?token={token}", link.path),
        &[],
    )
    .await;
    Ok(())
}

pub struct Registration<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub name: &'a str,
    pub locale: &'a str,
    /// The client's address, for the sign-up limit.
    pub ip: &'a str,
}

/// Sign up: a new account gets a verification link; a taken address gets a
/// mail telling its owner (the answer is the same).
pub async fn register(core: &Core, r: Registration<'_>) -> Result<(), AccountsError> {
    let email = normalize_email(r.email)?;
    check_password(r.password)?;
    let name = check_display_name(r.name)?;
    if !core
        .limits
        .signup_ip
        .allow(core, &format!("ip:{}", r.ip))
        .await
    {
        return Err(AccountsError::TooMany);
    }
    let hash = hash_password(r.password).await?;
    match core
        .store
        .create_reader(&email, &hash, &name, None, core.clock.now())
        .await
    {
        Ok(id) => send_verification(core, id, &email, r.locale).await?,
        Err(StoreError::Conflict(_)) => {
            super::mail::send(core, &email, r.locale, "exists", "/forgot", &[]).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

pub async fn send_verification(
    core: &Core,
    reader_id: i64,
    email: &str,
    locale: &str,
) -> Result<(), AppError> {
    mail_link(core, reader_id, email, locale, VERIFY).await
}

/// Mail the verification link again (limited per address).
pub async fn resend_verification(
    core: &Core,
    acct: &Account,
    locale: &str,
) -> Result<(), AccountsError> {
    if !core
        .limits
        .mail_email
        .allow(core, &format!("email:{}", acct.email))
        .await
    {
        return Err(AccountsError::TooMany);
    }
    if !acct.verified {
        send_verification(core, acct.id, &acct.email, locale).await?;
    }
    Ok(())
}

/// The mailed verification link: proves the address of the account it
/// names, which is returned. It signs nobody in (the opener may not be the
/// owner).
pub async fn verify(core: &Core, token: &str) -> Result<i64, AccountsError> {
    let now = core.clock.now();
    let Some((reader_id, _)) = core
        .store
        .use_email_token(&token_hash(token), TokenPurpose::Verify, now)
        .await?
    else {
        return Err(AccountsError::BadLink);
    };
    core.store.mark_verified(reader_id, now).await?;
    Ok(reader_id)
}

/// Invite someone to the newsroom: a link to choose their password.
pub async fn invite(
    core: &Core,
    reader_id: i64,
    email: &str,
    locale: &str,
) -> Result<(), AppError> {
    mail_link(
        core,
        reader_id,
        email,
        locale,
        Link {
            purpose: TokenPurpose::Reset,
            new_email: None,
            hours: INVITE_HOURS,
            kind: "invite",
            path: "/reset",
        },
    )
    .await
}

/// Check a sign-in; `Ok(None)` for a wrong address or password (the same
/// answer, after the same work), `TooMany` past the limits. `device` is the
/// account this browser signed in to before: when wrong guesses (anyone's)
/// have locked the address, its owner may still try from such a browser,
/// within a limit of its own, and that does not unlock it for anyone else.
pub async fn check_login(
    core: &Core,
    email_raw: &str,
    password: &str,
    ip: &str,
    device: Option<i64>,
) -> Result<Option<i64>, AccountsError> {
    let email = normalize_email(email_raw).unwrap_or_else(|_| email_raw.trim().to_lowercase());
    if !core.limits.login_ip.allow(core, &format!("ip:{ip}")).await {
        return Err(AccountsError::TooMany);
    }
    let acct = core.store.reader_by_email(&email).await?;
    let locked = !core
        .limits
        .login_email
        .allow(core, &format!("email:{email}"))
        .await;
    if locked {
        let owners_browser = match (&acct, device) {
            (Some(a), Some(d)) if a.id == d => {
                core.limits
                    .login_device
                    .allow(core, &format!("reader:{d}"))
                    .await
            }
            _ => false,
        };
        if !owners_browser {
            return Err(AccountsError::TooMany);
        }
    }
    let hash = acct
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| account::dummy_hash().to_string());
    let ok = verify_password(password, &hash).await;
    Ok(match acct {
        Some(a) if ok => {
            if !locked {
                core.limits
                    .login_email
                    .reset(core, &format!("email:{email}"))
                    .await;
            }
            Some(a.id)
        }
        _ => None,
    })
}

/// A new session for `reader_id`: a fresh random token every time (so a
/// token planted before sign-in is worthless), stored hashed. Returns the
/// token and how many seconds it lasts.
pub async fn start_session(
    core: &Core,
    reader_id: i64,
    user_agent: &str,
) -> Result<(String, i64), AppError> {
    let token = new_token();
    let now = core.clock.now();
    let max_age = core.cfg.session_days * 86_400;
    core.store
        .create_session(
            &token_hash(&token),
            reader_id,
            now,
            now + max_age,
            user_agent,
        )
        .await?;
    Ok((token, max_age))
}

/// The account a device token belongs to, if it is one we issued.
pub async fn known_device(core: &Core, token: &str) -> Option<i64> {
    core.store
        .known_device(&token_hash(token), core.clock.now())
        .await
        .ok()
        .flatten()
}

/// A new device token for `reader_id` (remembered hashed).
pub async fn remember_device(core: &Core, reader_id: i64) -> Result<String, AppError> {
    let token = new_token();
    core.store
        .add_known_device(&token_hash(&token), reader_id, core.clock.now())
        .await?;
    Ok(token)
}

/// A forgotten password: a reset link if the address has an account; the
/// same answer either way (limited per address and per client).
pub async fn request_reset(
    core: &Core,
    email_raw: &str,
    locale: &str,
    ip: &str,
) -> Result<(), AccountsError> {
    let email = normalize_email(email_raw).unwrap_or_default();
    if !core.limits.mail_ip.allow(core, &format!("ip:{ip}")).await
        || !core
            .limits
            .mail_email
            .allow(core, &format!("email:{email}"))
            .await
    {
        return Err(AccountsError::TooMany);
    }
    if let Some(acct) = core.store.reader_by_email(&email).await? {
        mail_link(
            core,
            acct.id,
            &acct.email,
            locale,
            Link {
                purpose: TokenPurpose::Reset,
                new_email: None,
                hours: RESET_HOURS,
                kind: "reset",
                path: "/reset",
            },
        )
        .await?;
    }
    Ok(())
}

/// A new password through a reset (or invitation) link: every session of
/// the account ends, and the address counts as proven.
pub async fn reset(core: &Core, token: &str, password: &str) -> Result<(), AccountsError> {
    check_password(password)?;
    let now = core.clock.now();
    let Some((reader_id, _)) = core
        .store
        .use_email_token(&token_hash(token), TokenPurpose::Reset, now)
        .await?
    else {
        return Err(AccountsError::BadLink);
    };
    let hash = hash_password(password).await?;
    core.store.set_password(reader_id, &hash).await?;
    // Whoever knew the old password is signed out everywhere.
    core.store.delete_reader_sessions(reader_id, None).await?;
    // The link reached their inbox: that proves the address too.
    core.store.mark_verified(reader_id, now).await?;
    Ok(())
}

/// Change the password (the current one proves it is the owner); other
/// sessions end, `keep` (this one) stays.
pub async fn change_password(
    core: &Core,
    acct: &Account,
    current: &str,
    new: &str,
    keep: Option<&str>,
) -> Result<(), AccountsError> {
    check_password(new)?;
    if !verify_password(current, &acct.password_hash).await {
        return Err(AccountsError::WrongPassword);
    }
    let hash = hash_password(new).await?;
    core.store.set_password(acct.id, &hash).await?;
    core.store.delete_reader_sessions(acct.id, keep).await?;
    Ok(())
}

/// Ask to move the account to another address: the new inbox must confirm
/// it before it replaces the old one.
pub async fn request_email_change(
    core: &Core,
    acct: &Account,
    new_email: &str,
    password: &str,
    locale: &str,
) -> Result<(), AccountsError> {
    let email = normalize_email(new_email)?;
    if !verify_password(password, &acct.password_hash).await {
        return Err(AccountsError::WrongPassword);
    }
    if !core
        .limits
        .mail_email
        .allow(core, &format!("email:{email}"))
        .await
    {
        return Err(AccountsError::TooMany);
    }
    mail_link(
        core,
        acct.id,
        &email,
        locale,
        Link {
            purpose: TokenPurpose::ChangeEmail,
            new_email: Some(&email),
            hours: VERIFY_HOURS,
            kind: "change_email",
            path: "/account/email/confirm",
        },
    )
    .await?;
    Ok(())
}

/// The new address confirmed itself: it replaces the old one.
pub async fn confirm_email(core: &Core, token: &str) -> Result<(), AccountsError> {
    let now = core.clock.now();
    let Some((reader_id, Some(email))) = core
        .store
        .use_email_token(&token_hash(token), TokenPurpose::ChangeEmail, now)
        .await?
    else {
        return Err(AccountsError::BadLink);
    };
    match core.store.set_email(reader_id, &email).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(AccountsError::AddressTaken),
        Err(e) => return Err(e.into()),
    }
    core.store.mark_verified(reader_id, now).await?;
    Ok(())
}

/// Delete the account (the password proves it is the owner). Its
/// subscriptions end first, so nothing is charged after it is gone; if a
/// provider cannot be reached, the account stays and the reader may retry.
pub async fn delete(core: &Core, acct: &Account, password: &str) -> Result<(), AccountsError> {
    if !verify_password(password, &acct.password_hash).await {
        return Err(AccountsError::WrongPassword);
    }
    super::payments::end_subscriptions(core, acct.id)
        .await
        .map_err(AppError::from)?;
    core.store.delete_reader(acct.id, core.clock.now()).await?;
    Ok(())
}
