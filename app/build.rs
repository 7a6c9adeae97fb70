//! Generates the `i18n` module from the locale files, with Spanish (Ecuador) as the default.

use std::{error::Error, path::PathBuf};

use leptos_i18n_build::{Config, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    let translations = TranslationsInfos::parse(Config::new("es")?.add_locale("en")?)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(out)?;
    Ok(())
}
