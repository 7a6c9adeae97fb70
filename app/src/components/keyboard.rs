//! The virtual keyboard for typing a password (DESIGN §6): a password field with its label and a
//! show/hide toggle, a polite announcement of how many characters were typed (never which), and
//! on-screen keys — the Spanish layout with ñ, digits, a symbols page, MAYÚS, space, Borrar and
//! Limpiar. The keys are one Tab stop; the arrow keys move between them.

mod layout;
mod names;
mod navigation;

use clave_domain::password::PasswordRules;
use leptos::prelude::*;

use self::layout::{
    Key, KeyOrder, LETTER_ROWS, Page, SYMBOL_ROWS, TypedCount, capped, push_capped, row_ranges, tab_stop,
    typed_count, with_caps,
};
use self::navigation::{KeyBox, Move};
use crate::i18n::{t, t_string, use_i18n};

/// A password field with an on-screen keyboard.
///
/// Every key is a `<button type="button">` whose accessible name is what it types in the current
/// mode (`a`, or `A` with MAYÚS on); symbol keys are named in words ("punto"). The keyboard never
/// reveals the characters to assistive technology: only their count is announced.
#[component]
pub fn VirtualKeyboard(
    /// id of the password field; the component renders its `<label for=id>` with `label`.
    #[prop(into)]
    id: String,
    /// The visible label of the field, e.g. "Nueva clave".
    #[prop(into)]
    label: Signal<String>,
    /// The value typed so far; the page reads it on submit.
    value: RwSignal<String>,
    /// `true`: physical typing and paste are also accepted in the field (the default policy,
    /// WCAG 2.2 SC 3.3.8). `false`: the field is read-only and only the on-screen keys type
    /// (policy `virtual_only`).
    #[prop(into)]
    allow_physical: Signal<bool>,
    /// Shuffle the order of the digit, letter and symbol keys (policy setting). The server renders
    /// the printed order; the browser shuffles after hydration, so both render the same first.
    #[prop(into)]
    shuffle: Signal<bool>,
    /// ids of elements that describe the field (hint, error message), for `aria-describedby`.
    #[prop(optional, into)]
    described_by: MaybeProp<String>,
    /// Marks the field `aria-invalid`.
    #[prop(optional, into)]
    invalid: Signal<bool>,
    /// `"new-password"` or `"current-password"`.
    autocomplete: &'static str,
    /// Most characters the field takes (the policy maximum by default).
    #[prop(default = PasswordRules::MAX_CHARS)]
    max_len: usize,
) -> impl IntoView {
    let i18n = use_i18n();
    let keyboard = Keyboard::new(value, max_len);
    let shown = RwSignal::new(false);

    // Effects run only in the browser, after hydration: the server's printed order is what the
    // browser hydrates, and the shuffle follows.
    Effect::new(move |_| {
        let order = if shuffle.get() { KeyOrder::shuffled(random_below) } else { KeyOrder::standard() };
        if keyboard.order.with_untracked(|current| *current != order) {
            keyboard.order.set(order);
        }
    });

    let on_input = move |ev: leptos::ev::Event| value.set(capped(event_target_value(&ev), max_len));
    let toggle_label = move || {
        if shown.get() { t_string!(i18n, keyboard_hide) } else { t_string!(i18n, keyboard_show) }
    };
    let count_id = format!("{id}-cuenta");

    view! {
        <div class="virtual-keyboard">
            <label for=id.clone() class="vk-label">{move || label.get()}</label>
            <div class="vk-field">
                <input
                    id=id.clone()
                    class="vk-input"
                    type=move || if shown.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    autocapitalize="off"
                    spellcheck="false"
                    maxlength=max_len.to_string()
                    readonly=move || !allow_physical.get()
                    aria-invalid=move || invalid.get().then_some("true")
                    aria-describedby=move || described_by.get()
                    prop:value=move || value.get()
                    on:input=on_input
                />
                <button
                    type="button"
                    class="vk-toggle"
                    aria-controls=id
                    aria-pressed=move || shown.get().to_string()
                    on:click=move |_| shown.update(|s| *s = !*s)
                >
                    {toggle_label}
                </button>
            </div>
            <p id=count_id class="vk-count" role="status" aria-live="polite" aria-atomic="true">
                {move || count_text(value.with(|v| v.chars().count()), max_len)}
            </p>
            {keys(keyboard)}
        </div>
    }
}

/// The keyboard's state, shared by every key.
#[derive(Clone, Copy)]
struct Keyboard {
    value: RwSignal<String>,
    max_len: usize,
    caps: RwSignal<bool>,
    page: RwSignal<Page>,
    order: RwSignal<KeyOrder>,
    /// The key that last had the focus: the keyboard's one Tab stop.
    focused: RwSignal<Key>,
}

impl Keyboard {
    fn new(value: RwSignal<String>, max_len: usize) -> Self {
        Self {
            value,
            max_len,
            caps: RwSignal::new(false),
            page: RwSignal::new(Page::Letters),
            order: RwSignal::new(KeyOrder::standard()),
            focused: RwSignal::new(Key::Digit(0)),
        }
    }

    /// What a character key types now, MAYÚS included.
    fn char_of(self, key: Key) -> Option<char> {
        let printed = self.order.with(|order| order.char_of(key))?;
        Some(with_caps(printed, self.caps.get()))
    }

