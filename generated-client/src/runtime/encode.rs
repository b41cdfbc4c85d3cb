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

/// The boundary between the parts of a `multipart/form-data` body.
pub const MULTIPART_BOUNDARY: &str = "openapi-client-part-boundary-5f0c3e9a1d7b";
/// The `Content-Type` of a `multipart/form-data` body written by [`multipart`].
pub const MULTIPART_CONTENT_TYPE: &str =
    "multipart/form-data; boundary=openapi-client-part-boundary-5f0c3e9a1d7b";

fn serialize_error(message: String) -> crate::runtime::Error {
    crate::runtime::Error::serialize(<serde_json::Error as serde::ser::Error>::custom(message))
}

/// The text of a scalar JSON value as it goes into a query, form or multipart part: strings
/// as they are, numbers and booleans in JSON notation, `null` empty, objects and arrays as
/// JSON text.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<&'static str>,
    bytes: Vec<u8>,
}

impl Part {
    /// A file part: the bytes as they are, `application/octet-stream`, the field's name as
    /// the file name.
    pub fn file(name: &str, bytes: &[u8]) -> Part {
        Part {
            name: name.to_owned(),
            filename: Some(name.to_owned()),
            content_type: Some("application/octet-stream"),
            bytes: bytes.to_vec(),
        }
    }

    /// A text part: strings as they are, numbers and booleans in JSON notation, objects and
    /// arrays as JSON text.
    pub fn value<T: serde::Serialize + ?Sized>(
        name: &str,
        value: &T,
    ) -> Result<Part, crate::runtime::Error> {
        let value = serde_json::to_value(value).map_err(crate::runtime::Error::serialize)?;
        Ok(Part::text(name, scalar_text(&value)))
    }

    fn text(name: &str, text: String) -> Part {
        Part {
            name: name.to_owned(),
            filename: None,
            content_type: None,
            bytes: text.into_bytes(),
        }
    }
}

/// A body that can be written as `multipart/form-data`. Generated structs used as multipart
/// bodies implement it (binary properties become file parts); so do JSON objects and maps.
pub trait MultipartBody {
    /// The parts, in order.
    fn parts(&self) -> Result<Vec<Part>, crate::runtime::Error>;
}

fn object_parts(value: serde_json::Value) -> Result<Vec<Part>, crate::runtime::Error> {
    let serde_json::Value::Object(properties) = value else {
        return Err(serialize_error(
            "a multipart body must be an object".to_owned(),
        ));
    };
    let mut parts = Vec::new();
    for (name, value) in &properties {
        match value {
            serde_json::Value::Array(items) => {
                parts.extend(items.iter().map(|item| Part::text(name, scalar_text(item))))
            }
            serde_json::Value::Null => {}
            single => parts.push(Part::text(name, scalar_text(single))),
        }
    }
    Ok(parts)
}

impl MultipartBody for serde_json::Value {
    fn parts(&self) -> Result<Vec<Part>, crate::runtime::Error> {
        object_parts(self.clone())
    }
}

impl<T: serde::Serialize> MultipartBody for std::collections::BTreeMap<String, T> {
    fn parts(&self) -> Result<Vec<Part>, crate::runtime::Error> {
        object_parts(serde_json::to_value(self).map_err(crate::runtime::Error::serialize)?)
    }
}

