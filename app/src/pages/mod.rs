//! One module per route.

pub mod dev_mail;
pub mod help;
pub mod home;
pub mod not_found;
