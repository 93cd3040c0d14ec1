//! Two-step sign-in for staff (TOTP): whether an account needs a code,
//! and checking one, with a lockout after repeated wrong codes.

use crate::core::Core;
use crate::domain::totp;
use crate::error::AppError;

/// Whether this account must give a code to sign in.
pub async fn required(core: &Core, reader_id: i64) -> Result<bool, AppError> {
    Ok(core.store.staff_totp(reader_id).await?.0.is_some())
}

/// Wrong codes in `TOTP_LOCK_SECS` that lock two-step sign-in for the
/// account: a guesser who has the password gets five tries in 15 minutes.
const TOTP_FAILURES: i64 = 5;
const TOTP_LOCK_SECS: i64 = 900;

/// Check a code for `reader_id` now: right, and not used before. After
/// `TOTP_FAILURES` wrong ones the account's codes are refused for
/// `TOTP_LOCK_SECS` (a right one too), and its owner is told by e-mail
/// and the audit log: someone has their password.
pub async fn check_code(core: &Core, reader_id: i64, code: &str) -> Result<bool, AppError> {
    let now = core.clock.now();
    let failures = format!("totp-fail:{reader_id}");
    if core
        .store
        .rate_count(&failures, TOTP_LOCK_SECS, now)
        .await?
        >= TOTP_FAILURES
        || !core
            .limits
            .login_email
            .allow(core, &format!("2fa:{reader_id}"))
            .await
    {
        return Err(AppError::TooManyRequests);
    }
    let Some(secret) = core.store.staff_totp(reader_id).await?.0 else {
        return Ok(false);
    };
    if let Some(step) = totp::matching_step(&secret, code, now)
        && core.store.use_totp_step(reader_id, step).await?
    {
        return Ok(true);
    }
    core.store
        .rate_hit(
            std::slice::from_ref(&failures),
            i64::MAX,
            TOTP_LOCK_SECS,
            now,
        )
        .await?;
    if core
        .store
        .rate_count(&failures, TOTP_LOCK_SECS, now)
        .await?
        == TOTP_FAILURES
    {
        lockout_alert(core, reader_id, now).await;
    }
    Ok(false)
}

/// Two-step sign-in just locked: the owner hears of it, and so does the log.
async fn lockout_alert(core: &Core, reader_id: i64, now: i64) {
    let Ok(Some(acct)) = core.store.reader(reader_id).await else {
        return;
    };
    let actor = crate::store::newsroom::Actor {
        reader_id: None,
        label: "security".into(),
    };
    if let Err(e) = core
        .store
        .audit(
            &actor,
            "security.totp_locked",
            &format!("reader:{}", acct.email),
            &format!("{TOTP_FAILURES} wrong two-step codes; locked for 15 minutes"),
            now,
        )
        .await
    {
        tracing::error!(error = %e, "audit entry not written");
    }
    tracing::warn!(reader_id, "two-step sign-in locked after wrong codes");
    super::mail::send(
        core,
        &acct.email,
        &core.cfg.locale,
        "totp_locked",
        "/admin/security",
        &[],
    )
    .await;
}
