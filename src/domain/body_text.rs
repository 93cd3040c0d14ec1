//! The editor's text form of an article body: typed blocks written as
//! plain text, one block per paragraph. It types fast on a laptop, works in
//! any phone's text box, survives a lost connection in the browser's
//! storage, and makes revision differences readable.
//!
//! ```text
//! A paragraph. Lines of one paragraph are joined.
//!
//! ## A subheading
//!
//! > A quotation
//! > — Who said it
//!
//! - a list item
//! 1. an ordered list item
//!
//! [read-also: slug-of-a-stored-article]
//! [image: /media/photo.jpg | alt text | caption | credit]
//! [video: slug-of-a-video]
//! [embed: https://example.com/post/1]
//! [page-break]
//! ```
//! Indonesian names work too: `[baca-juga: …]`, `[gambar: …]`, `[halaman]`.

use super::article::{Block, Image};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// A body as a form sends it: the block editor's JSON (the Admin API's
/// block shape) when the browser ran the editor, else the text form. The
/// error names the form field and, for JSON, the block.
pub fn from_form(
    text: &str,
    blocks_json: &str,
) -> Result<Vec<Block>, crate::domain::story::FieldError> {
    use crate::domain::story::FieldError;
    if blocks_json.trim().is_empty() {
        return parse(text).map_err(|e| FieldError::new("body", e.to_string()));
    }
    let de = &mut serde_json::Deserializer::from_str(blocks_json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "body".to_string()
        } else {
            format!("body{path}")
        };
        FieldError::new(field, e.into_inner().to_string())
    })
}

/// Read the text form into blocks; an unknown `[name: …]` line is an error
/// naming its line, never silently dropped.
pub fn parse(text: &str) -> Result<Vec<Block>, LineError> {
    let mut blocks = Vec::new();
    let mut chunk: Vec<(usize, &str)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            flush(&mut chunk, &mut blocks)?;
        } else if is_marker(line.trim()) {
            // A marker is a block of its own even without blank lines around.
            flush(&mut chunk, &mut blocks)?;
            blocks.push(marker(i + 1, line.trim())?);
        } else {
            chunk.push((i + 1, line));
        }
    }
    flush(&mut chunk, &mut blocks)?;
    Ok(blocks)
}

fn is_marker(line: &str) -> bool {
    let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) else {
        return false;
    };
    let name = inner.split(':').next().unwrap_or("");
    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
}

fn marker(line: usize, text: &str) -> Result<Block, LineError> {
    let inner = &text[1..text.len() - 1];
    let (name, arg) = match inner.split_once(':') {
        Some((n, a)) => (n, a.trim()),
        None => (inner, ""),
    };
    let err = |message: String| LineError { line, message };
    let need = |what: &str| -> Result<(), LineError> {
        if arg.is_empty() {
            Err(err(format!("[{name}: …] needs {what}")))
        } else {
            Ok(())
        }
    };
    match name {
        "page-break" | "halaman" => Ok(Block::PageBreak),
        "read-also" | "baca-juga" => {
            need("the slug of an article")?;
            let (slug, title) = match arg.split_once('|') {
                Some((s, t)) => (s.trim(), t.trim()),
                None => (arg, ""),
            };
            Ok(Block::ReadAlso {
                title: title.to_string(),
                slug: Some(slug.to_string()),
            })
        }
        "image" | "gambar" => {
            need("an image address")?;
            let mut parts = arg.split('|').map(|p| p.trim().to_string());
            let src = parts.next().unwrap_or_default();
            let alt = parts.next().unwrap_or_default();
            let opt = |s: Option<String>| s.filter(|s| !s.is_empty());
            Ok(Block::Image(Image {
                src,
                alt,
                caption: opt(parts.next()),
                credit: opt(parts.next()),
                width: None,
                height: None,
                widths: Vec::new(),
                webp_widths: Vec::new(),
            }))
        }
        "video" => {
            need("the slug of a video")?;
            Ok(Block::Video {
                video: arg.to_string(),
            })
        }
        "embed" | "sematan" => {
            need("an address")?;
            if let Err(e) = super::web_address::parse_http(arg) {
                return Err(err(format!("[embed: …]: {e}")));
            }
            Ok(Block::Embed {
                url: arg.to_string(),
            })
        }
        other => Err(err(format!(
            "unknown block [{other}]: use read-also, image, video, embed or page-break"
        ))),
    }
}

