//! Operations: backups that restore, and no acknowledged write lost when
//! the server is killed outright in the middle of a burst of writes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn warta(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_warta"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        c.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    c.wait_with_output().unwrap()
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn scalar_i64(db: &Path, sql: &'static str) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let v: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    v
}

#[tokio::test]
async fn a_backup_taken_live_restores_to_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    ok(&warta(&["demo", "--data", d], None));
    let backup = dir.path().join("cadangan.db");
    let out = ok(&warta(
        &["backup", "--data", d, "--to", backup.to_str().unwrap()],
        None,
    ));
    assert!(out.contains("backup written"));
    // A second backup to the same file is refused rather than overwriting it.
    assert!(
        !warta(
            &["backup", "--data", d, "--to", backup.to_str().unwrap()],
            None
        )
        .status
        .success()
    );
    let restored = dir.path().join("restored");
    let out = ok(&warta(
        &[
            "restore",
            "--data",
            restored.to_str().unwrap(),
            "--from",
            backup.to_str().unwrap(),
        ],
        None,
    ));
    assert!(out.contains("44 articles"), "{out}");
    // Restoring over a live store needs --force.
    let o = warta(
        &["restore", "--data", d, "--from", backup.to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    // A file that is not a backup is refused and replaces nothing.
    let junk = dir.path().join("bukan.db");
    std::fs::write(&junk, "bukan basis data").unwrap();
    let o = warta(
        &[
            "restore",
            "--data",
            restored.to_str().unwrap(),
            "--from",
            junk.to_str().unwrap(),
            "--force",
        ],
        None,
    );
    assert!(!o.status.success());
    assert_eq!(
        scalar_i64(&restored.join("warta.db"), "SELECT COUNT(*) FROM articles").await,
        44
    );
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(data: &str, config: &str, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_warta"))
        .args([
            "serve",
            "--data",
            data,
            "--config",
            config,
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while request(port, "GET", "/healthz", &[], "").is_none() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Server(child)
}

/// One HTTP/1.1 request over a fresh connection: status, headers, body.
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let (head, body) = out.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, head.to_string(), body.to_string()))
}

fn cookie_from(head: &str, name: &str) -> String {
    head.lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .find_map(|l| {
            let v = l.split_once(':')?.1.trim();
            let pair = v.split(';').next()?;
            pair.starts_with(&format!("{name}="))
                .then(|| pair.to_string())
        })
        .unwrap_or_else(|| panic!("no {name} cookie in:\n{head}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_of_writes_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    ok(&warta(&["demo", "--data", d], None));
    ok(&warta(
        &[
            "reader",
            "add",
            "--data",
            d,
            "--email",
            "penulis@contoh.id",
            "--password-stdin",
            "--verified",
        ],
        Some("rahasia-penulis\n"),
    ));
    let config = dir.path().join("warta.toml");
    std::fs::write(&config, "[comments]\nper_ten_minutes = 100000\n").unwrap();
    let port = free_port();
    let mut server = serve(d, config.to_str().unwrap(), port);

    let (_, head, _) = request(port, "GET", "/login", &[], "").unwrap();
    let csrf = cookie_from(&head, "warta_csrf");
    let token = csrf.split_once('=').unwrap().1.to_string();
    let form = format!("csrf={token}&email=penulis%40contoh.id&password=rahasia-penulis");
    let (status, head, _) = request(
        port,
        "POST",
        "/login",
        &[
            ("cookie", &csrf),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        &form,
    )
    .unwrap();
    assert_eq!(status, 303);
    let session = cookie_from(&head, "warta_session");
    let cookies = format!("{csrf}; {session}");
    let (_, _, list) = request(port, "GET", "/api/v1/articles?limit=1", &[], "").unwrap();
    let url: String =
        serde_json::from_str::<serde_json::Value>(&list).unwrap()["articles"][0]["url"]
            .as_str()
            .unwrap()
            .to_string();
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());

    // Write until killed; remember what the server acknowledged.
    let writer = std::thread::spawn(move || {
        let mut acked = Vec::new();
        for i in 0.. {
            let body = format!("csrf={token}&body=beruntun-{i}");
            match request(
                port,
                "POST",
                &format!("{path}/comments"),
                &[
                    ("cookie", &cookies),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
                &body,
            ) {
                Some((303, _, _)) => acked.push(i),
                Some((s, _, _)) => panic!("write {i} answered {s}"),
                None => break,
            }
        }
        acked
    });
    std::thread::sleep(Duration::from_millis(1500));
    server.0.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.0.wait().unwrap();
    let acked = writer.join().unwrap();
    assert!(
        acked.len() > 20,
        "the burst wrote something ({} writes)",
        acked.len()
    );

    let db = data.join("warta.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT body FROM comments WHERE body LIKE 'beruntun-%'")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    for i in &acked {
        assert!(
            stored.contains(&format!("beruntun-{i}")),
            "acknowledged write {i} lost ({} acked, {} stored)",
            acked.len(),
            stored.len()
        );
    }
    println!(
        "{} writes acknowledged before kill -9, {} stored",
        acked.len(),
        stored.len()
    );
    // And the site comes back on the same files.
    let _again = serve(d, config.to_str().unwrap(), free_port());
}

#[tokio::test]
async fn postgresql_backup_and_restore_through_pg_dump() {
    let admin = std::env::var("WARTA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let base = admin.rsplit_once('/').unwrap().0.to_string();
    let names = [
        format!("warta_ops_a_{}", std::process::id()),
        format!("warta_ops_b_{}", std::process::id()),
    ];
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    for n in &names {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {n} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {n}")))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    let (a, b) = (
        format!("{base}/{}", names[0]),
        format!("{base}/{}", names[1]),
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    ok(&warta(&["demo", "--data", d, "--database-url", &a], None));
    let dump = dir.path().join("warta.dump");
    ok(&warta(
        &[
            "backup",
            "--database-url",
            &a,
            "--data",
            d,
            "--to",
            dump.to_str().unwrap(),
        ],
        None,
    ));
    let out = ok(&warta(
        &[
            "restore",
            "--database-url",
            &b,
            "--data",
            d,
            "--from",
            dump.to_str().unwrap(),
        ],
        None,
    ));
    assert!(out.contains("44 articles"), "{out}");
    for n in &names {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {n} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
    }
}

/// SIGTERM lets a request that is in flight finish, refuses new
/// connections, and exits cleanly.
#[test]
fn sigterm_finishes_requests_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("warta.toml");
    std::fs::write(&config, "").unwrap();
    let port = free_port();
    let mut server = serve(data.to_str().unwrap(), config.to_str().unwrap(), port);

    // A sign-in request whose body is still on its way when the signal comes.
    let body = r#"{"email":"tidak@ada.id","password":"salah-sekali"}"#;
    let (first, rest) = body.split_at(10);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "POST /api/v1/members/session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    )
    .unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "still running while a request is in flight"
    );
    assert!(
        request(port, "GET", "/healthz", &[], "").is_none(),
        "no new requests once shutting down"
    );
    s.write_all(rest.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(
        out.starts_with("HTTP/1.1 401"),
        "the request in flight was answered: {out}"
    );
    assert!(
        out.contains("wrong e-mail or password"),
        "and answered in full: {out}"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(st) = server.0.try_wait().unwrap() {
            break st;
        }
        assert!(
            Instant::now() < deadline,
            "did not exit after the last request"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
}

/// The first minutes with `warta serve`: a data directory that cannot be
/// made is said once and exits 78 (a setting to fix), a theme directory
/// that does not exist likewise, WARTA_DEMO takes 1, and the serve command
/// says where the newsroom is and how to get in.
#[test]
fn serve_says_what_is_wrong_once_and_where_the_newsroom_is() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let data = file.join("data");
    let o = warta(&["serve", "--data", data.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(78));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("a-file").count(), 1, "{err}");
    assert!(err.contains("data directory"), "{err}");

    let config = dir.path().join("warta.toml");
    std::fs::write(&config, "theme_dir = \"/no/such/theme\"\n").unwrap();
    let o = warta(
        &[
            "serve",
            "--data",
            dir.path().join("d1").to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&o.stderr).contains("theme_dir"));

    let port = free_port();
    let data = dir.path().join("d2");
    let mut child = Command::new(env!("CARGO_BIN_EXE_warta"))
        .args(["serve", "--data", data.to_str().unwrap()])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("WARTA_DEMO", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut home = None;
    while home.is_none() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
        home = request(port, "GET", "/", &[], "");
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains(&format!("http://127.0.0.1:{port}/admin")),
        "{said}"
    );
    assert!(
        said.contains("warta reader add") && said.contains("--role admin"),
        "{said}"
    );
    // WARTA_DEMO=1 loaded the demo: the home page lists stories.
    let (status, _, body) = home.unwrap();
    assert_eq!(status, 200);
    assert!(body.matches("<article").count() > 3, "{body}");
}
