//! A comment, however odd, is cleaned or refused: never a panic, never a
//! hidden character kept, and its links are http(s) only.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warta::domain::comment::{clean_body, linkify};
use warta::domain::text::is_hidden;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(clean) = clean_body(&text, 2000) {
        assert!(!clean.chars().any(is_hidden));
        let parts = linkify(&clean);
        let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, clean);
        for href in parts.iter().filter_map(|p| p.href.as_deref()) {
            assert!(href.starts_with("http://") || href.starts_with("https://"));
        }
    }
});
