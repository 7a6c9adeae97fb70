//! Reusable pieces of the interface.

pub mod captcha;
pub mod layout;
