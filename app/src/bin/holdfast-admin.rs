//! The settings UI's bundle.

fn main() {
    leptos::mount::mount_to_body(holdfast_app::admin::AdminApp);
}
