//! Reading a submitted form: the browser keeps the values of plain inputs, and the submit handler
//! takes them from the form's `FormData` by name.

use leptos::ev::SubmitEvent;
use wasm_bindgen::JsCast as _;

/// The values of a submitted form, by field name.
pub struct FormValues(Option<web_sys::FormData>);

impl FormValues {
    /// Stops the browser's own submission and reads the form that was submitted.
    pub fn take(ev: &SubmitEvent) -> Self {
        ev.prevent_default();
        let form = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
        Self(form.and_then(|f| web_sys::FormData::new_with_form(&f).ok()))
    }

    /// The value of field `name`; empty when it is missing (an unticked radio group).
    pub fn get(&self, name: &str) -> String {
        self.0.as_ref().and_then(|data| data.get(name).as_string()).unwrap_or_default()
    }
}

/// After a refused submission: once the errors are drawn, moves the focus to the first field
/// marked invalid, so a screen reader announces that field and its message and a keyboard user
/// continues there.
pub fn focus_first_invalid() {
    leptos::prelude::request_animation_frame(|| {
        let first = leptos::prelude::document().query_selector("[aria-invalid='true']").ok().flatten();
        if let Some(element) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}
