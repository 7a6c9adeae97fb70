//! The security image picker (DESIGN §6): a radio group of pictures, each named in the current
//! language, chosen by touch, mouse or keyboard. Registration shows the whole catalogue; recovery
//! shows the registered picture among decoys, so the caller passes the list.
//!
//! It follows the WAI-ARIA radio group pattern: one tab stop (the chosen picture, or the first),
//! arrow keys move and choose with wrap-around, Home and End jump to the ends, Space and Enter
//! choose the focused picture.

use clave_domain::security_images::SecurityImageId;
use leptos::{either::Either, ev::KeyboardEvent, html, prelude::*};

use crate::i18n::{Locale, use_i18n};

/// An accessible grid of security images to choose one from.
#[component]
pub fn ImagePicker(
    /// The images to choose from, in display order.
    #[prop(into)]
    images: Signal<Vec<SecurityImageId>>,
    /// The chosen image.
    selected: RwSignal<Option<SecurityImageId>>,
    /// The visible group label, e.g. "Elija su imagen de seguridad".
    #[prop(into)]
    legend: Signal<String>,
    /// ids of elements describing the group (hint, error), for aria-describedby.
    #[prop(optional, into)]
    described_by: MaybeProp<String>,
    /// Marks the group as invalid (e.g. nothing chosen when the form was sent).
    #[prop(optional, into)]
    invalid: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let grid = NodeRef::<html::Div>::new();
    let name_of = move |id: SecurityImageId| match i18n.get_locale() {
        Locale::es => id.image().name_es,
        Locale::en => id.image().name_en,
    };
    let tab_stop = Memo::new(move |_| {
        let list = images.get();
        tab_stop(&list, selected.get().as_ref()).and_then(|i| list.get(i).copied())
    });
    let on_keydown = move |ev: KeyboardEvent, id: SecurityImageId| {
        if ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let list = images.get_untracked();
        let Some(current) = list.iter().position(|i| *i == id) else { return };
        let Some(target) = key_target(&ev.key(), current, list.len()).and_then(|i| list.get(i).copied())
        else {
            return;
        };
        ev.prevent_default();
        selected.set(Some(target));
        focus_option(grid, target);
    };

    let option = move |id: SecurityImageId| {
        view! {
            <div
                class="image-option"
                role="radio"
                data-image=id.as_str()
                aria-checked=move || (selected.get() == Some(id)).to_string()
                tabindex=move || if tab_stop.get() == Some(id) { "0" } else { "-1" }
                on:click=move |_| selected.set(Some(id))
                on:keydown=move |ev| on_keydown(ev, id)
            >
                <img class="image-option-picture" src=id.image().url() alt="" width="72" height="72" draggable="false" />
                <span class="image-option-name">{move || name_of(id)}</span>
                <CheckMark />
            </div>
        }
    };

    view! {
        <div class="image-picker">
            <fieldset
                class="image-picker-group"
                role="radiogroup"
                aria-describedby=move || described_by.get()
                aria-invalid=move || invalid.get().then_some("true")
            >
                <legend class="image-picker-legend">{move || legend.get()}</legend>
                <div class="image-picker-grid" node_ref=grid>
                    <For each=move || images.get() key=|id| *id children=option />
                </div>
            </fieldset>
            <p class="image-picker-chosen">
                {move || match selected.get() {
                    Some(id) => {
                        Either::Left(
                            view! {
                                {tr!(i18n, picker_chosen)}
                                " "
                                <strong>{move || name_of(id)}</strong>
                            },
                        )
                    }
                    None => Either::Right(tr!(i18n, picker_none)),
                }}
            </p>
        </div>
    }
}

/// The tick on the chosen picture, so the choice shows by shape and not only by colour. Hidden
/// from assistive technology: `aria-checked` already says it.
#[component]
fn CheckMark() -> impl IntoView {
    view! {
        <svg class="image-option-check" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="12" fill="currentColor" />
            <path
                d="M6.5 12.5l3.5 3.5 7.5-8"
                fill="none"
                stroke="#ffffff"
                stroke-width="2.6"
                stroke-linecap="round"
                stroke-linejoin="round"
            />
        </svg>
    }
}

