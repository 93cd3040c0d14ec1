//! URL slugs: lowercase ASCII words joined by hyphens.

/// Paths the site uses itself; a section may not take one of these slugs or
/// its page would shadow a route.
pub const RESERVED: &[&str] = &[
    "api",
    "static",
    "media",
    "video",
    "author",
    "plus",
    "login",
    "healthz",
    "search",
    "cari",
    "feed",
    "feed.xml",
    "feed.atom",
    "feed.json",
    "sitemaps",
    "opensearch.xml",
    "favicon.svg",
    "favicon.ico",
    "manifest.webmanifest",
    "indexnow.txt",
    "moderation",
    "register",
    "verify",
    "logout",
    "forgot",
    "reset",
    "comments",
    "payments",
    "sitemap.xml",
    "robots.txt",
    "ads.txt",
    "favicon.ico",
    "account",
    "admin",
    "preview",
];

/// Make a slug from a headline or name: diacritics folded, everything that
/// is not a letter or digit becomes one hyphen, at most `max` characters,
/// cut at a word boundary.
pub fn slugify(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for ch in text.chars().flat_map(fold) {
        if ch.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(ch.to_ascii_lowercase());
        } else if ch != '\'' && ch != '’' {
            // Apostrophes join ("Jum'at" -> "jumat"); anything else separates.
            pending_dash = true;
        }
    }
    if out.len() > max {
        let cut = &out[..max];
        out = match cut.rfind('-') {
            Some(i) if i > 0 => cut[..i].to_string(),
            _ => cut.to_string(),
        };
    }
    out
}

pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn fold(c: char) -> impl Iterator<Item = char> {
    let s: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ç' | 'Ç' => "c",
        'ñ' | 'Ñ' => "n",
        'ß' => "ss",
        _ => "",
    };
    let mut buf = [0u8; 4];
    let own: String = if s.is_empty() {
        c.encode_utf8(&mut buf).to_string()
    } else {
        s.to_string()
    };
    own.chars().collect::<Vec<_>>().into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_becomes_a_readable_slug() {
        assert_eq!(
            slugify("Pasukan Rusia Akan Tinggalkan Kazakhstan dalam 2 Hari", 80),
            "pasukan-rusia-akan-tinggalkan-kazakhstan-dalam-2-hari"
        );
        assert_eq!(
            slugify("“Misi utama” — selesai, kata Presiden!", 80),
            "misi-utama-selesai-kata-presiden"
        );
        assert_eq!(slugify("Café Jum'at", 80), "cafe-jumat");
    }

    #[test]
    fn long_slugs_are_cut_at_a_word() {
        let s = slugify("satu dua tiga empat lima enam tujuh delapan", 20);
        assert!(s.len() <= 20);
        assert_eq!(s, "satu-dua-tiga-empat");
        assert!(is_valid(&s));
    }

    #[test]
    fn validity() {
        assert!(is_valid("nasional"));
        assert!(is_valid("a-1-b"));
        for bad in ["", "-a", "a-", "a--b", "A", "a b", "a/b", "é"] {
            assert!(!is_valid(bad), "{bad:?}");
        }
        assert_eq!(slugify("!!!", 80), "");
    }
}
