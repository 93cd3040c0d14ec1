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

#[tokio::test]
async fn every_admin_route_checks_its_scope_first() {
    let site = demo_site().await;
    let slug = secret_draft(&site).await;
    let published = site.get("/api/v1/articles?limit=1").await.json()["articles"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    // (method, uri, body) for each route, and the scopes that may call it.
    let routes: Vec<(&str, String, Option<Value>, &[&str])> = vec![
        (
            "GET",
            "/api/v1/admin/articles".into(),
            None,
            &["articles:read", "articles:write", "articles:publish"],
        ),
        (
            "POST",
            "/api/v1/admin/articles".into(),
            Some(json!({})),
            &["articles:write"],
        ),
        (
            "GET",
            format!("/api/v1/admin/articles/{slug}"),
            None,
            &["articles:read", "articles:write", "articles:publish"],
        ),
        (
            "PATCH",
            format!("/api/v1/admin/articles/{slug}"),
            Some(json!({})),
            &["articles:write", "articles:publish"],
        ),
        (
            "POST",
            format!("/api/v1/admin/articles/{published}/corrections"),
            Some(json!({})),
            &["articles:publish"],
        ),
        (
            "GET",
            "/api/v1/admin/sections".into(),
            None,
            &[
                "taxonomy:write",
                "articles:read",
                "articles:write",
                "articles:publish",
            ],
        ),
        (
            "POST",
            "/api/v1/admin/sections".into(),
            Some(json!({})),
            &["taxonomy:write"],
        ),
        (
            "GET",
            "/api/v1/admin/contributors".into(),
            None,
            &[
                "taxonomy:write",
                "articles:read",
                "articles:write",
                "articles:publish",
            ],
        ),
        (
            "POST",
            "/api/v1/admin/contributors".into(),
            Some(json!({})),
            &["taxonomy:write"],
        ),
        (
            "POST",
            "/api/v1/admin/media".into(),
            Some(json!({})),
            &["media:write"],
        ),
    ];
    for scope in SCOPES {
        let t = token(&site, &[scope]).await;
        for (method, uri, body, allowed) in &routes {
            let p = call(&site, method, uri, &t, body.clone()).await;
            // A publishing token may call PATCH, but only to move a story:
            // `{}` stores text, which is the newsroom's "edit" (tested below).
            let edit_refused = *method == "PATCH" && *scope == "articles:publish";
            if allowed.contains(scope) && !edit_refused {
                assert_ne!(p.status, 403, "{scope} {method} {uri}: {}", p.body);
            } else {
                assert_eq!(p.status, 403, "{scope} {method} {uri}: {}", p.body);
                assert!(
                    !p.body.contains("embargo"),
                    "{scope} {method} {uri} read the draft"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_empty_patch_is_an_edit_and_times_are_publishing() {
    let site = demo_site().await;
    let slug = secret_draft(&site).await;
    // Before the fix, `{}` from a media or taxonomy token answered with the draft.
    for scope in ["media:write", "taxonomy:write"] {
        let t = token(&site, &[scope]).await;
        let p = call(
            &site,
            "PATCH",
            &format!("/api/v1/admin/articles/{slug}"),
            &t,
            Some(json!({})),
        )
        .await;
        assert_eq!(p.status, 403, "{scope}");
        assert!(!p.body.contains("embargo"));
    }
    // A publishing-only token may move a story, not store text.
    let publish = token(&site, &["articles:publish"]).await;
    let p = call(
        &site,
        "PATCH",
        &format!("/api/v1/admin/articles/{slug}"),
        &publish,
        Some(json!({})),
    )
    .await;
    assert_eq!(p.status, 403, "an empty save is an edit");
    // Taking a published story down by a time is publishing, in any token.
    let live = site.get("/api/v1/articles?limit=1").await.json()["articles"][0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let tax = token(&site, &["taxonomy:write"]).await;
    let p = call(
        &site,
        "PATCH",
        &format!("/api/v1/admin/articles/{live}"),
        &tax,
        Some(json!({"unpublish_at": "2026-11-27T06:00:00Z"})),
    )
    .await;
    assert_eq!(p.status, 403);
    let writer = token(&site, &["articles:write"]).await;
    let p = call(
        &site,
        "PATCH",
        &format!("/api/v1/admin/articles/{live}"),
        &writer,
        Some(json!({"unpublish_at": "2026-11-27T06:00:00Z"})),
    )
    .await;
    assert_eq!(p.status, 403, "{}", p.body);
    let story = site.app.store.story_by_slug(&live).await.unwrap().unwrap();
    assert_eq!(story.unpublish_at, None);
    assert_eq!(story.status, StoryStatus::Published);
}

/// Role x field: what each role may change on its own draft and on someone
/// else's, through the newsroom's one rule (the back office and the Admin
/// API both call it).
#[tokio::test]
async fn role_by_field_matrix() {
    let site = demo_site().await;
    let roles = [
        ("kontributor@contoh.id", StaffRole::Contributor),
        ("penulis@contoh.id", StaffRole::Writer),
        ("editor@contoh.id", StaffRole::Editor),
        ("admin@contoh.id", StaffRole::Admin),
    ];
    let mut who = Vec::new();
    for (email, role) in roles {
        let id = staff(&site, email, role).await;
        who.push(Principal::Staff(
            warta::domain::newsroom::Staff {
                reader_id: id,
                name: email.into(),
                role,
                sections: vec![],
            },
            email.into(),
        ));
    }
    let desk = Desk {
        store: &*site.app.store,
        now: NOW,
    };
    let doc = |title: &str| -> warta::domain::story::StoryDoc {
        serde_json::from_value(json!({
            "title": title, "section": "nasional",
            "contributors": [{"name": "Rina", "role": "writer"}],
            "body": [{"type": "paragraph", "text": "Isi draf."}]
        }))
        .unwrap()
    };
    let at = Some(NOW + 3600);
    // field, and whether it is allowed for each role on its own draft and
    // on another's draft: contributor, writer, editor, admin.
    #[rustfmt::skip]
    let matrix: &[(&str, [bool; 4], [bool; 4])] = &[
        // field          own draft                    another's draft
        ("nothing",     [true,  true,  true,  true], [false, false, true, true]),
        ("text",        [true,  true,  true,  true], [false, false, true, true]),
        ("publish_at",  [false, false, true,  true], [false, false, true, true]),
        ("unpublish_at",[false, false, true,  true], [false, false, true, true]),
        ("submit",      [false, true,  true,  true], [false, false, true, true]),
        ("publish",     [false, false, true,  true], [false, false, true, true]),
    ];
    let mut n = 0;
    for (field, own, other) in matrix {
        for (i, me) in who.iter().enumerate() {
            for (mine, expected) in [(true, own[i]), (false, other[i])] {
                n += 1;
                let owner = if mine { me } else { &who[3] };
                let story = desk
                    .create(
                        owner,
                        doc(&format!("Draf {n}")),
                        StoryStatus::Draft,
                        Timing::default(),
                    )
                    .await
                    .unwrap();
                let mut change = Change {
                    doc: story.doc.clone(),
                    status: story.status,
                    timing: Timing::default(),
                };
                match *field {
                    "text" => change.doc.title = format!("Draf {n} diubah"),
                    "publish_at" => change.timing.publish_at = at,
                    "unpublish_at" => change.timing.unpublish_at = at,
                    "submit" => change.status = StoryStatus::Submitted,
                    "publish" => change.status = StoryStatus::Published,
                    _ => {}
                }
                let got = desk
                    .save(me, &story, story.revision, change, "story.save")
                    .await;
                assert_eq!(
                    got.is_ok(),
                    expected,
                    "{:?} changing {field} on {} draft: {got:?}",
                    roles[i].1,
                    if mine { "their own" } else { "another's" }
                );
                if let Err(e) = got {
                    assert!(matches!(e, warta::error::AppError::Forbidden), "{e:?}");
                }
            }
        }
    }
}
