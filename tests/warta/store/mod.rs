//! The store suite, run against both backends in every run: embedded
//! SQLite and the PostgreSQL server (each test in a fresh database).

use std::sync::Arc;

use crate::common::{NOW, PgDatabase};
use warta::domain::membership::{RedeemCode, RedeemError, Source};
use warta::domain::{Block, Role};
use warta::store::readers::{CommentStatus, NewReaderComment, TokenPurpose};
use warta::store::sqlite::SqliteStore;
use warta::store::{ArticleQuery, Backend, ContentBundle, NewArticle, StoreError};

async fn backends() -> Vec<(&'static str, Arc<dyn Backend>, Option<PgDatabase>)> {
    let sqlite: Arc<dyn Backend> = Arc::new(SqliteStore::in_memory().await.unwrap());
    let db = PgDatabase::create().await;
    let pg: Arc<dyn Backend> = Arc::new(
        warta::store::postgres::PgStore::connect(&db.url)
            .await
            .unwrap(),
    );
    let mut out = vec![("sqlite", sqlite, None), ("postgres", pg, Some(db))];
    for (_, s, _) in &mut out {
        let applied = s.migrate().await.unwrap();
        // Every migration in the folder, in order.
        let n = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap()
            .count() as i64;
        assert_eq!(applied, (1..=n).collect::<Vec<i64>>());
        assert!(s.migrate().await.unwrap().is_empty(), "migrations run once");
    }
    out
}

