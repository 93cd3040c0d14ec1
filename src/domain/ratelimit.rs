//! Rate limits: at most `max` events per `window` seconds per key, sliding.
//! Per process; a multi-node site keeps the global ones in the database.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

pub struct RateLimiter {
    max: usize,
    window: i64,
    hits: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window_secs: i64) -> RateLimiter {
        RateLimiter {
            max,
            window: window_secs,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Record an attempt for each key; false (and nothing recorded) if any
    /// key is over its limit.
    pub fn allow(&self, keys: &[&str], now: i64) -> bool {
        let mut hits = self.hits.lock().expect("rate limiter lock");
        if hits.len() > 100_000 {
            // Bound memory under a flood of distinct keys: forget idle ones.
            hits.retain(|_, q| q.back().is_some_and(|t| now - t < self.window));
        }
        for k in keys {
            let q = hits.entry((*k).to_string()).or_default();
            while q.front().is_some_and(|t| now - t >= self.window) {
                q.pop_front();
            }
            if q.len() >= self.max {
                return false;
            }
        }
        for k in keys {
            hits.entry((*k).to_string()).or_default().push_back(now);
        }
        true
    }

    pub fn reset(&self, key: &str) {
        self.hits.lock().expect("rate limiter lock").remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key_within_the_window() {
        let r = RateLimiter::new(3, 60);
        for _ in 0..3 {
            assert!(r.allow(&["ip:1", "email:a"], 100));
        }
        assert!(!r.allow(&["ip:1", "email:a"], 110));
        // Another address from the same IP is still limited by the IP key.
        assert!(!r.allow(&["ip:1", "email:b"], 110));
        assert!(r.allow(&["ip:2", "email:b"], 110));
        // The window slides.
        assert!(r.allow(&["ip:1", "email:a"], 161));
    }

    #[test]
    fn a_refused_attempt_is_not_counted() {
        let r = RateLimiter::new(1, 60);
        assert!(r.allow(&["a"], 0));
        assert!(!r.allow(&["a", "b"], 1));
        assert!(
            r.allow(&["b"], 2),
            "b was not charged for the refused attempt"
        );
    }
}
