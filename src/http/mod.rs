//! The web server: routes, shared state and the layers every response
//! passes through.

pub mod accounts;
pub mod admin_api;
pub mod api;
pub mod article_page;
pub mod auth;
pub mod backoffice;
pub mod cache;
pub mod comments;
pub mod errors;
pub mod feeds;
pub mod icons;
pub mod members_api;
pub mod payments;
pub mod reader_cache;
pub mod search;
pub mod site;
pub mod sitemaps;
pub mod story_form;
pub mod two_factor;
pub mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::config::Config;

pub use crate::core::Clock;

/// The web layer's state: the core, plus what only the web needs.
pub struct App {
    pub core: crate::core::Core,
    pub cache: cache::PageCache,
    /// Who session cookies belong to, remembered briefly.
    pub reader_cache: reader_cache::ReaderCache,
    /// The Content-Security-Policy, built once from the settings.
    pub csp: HeaderValue,
    /// Searches per client on this node.
    pub search_limiter: search::SearchLimiter,
    /// The default share picture, drawn on first request.
    pub share_image: std::sync::OnceLock<Vec<u8>>,
}

impl std::ops::Deref for App {
    type Target = crate::core::Core;

    fn deref(&self) -> &crate::core::Core {
        &self.core
    }
}

/// Only our own scripts run; ad networks configured by the admin may add
/// their script hosts.
pub fn content_security_policy(cfg: &Config) -> HeaderValue {
    policy_with_styles(cfg, &[])
}

/// The site's policy, with inline stylesheets allowed only by these hash
/// sources (the back office's block editor needs a few).
pub fn policy_with_styles(cfg: &Config, style_hashes: &[&str]) -> HeaderValue {
    let extra = cfg.ad_script_sources.join(" ");
    let styles: String = style_hashes.iter().map(|h| format!(" {h}")).collect();
    let csp = format!(
        "default-src 'self'; img-src 'self' data: https:; media-src 'self' https:; \
         script-src 'self' {extra}; style-src 'self'{styles}; frame-src https:; frame-ancestors 'self'; \
         base-uri 'self'; form-action 'self'{}",
        payment_origins(cfg)
    );
    HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static("default-src 'self'"))
}

/// The join button posts to us and we redirect to the provider's checkout;
/// browsers hold that redirect to `form-action`, so the providers'
/// checkout origins are allowed there too.
fn payment_origins(cfg: &Config) -> String {
    let origin = |url: &str| -> Option<String> {
        let u = crate::domain::web_address::parse_http(url).ok()?;
        Some(format!(" {}", u.origin().ascii_serialization()))
    };
    let mut origins: Vec<String> = Vec::new();
    if let Some(s) = &cfg.payments.stripe {
        // Checkout, and the customer portal ("Manage card").
        origins.push(" https://checkout.stripe.com https://billing.stripe.com".into());
        origins.extend(origin(&s.api_base));
    }
    if let Some(m) = &cfg.payments.midtrans {
        origins.extend(origin(&m.snap_base));
    }
    origins.dedup();
    origins.concat()
}

pub type AppState = Arc<App>;

