//! Any text given to the page-text importer is read or refused with a
//! reason; it never panics, and what it reads has a headline and a body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    static PROFILES: std::sync::OnceLock<Vec<warta::import::page_text::SiteProfile>> =
        std::sync::OnceLock::new();
    let profiles = PROFILES.get_or_init(|| warta::import::builtin_profiles().expect("built in"));
    for p in profiles {
        if let Ok(a) = warta::import::page_text::parse(text, p) {
            assert!(!a.headline.trim().is_empty());
            assert!(!a.body.is_empty());
        }
    }
});
