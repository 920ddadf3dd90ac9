// The route table: one line per route, `METHOD "path" Access Relay =>
// handler;`. Access says who may call it, checked by the router before the
// handler runs: `Public` (the handler checks its own credential, if any),
// `TestHooks` (the test stack only, 404 elsewhere), or the least admin role
// (`Viewer`, `Editor`, `Owner`; a method other than GET also needs the
// session's CSRF token and this origin). A public handler is an
// `async fn(Request, Ctx)`, an admin's an `async fn(Request, Ctx, Signed)`:
// it gets the signed-in admin and cannot forget to ask. Relay says what
// work the request may have made, enqueued after the answer (`_`: none).
// The `routes!` macro in `mod.rs` builds the router from it; the OpenAPI
// generator (`tools/openapi`) and the tests read the same lines, so the
// document cannot miss or invent a route, nor its security.
routes! {
    OPTIONS "/precancel"                                           Public    _         => precancel::preflight;
    POST    "/precancel"                                           Public    Precancel => precancel::handle;
    GET     "/api/health"                                          Public    _         => health;
    GET     "/api/openapi.json"                                    Public    _         => openapi;
    GET     "/api/sessions/:token"                                 Public    _         => sessions::view;
    POST    "/api/sessions/:token/reason"                          Public    Events    => sessions::choose_reason;
    POST    "/api/sessions/:token/cancel"                          Public    Decision  => sessions::cancel;
    POST    "/api/sessions/:token/deflect"                         Public    Events    => sessions::deflect;
    POST    "/api/sessions/:token/offers/:offer/show"              Public    Events    => sessions::show_offer;
    POST    "/api/sessions/:token/offers/:offer/accept"            Public    Decision  => sessions::accept_offer;
    POST    "/api/stripe/webhook"                                  Public    Events    => stripe_webhook::receive;
    GET     "/api/admin/status"                                    Public    _         => admin::status;
    POST    "/api/admin/setup"                                     Public    _         => admin::setup;
    POST    "/api/admin/login"                                     Public    _         => admin::login;
    POST    "/api/admin/logout"                                    Viewer    _         => admin::logout;
    GET     "/api/admin/me"                                        Viewer    _         => admin::me;
    GET     "/api/admin/audit"                                     Editor    _         => admin::audit;
    GET     "/api/admin/apps"                                      Viewer    _         => admin::apps::list_apps;
    POST    "/api/admin/apps"                                      Owner     _         => admin::apps::create_app;
    PATCH   "/api/admin/apps/:id"                                  Editor    _         => admin::apps::update_app;
    DELETE  "/api/admin/apps/:id"                                  Owner     _         => admin::apps::delete_app;
    POST    "/api/admin/apps/:id/rotate"                           Owner     _         => admin::apps::rotate_app;
    GET     "/api/admin/apps/:id/settings"                         Viewer    _         => admin::apps::get_settings;
    PUT     "/api/admin/apps/:id/settings"                         Editor    _         => admin::apps::put_settings;
    GET     "/api/admin/stripe"                                    Editor    _         => admin::stripe::get_connection;
    PUT     "/api/admin/stripe"                                    Owner     _         => admin::stripe::connect;
    DELETE  "/api/admin/stripe"                                    Owner     _         => admin::stripe::disconnect;
    POST    "/api/admin/stripe/check"                              Owner     _         => admin::stripe::check;
    POST    "/api/admin/apps/:id/mappings/preview"                 Editor    _         => admin::apps::preview_mappings;
    GET     "/api/admin/stripe/coupons"                            Editor    _         => admin::ops::coupons;
    GET     "/api/admin/stripe/prices"                             Editor    _         => admin::ops::prices;
    GET     "/api/admin/apps/:id/dashboard"                        Viewer    _         => admin::reports::dashboard;
    GET     "/api/admin/apps/:id/sessions"                         Viewer    _         => admin::reports::sessions;
    GET     "/api/admin/apps/:id/sessions.csv"                     Viewer    _         => admin::reports::export;
    GET     "/api/admin/apps/:id/revenue"                          Viewer    _         => admin::reports::revenue_card;
    GET     "/api/admin/sessions/:id"                              Viewer    _         => admin::reports::session;
    GET     "/api/admin/apps/:id/requests"                         Viewer    _         => admin::requests::list;
    GET     "/api/admin/requests/:id/candidates"                   Editor    _         => admin::requests::candidates;
    POST    "/api/admin/requests/:id/resolve"                      Editor    Decision  => admin::requests::resolve;
    POST    "/api/admin/apps/:id/customers/export"                 Editor    _         => admin::customers::export;
    POST    "/api/admin/apps/:id/customers/erase"                  Owner     _         => admin::customers::erase;
    GET     "/api/admin/apps/:id/webhooks"                         Editor    _         => admin::webhooks::list;
    POST    "/api/admin/apps/:id/webhooks"                         Owner     _         => admin::webhooks::create;
    PATCH   "/api/admin/webhooks/:id"                              Owner     _         => admin::webhooks::update;
    DELETE  "/api/admin/webhooks/:id"                              Owner     _         => admin::webhooks::delete;
    POST    "/api/admin/webhooks/:id/rotate"                       Owner     _         => admin::webhooks::rotate;
    POST    "/api/admin/webhooks/:id/test"                         Editor    _         => admin::webhooks::send_test;
    GET     "/api/admin/webhooks/:id/deliveries"                   Editor    _         => admin::webhooks::deliveries;
    POST    "/api/admin/webhooks/:id/deliveries/:delivery/replay"  Editor    _         => admin::webhooks::replay;
    GET     "/api/admin/operations"                                Editor    _         => admin::ops::operations;
    POST    "/api/admin/operations/:session/retry"                 Editor    _         => admin::ops::retry_operation;
    GET     "/api/admin/dead-letters"                              Editor    _         => admin::ops::dead_letters;
    GET     "/api/admin/unreadable-messages"                       Editor    _         => admin::ops::unreadable;
    GET     "/api/admin/emails/failed"                             Editor    _         => admin::ops::failed_emails;
    POST    "/api/admin/emails/:id/resend"                         Editor    _         => admin::ops::resend_email;
    GET     "/api/admin/admins"                                    Owner     _         => admin::team::admins;
    PATCH   "/api/admin/admins/:id"                                Owner     _         => admin::team::set_role;
    DELETE  "/api/admin/admins/:id"                                Owner     _         => admin::team::remove_admin;
    POST    "/api/admin/invites"                                   Owner     _         => admin::team::invite;
    GET     "/api/admin/invites"                                   Owner     _         => admin::team::invites;
    DELETE  "/api/admin/invites/:id"                               Owner     _         => admin::team::revoke_invite;
    POST    "/api/admin/invites/accept"                            Public    _         => admin::team::accept_invite;
    POST    "/api/admin/me/password"                               Viewer    _         => admin::change_password;
    GET     "/api/admin/me/sessions"                               Viewer    _         => admin::team::my_sessions;
    POST    "/api/admin/me/sessions/end"                           Viewer    _         => admin::team::end_my_sessions;
    POST    "/api/admin/me/totp"                                   Viewer    _         => admin::totp::start_totp;
    POST    "/api/admin/me/totp/confirm"                           Viewer    _         => admin::totp::confirm_totp;
    POST    "/api/admin/me/totp/disable"                           Viewer    _         => admin::totp::disable_totp;
    POST    "/api/admin/secrets/reseal"                            Owner     _         => admin::secrets::reseal;
    POST    "/api/dev/cron"                                        TestHooks _         => dev_cron;
    POST    "/api/dev/queue"                                       TestHooks _         => dev_queue;
    GET     "/api/dev/counts"                                      TestHooks _         => dev_counts;
    GET     "/api/dev/sql"                                         TestHooks _         => dev_sql;
    GET     "/admin"                                               Public    _         => settings_ui;
    GET     "/admin/*rest"                                         Public    _         => settings_ui;
    GET     "/js/holdfast.js"                                      Public    _         => snippet::serve;
    GET     "/js/current/"                                         Public    _         => snippet::serve;
    GET     "/js/current/brightback.js"                            Public    _         => snippet::serve;
    GET     "/cancel/:token"                                       Public    _         => cancel_page::serve;
    POST    "/cancel/:token"                                       Public    Decision  => cancel_form::submit;
    GET     "/receipt/:id/:sig"                                    Public    _         => receipt::show;
    GET     "/cancel-contract/:app"                                Public    _         => public_page::show;
    POST    "/cancel-contract/:app"                                Public    Decision  => public_page::submit;
    GET     "/demo"                                                Public    _         => demo::account;
    GET     "/demo/cancelled"                                      Public    _         => demo::account;
    GET     "/demo/cancel"                                         Public    _         => demo::cancel;
}
