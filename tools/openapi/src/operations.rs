//! What each API route takes and answers, by its handler's name in the
//! route table: the operation's id, words, security, body and answers. The
//! schemas themselves come from core's wire types.

use holdfast_core::api::account::{AdminStatus, LoginRequest, Me, PasswordChange, SetupRequest};
use holdfast_core::api::apps::{
    AppSummary, AuditEntry, CreateAppRequest, CreatedApp, EmailView, MappingPreviewRequest,
    OperationView, RotateRequest, RotatedSecrets, UnreadableMessage, UpdateAppRequest,
};
use holdfast_core::api::customers::{CustomerExport, CustomerRequest, ErasureResponse};
use holdfast_core::api::precancel::PrecancelResponse;
use holdfast_core::api::requests::{Candidates, DeclarationView, ResolveRequest};
use holdfast_core::api::session::{
    CancelRequest, ChooseReasonRequest, OfferPreview, OutcomeResponse, SessionView,
};
use holdfast_core::api::stripe::{
    ConnectStripeRequest, CouponOption, PermissionCheck, PriceOption, StripeConnection,
};
use holdfast_core::attribution::Verdict;
use holdfast_core::dashboard::{RevenueCard, SessionDetail, SessionList};
use holdfast_core::jurisdiction::Mode;
use holdfast_core::mapping::MappedValue;
use holdfast_core::precancel::PrecancelPayload;
use holdfast_core::record::Outcome;
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
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

use crate::registry::Registry;

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Anyone (the cancel page's token is the credential, or none is needed).
    None,
    /// The snippet's preflight: no error body, no credential.
    Preflight,
    /// A browser with `auth_hash`, or a server with the app's secret key.
    Precancel,
    /// A signed-in admin; writes also carry the CSRF token.
    Admin,
}

impl Security {
    pub fn requirement(self, method: &str) -> Option<Value> {
        match self {
            Self::None | Self::Preflight => None,
            Self::Precancel => Some(json!([{}, {"secretKey": []}])),
            Self::Admin if method == "GET" => Some(json!([{"adminSession": []}])),
            Self::Admin => Some(json!([{"adminSession": [], "csrf": []}])),
        }
    }
}

pub struct Answer {
    pub status: u16,
    pub description: &'static str,
    /// (content type, schema); None: no body.
    pub content: Option<(&'static str, Value)>,
}

pub struct Op {
    pub id: &'static str,
    pub summary: &'static str,
    pub description: Option<&'static str>,
    pub security: Security,
    /// The body's schema, and whether it must be there.
    pub body: Option<(Value, bool)>,
    pub parameters: Vec<Value>,
    pub responses: Vec<Answer>,
}

impl Op {
    fn new(id: &'static str, summary: &'static str, security: Security) -> Self {
        Self {
            id,
            summary,
            description: None,
            security,
            body: None,
            parameters: Vec::new(),
            responses: Vec::new(),
        }
    }

    fn describe(mut self, d: &'static str) -> Self {
        self.description = Some(d);
        self
    }

    /// A JSON body of type `T`. The edge reads an empty body as `{}`
    /// (`http::parse_json`), so the body is required only when `{}` is not
    /// a `T`.
    fn body<T: ToSchema + DeserializeOwned>(mut self, r: &mut Registry) -> Self {
        let required = serde_json::from_str::<T>("{}").is_err();
        self.body = Some((r.of::<T>(), required));
        self
    }

    fn raw_body(mut self, schema: Value) -> Self {
        self.body = Some((schema, true));
        self
    }

    fn header(mut self, name: &str) -> Self {
        self.parameters.push(
            json!({"name": name, "in": "header", "required": true, "schema": {"type": "string"}}),
        );
        self
    }

    fn query(mut self, params: Vec<Value>) -> Self {
        self.parameters.extend(params);
        self
    }

    fn answer(mut self, status: u16, description: &'static str, schema: Value) -> Self {
        self.responses.push(Answer {
            status,
            description,
            content: Some(("application/json", schema)),
        });
        self
    }

