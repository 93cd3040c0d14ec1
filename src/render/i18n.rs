//! Interface strings per locale, from `locales/<locale>.toml` of the theme:
//! flat `key = "text"` tables. `{site}` and `{plus}` are replaced by the
//! site and membership names once, at load. Fluent would add plural rules
//! we do not need yet (Indonesian has no plural inflection).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{RenderError, Theme};

pub const LOCALES: &[&str] = &["id", "en"];

pub type Strings = Arc<BTreeMap<String, String>>;

pub struct Catalog {
    by_locale: BTreeMap<&'static str, Strings>,
}

impl Catalog {
    pub fn load(theme: &Theme, site: &str, plus: &str) -> Result<Catalog, RenderError> {
        let mut by_locale = BTreeMap::new();
        for &loc in LOCALES {
            let file = format!("locales/{loc}.toml");
            let bytes = theme.file(&file).ok_or_else(|| RenderError::Locale {
                file: file.clone(),
                message: "missing".into(),
            })?;
            let text = String::from_utf8_lossy(&bytes);
            let table: BTreeMap<String, String> =
                toml::from_str(&text).map_err(|e| RenderError::Locale {
                    file: file.clone(),
                    message: e.to_string(),
                })?;
            let table = table
                .into_iter()
                .map(|(k, v)| (k, v.replace("{site}", site).replace("{plus}", plus)))
                .collect();
            by_locale.insert(loc, Arc::new(table));
        }
        Ok(Catalog { by_locale })
    }

    /// Strings of `locale`, falling back to Indonesian for an unknown one.
    pub fn strings(&self, locale: &str) -> Strings {
        self.by_locale
            .get(locale)
            .or_else(|| self.by_locale.get("id"))
            .cloned()
            .expect("the id locale always loads")
    }

    pub fn get(&self, locale: &str, key: &str) -> String {
        self.strings(locale)
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
}

/// The locale a reader asked for, if we have it.
pub fn supported(tag: &str) -> Option<&'static str> {
    let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
    LOCALES.iter().copied().find(|l| *l == primary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locales_define_the_same_keys() {
        let c = Catalog::load(&Theme::default(), "Situs", "Situs+").unwrap();
        let id: Vec<_> = c.strings("id").keys().cloned().collect();
        let en: Vec<_> = c.strings("en").keys().cloned().collect();
        assert_eq!(id, en);
        assert!(id.len() > 30);
    }

    #[test]
    fn site_and_membership_names_are_filled_in() {
        let c = Catalog::load(&Theme::default(), "Kabar", "Kabar Plus").unwrap();
        assert_eq!(
            c.get("id", "membership_cta"),
            "Baca berita tanpa iklan. Gabung Kabar Plus"
        );
        assert!(!c.get("en", "membership_cta").contains("{plus}"));
    }

    #[test]
    fn locale_tags() {
        assert_eq!(supported("en-US"), Some("en"));
        assert_eq!(supported("id"), Some("id"));
        assert_eq!(supported("fr"), None);
    }
}
