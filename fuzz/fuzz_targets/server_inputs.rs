//! The inputs of the server functions: a request body decoded the way `server_fn` decodes it
//! (`serde_json::from_slice` for `input = Json`, `serde_qs::Config::new(5, false)` for the default
//! url-encoded forms) into the argument types of the function, then every pure check those
//! arguments feed before any database is touched.
//!
//! The first byte picks the server function (`'A'` + index in [`FORMS`]); the rest is the body.
//! The argument structs below mirror the `#[server]` functions' parameters (same names and types:
//! the macro derives `Deserialize` for exactly those); their module and endpoint are named on each.
//!
//! Properties: nothing panics; a decoded form re-encodes and decodes to the same values; every
//! value a check accepts is in its normal form (parses again to itself, also through serde, as
//! the flow state stores it), and differs from what was typed only by the documented
//! normalisation (trimming, separators, a lower-cased email domain, `+593` → `0`); anything else
//! is an `Err`.

#![no_main]

use clave_domain::{
    BirthDate, Email, Identification, Landline, Mobile, NormalizedAnswer, PasswordContext, PasswordProblem,
    captcha::Solution,
    normalize_answer,
    recovery::DayMonth,
    security_images::SecurityImageId,
    security_questions::SecurityQuestionId,
    ventanilla::{CaseNumber, RequestType},
};
use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// How a server function's arguments arrive.
#[derive(Clone, Copy)]
enum Codec {
    /// `input = Json`.
    Json,
    /// The default `PostUrl` (and `MultipartFormData` text fields, which hold the same strings).
    Url,
}

/// Decodes a body with a codec and checks what it holds.
type Run = fn(&[u8], Codec);

/// The server functions (endpoint, codec, checks), in the order of the first input byte.
const FORMS: &[(&str, Codec, Run)] = &[
    ("generar/buscar, recuperar/buscar", Codec::Url, run::<Search>),
    ("generar/desafio", Codec::Json, run::<GenerationChallenge>),
    ("generar/datos", Codec::Json, run::<PersonalData>),
    ("recuperar/desafio", Codec::Url, run::<RecoveryChallenge>),
    ("recuperar/contactos", Codec::Json, run::<ConfirmContacts>),
    ("mi-cuenta/clave", Codec::Url, run::<ChangePassword>),
    ("mi-cuenta/contacto", Codec::Url, run::<ChangeContacts>),
    ("agentes/buscar", Codec::Url, run::<SearchAffiliate>),
    ("agentes/accion", Codec::Url, run::<PerformAction>),
    ("agentes/auditoria", Codec::Url, run::<AuditLog>),
    ("ventanilla/consultar", Codec::Url, run::<LookupCase>),
    ("ventanilla/presentar (text fields)", Codec::Url, run::<FilingFields>),
    ("agentes/videollamada/respuestas", Codec::Url, run::<AnswerCall>),
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else { return };
    let (_, codec, run) = FORMS[usize::from(first.wrapping_sub(b'A')) % FORMS.len()];
    run(body, codec);
});

/// A server function's arguments: decoded, then checked.
trait Form: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug {
    fn check(&self);
}

fn run<F: Form>(body: &[u8], codec: Codec) {
    let Some(form) = decode::<F>(body, codec) else { return };
    // What was decoded survives an encode/decode round trip unchanged.
    let again = match codec {
        Codec::Json => serde_json::to_vec(&form).ok().and_then(|b| decode::<F>(&b, codec)),
        Codec::Url => serde_qs::to_string(&form).ok().and_then(|s| decode::<F>(s.as_bytes(), codec)),
    };
    if let Some(again) = again {
        assert_eq!(again, form, "re-encoded form differs");
    }
    form.check();
}

