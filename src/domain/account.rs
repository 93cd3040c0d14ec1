//! Reader accounts: address and password rules, password hashing, tokens.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use sha2::{Digest, Sha256};

pub const MIN_PASSWORD: usize = 8;
pub const MAX_PASSWORD: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("invalid e-mail address")]
    BadEmail,
    #[error("password too short: at least {} characters", MIN_PASSWORD)]
    PasswordTooShort,
    #[error("password too long: at most {} characters", MAX_PASSWORD)]
    PasswordTooLong,
    #[error("display name too long")]
    NameTooLong,
}

/// Normalise an e-mail address for storage and lookup: trimmed, lower-case.
/// Only the shape is checked; the verification link proves the rest.
pub fn normalize_email(raw: &str) -> Result<String, AccountError> {
    let e = raw.trim().to_lowercase();
    let Some((local, domain)) = e.split_once('@') else {
        return Err(AccountError::BadEmail);
    };
    let ok = !local.is_empty()
        && local.len() <= 64
        && domain.len() >= 3
        && domain.len() <= 255
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
        && !domain.contains('@')
        && !e.contains(['<', '>', '"', ',', ';']);
    if ok {
        Ok(e)
    } else {
        Err(AccountError::BadEmail)
    }
}

pub fn check_password(p: &str) -> Result<(), AccountError> {
    let n = p.chars().count();
    if n < MIN_PASSWORD {
        Err(AccountError::PasswordTooShort)
    } else if n > MAX_PASSWORD {
        Err(AccountError::PasswordTooLong)
    } else {
        Ok(())
    }
}

pub fn check_display_name(n: &str) -> Result<String, AccountError> {
    let n = n.trim();
    if n.chars().count() > 60 {
        return Err(AccountError::NameTooLong);
    }
    Ok(super::text::strip_hidden(n).trim().to_string())
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes): OWASP's minimum.
/// Slow on purpose; call it off the async threads.
pub fn hash_password(p: &str) -> String {
    Argon2::default()
        .hash_password(p.as_bytes())
        .expect("argon2 hashes any password with a fresh salt")
        .to_string()
}

pub fn verify_password(p: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(h) => Argon2::default().verify_password(p.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash to compare against when the account does not exist, so a wrong
/// address costs as long as a wrong password (no account enumeration by
/// timing).
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("no such account, no such password"))
}

/// A new random secret: 32 bytes, URL-safe base64.
pub fn new_token() -> String {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the OS has randomness");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Tokens are stored hashed: a leaked database holds no usable session or link.
pub fn token_hash(token: &str) -> String {
    let d = Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)
}

/// Compare secrets in constant time.
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Rina@Contoh.ID ").unwrap(),
            "rina@contoh.id"
        );
        for bad in [
            "",
            "rina",
            "rina@",
            "@contoh.id",
            "rina@contoh",
            "a b@c.id",
            "a@b@c.id",
            "<a>@c.id",
            "a@.id",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_are_argon2id_and_verify() {
        let h = hash_password("rahasia-sekali");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("rahasia-sekali", &h));
        assert!(!verify_password("rahasia-salah", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(h, hash_password("rahasia-sekali"), "salted");
    }

    #[test]
    fn password_length_rules() {
        assert_eq!(
            check_password("pendek"),
            Err(AccountError::PasswordTooShort)
        );
        assert!(check_password("cukup panjang").is_ok());
        assert_eq!(
            check_password(&"x".repeat(300)),
            Err(AccountError::PasswordTooLong)
        );
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        assert_ne!(a, new_token());
        assert!(a.len() >= 43);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert!(secrets_equal(&a, &a.clone()));
        assert!(!secrets_equal(&a, &new_token()));
    }
}
