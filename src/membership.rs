//! Starting memberships. Grants, redeem codes and (later) payments all go
//! through `start`, so a membership behaves the same whatever began it.

use serde::Serialize;

use crate::domain::access::ReaderState;
use crate::domain::membership::{Membership, RedeemError, Source, Status, next_period};
use crate::http::App;
use crate::http::auth::Viewer;
use crate::store::StoreError;
use crate::store::readers::{NewMembership, ReaderStore};

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
    let existing = readers.memberships(reader_id).await?;
    let (starts_at, ends_at) = next_period(&existing, now, days);
    readers
        .add_membership(
            reader_id,
            &NewMembership {
                plan_id: plan_id.to_string(),
                source,
                status: Status::Active,
                starts_at,
                ends_at,
                reference: reference.to_string(),
            },
            now,
        )
        .await
}

pub async fn redeem(
    app: &App,
    reader_id: i64,
    code: &str,
) -> Result<Result<Membership, RedeemError>, StoreError> {
    app.readers.redeem(code, reader_id, app.clock.now()).await
}

/// The account page's summary of a reader's membership.
#[derive(Serialize)]
pub struct Summary {
    pub state: ReaderState,
    pub active: bool,
    pub plan: Option<String>,
    pub ends_at: Option<i64>,
}

pub fn describe(app: &App, viewer: &Viewer, now: i64) -> Summary {
    let current = viewer
        .memberships
        .iter()
        .filter(|m| m.in_period(now) || m.in_grace(now))
        .max_by_key(|m| m.ends_at);
    Summary {
        state: viewer.state(),
        active: viewer.state().has_membership(),
        plan: current.map(|m| {
            app.cfg
                .plan(&m.plan_id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| m.plan_id.clone())
        }),
        ends_at: viewer
            .memberships
            .iter()
            .filter(|m| m.in_period(now))
            .map(|m| m.ends_at)
            .max(),
    }
}