/// Moves the keyboard focus to the option showing `id`, as the radio group pattern requires when
/// an arrow key chooses another option.
fn focus_option(grid: NodeRef<html::Div>, id: SecurityImageId) {
    use wasm_bindgen::JsCast as _;
    let option = grid
        .get_untracked()
        .and_then(|grid| grid.query_selector(&format!("[data-image=\"{id}\"]")).ok().flatten())
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(option) = option {
        let _ = option.focus();
    }
}

/// The index of the option a key chooses when the option at `current` of `len` has the focus, or
/// `None` for keys the group leaves to the browser. Arrows wrap around at both ends.
fn key_target(key: &str, current: usize, len: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    let current = current.min(last);
    match key {
        "ArrowRight" | "ArrowDown" => Some(if current == last { 0 } else { current + 1 }),
        "ArrowLeft" | "ArrowUp" => Some(if current == 0 { last } else { current - 1 }),
        "Home" => Some(0),
        "End" => Some(last),
        " " | "Enter" => Some(current),
        _ => None,
    }
}

/// The index of the one option reachable with Tab: the selected one if it is shown, else the
/// first; `None` when there are no options.
fn tab_stop<T: PartialEq>(items: &[T], selected: Option<&T>) -> Option<usize> {
    selected.and_then(|s| items.iter().position(|item| item == s)).or((!items.is_empty()).then_some(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_and_down_move_forward_and_wrap_to_the_first() {
        for key in ["ArrowRight", "ArrowDown"] {
            assert_eq!(key_target(key, 0, 24), Some(1));
            assert_eq!(key_target(key, 22, 24), Some(23));
            assert_eq!(key_target(key, 23, 24), Some(0));
        }
    }

    #[test]
    fn left_and_up_move_back_and_wrap_to_the_last() {
        for key in ["ArrowLeft", "ArrowUp"] {
            assert_eq!(key_target(key, 5, 24), Some(4));
            assert_eq!(key_target(key, 0, 24), Some(23));
        }
    }

    #[test]
    fn home_and_end_jump_to_the_ends() {
        assert_eq!(key_target("Home", 7, 9), Some(0));
        assert_eq!(key_target("End", 2, 9), Some(8));
    }

    #[test]
    fn space_and_enter_choose_the_focused_option() {
        assert_eq!(key_target(" ", 3, 9), Some(3));
        assert_eq!(key_target("Enter", 3, 9), Some(3));
    }

    #[test]
    fn other_keys_are_left_to_the_browser() {
        for key in ["Tab", "Escape", "a", "PageDown", "Shift"] {
            assert_eq!(key_target(key, 3, 9), None, "{key:?}");
        }
    }

    #[test]
    fn a_single_option_stays_put_and_an_empty_group_does_nothing() {
        for key in ["ArrowRight", "ArrowLeft", "Home", "End", " "] {
            assert_eq!(key_target(key, 0, 1), Some(0), "{key:?}");
            assert_eq!(key_target(key, 0, 0), None, "{key:?}");
        }
    }

    #[test]
    fn an_index_past_the_end_is_treated_as_the_last_option() {
        assert_eq!(key_target("ArrowRight", 30, 9), Some(0));
        assert_eq!(key_target("Enter", 30, 9), Some(8));
    }

    #[test]
    fn the_tab_stop_is_the_selected_option_else_the_first() {
        let items = ["perro", "gato", "sol"];
        assert_eq!(tab_stop(&items, Some(&"sol")), Some(2));
        assert_eq!(tab_stop(&items, None), Some(0));
        assert_eq!(tab_stop(&items, Some(&"luna")), Some(0));
        assert_eq!(tab_stop::<&str>(&[], None), None);
    }

    #[test]
    fn the_tab_stop_works_with_catalogue_ids() {
        let items: Vec<_> = SecurityImageId::all().take(6).collect();
        assert_eq!(tab_stop(&items, Some(&items[4])), Some(4));
    }
}
