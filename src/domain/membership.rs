//! Memberships: where a reader's state comes from. A membership is a period
//! with a source; rows are never deleted, so the history stays.

use serde::{Deserialize, Serialize};

use super::access::ReaderState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Paid through a payment provider.
    Payment,
    /// Granted by the newsroom.
    Grant,
    /// From a redeem code.
    Redeem,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Payment => "payment",
            Source::Grant => "grant",
            Source::Redeem => "redeem",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "payment" => Some(Source::Payment),
            "grant" => Some(Source::Grant),
            "redeem" => Some(Source::Redeem),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    /// Renewal failed; benefits last until `grace_until`.
    Grace,
    /// Will not renew; benefits last until the period ends.
    Cancelled,
    /// Taken back (refund, abuse): no benefits.
    Revoked,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Grace => "grace",
            Status::Cancelled => "cancelled",
            Status::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "active" => Some(Status::Active),
            "grace" => Some(Status::Grace),
            "cancelled" => Some(Status::Cancelled),
            "revoked" => Some(Status::Revoked),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub id: i64,
    pub plan_id: String,
    pub source: Source,
    pub status: Status,
    pub starts_at: i64,
    pub ends_at: i64,
    pub grace_until: Option<i64>,
    /// Who or what started it: an editor's e-mail, a code, a payment id.
    pub reference: String,
    pub created_at: i64,
}

impl Membership {
    pub fn in_period(&self, now: i64) -> bool {
        self.status != Status::Revoked && self.starts_at <= now && now < self.ends_at
    }

    pub fn in_grace(&self, now: i64) -> bool {
        self.status == Status::Grace
            && self.grace_until.is_some_and(|g| now < g)
            && now >= self.starts_at
    }
}

/// The facts about an account the access engine needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFacts {
    pub verified: bool,
    pub staff: bool,
}

/// A signed-in reader's state at `now`.
pub fn reader_state(acct: AccountFacts, memberships: &[Membership], now: i64) -> ReaderState {
    if acct.staff {
        return ReaderState::Staff;
    }
    if let Some(m) = memberships.iter().find(|m| m.in_period(now)) {
        return match m.source {
            Source::Payment => ReaderState::Member,
            Source::Grant | Source::Redeem => ReaderState::Complimentary,
        };
    }
    if memberships.iter().any(|m| m.in_grace(now)) {
        return ReaderState::MemberGrace;
    }
    // Had a membership once (ended, revoked or refunded): the site still
    // invites them back, as it would a lapsed subscriber.
    if !memberships.is_empty() {
        return ReaderState::MemberExpired;
    }
    if acct.verified {
        ReaderState::Registered
    } else {
        ReaderState::Unverified
    }
}

/// Where the reader's benefits run out, counting periods already queued
/// (a second pass bought early); None when nothing runs past `now`.
pub fn latest_end(memberships: &[Membership], now: i64) -> Option<i64> {
    memberships
        .iter()
        .filter(|m| m.status != Status::Revoked && m.ends_at > now)
        .map(|m| m.ends_at)
        .max()
}

/// When a new period of `days` should start: now, or where the reader's
/// current benefits end, so buying or redeeming early never loses days.
pub fn next_period(memberships: &[Membership], now: i64, days: u32) -> (i64, i64) {
    let start = latest_end(memberships, now).unwrap_or(now).max(now);
    (start, start + i64::from(days) * 86_400)
}

/// A period to add to a reader's membership, by whatever began it. Where it
/// goes is decided by `place_period` against the reader's periods as they
/// are when it is written (the store does that with the reader's row
/// locked), so a grant, a code and a payment landing at once queue one
/// after another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRequest {
    pub plan_id: String,
    pub source: Source,
    pub days: u32,
    /// What began it: an order id, `code:<CODE>`, who granted it.
    pub reference: String,
    /// Seconds the period runs past its end (card renewals are paid late).
    pub slack: i64,
    /// The provider's own end for the period (a subscription's), taken
    /// when it is plausible: after the start, and at most a week past `days`.
    pub provider_end: Option<i64>,
}

