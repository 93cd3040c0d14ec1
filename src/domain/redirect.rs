//! Where a redirect may send a reader after a sign-in or a form: only a
//! path on this site. One rule for every `next=`, so a new form cannot
//! forget a case.

/// `raw` if it is a path on this site, else `None`.
///
/// Browsers forgive a lot in a `Location`: they drop tabs and newlines,
/// read `\` as `/`, and take `//host` (or `/\host`, or `/<TAB>/host`) as
/// another site. So a path must start with one `/`, and neither it nor
/// its percent-decoded form may hold a control character, whitespace, a
/// backslash, or start with `//`.
pub fn local_path(raw: &str) -> Option<&str> {
    if raw.is_empty() || raw.len() > 2000 || !raw.starts_with('/') {
        return None;
    }
    let decoded = percent_decoded(raw)?;
    for s in [raw, decoded.as_str()] {
        if s.starts_with("//")
            || s.chars().any(|c| {
                c.is_control() || c.is_whitespace() || c == '\\' || super::text::is_hidden(c)
            })
        {
            return None;
        }
    }
    Some(raw)
}

/// The target to follow: `raw` when it is local, else the home page.
pub fn local_or_home(raw: Option<&str>) -> String {
    raw.and_then(local_path).unwrap_or("/").to_string()
}

/// `%XX` decoded (twice over would be the same test: a decoded `%` is
/// just a `%`); `None` for a broken escape or bytes that are not UTF-8.
fn percent_decoded(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_pass() {
        for ok in [
            "/",
            "/account",
            "/plus/return?order=W-1",
            "/nasional/banjir-jakarta?page=2#komentar",
            "/login?next=%2Faccount",
            "/cari?q=caf%C3%A9",
        ] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
    }

    #[test]
    fn anything_a_browser_could_take_off_site_is_refused() {
        for bad in [
            "",
            "account",
            "https://evil.test/",
            "//evil.test",
            "/\\evil.test",
            "\\\\evil.test",
            "/%09/evil.test",
            "/\t/evil.test",
            "/%0a/evil.test",
            "/%0d%0a/evil.test",
            "/%5Cevil.test",
            "/%2F/evil.test",
            "/%2f%2fevil.test",
            "/ /evil.test",
            "/%20/evil.test",
            "/\u{a0}/evil.test",
            "/%E2%80%AE/evil.test",
            "/%zz",
            "/%",
            "/%ff",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(local_or_home(Some("/%09/evil.test")), "/");
        assert_eq!(local_or_home(None), "/");
        assert_eq!(local_or_home(Some("/account")), "/account");
    }
}
