use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main class="page">
            <h1>"Page not found"</h1>
            <p>"To cancel a subscription, go back to your account and click Cancel."</p>
        </main>
    }
}