/// As `server_fn` 0.8 decodes a request body.
fn decode<F: DeserializeOwned>(body: &[u8], codec: Codec) -> Option<F> {
    match codec {
        Codec::Json => serde_json::from_slice(body).ok(),
        Codec::Url => {
            let text = std::str::from_utf8(body).ok()?;
            serde_qs::Config::new(5, false).deserialize_str(text).ok()
        }
    }
}

// --- The argument structs (app/src/pages/**/api.rs). ---

/// `generate::api::search`, `recover::api::search`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Search {
    identification: String,
    captcha: String,
}

impl Form for Search {
    fn check(&self) {
        identification(&self.identification);
        captcha(&self.captcha);
    }
}

/// `generate::api::answer_challenge` (`input = Json`).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct GenerationChallenge {
    day: String,
    month: String,
    year: String,
    choices: Vec<(String, String)>,
}

impl Form for GenerationChallenge {
    fn check(&self) {
        // As `parse_birth_date` of the generation page.
        let (Ok(d), Ok(m), Ok(y)) =
            (self.day.trim().parse::<u8>(), self.month.trim().parse::<u8>(), self.year.trim().parse::<u16>())
        else {
            return;
        };
        if let Ok(date) = BirthDate::new(y, m, d) {
            assert_eq!((date.year(), date.month(), date.day()), (y, m, d));
            let shown = date.to_string();
            assert_eq!(shown.len(), 10, "{shown}");
            assert_eq!(DayMonth::new(d, m).map(|dm| (dm.day(), dm.month())), Ok((d, m)));
        }
    }
}

/// `generate::api::personal_data` (`input = Json`): step 3 of the generation.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct PersonalData {
    email: String,
    mobile: String,
    landline: String,
    questions: Vec<(String, String)>,
    image: String,
}

impl Form for PersonalData {
    fn check(&self) {
        contacts(&self.email, &self.mobile, &self.landline);
        if let Ok(image) = SecurityImageId::parse(&self.image) {
            assert_eq!(image.as_str(), self.image, "an image id is taken exactly as sent");
        }
        for (question, answer_text) in &self.questions {
            if let Ok(id) = SecurityQuestionId::parse(question) {
                assert_eq!(id.as_str(), question, "a question id is taken exactly as sent");
                let json = serde_json::to_string(&id).expect("serialises");
                assert_eq!(serde_json::from_str::<SecurityQuestionId>(&json).ok(), Some(id));
            }
            answer(answer_text);
        }
    }
}

/// `recover::api::answer_challenge`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct RecoveryChallenge {
    day: String,
    month: String,
    image: String,
    question: String,
    answer: String,
}

impl Form for RecoveryChallenge {
    fn check(&self) {
        let (day, month) = (self.day.trim().parse::<u8>().ok(), self.month.trim().parse::<u8>().ok());
        if let Ok(dm) = DayMonth::new(day.unwrap_or(0), month.unwrap_or(0)) {
            assert!((1..=31).contains(&dm.day()) && (1..=12).contains(&dm.month()));
        }
        let _ = SecurityImageId::parse(&self.image);
        let _ = SecurityQuestionId::parse(&self.question);
        answer(&self.answer);
    }
}

/// `recover::api::confirm_contacts` (`input = Json`): an empty field keeps what is on file.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ConfirmContacts {
    email: String,
    mobile: String,
    landline: String,
    remove_landline: bool,
}

impl Form for ConfirmContacts {
    fn check(&self) {
        for (text, parse) in
            [(&self.email, email as fn(&str)), (&self.mobile, mobile), (&self.landline, landline)]
        {
            if !text.trim().is_empty() {
                parse(text);
            }
        }
    }
}

/// `account::api::change_password`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ChangePassword {
    current: String,
    password: String,
    confirmation: String,
}

