//! Checks of the spec's constraints, run by generated code before anything is sent.
//!
//! Each function takes the field's name as the spec spells it (`valid_period`, `X-App-UserId`,
//! `body.items[2].name`) and returns [`Error::Validation`]
//! naming the field and the rule it broke.

use crate::runtime::error::Error;
use std::sync::OnceLock;

fn fail(field: &str, rule: String) -> Result<(), Error> {
    Err(Error::validation(field, rule))
}

/// `minLength`: at least `min` characters (Unicode scalar values, as JSON Schema counts).
pub fn min_length(field: &str, value: &str, min: u64) -> Result<(), Error> {
    let len = value.chars().count() as u64;
    if len < min {
        return fail(
            field,
            format!("must be at least {min} characters long (is {len})"),
        );
    }
    Ok(())
}

/// `maxLength`: at most `max` characters.
pub fn max_length(field: &str, value: &str, max: u64) -> Result<(), Error> {
    let len = value.chars().count() as u64;
    if len > max {
        return fail(
            field,
            format!("must be at most {max} characters long (is {len})"),
        );
    }
    Ok(())
}

/// A `pattern` of the spec, compiled on first use and then shared, without a lock, by every
/// check of it: generated code keeps one in a `static` per checked pattern.
///
/// ```text
/// static USER_ID: Pattern = Pattern::new("^[^\\u4e00-\\u9fa5]*$");
/// assert!(USER_ID.check("X-App-UserId", "user-1").is_ok());
/// assert!(USER_ID.check("X-App-UserId", "用户").is_err());
/// ```
///
/// A pattern that is one character class over the whole value (`^[a-z0-9-]+$`,
/// `^[^\u4e00-\u9fa5]*$`) is checked character by character, without the regex engine; any
/// other goes to `regex_lite`.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Result<Compiled, String>>,
}

impl Pattern {
    /// The pattern `source`, not compiled yet.
    pub const fn new(source: &'static str) -> Pattern {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// `pattern`: `value` must match (unanchored, as JSON Schema says). A pattern this crate
    /// cannot compile is reported as a validation error of `field`, never a panic.
    pub fn check(&self, field: &str, value: &str) -> Result<(), Error> {
        let compiled = self.compiled.get_or_init(|| Compiled::new(self.source));
        matches(field, value, self.source, compiled.as_ref())
    }
}

/// A compiled pattern.
enum Compiled {
    /// `^[…]*$` or `^[…]+$`, its class a plain list of characters and ranges.
    Class(ClassRun),
    Regex(regex_lite::Regex),
}

impl Compiled {
    fn new(pattern: &str) -> Result<Compiled, String> {
        match ClassRun::parse(pattern) {
            Some(class) => Ok(Compiled::Class(class)),
            None => regex_lite::Regex::new(pattern)
                .map(Compiled::Regex)
                .map_err(|error| error.to_string()),
        }
    }

    fn is_match(&self, value: &str) -> bool {
        match self {
            Compiled::Class(class) => class.is_match(value),
            Compiled::Regex(regex) => regex.is_match(value),
        }
    }
}

/// A pattern that says every character of the value is in (or, negated, not in) one class:
/// `^[…]*$`, or `^[…]+$` for at least one character.
#[derive(Debug, PartialEq)]
struct ClassRun {
    negated: bool,
    /// Inclusive ranges; a single character is a range of one.
    ranges: Vec<(char, char)>,
    at_least_one: bool,
}

impl ClassRun {
    /// The class run `pattern` is, when its class holds only literal characters, ranges and
    /// the escapes `\uXXXX` and `\<punctuation>`; `None` for anything else (then the regex
    /// engine decides, and reports what it cannot compile).
    fn parse(pattern: &str) -> Option<ClassRun> {
        let body = pattern.strip_prefix("^[")?;
        let (body, at_least_one) = match body.strip_suffix("]*$") {
            Some(body) => (body, false),
            None => (body.strip_suffix("]+$")?, true),
        };
        let (body, negated) = match body.strip_prefix('^') {
            Some(body) => (body, true),
            None => (body, false),
        };
        // Set operations (`&&`, `--`, `~~`) are regex syntax this does not read.
        if body.is_empty() || ["&&", "--", "~~"].iter().any(|op| body.contains(op)) {
            return None;
        }
        let mut chars = body.chars().peekable();
        let mut ranges = Vec::new();
        while chars.peek().is_some() {
            let low = class_char(&mut chars)?;
            let mut ahead = chars.clone();
            let high = if ahead.next() == Some('-') && ahead.peek().is_some() {
                chars.next();
                class_char(&mut chars)?
            } else {
                low
            };
            if high < low {
                return None;
            }
            ranges.push((low, high));
        }
        Some(ClassRun {
            negated,
            ranges,
            at_least_one,
        })
    }

