//! Ventanilla upload checks: `clave_backend::ventanilla::upload::check` and `LimitedBuffer`
//! (backend/src/ventanilla/upload.rs, compiled in by `src/lib.rs`) on any bytes. The whole input
//! is the file, so a seed is a plain JPEG or PDF.
//!
//! Properties: nothing panics; the limit is exact (one byte less than the file is `TooLarge`, a
//! PDF of exactly the limit is accepted, an empty file is `Empty`); the kind comes from the magic
//! bytes only; what is stored is within the limit; an accepted JPEG is stored as a complete JPEG
//! (ends at its end-of-image marker, passes the checks again) and an accepted PDF is stored byte
//! for byte; a `LimitedBuffer` read in any chunks keeps at most `limit + 1` bytes, stops exactly
//! past the limit and gives back the bytes unchanged.

#![no_main]

use clave_domain::ventanilla::DocumentKind;
use clave_fuzz::upload::{LimitedBuffer, Refusal, TooLarge, check, jpeg_end};
use libfuzzer_sys::fuzz_target;

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PDF_MAGIC: &[u8] = b"%PDF-";
/// The production limit (README: `ventanilla.max_file_bytes`).
const MB: usize = 1_048_576;

fuzz_target!(|data: &[u8]| {
    check_document(data);
    check_buffer(data);
});

fn check_document(data: &[u8]) {
    assert_eq!(check(&[], MB), Err(Refusal::Empty));
    let Some(one_less) = data.len().checked_sub(1) else {
        assert_eq!(check(data, MB), Err(Refusal::Empty));
        return;
    };
    assert_eq!(check(data, one_less), Err(Refusal::TooLarge), "{} bytes, limit {one_less}", data.len());
    if data.len() > MB {
        assert_eq!(check(data, MB), Err(Refusal::TooLarge));
        return;
    }

    let result = check(data, MB);
    match &result {
        Ok(doc) => {
            // What is stored is within the limit too, whatever the file decodes to.
            assert!(doc.bytes.len() <= MB, "{} bytes stored from a file of {}", doc.bytes.len(), data.len());
            match doc.kind {
                DocumentKind::Jpeg => {
                    assert!(data.starts_with(JPEG_MAGIC));
                    assert_eq!(jpeg_end(data), Some(data.len()), "an accepted JPEG ends at its EOI");
                    assert!(doc.bytes.starts_with(JPEG_MAGIC), "stored bytes are a JPEG");
                    assert_eq!(jpeg_end(&doc.bytes), Some(doc.bytes.len()), "stored JPEG is complete");
                    // What is stored passes the same checks again, as the same kind.
                    let again = check(&doc.bytes, MB).map(|d| d.kind);
                    assert_eq!(again, Ok(DocumentKind::Jpeg), "re-encoded JPEG of {} bytes", doc.bytes.len());
                }
                DocumentKind::Pdf => {
                    assert!(data.starts_with(PDF_MAGIC));
                    assert_eq!(doc.bytes, data, "a PDF is stored as received");
                    assert!(data.trim_ascii_end().ends_with(b"%%EOF"));
                    // A PDF of exactly the limit is accepted.
                    assert_eq!(check(data, data.len()).map(|d| d.kind), Ok(DocumentKind::Pdf));
                }
            }
        }
        Err(refusal) => {
            assert_ne!(*refusal, Refusal::Empty);
            let magic = data.starts_with(JPEG_MAGIC) || data.starts_with(PDF_MAGIC);
            assert_eq!(*refusal == Refusal::NotJpegOrPdf, !magic, "{refusal:?}");
            if data.starts_with(JPEG_MAGIC) {
                // TooLarge: the re-encoded picture would pass the limit.
                assert!(
                    matches!(refusal, Refusal::BrokenJpeg | Refusal::Polyglot | Refusal::TooLarge),
                    "{refusal:?}"
                );
            }
            if data.starts_with(PDF_MAGIC) {
                assert!(
                    matches!(refusal, Refusal::BrokenPdf | Refusal::Polyglot | Refusal::ActiveContent),
                    "{refusal:?}"
                );
            }
        }
    }
}

/// Reads `data` through `LimitedBuffer`s of several limits, in chunks whose sizes come from the
/// data itself, as the multipart reader would.
fn check_buffer(data: &[u8]) {
    let len = data.len();
    let limits = [0, 1, len / 2, len.saturating_sub(1), len, len + 1, MB, usize::MAX - 1, usize::MAX];
    for limit in limits {
        let mut buffer = LimitedBuffer::new(limit);
        assert!(buffer.is_empty());
        let mut offered = 0usize;
        let mut seed = data.first().copied().unwrap_or(1);
        let mut rest = data;
        while !rest.is_empty() {
            seed = seed.wrapping_mul(31).wrapping_add(7);
            // Sometimes an empty chunk first (a multipart reader can yield one).
            if seed % 17 == 0 {
                assert_eq!(buffer.push(&[]), offered <= limit);
            }
            let size = usize::from(seed % 16 + 1).min(rest.len());
            let (chunk, tail) = rest.split_at(size);
            rest = tail;
            offered += size;
            let more = buffer.push(chunk);
            assert_eq!(more, offered <= limit, "after {offered} bytes at a limit of {limit}");
            assert_eq!(buffer.len(), offered.min(limit.saturating_add(1)), "limit {limit}");
            if !more {
                break;
            }
        }
        assert!(buffer.len() <= limit.saturating_add(1));
        let _ = format!("{buffer:?}");
        match buffer.finish() {
            Ok(bytes) => {
                assert!(len <= limit, "{len} bytes passed a limit of {limit}");
                assert_eq!(bytes, data, "bytes are kept unchanged");
            }
            Err(TooLarge) => assert!(len > limit, "{len} bytes refused at a limit of {limit}"),
        }
    }
}
