//! The Content API (read side), its contract and its errors.

use crate::common::{Client, demo_site};

#[tokio::test]
async fn list_has_the_contract_fields() {
    let site = demo_site().await;
    let p = site.get("/api/v1/articles?limit=5").await;
    assert_eq!(p.status, 200);
    assert!(p.header("content-type").starts_with("application/json"));
    let j = p.json();
    assert_eq!(j["limit"], 5);
    assert_eq!(j["page"], 1);
    assert_eq!(j["total"], 44);
    let arts = j["articles"].as_array().unwrap();
    assert_eq!(arts.len(), 5);
    let a = &arts[0];
    for key in [
        "slug",
        "url",
        "title",
        "section",
        "published_at",
        "updated_at",
        "contributors",
        "sources",
        "dateline",
        "body",
        "access",
    ] {
        assert!(a.get(key).is_some(), "missing {key}");
    }
    assert!(
        a["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:8080/")
    );
    assert!(a["section"]["slug"].is_string() && a["section"]["name"].is_string());
    assert!(a["published_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(a["access"], "public");
    for c in a["contributors"].as_array().unwrap() {
        assert!(
            ["writer", "editor", "contributor", "photographer"]
                .contains(&c["role"].as_str().unwrap())
        );
        assert!(c["name"].is_string());
    }
    // Newest first.
    let times: Vec<&str> = arts
        .iter()
        .map(|a| a["published_at"].as_str().unwrap())
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
}

#[tokio::test]
async fn list_filters_by_section_and_pages() {
    let site = demo_site().await;
    let j = site
        .get("/api/v1/articles?section=tekno&limit=50")
        .await
        .json();
    let arts = j["articles"].as_array().unwrap();
    assert!(!arts.is_empty());
    assert!(arts.iter().all(|a| a["section"]["slug"] == "tekno"));
    let p1 = site.get("/api/v1/articles?limit=3&page=1").await.json();
    let p2 = site.get("/api/v1/articles?limit=3&page=2").await.json();
    assert_ne!(p1["articles"][0]["slug"], p2["articles"][0]["slug"]);
    let beyond = site.get("/api/v1/articles?limit=50&page=9").await.json();
    assert_eq!(beyond["articles"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn bad_parameters_are_400_with_a_message() {
    let site = demo_site().await;
    for q in [
        "limit=abc",
        "limit=0",
        "limit=51",
        "page=0",
        "page=-1",
        "page=x",
        "section=tidak-ada",
    ] {
        let p = site.get(&format!("/api/v1/articles?{q}")).await;
        assert_eq!(p.status, 400, "{q}");
        let j = p.json();
        assert_eq!(j["error"]["status"], 400);
        assert!(!j["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[tokio::test]
async fn one_article_with_typed_blocks_and_resolved_read_also() {
    let site = demo_site().await;
    let a = site.rich_article().await;
    let slug = a["slug"].as_str().unwrap();
    let j = site.get(&format!("/api/v1/articles/{slug}")).await.json();
    assert_eq!(j["slug"], slug);
    let body = j["body"].as_array().unwrap();
    let p = body.iter().find(|b| b["type"] == "paragraph").unwrap();
    assert!(p["text"].is_string());
    let ra = body.iter().find(|b| b["type"] == "read_also").unwrap();
    assert!(ra["title"].is_string());
    let target = ra["slug"].as_str().unwrap();
    assert!(ra["url"].as_str().unwrap().ends_with(&format!("/{target}")));
    // The link points at a real article.
    assert_eq!(
        site.get(&format!("/api/v1/articles/{target}")).await.status,
        200
    );
}

#[tokio::test]
async fn unknown_article_is_a_json_404() {
    let site = demo_site().await;
    let p = site.get("/api/v1/articles/tidak-ada").await;
    assert_eq!(p.status, 404);
    assert_eq!(p.json()["error"]["status"], 404);
    assert_eq!(site.get("/api/v1/nope").await.status, 404);
}

#[tokio::test]
async fn articles_scheduled_in_the_future_are_invisible() {
    let site = demo_site().await;
    let newest = site.get("/api/v1/articles?limit=1").await.json();
    let slug = newest["articles"][0]["slug"].as_str().unwrap().to_string();
    let section = newest["articles"][0]["section"]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    // Step the clock back two days: the newest story is not out yet.
    site.app.clock.set(crate::common::NOW - 2 * 86_400);
    assert_eq!(
        site.get(&format!("/api/v1/articles/{slug}")).await.status,
        404
    );
    assert_eq!(site.get(&format!("/{section}/{slug}")).await.status, 404);
    let list = site.get("/api/v1/articles?limit=50").await.json();
    assert!(
        list["articles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["slug"] != slug.as_str())
    );
}

#[tokio::test]
async fn openapi_document_describes_the_routes() {
    let site = demo_site().await;
    let p = site.get("/api/v1/openapi.json").await;
    assert_eq!(p.status, 200);
    let j = p.json();
    assert!(j["openapi"].as_str().unwrap().starts_with("3."));
    assert!(j["paths"]["/api/v1/articles"]["get"].is_object());
    assert!(j["paths"]["/api/v1/articles/{slug}"]["get"].is_object());
    let fields = j["components"]["schemas"]["Article"]["required"]
        .as_array()
        .unwrap();
    assert!(fields.contains(&serde_json::json!("contributors")));
}

#[tokio::test]
async fn author_text_is_escaped_never_run() {
    use warta::domain::{Block, Role};
    use warta::store::NewArticle;
    let site = demo_site().await;
    let evil = "<script>alert('x')</script>";
    site.app
        .store
        .insert_article(
            &NewArticle::new(
                "uji-xss",
                &format!("Judul {evil}"),
                ("nasional", "Nasional"),
                crate::common::NOW - 10,
            )
            .summary(&format!("Ringkas \"{evil}"))
            .credit("x", &format!("Nama {evil}"), Role::Writer)
            .source(evil)
            .dateline(evil)
            .paragraph(&format!("Isi {evil} </script><script>alert(1)</script>"))
            .block(Block::Heading { text: evil.into() })
            .block(Block::ReadAlso {
                title: evil.into(),
                slug: None,
            }),
        )
        .await
        .unwrap();
    let p = site.get("/nasional/uji-xss").await;
    assert_eq!(p.status, 200);
    assert!(
        !p.body.contains("<script>alert"),
        "unescaped script on the page"
    );
    assert!(
        p.body
            .contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;")
    );
    // The JSON-LD block cannot be closed early by article text.
    let start = p.pos("<script type=\"application/ld+json\">");
    let ld_end = start + p.body[start..].find("</script>").unwrap();
    let ld = &p.body[start + 35..ld_end];
    let v: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(v["headline"], format!("Judul {evil}"));
}

/// The OpenAPI document describes every route of the JSON API and nothing
/// else (the router is built from `http::api_routes()`), and the router
/// answers exactly the methods listed: a route cannot be added without its
/// description.
#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    use std::collections::BTreeSet;
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../api/openapi.json")).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(&m.as_str()))
                .map(|m| (m.to_uppercase(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let listed: BTreeSet<(String, String)> = warta::http::api_routes()
        .listed
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let undocumented: Vec<_> = listed.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&listed).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from api/openapi.json: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "described but not served: {unserved:?}"
    );
    let site = demo_site().await;
    let paths: BTreeSet<&String> = listed.iter().map(|(_, p)| p).collect();
    for path in paths {
        let uri = path.replace("{slug}", "tidak-ada");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let p = Client::new(&site)
                .send(method, &uri, Some(("application/json", "{}".into())), &[])
                .await;
            let is_listed = listed.contains(&(method.to_string(), path.clone()));
            assert_eq!(
                p.status != 405,
                is_listed,
                "{method} {uri}: {} (listed: {is_listed})",
                p.status
            );
        }
    }
}