    fn csv(mut self, status: u16, description: &'static str) -> Self {
        self.responses.push(Answer {
            status,
            description,
            content: Some(("text/csv", json!({"type": "string"}))),
        });
        self
    }

    fn empty(mut self, status: u16, description: &'static str) -> Self {
        self.responses.push(Answer {
            status,
            description,
            content: None,
        });
        self
    }
}

fn string() -> Value {
    json!({"type": "string"})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

/// A small object every property of which is always there.
fn obj(props: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> = props
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let required: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
    json!({"type": "object", "properties": properties, "required": required})
}

/// The dashboard's query (`holdfast_core::dashboard::parse_query`): an
/// empty value is the same as none.
fn report_query(r: &mut Registry) -> Vec<Value> {
    let q = |name: &str, schema: Value, description: &str| json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema});
    let or_empty = |schema: Value| json!({"anyOf": [schema, {"const": ""}]});
    let time = json!({"type": "integer", "minimum": 0, "maximum": 253_402_300_799_i64});
    vec![
        q(
            "from",
            time.clone(),
            "Start (unix seconds); 30 days before `to` by default.",
        ),
        q("to", time, "End, excluded (unix seconds); now by default."),
        q(
            "bucket",
            json!({"enum": ["day", "week"]}),
            "The series' step.",
        ),
        q(
            "outcome",
            or_empty(r.of::<Outcome>()),
            "Only sessions that ended so.",
        ),
        q("reason", string(), "A reason id."),
        q("offer", string(), "An offer id (shown or accepted)."),
        q("audience", string(), "An audience id."),
        q("variant", string(), "`experience/variant`."),
        q(
            "attribution",
            or_empty(r.of::<Verdict>()),
            "Only saves with this verdict.",
        ),
        q("country", string(), "ISO country code."),
        q(
            "mode",
            or_empty(r.of::<Mode>()),
            "Only sessions under this compliance mode.",
        ),
        q(
            "q",
            string(),
            "A whole session, subscription or customer id.",
        ),
        q(
            "repeats",
            json!({"enum": ["true", "false", "1", "0", ""]}),
            "Repeats of a subscription too, not only the sessions that count.",
        ),
        q(
            "after",
            string(),
            "The `next` of the previous page: the list continues after it.",
        ),
        q(
            "limit",
            json!({"type": "integer", "minimum": 1, "maximum": 200}),
            "Sessions per page.",
        ),
    ]
}

/// Every handler this file describes.
const DESCRIBED: &[&str] = &[
    "precancel::preflight",
    "precancel::handle",
    "health",
    "openapi",
    "sessions::view",
    "sessions::choose_reason",
    "sessions::cancel",
    "sessions::deflect",
    "sessions::show_offer",
    "sessions::accept_offer",
    "stripe_webhook::receive",
    "admin::status",
    "admin::setup",
    "admin::login",
    "admin::logout",
    "admin::me",
    "admin::audit",
    "admin::apps::list_apps",
    "admin::apps::create_app",
    "admin::apps::update_app",
    "admin::apps::delete_app",
    "admin::apps::rotate_app",
    "admin::apps::get_settings",
    "admin::apps::put_settings",
    "admin::stripe::get_connection",
    "admin::stripe::connect",
    "admin::stripe::disconnect",
    "admin::stripe::check",
    "admin::apps::preview_mappings",
    "admin::ops::coupons",
    "admin::ops::prices",
    "admin::reports::dashboard",
    "admin::reports::sessions",
    "admin::reports::export",
    "admin::reports::revenue_card",
    "admin::reports::session",
    "admin::requests::list",
    "admin::requests::candidates",
    "admin::requests::resolve",
    "admin::customers::export",
    "admin::customers::erase",
    "admin::webhooks::list",
    "admin::webhooks::create",
    "admin::webhooks::update",
    "admin::webhooks::delete",
    "admin::webhooks::rotate",
    "admin::webhooks::send_test",
    "admin::webhooks::deliveries",
    "admin::webhooks::replay",
    "admin::ops::operations",
    "admin::ops::retry_operation",
    "admin::ops::dead_letters",
    "admin::ops::unreadable",
    "admin::ops::failed_emails",
    "admin::ops::resend_email",
    "admin::team::admins",
    "admin::team::set_role",
    "admin::team::remove_admin",
    "admin::team::invite",
    "admin::team::accept_invite",
    "admin::team::invites",
    "admin::team::revoke_invite",
    "admin::change_password",
    "admin::team::my_sessions",
    "admin::team::end_my_sessions",
    "admin::totp::start_totp",
    "admin::totp::confirm_totp",
    "admin::totp::disable_totp",
    "admin::secrets::reseal",
];