    fn is_match(&self, value: &str) -> bool {
        if self.at_least_one && value.is_empty() {
            return false;
        }
        value.chars().all(|c| {
            let inside = self
                .ranges
                .iter()
                .any(|&(low, high)| (low..=high).contains(&c));
            inside != self.negated
        })
    }
}

/// One character of a class: literal, `\uXXXX` or an escaped ASCII punctuation character;
/// `None` for what a plain class does not hold (`[`, `]`, other escapes).
fn class_char(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
    match chars.next()? {
        '[' | ']' => None,
        '\\' => match chars.next()? {
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                if hex.len() != 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
            }
            c if c.is_ascii_punctuation() => Some(c),
            _ => None,
        },
        c => Some(c),
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

fn matches(
    field: &str,
    value: &str,
    pattern: &str,
    compiled: Result<&Compiled, &String>,
) -> Result<(), Error> {
    match compiled {
        Ok(compiled) if compiled.is_match(value) => Ok(()),
        Ok(_) => fail(field, format!("must match the pattern `{pattern}`")),
        Err(error) => fail(
            field,
            format!("has a pattern `{pattern}` that cannot be checked: {error}"),
        ),
    }
}

/// `pattern`, compiling it for this one check (for checks made once, such as a client
/// parameter's when the client is built; generated code checks through a [`Pattern`]).
pub fn pattern(field: &str, value: &str, pattern: &str) -> Result<(), Error> {
    matches(field, value, pattern, Compiled::new(pattern).as_ref())
}

/// `minimum` / `exclusiveMinimum` for any number.
pub fn minimum<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: T,
    min: T,
    exclusive: bool,
) -> Result<(), Error> {
    if exclusive && value <= min {
        return fail(field, format!("must be greater than {min} (is {value})"));
    }
    if !exclusive && value < min {
        return fail(field, format!("must be at least {min} (is {value})"));
    }
    Ok(())
}

/// `maximum` / `exclusiveMaximum` for any number.
pub fn maximum<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: T,
    max: T,
    exclusive: bool,
) -> Result<(), Error> {
    if exclusive && value >= max {
        return fail(field, format!("must be less than {max} (is {value})"));
    }
    if !exclusive && value > max {
        return fail(field, format!("must be at most {max} (is {value})"));
    }
    Ok(())
}

/// `multipleOf`: `value / factor` must be a whole number.
pub fn multiple_of(field: &str, value: f64, factor: f64) -> Result<(), Error> {
    let quotient = value / factor;
    if factor == 0.0 || (quotient - quotient.round()).abs() > 1e-9 {
        return fail(
            field,
            format!("must be a multiple of {factor} (is {value})"),
        );
    }
    Ok(())
}

/// `minItems`.
pub fn min_items(field: &str, len: usize, min: u64) -> Result<(), Error> {
    if (len as u64) < min {
        return fail(field, format!("must have at least {min} items (has {len})"));
    }
    Ok(())
}

/// `maxItems`.
pub fn max_items(field: &str, len: usize, max: u64) -> Result<(), Error> {
    if (len as u64) > max {
        return fail(field, format!("must have at most {max} items (has {len})"));
    }
    Ok(())
}

/// `uniqueItems: true`.
pub fn unique_items<T: PartialEq>(field: &str, items: &[T]) -> Result<(), Error> {
    for (index, item) in items.iter().enumerate() {
        if items[..index].contains(item) {
            return fail(
                field,
                format!("must have unique items (item {index} repeats an earlier one)"),
            );
        }
    }
    Ok(())
}

/// A value that can check the spec's constraints on itself and on the values it contains.
/// Generated types implement it; `at` is the path of the value in the request
/// (`body`, `body.items[2]`), used to name the field in errors.
pub trait Validate {
    /// Checks the value found at `at`.
    fn validate_at(&self, at: &str) -> Result<(), Error>;
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, at: &str) -> Result<(), Error> {
        for (index, item) in self.iter().enumerate() {
            item.validate_at(&format!("{at}[{index}]"))?;
        }
        Ok(())
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, at: &str) -> Result<(), Error> {
        match self {
            Some(value) => value.validate_at(at),
            None => Ok(()),
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate_at(&self, at: &str) -> Result<(), Error> {
        (**self).validate_at(at)
    }
}

impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
    fn validate_at(&self, at: &str) -> Result<(), Error> {
        for (key, value) in self {
            value.validate_at(&join(at, key))?;
        }
        Ok(())
    }
}

