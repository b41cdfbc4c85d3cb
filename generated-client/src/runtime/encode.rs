//! Percent-encoding of path segments, as the vendor's SDKs do it.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except the RFC 3986 unreserved set `A-Z a-z 0-9 - . _ ~` is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path parameter value so that it stays a single path segment: `/`, `?`, `%`,
/// spaces and non-ASCII characters are all percent-encoded (UTF-8, uppercase hex), the same as
/// Python's `quote(value, safe='')` in the vendor's SDK.
pub fn path_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Serialises a body as `application/x-www-form-urlencoded`. Only flat objects of scalars
/// (and sequences of them) can be written; anything else is a serialisation error.
pub fn form<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, crate::runtime::Error> {
    serde_urlencoded::to_string(value)
        .map(String::into_bytes)
        .map_err(|error| {
            crate::runtime::Error::serialize(<serde_json::Error as serde::ser::Error>::custom(
                format!("form body: {error}"),
            ))
        })
}

/// A value that can be written into a path segment, query value or header value.
/// Generated string enums implement it too.
pub trait ParamValue {
    /// The text form, before any percent-encoding.
    fn to_param(&self) -> String;
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! display_param {
    ($($t:ty),*) => {
        $(impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        })*
    };
}
display_param!(i32, i64, u32, u64, f32, f64);

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn encodes_everything_but_unreserved() {
        let cases = [
            ("abc-._~XYZ019", "abc-._~XYZ019"),
            ("a/b", "a%2Fb"),
            ("a?b", "a%3Fb"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("é", "%C3%A9"),
            ("a+b", "a%2Bb"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(path_segment(input), expected, "input {input:?}");
        }
    }
}