fn flush(chunk: &mut Vec<(usize, &str)>, out: &mut Vec<Block>) -> Result<(), LineError> {
    if chunk.is_empty() {
        return Ok(());
    }
    let lines: Vec<&str> = chunk.iter().map(|(_, l)| l.trim()).collect();
    let block = if lines.len() == 1 && lines[0].starts_with("## ") {
        Block::Heading {
            text: lines[0][3..].trim().to_string(),
        }
    } else if lines.iter().all(|l| l.starts_with('>')) {
        let mut text: Vec<&str> = lines.iter().map(|l| l[1..].trim()).collect();
        let cite = match text.last() {
            Some(l) if text.len() > 1 && (l.starts_with('—') || l.starts_with("--")) => {
                let c = l.trim_start_matches(['—', '-']).trim().to_string();
                text.pop();
                Some(c)
            }
            _ => None,
        };
        Block::Quote {
            text: text.join(" "),
            cite,
        }
    } else if lines
        .iter()
        .all(|l| l.starts_with("- ") || l.starts_with("* "))
    {
        Block::List {
            ordered: false,
            items: lines.iter().map(|l| l[2..].trim().to_string()).collect(),
        }
    } else if lines.iter().all(|l| ordered_item(l).is_some()) {
        Block::List {
            ordered: true,
            items: lines
                .iter()
                .filter_map(|l| ordered_item(l))
                .map(str::to_string)
                .collect(),
        }
    } else {
        Block::Paragraph {
            text: lines.join(" "),
        }
    };
    chunk.clear();
    out.push(block);
    Ok(())
}

fn ordered_item(l: &str) -> Option<&str> {
    let (n, rest) = l.split_once(". ")?;
    (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit())).then(|| rest.trim())
}

