//! Uploaded images: checked from their bytes (never the name), limited in
//! size and pixels before decoding, stored as the original plus responsive
//! JPEG sizes (and lossless WebP sizes for graphics), with caption, credit
//! and copyright read from the file's XMP packet when it has one.
//!
//! SVG is refused: it is a document that can carry script, and sanitizing
//! it well is harder than asking for a PNG.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The widths made for `srcset`, up to the original's own width.
pub const WIDTHS: [u32; 4] = [320, 640, 1024, 1600];

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_pixels: u64,
    pub max_side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 15 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 12_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("the file is larger than {max} MB")]
    TooLarge { max: usize },
    #[error("SVG is not accepted (it can carry script); upload a PNG instead")]
    Svg,
    #[error("only JPEG, PNG and WebP images are accepted")]
    Unsupported,
    #[error(
        "the image is {width}×{height} pixels; at most {max_side} on a side and {max_mp} megapixels"
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_side: u32,
        max_mp: u64,
    },
    #[error("the image cannot be read: {0}")]
    Malformed(String),
    #[error("the image could not be stored: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    WebP,
}

impl Kind {
    pub fn ext(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::WebP => "webp",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::WebP => "image/webp",
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            Kind::Jpeg => ImageFormat::Jpeg,
            Kind::Png => ImageFormat::Png,
            Kind::WebP => ImageFormat::WebP,
        }
    }
}

/// What the bytes are, by their signature.
pub fn sniff(bytes: &[u8]) -> Result<Kind, MediaError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(Kind::WebP);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_lowercase();
    if head.contains("<svg") || (head.trim_start().starts_with("<?xml") && head.contains("svg")) {
        return Err(MediaError::Svg);
    }
    Err(MediaError::Unsupported)
}

/// Caption, credit and copyright as the photographer's software wrote
/// them (XMP: dc:description, photoshop:Credit, dc:rights).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub copyright: Option<String>,
}

pub fn xmp_meta(bytes: &[u8]) -> Meta {
    let text = String::from_utf8_lossy(bytes);
    let Some(start) = text.find("<x:xmpmeta") else {
        return Meta::default();
    };
    let end = text[start..]
        .find("</x:xmpmeta>")
        .map(|e| start + e)
        .unwrap_or(text.len());
    let xmp = &text[start..end];
    Meta {
        caption: xmp_field(xmp, "dc:description"),
        credit: xmp_field(xmp, "photoshop:Credit"),
        copyright: xmp_field(xmp, "dc:rights"),
    }
}

/// A property as an attribute (`name="…"`) or an element, whose text may sit
/// in an `rdf:Alt`/`rdf:Seq` list: the first item is taken.
fn xmp_field(xmp: &str, name: &str) -> Option<String> {
    let attr = regex::Regex::new(&format!(r#"{}="([^"]*)""#, regex::escape(name))).ok()?;
    if let Some(c) = attr.captures(xmp) {
        return clean(&c[1]);
    }
    let open = format!("<{name}");
    let s = xmp.find(&open)?;
    let rest = &xmp[s..];
    let close = format!("</{name}>");
    let body = &rest[rest.find('>')? + 1..rest.find(&close)?];
    let body = match body.find("<rdf:li") {
        Some(li) => {
            let after = &body[li..];
            &after[after.find('>')? + 1..after.find("</rdf:li>")?]
        }
        None => body,
    };
    clean(body)
}

fn clean(s: &str) -> Option<String> {
    let numeric = regex::Regex::new(r"&#(\d+);").expect("a valid pattern");
    let s = numeric.replace_all(s, |c: &regex::Captures| {
        c[1].parse::<u32>()
            .ok()
            .and_then(char::from_u32)
            .map(String::from)
            .unwrap_or_default()
    });
    let t = s
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    let t = t.trim();
    (!t.is_empty() && !t.contains('<')).then(|| t.to_string())
}

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// `/media/up/<hash>.<ext>`: the original.
    pub src: String,
    pub width: u32,
    pub height: u32,
    /// Widths of the JPEG sizes (`<stem>-<w>.jpg`).
    pub widths: Vec<u32>,
    /// Widths that also exist as WebP (`<stem>-<w>.webp`).
    pub webp_widths: Vec<u32>,
    pub bytes: usize,
    pub content_type: String,
    pub meta: Meta,
}

/// What an upload's header says, checked against the limits before
/// anything is decoded, so a small file claiming a huge picture costs nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub kind: Kind,
    pub width: u32,
    pub height: u32,
}

impl Probe {
    /// Whole megapixels decoding takes (at least one): what it costs from
    /// the decode budget.
    pub fn megapixels(&self) -> u32 {
        (u64::from(self.width) * u64::from(self.height))
            .div_ceil(1_000_000)
            .max(1) as u32
    }
}

