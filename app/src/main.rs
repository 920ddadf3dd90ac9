//! The hosted cancel page's bundle.

fn main() {
    leptos::mount::mount_to_body(holdfast_app::CancelApp);
}