impl Form for ChangePassword {
    fn check(&self) {
        // The demo affiliate's data, plus whatever the "current" field holds as a name.
        let ctx = PasswordContext {
            identification: "1701234567".into(),
            names: vec!["María Fernanda".into(), "Ejemplo Andrade".into(), self.current.clone()],
            birth_date: BirthDate::new(1975, 4, 12).ok(),
        };
        password(&self.password, &ctx);
        if let Ok(id) = Identification::parse(&self.confirmation) {
            // A password that holds the identification is always refused.
            let ctx = PasswordContext { identification: id.as_str().into(), ..PasswordContext::default() };
            let with_id = format!("{}{}", self.password, id.as_str());
            let problems = clave_fuzz::password_policy::check(&with_id, &ctx);
            assert!(problems.contains(&PasswordProblem::ContainsIdentification), "{with_id:?}: {problems:?}");
        }
    }
}

/// `account::api::change_contacts`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ChangeContacts {
    email: String,
    mobile: String,
    landline: String,
    current: String,
}

impl Form for ChangeContacts {
    fn check(&self) {
        contacts(&self.email, &self.mobile, &self.landline);
    }
}

/// `staff::api::search_affiliate`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct SearchAffiliate {
    identification: String,
}

impl Form for SearchAffiliate {
    fn check(&self) {
        identification(&self.identification);
    }
}

/// `staff::api::perform_action`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct PerformAction {
    affiliate_id: i64,
    action: String,
    authority: String,
    authority_id: i64,
    reason: String,
    email: String,
    mobile: String,
}

impl Form for PerformAction {
    fn check(&self) {
        email(&self.email);
        if !self.mobile.trim().is_empty() {
            mobile(&self.mobile);
        }
    }
}

/// `staff::api::audit_log`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct AuditLog {
    identification: String,
    actor: String,
    kind: String,
    from: String,
    to: String,
    page: u32,
}

impl Form for AuditLog {
    fn check(&self) {
        if !self.identification.trim().is_empty() {
            identification(self.identification.trim());
        }
        for typed in [&self.from, &self.to] {
            if let Ok(date) = chrono::NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d") {
                let shown = date.format("%Y-%m-%d").to_string();
                assert_eq!(chrono::NaiveDate::parse_from_str(&shown, "%Y-%m-%d"), Ok(date), "{typed:?}");
            }
        }
    }
}

/// `ventanilla::api::lookup_case`.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct LookupCase {
    number: String,
    identification: String,
    captcha: String,
}

impl Form for LookupCase {
    fn check(&self) {
        if let Some(number) = CaseNumber::parse(&self.number) {
            let normal = number.as_str();
            assert_eq!(normal, self.number.trim().to_ascii_uppercase());
            assert_eq!(CaseNumber::parse(normal).as_ref(), Some(&number));
            let (year, sequence) = normal["VV-".len()..].split_once('-').expect("VV-YYYY-NNNNNN");
            let (year, sequence) =
                (year.parse::<i32>().expect("year"), sequence.parse::<u32>().expect("seq"));
            assert_eq!(CaseNumber::new(year, sequence), number, "the number a case of that year gets");
        }
        identification(&self.identification);
        captcha(&self.captcha);
    }
}

/// The text fields of `ventanilla::api::file_case` (a multipart form; `FilingForm`).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct FilingFields {
    request_type: String,
    contact_email: String,
    description: String,
}

impl Form for FilingFields {
    fn check(&self) {
        if let Some(kind) = RequestType::parse(self.request_type.trim()) {
            assert_eq!(kind.as_str(), self.request_type.trim());
        }
        email(&self.contact_email);
    }
}

/// `staff::api::answer_call`: the agent types the person's answers.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct AnswerCall {
    call: i64,
    answers: Vec<String>,
}

impl Form for AnswerCall {
    fn check(&self) {
        for text in &self.answers {
            answer(text);
        }
    }
}

// --- The checks, each with its properties. ---

fn identification(text: &str) {
    if let Ok(id) = Identification::parse(text) {
        assert_eq!(Identification::parse(id.as_str()).as_ref(), Ok(&id), "{text:?}");
    }
}

