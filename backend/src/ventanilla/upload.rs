//! The checks every Ventanilla attachment passes on the server (DESIGN §2.5), as pure functions:
//! the size while the field is read, the type from its magic bytes (never the browser's content
//! type or the file name), JPEGs that decode and are re-encoded without EXIF or other metadata,
//! PDFs that are only a PDF, and no polyglots (a file that is also another kind of file).

use clave_domain::ventanilla::DocumentKind;
pub use clave_domain::ventanilla::Refusal;
use image::{ImageFormat, ImageReader, Limits, codecs::jpeg::JpegEncoder};

/// A field's bytes, read chunk by chunk, never holding more than `limit + 1` bytes: one byte past
/// the limit is enough to know the file is too large, so the rest is never read. Its `Debug`
/// shows sizes only: the bytes are a person's documents.
pub struct LimitedBuffer {
    limit: usize,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for LimitedBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LimitedBuffer").field("limit", &self.limit).field("size", &self.bytes.len()).finish()
    }
}

/// The field had more bytes than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl LimitedBuffer {
    pub fn new(limit: usize) -> Self {
        Self { limit, bytes: Vec::new() }
    }

    /// Appends `chunk` (only as much as fits in `limit + 1`). `false` once the field passed
    /// the limit: the caller stops reading it.
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        // Saturating: a limit of `usize::MAX` (the setting has no upper bound) must not overflow.
        let room = self.limit.saturating_add(1).saturating_sub(self.bytes.len());
        self.bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        self.bytes.len() <= self.limit
    }

    /// How many bytes are held.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bytes, or [`TooLarge`] when the field passed the limit.
    pub fn finish(self) -> Result<Vec<u8>, TooLarge> {
        if self.bytes.len() > self.limit { Err(TooLarge) } else { Ok(self.bytes) }
    }
}

/// An attachment that passed every check, as it will be stored.
#[derive(Clone, PartialEq, Eq)]
pub struct CheckedDocument {
    pub kind: DocumentKind,
    /// For a JPEG, the re-encoded image (no metadata); for a PDF, the bytes as received.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for CheckedDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedDocument").field("kind", &self.kind).field("size", &self.bytes.len()).finish()
    }
}

/// Largest picture decoded: a 1 MB JPEG can claim any size, and decoding allocates for it.
const MAX_SIDE: u32 = 10_000;
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;
/// Quality of the re-encoded JPEG: a cédula stays legible, the file stays small.
const JPEG_QUALITY: u8 = 88;

/// Every check of one attachment of at most `max_bytes`. CPU-bound (a JPEG is decoded): call it
/// on the blocking pool.
pub fn check(bytes: &[u8], max_bytes: usize) -> Result<CheckedDocument, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(Refusal::TooLarge);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        check_jpeg(bytes, max_bytes).map(|bytes| CheckedDocument { kind: DocumentKind::Jpeg, bytes })
    } else if bytes.starts_with(b"%PDF-") {
        check_pdf(bytes)?;
        Ok(CheckedDocument { kind: DocumentKind::Pdf, bytes: bytes.to_vec() })
    } else {
        Err(Refusal::NotJpegOrPdf)
    }
}

/// A JPEG must end exactly at its end-of-image marker, carry no PDF, and decode; what is stored
/// is the decoded picture encoded again, so EXIF (GPS position, camera), comments and any other
/// segment of the original are gone. The stored picture is held to `max_bytes` too: a few hundred
/// bytes can decode to a large noisy picture whose re-encoding is far larger (fuzzing found a
/// 634-byte file that became 84 MB), so the encoding stops as soon as it passes the limit.
fn check_jpeg(bytes: &[u8], max_bytes: usize) -> Result<Vec<u8>, Refusal> {
    let end = jpeg_end(bytes).ok_or(Refusal::BrokenJpeg)?;
    if end != bytes.len() || contains(bytes, b"%PDF") {
        return Err(Refusal::Polyglot);
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), ImageFormat::Jpeg);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let picture = reader.decode().map_err(|_| Refusal::BrokenJpeg)?.to_rgb8();
    let mut out = BoundedWriter { bytes: Vec::with_capacity(bytes.len()), max_bytes, passed: false };
    let encoded = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&picture);
    match encoded {
        Ok(()) => Ok(out.bytes),
        Err(_) if out.passed => Err(Refusal::TooLarge),
        Err(_) => Err(Refusal::BrokenJpeg),
    }
}

/// Collects the re-encoded JPEG and fails the write that would take it past `max_bytes`.
struct BoundedWriter {
    bytes: Vec<u8>,
    max_bytes: usize,
    /// A write was refused for the limit.
    passed: bool,
}

