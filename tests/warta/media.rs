//! Image uploads through the Admin API and the back office: validation with
//! bad files, responsive sizes, metadata, and srcset on the article page.

use std::io::Cursor;

use crate::common::{Client, TestSite, demo_site};
use serde_json::json;

async fn token(site: &TestSite, scopes: &[&str]) -> String {
    crate::common::api_token(site, "media", scopes).await
}

async fn upload(site: &TestSite, token: &str, bytes: Vec<u8>, query: &str) -> crate::common::Page {
    let auth = format!("Bearer {token}");
    let req = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/api/v1/admin/media{query}"))
        .header("authorization", auth)
        .header("content-type", "application/octet-stream")
        .body(axum::body::Body::from(bytes))
        .unwrap();
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = site.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    crate::common::Page {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 250) as u8, (y % 250) as u8, 120])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small, valid PNG whose header claims 30,000 × 30,000 pixels.
fn pixel_bomb() -> Vec<u8> {
    let mut b = png(1, 1);
    // IHDR data starts at byte 16: width, height (big-endian).
    b[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    b[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let crc = crc32(&b[12..29]);
    b[29..33].copy_from_slice(&crc.to_be_bytes());
    b
}

/// A JPEG carrying an XMP packet with caption, credit and copyright.
fn jpeg_with_xmp() -> Vec<u8> {
    let img = image::RgbImage::from_fn(800, 500, |x, _| image::Rgb([(x % 200) as u8, 90, 60]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    let xmp = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:Credit="Foto: Redaksi/Ayu"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">Warga menanti di perbatasan</rdf:li></rdf:Alt></dc:description><dc:rights><rdf:Alt><rdf:li xml:lang="x-default">Hak cipta Redaksi 2026</rdf:li></rdf:Alt></dc:rights></rdf:Description></rdf:RDF></x:xmpmeta>"#;
    let mut payload = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    payload.extend_from_slice(xmp.as_bytes());
    let len = (payload.len() + 2) as u16;
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(&payload);
    let mut jpeg = out[..2].to_vec();
    jpeg.extend_from_slice(&seg);
    jpeg.extend_from_slice(&out[2..]);
    jpeg
}

#[tokio::test]
async fn bad_files_are_refused_and_nothing_is_stored() {
    let site = demo_site().await;
    let t = token(&site, &["media:write"]).await;
    let mut truncated = png(64, 64);
    truncated.truncate(80);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            "SVG",
        ),
        (
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            "JPEG, PNG and WebP",
        ),
        // A PNG's name does not make a PNG: these are the bytes of a PDF.
        (b"%PDF-1.7\n1 0 obj\n".to_vec(), "JPEG, PNG and WebP"),
        (truncated, "cannot be read"),
        (pixel_bomb(), "30000"),
    ];
    for (bytes, says) in cases {
        let p = upload(&site, &t, bytes, "").await;
        assert_eq!(p.status, 422, "{says}: {}", p.body);
        let field = &p.json()["error"]["fields"][0];
        assert_eq!(field["field"], "file");
        assert!(
            field["message"].as_str().unwrap().contains(says),
            "{says}: {}",
            p.body
        );
    }
    let too_big = vec![0u8; 17 * 1024 * 1024];
    assert_eq!(upload(&site, &t, too_big, "").await.status, 413);
    assert!(
        site.app
            .store
            .media_list(None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !site.dir.path().join("media/up").exists()
            || std::fs::read_dir(site.dir.path().join("media/up"))
                .unwrap()
                .count()
                == 0
    );
    // Uploading needs the media:write scope.
    let other = token(&site, &["articles:write"]).await;
    assert_eq!(upload(&site, &other, png(10, 10), "").await.status, 403);
}

#[tokio::test]
async fn uploads_get_sizes_metadata_and_srcset_on_the_page() {
    let site = demo_site().await;
    let t = token(
        &site,
        &["media:write", "articles:write", "articles:publish"],
    )
    .await;
    let p = upload(&site, &t, jpeg_with_xmp(), "?alt=Warga%20di%20perbatasan").await;
    assert_eq!(p.status, 201, "{}", p.body);
    let m = p.json();
    assert_eq!(m["width"], 800);
    assert_eq!(m["widths"], json!([320, 640, 800]));
    assert_eq!(m["caption"], "Warga menanti di perbatasan");
    assert_eq!(m["credit"], "Foto: Redaksi/Ayu");
    assert_eq!(m["copyright"], "Hak cipta Redaksi 2026");
    let src = m["src"].as_str().unwrap().to_string();
    let small = src.replace(".jpg", "-320.jpg");
    let f = Client::new(&site).get(&small).await;
    assert_eq!(f.status, 200);
    assert_eq!(f.header("content-type"), "image/jpeg");
    assert!(f.header("cache-control").contains("immutable"));

    // Used in a story by its address alone, it brings its sizes and caption.
    let auth = format!("Bearer {t}");
    let p = Client::new(&site)
        .post_json(
            "/api/v1/admin/articles",
            json!({
                "title": "Foto dari Perbatasan",
                "section": "global",
                "status": "published",
                "contributors": [{"name": "Ayu", "role": "photographer"}, {"name": "Dimas", "role": "writer"}],
                "featured_image": {"src": src, "alt": "Warga di perbatasan"},
                "body": [
                    {"type": "paragraph", "text": "Warga menanti kabar."},
                    // No alt text: the library's (given at upload) is used,
                    // and counts for the check that a story going out has it.
                    {"type": "image", "src": src}
                ]
            }),
            &[("authorization", auth.as_str())],
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.body);
    assert_eq!(
        p.json()["body"][1]["caption"],
        "Warga menanti di perbatasan"
    );
    assert_eq!(p.json()["body"][1]["alt"], "Warga di perbatasan");
    let page = site.get("/global/foto-dari-perbatasan").await;
    assert_eq!(page.status, 200);
    let stem = src.trim_end_matches(".jpg");
    assert!(
        page.body.contains(&format!(
            "srcset=\"{stem}-320.jpg 320w, {stem}-640.jpg 640w, {stem}-800.jpg 800w\""
        )),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("sizes=\"(max-width: 760px) 100vw, 760px\"")
    );
    assert!(page.body.contains("width=\"800\" height=\"500\""));
    assert!(page.body.contains("Foto: Redaksi/Ayu"));
}

#[tokio::test]
async fn the_back_office_uploads_with_its_form() {
    let site = demo_site().await;
    let id = crate::common::add_reader(&site, "w@example.com", "kata-sandi-rahasia", true).await;
    crate::common::set_role(&site, id, warta::domain::newsroom::StaffRole::Writer, &[]).await;
    let mut c = Client::new(&site);
    c.post(
        "/login",
        &[
            ("email", "w@example.com"),
            ("password", "kata-sandi-rahasia"),
        ],
    )
    .await;
    let csrf = c.cookies.get("warta_csrf").cloned().unwrap();
    let multipart = |csrf: &str, bytes: &[u8]| {
        let mut body = Vec::new();
        for (name, value) in [("csrf", csrf), ("alt", "Grafik harga")] {
            body.extend_from_slice(
                format!(
                    "--XYZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"grafik.png\"\r\nContent-Type: image/png\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n--XYZ--\r\n");
        body
    };
    let send = |body: Vec<u8>| {
        let cookie = c
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/admin/media")
            .header("cookie", cookie)
            .header("content-type", "multipart/form-data; boundary=XYZ")
            .body(axum::body::Body::from(body))
            .unwrap();
        let router = site.router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let res = router.oneshot(req).await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        }
    };
    let (status, _) = send(multipart("wrong", &png(40, 30))).await;
    assert_eq!(status, 403, "the form needs its CSRF token");
    let (status, body) = send(multipart(&csrf, &png(400, 300))).await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body.contains("[image: /media/up/"),
        "the block to paste is shown"
    );
    let (status, body) = send(multipart(&csrf, b"<svg onload=\"alert(1)\"/>")).await;
    assert_eq!(status, 422);
    assert!(body.contains("SVG"));
    let library = c.get("/admin/media?q=grafik").await;
    assert!(library.body.contains("Grafik harga"));
}
