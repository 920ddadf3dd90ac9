//! The public "cancel contract here" page (issue 39): one form, no script,
//! no sign-in and nothing before it, in the visitor's language. Each wrong
//! field is named beside itself; the final button fits a 360×640 phone's
//! first screen.

use std::collections::HashMap;

use holdfast_core::declaration::PublicProduct;
use holdfast_core::i18n::{Key, Text};
use holdfast_core::locale::Locale;
use holdfast_core::validation::FieldIssue;
use maud::{html, Markup};

/// Small, and hashed into the page's policy: the date and the reason show
/// (by CSS, without script) once their choice is picked.
pub const CSS: &str = "*{box-sizing:border-box}body{font:15px/1.4 system-ui,sans-serif;color:#1f2328;margin:0}.page{max-width:560px;margin:0 auto;padding:12px 16px}.brand{font-weight:600;color:#59636e;margin:0}h1{font-size:1.3rem;margin:4px 0}p{margin:4px 0}.intro{color:#59636e;font-size:.9rem}label,legend{display:block;font-weight:600;font-size:.9rem}.field{margin:6px 0}input,select,textarea{width:100%;font:inherit;padding:6px 8px;border:1px solid #8c959f;border-radius:6px}fieldset{border:0;padding:0;margin:6px 0}.choice{display:flex;gap:8px;align-items:flex-start;font-weight:400;margin:2px 0}.choice input{width:auto;margin-top:3px}.more{display:none;margin:2px 0 4px 24px}fieldset:has(#when-date:checked) .date,fieldset:has(#kind-extra:checked) .reason{display:block}[aria-invalid=true]{border-color:#cf222e}.error{color:#cf222e;font-size:.85rem}.alert{border:1px solid #cf222e;border-radius:6px;padding:8px;color:#cf222e}button{width:100%;margin-top:8px;padding:10px;font:inherit;font-weight:600;color:#fff;background:#cf222e;border:0;border-radius:6px}:focus-visible{outline:3px solid #0969da;outline-offset:2px}";

/// What the page shows.
pub struct Form<'a> {
    pub brand: &'a str,
    pub locale: Locale,
    pub products: &'a [PublicProduct],
    pub nonce: &'a str,
    /// What was posted, shown again with its errors.
    pub values: &'a HashMap<String, String>,
    pub issues: &'a [FieldIssue],
    /// A message above the button (too many declarations).
    pub alert: Option<&'a str>,
}

pub fn page(f: &Form<'_>) -> String {
    let t = Text::of(f.locale);
    let heading = t.get(Key::EntryLink);
    let main = html! {
        main.page {
            p.brand { (f.brand) }
            h1 { (heading) }
            p.intro { (t.get(Key::PublicIntro)) }
            form method="post" novalidate {
                input type="hidden" name="nonce" value=(f.nonce);
                (input(f, &t, "name", Key::NameLabel, "text", "name", true))
                (input(f, &t, "email", Key::EmailLabel, "email", "email", true))
                (input(f, &t, "number", Key::NumberLabel, "text", "off", false))
                @if !f.products.is_empty() {
                    (products(f, &t))
                }
                (kind(f, &t))
                @if let Some(m) = f.alert {
                    p.alert role="alert" data-testid="form-alert" { (m) }
                }
                button type="submit" data-testid="cancel-button" { (t.get(Key::DirectButton)) }
            }
        }
    };
    super::document(f.locale, &format!("{heading} · {}", f.brand), CSS, main)
}

fn value<'a>(f: &'a Form<'_>, name: &str) -> &'a str {
    f.values.get(name).map_or("", String::as_str)
}

fn issue<'a>(f: &'a Form<'_>, name: &str) -> Option<&'a str> {
    f.issues
        .iter()
        .find(|i| i.field == name)
        .map(|i| i.message.as_str())
}

/// The error beside a field, tied to it for screen readers.
fn error(f: &Form<'_>, name: &str) -> Markup {
    html! {
        @if let Some(m) = issue(f, name) {
            p.error id={ (name) "-error" } data-testid={ "error-" (name) } { (m) }
        }
    }
}