/// Write blocks in the text form; `parse(&format(b)) == b` for every body
/// the editor can hold.
pub fn format(blocks: &[Block]) -> String {
    let mut out: Vec<String> = Vec::with_capacity(blocks.len());
    for b in blocks {
        out.push(match b {
            Block::Paragraph { text } => text.clone(),
            Block::Heading { text } => format!("## {text}"),
            Block::Quote { text, cite } => match cite {
                Some(c) => format!("> {text}\n> — {c}"),
                None => format!("> {text}"),
            },
            Block::List { ordered, items } => items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    if *ordered {
                        format!("{}. {it}", i + 1)
                    } else {
                        format!("- {it}")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Image(img) => {
                let mut parts = vec![img.src.clone(), img.alt.clone()];
                if img.caption.is_some() || img.credit.is_some() {
                    parts.push(img.caption.clone().unwrap_or_default());
                }
                if let Some(c) = &img.credit {
                    parts.push(c.clone());
                }
                format!("[image: {}]", parts.join(" | "))
            }
            Block::Video { video } => format!("[video: {video}]"),
            Block::Embed { url } => format!("[embed: {url}]"),
            Block::ReadAlso { title, slug } => match slug {
                Some(s) if title.is_empty() => format!("[read-also: {s}]"),
                Some(s) => format!("[read-also: {s} | {title}]"),
                // An imported reference that matched nothing: keep its title
                // readable; the editor can link it.
                None => format!("[read-also: ? | {title}]"),
            },
            Block::PageBreak => "[page-break]".to_string(),
        });
    }
    out.join("\n\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_type_reads_from_text() {
        let text = "KOMPAS — Satu paragraf\nyang berlanjut.\n\n## Subjudul\n\n> Kutipan panjang\n> — Menteri\n\n- satu\n- dua\n\n1. pertama\n2. kedua\n[baca-juga: berita-lain]\n[gambar: /media/a.jpg | Alt | Keterangan | Foto: AFP]\n[video: video-satu]\n[embed: https://example.com/p/1]\n\n[halaman]\n\nHalaman dua.";
        let b = parse(text).unwrap();
        assert_eq!(
            b[0],
            Block::Paragraph {
                text: "KOMPAS — Satu paragraf yang berlanjut.".into()
            }
        );
        assert_eq!(
            b[1],
            Block::Heading {
                text: "Subjudul".into()
            }
        );
        assert_eq!(
            b[2],
            Block::Quote {
                text: "Kutipan panjang".into(),
                cite: Some("Menteri".into())
            }
        );
        assert!(matches!(&b[3], Block::List { ordered: false, items } if items.len() == 2));
        assert!(matches!(&b[4], Block::List { ordered: true, items } if items[1] == "kedua"));
        assert_eq!(
            b[5],
            Block::ReadAlso {
                title: String::new(),
                slug: Some("berita-lain".into())
            }
        );
        assert!(
            matches!(&b[6], Block::Image(i) if i.alt == "Alt" && i.credit.as_deref() == Some("Foto: AFP"))
        );
        assert_eq!(
            b[7],
            Block::Video {
                video: "video-satu".into()
            }
        );
        assert_eq!(
            b[8],
            Block::Embed {
                url: "https://example.com/p/1".into()
            }
        );
        assert_eq!(b[9], Block::PageBreak);
        assert_eq!(
            b[10],
            Block::Paragraph {
                text: "Halaman dua.".into()
            }
        );
        assert_eq!(b.len(), 11);
    }

    #[test]
    fn text_form_round_trips() {
        let text = "Satu.\n\n## Dua\n\n> Tiga\n> — Empat\n\n- a\n- b\n\n1. x\n2. y\n\n[read-also: lain | Judul Lain]\n\n[image: /m/a.jpg | Alt | Cap | Kredit]\n\n[video: v]\n\n[embed: https://example.com/]\n\n[page-break]\n\nLima.\n";
        let blocks = parse(text).unwrap();
        assert_eq!(format(&blocks), text);
        assert_eq!(parse(&format(&blocks)).unwrap(), blocks);
    }

    #[test]
    fn the_block_editors_json_is_the_body_when_sent() {
        // A paragraph that reads like markup stays a paragraph.
        let json = r#"[{"type":"paragraph","text":"- bukan daftar"},{"type":"heading","text":"Judul"},{"type":"quote","text":"Q","cite":null},{"type":"page_break"}]"#;
        let b = from_form("ini diabaikan", json).unwrap();
        assert_eq!(
            b[0],
            Block::Paragraph {
                text: "- bukan daftar".into()
            }
        );
        assert_eq!(
            b[2],
            Block::Quote {
                text: "Q".into(),
                cite: None
            }
        );
        assert_eq!(b.len(), 4);
        assert_eq!(from_form("Satu.", "").unwrap().len(), 1);
        let e = from_form("", r#"[{"type":"paragraph"}]"#).unwrap_err();
        assert_eq!(e.field, "body[0]");
        let e = from_form("", r#"[{"type":"gambar","src":"x"}]"#).unwrap_err();
        assert!(e.field.starts_with("body[0]"), "{e:?}");
        assert_eq!(from_form("", "{").unwrap_err().field, "body");
    }

    #[test]
    fn unknown_markers_name_their_line() {
        let e = parse("Satu.\n\n[foto: x]\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("[foto]"), "{e}");
        let e = parse("[read-also:]").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse("a\n\n[embed: javascript:alert(1)]").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn brackets_in_prose_stay_prose() {
        let b = parse("[Update 14.00] Presiden tiba.\n\n[KOMPAS]").unwrap();
        assert!(matches!(&b[0], Block::Paragraph { .. }));
        assert!(matches!(&b[1], Block::Paragraph { text } if text == "[KOMPAS]"));
    }
}
