//! Web addresses people type (embeds, links in comments, settings): parsed
//! as URLs, never prefix-matched. "http://[" starts like an address but
//! names no host; it must be refused where it is typed, not found later by
//! whatever reads it back.

use url::Url;

/// The longest address kept; browsers and crawlers balk beyond this.
pub const MAX_LEN: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("an http(s) address is needed")]
    NotHttp,
    #[error("an https address is needed")]
    NotHttps,
    #[error("the address names no host")]
    NoHost,
    #[error("the address carries a user name or password")]
    Credentials,
    #[error("the address is longer than {MAX_LEN} characters")]
    TooLong,
    #[error("not a web address: {0}")]
    Malformed(String),
}

/// An http or https address with a host and no credentials.
pub fn parse_http(s: &str) -> Result<Url, AddressError> {
    let s = s.trim();
    if s.len() > MAX_LEN {
        return Err(AddressError::TooLong);
    }
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(AddressError::NotHttp);
    }
    // The url crate forgives spaces and control characters by encoding
    // them; a typed address holding them is a mistake worth naming.
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AddressError::Malformed("it contains spaces".into()));
    }
    let url = Url::parse(s).map_err(|e| AddressError::Malformed(e.to_string()))?;
    match url.host_str() {
        None | Some("") => return Err(AddressError::NoHost),
        Some(_) => {}
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AddressError::Credentials);
    }
    Ok(url)
}

/// As `parse_http`, and the scheme must be https.
pub fn parse_https(s: &str) -> Result<Url, AddressError> {
    let url = parse_http(s)?;
    if url.scheme() != "https" {
        return Err(AddressError::NotHttps);
    }
    Ok(url)
}

/// Where a picture may come from: a path on this site ("/media/…") or an
/// http(s) address. Anything else (`javascript:`, `data:`, "//host") is not
/// a picture source.
pub fn is_image_source(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with('/')
        && !s.starts_with("//")
        && s.len() <= MAX_LEN
        && !s.chars().any(|c| c.is_whitespace() || c.is_control()))
        || parse_http(s).is_ok()
}

/// The host to show beside a link ("example.com"), or None for an address
/// `parse_http` refuses.
pub fn host(s: &str) -> Option<String> {
    parse_http(s).ok()?.host_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_addresses_are_taken() {
        for ok in [
            "https://example.com",
            "http://example.com/a/b?c=d#e",
            "HTTPS://Example.COM/x",
            "https://[::1]:8080/x",
            "https://192.0.2.1/",
            "https://contoh.co.id/berita/2026/12/03/judul",
        ] {
            assert!(parse_http(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            host("https://www.contoh.co.id/x").as_deref(),
            Some("www.contoh.co.id")
        );
    }

    #[test]
    fn things_that_only_start_like_addresses_are_refused() {
        for (bad, why) in [
            ("http://[", "malformed"),
            ("http://[::1", "malformed"),
            ("https://", "malformed"),
            ("javascript:alert(1)", "not http"),
            ("ftp://example.com", "not http"),
            ("//example.com", "not http"),
            ("https://user:pw@example.com/", "credentials"),
            ("https://exa mple.com/", "spaces"),
            ("https://example.com/\u{0}", "control"),
        ] {
            assert!(parse_http(bad).is_err(), "{bad} ({why})");
        }
        assert_eq!(
            parse_http(&format!("https://example.com/{}", "a".repeat(MAX_LEN))),
            Err(AddressError::TooLong)
        );
        assert_eq!(
            parse_https("http://example.com"),
            Err(AddressError::NotHttps)
        );
        assert_eq!(host("http://["), None);
        assert!(is_image_source("/media/up/2026/a.jpg"));
        assert!(is_image_source("https://cdn.contoh.id/a.jpg"));
        for bad in [
            "//evil.example/a.jpg",
            "javascript:x",
            "data:image/png;base64,AA",
            "a.jpg",
            "/a b.jpg",
        ] {
            assert!(!is_image_source(bad), "{bad}");
        }
    }
}
