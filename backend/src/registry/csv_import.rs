//! Parsing of the registry CSV. Every bad line is reported with its number and reason; a file
//! with any bad line imports nothing.

use std::collections::HashMap;

use chrono::{Datelike as _, NaiveDate};
use clave_domain::{
    Identification, IdentificationKind,
    contact::{Email, Landline, Mobile},
};
use serde::Deserialize;

use super::Affiliate;

/// One refused line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "línea {}: {}", self.line, self.reason)
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub dry_run: bool,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} nuevos, {} actualizados, {} sin cambios", self.inserted, self.updated, self.unchanged)?;
        if self.dry_run {
            f.write_str(" (simulación: no se guardó nada)")?;
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
struct RawRow {
    tipo_identificacion: String,
    numero_identificacion: String,
    nombres: String,
    apellidos: String,
    fecha_nacimiento: String,
    correo: String,
    celular: String,
    convencional: String,
    empleador: String,
    fecha_primer_aporte: String,
    huella_registrada: String,
    nacionalidad: String,
}

/// Parses the whole file; returns every row, or every problem.
pub fn parse_csv(input: &[u8]) -> Result<Vec<Affiliate>, Vec<LineError>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(input);
    let headers = reader.headers().map_err(|e| vec![LineError { line: 1, reason: csv_reason(&e) }])?.clone();
    let mut affiliates = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let parsed = record.and_then(|r| {
            let line = r.position().map_or(0, csv::Position::line);
            r.deserialize::<RawRow>(Some(&headers)).map(|raw| (line, raw))
        });
        let (line, raw) = match parsed {
            Ok(ok) => ok,
            Err(e) => {
                errors.push(LineError {
                    line: e.position().map_or(0, csv::Position::line),
                    reason: csv_reason(&e),
                });
                continue;
            }
        };
        match to_affiliate(raw) {
            Ok(a) => {
                if let Some(first) = seen.insert(a.identification.as_str().to_owned(), line) {
                    errors.push(LineError {
                        line,
                        reason: format!("identificación repetida (ya está en la línea {first})"),
                    });
                }
                affiliates.push(a);
            }
            Err(reason) => errors.push(LineError { line, reason }),
        }
    }
    if affiliates.is_empty() && errors.is_empty() {
        errors.push(LineError { line: 1, reason: "el archivo no tiene filas".into() });
    }
    if errors.is_empty() { Ok(affiliates) } else { Err(errors) }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => format!("columna faltante o ilegible: {err}"),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("tiene {len} columnas y el encabezado {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "el texto no está en UTF-8".into(),
        _ => e.to_string(),
    }
}

fn to_affiliate(raw: RawRow) -> Result<Affiliate, String> {
    let identification = Identification::parse(&raw.numero_identificacion)
        .map_err(|e| format!("numero_identificacion: {}", e.message_es()))?;
    let expected_kind = match raw.tipo_identificacion.to_lowercase().as_str() {
        "cedula" | "cédula" => IdentificationKind::Cedula,
        "extranjero" => IdentificationKind::Foreigner,
        other => return Err(format!("tipo_identificacion «{other}» debe ser cedula o extranjero")),
    };
    if identification.kind() != expected_kind {
        return Err("tipo_identificacion no corresponde al número".into());
    }
    let names = required(raw.nombres, "nombres")?;
    let surnames = required(raw.apellidos, "apellidos")?;
    let nationality = required(raw.nacionalidad, "nacionalidad")?;
    let birth_date =
        date(&raw.fecha_nacimiento, "fecha_nacimiento")?.ok_or("fecha_nacimiento es obligatoria")?;
    let first_contribution = date(&raw.fecha_primer_aporte, "fecha_primer_aporte")?;
    if first_contribution.is_some_and(|d| d < birth_date) {
        return Err("fecha_primer_aporte es anterior a fecha_nacimiento".into());
    }
    Ok(Affiliate {
        identification,
        names,
        surnames,
        birth_date,
        email: optional(&raw.correo, Email::parse).map_err(|e| format!("correo: {}", e.message_es()))?,
        mobile: optional(&raw.celular, Mobile::parse).map_err(|e| format!("celular: {}", e.message_es()))?,
        landline: optional(&raw.convencional, Landline::parse)
            .map_err(|e| format!("convencional: {}", e.message_es()))?,
        employer: Some(raw.empleador).filter(|e| !e.is_empty()),
        first_contribution,
        huella_registrada: match raw.huella_registrada.to_lowercase().as_str() {
            "si" | "sí" | "true" | "1" => true,
            "no" | "false" | "0" | "" => false,
            other => return Err(format!("huella_registrada «{other}» debe ser si o no")),
        },
        nationality,
    })
}

fn required(value: String, column: &str) -> Result<String, String> {
    if value.is_empty() { Err(format!("{column} es obligatorio")) } else { Ok(value) }
}

fn date(value: &str, column: &str) -> Result<Option<NaiveDate>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("{column} «{value}» debe tener la forma AAAA-MM-DD"))?;
    if date.year_ce().1 < 1900 {
        return Err(format!("{column} «{value}» es anterior a 1900"));
    }
    Ok(Some(date))
}

fn optional<T, E>(value: &str, parse: impl Fn(&str) -> Result<T, E>) -> Result<Option<T>, E> {
    if value.is_empty() { Ok(None) } else { parse(value).map(Some) }
}

#[cfg(test)]
mod tests;
