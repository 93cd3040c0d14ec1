//! The configuration's rules, and the README's sample.
use super::*;

#[test]
fn names_derive_from_the_site_name() {
    let c = Config {
        site_name: "Kabar Kita".into(),
        ..Config::default()
    };
    assert_eq!(c.membership_name(), "Kabar Kita+");
    assert_eq!(c.dateline_name(), "KABAR KITA");
}

#[test]
fn environment_overrides_the_file() {
    let mut c = Config::default();
    c.apply_env(|k| (k == "WARTA_SITE_NAME").then(|| "Lain".to_string()));
    assert_eq!(c.site_name, "Lain");
}

#[test]
fn bad_settings_are_named() {
    let mut c = Config {
        time_zone: "Nowhere/City".into(),
        ..Config::default()
    };
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("time_zone"), "{e}");
    let mut c = Config {
        locale: "fr".into(),
        ..Config::default()
    };
    assert!(c.validate().unwrap_err().to_string().contains("locale"));
}

#[test]
fn a_theme_directory_that_does_not_exist_is_refused() {
    let mut c = Config {
        theme_dir: Some("/no/such/theme".into()),
        ..Config::default()
    };
    let e = c.validate().unwrap_err().to_string();
    assert!(
        e.contains("theme_dir") && e.contains("/no/such/theme"),
        "{e}"
    );
}

#[test]
fn switches_in_the_environment_read_the_usual_words() {
    for (v, on) in [("1", true), ("true", true), ("ON", true), ("yes", true)]
        .into_iter()
        .chain([
            ("0", false),
            ("false", false),
            ("off", false),
            ("no", false),
        ])
    {
        let mut c = Config::default();
        c.apply_env(|k| (k == "WARTA_PAGE_CACHE").then(|| v.to_string()));
        assert_eq!(c.page_cache, on, "{v}");
    }
}

#[test]
fn smtp_secrets_are_not_printed() {
    let mut c = Config::default();
    c.mail.smtp_url = Some("smtps://user:hunter2@mail.example".into());
    assert!(!format!("{c:?}").contains("hunter2"));
}

#[test]
fn payment_secrets_come_from_the_environment_and_are_not_printed() {
    let c: Config = toml::from_str(
        "[payments.stripe]\nsecret_key_env = \"WARTA_TEST_NO_SUCH_VAR\"\nwebhook_secret = \"whsec_shh\"\n\
         [payments.midtrans]\nserver_key = \"SB-Mid-server-shh\"",
    )
    .unwrap();
    let stripe = c.payments.stripe.as_ref().unwrap();
    assert_eq!(stripe.secret_key(), "");
    assert_eq!(stripe.webhook_secret(), "whsec_shh");
    assert_eq!(stripe.api_base, "https://api.stripe.com");
    let printed = format!("{c:?}");
    assert!(!printed.contains("shh"), "{printed}");
}

#[test]
fn a_provider_without_its_secrets_is_refused() {
    let mut c: Config =
        toml::from_str("[payments.midtrans]\nserver_key_env = \"WARTA_TEST_NO_SUCH_VAR\"").unwrap();
    let e = c.validate().unwrap_err().to_string();
    assert!(
        e.contains("payments.midtrans") && e.contains("WARTA_TEST_NO_SUCH_VAR"),
        "{e}"
    );
    let mut c: Config = toml::from_str(
        "[payments.stripe]\nsecret_key = \"sk\"\nwebhook_secret_env = \"WARTA_TEST_NO_SUCH_VAR\"",
    )
    .unwrap();
    assert!(
        c.validate()
            .unwrap_err()
            .to_string()
            .contains("payments.stripe")
    );
}

/// The sample in the README is a file an operator copies: it must load.
#[test]
fn the_readme_sample_config_loads() {
    let readme = include_str!("../../README.md");
    let start = readme.find("```toml\nsite_name").expect("the sample") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let mut c: Config = toml::from_str(&readme[start..end]).unwrap_or_else(|e| panic!("{e}"));
    // The sample's theme lives on the operator's server, not here.
    assert!(c.theme_dir.is_some());
    c.theme_dir = Some(std::env::temp_dir());
    c.validate().unwrap();
    assert_eq!(c.site_name, "Kabar Nusantara");
    assert_eq!(c.ads.len(), 1);
    assert!(c.ads_txt.is_some() && c.page_cache_mb == 128);
    assert_eq!(c.server.max_connections, 4096);
    assert_eq!(c.plans[0].id, "monthly");
}

#[test]
fn unknown_keys_in_the_file_are_refused() {
    let e = toml::from_str::<Config>("site_nmae = \"x\"").unwrap_err();
    assert!(e.to_string().contains("site_nmae"));
}
