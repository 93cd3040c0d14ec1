//! Mail from the site to one reader: subject and body from the interface
//! strings in the reader's language, queued in the store and sent after the
//! request that caused it has been answered (`mail::deliver_due`, on every
//! node), so answering takes as long whether or not a mail went.

use crate::core::Core;

/// Queue the mail of the `mail_{kind}_subject`/`_body` strings, `{name}`s
/// in the body filled from `vars`, with a link to `path` on this site. A
/// failure to queue is logged and answered false: the reader's page says
/// the same either way.
pub async fn send(
    core: &Core,
    to: &str,
    locale: &str,
    kind: &str,
    path: &str,
    vars: &[(&str, &str)],
) -> bool {
    let t = core.views.catalog.strings(locale);
    let get = |k: &str| t.get(k).cloned().unwrap_or_default();
    let url = format!("{}{path}", core.cfg.base_url);
    let mut text = get(&format!("mail_{kind}_body"));
    for (name, value) in vars {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    let body = format!("{text}\n\n{url}\n\n{}\n", get("mail_footer"));
    let subject = get(&format!("mail_{kind}_subject"));
    match core
        .store
        .enqueue_mail(to, &subject, &body, core.clock.now())
        .await
    {
        Ok(_) => {
            core.mail_wake.notify_one();
            true
        }
        Err(e) => {
            tracing::error!(error = %e, kind, "could not queue mail");
            false
        }
    }
}