    fn tabindex(self, key: Key) -> &'static str {
        if tab_stop(self.focused.get(), self.page.get()) == key { "0" } else { "-1" }
    }

    fn press(self, key: Key) {
        match key {
            Key::Caps => self.caps.update(|caps| *caps = !*caps),
            Key::Page => self.page.update(|page| *page = page.other()),
            Key::Delete => self.value.maybe_update(|value| value.pop().is_some()),
            Key::Clear => self.value.maybe_update(|value| {
                let had_any = !value.is_empty();
                value.clear();
                had_any
            }),
            Key::Space => self.type_char(' '),
            Key::Digit(_) | Key::Letter(_) | Key::Symbol(_) => {
                if let Some(c) = untrack(|| self.char_of(key)) {
                    self.type_char(c);
                }
            }
        }
    }

    fn type_char(self, c: char) {
        self.value.maybe_update(|value| push_capped(value, c, self.max_len));
    }
}

/// The on-screen keys: one Tab stop, arrows between the keys.
fn keys(keyboard: Keyboard) -> impl IntoView {
    let i18n = use_i18n();
    let page_rows = move || match keyboard.page.get() {
        Page::Letters => rows(keyboard, &LETTER_ROWS, Key::Letter).into_any(),
        Page::Symbols => rows(keyboard, &SYMBOL_ROWS, Key::Symbol).into_any(),
    };
    let page_label = move || match keyboard.page.get() {
        Page::Letters => t_string!(i18n, keyboard_symbols),
        Page::Symbols => t_string!(i18n, keyboard_letters),
    };
    view! {
        <div
            class="vk-keys"
            role="group"
            aria-label=tr!(i18n, keyboard_group)
            on:keydown=move_focus
        >
            {rows(keyboard, &[layout::DIGITS.len()], Key::Digit)}
            {page_rows}
            <div class="vk-row vk-controls">
                {control_key(keyboard, Key::Caps, tr!(i18n, keyboard_caps))}
                {control_key(keyboard, Key::Page, page_label)}
                {control_key(keyboard, Key::Delete, tr!(i18n, keyboard_delete))}
                {control_key(keyboard, Key::Clear, tr!(i18n, keyboard_clear))}
                {control_key(keyboard, Key::Space, tr!(i18n, keyboard_space))}
            </div>
        </div>
    }
}

/// Rows of character keys, `lengths[i]` keys in row `i`, the slots numbered by `key`.
fn rows(keyboard: Keyboard, lengths: &[usize], key: fn(usize) -> Key) -> impl IntoView + use<> {
    row_ranges(lengths)
        .into_iter()
        .map(|slots| {
            let row = slots.map(|slot| char_key(keyboard, key(slot))).collect_view();
            view! { <div class="vk-row">{row}</div> }
        })
        .collect_view()
}

fn char_key(keyboard: Keyboard, key: Key) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="vk-key"
            tabindex=move || keyboard.tabindex(key)
            aria-label=move || keyboard.char_of(key).and_then(|c| names::symbol_name(i18n.get_locale(), c))
            on:focus=move |_| keyboard.focused.set(key)
            on:click=move |_| keyboard.press(key)
        >
            {move || keyboard.char_of(key).map(String::from)}
        </button>
    }
}

fn control_key(
    keyboard: Keyboard,
    key: Key,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
) -> impl IntoView {
    let class = if key == Key::Space { "vk-key vk-control vk-space" } else { "vk-key vk-control" };
    view! {
        <button
            type="button"
            class=class
            tabindex=move || keyboard.tabindex(key)
            aria-pressed=move || (key == Key::Caps).then(|| keyboard.caps.get().to_string())
            on:focus=move |_| keyboard.focused.set(key)
            on:click=move |_| keyboard.press(key)
        >
            {label}
        </button>
    }
}

/// "8 caracteres escritos": the count, never the characters.
fn count_text(chars: usize, max_len: usize) -> AnyView {
    let i18n = use_i18n();
    match typed_count(chars, max_len) {
        TypedCount::None => tr!(i18n, keyboard_typed_none).into_any(),
        TypedCount::Single => tr!(i18n, keyboard_typed_single).into_any(),
        TypedCount::Several(total) => t!(i18n, keyboard_typed_several, total = move || total).into_any(),
        TypedCount::Full(total) => t!(i18n, keyboard_typed_full, total = move || total).into_any(),
    }
}

/// Arrow keys, Home and End move the focus between the keys of the group the event reached.
fn move_focus(ev: leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast as _;

    if ev.alt_key() || ev.meta_key() {
        return;
    }
    let Some(movement) = Move::from_key(&ev.key(), ev.ctrl_key()) else {
        return;
    };
    let Some(group) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return;
    };
    let Some(from) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return;
    };
    let collection = group.get_elements_by_tag_name("button");
    let keys: Vec<web_sys::HtmlElement> = (0..collection.length())
        .filter_map(|i| collection.item(i))
        .filter_map(|element| element.dyn_into().ok())
        .collect();
    let Some(index) = keys.iter().position(|key| *key == from) else {
        return;
    };
    ev.prevent_default();
    let boxes: Vec<KeyBox> = keys.iter().map(key_box).collect();
    if let Some(key) = keys.get(navigation::target(&boxes, index, movement)) {
        let _ = key.focus();
    }
}

/// Where a key is drawn. The keys share their offset parent (`.vk-keys` is positioned).
fn key_box(key: &web_sys::HtmlElement) -> KeyBox {
    KeyBox {
        left: f64::from(key.offset_left()),
        top: f64::from(key.offset_top()),
        width: f64::from(key.offset_width()),
        height: f64::from(key.offset_height()),
    }
}

/// A random number in `0..n` from the browser's `Math.random`: the shuffle hides the layout from
/// someone watching the screen; it is not a secret, so no cryptographic source is needed.
fn random_below(n: usize) -> usize {
    let pick = (web_sys::js_sys::Math::random() * n as f64) as usize;
    pick.min(n.saturating_sub(1))
}