fn captcha(text: &str) {
    if let Ok(solution) = Solution::from_base64(text) {
        assert_eq!(Solution::from_base64(&solution.to_base64()).as_ref(), Ok(&solution));
    }
}

fn contacts(email_text: &str, mobile_text: &str, landline_text: &str) {
    let parsed = clave_domain::Contacts::parse(email_text, mobile_text, landline_text);
    match &parsed {
        Ok(c) => {
            assert_eq!(Email::parse(email_text).as_ref(), Ok(&c.email));
            assert_eq!(Mobile::parse(mobile_text).as_ref(), Ok(&c.mobile));
            assert_eq!(c.landline.is_none(), landline_text.trim().is_empty());
            // The flow state stores them as JSON and reads them back.
            let json = serde_json::to_string(c).expect("serialises");
            assert_eq!(
                serde_json::from_str::<clave_domain::Contacts>(&json).as_ref().ok(),
                Some(c),
                "{json}"
            );
        }
        Err(problems) => assert!(!problems.is_empty(), "a refusal names its fields"),
    }
    email(email_text);
    mobile(mobile_text);
    if !landline_text.trim().is_empty() {
        landline(landline_text);
    }
}

fn email(text: &str) {
    let Ok(email) = Email::parse(text) else { return };
    let normal = email.as_str();
    assert_eq!(Email::parse(normal).as_ref(), Ok(&email), "{text:?} -> {normal:?} does not parse again");
    let json = serde_json::to_string(&email).expect("serialises");
    assert_eq!(serde_json::from_str::<Email>(&json).ok().as_ref(), Some(&email), "{json}");
    assert!(normal.len() <= 254, "{} bytes", normal.len());
    // Only the domain is changed (lower-cased); the mailbox part is kept as typed.
    let (local, _) = text.trim().rsplit_once('@').expect("an accepted email has an @");
    let (kept, _) = normal.rsplit_once('@').expect("@");
    assert_eq!(kept, local);
}

/// The ASCII digits of a typed phone number.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn mobile(text: &str) {
    let Ok(mobile) = Mobile::parse(text) else { return };
    let normal = mobile.as_str();
    assert!(normal.len() == 10 && normal.starts_with("09") && normal.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(Mobile::parse(normal).as_ref(), Ok(&mobile));
    let typed = digits(text);
    assert!(typed == normal || typed == format!("593{}", &normal[1..]), "{text:?} -> {normal:?}");
}

fn landline(text: &str) {
    let Ok(landline) = Landline::parse(text) else { return };
    let normal = landline.as_str();
    assert!(normal.len() == 9 && normal.starts_with('0') && normal.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(Landline::parse(normal).as_ref(), Ok(&landline));
    let typed = digits(text);
    assert!(typed == normal || typed == format!("593{}", &normal[1..]), "{text:?} -> {normal:?}");
}

fn answer(text: &str) {
    let normal = normalize_answer(text);
    assert_eq!(normalize_answer(&normal), normal, "normalising twice changes {text:?}");
    match NormalizedAnswer::parse(text) {
        Ok(a) => {
            assert_eq!(a.as_str(), normal);
            let count = normal.chars().count();
            assert!((1..=clave_domain::MAX_ANSWER_CHARS).contains(&count));
            assert_eq!(NormalizedAnswer::parse(a.as_str()).as_ref(), Ok(&a));
        }
        Err(_) => {
            let count = normal.chars().count();
            assert!(count == 0 || count > clave_domain::MAX_ANSWER_CHARS, "{text:?} refused");
        }
    }
}

fn password(text: &str, ctx: &PasswordContext) {
    let problems = clave_fuzz::password_policy::check(text, ctx);
    if problems.is_empty() {
        let count = text.chars().count();
        assert!((8..=64).contains(&count), "{count} characters accepted");
        assert!(!text.chars().any(char::is_control));
    }
}