impl std::io::Write for BoundedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > self.max_bytes {
            self.passed = true;
            return Err(std::io::Error::other("the re-encoded picture passes the size limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The offset just past the end-of-image marker of the JPEG at the start of `bytes`, walking its
/// segments (and the entropy-coded data after each start-of-scan); `None` when it is cut short or
/// malformed.
pub fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        while *bytes.get(i)? == 0xFF {
            i += 1;
        }
        let marker = bytes[i];
        i += 1;
        match marker {
            0xD9 => return Some(i),
            0xD0..=0xD7 | 0x01 => continue,
            0x00 => return None,
            _ => {
                let length = usize::from(u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]));
                if length < 2 || i + length > bytes.len() {
                    return None;
                }
                i += length;
                if marker == 0xDA {
                    i = scan_end(bytes, i)?;
                }
            }
        }
    }
}

/// Past the entropy-coded data that starts at `i`: to the next marker that is neither a stuffed
/// zero nor a restart.
fn scan_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        if *bytes.get(i)? == 0xFF {
            match *bytes.get(i + 1)? {
                0x00 | 0xD0..=0xD7 => i += 2,
                0xFF => i += 1,
                _ => return Some(i),
            }
        } else {
            i += 1;
        }
    }
}

/// Names that make a PDF do something when it is opened or let it carry other files:
/// `/JavaScript` and `/JS` (scripts), `/OpenAction` and `/AA` (actions run on opening or on
/// events), `/Launch` (runs a program), `/EmbeddedFile(s)` (files inside), `/RichMedia` (Flash
/// and video), `/XFA` (scripted forms), `/SubmitForm` and `/ImportData` (send or load data),
/// `/GoToR` and `/GoToE` (open other documents). A cédula scan needs none of them.
///
/// The names are read after decoding `#xx` escapes (`/J#61vaScript` is `/JavaScript`). Names
/// inside compressed object streams are not seen: that is why the staff queue serves a PDF
/// only as a download with `Content-Security-Policy: sandbox`, never rendered in the site's origin.
const ACTIVE_NAMES: &[&[u8]] = &[
    b"JavaScript",
    b"JS",
    b"OpenAction",
    b"AA",
    b"Launch",
    b"EmbeddedFile",
    b"EmbeddedFiles",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
    b"GoToR",
    b"GoToE",
];

/// Markers of HTML a browser would run if the file were ever served as a page.
const HTML_MARKERS: &[&[u8]] = &[b"<script", b"<html", b"<!doctype", b"<iframe", b"<svg"];

/// A ZIP's end-of-central-directory record; ZIP readers look for it near the end of a file.
const ZIP_END: &[u8] = b"PK\x05\x06";
const ZIP_END_WINDOW: usize = 65_557;

fn check_pdf(bytes: &[u8]) -> Result<(), Refusal> {
    let trimmed = bytes.trim_ascii_end();
    if !trimmed.ends_with(b"%%EOF") {
        return Err(Refusal::BrokenPdf);
    }
    let lower = bytes.to_ascii_lowercase();
    let tail = &bytes[bytes.len().saturating_sub(ZIP_END_WINDOW)..];
    // A file that starts as a JPEG, PNG, ZIP or HTML never gets here (the magic bytes decide);
    // what is left is another format hidden inside. JPEG streams inside a PDF are legitimate
    // (a scanner's PDF is one), so only what a browser or an unzipper would act on is refused.
    if HTML_MARKERS.iter().any(|m| contains(&lower, m)) || contains(tail, ZIP_END) {
        return Err(Refusal::Polyglot);
    }
    if pdf_names(bytes).any(|name| ACTIVE_NAMES.contains(&name.as_slice())) {
        return Err(Refusal::ActiveContent);
    }
    Ok(())
}

/// Every name token (`/Name`) of a PDF, `#xx` escapes decoded.
fn pdf_names(bytes: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let is_delimiter = |b: u8| b.is_ascii_whitespace() || b"()<>[]{}/%\0".contains(&b);
    bytes.iter().enumerate().filter(|&(_, &b)| b == b'/').map(move |(start, _)| {
        let mut name = Vec::new();
        let mut i = start + 1;
        while let Some(&b) = bytes.get(i) {
            if is_delimiter(b) {
                break;
            }
            let escaped = (b == b'#')
                .then(|| bytes.get(i + 1..i + 3))
                .flatten()
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            match escaped {
                Some(decoded) => {
                    name.push(decoded);
                    i += 3;
                }
                None => {
                    name.push(b);
                    i += 1;
                }
            }
        }
        name
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests;
