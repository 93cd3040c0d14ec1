//! Characters no reader should get from someone else's text: bidirectional
//! controls (which make `moc.live` read as `evil.com`), private-use code
//! points (which mean whatever a program decides they mean) and control
//! characters. One rule, applied when text comes in and again when any of
//! it is written into a page.

use std::borrow::Cow;

/// Whether `c` is kept out of user text. Line breaks and tabs stay (the
/// places that take one line trim them themselves); zero-width joiners
/// stay (emoji and several scripts need them).
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        // bidirectional embeddings, overrides and isolates; marks
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        // private use: the BMP area and planes 15 and 16
        | '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}'
        // interlinear annotations and the object replacement character
        | '\u{FFF9}'..='\u{FFFC}'
    ) || (c.is_control() && c != '\n' && c != '\t')
}

/// `s` without hidden characters (borrowed when there were none).
pub fn strip_hidden(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_hidden) {
        Cow::Owned(s.chars().filter(|c| !is_hidden(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// Every string in a JSON value, cleaned: for documents whose text lives in
/// many fields (a story, its blocks).
pub fn strip_hidden_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let Cow::Owned(clean) = strip_hidden(s) {
                *s = clean;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_hidden_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(strip_hidden_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_private_use_and_controls_go_the_rest_stays() {
        assert_eq!(strip_hidden("abc\u{202E}lmth.exe"), "abclmth.exe");
        assert_eq!(strip_hidden("a\u{E000}warta:csrf\u{E000}b"), "awarta:csrfb");
        assert_eq!(strip_hidden("x\u{2066}y\u{2069}\u{200F}z\u{0}"), "xyz");
        assert_eq!(strip_hidden("\u{10FFFD}\u{F0000}ok"), "ok");
        // What people write stays: accents, emoji with joiners, lines, tabs.
        let kept = "Café ✓ 👩‍💻 Bagian\n\tdua — “kutipan”";
        assert!(matches!(strip_hidden(kept), Cow::Borrowed(_)));
        let mut v = serde_json::json!({"a": ["x\u{202E}y", {"b": "\u{E001}"}], "n": 1});
        strip_hidden_json(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["xy", {"b": ""}], "n": 1}));
    }
}
