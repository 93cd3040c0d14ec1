//! The layering, checked from the source: the web layer is a leaf (only
//! `http/` and the server's wiring know it), the domain does no I/O, and no
//! file grows past what a reader can hold in their head.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Lines of `path` that mention any of `needles`, outside comments.
fn mentions(path: &Path, needles: &[&str]) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .filter(|(_, l)| needles.iter().any(|n| l.contains(n)))
        .map(|(i, l)| format!("{}:{}: {}", path.display(), i + 1, l.trim()))
        .collect()
}

#[test]
fn only_the_web_layer_and_the_wiring_know_http() {
    let src = root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        if rel.starts_with("http") || rel == Path::new("server.rs") {
            continue;
        }
        found.extend(mentions(f, &["crate::http", "warta::http", "super::http"]));
    }
    assert!(
        found.is_empty(),
        "imports of the web layer:\n{}",
        found.join("\n")
    );
    // The rule the test relies on must be able to fail.
    assert!(!mentions(&src.join("server.rs"), &["crate::http"]).is_empty());
}

#[test]
fn the_domain_does_no_io() {
    let mut files = Vec::new();
    rust_files(&root().join("src/domain"), &mut files);
    assert!(files.len() > 10);
    let io = [
        "sqlx",
        "axum",
        "tokio",
        "reqwest",
        "lettre",
        "std::fs",
        "std::net",
        "crate::store",
        "crate::http",
        "crate::services",
        "crate::core",
    ];
    let found: Vec<String> = files.iter().flat_map(|f| mentions(f, &io)).collect();
    assert!(found.is_empty(), "I/O in the domain:\n{}", found.join("\n"));
}

#[test]
fn no_source_file_is_over_900_lines() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "crates", "benches", "fuzz/fuzz_targets"] {
        let d = root().join(dir);
        if d.exists() {
            rust_files(&d, &mut files);
        }
    }
    let long: Vec<String> = files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "node_modules"))
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 900).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these: {long:?}");
}