pub fn router(app: AppState) -> Router {
    let site = Router::new()
        .route("/", get(site::home))
        .route("/plus", get(site::plans))
        .route("/video", get(site::videos))
        .route("/video/{slug}", get(site::video))
        .route("/author/{slug}", get(site::author))
        .route(
            "/register",
            get(accounts::register_page).post(accounts::register),
        )
        .route("/verify", get(accounts::verify))
        .route("/login", get(accounts::login_page).post(accounts::login))
        .route(
            "/login/2fa",
            get(two_factor::code_page).post(two_factor::code_submit),
        )
        .route(
            "/admin/security",
            get(two_factor::security_page).post(two_factor::security_submit),
        )
        .route("/logout", post(accounts::logout))
        .route("/forgot", get(accounts::forgot_page).post(accounts::forgot))
        .route("/reset", get(accounts::reset_page).post(accounts::reset))
        .route("/account", get(accounts::account_page))
        .route("/account/logout-all", post(accounts::logout_all))
        .route(
            "/account/sessions/revoke",
            post(accounts::revoke_other_sessions),
        )
        .route("/account/verify", post(accounts::resend_verification))
        .route("/account/password", post(accounts::change_password))
        .route("/account/email", post(accounts::change_email))
        .route("/account/email/confirm", get(accounts::confirm_email))
        .route("/account/delete", post(accounts::delete_account))
        .route("/plus/redeem", post(accounts::redeem))
        .route("/plus/checkout", post(payments::checkout))
        .route("/plus/return", get(payments::return_page))
        .route("/account/payments/{id}/portal", post(payments::portal))
        .route("/account/payments/{id}/{action}", post(payments::renewal))
        .route("/admin/payments", get(payments::admin_list))
        .route("/admin/payments/{id}/refund", post(payments::admin_refund))
        .route("/admin/payments/grant", post(payments::admin_grant))
        .route("/comments/{id}/edit", post(comments::edit))
        .route("/comments/{id}/delete", post(comments::delete))
        .route("/comments/{id}/report", post(comments::report))
        .route("/moderation", get(comments::queue))
        .route("/moderation/{id}", post(comments::moderate))
        .route("/admin", get(backoffice::dashboard))
        .route("/admin/stories/new", get(backoffice::new_story))
        .route("/admin/stories", post(backoffice::create_story))
        .route(
            "/admin/stories/{id}",
            get(backoffice::edit_story).post(backoffice::save_story),
        )
        .route("/admin/stories/{id}/presence", post(backoffice::presence))
        .route("/admin/stories/{id}/revisions", get(backoffice::revisions))
        .route("/admin/stories/{id}/restore", post(backoffice::restore))
        .route("/admin/stories/{id}/corrections", post(backoffice::correct))
        .route(
            "/admin/stories/{id}/preview",
            post(backoffice::preview_link),
        )
        .route("/admin/search-articles", get(backoffice::search_articles))
        .route("/admin/articles/{slug}", get(backoffice::open_article))
        .route("/admin/audit", get(backoffice::audit))
        .route(
            "/admin/taxonomy",
            get(backoffice::taxonomy_page).post(backoffice::taxonomy_save),
        )
        .route(
            "/admin/front",
            get(backoffice::front_page).post(backoffice::front_page_save),
        )
        .route(
            "/admin/pages",
            get(backoffice::pages_page).post(backoffice::pages_save),
        )
        .route("/admin/pages/{slug}/delete", post(backoffice::pages_delete))
        .route(
            "/admin/media",
            get(backoffice::media_library)
                .post(backoffice::media_upload)
                .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
        .route(
            "/admin/staff",
            get(backoffice::staff_page).post(backoffice::set_staff),
        )
        .route("/preview/{token}", get(backoffice::preview))
        .route("/ads.txt", get(site::ads_txt))
        .route("/cari", get(search::page_handler))
        .route("/robots.txt", get(sitemaps::robots))
        .route("/sitemap.xml", get(sitemaps::index))
        .route("/sitemaps/{file}", get(sitemaps::file))
        .route("/indexnow.txt", get(sitemaps::indexnow_key))
        .route("/feed.xml", get(feeds::site_rss))
        .route("/feed.atom", get(feeds::site_atom))
        .route("/feed.json", get(feeds::site_json))
        .route("/author/{slug}/{file}", get(feeds::author))
        .route("/{section}/feed.xml", get(feeds::section_rss))
        .route("/{section}/feed.atom", get(feeds::section_atom))
        .route("/{section}/feed.json", get(feeds::section_json))
        .route("/opensearch.xml", get(search::opensearch))
        .route("/favicon.svg", get(icons::favicon))
        .route("/favicon.ico", get(icons::favicon_ico))
        .route("/manifest.webmanifest", get(icons::manifest))
        .route("/share.png", get(icons::share_image))
        .route("/{section}", get(site::section))
        .route("/{section}/{slug}", get(site::article))
        .route("/{section}/{slug}/comments", post(comments::post))
        .fallback(site::not_found)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            errors::render_error_pages,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            cache::page_cache,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/static/{*name}", get(site::static_file))
        .route("/media/{*path}", get(site::media_file))
        .route("/ads/{slot}/image", get(site::ad_image))
        .route("/ads/{slot}/click", get(site::ad_click))
        .route("/payments/stripe/webhook", post(payments::stripe_webhook))
        .route(
            "/payments/midtrans/notification",
            post(payments::midtrans_notification),
        )
        .merge(api_routes().router.layer(middleware::from_fn_with_state(
            app.clone(),
            cache::page_cache,
        )))
        .merge(site)
        .layer(middleware::from_fn_with_state(
            app.clone(),
            forget_readers_after_writes,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            auth::csrf_cookie,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            auth::same_origin_only,
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            security_headers,
        ))
        .with_state(app)
}

/// The JSON API's routes, each with the methods it answers. The router is
/// built from this one list, and a test checks that `api/openapi.json`
/// describes exactly these (and that the router answers exactly these
/// methods), so a route cannot be added without its description.
pub struct ApiRoutes {
    router: Router<AppState>,
    pub listed: Vec<(&'static str, &'static str)>,
}

impl ApiRoutes {
    fn add(
        mut self,
        path: &'static str,
        methods: &[&'static str],
        route: axum::routing::MethodRouter<AppState>,
    ) -> ApiRoutes {
        self.listed.extend(methods.iter().map(|m| (*m, path)));
        self.router = self.router.route(path, route);
        self
    }
}

pub fn api_routes() -> ApiRoutes {
    let media_body = axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024);
    ApiRoutes {
        router: Router::new(),
        listed: Vec::new(),
    }
    .add("/api/v1/articles", &["GET"], get(api::list))
    .add("/api/v1/articles/{slug}", &["GET"], get(api::one))
    .add("/api/v1/openapi.json", &["GET"], get(api::openapi))
    .add("/api/v1/search", &["GET"], get(search::api))
    .add(
        "/api/v1/members/session",
        &["POST", "DELETE"],
        post(members_api::sign_in).delete(members_api::sign_out),
    )
    .add("/api/v1/members/me", &["GET"], get(members_api::me))
    .add(
        "/api/v1/admin/articles",
        &["GET", "POST"],
        get(admin_api::list).post(admin_api::create),
    )
    .add(
        "/api/v1/admin/articles/{slug}",
        &["GET", "PATCH"],
        get(admin_api::get_one).patch(admin_api::patch),
    )
    .add(
        "/api/v1/admin/articles/{slug}/corrections",
        &["POST"],
        post(admin_api::add_correction),
    )
    .add(
        "/api/v1/admin/sections",
        &["GET", "POST"],
        get(admin_api::sections).post(admin_api::save_section),
    )
    .add(
        "/api/v1/admin/contributors",
        &["GET", "POST"],
        get(admin_api::contributors).post(admin_api::save_contributor),
    )
    .add(
        "/api/v1/admin/media",
        &["POST"],
        post(backoffice::api_media_upload).layer(media_body),
    )
    .fallback_for_unknown()
}

impl ApiRoutes {
    /// Anything else under /api/v1 is a JSON 404 (not the site's page).
    fn fallback_for_unknown(mut self) -> ApiRoutes {
        self.router = self
            .router
            .route("/api/v1/{*rest}", axum::routing::any(api::not_found));
        self
    }
}

/// Any write may change what a reader is (a sign-in, a membership, a
/// comment): this node's memory of readers is dropped after it.
async fn forget_readers_after_writes(
    axum::extract::State(app): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    // Two GET links change an account too: the verification and the
    // e-mail change confirmation mailed to the reader.
    let write = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    ) || matches!(req.uri().path(), "/verify" | "/account/email/confirm");
    let res = next.run(req).await;
    if write {
        app.reader_cache.clear();
    }
    res
}

async fn healthz() -> &'static str {
    "ok"
}

/// Headers every response carries: no MIME sniffing, no framing by other
/// sites, and a policy that lets only our own scripts run.
async fn security_headers(
    axum::extract::State(app): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, app.csp.clone());
    }
    if app.cfg.https() {
        // Served over TLS: browsers never fall back to plain http.
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}
