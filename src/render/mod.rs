//! Templates, locale strings and static assets of the theme. Each file is
//! looked up first in the site's theme directory, then in the built-in
//! theme, so a site restyles without recompiling.

pub mod assets;
pub mod i18n;
pub mod share_card;
pub mod theme;

use minijinja::{Environment, Value};

use crate::domain::time::SiteZone;
pub use assets::Assets;
pub use i18n::Catalog;
pub use theme::Theme;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {source}")]
    Template {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("locale file {file}: {message}")]
    Locale { file: String, message: String },
}

/// Everything needed to turn view models into HTML.
pub struct Views {
    env: Environment<'static>,
    pub catalog: Catalog,
    pub assets: Assets,
}

impl Views {
    pub fn new(
        theme: Theme,
        zone: SiteZone,
        site_name: &str,
        plus: &str,
    ) -> Result<Views, RenderError> {
        let catalog = Catalog::load(&theme, site_name, plus)?;
        let assets = Assets::load(&theme);
        let mut env = Environment::new();
        // minijinja also escapes "/", which turns every URL in an attribute
        // into "&#x2f;" soup; quotes, <, > and & are what HTML needs.
        env.set_formatter(|out, state, value| {
            if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
                && !value.is_safe()
                && let Some(s) = value.as_str()
            {
                out.write_str(&escape_html(s)).map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
                })
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        let loader_theme = theme.clone();
        env.set_loader(move |name| {
            Ok(loader_theme
                .file(&format!("templates/{name}"))
                .map(|b| String::from_utf8_lossy(&b).into_owned()))
        });
        let z = zone.clone();
        env.add_filter("kicker_time", move |ts: i64| z.kicker(ts));
        let z = zone.clone();
        env.add_filter("iso_time", move |ts: i64| z.iso_with_offset(ts));
        let z = zone;
        env.add_filter("long_date", move |ts: i64, locale: String| {
            z.long_date(ts, &locale)
        });
        env.add_filter("rupiah", |n: u64| format_rupiah(n));
        // `srcset` of an uploaded image: srcset(src, widths, "jpg").
        env.add_function("srcset", |src: String, widths: Vec<u32>, ext: String| {
            crate::media::srcset(&src, &widths, &ext)
        });
        let urls = assets.urls();
        env.add_function("asset", move |name: String| -> Value {
            Value::from(
                urls.get(&name)
                    .cloned()
                    .unwrap_or_else(|| format!("/static/{name}")),
            )
        });
        Ok(Views {
            env,
            catalog,
            assets,
        })
    }

    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, RenderError> {
        let err = |source| RenderError::Template {
            name: name.to_string(),
            source,
        };
        self.env
            .get_template(name)
            .map_err(err)?
            .render(ctx)
            .map_err(err)
    }

    /// Check that every page template parses, so a broken override fails at
    /// start rather than on a reader's request.
    pub fn check(&self) -> Result<(), RenderError> {
        for name in theme::PAGE_TEMPLATES {
            self.env
                .get_template(name)
                .map_err(|source| RenderError::Template {
                    name: name.to_string(),
                    source,
                })?;
        }
        Ok(())
    }
}

/// `minijinja::context!` for view models: every value goes through serde.
#[macro_export]
macro_rules! view {
    ($($key:ident $(=> $value:expr)?),* $(,)?) => {
        minijinja::context! { $($key => minijinja::value::Serde($crate::view!(@v $key $(=> $value)?))),* }
    };
    (@v $key:ident) => { $key };
    (@v $key:ident => $value:expr) => { $value };
}

/// Escape text for HTML element content and quoted attribute values.
/// Hidden characters (bidirectional controls, private use: see
/// `domain::text`) are dropped on the way, so no text reaches a page with them.
pub fn escape_html(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) && !s.chars().any(crate::domain::text::is_hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            c if crate::domain::text::is_hidden(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// "Rp30.000": Indonesian thousands separator.
pub fn format_rupiah(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    format!("Rp{out}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_escaping_covers_markup_and_quotes() {
        assert_eq!(
            super::escape_html("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(super::escape_html("/nasional/a-b"), "/nasional/a-b");
        assert_eq!(super::escape_html("a\u{202E}b\u{E000}c <"), "abc &lt;");
    }

    #[test]
    fn rupiah_uses_dots() {
        assert_eq!(super::format_rupiah(30_000), "Rp30.000");
        assert_eq!(super::format_rupiah(1_250_000), "Rp1.250.000");
        assert_eq!(super::format_rupiah(500), "Rp500");
    }
}
