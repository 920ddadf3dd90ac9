//! Small form helpers: field errors from the server, shown by their field.

use holdfast_core::validation::FieldIssue;
use leptos::prelude::*;

use super::api::Error;

/// The server's field-level problems of the last save.
#[derive(Clone, Copy)]
pub struct Issues(pub RwSignal<Vec<FieldIssue>>);

impl Issues {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    pub fn set_from(&self, e: &Error) {
        let issues = match e {
            Error::Api { error, .. } if !error.error.fields.is_empty() => {
                error.error.fields.clone()
            }
            Error::Api { error, .. } => vec![FieldIssue {
                field: error.error.field.clone().unwrap_or_default(),
                message: error.error.message.clone(),
            }],
            Error::Network => vec![FieldIssue {
                field: String::new(),
                message: e.message(),
            }],
        };
        self.0.set(issues);
    }

    pub fn clear(&self) {
        self.0.set(Vec::new());
    }

    /// The message for `field`, if the server named it.
    pub fn of(&self, field: &str) -> Option<String> {
        self.0.with(|all| {
            all.iter()
                .find(|i| i.field == field)
                .map(|i| i.message.clone())
        })
    }
}

/// The error under a field, announced to screen readers with it.
#[component]
pub fn FieldError(issues: Issues, #[prop(into)] field: String) -> impl IntoView {
    let f = field.clone();
    view! {
        {move || issues.of(&f).map(|m| view! { <span class="field-error" role="alert" data-field=field.clone()>{m}</span> })}
    }
}
