//! Memberships: a newsroom grant (checked and audited the same whether it
//! comes from the back office or the CLI), a redeem code, and the periods
//! payments buy. Every period is written by the store's one period writer
//! (`add_period`), which queues it after whatever the reader already has.

use crate::core::Core;
use crate::domain::membership::{
    GrantError, Membership, PeriodRequest, RedeemError, Source, check_grant,
};
use crate::store::StoreError;
use crate::store::newsroom::Actor;
use crate::store::readers::ReaderStore;

#[derive(Debug, thiserror::Error)]
pub enum MembershipError {
    #[error(transparent)]
    Grant(#[from] GrantError),
    #[error("no reader with e-mail {0}")]
    NoReader(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Add `days` of `plan_id` to a reader, after any period they already have.
pub async fn start(
    readers: &dyn ReaderStore,
    reader_id: i64,
    plan_id: &str,
    source: Source,
    days: u32,
    reference: &str,
    now: i64,
) -> Result<Membership, StoreError> {
    readers
        .add_period(
            reader_id,
            &PeriodRequest::new(plan_id, source, days, reference),
            now,
        )
        .await
}

/// The newsroom gives `email` a membership without payment (a complaint, a
/// partner, a competition): 1 to `MAX_GRANT_DAYS` days of a configured
/// plan, written to the audit log under `who`.
pub async fn grant(
    core: &Core,
    who: &Actor,
    email: &str,
    plan: &str,
    days: u32,
) -> Result<Membership, MembershipError> {
    let plans: Vec<&str> = core.cfg.plans.iter().map(|p| p.id.as_str()).collect();
    check_grant(plan, days, &plans)?;
    let email = crate::domain::account::normalize_email(email)
        .map_err(|_| MembershipError::NoReader(email.trim().to_string()))?;
    let Some(reader) = core.store.reader_by_email(&email).await? else {
        return Err(MembershipError::NoReader(email));
    };
    let now = core.clock.now();
    let m = start(
        &*core.store,
        reader.id,
        plan,
        Source::Grant,
        days,
        &who.label,
        now,
    )
    .await?;
    core.store
        .audit(
            who,
            "membership.grant",
            &format!("reader:{}", reader.email),
            &format!("{plan} {days} days"),
            now,
        )
        .await?;
    Ok(m)
}

/// Redeem a code for `reader_id`: the code's period, or why not.
pub async fn redeem(
    core: &Core,
    reader_id: i64,
    code: &str,
) -> Result<Result<Membership, RedeemError>, StoreError> {
    let code = code.trim().to_uppercase();
    core.store.redeem(&code, reader_id, core.clock.now()).await
}
