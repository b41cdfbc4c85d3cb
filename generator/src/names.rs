//! Naming: the one place where spec names become Rust identifiers.
//!
//! Every identifier the generator emits comes from [`type_name`], [`field_name`] or
//! [`variant_name`], and collisions are resolved with [`Namespace`]. Case conversion is heck's;
//! characters that cannot be in an identifier separate words; Rust keywords get a trailing `_`
//! (raw identifiers cannot spell `self`, `Self`, `crate` or `super`, so one rule serves all);
//! a leading digit gets a prefix.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Rust's strict, reserved and edition keywords.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keeps ASCII letters and digits; everything else becomes a word separator.
fn ascii_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn finish(mut name: String, digit_prefix: &str, empty: &str) -> String {
    if name.is_empty() {
        return empty.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, digit_prefix);
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A type name in PascalCase: `active_code_info` → `ActiveCodeInfo`, `9lives` → `N9lives`.
pub fn type_name(raw: &str) -> String {
    finish(ascii_words(raw).to_upper_camel_case(), "N", "Unnamed")
}

/// A field, parameter or method name in snake_case: `robotId` → `robot_id`, `type` → `type_`,
/// `X-App-UserId` → `x_app_user_id`, `123abc` → `_123abc`.
pub fn field_name(raw: &str) -> String {
    finish(ascii_words(raw).to_snake_case(), "_", "value")
}

/// An enum variant in PascalCase: `in-progress` → `InProgress`, `UPPER_CASE` → `UpperCase`,
/// `` (empty) → `Empty`, `+` → `Value`.
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_owned();
    }
    finish(ascii_words(raw).to_upper_camel_case(), "V", "Value")
}

/// A set of names already taken in one scope; [`Namespace::claim`] makes a name unique
/// deterministically by appending 2, 3, … in the order names are claimed.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    /// Takes `name`, or the first free `name2`, `name3`, … and returns what was taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let mut counter = 2usize;
        loop {
            let candidate = format!("{name}{separator}{counter}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            counter += 1;
        }
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        let cases = [
            ("active_code_info", "ActiveCodeInfo"),
            ("ActiveCodeInfo", "ActiveCodeInfo"),
            ("error-response", "ErrorResponse"),
            ("9lives", "N9lives"),
            ("Self", "Self_"),
            ("self", "Self_"),
            ("a.b.c", "ABC"),
            ("", "Unnamed"),
            ("中文", "Unnamed"),
            ("Name.With Space", "NameWithSpace"),
        ];
        for (raw, expected) in cases {
            assert_eq!(type_name(raw), expected, "type_name({raw:?})");
        }
    }

    #[test]
    fn field_names() {
        let cases = [
            ("valid_period", "valid_period"),
            ("robotId", "robot_id"),
            ("X-App-UserId", "x_app_user_id"),
            ("type", "type_"),
            ("self", "self_"),
            ("match", "match_"),
            ("$ref", "ref_"),
            ("123abc", "_123abc"),
            ("with space", "with_space"),
            ("with-dash", "with_dash"),
            ("", "value"),
            ("UpdateActiveCode", "update_active_code"),
            ("get-pet-by-id", "get_pet_by_id"),
        ];
        for (raw, expected) in cases {
            assert_eq!(field_name(raw), expected, "field_name({raw:?})");
        }
    }

    #[test]
    fn variant_names() {
        let cases = [
            ("in-progress", "InProgress"),
            ("UPPER_CASE", "UpperCase"),
            ("9lives", "V9lives"),
            ("", "Empty"),
            ("+", "Value"),
            ("active", "Active"),
        ];
        for (raw, expected) in cases {
            assert_eq!(variant_name(raw), expected, "variant_name({raw:?})");
        }
    }

    #[test]
    fn collisions_are_resolved_in_claim_order() {
        let mut names = Namespace::with_reserved(&["execute"]);
        assert_eq!(names.claim("execute".into()), "execute2");
        assert_eq!(names.claim("pet".into()), "pet");
        assert_eq!(names.claim("pet".into()), "pet2");
        assert_eq!(names.claim("pet".into()), "pet3");
        assert_eq!(names.claim("v1".into()), "v1");
        assert_eq!(names.claim("v1".into()), "v1_2");
    }
}