impl PeriodRequest {
    pub fn new(plan_id: &str, source: Source, days: u32, reference: &str) -> PeriodRequest {
        PeriodRequest {
            plan_id: plan_id.to_string(),
            source,
            days,
            reference: reference.to_string(),
            slack: 0,
            provider_end: None,
        }
    }
}

/// Where a new period goes: from now, or from where the reader's benefits
/// end (queued periods included), for its days plus slack, or to the
/// provider's own end when that is plausible.
pub fn place_period(existing: &[Membership], now: i64, req: &PeriodRequest) -> (i64, i64) {
    let (start, by_days) = next_period(existing, now, req.days);
    let end = req
        .provider_end
        .map(|e| e + req.slack)
        .filter(|e| *e > start && *e <= by_days + req.slack + 7 * 86_400)
        .unwrap_or(by_days + req.slack);
    (start, end)
}

/// The most days a newsroom grant gives at once (ten years and a leap day
/// or so); a longer gift is several grants.
pub const MAX_GRANT_DAYS: u32 = 3660;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("days must be from 1 to {MAX_GRANT_DAYS}")]
    Days,
    #[error("no plan {0:?} in the configuration")]
    UnknownPlan(String),
}

/// Whether a newsroom grant of `days` of `plan` may be made (`plans` are
/// the configured plan ids).
pub fn check_grant(plan: &str, days: u32, plans: &[&str]) -> Result<(), GrantError> {
    if !(1..=MAX_GRANT_DAYS).contains(&days) {
        return Err(GrantError::Days);
    }
    if !plans.contains(&plan) {
        return Err(GrantError::UnknownPlan(plan.to_string()));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeemCode {
    pub code: String,
    pub plan_id: String,
    pub days: u32,
    pub max_uses: u32,
    pub uses: u32,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    #[error("no such code")]
    Unknown,
    #[error("the code has expired")]
    Expired,
    #[error("the code has been used up")]
    UsedUp,
    #[error("this account already redeemed the code")]
    AlreadyRedeemed,
}

pub fn check_redeem(
    code: &RedeemCode,
    now: i64,
    already_by_reader: bool,
) -> Result<(), RedeemError> {
    if now >= code.expires_at {
        return Err(RedeemError::Expired);
    }
    if already_by_reader {
        return Err(RedeemError::AlreadyRedeemed);
    }
    if code.uses >= code.max_uses {
        return Err(RedeemError::UsedUp);
    }
    Ok(())
}

/// Codes readers type: no 0/O or 1/I/L to misread.
pub fn new_redeem_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 12];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    let s: String = buf
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_queue_after_what_the_reader_has() {
        let now = 1_000_000;
        let day = 86_400;
        let running = Membership {
            id: 1,
            plan_id: "monthly".into(),
            source: Source::Grant,
            status: Status::Active,
            starts_at: now - day,
            ends_at: now + 10 * day,
            grace_until: None,
            reference: "g".into(),
            created_at: now - day,
        };
        let req = PeriodRequest::new("pass30", Source::Redeem, 30, "code:X");
        assert_eq!(place_period(&[], now, &req), (now, now + 30 * day));
        assert_eq!(
            place_period(std::slice::from_ref(&running), now, &req),
            (now + 10 * day, now + 40 * day)
        );
        // A card period: the provider's end with slack, when plausible.
        let card = PeriodRequest {
            slack: 2 * day,
            provider_end: Some(now + 31 * day),
            ..PeriodRequest::new("monthly", Source::Payment, 30, "W1")
        };
        assert_eq!(place_period(&[], now, &card), (now, now + 33 * day));
        let wild = PeriodRequest {
            provider_end: Some(now + 400 * day),
            ..card.clone()
        };
        assert_eq!(place_period(&[], now, &wild), (now, now + 32 * day));
    }

    #[test]
    fn grants_are_limited() {
        let plans = ["monthly", "pass30"];
        assert!(check_grant("monthly", 30, &plans).is_ok());
        assert!(check_grant("monthly", MAX_GRANT_DAYS, &plans).is_ok());
        assert_eq!(check_grant("monthly", 0, &plans), Err(GrantError::Days));
        assert_eq!(
            check_grant("monthly", MAX_GRANT_DAYS + 1, &plans),
            Err(GrantError::Days)
        );
        assert!(matches!(
            check_grant("gold", 30, &plans),
            Err(GrantError::UnknownPlan(_))
        ));
    }

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_000 * DAY;

    fn m(source: Source, status: Status, start: i64, end: i64, grace: Option<i64>) -> Membership {
        Membership {
            id: 1,
            plan_id: "monthly".into(),
            source,
            status,
            starts_at: start,
            ends_at: end,
            grace_until: grace,
            reference: String::new(),
            created_at: start,
        }
    }

    const VERIFIED: AccountFacts = AccountFacts {
        verified: true,
        staff: false,
    };

    #[test]
    fn states_from_membership_history() {
        use ReaderState::*;
        let s = |ms: &[Membership]| reader_state(VERIFIED, ms, NOW);
        assert_eq!(
            reader_state(
                AccountFacts {
                    verified: false,
                    staff: false
                },
                &[],
                NOW
            ),
            Unverified
        );
        assert_eq!(s(&[]), Registered);
        assert_eq!(
            s(&[m(
                Source::Payment,
                Status::Active,
                NOW - DAY,
                NOW + DAY,
                None
            )]),
            Member
        );
        assert_eq!(
            s(&[m(
                Source::Payment,
                Status::Cancelled,
                NOW - DAY,
                NOW + DAY,
                None
            )]),
            Member
        );
        assert_eq!(
            s(&[m(Source::Grant, Status::Active, NOW - DAY, NOW + DAY, None)]),
            Complimentary
        );
        assert_eq!(
            s(&[m(
                Source::Redeem,
                Status::Active,
                NOW - DAY,
                NOW + DAY,
                None
            )]),
            Complimentary
        );
        assert_eq!(
            s(&[m(
                Source::Payment,
                Status::Active,
                NOW - 30 * DAY,
                NOW - DAY,
                None
            )]),
            MemberExpired
        );
        assert_eq!(
            s(&[m(
                Source::Payment,
                Status::Grace,
                NOW - 30 * DAY,
                NOW - DAY,
                Some(NOW + 2 * DAY)
            )]),
            MemberGrace
        );
        assert_eq!(
            s(&[m(
                Source::Payment,
                Status::Grace,
                NOW - 30 * DAY,
                NOW - 5 * DAY,
                Some(NOW - DAY)
            )]),
            MemberExpired
        );
        assert_eq!(
            s(&[m(
                Source::Payment,
                Status::Revoked,
                NOW - DAY,
                NOW + DAY,
                None
            )]),
            MemberExpired
        );
        // A period that has not started yet gives nothing now.
        assert_eq!(
            s(&[m(
                Source::Grant,
                Status::Active,
                NOW + DAY,
                NOW + 9 * DAY,
                None
            )]),
            MemberExpired
        );
        assert_eq!(
            reader_state(
                AccountFacts {
                    verified: true,
                    staff: true
                },
                &[],
                NOW
            ),
            Staff
        );
    }

    #[test]
    fn new_periods_extend_current_benefits() {
        assert_eq!(next_period(&[], NOW, 30), (NOW, NOW + 30 * DAY));
        let current = m(
            Source::Payment,
            Status::Active,
            NOW - DAY,
            NOW + 5 * DAY,
            None,
        );
        assert_eq!(
            next_period(&[current], NOW, 30),
            (NOW + 5 * DAY, NOW + 35 * DAY)
        );
    }

    #[test]
    fn redeem_rules() {
        let c = RedeemCode {
            code: "A".into(),
            plan_id: "pass30".into(),
            days: 30,
            max_uses: 2,
            uses: 1,
            expires_at: NOW + DAY,
        };
        assert_eq!(check_redeem(&c, NOW, false), Ok(()));
        assert_eq!(
            check_redeem(&c, NOW + DAY, false),
            Err(RedeemError::Expired)
        );
        assert_eq!(
            check_redeem(&c, NOW, true),
            Err(RedeemError::AlreadyRedeemed)
        );
        let used = RedeemCode { uses: 2, ..c };
        assert_eq!(check_redeem(&used, NOW, false), Err(RedeemError::UsedUp));
        let code = new_redeem_code();
        assert_eq!(code.len(), 14);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
    }
}