pub fn probe(bytes: &[u8], limits: Limits) -> Result<Probe, MediaError> {
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::TooLarge {
            max: limits.max_bytes / (1024 * 1024),
        });
    }
    let kind = sniff(bytes)?;
    let reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| MediaError::Malformed(e.to_string()))?;
    if width == 0
        || height == 0
        || width > limits.max_side
        || height > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(MediaError::TooManyPixels {
            width,
            height,
            max_side: limits.max_side,
            max_mp: limits.max_pixels / 1_000_000,
        });
    }
    Ok(Probe {
        kind,
        width,
        height,
    })
}

/// How many megapixels a node decodes at once, across all uploads. An
/// image decodes to 3 or 4 bytes a pixel and its resized copies need
/// more, so without a budget a handful of small files that claim large
/// pictures (a 113 KB PNG of 12000×3333) would take gigabytes together.
/// Uploads wait their turn instead.
pub struct DecodeBudget {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    total: u32,
    in_use: std::sync::atomic::AtomicU32,
    /// The most ever decoding at once (for tests and operators).
    high_water: std::sync::atomic::AtomicU32,
}

/// A share of the decode budget, given back when dropped.
pub struct DecodeSlot<'a> {
    _permit: tokio::sync::OwnedSemaphorePermit,
    budget: &'a DecodeBudget,
    mp: u32,
}

impl DecodeBudget {
    pub fn new(megapixels: u32) -> DecodeBudget {
        DecodeBudget {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(megapixels as usize)),
            total: megapixels,
            in_use: Default::default(),
            high_water: Default::default(),
        }
    }

    /// Wait until `probe`'s picture fits in what is left of the budget.
    pub async fn acquire(&self, probe: &Probe) -> DecodeSlot<'_> {
        use std::sync::atomic::Ordering;
        let mp = probe.megapixels().min(self.total);
        let permit = self
            .permits
            .clone()
            .acquire_many_owned(mp)
            .await
            .expect("the budget is never closed");
        let now = self.in_use.fetch_add(mp, Ordering::AcqRel) + mp;
        self.high_water.fetch_max(now, Ordering::AcqRel);
        DecodeSlot {
            _permit: permit,
            budget: self,
            mp,
        }
    }

    pub fn high_water(&self) -> u32 {
        self.high_water.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn total(&self) -> u32 {
        self.total
    }
}

