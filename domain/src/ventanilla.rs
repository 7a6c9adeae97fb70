//! Ventanilla Virtual (DESIGN §2.5): the kinds of request, the status of a case, its number and
//! the three attachments, shared by the public pages, the staff queue and the server.

use serde::{Deserialize, Serialize};

use crate::FieldProblem;

/// What the person asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestType {
    /// Unlock a locked clave.
    Desbloqueo,
    /// Clear the generation/recovery blocks and unlock.
    Recuperacion,
    /// Replace the email on file by the case's contact email.
    ActualizacionCorreo,
}

impl RequestType {
    pub const ALL: [Self; 3] = [Self::Desbloqueo, Self::Recuperacion, Self::ActualizacionCorreo];

    /// As stored and as sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desbloqueo => "desbloqueo",
            Self::Recuperacion => "recuperacion",
            Self::ActualizacionCorreo => "actualizacion_correo",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == value)
    }

    pub fn label_es(self) -> &'static str {
        match self {
            Self::Desbloqueo => "Desbloqueo de clave",
            Self::Recuperacion => "Recuperación de clave",
            Self::ActualizacionCorreo => "Actualización de correo electrónico",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Desbloqueo => "Unlock my clave",
            Self::Recuperacion => "Recover my clave",
            Self::ActualizacionCorreo => "Update my email address",
        }
    }
}

/// Where a case is: `Recibido` → (`EnRevision`) → `Aprobado` | `Rechazado`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseStatus {
    Recibido,
    EnRevision,
    Aprobado,
    Rechazado,
}

impl CaseStatus {
    pub const ALL: [Self; 4] = [Self::Recibido, Self::EnRevision, Self::Aprobado, Self::Rechazado];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recibido => "recibido",
            Self::EnRevision => "en_revision",
            Self::Aprobado => "aprobado",
            Self::Rechazado => "rechazado",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Still waiting for a decision.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Recibido | Self::EnRevision)
    }
}

/// A case number, `VV-YYYY-NNNNNN`: the year the case was filed (Ecuador time) and its
/// sequence within that year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaseNumber(String);

impl CaseNumber {
    /// The number of the `sequence`-th case of `year`.
    pub fn new(year: i32, sequence: u32) -> Self {
        Self(format!("VV-{year:04}-{sequence:06}"))
    }

    /// Reads a number as a person types it (spaces around, lower case allowed).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim().to_ascii_uppercase();
        let rest = value.strip_prefix("VV-")?;
        let (year, sequence) = rest.split_once('-')?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        (digits(year, 4) && digits(sequence, 6)).then_some(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The three attachments of a case (guide 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Slot {
    CedulaAnverso,
    CedulaReverso,
    Selfie,
}

impl Slot {
    pub const ALL: [Self; 3] = [Self::CedulaAnverso, Self::CedulaReverso, Self::Selfie];

    /// The form field's name, the stored value and the last segment of the document's URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CedulaAnverso => "anverso",
            Self::CedulaReverso => "reverso",
            Self::Selfie => "selfie",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The field's name in messages ("Cédula (anverso): …").
    pub fn label_es(self) -> &'static str {
        match self {
            Self::CedulaAnverso => "Cédula (anverso)",
            Self::CedulaReverso => "Cédula (reverso)",
            Self::Selfie => "Selfie con la cédula",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::CedulaAnverso => "ID card (front)",
            Self::CedulaReverso => "ID card (back)",
            Self::Selfie => "Selfie holding the ID card",
        }
    }
}

/// What an accepted attachment is, from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    Jpeg,
    Pdf,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Pdf => "pdf",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Jpeg, Self::Pdf].into_iter().find(|k| k.as_str() == value)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Pdf => "application/pdf",
        }
    }
}

/// Why an attachment was refused (the server decides; the browser pre-checks size and name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// No file, or a file of 0 bytes.
    Empty,
    /// More bytes than the limit.
    TooLarge,
    /// Neither a JPEG nor a PDF by its first bytes (a PNG renamed `.jpg` lands here).
    NotJpegOrPdf,
    /// A JPEG that is cut short or does not decode.
    BrokenJpeg,
    /// A PDF without its `%%EOF` end.
    BrokenPdf,
    /// A PDF with active content (scripts, actions run on opening, launched or embedded files).
    ActiveContent,
    /// A file that is also another kind of file: data after a JPEG's end, a PDF inside a JPEG,
    /// HTML or a ZIP inside a PDF.
    Polyglot,
}

