//! Pure domain of Clave: no I/O, no framework. The same code checks input instantly in the browser
//! and authoritatively on the server.
//!
//! - [`identification`]: the cédula and the foreigner code ([`Identification`]).
//! - [`password`]: the password policy ([`check_password`]).
//! - [`answers`]: the normal form of security answers ([`normalize_answer`]).
//! - [`contact`]: email, mobile and landline numbers.

pub mod answers;
pub mod birth_date;
pub mod captcha;
pub mod contact;
pub mod identification;
mod newtype;
pub mod password;
mod text;

pub use answers::{AnswerError, MAX_ANSWER_CHARS, NormalizedAnswer, normalize_answer};
pub use birth_date::{BirthDate, BirthDateError};
pub use contact::{ContactError, Email, Landline, Mobile};
pub use identification::{
    Cedula, CedulaError, ForeignerCode, ForeignerCodeError, Identification, IdentificationError,
    IdentificationKind, SerialOutOfRange, UnknownIdentificationKind,
};
pub use password::{PasswordContext, PasswordProblem, PasswordRules, check_password};
