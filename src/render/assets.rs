//! Static files with content-hashed names, so they can be cached forever
//! and still change the moment the theme does.

use std::collections::HashMap;
use std::sync::Arc;

use super::Theme;

pub struct Asset {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// Whether the name carries the content hash (and may be cached forever).
    pub immutable: bool,
    /// Brotli and gzip forms, made on the first request that can take
    /// them (a theme's large scripts would otherwise slow every start).
    compressed: Arc<std::sync::OnceLock<Compressed>>,
}

#[derive(Default)]
struct Compressed {
    br: Option<Vec<u8>>,
    gzip: Option<Vec<u8>>,
}

impl Asset {
    fn compressed(&self) -> &Compressed {
        self.compressed.get_or_init(|| {
            if compressible(self.content_type) {
                precompress(&self.bytes)
            } else {
                Compressed::default()
            }
        })
    }

    /// The brotli form, when the file is text and it saves space.
    pub fn br(&self) -> Option<&[u8]> {
        self.compressed().br.as_deref()
    }

    /// The gzip form, when the file is text and it saves space.
    pub fn gzip(&self) -> Option<&[u8]> {
        self.compressed().gzip.as_deref()
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("image/svg")
        || content_type.starts_with("application/json")
}

/// Brotli and gzip forms of `bytes`, each kept only when it saves space.
/// Small files get brotli's best; large ones (vendored editor scripts, for
/// staff only) a quality that takes milliseconds, not a second.
fn precompress(bytes: &[u8]) -> Compressed {
    use std::io::Write;
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: if bytes.len() <= 96 * 1024 { 11 } else { 7 },
        ..Default::default()
    };
    let br = brotli::BrotliCompress(&mut &bytes[..], &mut br, &params)
        .ok()
        .map(|_| br);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gz = gz.write_all(bytes).ok().and_then(|_| gz.finish().ok());
    let smaller = |v: Option<Vec<u8>>| v.filter(|c| c.len() < bytes.len());
    Compressed {
        br: smaller(br),
        gzip: smaller(gz),
    }
}

pub struct Assets {
    by_name: HashMap<String, Arc<Asset>>,
    urls: Arc<HashMap<String, String>>,
}

impl Assets {
    pub fn load(theme: &Theme) -> Assets {
        let mut by_name = HashMap::new();
        let mut urls = HashMap::new();
        for name in theme.files_under("static") {
            let Some(bytes) = theme.file(&format!("static/{name}")) else {
                continue;
            };
            let bytes = bytes.into_owned();
            let hashed = hashed_name(&name, &bytes);
            let ct = content_type(&name);
            let compressed = Arc::new(std::sync::OnceLock::new());
            by_name.insert(
                hashed.clone(),
                Arc::new(Asset {
                    bytes: bytes.clone(),
                    content_type: ct,
                    immutable: true,
                    compressed: compressed.clone(),
                }),
            );
            by_name.insert(
                name.clone(),
                Arc::new(Asset {
                    bytes,
                    content_type: ct,
                    immutable: false,
                    compressed,
                }),
            );
            urls.insert(name, format!("/static/{hashed}"));
        }
        Assets {
            by_name,
            urls: Arc::new(urls),
        }
    }

    pub fn get(&self, name: &str) -> Option<Arc<Asset>> {
        self.by_name.get(name).cloned()
    }

    /// Plain name -> hashed URL, for templates.
    pub fn urls(&self) -> Arc<HashMap<String, String>> {
        self.urls.clone()
    }

    pub fn url(&self, name: &str) -> String {
        self.urls
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("/static/{name}"))
    }
}

/// `app.css` -> `app.3f2a9c1d.css` (FNV-1a: stable across builds and
/// platforms, which std's hasher does not promise).
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let tag = format!("{:08x}", h as u32);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{tag}.{ext}"),
        None => format!("{name}.{tag}"),
    }
}

pub fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg") | Some("jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_change_with_content() {
        let a = hashed_name("app.css", b"a{}");
        let b = hashed_name("app.css", b"b{}");
        assert_ne!(a, b);
        assert!(a.starts_with("app.") && a.ends_with(".css"));
        assert_eq!(a, hashed_name("app.css", b"a{}"));
    }
}
