//! Enums of names amoCRM extends over time: known names get variants, any other name is kept in
//! `Other` so that a new name never fails a whole answer.

/// Defines such an enum with `as_str`, conversions from and to `String`, serde through the
/// string, and `Display`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )*
            /// A name this client does not know yet, as amoCRM sent it.
            Other(String),
        }

        impl $name {
            /// amoCRM's name for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Other(name) => name,
                }
            }
        }

        impl From<String> for $name {
            fn from(name: String) -> $name {
                match name.as_str() {
                    $( $wire => $name::$variant, )*
                    _ => $name::Other(name),
                }
            }
        }

        impl From<&str> for $name {
            fn from(name: &str) -> $name {
                $name::from(name.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                match value {
                    $name::Other(name) => name,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use open_enum;
