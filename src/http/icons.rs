//! The site's icon and web app manifest, made from its settings: a newsroom
//! gets a favicon and a home-screen entry without drawing one.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// The brand colour of the default theme (its `--brand`).
const BRAND: &str = "#0b4f8a";

/// The first letter or digit of the site's name, upper case.
fn initial(site_name: &str) -> String {
    site_name
        .chars()
        .find(|c| c.is_alphanumeric())
        .map_or_else(|| "W".to_string(), |c| c.to_uppercase().collect())
}

pub fn favicon_svg(site_name: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">\
<rect width=\"64\" height=\"64\" rx=\"12\" fill=\"{BRAND}\"/>\
<text x=\"32\" y=\"46\" text-anchor=\"middle\" font-family=\"Georgia,'Times New Roman',serif\" \
font-size=\"42\" font-weight=\"700\" fill=\"#fff\">{}</text></svg>",
        crate::render::escape_html(&initial(site_name))
    )
}

pub async fn favicon(State(app): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        favicon_svg(&app.cfg.site_name),
    )
        .into_response()
}

/// Browsers that ask for /favicon.ico get the SVG's address.
pub async fn favicon_ico() -> Response {
    axum::response::Redirect::permanent("/favicon.svg").into_response()
}

pub async fn manifest(State(app): State<AppState>) -> Response {
    let m = serde_json::json!({
        "name": app.cfg.site_name,
        "short_name": app.cfg.site_name,
        "lang": app.cfg.locale,
        "start_url": "/",
        "scope": "/",
        "display": "minimal-ui",
        "background_color": "#ffffff",
        "theme_color": BRAND,
        "icons": [{"src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        m.to_string(),
    )
        .into_response()
}

/// The default share picture (1200×630 PNG): the site's name and tagline,
/// for stories without a picture and for the front page. Drawn once (on a
/// blocking thread: rasterizing takes a few milliseconds).
pub async fn share_image(State(app): State<AppState>) -> Response {
    let bytes = match app.share_image.get() {
        Some(b) => b.clone(),
        None => {
            let name = app.cfg.site_name.clone();
            let tagline = app.views.catalog.get(&app.cfg.locale, "footer_tagline");
            match tokio::task::spawn_blocking(move || {
                crate::render::share_card::png(&name, &tagline)
            })
            .await
            {
                Ok(drawn) => app.share_image.get_or_init(|| drawn).clone(),
                // Not kept: the next request draws it again.
                Err(_) => return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
    };
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_carries_the_sites_initial_escaped() {
        assert!(favicon_svg("kabar kita").contains(">K</text>"));
        assert!(favicon_svg("<>&").contains(">W</text>"));
        assert!(favicon_svg("9 Berita").contains(">9</text>"));
    }
}
