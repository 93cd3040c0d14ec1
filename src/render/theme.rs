//! Where theme files come from: an optional directory on disk over the
//! built-in theme compiled into the binary.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(rust_embed::RustEmbed)]
#[folder = "themes/default"]
struct Builtin;

pub const PAGE_TEMPLATES: &[&str] = &[
    "home.html",
    "section.html",
    "author.html",
    "article.html",
    "videos.html",
    "video.html",
    "plans.html",
    "search.html",
    "error.html",
    "login.html",
    "register.html",
    "forgot.html",
    "reset.html",
    "account.html",
    "moderation.html",
];

#[derive(Clone, Default)]
pub struct Theme {
    dir: Option<Arc<PathBuf>>,
}

impl Theme {
    pub fn new(dir: Option<PathBuf>) -> Theme {
        Theme {
            dir: dir.map(Arc::new),
        }
    }

    /// A theme file by its path inside the theme, e.g. `templates/base.html`.
    pub fn file(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        if path.split('/').any(|p| p == ".." || p.is_empty()) {
            return None;
        }
        if let Some(dir) = &self.dir
            && let Ok(bytes) = std::fs::read(dir.join(path))
        {
            return Some(Cow::Owned(bytes));
        }
        Builtin::get(path).map(|f| f.data)
    }

    /// Every file below `prefix/`, site files over built-in ones.
    pub fn files_under(&self, prefix: &str) -> Vec<String> {
        let mut names: Vec<String> = Builtin::iter()
            .filter_map(|p| p.strip_prefix(&format!("{prefix}/")).map(str::to_string))
            .collect();
        if let Some(dir) = &self.dir {
            let root = dir.join(prefix);
            let mut stack = vec![root.clone()];
            while let Some(d) = stack.pop() {
                let Ok(rd) = std::fs::read_dir(&d) else {
                    continue;
                };
                for e in rd.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else if let Ok(rel) = p.strip_prefix(&root) {
                        names.push(rel.to_string_lossy().replace('\\', "/"));
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }
}
