//! Contact data the institute writes to: email, mobile and landline numbers (Ecuador).

use serde::{Deserialize, Serialize};

/// Why a contact value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("{}", self.message_es())]
    InvalidEmail,
    #[error("{}", self.message_es())]
    InvalidMobile,
    #[error("{}", self.message_es())]
    InvalidLandline,
}

impl ContactError {
    /// The message in Spanish (Ecuador).
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::InvalidEmail => "Escriba un correo electrónico válido, por ejemplo nombre@correo.com.",
            Self::InvalidMobile => "El celular debe tener 10 dígitos y empezar con 09.",
            Self::InvalidLandline => {
                "El teléfono convencional debe tener 9 dígitos con el código de provincia, por ejemplo 022345678."
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::InvalidEmail => "Enter a valid email address, for example name@mail.com.",
            Self::InvalidMobile => "The mobile number must have 10 digits and start with 09.",
            Self::InvalidLandline => {
                "The landline must have 9 digits including the area code, for example 022345678."
            }
        }
    }
}

/// An email address, trimmed, with its domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let trimmed = input.trim();
        if trimmed.len() > 254 {
            return Err(ContactError::InvalidEmail);
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(ContactError::InvalidEmail)?;
        // The rules are checked on the stored form too, so that it parses again to itself:
        // lower-casing can add a combining mark (`İ` → `i̇`) or bytes (`Ⱥ` → `ⱥ`).
        let domain = domain.to_lowercase();
        let email = format!("{local}@{domain}");
        if email.len() > 254 || !email_address::EmailAddress::is_valid(&email) {
            return Err(ContactError::InvalidEmail);
        }
        // Only dotted public domains receive the institute's mail.
        let labels_ok = domain.split('.').count() >= 2
            && domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
        if local.starts_with('"') || !labels_ok {
            return Err(ContactError::InvalidEmail);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `j***@gmail.com`: enough for the owner to recognise it, not enough to harvest it.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

/// An Ecuadorian mobile number, normalised to `09XXXXXXXX` (`+593 9…` is accepted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mobile(String);

impl Mobile {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let digits = phone_digits(input).ok_or(ContactError::InvalidMobile)?;
        let national = match digits.strip_prefix("593") {
            Some(rest) if input.trim_start().starts_with('+') || digits.len() == 12 => format!("0{rest}"),
            _ => digits,
        };
        if national.len() == 10 && national.starts_with("09") {
            Ok(Self(national))
        } else {
            Err(ContactError::InvalidMobile)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `09******78`.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 2, 2)
    }
}

/// An Ecuadorian landline with its province code, normalised to `0XXXXXXXX` (9 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Landline(String);

impl Landline {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let digits = phone_digits(input).ok_or(ContactError::InvalidLandline)?;
        let national = match digits.strip_prefix("593") {
            Some(rest) if digits.len() == 11 => format!("0{rest}"),
            _ => digits,
        };
        let area_ok = national.as_bytes().get(1).is_some_and(|d| (b'2'..=b'7').contains(d));
        if national.len() == 9 && national.starts_with('0') && area_ok {
            Ok(Self(national))
        } else {
            Err(ContactError::InvalidLandline)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `02*****78`.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 2, 2)
    }
}

/// Digits of a phone number written with spaces, dashes, dots, parentheses or a leading `+`.
fn phone_digits(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (!digits.is_empty()).then_some(digits)
}

fn mask_middle(s: &str, keep_start: usize, keep_end: usize) -> String {
    let n = s.chars().count();
    s.chars().enumerate().map(|(i, c)| if i < keep_start || i + keep_end >= n { c } else { '*' }).collect()
}

crate::newtype::parsed_string!(Email: ContactError, Mobile: ContactError, Landline: ContactError);

/// The contact data of a security profile: email, mobile and an optional landline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contacts {
    pub email: Email,
    pub mobile: Mobile,
    pub landline: Option<Landline>,
}

impl Contacts {
    /// Contact data as typed, every problem at its field (`email`, `mobile`, `landline`); an
    /// empty landline is none.
    pub fn parse(email: &str, mobile: &str, landline: &str) -> Result<Self, Vec<crate::FieldProblem>> {
        let mut problems = Vec::new();
        let mut field = |name: &str, e: ContactError| {
            problems.push(crate::FieldProblem::new(name, e.message_es(), e.message_en()));
        };
        let email = Email::parse(email).map_err(|e| field("email", e)).ok();
        let mobile = Mobile::parse(mobile).map_err(|e| field("mobile", e)).ok();
        let landline = match landline.trim() {
            "" => Some(None),
            typed => Landline::parse(typed).map(Some).map_err(|e| field("landline", e)).ok(),
        };
        match (email, mobile, landline) {
            (Some(email), Some(mobile), Some(landline)) => Ok(Self { email, mobile, landline }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_their_domain_lowercased() {
        assert_eq!(
            Email::parse("  Maria.Perez@Correo.EXAMPLE ").unwrap().as_str(),
            "Maria.Perez@correo.example"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "maria",
            "maria@",
            "@correo.ec",
            "maria@correo",
            "ma ria@correo.ec",
            "a@b..ec",
            "\"x\"@correo.ec",
        ] {
            assert_eq!(Email::parse(bad), Err(ContactError::InvalidEmail), "{bad:?}");
        }
    }

    #[test]
    fn a_masked_email_keeps_the_first_letter_and_the_domain() {
        assert_eq!(Email::parse("juana@gmail.com").unwrap().masked(), "j***@gmail.com");
    }

    #[test]
    fn mobiles_accept_the_international_form_and_separators() {
        for ok in ["0991234567", "099 123 4567", "099-123-4567", "+593 99 123 4567", "593991234567"] {
            assert_eq!(Mobile::parse(ok).unwrap().as_str(), "0991234567", "{ok:?}");
        }
        for bad in ["", "0291234567", "099123456", "09912345678", "09912x4567"] {
            assert_eq!(Mobile::parse(bad), Err(ContactError::InvalidMobile), "{bad:?}");
        }
        assert_eq!(Mobile::parse("0991234567").unwrap().masked(), "09******67");
    }

    #[test]
    fn landlines_need_a_province_code() {
        for ok in ["022345678", "02 234 5678", "(04) 234-5678", "+593 2 234 5678"] {
            assert!(Landline::parse(ok).is_ok(), "{ok:?}");
        }
        for bad in ["", "2345678", "012345678", "082345678", "0991234567"] {
            assert_eq!(Landline::parse(bad), Err(ContactError::InvalidLandline), "{bad:?}");
        }
    }
}