fn article(slug: &str, headline: &str, at: i64) -> NewArticle {
    NewArticle::new(slug, headline, ("nasional", "Nasional"), at)
        .summary("Ringkasan")
        .credit("rina", "Rina", Role::Writer)
        .credit("budi", "Budi", Role::Editor)
        .source("Antara")
        .dateline("JAKARTA")
        .paragraph("Isi")
        .block(Block::PageBreak)
        .paragraph("Lanjut")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_round_trips_and_lists_newest_first() {
    for (name, st, _db) in backends().await {
        st.insert_article(&article("satu", "Berita Satu", NOW - 300))
            .await
            .unwrap();
        st.insert_article(&article("dua", "Berita Dua", NOW - 200))
            .await
            .unwrap();
        st.insert_article(&article("nanti", "Berita Nanti", NOW + 3600))
            .await
            .unwrap();
        let a = st.article("satu", NOW).await.unwrap().unwrap();
        assert_eq!(a.headline, "Berita Satu", "{name}");
        assert_eq!(a.credits.len(), 2, "{name}");
        assert_eq!(a.credits[0].role, Role::Writer, "{name}");
        assert_eq!(a.sources, vec!["Antara".to_string()], "{name}");
        assert_eq!(a.body.len(), 3, "{name}");
        assert!(
            st.article("nanti", NOW).await.unwrap().is_none(),
            "{name}: embargoed"
        );
        let l = st
            .articles(&ArticleQuery {
                limit: 10,
                now: NOW,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(l.total, 2, "{name}");
        assert_eq!(l.items[0].slug, "dua", "{name}");
        let by = st
            .articles(&ArticleQuery {
                contributor: Some("budi".into()),
                limit: 10,
                now: NOW,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(by.total, 2, "{name}");
        assert_eq!(
            st.find_by_headline("Berita Dua", NOW)
                .await
                .unwrap()
                .unwrap()
                .slug,
            "dua",
            "{name}"
        );
        assert!(
            matches!(
                st.insert_article(&article("satu", "Lagi", NOW)).await,
                Err(StoreError::Conflict(_))
            ),
            "{name}"
        );
        assert_eq!(
            st.article_path_by_id(a.id).await.unwrap().as_deref(),
            Some("/nasional/satu"),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_bundle_leaves_the_store_as_it_was() {
    for (name, st, _db) in backends().await {
        let bundle = ContentBundle {
            articles: vec![article("a", "A", NOW), article("a", "A lagi", NOW)],
            ..Default::default()
        };
        assert!(st.load_bundle(&bundle).await.is_err(), "{name}");
        let c = st.counts().await.unwrap();
        assert_eq!(
            (c.articles, c.sections, c.contributors),
            (0, 0, 0),
            "{name}: rolled back"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_sessions_and_single_use_links() {
    for (name, st, _db) in backends().await {
        let id = st
            .create_reader("a@contoh.id", "hash", "A", None, NOW)
            .await
            .unwrap();
        assert!(
            matches!(
                st.create_reader("a@contoh.id", "h", "", None, NOW).await,
                Err(StoreError::Conflict(_))
            ),
            "{name}"
        );
        st.create_session("s1", id, NOW, NOW + 60, "ua")
            .await
            .unwrap();
        st.create_session("s2", id, NOW, NOW + 60, "ua")
            .await
            .unwrap();
        assert_eq!(
            st.session_account("s1", NOW).await.unwrap().unwrap().id,
            id,
            "{name}"
        );
        assert!(
            st.session_account("s1", NOW + 61).await.unwrap().is_none(),
            "{name}: expired"
        );
        assert_eq!(
            st.delete_reader_sessions(id, Some("s1")).await.unwrap(),
            1,
            "{name}"
        );
        assert!(
            st.session_account("s2", NOW).await.unwrap().is_none(),
            "{name}"
        );
        st.create_email_token("t", id, TokenPurpose::Verify, None, NOW, NOW + 60)
            .await
            .unwrap();
        assert!(
            st.use_email_token("t", TokenPurpose::Reset, NOW)
                .await
                .unwrap()
                .is_none(),
            "{name}: wrong purpose"
        );
        assert_eq!(
            st.use_email_token("t", TokenPurpose::Verify, NOW)
                .await
                .unwrap(),
            Some((id, None)),
            "{name}"
        );
        assert!(
            st.use_email_token("t", TokenPurpose::Verify, NOW)
                .await
                .unwrap()
                .is_none(),
            "{name}: once"
        );
        st.mark_verified(id, NOW).await.unwrap();
        assert!(st.reader(id).await.unwrap().unwrap().verified, "{name}");
        st.delete_reader(id, NOW).await.unwrap();
        assert!(
            st.reader_by_email("a@contoh.id").await.unwrap().is_none(),
            "{name}: personal data gone"
        );
        assert!(
            st.session_account("s1", NOW).await.unwrap().is_none(),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_use_code_is_redeemed_once_under_concurrency() {
    for (name, st, _db) in backends().await {
        st.create_redeem_code(
            &RedeemCode {
                code: "SEKALI".into(),
                plan_id: "pass30".into(),
                days: 30,
                max_uses: 1,
                uses: 0,
                expires_at: NOW + 60,
            },
            "test",
            NOW,
        )
        .await
        .unwrap();
        let mut ids = Vec::new();
        for i in 0..6 {
            ids.push(
                st.create_reader(&format!("r{i}@contoh.id"), "h", "", Some(NOW), NOW)
                    .await
                    .unwrap(),
            );
        }
        let tasks: Vec<_> = ids
            .iter()
            .map(|id| {
                let st = st.clone();
                let id = *id;
                tokio::spawn(async move { st.redeem("SEKALI", id, NOW).await })
            })
            .collect();
        let mut won = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(Ok(_)) => won += 1,
                Ok(Err(RedeemError::UsedUp)) => {}
                // SQLite may refuse a writer outright while another holds the lock.
                Err(StoreError::Db(_)) if name == "sqlite" => {}
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(won, 1, "{name}");
        let total: usize = {
            let mut n = 0;
            for id in &ids {
                n += st.memberships(*id).await.unwrap().len();
            }
            n
        };
        assert_eq!(total, 1, "{name}: exactly one membership");
        let m = warta::services::memberships::start(
            st.as_ref(),
            ids[1],
            "monthly",
            Source::Grant,
            10,
            "t",
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(m.ends_at - m.starts_at, 10 * 86_400, "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_reports_and_ad_counts() {
    for (name, st, _db) in backends().await {
        let aid = st
            .insert_article(&article("a", "A", NOW - 10))
            .await
            .unwrap();
        let rid = st
            .create_reader("k@contoh.id", "h", "K", Some(NOW), NOW)
            .await
            .unwrap();
        let c = st
            .add_comment(&NewReaderComment {
                article_id: aid,
                parent_id: None,
                reader_id: rid,
                author: "K".into(),
                body: "Halo".into(),
                status: CommentStatus::Visible,
                created_at: NOW,
            })
            .await
            .unwrap();
        assert_eq!(st.comments(aid).await.unwrap().len(), 1, "{name}");
        assert!(
            st.report_comment(c, rid, "alasan", NOW).await.unwrap(),
            "{name}"
        );
        assert!(
            !st.report_comment(c, rid, "lagi", NOW).await.unwrap(),
            "{name}: once per reader"
        );
        assert_eq!(
            st.moderation_queue(10).await.unwrap()[0].reports,
            1,
            "{name}"
        );
        st.set_comment_status(c, CommentStatus::Hidden)
            .await
            .unwrap();
        assert!(st.comments(aid).await.unwrap().is_empty(), "{name}");
        st.count_ad("top", "2026-11-27", false).await.unwrap();
        st.count_ad("top", "2026-11-27", false).await.unwrap();
        st.count_ad("top", "2026-11-27", true).await.unwrap();
        assert_eq!(
            st.ad_stats(7).await.unwrap(),
            vec![("top".into(), "2026-11-27".into(), 2, 1)],
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_count_per_key_in_a_sliding_window() {
    for (name, st, _db) in backends().await {
        let k = |s: &str| vec![s.to_string()];
        for i in 0..3 {
            assert!(
                st.rate_hit(&k("ip:1"), 3, 60, NOW + i).await.unwrap(),
                "{name} {i}"
            );
        }
        assert!(
            !st.rate_hit(&k("ip:1"), 3, 60, NOW + 10).await.unwrap(),
            "{name}: fourth refused"
        );
        assert!(
            st.rate_hit(&k("ip:2"), 3, 60, NOW + 10).await.unwrap(),
            "{name}: another key"
        );
        // A refused attempt is not recorded under any of its keys.
        assert!(
            !st.rate_hit(&["ip:1".into(), "email:x".into()], 3, 60, NOW + 11)
                .await
                .unwrap(),
            "{name}"
        );
        assert!(
            st.rate_hit(&k("email:x"), 1, 60, NOW + 12).await.unwrap(),
            "{name}: email:x was not charged"
        );
        // The window slides.
        assert!(
            st.rate_hit(&k("ip:1"), 3, 60, NOW + 61).await.unwrap(),
            "{name}: after the window"
        );
        st.rate_reset("ip:2").await.unwrap();
    }
}

#[tokio::test]
async fn newsroom_stories_revisions_tokens_and_previews() {
    use warta::domain::newsroom::{StaffRole, StoryStatus};
    use warta::domain::story::StoryDoc;
    use warta::store::newsroom::{Actor, Live, StoryWrite};
    for (name, st, _db) in backends().await {
        let actor = Actor {
            reader_id: None,
            label: "test".into(),
        };
        let doc = StoryDoc {
            slug: "kisah".into(),
            title: "Kisah Satu".into(),
            section: warta::domain::story::SectionRef {
                slug: "nasional".into(),
                name: None,
            },
            ..Default::default()
        };
        let w = |doc: &'static StoryDoc, status, from| StoryWrite {
            doc,
            status,
            publish_at: None,
            unpublish_at: None,
            actor: Box::leak(Box::new(actor.clone())),
            action: "story.save",
            detail: String::new(),
            new_revision: true,
            from,
            adopting: false,
        };
        let doc: &'static StoryDoc = Box::leak(Box::new(doc));
        let s = st
            .create_story(&w(doc, StoryStatus::Draft, None), Live::Keep, NOW)
            .await
            .unwrap();
        assert_eq!((s.revision, s.status), (1, StoryStatus::Draft), "{name}");
        assert!(
            matches!(
                st.create_story(&w(doc, StoryStatus::Draft, None), Live::Keep, NOW)
                    .await,
                Err(StoreError::Conflict(_))
            ),
            "{name}: one story per slug"
        );
        let mut changed = doc.clone();
        changed.title = "Kisah Dua".into();
        let changed: &'static StoryDoc = Box::leak(Box::new(changed));
        let s2 = st
            .update_story(
                s.id,
                1,
                &w(changed, StoryStatus::Draft, Some(StoryStatus::Draft)),
                Live::Keep,
                NOW + 1,
            )
            .await
            .unwrap();
        assert_eq!(s2.revision, 2, "{name}");
        // A save from revision 1 is stale and writes nothing.
        let stale = st
            .update_story(
                s.id,
                1,
                &w(doc, StoryStatus::Draft, Some(StoryStatus::Draft)),
                Live::Keep,
                NOW + 2,
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Stale { current: 2 })),
            "{name}: {stale:?}"
        );
        assert_eq!(
            st.story(s.id).await.unwrap().unwrap().doc.title,
            "Kisah Dua",
            "{name}"
        );
        // A move decided from an old status is refused the same way.
        let mut mv = w(changed, StoryStatus::Submitted, Some(StoryStatus::Draft));
        mv.new_revision = false;
        st.update_story(s.id, 2, &mv, Live::Keep, NOW + 3)
            .await
            .unwrap();
        assert!(
            matches!(
                st.update_story(s.id, 2, &mv, Live::Keep, NOW + 4).await,
                Err(StoreError::Stale { .. })
            ),
            "{name}: moved once"
        );
        let revs = st.revisions(s.id).await.unwrap();
        assert_eq!(
            revs.iter().map(|r| r.revision).collect::<Vec<_>>(),
            [2, 1],
            "{name}"
        );
        assert_eq!(
            st.revision(s.id, 1).await.unwrap().unwrap().1.title,
            "Kisah Satu",
            "{name}"
        );
        let log = st
            .audit_log(&warta::store::newsroom::AuditFilter {
                target: Some("story:kisah".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            log.len(),
            3,
            "{name}: every write audited, refused ones not"
        );

        // Tokens: found while live, refused once revoked.
        st.create_api_token("cms", "hash-1", &["articles:write".into()], NOW)
            .await
            .unwrap();
        assert!(
            st.api_token("hash-1", NOW).await.unwrap().is_some(),
            "{name}"
        );
        assert_eq!(st.revoke_api_token("cms", NOW).await.unwrap(), 1, "{name}");
        assert!(
            st.api_token("hash-1", NOW).await.unwrap().is_none(),
            "{name}"
        );

        // Preview links expire and are revoked.
        st.create_preview_link("p1", s.id, "test", NOW, NOW + 100)
            .await
            .unwrap();
        assert!(
            st.preview_story("p1", NOW + 99).await.unwrap().is_some(),
            "{name}"
        );
        assert!(
            st.preview_story("p1", NOW + 100).await.unwrap().is_none(),
            "{name}"
        );
        assert_eq!(
            st.revoke_preview_links(s.id, NOW).await.unwrap(),
            1,
            "{name}"
        );
        assert!(
            st.preview_story("p1", NOW).await.unwrap().is_none(),
            "{name}"
        );

        // Staff roles and presence.
        let a = st
            .create_reader("a@x.id", "h", "Ana", Some(NOW), NOW)
            .await
            .unwrap();
        let b = st
            .create_reader("b@x.id", "h", "Budi", Some(NOW), NOW)
            .await
            .unwrap();
        st.set_staff_role(
            a,
            Some((StaffRole::Editor, &["nasional".to_string()])),
            &actor,
            NOW,
        )
        .await
        .unwrap();
        assert_eq!(
            st.staff_role(a).await.unwrap(),
            Some((StaffRole::Editor, vec!["nasional".to_string()])),
            "{name}"
        );
        assert!(st.reader(a).await.unwrap().unwrap().staff, "{name}");
        st.set_staff_role(a, None, &actor, NOW).await.unwrap();
        assert!(!st.reader(a).await.unwrap().unwrap().staff, "{name}");
        assert!(
            st.touch_presence(s.id, a, "Ana", NOW)
                .await
                .unwrap()
                .is_empty(),
            "{name}"
        );
        assert_eq!(
            st.touch_presence(s.id, b, "Budi", NOW + 10).await.unwrap(),
            ["Ana"],
            "{name}"
        );
        assert!(
            st.touch_presence(s.id, b, "Budi", NOW + 120)
                .await
                .unwrap()
                .is_empty(),
            "{name}: gone after a minute"
        );
    }
}

mod payments_and_events;