impl Refusal {
    /// The message shown at the field: it names the field and the rule.
    pub fn problem(self, slot: Slot, max_bytes: usize) -> FieldProblem {
        let size = size_text(max_bytes);
        let rule_es = format!("solo se aceptan archivos JPG o PDF de hasta {size}.");
        let rule_en = format!("only JPG or PDF files of up to {size} are accepted.");
        let (es, en) = match self {
            Self::Empty => (format!("adjunte el archivo; {rule_es}"), format!("attach the file; {rule_en}")),
            Self::TooLarge => (
                format!("el archivo pasa de {size}; {rule_es}"),
                format!("the file is larger than {size}; {rule_en}"),
            ),
            Self::NotJpegOrPdf => (rule_es, rule_en),
            Self::BrokenJpeg => (
                format!("la imagen está dañada o incompleta; {rule_es}"),
                format!("the image is damaged or incomplete; {rule_en}"),
            ),
            Self::BrokenPdf => (
                format!("el PDF está dañado o incompleto; {rule_es}"),
                format!("the PDF is damaged or incomplete; {rule_en}"),
            ),
            Self::ActiveContent => (
                format!("el PDF contiene contenido activo (scripts o acciones) y no se acepta; {rule_es}"),
                format!("the PDF has active content (scripts or actions) and is not accepted; {rule_en}"),
            ),
            Self::Polyglot => (
                format!("el archivo contiene datos de otro tipo de archivo; {rule_es}"),
                format!("the file carries data of another kind of file; {rule_en}"),
            ),
        };
        FieldProblem {
            field: slot.as_str().to_owned(),
            message_es: format!("{}: {es}", slot.label_es()),
            message_en: format!("{}: {en}", slot.label_en()),
        }
    }

    /// What the browser can tell before sending: the size, and a name that is not `.jpg`,
    /// `.jpeg` or `.pdf`. The server checks the bytes whatever the browser said.
    pub fn precheck(file_name: &str, size: usize, max_bytes: usize) -> Option<Self> {
        let name = file_name.to_ascii_lowercase();
        if size == 0 {
            Some(Self::Empty)
        } else if size > max_bytes {
            Some(Self::TooLarge)
        } else if ![".jpg", ".jpeg", ".pdf"].iter().any(|ext| name.ends_with(ext)) {
            Some(Self::NotJpegOrPdf)
        } else {
            None
        }
    }
}

/// A limit in bytes as people read it: "1 MB", "512 KB".
pub fn size_text(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_have_the_year_and_six_digits_and_read_back_as_typed() {
        let number = CaseNumber::new(2026, 123);
        assert_eq!(number.as_str(), "VV-2026-000123");
        assert_eq!(CaseNumber::parse(" vv-2026-000123 "), Some(number));
        for bad in ["VV-2026-123", "VV-26-000123", "XX-2026-000123", "VV-2026-00012a", "", "VV-2026"] {
            assert_eq!(CaseNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_code_reads_back() {
        for t in RequestType::ALL {
            assert_eq!(RequestType::parse(t.as_str()), Some(t));
        }
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()), Some(s));
        }
        for s in Slot::ALL {
            assert_eq!(Slot::parse(s.as_str()), Some(s));
        }
        assert!(CaseStatus::EnRevision.is_open() && !CaseStatus::Aprobado.is_open());
    }

    #[test]
    fn the_browser_precheck_looks_at_size_and_name_only() {
        assert_eq!(Refusal::precheck("cedula.JPG", 10, 100), None);
        assert_eq!(Refusal::precheck("cedula.pdf", 101, 100), Some(Refusal::TooLarge));
        assert_eq!(Refusal::precheck("cedula.png", 10, 100), Some(Refusal::NotJpegOrPdf));
        assert_eq!(Refusal::precheck("cedula.jpg", 0, 100), Some(Refusal::Empty));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(1_048_576), "1 MB");
        assert_eq!(size_text(512 * 1024), "512 KB");
        assert_eq!(size_text(1_572_864), "1.5 MB");
    }
}
