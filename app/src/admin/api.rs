//! Typed client of the admin API. Writes carry the session's CSRF token.

use gloo_net::http::{Request, RequestBuilder, Response};
use holdfast_core::api::account::{AdminStatus, LoginRequest, Me, PasswordChange, SetupRequest};
use holdfast_core::api::apps::{
    AppSummary, AuditEntry, CreateAppRequest, CreatedApp, EmailView, OperationView, RotateRequest,
    RotatedSecrets, UnreadableMessage, UpdateAppRequest,
};
use holdfast_core::api::customers::{CustomerExport, CustomerRequest, ErasureResponse};
use holdfast_core::api::requests::{Candidates, DeclarationView, ResolveRequest};
use holdfast_core::api::stripe::{
    ConnectStripeRequest, CouponOption, PermissionCheck, PriceOption, StripeConnection,
};
use holdfast_core::api::{ApiError, ErrorCode};
use holdfast_core::dashboard::{RevenueCard, SessionDetail, SessionList};
use holdfast_core::report::Report;
use holdfast_core::settings::AppSettings;
use holdfast_core::team::{
    AcceptInviteRequest, AdminSessionView, AdminView, InviteCreated, InviteRequest, InviteView,
    Role, RoleChange, TotpCode, TotpEnrolment, TotpOff,
};
use holdfast_core::webhook::{
    CreatedEndpoint, DeadLetter, DeliveryView, EndpointRequest, EndpointView, UpdateEndpointRequest,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use crate::api::Error;

async fn read<T: DeserializeOwned>(resp: Response) -> Result<T, Error> {
    let status = resp.status();
    if resp.ok() {
        resp.json::<T>().await.map_err(|_| Error::Network)
    } else {
        let error = resp.json::<ApiError>().await.unwrap_or_else(|_| {
            ApiError::new(
                ErrorCode::Unknown,
                format!("The server answered {status}."),
                None,
            )
        });
        Err(Error::Api { status, error })
    }
}

async fn send<T: DeserializeOwned>(
    req: RequestBuilder,
    csrf: &str,
    body: Option<&impl Serialize>,
) -> Result<T, Error> {
    let req = req.header("x-csrf-token", csrf);
    let req = match body {
        Some(b) => req.json(b).map_err(|_| Error::Network)?,
        None => req.build().map_err(|_| Error::Network)?,
    };
    read(req.send().await.map_err(|_| Error::Network)?).await
}

async fn get<T: DeserializeOwned>(url: &str) -> Result<T, Error> {
    read(Request::get(url).send().await.map_err(|_| Error::Network)?).await
}

const NO_BODY: Option<&()> = None;

pub async fn status() -> Result<AdminStatus, Error> {
    get("/api/admin/status").await
}

pub async fn me() -> Result<Me, Error> {
    get("/api/admin/me").await
}

pub async fn setup(form: SetupRequest) -> Result<Me, Error> {
    send(Request::post("/api/admin/setup"), "", Some(&form)).await
}

pub async fn login(form: LoginRequest) -> Result<Me, Error> {
    send(Request::post("/api/admin/login"), "", Some(&form)).await
}

pub async fn logout(csrf: String) -> Result<serde_json::Value, Error> {
    send(Request::post("/api/admin/logout"), &csrf, NO_BODY).await
}

pub async fn apps() -> Result<Vec<AppSummary>, Error> {
    get("/api/admin/apps").await
}

pub async fn create_app(csrf: String, form: CreateAppRequest) -> Result<CreatedApp, Error> {
    send(Request::post("/api/admin/apps"), &csrf, Some(&form)).await
}

pub async fn update_app(
    csrf: String,
    id: String,
    form: UpdateAppRequest,
) -> Result<AppSummary, Error> {
    send(
        Request::patch(&format!("/api/admin/apps/{id}")),
        &csrf,
        Some(&form),
    )
    .await
}

pub async fn rotate(csrf: String, id: String, end_old_now: bool) -> Result<RotatedSecrets, Error> {
    send(
        Request::post(&format!("/api/admin/apps/{id}/rotate")),
        &csrf,
        Some(&RotateRequest { end_old_now }),
    )
    .await
}

pub async fn delete_app(csrf: String, id: String) -> Result<serde_json::Value, Error> {
    send(
        Request::delete(&format!("/api/admin/apps/{id}")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn settings(id: String) -> Result<AppSettings, Error> {
    get(&format!("/api/admin/apps/{id}/settings")).await
}

pub async fn save_settings(
    csrf: String,
    id: String,
    settings: AppSettings,
) -> Result<AppSettings, Error> {
    send(
        Request::put(&format!("/api/admin/apps/{id}/settings")),
        &csrf,
        Some(&settings),
    )
    .await
}

pub async fn coupons() -> Result<Vec<CouponOption>, Error> {
    get("/api/admin/stripe/coupons").await
}

pub async fn prices() -> Result<Vec<PriceOption>, Error> {
    get("/api/admin/stripe/prices").await
}

pub async fn operations() -> Result<Vec<OperationView>, Error> {
    get("/api/admin/operations").await
}

pub async fn retry(csrf: String, session_id: String) -> Result<serde_json::Value, Error> {
    send(
        Request::post(&format!("/api/admin/operations/{session_id}/retry")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn export_customer(
    csrf: String,
    app: String,
    who: CustomerRequest,
) -> Result<CustomerExport, Error> {
    // Read-only, but a POST (an e-mail address stays out of URLs and logs),
    // so it carries the CSRF token like every POST.
    send(
        Request::post(&format!("/api/admin/apps/{app}/customers/export")),
        &csrf,
        Some(&who),
    )
    .await
}

pub async fn erase_customer(
    csrf: String,
    app: String,
    who: CustomerRequest,
) -> Result<ErasureResponse, Error> {
    send(
        Request::post(&format!("/api/admin/apps/{app}/customers/erase")),
        &csrf,
        Some(&who),
    )
    .await
}

pub async fn audit() -> Result<Vec<AuditEntry>, Error> {
    get("/api/admin/audit").await
}

pub async fn stripe() -> Result<StripeConnection, Error> {
    get("/api/admin/stripe").await
}

pub async fn connect_stripe(csrf: String, key: String) -> Result<StripeConnection, Error> {
    send(
        Request::put("/api/admin/stripe"),
        &csrf,
        Some(&ConnectStripeRequest { key }),
    )
    .await
}

pub async fn check_stripe(csrf: String) -> Result<Vec<PermissionCheck>, Error> {
    send(Request::post("/api/admin/stripe/check"), &csrf, NO_BODY).await
}

pub async fn preview_mappings(
    csrf: String,
    app_id: String,
    form: holdfast_core::api::apps::MappingPreviewRequest,
) -> Result<Vec<holdfast_core::mapping::MappedValue>, Error> {
    send(
        Request::post(&format!("/api/admin/apps/{app_id}/mappings/preview")),
        &csrf,
        Some(&form),
    )
    .await
}

/// `from`, `to`, the bucket and the filters, as a query string.
pub fn report_query(pairs: &[(&str, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        q.append_pair(k, v);
    }
    q.finish()
}

pub async fn dashboard(app: String, query: String) -> Result<Report, Error> {
    get(&format!("/api/admin/apps/{app}/dashboard?{query}")).await
}

pub async fn sessions(app: String, query: String) -> Result<SessionList, Error> {
    get(&format!("/api/admin/apps/{app}/sessions?{query}")).await
}

pub async fn session(id: String) -> Result<SessionDetail, Error> {
    get(&format!("/api/admin/sessions/{id}")).await
}

pub async fn revenue_card(app: String) -> Result<RevenueCard, Error> {
    get(&format!("/api/admin/apps/{app}/revenue")).await
}

pub async fn webhooks(app: String) -> Result<Vec<EndpointView>, Error> {
    get(&format!("/api/admin/apps/{app}/webhooks")).await
}

pub async fn create_webhook(
    csrf: String,
    app: String,
    form: EndpointRequest,
) -> Result<CreatedEndpoint, Error> {
    send(
        Request::post(&format!("/api/admin/apps/{app}/webhooks")),
        &csrf,
        Some(&form),
    )
    .await
}

pub async fn update_webhook(
    csrf: String,
    id: String,
    form: UpdateEndpointRequest,
) -> Result<EndpointView, Error> {
    send(
        Request::patch(&format!("/api/admin/webhooks/{id}")),
        &csrf,
        Some(&form),
    )
    .await
}

pub async fn delete_webhook(csrf: String, id: String) -> Result<serde_json::Value, Error> {
    send(
        Request::delete(&format!("/api/admin/webhooks/{id}")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn rotate_webhook(csrf: String, id: String) -> Result<CreatedEndpoint, Error> {
    send(
        Request::post(&format!("/api/admin/webhooks/{id}/rotate")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn test_webhook(csrf: String, id: String) -> Result<Option<DeliveryView>, Error> {
    send(
        Request::post(&format!("/api/admin/webhooks/{id}/test")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn webhook_deliveries(id: String) -> Result<Vec<DeliveryView>, Error> {
    get(&format!("/api/admin/webhooks/{id}/deliveries")).await
}

pub async fn dead_letters() -> Result<Vec<DeadLetter>, Error> {
    get("/api/admin/dead-letters").await
}

pub async fn unreadable_messages() -> Result<Vec<UnreadableMessage>, Error> {
    get("/api/admin/unreadable-messages").await
}

pub async fn cancel_requests(app: String) -> Result<Vec<DeclarationView>, Error> {
    get(&format!("/api/admin/apps/{app}/requests")).await
}

pub async fn request_candidates(id: String) -> Result<Candidates, Error> {
    get(&format!("/api/admin/requests/{id}/candidates")).await
}

pub async fn resolve_request(
    csrf: String,
    id: String,
    form: ResolveRequest,
) -> Result<DeclarationView, Error> {
    send(
        Request::post(&format!("/api/admin/requests/{id}/resolve")),
        &csrf,
        Some(&form),
    )
    .await
}

pub async fn failed_emails() -> Result<Vec<EmailView>, Error> {
    get("/api/admin/emails/failed").await
}

pub async fn resend_email(csrf: String, id: String) -> Result<EmailView, Error> {
    send(
        Request::post(&format!("/api/admin/emails/{id}/resend")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn replay_webhook(
    csrf: String,
    id: String,
    delivery: i64,
) -> Result<Option<DeliveryView>, Error> {
    send(
        Request::post(&format!(
            "/api/admin/webhooks/{id}/deliveries/{delivery}/replay"
        )),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn admins() -> Result<Vec<AdminView>, Error> {
    get("/api/admin/admins").await
}

pub async fn invite(csrf: String, form: InviteRequest) -> Result<InviteCreated, Error> {
    send(Request::post("/api/admin/invites"), &csrf, Some(&form)).await
}

pub async fn open_invites() -> Result<Vec<InviteView>, Error> {
    get("/api/admin/invites").await
}

pub async fn revoke_invite(csrf: String, id: String) -> Result<serde_json::Value, Error> {
    send(
        Request::delete(&format!("/api/admin/invites/{id}")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn accept_invite(form: AcceptInviteRequest) -> Result<Me, Error> {
    send(Request::post("/api/admin/invites/accept"), "", Some(&form)).await
}

pub async fn set_role(csrf: String, id: String, role: Role) -> Result<serde_json::Value, Error> {
    let url = format!("/api/admin/admins/{id}");
    send(Request::patch(&url), &csrf, Some(&RoleChange { role })).await
}

pub async fn remove_admin(csrf: String, id: String) -> Result<serde_json::Value, Error> {
    send(
        Request::delete(&format!("/api/admin/admins/{id}")),
        &csrf,
        NO_BODY,
    )
    .await
}

pub async fn my_sessions() -> Result<Vec<AdminSessionView>, Error> {
    get("/api/admin/me/sessions").await
}

pub async fn end_my_sessions(csrf: String) -> Result<serde_json::Value, Error> {
    send(Request::post("/api/admin/me/sessions/end"), &csrf, NO_BODY).await
}

pub async fn start_totp(csrf: String) -> Result<TotpEnrolment, Error> {
    send(Request::post("/api/admin/me/totp"), &csrf, NO_BODY).await
}

pub async fn confirm_totp(csrf: String, code: String) -> Result<serde_json::Value, Error> {
    send(
        Request::post("/api/admin/me/totp/confirm"),
        &csrf,
        Some(&TotpCode { code }),
    )
    .await
}

pub async fn disable_totp(csrf: String, off: TotpOff) -> Result<serde_json::Value, Error> {
    send(
        Request::post("/api/admin/me/totp/disable"),
        &csrf,
        Some(&off),
    )
    .await
}

pub async fn change_password(
    csrf: String,
    change: PasswordChange,
) -> Result<serde_json::Value, Error> {
    send(
        Request::post("/api/admin/me/password"),
        &csrf,
        Some(&change),
    )
    .await
}
