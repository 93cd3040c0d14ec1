//! A short memory of who a session cookie belongs to and whether a reader
//! commented on a story, so a signed-in reader's cached page costs no
//! database query. Entries live `ttl` (one second by default): a change made
//! on another node or by the CLI (a revoked session, a new membership) is
//! seen within that time. Any form or API write on this node forgets
//! everything at once, so a reader's own changes show immediately.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::domain::membership::Membership;
use crate::store::readers::Account;

/// Entries kept before the whole memory is dropped (bounds what a flood of
/// forged cookies can cost).
const MAX_ENTRIES: usize = 50_000;

type Session = Option<(Account, Vec<Membership>)>;

/// When an entry was made: by the monotonic clock (for the ttl) and by the
/// app's clock (a jump of the app's clock, as tests make, voids it too).
#[derive(Clone, Copy)]
struct Stamp(Instant, i64);

pub struct ReaderCache {
    ttl: Duration,
    sessions: RwLock<HashMap<String, (Stamp, Session)>>,
    commented: RwLock<HashMap<(i64, String), (Stamp, bool)>>,
}

impl Stamp {
    fn fresh(self, ttl: Duration, now: i64) -> bool {
        self.0.elapsed() < ttl && self.1 == now
    }
}

impl ReaderCache {
    pub fn new(ttl: Duration) -> ReaderCache {
        ReaderCache {
            ttl,
            sessions: RwLock::default(),
            commented: RwLock::default(),
        }
    }

    fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// The account behind a session hash, if remembered (`Some(None)`: a
    /// session known not to exist).
    pub fn session(&self, hash: &str, now: i64) -> Option<Session> {
        if !self.enabled() {
            return None;
        }
        let map = self.sessions.read().expect("reader cache lock");
        map.get(hash)
            .filter(|(at, _)| at.fresh(self.ttl, now))
            .map(|(_, s)| s.clone())
    }

    pub fn put_session(&self, hash: &str, s: Session, now: i64) {
        if !self.enabled() {
            return;
        }
        let mut map = self.sessions.write().expect("reader cache lock");
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(hash.to_string(), (Stamp(Instant::now(), now), s));
    }

    pub fn commented(&self, reader_id: i64, slug: &str, now: i64) -> Option<bool> {
        if !self.enabled() {
            return None;
        }
        let map = self.commented.read().expect("reader cache lock");
        map.get(&(reader_id, slug.to_string()))
            .filter(|(at, _)| at.fresh(self.ttl, now))
            .map(|(_, b)| *b)
    }

    pub fn put_commented(&self, reader_id: i64, slug: &str, v: bool, now: i64) {
        if !self.enabled() {
            return;
        }
        let mut map = self.commented.write().expect("reader cache lock");
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
        map.insert(
            (reader_id, slug.to_string()),
            (Stamp(Instant::now(), now), v),
        );
    }

    /// Forget everything (after any write on this node).
    pub fn clear(&self) {
        self.sessions.write().expect("reader cache lock").clear();
        self.commented.write().expect("reader cache lock").clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_clear() {
        let c = ReaderCache::new(Duration::from_millis(50));
        c.put_session("h", None, 100);
        c.put_commented(1, "a", true, 100);
        assert_eq!(c.session("h", 100), Some(None));
        assert_eq!(c.commented(1, "a", 100), Some(true));
        assert_eq!(c.session("h", 101), None, "the app's clock moved on");
        c.clear();
        assert_eq!(c.session("h", 100), None);
        c.put_session("h", None, 100);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.session("h", 100), None, "expired");
        let off = ReaderCache::new(Duration::ZERO);
        off.put_session("h", None, 100);
        assert_eq!(off.session("h", 100), None, "a zero ttl turns it off");
    }
}
