//! Checks of the spec's constraints, run by generated code before anything is sent.
//!
//! Each function takes the field's name as the spec spells it (`valid_period`, `X-App-UserId`,
//! `body.items[2].name`) and returns [`Error::Validation`]
//! naming the field and the rule it broke.

use crate::runtime::error::Error;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

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

fn compiled(pattern: &'static str) -> Result<regex_lite::Regex, String> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, regex_lite::Regex>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(regex) = cache.get(pattern) {
        return Ok(regex.clone());
    }
    let regex = regex_lite::Regex::new(pattern).map_err(|error| error.to_string())?;
    cache.insert(pattern, regex.clone());
    Ok(regex)
}

/// `pattern`: the value must match the regular expression (unanchored, as JSON Schema says).
/// A pattern this crate cannot compile is reported as a validation error, never a panic.
pub fn pattern(field: &str, value: &str, pattern: &'static str) -> Result<(), Error> {
    match compiled(pattern) {
        Ok(regex) if regex.is_match(value) => Ok(()),
        Ok(_) => fail(field, format!("must match the pattern `{pattern}`")),
        Err(error) => fail(
            field,
            format!("has a pattern `{pattern}` that cannot be checked: {error}"),
        ),
    }
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
        field.to_owned()
    } else {
        format!("{at}.{field}")
    }
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
    fn arrays() {
        assert!(unique_items("ids", &["a", "b"]).is_ok());
        assert!(rule(unique_items("ids", &["a", "a"])).contains("item 1 repeats"));
        assert!(min_items("ids", 0, 1).is_err());
        assert!(max_items("ids", 3, 2).is_err());
        assert!(multiple_of("n", 10.0, 2.5).is_ok());
        assert!(multiple_of("n", 10.0, 3.0).is_err());
    }
}
