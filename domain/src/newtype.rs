//! The conversions every parsed string newtype of the domain shares: shown as its normal form,
//! converted back into a `String`, and built from text only through its own `parse`.

/// Implements `Display`, `FromStr`, `TryFrom<String>`, `From<T> for String` and `AsRef<str>` for
/// a tuple struct over a `String` that has `fn parse(&str) -> Result<Self, $error>`.
macro_rules! parsed_string {
    ($($ty:ident: $error:ty),* $(,)?) => {$(
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $error;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )*};
}

pub(crate) use parsed_string;
