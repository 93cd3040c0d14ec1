//! E-mail through a real SMTP server process (aiosmtpd, started here),
//! read back from the mailbox it writes, as a reader's inbox would.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Client, decode_qp, demo_site_with, link_in};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_smtp(maildir: &std::path::Path) -> (Server, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.0.try_wait() {
            let mut err = String::new();
            use std::io::Read;
            server
                .0
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .ok();
            panic!(
                "aiosmtpd exited ({status}): {err}\ninstall it with `pip install aiosmtpd` (the README's test command does)"
            );
        }
        assert!(Instant::now() < deadline, "SMTP server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

fn inbox(maildir: &std::path::Path) -> Vec<String> {
    let new = maildir.join("new");
    let mut out: Vec<String> = std::fs::read_dir(&new)
        .map(|rd| {
            rd.flatten()
                .map(|e| decode_qp(&std::fs::read_to_string(e.path()).unwrap()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_mail_arrives_over_smtp_and_its_link_verifies() {
    let box_dir = tempfile::tempdir().unwrap();
    let maildir = box_dir.path().join("Maildir");
    let (_server, port) = start_smtp(&maildir);
    let mut cfg = warta::config::Config::default();
    cfg.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    cfg.mail.from = "Redaksi Warta <redaksi@warta.test>".into();
    let site = demo_site_with(cfg).await;
    let mut c = Client::new(&site);
    let p = c
        .post(
            "/register",
            &[("email", "kotak@contoh.id"), ("password", "rahasia-kotak")],
        )
        .await;
    assert_eq!(p.status, 303);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mail = loop {
        if let Some(m) = inbox(&maildir).into_iter().next() {
            break m;
        }
        assert!(Instant::now() < deadline, "no mail arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(mail.contains("kotak@contoh.id"));
    assert!(mail.contains("redaksi@warta.test"));
    assert!(mail.contains("Subject: Verifikasi alamat e-mail Anda di Warta"));
    // The link is built from the configured base URL, not the request.
    let link = link_in(&mail);
    assert!(
        !site.dir.path().join("mail").exists(),
        "nothing went to the development folder"
    );
    c.get(&link).await;
    assert!(!c.signed_in(), "a mailed link signs nobody in");
    c.post(
        "/login",
        &[("email", "kotak@contoh.id"), ("password", "rahasia-kotak")],
    )
    .await;
    assert!(c.signed_in());
    assert!(
        c.get("/account")
            .await
            .body
            .contains("Alamat e-mail sudah diverifikasi")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_ignore_a_forged_host_header() {
    let box_dir = tempfile::tempdir().unwrap();
    let maildir = box_dir.path().join("Maildir");
    let (_server, port) = start_smtp(&maildir);
    let mut cfg = warta::config::Config::default();
    cfg.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    cfg.base_url = "https://berita.contoh.id".into();
    let site = demo_site_with(cfg).await;
    crate::common::add_reader(&site, "korban@contoh.id", "rahasia-korban", true).await;
    let mut c = Client::new(&site);
    c.get("/login").await;
    // An https site names its cookies `__Host-…`.
    let csrf = c.csrf();
    assert!(!csrf.is_empty());
    let body = format!("csrf={csrf}&email=korban%40contoh.id");
    c.send(
        "POST",
        "/forgot",
        Some(("application/x-www-form-urlencoded", body)),
        &[("host", "penyerang.example")],
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mail = loop {
        if let Some(m) = inbox(&maildir).into_iter().next() {
            break m;
        }
        assert!(Instant::now() < deadline, "no mail arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(mail.contains("https://berita.contoh.id/reset?token="));
    assert!(!mail.contains("penyerang"));
}
