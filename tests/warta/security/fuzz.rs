#![allow(unused_imports)]
use super::*;
use crate::common::{
    Client, NOW, TestSite, add_reader, demo_site, demo_site_with, set_role, test_config,
};
use serde_json::{Value, json};
use std::time::Duration;
use warta::config::Config;
use warta::domain::newsroom::{SCOPES, StaffRole, StoryStatus};
use warta::services::newsroom::{Change, Desk, Principal, Timing};

// ---- Fuzz smoke (the full fuzzing is `scripts/fuzz.sh`, nightly) ----

/// The importer's fuzz target, over pages made by cutting and splicing the
/// test fixtures: every one is read or refused with a reason, none panics.
#[test]
fn the_importer_reads_or_refuses_mangled_pages() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(pages.len() > 10);
    let profiles = warta::import::builtin_profiles().unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let junk = [
        "\u{0}",
        "\u{202E}",
        "WIB",
        "Penulis",
        "Baca juga:",
        "31/02/2022, 25:61 WIB",
        "\r",
        "é",
        "🙂",
        "Halaman:",
    ];
    for _ in 0..1500 {
        let base = &pages[next(pages.len())];
        let other = &pages[next(pages.len())];
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        for _ in 0..1 + next(4) {
            match next(5) {
                0 if !lines.is_empty() => {
                    let i = next(lines.len());
                    lines.remove(i);
                }
                1 => {
                    let i = next(lines.len() + 1);
                    lines.insert(i, junk[next(junk.len())].to_string());
                }
                2 if !lines.is_empty() => {
                    let i = next(lines.len());
                    let l = &lines[i];
                    let cut = l
                        .char_indices()
                        .nth(next(l.chars().count() + 1))
                        .map(|(b, _)| b)
                        .unwrap_or(l.len());
                    lines[i] = l[..cut].to_string();
                }
                3 => {
                    let from: Vec<&str> = other.lines().collect();
                    if !from.is_empty() {
                        let i = next(lines.len() + 1);
                        lines.insert(i, from[next(from.len())].to_string());
                    }
                }
                _ => lines.truncate(next(lines.len() + 1)),
            }
        }
        let text = lines.join("\n");
        for p in &profiles {
            if let Ok(a) = warta::import::page_text::parse(&text, p) {
                assert!(!a.headline.trim().is_empty(), "{text}");
                assert!(!a.body.is_empty(), "{text}");
            }
        }
    }
}
