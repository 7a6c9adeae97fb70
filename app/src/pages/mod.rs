//! One module per route.

pub mod account;
pub mod activate;
pub mod dev_mail;
pub mod generate;
pub mod help;
pub mod home;
pub mod login;
pub mod not_found;
pub mod not_me;
pub mod queue;
pub mod recover;
pub mod reset;
pub mod staff;
pub mod unlock;
pub mod ventanilla;