/// Writes a body as `multipart/form-data` with [`MULTIPART_CONTENT_TYPE`].
pub fn multipart<T: MultipartBody + ?Sized>(value: &T) -> Result<Vec<u8>, crate::runtime::Error> {
    let boundary = MULTIPART_BOUNDARY.as_bytes();
    let mut body = Vec::new();
    for part in value.parts()? {
        let name = &part.name;
        if name.contains(['"', '\r', '\n'])
            || part
                .bytes
                .windows(boundary.len())
                .any(|window| window == boundary)
        {
            return Err(serialize_error(format!(
                "multipart part `{}` cannot be written: its name has a quote or a line break, or its content holds the boundary",
                name.escape_debug()
            )));
        }
        let mut head =
            format!("--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"");
        if let Some(filename) = &part.filename {
            head.push_str(&format!("; filename=\"{filename}\""));
        }
        head.push_str("\r\n");
        if let Some(content_type) = part.content_type {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        head.push_str("\r\n");
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{MULTIPART_BOUNDARY}--\r\n").as_bytes());
    Ok(body)
}

/// How an object (or array) query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `style: form, explode: true`: each property is its own pair, `a=1&b=2`.
    FormExplode,
    /// `style: form, explode: false`: one pair, `name=a,1,b,2`.
    Form,
    /// `style: deepObject`: `name[a]=1&name[b]=2`.
    DeepObject,
}

/// Adds a parameter of any serialisable type to `query` in the given style. Scalars and arrays
/// of scalars are written as with the `form` style; objects by `style`.
pub fn query_value<T: serde::Serialize + ?Sized>(
    query: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: QueryStyle,
) -> Result<(), crate::runtime::Error> {
    let value = serde_json::to_value(value).map_err(crate::runtime::Error::serialize)?;
    match (value, style) {
        (serde_json::Value::Object(properties), QueryStyle::DeepObject) => {
            for (key, value) in &properties {
                query.push((format!("{name}[{key}]"), scalar_text(value)));
            }
        }
        (serde_json::Value::Object(properties), QueryStyle::FormExplode) => {
            for (key, value) in &properties {
                query.push((key.clone(), scalar_text(value)));
            }
        }
        (serde_json::Value::Object(properties), QueryStyle::Form) => {
            let joined: Vec<String> = properties
                .iter()
                .flat_map(|(key, value)| [key.clone(), scalar_text(value)])
                .collect();
            query.push((name.to_owned(), joined.join(",")));
        }
        (serde_json::Value::Array(items), QueryStyle::Form) => {
            let joined: Vec<String> = items.iter().map(scalar_text).collect();
            query.push((name.to_owned(), joined.join(",")));
        }
        (serde_json::Value::Array(items), _) => {
            for item in &items {
                query.push((name.to_owned(), scalar_text(item)));
            }
        }
        (serde_json::Value::Null, _) => {}
        (scalar, _) => query.push((name.to_owned(), scalar_text(&scalar))),
    }
    Ok(())
}

/// A parameter declared with `content: application/json`: its value as JSON text.
pub fn json_param<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<String, crate::runtime::Error> {
    serde_json::to_string(value).map_err(crate::runtime::Error::serialize)
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

impl ParamValue for chrono::DateTime<chrono::FixedOffset> {
    /// RFC 3339, e.g. `2023-09-01T06:34:21Z` (`Z` for UTC).
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for chrono::NaiveDate {
    /// `YYYY-MM-DD`.
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

impl ParamValue for uuid::Uuid {
    /// Lowercase hyphenated.
    fn to_param(&self) -> String {
        self.hyphenated().to_string()
    }
}

/// An array in a path segment, header or cookie (`style: simple` / `form` without explode):
/// the items joined with commas.
impl<T: ParamValue> ParamValue for Vec<T> {
    fn to_param(&self) -> String {
        let items: Vec<String> = self.iter().map(ParamValue::to_param).collect();
        items.join(",")
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_parameters() {
        let time = chrono::DateTime::parse_from_rfc3339("2023-09-01T06:34:21Z").unwrap();
        assert_eq!(time.to_param(), "2023-09-01T06:34:21Z");
        let date = chrono::NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
        assert_eq!(date.to_param(), "2023-09-01");
        let id = uuid::Uuid::from_u128(0x39b9cedc_cec1_f19b_33d8_f7ce1a6d35b9);
        assert_eq!(id.to_param(), "39b9cedc-cec1-f19b-33d8-f7ce1a6d35b9");
        assert_eq!(true.to_param(), "true");
        assert_eq!(vec![1, 2, 3].to_param(), "1,2,3");
        assert_eq!(
            json_param(&serde_json::json!({"name": "x", "tags": ["a"]})).unwrap(),
            r#"{"name":"x","tags":["a"]}"#
        );
        assert_eq!(2.5f64.to_param(), "2.5");
    }

    #[test]
    fn query_styles() {
        let filter = serde_json::json!({"name": "x", "min": 1});
        let mut query = Vec::new();
        query_value(&mut query, "filter", &filter, QueryStyle::DeepObject).unwrap();
        query_value(&mut query, "f", &filter, QueryStyle::Form).unwrap();
        query_value(&mut query, "f", &filter, QueryStyle::FormExplode).unwrap();
        query_value(&mut query, "ids", &[1, 2], QueryStyle::Form).unwrap();
        query_value(&mut query, "ids", &[1, 2], QueryStyle::FormExplode).unwrap();
        let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            pairs,
            [
                "filter[name]=x",
                "filter[min]=1",
                "f=name,x,min,1",
                "name=x",
                "min=1",
                "ids=1,2",
                "ids=1",
                "ids=2"
            ]
        );
    }

    #[test]
    fn multipart_parts() {
        let body = serde_json::json!({"comment": "hi", "tags": ["a", "b"], "gone": null});
        let text = String::from_utf8(multipart(&body).unwrap()).unwrap();
        let b = MULTIPART_BOUNDARY;
        assert_eq!(
            text,
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nhi\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n--{b}--\r\n"
            )
        );
        assert!(MULTIPART_CONTENT_TYPE.ends_with(MULTIPART_BOUNDARY));
        assert!(multipart(&serde_json::json!("not an object")).is_err());
    }

    struct Upload(Vec<u8>);

    impl MultipartBody for Upload {
        fn parts(&self) -> Result<Vec<Part>, crate::runtime::Error> {
            Ok(vec![Part::file("file", &self.0), Part::value("n", &3)?])
        }
    }

    #[test]
    fn file_parts_keep_their_bytes() {
        let body = multipart(&Upload(vec![0, 159, 146, 150, 13, 10])).unwrap();
        let b = MULTIPART_BOUNDARY.as_bytes();
        let mut expected = Vec::new();
        expected.extend_from_slice(b"--");
        expected.extend_from_slice(b);
        expected.extend_from_slice(
            b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n",
        );
        expected.extend_from_slice(&[0, 159, 146, 150, 13, 10]);
        expected.extend_from_slice(b"\r\n--");
        expected.extend_from_slice(b);
        expected
            .extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n3\r\n--");
        expected.extend_from_slice(b);
        expected.extend_from_slice(b"--\r\n");
        assert_eq!(body, expected);
        let mut holding_boundary = b"x".to_vec();
        holding_boundary.extend_from_slice(b);
        assert!(multipart(&Upload(holding_boundary)).is_err());
    }

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