/// Each entry of `DESCRIBED` is a route in the table.
pub fn check_all_used(seen: &[String]) -> Result<(), String> {
    match DESCRIBED.iter().find(|h| !seen.iter().any(|s| s == *h)) {
        Some(h) => Err(format!("operations.rs describes {h}, which no route has")),
        None => Ok(()),
    }
}

pub fn path_parameters() -> Value {
    let p = |name: &str, description: &str| json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}});
    json!({
        "token": p("token", "The session token from the cancel-page URL."),
        "offer": p("offer", "An offer id of the app's settings."),
        "id": p("id", "The app's, admin's, endpoint's or session's id."),
        "delivery": p("delivery", "A delivery's id from the delivery log."),
        "session": p("session", "The session whose operation to retry."),
    })
}

pub fn security_schemes() -> Value {
    json!({
        "adminSession": {"type": "apiKey", "in": "cookie", "name": "hf_admin"},
        "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "From /api/admin/me; writes also need a same-origin Origin header."},
        "secretKey": {"type": "http", "scheme": "bearer", "description": "The app's secret key, for server-side precancel calls."}
    })
}

/// The operation of the route whose handler is `handler`.
pub fn operation(r: &mut Registry, handler: &str) -> Option<Op> {
    Some(match handler {
        "precancel::preflight" => Op::new("precancelPreflight", "CORS preflight for the snippet.", Security::Preflight)
            .empty(204, "Allowed; the answer names the calling origin."),
        "precancel::handle" => Op::new("precancel", "Start a cancel session (brightback.js's precancel call).", Security::Precancel)
            .describe("Signed with `auth_hash` (HMAC-SHA256 of the subscription id, or of `\"{auth_timestamp}.{subscription_id}\"` when `auth_timestamp` is sent; stale after 300 s), or server-side with `Authorization: Bearer <secret key>`. Limited to 30 a minute per client address and to the app's `precancel_per_minute`. `save_return_url` and `cancel_confirmation_url` must be on the app's `return_origins` (`400` naming the field); URLs with a user name or password are refused. The answer allows credentials for the calling origin (brightback.js sends them); no cookie is read or set. Unknown fields (brightback.js's `timestamp`) are ignored.")
            .body::<PrecancelPayload>(r)
            .answer(200, "The session's cancel-page URL.", r.of::<PrecancelResponse>()),
        "health" => Op::new("health", "Liveness.", Security::None)
            .answer(200, "Up.", obj(&[("ok", boolean())])),
        "openapi" => Op::new("openapi", "This document.", Security::None)
            .answer(200, "OpenAPI 3.1.", json!({"type": "object"})),
        "sessions::view" => Op::new("viewSession", "The cancel page's data.", Security::None)
            .answer(200, "The session.", r.of::<SessionView>()),
        "sessions::choose_reason" => Op::new("chooseReason", "Answer the survey.", Security::None)
            .describe("Records the reason (and comment). The same answer again writes nothing; a session records at most 10 answers, then `429` (`rate_limited`) with `Retry-After` until the link expires. `409` once the session is decided.")
            .body::<ChooseReasonRequest>(r)
            .answer(200, "Recorded.", obj(&[("reason_id", string())])),
        "sessions::cancel" => Op::new("cancel", "Cancel the subscription (once, however often it is sent).", Security::None)
            .body::<CancelRequest>(r)
            .answer(200, "Done.", r.of::<OutcomeResponse>())
            .answer(202, "Received; Stripe has not confirmed yet and the cancel is kept until it lands.", r.of::<OutcomeResponse>()),
        "sessions::deflect" => Op::new("deflect", "Keep the subscription.", Security::None)
            .answer(200, "Done.", r.of::<OutcomeResponse>()),
        "sessions::show_offer" => Op::new("showOffer", "Show an offer: its terms and a preview of the new price.", Security::None)
            .describe("Only an offer the page could show: placed for the session's recorded reason, in its experiment variant, never in a holdout; otherwise `403` with code `offer_not_available`, with nothing written and no Stripe call. A new offer counts against the session's offer screens (`409` past the limit); showing one again writes nothing. Stripe's preview is computed once per offer and session and kept.")
            .answer(200, "The offer.", r.of::<OfferPreview>()),
        "sessions::accept_offer" => Op::new("acceptOffer", "Accept an offer (applied once).", Security::None)
            .describe("Only an offer shown on this session and still placed for its reason (`403` `offer_not_available` otherwise, checked again in the statement that records the acceptance). A decided session answers from its record: the same status and the same `redirect_url`, signed once when the decision was made.")
            .answer(200, "Applied.", r.of::<OutcomeResponse>())
            .answer(202, "Accepted; Stripe has not confirmed yet.", r.of::<OutcomeResponse>()),
        "stripe_webhook::receive" => Op::new("stripeWebhook", "Stripe's events, verified by `Stripe-Signature`.", Security::None)
            .raw_body(json!({"type": "object"}))
            .header("Stripe-Signature")
            .answer(200, "Handled (or already handled).", obj(&[("received", boolean()), ("duplicate", boolean())])),
        "admin::status" => Op::new("adminStatus", "Whether an admin exists yet.", Security::None)
            .answer(200, "Status.", r.of::<AdminStatus>()),
        "admin::setup" => Op::new("adminSetup", "Create the first admin with the setup token.", Security::None)
            .body::<SetupRequest>(r)
            .answer(200, "Signed in.", r.of::<Me>()),
        "admin::login" => Op::new("adminLogin", "Sign in (throttled per email and per client).", Security::None)
            .describe("`401` with code `totp_required` asks for the two-factor code. Attempts are counted per (e-mail, client) and per client before the password is checked: 5 and 20 in 15 minutes, then `429` (nothing is written once it answered `429`). Two-factor codes count per account as well, from any clients: 10 wrong in 15 minutes lock its second factor for 15 minutes (`429` with `Retry-After`, the right code included) and e-mail its owners once. An e-mail of more than 254 characters is `400`; a body that is not `application/json` is `415`; an `Origin` other than this one is `403`.")
            .body::<LoginRequest>(r)
            .answer(200, "Signed in; sets the session cookie.", r.of::<Me>()),
        "admin::logout" => Op::new("adminLogout", "Sign out.", Security::Admin)
            .answer(200, "Signed out.", obj(&[("signed_out", boolean())])),
        "admin::me" => Op::new("adminMe", "The signed-in admin and the CSRF token.", Security::Admin)
            .answer(200, "Me.", r.of::<Me>()),
        "admin::audit" => Op::new("auditLog", "Who changed what.", Security::Admin)
            .answer(200, "Entries.", r.list::<AuditEntry>()),
        "admin::apps::list_apps" => Op::new("listApps", "Apps.", Security::Admin)
            .answer(200, "Apps.", r.list::<AppSummary>()),
        "admin::apps::create_app" => Op::new("createApp", "Create an app; its secrets are shown once.", Security::Admin)
            .body::<CreateAppRequest>(r)
            .answer(201, "Created.", r.of::<CreatedApp>()),
        "admin::apps::update_app" => Op::new("updateApp", "Rename or change signing.", Security::Admin)
            .describe("`name`; `require_signed` (turning it off needs `confirm_unsigned: \"anyone can cancel\"`: anyone who knows a subscription id could then cancel it); `require_timestamp` (new apps: on) and `signature_max_age` (30 to 3600 seconds, 300 by default): browser signatures must carry a fresh `auth_timestamp`.")
            .body::<UpdateAppRequest>(r)
            .answer(200, "Updated.", r.of::<AppSummary>()),
        "admin::apps::delete_app" => Op::new("deleteApp", "Delete an app without sessions.", Security::Admin)
            .answer(200, "Deleted.", obj(&[("deleted", string())])),
        "admin::apps::rotate_app" => Op::new("rotateApp", "New secrets; the old ones work for a grace period.", Security::Admin)
            .describe("The old signing secret and secret key keep working for 24 hours, or stop at once with `end_old_now: true` (a leak).")
            .body::<RotateRequest>(r)
            .answer(200, "Rotated.", r.of::<RotatedSecrets>()),
        "admin::apps::get_settings" => Op::new("getSettings", "An app's settings.", Security::Admin)
            .answer(200, "Settings.", r.of::<AppSettings>()),
        "admin::apps::put_settings" => Op::new("putSettings", "Save an app's settings (checked field by field).", Security::Admin)
            .body::<AppSettings>(r)
            .answer(200, "Saved.", r.of::<AppSettings>()),
        "admin::stripe::get_connection" => Op::new("stripeConnection", "The Stripe connection (never the key).", Security::Admin)
            .answer(200, "Connection.", r.of::<StripeConnection>()),
        "admin::stripe::connect" => Op::new("connectStripe", "Save a Stripe key (sealed).", Security::Admin)
            .body::<ConnectStripeRequest>(r)
            .answer(200, "Connected.", r.of::<StripeConnection>()),
        "admin::stripe::disconnect" => Op::new("disconnectStripe", "Forget the saved key.", Security::Admin)
            .answer(200, "Disconnected.", r.of::<StripeConnection>()),
        "admin::stripe::check" => Op::new("checkStripe", "Check the key's permissions.", Security::Admin)
            .answer(200, "Checks.", r.list::<PermissionCheck>()),
        "admin::apps::preview_mappings" => Op::new("previewMappings", "Mapped fields for a real subscription.", Security::Admin)
            .body::<MappingPreviewRequest>(r)
            .answer(200, "Fields.", r.list::<MappedValue>()),
        "admin::ops::coupons" => Op::new("coupons", "Stripe's coupons, for the offer editor.", Security::Admin)
            .answer(200, "Coupons.", r.list::<CouponOption>()),
        "admin::ops::prices" => Op::new("prices", "Stripe's prices, for the offer editor.", Security::Admin)
            .answer(200, "Prices.", r.list::<PriceOption>()),
        "admin::reports::dashboard" => Op::new("dashboard", "Totals, series and breakdowns.", Security::Admin)
            .query(report_query(r))
            .answer(200, "Report.", r.of::<Report>()),
        "admin::reports::sessions" => Op::new("listSessions", "Sessions, filtered and paged.", Security::Admin)
            .query(report_query(r))
            .answer(200, "Sessions.", r.of::<SessionList>()),
        "admin::reports::export" => Op::new("exportSessions", "Sessions as CSV.", Security::Admin)
            .query(report_query(r))
            .csv(200, "CSV."),
        "admin::reports::revenue_card" => Op::new("revenueCard", "Revenue sync state.", Security::Admin)
            .answer(200, "Card.", r.of::<RevenueCard>()),
        "admin::reports::session" => Op::new("sessionDetail", "A session and its audit trail.", Security::Admin)
            .answer(200, "Session.", r.of::<SessionDetail>()),
        "admin::customers::export" => Op::new("exportCustomer", "Everything held on one customer, found by e-mail, Stripe customer id or subscription id (exactly one).", Security::Admin)
            .body::<CustomerRequest>(r)
            .answer(200, "The customer's sessions.", r.of::<CustomerExport>()),
        "admin::customers::erase" => Op::new("eraseCustomer", "Remove one customer's personal data; counts stay. Owners only.", Security::Admin)
            .body::<CustomerRequest>(r)
            .answer(200, "Sessions erased.", r.of::<ErasureResponse>()),
        "admin::ops::dead_letters" => Op::new("deadLetters", "Webhook deliveries whose messages reached the dead-letter queue, newest first; replay one from its endpoint.", Security::Admin)
            .answer(200, "Dead letters.", r.list::<DeadLetter>()),
        "admin::ops::unreadable" => Op::new("unreadableMessages", "Queue messages that were not a job, newest first: each was set aside alone and its batch ran; kept 30 days.", Security::Admin)
            .answer(200, "Messages.", r.list::<UnreadableMessage>()),
        "admin::requests::list" => Op::new("listCancelRequests", "Declarations made on the app's public cancel page (no sign-in, §312k BGB), newest first, with where each stands in the review list.", Security::Admin)
            .answer(200, "Declarations.", r.list::<DeclarationView>()),
        "admin::requests::candidates" => Op::new("findCancelRequestSubscriptions", "The subscriptions Stripe holds for a declaration's address: the customers Stripe's search finds (case-insensitively; at most 5, `more` when there are others), each with its subscriptions, live ones first. Reads Stripe only.", Security::Admin)
            .answer(200, "Candidates.", r.of::<Candidates>()),
        "admin::requests::resolve" => Op::new("resolveCancelRequest", "Resolve an open declaration: cancel the subscription found for it (read from Stripe first; carried out once, per the app's cancel options; the outcome e-mail goes to the address Stripe holds), or mark it as matching no contract. A second resolve answers 409 and writes nothing.", Security::Admin)
            .body::<ResolveRequest>(r)
            .answer(200, "The declaration, resolved.", r.of::<DeclarationView>()),
        "admin::ops::failed_emails" => Op::new("failedEmails", "Confirmation e-mails that failed for good (their jobs reached the dead-letter queue), newest first.", Security::Admin)
            .answer(200, "Failed e-mails.", r.list::<EmailView>()),
        "admin::ops::resend_email" => Op::new("resendEmail", "One more attempt at a failed confirmation e-mail, now; answers where it stands.", Security::Admin)
            .answer(200, "The e-mail after the attempt.", r.of::<EmailView>()),
        "admin::webhooks::list" => Op::new("listWebhooks", "Webhook endpoints.", Security::Admin)
            .answer(200, "Endpoints.", r.list::<EndpointView>()),
        "admin::webhooks::create" => Op::new("createWebhook", "Add an endpoint; its secret is shown once.", Security::Admin)
            .body::<EndpointRequest>(r)
            .answer(201, "Created.", r.of::<CreatedEndpoint>()),
        "admin::webhooks::update" => Op::new("updateWebhook", "Change an endpoint.", Security::Admin)
            .body::<UpdateEndpointRequest>(r)
            .answer(200, "Updated.", r.of::<EndpointView>()),
        "admin::webhooks::delete" => Op::new("deleteWebhook", "Delete an endpoint.", Security::Admin)
            .answer(200, "Deleted.", obj(&[("deleted", string())])),
        "admin::webhooks::rotate" => Op::new("rotateWebhook", "New secret; the old one signs too for 24 h.", Security::Admin)
            .answer(200, "Rotated.", r.of::<CreatedEndpoint>()),
        "admin::webhooks::send_test" => Op::new("testWebhook", "Send a test event.", Security::Admin)
            .answer(200, "Sent.", r.maybe::<DeliveryView>()),
        "admin::webhooks::deliveries" => Op::new("webhookDeliveries", "The delivery log.", Security::Admin)
            .answer(200, "Deliveries.", r.list::<DeliveryView>()),
        "admin::webhooks::replay" => Op::new("replayDelivery", "Send a delivery again.", Security::Admin)
            .answer(200, "Replayed.", r.maybe::<DeliveryView>()),
        "admin::ops::operations" => Op::new("operations", "Pending and failed Stripe operations.", Security::Admin)
            .answer(200, "Operations.", r.list::<OperationView>()),
        "admin::ops::retry_operation" => Op::new("retryOperation", "Retry an operation now.", Security::Admin)
            .answer(200, "Its outcome.", obj(&[("session_id", string()), ("status", string())])),
        "admin::team::admins" => Op::new("listAdmins", "The team: every admin with their role (owners).", Security::Admin)
            .answer(200, "Done.", r.list::<AdminView>()),
        "admin::team::set_role" => Op::new("setAdminRole", "Change an admin's role (owners; the last owner stays).", Security::Admin)
            .describe("`409` when it would leave no owner.")
            .body::<RoleChange>(r)
            .answer(200, "Done.", obj(&[("id", string()), ("role", r.of::<Role>())])),
        "admin::team::remove_admin" => Op::new("removeAdmin", "Remove an admin and end their sessions (owners; never the last owner).", Security::Admin)
            .answer(200, "Done.", obj(&[("removed", string())])),
        "admin::team::invite" => Op::new("inviteAdmin", "Invite an admin with a role (owners).", Security::Admin)
            .describe("The answer holds the one-time link (72 hours), shown only here; only its digest is kept.")
            .body::<InviteRequest>(r)
            .answer(201, "Done.", r.of::<InviteCreated>()),
        "admin::team::accept_invite" => Op::new("acceptInvite", "Use an invitation: choose a password and sign in.", Security::None)
            .describe("`410` once used, expired, or when its e-mail is an admin already.")
            .body::<AcceptInviteRequest>(r)
            .answer(200, "Done.", r.of::<Me>()),
        "admin::team::invites" => Op::new("listInvites", "Open invitations (owners): unused, unexpired, their inviter still an admin of at least the role given.", Security::Admin)
            .answer(200, "Done.", r.list::<InviteView>()),
        "admin::team::revoke_invite" => Op::new("revokeInvite", "End an open invitation (owners); the audit log records it.", Security::Admin)
            .describe("`404` when no open invitation has this id.")
            .answer(200, "Done.", obj(&[("revoked", string())])),
        "admin::change_password" => Op::new("changePassword", "Change one's own password with the current one.", Security::Admin)
            .describe("Every other session of the admin ends; this one stays. The new password follows setup's rule (`400` naming `new_password`); a wrong current password is `400` naming `current_password` and counts like a failed sign-in (5 per client in 15 minutes, then `429`).")
            .body::<PasswordChange>(r)
            .answer(200, "Changed.", obj(&[("changed", boolean())])),
        "admin::team::my_sessions" => Op::new("mySessions", "One's own signed-in sessions.", Security::Admin)
            .answer(200, "Done.", r.list::<AdminSessionView>()),
        "admin::team::end_my_sessions" => Op::new("endMySessions", "Sign out everywhere (this session included).", Security::Admin)
            .answer(200, "Done.", obj(&[("signed_out", boolean())])),
        "admin::totp::start_totp" => Op::new("startTotp", "Start two-factor sign-in: a new secret and its otpauth URI.", Security::Admin)
            .answer(200, "Done.", r.of::<TotpEnrolment>()),
        "admin::totp::confirm_totp" => Op::new("confirmTotp", "Turn two-factor sign-in on with a first code.", Security::Admin)
            .body::<TotpCode>(r)
            .answer(200, "Done.", obj(&[("totp", boolean())])),
        "admin::totp::disable_totp" => Op::new("disableTotp", "Turn two-factor sign-in off with the password and a current code.", Security::Admin)
            .describe("Counted like every two-factor code: 10 wrong (password or code) for one account in 15 minutes, from any clients, lock its second factor for 15 minutes (`429` with `Retry-After`, the right code included) and e-mail its owners once.")
            .body::<TotpOff>(r)
            .answer(200, "Done.", obj(&[("totp", boolean())])),
        "admin::secrets::reseal" => Op::new("resealSecrets", "Seal every secret at rest under the current encryption key.", Security::Admin)
            .describe("Apps' signing secrets, webhook endpoints' secrets and the saved Stripe key: values stored in clear (before sealing) and values sealed under `HOLDFAST_ENCRYPTION_KEY_PREVIOUS` are sealed under `HOLDFAST_ENCRYPTION_KEY`. Answers how many rows per table changed; `409` without an encryption key. `scripts/reseal` calls it.")
            .answer(200, "How many rows were re-sealed, per table.", obj(&[("resealed", json!({"type": "object", "additionalProperties": {"type": "integer"}}))])),
        _ => return None,
    })
}
