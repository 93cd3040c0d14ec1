//! The security group: each finding of the outside review as a regression
//! test, by class (the shared cache, permissions, fill-in markers, cookies,
//! redirects, timing and flow, transport, media, accounts). Each test here
//! failed before its fix.

use crate::common::{Client, TestSite, add_reader, set_role};
use serde_json::{Value, json};
use warta::domain::newsroom::StaffRole;

const PW: &str = "kata-sandi-rahasia";

async fn signed_in<'a>(site: &'a TestSite, email: &str) -> Client<'a> {
    crate::common::log_in(site, email, PW).await
}

async fn staff(site: &TestSite, email: &str, role: StaffRole) -> i64 {
    let id = add_reader(site, email, PW, true).await;
    set_role(site, id, role, &[]).await;
    id
}

// ---- 2. Permissions checked before anything is loaded, whatever changed ----
async fn token(site: &TestSite, scopes: &[&str]) -> String {
    let name = format!("t{}", warta::domain::account::new_token());
    crate::common::api_token(site, &name, scopes).await
}

async fn call(
    site: &TestSite,
    method: &str,
    uri: &str,
    token: &str,
    body: Option<Value>,
) -> crate::common::Page {
    let auth = format!("Bearer {token}");
    Client::new(site)
        .send(
            method,
            uri,
            body.map(|b| ("application/json", b.to_string())),
            &[("authorization", auth.as_str()), ("if-match", "*")],
        )
        .await
}

/// A draft written through the API, with words nobody else should read.
async fn secret_draft(site: &TestSite) -> String {
    let w = token(site, &["articles:write"]).await;
    let p = call(
        site,
        "POST",
        "/api/v1/admin/articles",
        &w,
        Some(json!({
            "title": "Draf Rahasia Redaksi",
            "section": "nasional",
            "body": [{"type": "paragraph", "text": "Naskah embargo yang belum boleh dibaca."}]
        })),
    )
    .await;
    assert_eq!(p.status, 201, "{}", p.body);
    p.json()["slug"].as_str().unwrap().to_string()
}

mod accounts;
mod cache;
mod flow;
mod fuzz;
mod limits;
mod markers;
mod permissions;