impl Drop for DecodeSlot<'_> {
    fn drop(&mut self) {
        self.budget
            .in_use
            .fetch_sub(self.mp, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Check, decode and store an image under `media_dir/up/`. Blocking work:
/// call it from a blocking thread, holding a `DecodeSlot` for its `probe`.
pub fn store(bytes: &[u8], media_dir: &Path, limits: Limits) -> Result<Stored, MediaError> {
    let Probe {
        kind,
        width,
        height,
    } = probe(bytes, limits)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let mut lim = image::Limits::default();
    lim.max_image_width = Some(limits.max_side);
    lim.max_image_height = Some(limits.max_side);
    lim.max_alloc = Some(limits.max_pixels * 4 + 1024 * 1024);
    reader.limits(lim);
    let img = reader
        .decode()
        .map_err(|e| MediaError::Malformed(e.to_string()))?;

    let hash = hex(&Sha256::digest(bytes)[..8]);
    let dir = media_dir.join("up");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(format!("{hash}.{}", kind.ext())), bytes)?;
    let mut widths = Vec::new();
    let mut webp_widths = Vec::new();
    let mut sizes: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    sizes.push(width.min(WIDTHS[WIDTHS.len() - 1]));
    sizes.dedup();
    for w in sizes {
        let h = ((u64::from(height) * u64::from(w)) / u64::from(width)).max(1) as u32;
        let scaled = if w == width {
            img.clone()
        } else {
            img.resize_exact(w, h, image::imageops::FilterType::Triangle)
        };
        let rgb = DynamicImage::ImageRgb8(scaled.to_rgb8());
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
            .encode_image(&rgb)
            .map_err(|e| MediaError::Malformed(e.to_string()))?;
        std::fs::write(dir.join(format!("{hash}-{w}.jpg")), &out)?;
        widths.push(w);
        // The pure-Rust WebP encoder is lossless: a win for graphics and
        // screenshots (PNG, WebP sources), a loss for photographs.
        if kind != Kind::Jpeg {
            let rgba = DynamicImage::ImageRgba8(scaled.to_rgba8());
            let mut out = Vec::new();
            rgba.write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out))
                .map_err(|e| MediaError::Malformed(e.to_string()))?;
            std::fs::write(dir.join(format!("{hash}-{w}.webp")), &out)?;
            webp_widths.push(w);
        }
    }
    Ok(Stored {
        src: format!("/media/up/{hash}.{}", kind.ext()),
        width,
        height,
        widths,
        webp_widths,
        bytes: bytes.len(),
        content_type: kind.content_type().to_string(),
        meta: if kind == Kind::Jpeg || kind == Kind::WebP || kind == Kind::Png {
            xmp_meta(bytes)
        } else {
            Meta::default()
        },
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The address of one size of a stored image: `/media/up/ab-320.jpg`.
pub fn size_url(src: &str, width: u32, ext: &str) -> String {
    let stem = src.rsplit_once('.').map(|(s, _)| s).unwrap_or(src);
    format!("{stem}-{width}.{ext}")
}

/// `srcset` for a stored image: `/media/up/ab-320.jpg 320w, …`.
pub fn srcset(src: &str, widths: &[u32], ext: &str) -> String {
    widths
        .iter()
        .map(|w| format!("{} {w}w", size_url(src, *w, ext)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn decoding_waits_for_room_in_the_budget() {
        let budget = super::DecodeBudget::new(60);
        let big = super::Probe {
            kind: super::Kind::Png,
            width: 12_000,
            height: 3_333,
        };
        assert_eq!(big.megapixels(), 40);
        let first = budget.acquire(&big).await;
        // A second 40 MP picture does not fit beside the first.
        let second =
            tokio::time::timeout(std::time::Duration::from_millis(100), budget.acquire(&big)).await;
        assert!(second.is_err(), "the second decode waited");
        // A small one does.
        let small = super::Probe {
            kind: super::Kind::Jpeg,
            width: 800,
            height: 600,
        };
        let s = tokio::time::timeout(
            std::time::Duration::from_millis(100),
            budget.acquire(&small),
        )
        .await
        .expect("a small picture fits beside a large one");
        drop(s);
        drop(first);
        let _second = budget.acquire(&big).await;
        assert_eq!(budget.high_water(), 41);
    }

    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(&png(2, 2)).unwrap(), Kind::Png);
        assert!(matches!(
            sniff(b"<svg onload=alert(1)>"),
            Err(MediaError::Svg)
        ));
        assert!(matches!(
            sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Err(MediaError::Svg)
        ));
        assert!(matches!(sniff(b"GIF89a...."), Err(MediaError::Unsupported)));
        assert!(matches!(sniff(b"%PDF-1.7"), Err(MediaError::Unsupported)));
    }

    #[test]
    fn images_are_stored_with_responsive_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&png(1200, 800), dir.path(), Limits::default()).unwrap();
        assert_eq!((s.width, s.height), (1200, 800));
        assert_eq!(s.widths, [320, 640, 1024, 1200]);
        assert_eq!(s.webp_widths, s.widths);
        let stem = s.src.trim_start_matches("/media/").trim_end_matches(".png");
        let small = image::open(dir.path().join(format!("{stem}-320.jpg"))).unwrap();
        assert_eq!((small.width(), small.height()), (320, 213));
        assert!(dir.path().join(format!("{stem}-640.webp")).exists());
        assert_eq!(
            srcset(&s.src, &[320, 640], "jpg"),
            format!("/media/{stem}-320.jpg 320w, /media/{stem}-640.jpg 640w")
        );
    }

    #[test]
    fn huge_and_broken_images_are_refused_before_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_pixels: 1_000_000,
            ..Limits::default()
        };
        assert!(matches!(
            store(&png(2000, 1000), dir.path(), limits),
            Err(MediaError::TooManyPixels { width: 2000, .. })
        ));
        let mut broken = png(50, 50);
        broken.truncate(60);
        assert!(matches!(
            store(&broken, dir.path(), limits),
            Err(MediaError::Malformed(_))
        ));
        let tiny = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            store(&png(50, 50), dir.path(), tiny),
            Err(MediaError::TooLarge { .. })
        ));
    }

    #[test]
    fn xmp_gives_caption_credit_and_copyright() {
        let xmp = br#"....<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description photoshop:Credit="AFP/Rui Santos">
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Warga menunggu di perbatasan</rdf:li></rdf:Alt></dc:description>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">&#169; AFP 2026</rdf:li></rdf:Alt></dc:rights>
</rdf:Description></rdf:RDF></x:xmpmeta>...."#;
        let m = xmp_meta(xmp);
        assert_eq!(m.caption.as_deref(), Some("Warga menunggu di perbatasan"));
        assert_eq!(m.credit.as_deref(), Some("AFP/Rui Santos"));
        assert_eq!(m.copyright.as_deref(), Some("© AFP 2026"));
        assert_eq!(xmp_meta(b"no metadata"), Meta::default());
    }
}