fn input(
    f: &Form<'_>,
    t: &Text,
    name: &str,
    label: Key,
    kind: &str,
    autocomplete: &str,
    required: bool,
) -> Markup {
    let bad = issue(f, name).is_some();
    html! {
        div.field {
            label for=(name) { (t.get(label)) }
            input id=(name) type=(kind) name=(name) value=(value(f, name)) autocomplete=(autocomplete)
                required[required] aria-invalid=[bad.then_some("true")]
                aria-describedby=[bad.then(|| format!("{name}-error"))];
            (error(f, name))
        }
    }
}

fn products(f: &Form<'_>, t: &Text) -> Markup {
    let chosen = value(f, "product");
    html! {
        div.field {
            label for="product" { (t.get(Key::ProductLabel)) }
            select id="product" name="product" {
                option value="" { (t.get(Key::ProductAny)) }
                @for p in f.products {
                    option value=(p.id) selected[chosen == p.id] { (p.name) }
                }
            }
            (error(f, "product"))
        }
    }
}

/// Ordinary (at the next possible date, or a chosen one) or extraordinary
/// with its reason.
fn kind(f: &Form<'_>, t: &Text) -> Markup {
    let chosen = value(f, "choice");
    let choice = |id: &str, val: &str, label: &str| {
        let checked = chosen == val || (chosen.is_empty() && val == "next");
        html! {
            label.choice {
                input id=(id) type="radio" name="choice" value=(val) checked[checked];
                span { (label) }
            }
        }
    };
    html! {
        fieldset {
            legend { (t.get(Key::KindLegend)) }
            (choice("when-next", "next", t.get(Key::OrdinaryNext)))
            (choice("when-date", "date", t.get(Key::OrdinaryOnDate)))
            div.more.date {
                label for="date" { (t.get(Key::DateLabel)) }
                input id="date" type="date" name="date" value=(value(f, "date"))
                    aria-invalid=[issue(f, "date").is_some().then_some("true")];
                (error(f, "date"))
            }
            (choice("kind-extra", "extraordinary", t.get(Key::Extraordinary)))
            div.more.reason {
                label for="reason" { (t.get(Key::ExtraordinaryReason)) }
                textarea id="reason" name="reason" rows="3" maxlength="2000"
                    aria-invalid=[issue(f, "reason").is_some().then_some("true")] { (value(f, "reason")) }
                (error(f, "reason"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>(
        values: &'a HashMap<String, String>,
        issues: &'a [FieldIssue],
        products: &'a [PublicProduct],
    ) -> Form<'a> {
        Form {
            brand: "A&B <Shop>",
            locale: Locale::De,
            products,
            nonce: "n0nce",
            values,
            issues,
            alert: None,
        }
    }

    #[test]
    fn the_form_is_german_escaped_and_names_each_wrong_field_beside_itself() {
        let values: HashMap<String, String> = [("name", "<b>Grete</b>"), ("choice", "date")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let issues = [FieldIssue::new(
            "date",
            "Bitte wählen Sie ein Datum ab heute.",
        )];
        let products = [PublicProduct {
            id: "prod_1".to_owned(),
            name: "Pro \"Plus\"".to_owned(),
        }];
        let html = page(&form(&values, &issues, &products));
        assert!(html.contains(r#"<html lang="de" dir="ltr">"#), "{html}");
        assert!(html.contains("<h1>Verträge hier kündigen</h1>"));
        assert!(html.contains(">Jetzt kündigen</button>"));
        assert!(html.contains("A&amp;B &lt;Shop&gt;"));
        assert!(
            html.contains(r#"value="&lt;b&gt;Grete&lt;/b&gt;""#),
            "{html}"
        );
        assert!(html.contains(r#"<option value="prod_1">Pro &quot;Plus&quot;</option>"#));
        assert!(
            html.contains(r#"id="when-date" type="radio" name="choice" value="date" checked"#),
            "{html}"
        );
        assert!(
            html.contains(r#"data-testid="error-date">Bitte wählen Sie ein Datum ab heute.</p>"#)
        );
        assert!(
            !html.contains("error-name") && !html.contains("<script"),
            "{html}"
        );
    }

    #[test]
    fn without_products_there_is_no_choice_of_contract() {
        let html = page(&form(&HashMap::new(), &[], &[]));
        assert!(!html.contains(r#"name="product""#));
        assert!(
            html.contains(r#"value="next" checked"#),
            "ordinary at the next date by default"
        );
    }
}
