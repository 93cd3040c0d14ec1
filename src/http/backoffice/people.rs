//! People: the staff page (roles and invitations) and the audit log.

use super::*;

pub async fn audit(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::ReadAudit, None) {
        return Err(AppError::Forbidden);
    }
    let get = |k: &str| {
        params
            .get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let entries = app
        .store
        .audit_log(&AuditFilter {
            actor: get("actor"),
            action: get("action"),
            target: get("target"),
            limit: 200,
        })
        .await?;
    let entries: Vec<_> = entries
        .into_iter()
        .map(|e| json!({ "at": e.at, "actor": e.actor, "action": e.action, "target": e.target, "detail": e.detail }))
        .collect();
    let chrome = Chrome::build(&app, &s.ctx, &uri).await?;
    render(
        &app,
        "admin/audit.html",
        StatusCode::OK,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, entries,
            actor => get("actor").unwrap_or_default(), action => get("action").unwrap_or_default(),
            target => get("target").unwrap_or_default(),
        },
    )
}

pub async fn staff_page(
    State(app): State<AppState>,
    s: StaffCtx,
    uri: Uri,
) -> Result<Response, AppError> {
    staff_view(&app, &s, &uri, Vec::new(), None, StatusCode::OK).await
}

async fn staff_view(
    app: &AppState,
    s: &StaffCtx,
    uri: &Uri,
    errors: Vec<FieldError>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    if !s.staff.may(Action::ManageStaff, None) {
        return Err(AppError::Forbidden);
    }
    let members: Vec<_> = app
        .store
        .staff_members()
        .await?
        .into_iter()
        .map(|m| json!({ "email": m.email, "name": m.name, "role": m.role.as_str(), "sections": m.sections.join(", ") }))
        .collect();
    let chrome = Chrome::build(app, &s.ctx, uri).await?;
    render(
        app,
        "admin/staff.html",
        status,
        crate::view! {
            site => &chrome, t => &*chrome.t, me => &s.staff, members, errors, notice,
            sections => app.store.sections().await?,
        },
    )
}

#[derive(Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    sections: String,
}

/// Give an account a role, or invite a new person by e-mail: their
/// account is made and they get a link to choose a password.
pub async fn set_staff(
    State(app): State<AppState>,
    s: StaffCtx,
    headers: HeaderMap,
    uri: Uri,
    Form(f): Form<StaffForm>,
) -> Result<Response, AppError> {
    check_csrf(&app, &headers, &f.csrf)?;
    if !s.staff.may(Action::ManageStaff, None) {
        return Err(AppError::Forbidden);
    }
    let role = match f.role.as_str() {
        "none" => None,
        r => match StaffRole::parse(r) {
            Some(r) => Some(r),
            None => {
                let errors = vec![FieldError::new("role", "choose a role")];
                return staff_view(
                    &app,
                    &s,
                    &uri,
                    errors,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        },
    };
    let sections: Vec<String> = f
        .sections
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    use crate::services::staff::{RoleChange, set_role};
    let actor = s.principal().actor();
    match set_role(&app, &actor, &f.email, role, &sections, Some(&f.name)).await {
        Ok(RoleChange::Saved { .. }) => Ok(see_other("/admin/staff?done=saved")),
        Ok(RoleChange::Created { reader_id }) => {
            let email = crate::domain::account::normalize_email(&f.email).unwrap_or_default();
            crate::services::accounts::invite(&app, reader_id, &email, s.ctx.locale).await?;
            Ok(see_other("/admin/staff?done=invited"))
        }
        Err(AppError::Invalid(errors)) => {
            staff_view(
                &app,
                &s,
                &uri,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
