//! Two-factor codes for staff (RFC 6238: HMAC-SHA1, 6 digits, 30 s), with
//! the `totp-rs` crate doing the arithmetic. A code is good for its own
//! step and one either side (clock drift), and never twice: the step that
//! matched is returned so the caller can refuse a replay.

use totp_rs::{Algorithm, Secret, TOTP};

pub const STEP: i64 = 30;

/// A new random secret, base32 (what authenticator apps take).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("the system has randomness");
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

fn totp(secret_b32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 0, STEP as u64, bytes).ok()
}

/// The code for time `at` (tests and the enrolment check use it).
pub fn code_at(secret_b32: &str, at: i64) -> Option<String> {
    Some(totp(secret_b32)?.generate(at.max(0) as u64))
}

/// The step a code matches at `now` (±1 step), if any.
pub fn matching_step(secret_b32: &str, code: &str, now: i64) -> Option<i64> {
    let t = totp(secret_b32)?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 {
        return None;
    }
    let here = now / STEP;
    [here, here - 1, here + 1].into_iter().find(|step| {
        let expected = t.generate((step * STEP).max(0) as u64);
        crate::domain::account::secrets_equal(&expected, &code)
    })
}

/// What an authenticator app scans or is given.
pub fn otpauth_url(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_test_vector() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890": at 59 s the
        // 8-digit code is 94287082, so the 6-digit one is 287082.
        let key = Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(code_at(&key, 59).unwrap(), "287082");
        assert_eq!(code_at(&key, 1_111_111_109).unwrap(), "081804");
    }

    #[test]
    fn codes_match_their_step_and_one_either_side() {
        let s = new_secret();
        let now = 1_795_755_600;
        let code = code_at(&s, now).unwrap();
        assert_eq!(matching_step(&s, &code, now), Some(now / STEP));
        assert_eq!(matching_step(&s, &code, now + STEP), Some(now / STEP));
        assert_eq!(matching_step(&s, &code, now + 3 * STEP), None);
        assert_eq!(matching_step(&s, "000000x", now), None);
        assert_ne!(new_secret(), s);
    }

    #[test]
    fn otpauth_urls_escape_names() {
        let u = otpauth_url("Warta Redaksi", "a@b.id", "ABC");
        assert_eq!(
            u,
            "otpauth://totp/Warta%20Redaksi:a@b.id?secret=ABC&issuer=Warta%20Redaksi&algorithm=SHA1&digits=6&period=30"
        );
    }
}
