//! The security images (DESIGN §2.1, §2.2, §6): the pictures an affiliate chooses from at
//! registration and must recognise again among decoys when recovering the password. The files are
//! shipped with the app under `public/imagenes/seguridad/` (OpenMoji, CC BY-SA 4.0).

use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One picture of the catalogue: its file id and its visible name in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecurityImage {
    /// ASCII file name without extension, also the value stored and sent over the wire.
    pub id: &'static str,
    /// The name shown and announced in Spanish (Ecuador).
    pub name_es: &'static str,
    /// The name shown and announced in English.
    pub name_en: &'static str,
}

impl SecurityImage {
    /// The address of the picture on the site: `/imagenes/seguridad/{id}.svg`.
    pub fn url(&self) -> String {
        format!("/imagenes/seguridad/{}.svg", self.id)
    }
}

const fn image(id: &'static str, name_es: &'static str, name_en: &'static str) -> SecurityImage {
    SecurityImage { id, name_es, name_en }
}

/// Every security image, in the order the registration grid shows them. Everyday things that
/// differ in both shape and colour, so they are told apart at a glance on a small phone.
pub const CATALOGUE: [SecurityImage; 24] = [
    image("perro", "Perro", "Dog"),
    image("gato", "Gato", "Cat"),
    image("casa", "Casa", "House"),
    image("arbol", "Árbol", "Tree"),
    image("sol", "Sol", "Sun"),
    image("luna", "Luna", "Moon"),
    image("estrella", "Estrella", "Star"),
    image("flor", "Flor", "Flower"),
    image("manzana", "Manzana", "Apple"),
    image("guitarra", "Guitarra", "Guitar"),
    image("bicicleta", "Bicicleta", "Bicycle"),
    image("barco", "Barco", "Boat"),
    image("avion", "Avión", "Airplane"),
    image("reloj", "Reloj", "Clock"),
    image("paraguas", "Paraguas", "Umbrella"),
    image("llave", "Llave", "Key"),
    image("libro", "Libro", "Book"),
    image("taza", "Taza", "Cup"),
    image("pelota", "Pelota", "Ball"),
    image("mariposa", "Mariposa", "Butterfly"),
    image("pez", "Pez", "Fish"),
    image("tortuga", "Tortuga", "Turtle"),
    image("montana", "Montaña", "Mountain"),
    image("corazon", "Corazón", "Heart"),
];

/// The catalogue entry with this id, if there is one.
pub fn find(id: &str) -> Option<&'static SecurityImage> {
    CATALOGUE.iter().find(|image| image.id == id)
}

/// A value was not the id of an image of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub struct UnknownSecurityImage;

impl UnknownSecurityImage {
    /// The message in Spanish (Ecuador).
    pub fn message_es(&self) -> &'static str {
        "Elija una de las imágenes de seguridad."
    }

    /// The message in English.
    pub fn message_en(&self) -> &'static str {
        "Choose one of the security images."
    }
}

/// The id of an image of the [`CATALOGUE`]; no other value can be built. Serialised as the id
/// string (`"perro"`); deserialising an unknown id fails.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecurityImageId(&'static SecurityImage);

impl SecurityImageId {
    /// The id of the catalogue image called `input`, or [`UnknownSecurityImage`].
    pub fn parse(input: &str) -> Result<Self, UnknownSecurityImage> {
        find(input).map(Self).ok_or(UnknownSecurityImage)
    }

    /// Every image of the catalogue, in catalogue order.
    pub fn all() -> impl ExactSizeIterator<Item = Self> + Clone {
        CATALOGUE.iter().map(Self)
    }

    /// The id string, e.g. `"perro"`.
    pub fn as_str(&self) -> &'static str {
        self.0.id
    }

    /// The catalogue entry: names and address of the picture.
    pub fn image(&self) -> &'static SecurityImage {
        self.0
    }
}

impl fmt::Debug for SecurityImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SecurityImageId").field(&self.0.id).finish()
    }
}

impl fmt::Display for SecurityImageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.id)
    }
}

impl FromStr for SecurityImageId {
    type Err = UnknownSecurityImage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for SecurityImageId {
    type Error = UnknownSecurityImage;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SecurityImageId> for String {
    fn from(value: SecurityImageId) -> Self {
        value.0.id.to_owned()
    }
}

impl AsRef<str> for SecurityImageId {
    fn as_ref(&self) -> &str {
        self.0.id
    }
}

impl Serialize for SecurityImageId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.id)
    }
}

impl<'de> Deserialize<'de> for SecurityImageId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Self::parse(&id).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    const IMAGE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/imagenes/seguridad");

    #[test]
    fn ids_are_unique_lowercase_ascii() {
        let ids: HashSet<_> = CATALOGUE.iter().map(|i| i.id).collect();
        assert_eq!(ids.len(), CATALOGUE.len());
        for id in ids {
            assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase()), "{id:?}");
        }
    }

    #[test]
    fn names_are_unique_in_each_language() {
        let es: HashSet<_> = CATALOGUE.iter().map(|i| i.name_es.to_lowercase()).collect();
        let en: HashSet<_> = CATALOGUE.iter().map(|i| i.name_en.to_lowercase()).collect();
        assert_eq!(es.len(), CATALOGUE.len());
        assert_eq!(en.len(), CATALOGUE.len());
    }

    #[test]
    fn every_image_has_its_file_and_every_file_its_image() {
        for image in &CATALOGUE {
            let path = format!("{IMAGE_DIR}/{}.svg", image.id);
            let svg = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(svg.starts_with("<svg") && svg.contains("viewBox"), "{path} is not an SVG");
        }
        let files: HashSet<String> = std::fs::read_dir(IMAGE_DIR)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter_map(|name| name.strip_suffix(".svg").map(str::to_owned))
            .collect();
        let ids: HashSet<String> = CATALOGUE.iter().map(|i| i.id.to_owned()).collect();
        assert_eq!(files, ids);
    }

    #[test]
    fn the_url_points_into_the_public_folder() {
        assert_eq!(find("perro").unwrap().url(), "/imagenes/seguridad/perro.svg");
    }

    #[test]
    fn catalogue_ids_parse_and_unknown_ones_are_refused() {
        for image in &CATALOGUE {
            let id = SecurityImageId::parse(image.id).unwrap();
            assert_eq!(id.as_str(), image.id);
            assert_eq!(id.image(), image);
        }
        for bad in ["", "Perro", " perro", "perro ", "perro.svg", "../perro", "dragon"] {
            assert_eq!(SecurityImageId::parse(bad), Err(UnknownSecurityImage), "{bad:?}");
        }
        assert_eq!(SecurityImageId::all().count(), CATALOGUE.len());
    }

    #[test]
    fn ids_travel_as_their_string_and_unknown_ones_do_not_deserialise() {
        let id = SecurityImageId::parse("tortuga").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"tortuga\"");
        assert_eq!(serde_json::from_str::<SecurityImageId>("\"tortuga\"").unwrap(), id);
        assert!(serde_json::from_str::<SecurityImageId>("\"dragon\"").is_err());
        assert!(serde_json::from_str::<SecurityImageId>("3").is_err());
    }

    #[test]
    fn debug_and_display_show_the_id() {
        let id = SecurityImageId::parse("sol").unwrap();
        assert_eq!(format!("{id}"), "sol");
        assert_eq!(format!("{id:?}"), "SecurityImageId(\"sol\")");
    }
}
