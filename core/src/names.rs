//! Leaf: states stored as text (in D1, in JSON, in SQL guards) are enums
//! whose names live in one table, written once with [`named!`]. Rust code
//! compares the enums; SQL gets its lists from [`Named::sql_list`], so a
//! guard and the enum cannot disagree.

/// A state with a fixed set of stored names.
pub trait Named: Copy + 'static {
    /// Every known value, in declaration order.
    const ALL: &'static [Self];
    /// The stored name.
    fn as_str(self) -> &'static str;
    /// The value a stored name stands for, if it is known.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == name)
    }
    /// `'a', 'b'` for a SQL `IN (…)`: the names are plain words (see the
    /// test), so quoting them is enough.
    fn sql_list(values: &[Self]) -> String {
        values
            .iter()
            .map(|v| format!("'{}'", v.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// `'a'`, for a SQL comparison with one value.
    fn sql(self) -> String {
        format!("'{}'", self.as_str())
    }
}

/// Declares an enum stored by name: serde, `as_str`, `Display`, `Named`.
/// Names are matched as `tt`, not `literal`: a `literal` fragment reaches
/// derive macros wrapped in an invisible group, which utoipa's derive does
/// not read as the `rename` it is.
/// `else Other = "name"` adds a fallback that unknown names (written by a
/// newer version) read back as, from JSON and from `parse`, instead of
/// failing.
macro_rules! named {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:tt,)+
        }
        $(else $(#[$ometa:meta])* $other:ident = $otext:tt)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
            $($(#[$ometa])* #[serde(other, rename = $otext)] $other,)?
        }

        impl $crate::names::Named for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str {
                <$name>::as_str(self)
            }
        }

        impl $name {
            /// Every known value (see `names::Named`).
            pub const ALL: &'static [Self] = <Self as $crate::names::Named>::ALL;

            /// The stored name (`const`: SQL and constants can spell it).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                    $(Self::$other => $otext,)?
                }
            }

            /// The value a stored name stands for, if it is known.
            pub fn from_name(name: &str) -> Option<Self> {
                <Self as $crate::names::Named>::from_name(name)
            }

            /// `'a', 'b'` for a SQL `IN (…)`.
            pub fn sql_list(values: &[Self]) -> String {
                <Self as $crate::names::Named>::sql_list(values)
            }

            /// `'a'`, for a SQL comparison.
            pub fn sql(self) -> String {
                <Self as $crate::names::Named>::sql(self)
            }
        }

        $(
            impl $name {
                /// What a stored name reads as: a name this version does
                /// not know (a newer one wrote it) reads as the fallback.
                pub fn parse(name: &str) -> Self {
                    Self::from_name(name).unwrap_or(Self::$other)
                }
            }
        )?

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named;

/// Every name is plain words (`[a-z0-9_. ]`), unique within its enum, and
/// reads back as its value.
pub fn check_names<T: Named + PartialEq + std::fmt::Debug>() -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for v in T::ALL {
        let n = v.as_str();
        if n.is_empty()
            || !n.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | ' ')
            })
        {
            return Err(format!("{v:?} is stored as {n:?}, not a plain word"));
        }
        if !seen.insert(n) {
            return Err(format!("{n:?} names two values"));
        }
        if T::from_name(n) != Some(*v) {
            return Err(format!("{n:?} does not read back as {v:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    named! {
        /// A test enum.
        pub enum Light {
            Red = "red",
            Green = "green",
        }
        else Unknown = "unknown"
    }

    #[test]
    fn names_round_trip_through_serde_and_sql() {
        assert_eq!(check_names::<Light>(), Ok(()));
        assert_eq!(
            serde_json::to_string(&Light::Green).ok().as_deref(),
            Some("\"green\"")
        );
        let later: Light = serde_json::from_str("\"amber\"").expect("falls back");
        assert_eq!(later, Light::Unknown);
        assert_eq!(Light::from_name("amber"), None);
        assert_eq!(Light::parse("amber"), Light::Unknown);
        assert_eq!(Light::parse("green"), Light::Green);
        assert_eq!(Light::sql_list(Light::ALL), "'red', 'green'");
        assert_eq!(Light::Red.to_string(), "red");
        assert_eq!(Light::Red.sql(), "'red'");
    }
}