/// `at.field`, or `field` at the top.
pub fn join(at: &str, field: &str) -> String {
    if at.is_empty() {
        return field.to_owned();
    }
    let mut name = String::with_capacity(at.len().saturating_add(field.len()).saturating_add(1));
    name.push_str(at);
    name.push('.');
    name.push_str(field);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(result: Result<(), Error>) -> String {
        match result {
            Err(Error::Validation { parameter, rule }) => format!("{parameter}: {rule}"),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn bounds_name_the_field_and_rule() {
        assert!(minimum("limit", 1, 1, false).is_ok());
        assert_eq!(
            rule(minimum("limit", 0, 1, false)),
            "limit: must be at least 1 (is 0)"
        );
        assert_eq!(
            rule(maximum("limit", 101, 100, false)),
            "limit: must be at most 100 (is 101)"
        );
        assert_eq!(
            rule(minimum("x", 1.0, 1.0, true)),
            "x: must be greater than 1 (is 1)"
        );
        assert!(maximum("valid_period", 65535, 65535, false).is_ok());
    }

    #[test]
    fn strings_and_patterns() {
        assert!(pattern("X-App-UserId", "user-1", r"^[^\u4e00-\u9fa5]*$").is_ok());
        assert_eq!(
            rule(pattern("X-App-UserId", "用户", r"^[^\u4e00-\u9fa5]*$")),
            r"X-App-UserId: must match the pattern `^[^\u4e00-\u9fa5]*$`"
        );
        assert_eq!(
            rule(min_length("name", "é", 2)),
            "name: must be at least 2 characters long (is 1)"
        );
        assert!(max_length("name", "éé", 2).is_ok());
        assert!(rule(pattern("f", "x", "(")).contains("cannot be checked"));
    }

    #[test]
    fn a_pattern_is_compiled_once_and_shared() {
        static USER_ID: Pattern = Pattern::new(r"^[^\u4e00-\u9fa5]*$");
        assert!(USER_ID.compiled.get().is_none(), "not compiled before use");
        assert!(USER_ID.check("X-App-UserId", "user-1").is_ok());
        let first = USER_ID.compiled.get().map(|compiled| compiled as *const _);
        assert_eq!(
            rule(USER_ID.check("X-App-UserId", "用户")),
            r"X-App-UserId: must match the pattern `^[^\u4e00-\u9fa5]*$`"
        );
        let again = USER_ID.compiled.get().map(|compiled| compiled as *const _);
        assert!(first.is_some() && first == again, "the same compiled regex");
        assert!(
            matches!(USER_ID.compiled.get(), Some(Ok(Compiled::Class(_)))),
            "checked without the regex engine"
        );
        static BROKEN: Pattern = Pattern::new("(");
        assert!(rule(BROKEN.check("f", "x")).contains("cannot be checked"));
        assert!(rule(BROKEN.check("f", "x")).contains("cannot be checked"));
    }

    #[test]
    fn class_runs_match_as_the_regex_engine_does() {
        let patterns = [
            r"^[^\u4e00-\u9fa5]*$",
            r"^[a-z]+$",
            r"^[A-Za-z0-9_-]*$",
            r"^[-a-z]+$",
            r"^[a-z-]*$",
            r"^[\-\]\\^.]+$",
            r"^[^^]*$",
            r"^[é€\u00e9]+$",
            r"^[ \u0009]*$",
        ];
        let values = [
            "", "a", "abc", "ABC", "a-b", "a_b", "用户", "user用", "-", "]", "\\", "^", ".", "é",
            "€", "e\u{301}", " ", "\t", "\n", "a\n", "z", "{", "\u{9fa5}", "\u{9fa6}", "\u{4dff}",
            "😀",
        ];
        for pattern in patterns {
            let class = ClassRun::parse(pattern);
            assert!(class.is_some(), "{pattern} is a class run");
            let regex = regex_lite::Regex::new(pattern).expect("compiles");
            for value in values {
                assert_eq!(
                    class.as_ref().map(|class| class.is_match(value)),
                    Some(regex.is_match(value)),
                    "{pattern} on {value:?}"
                );
            }
        }
        for other in [
            r"^[a-z]{2}$",
            r"^[\d]+$",
            r"^[\w-]*$",
            r"^[[:alpha:]]+$",
            r"^[a-z&&[^x]]+$",
            r"^[z-a]+$",
            r"[a-z]+",
            r"^[a-z]*",
            r"^[]*$",
            r"^[\u12]*$",
            r"^[\u{1F600}]*$",
            r"^[ \t]*$",
        ] {
            assert_eq!(
                ClassRun::parse(other),
                None,
                "{other} goes to the regex engine"
            );
        }
    }

    #[test]
    fn joined_names() {
        assert_eq!(join("", "valid_period"), "valid_period");
        assert_eq!(join("body", "valid_period"), "body.valid_period");
        assert_eq!(join("body.items[2]", "name"), "body.items[2].name");
    }

    #[test]
    fn arrays() {
        assert!(unique_items("ids", &["a", "b"]).is_ok());
        assert!(rule(unique_items("ids", &["a", "a"])).contains("item 1 repeats"));
        assert!(min_items("ids", 0, 1).is_err());
        assert!(max_items("ids", 3, 2).is_err());
        assert!(multiple_of("n", 10.0, 2.5).is_ok());
        assert!(multiple_of("n", 10.0, 3.0).is_err());
    }
}
