//! Reusable pieces of the interface.

pub mod captcha;
pub mod failure;
pub mod field;
pub mod form;
pub mod fragment;
pub mod identification;
pub mod image_picker;
pub mod in_browser;
pub mod keyboard;
pub mod layout;
pub mod password;
pub mod wizard;
