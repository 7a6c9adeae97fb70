//! Pure domain of Clave: no I/O, no framework. The same code checks input instantly in the browser
//! and authoritatively on the server.
//!
//! - [`identification`]: the cédula and the foreigner code ([`Identification`]).
//! - [`password`]: the password policy ([`check_password`]).
//! - [`answers`]: the normal form of security answers ([`normalize_answer`]).
//! - [`audit`]: the kinds of security event ([`audit::EventKind`]).
//! - [`contact`]: email, mobile and landline numbers.
//! - [`security_images`]: the catalogue of security images ([`security_images::SecurityImageId`]).
//! - [`challenge`]: the registry challenge as the browser shows it.
//! - [`recovery`]: the "Recuperar clave" challenge and contact step as the browser shows them.
//! - [`field`]: a problem with one form field, shown at that field.
//! - [`routes`]: the public paths emails link to.
//! - [`security_questions`]: the catalogue of personal security questions.
//! - [`ventanilla`]: Ventanilla Virtual requests, cases and attachments.
//! - [`staff`]: staff roles and the questions of a video call.

pub mod answers;
pub mod audit;
pub mod birth_date;
pub mod captcha;
pub mod challenge;
pub mod contact;
pub mod field;
pub mod identification;
mod newtype;
pub mod password;
pub mod recovery;
pub mod routes;
pub mod security_images;
pub mod security_questions;
pub mod staff;
mod text;
pub mod ventanilla;

pub use answers::{AnswerError, MAX_ANSWER_CHARS, NormalizedAnswer, normalize_answer};
pub use birth_date::{BirthDate, BirthDateError};
pub use contact::{ContactError, Contacts, Email, Landline, Mobile};
pub use field::FieldProblem;
pub use identification::{
    Cedula, CedulaError, ForeignerCode, ForeignerCodeError, Identification, IdentificationError,
    IdentificationKind, SerialOutOfRange, UnknownIdentificationKind,
};
pub use password::{PasswordContext, PasswordProblem, PasswordRules, check_password};
