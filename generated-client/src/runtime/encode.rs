//! How parameter values and bodies are written: path segments, query styles, cookies and form
//! bodies (and the other body encodings the spec needs).

use crate::runtime::error::Error;
use crate::runtime::request::{CallOptions, OperationRequest, RequestBody};
use http::Method;
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use std::borrow::Cow;

#[cfg(feature = "multipart")]
mod multipart;
#[cfg(feature = "multipart")]
pub use multipart::{MultipartBody, Part, multipart_body};

/// Everything except the RFC 3986 unreserved set `A-Z a-z 0-9 - . _ ~` is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes one path parameter value so that it stays a single path segment: `/`, `?`, `%`,
/// spaces and non-ASCII characters are all percent-encoded (UTF-8, uppercase hex), the same as
/// Python's `quote(value, safe='')`.
pub fn path_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// What a cookie value may not hold as it is (RFC 6265 `cookie-octet` excludes controls,
/// whitespace, `"`, `,`, `;` and `\\`), and `%` so that the encoding can be undone.
const COOKIE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Encodes a cookie value so that it stays one value of one cookie: `;`, `,`, spaces, quotes,
/// backslashes, `%`, control characters and non-ASCII characters are percent-encoded (UTF-8,
/// uppercase hex); everything else is sent as it is.
pub fn cookie_value(value: &str) -> String {
    utf8_percent_encode(value, COOKIE).to_string()
}

/// Serialises a body as `application/x-www-form-urlencoded`, as OpenAPI's default for form
/// bodies (`style: form, explode: true`) has it: each property `name=value` in the order of
/// the type, an array one pair per item (`tags=a&tags=b`), an absent or null property
/// left out, and an object (or an array inside an array) as JSON text. A value that is not an
/// object is a serialisation error.
pub fn form<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    let value = serde_json::to_value(value).map_err(Error::serialize)?;
    let serde_json::Value::Object(fields) = value else {
        return Err(serialize_error(
            "form body: only an object can be sent as a form".to_owned(),
        ));
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in fields {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Array(items) => pairs.extend(
                items
                    .iter()
                    .filter(|item| !item.is_null())
                    .map(|item| (name.clone(), scalar_text(item))),
            ),
            other => pairs.push((name, scalar_text(&other))),
        }
    }
    serde_urlencoded::to_string(&pairs)
        .map(String::into_bytes)
        .map_err(|error| serialize_error(format!("form body: {error}")))
}

fn serialize_error(message: String) -> Error {
    Error::serialize(<serde_json::Error as serde::ser::Error>::custom(message))
}

/// The text of a scalar JSON value as it goes into a query, a form or a body part: strings
/// as they are, numbers and booleans in JSON notation, `null` empty, objects and arrays as
/// JSON text.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
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
) -> Result<(), Error> {
    let value = serde_json::to_value(value).map_err(Error::serialize)?;
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
pub fn json_param<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(Error::serialize)
}

/// A value that can be written into a path segment, query value or header value.
/// Generated string enums implement it too.
pub trait ParamValue {
    /// The text form, before any percent-encoding.
    fn to_param(&self) -> String;

    /// The text form, borrowed when the value already is text.
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_param())
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }

    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
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

    fn param_text(&self) -> Cow<'_, str> {
        (**self).param_text()
    }
}

/// How generated code fills an [`OperationRequest`], one statement per parameter: each takes
/// the value when it is set (`None` adds nothing) and writes it as the spec says.
impl OperationRequest {
    /// An empty request for one operation: no path yet, no parameters, no body.
    pub fn new(operation_id: &'static str, method: Method, idempotent: bool) -> Self {
        OperationRequest {
            operation_id,
            method,
            // Room for most paths, so that writing one does not reallocate segment by segment.
            path: String::with_capacity(128),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            idempotent,
            options: CallOptions::default(),
        }
    }

    /// Literal text of the path template, as it is.
    pub fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// A path parameter: its text percent-encoded as one segment.
    pub fn path_param<T: ParamValue + ?Sized>(&mut self, value: &T) {
        self.path
            .extend(utf8_percent_encode(&value.param_text(), SEGMENT));
    }

    /// A path parameter declared with `content: application/json`: its JSON text, encoded.
    pub fn path_json<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.path.push_str(&path_segment(&json_param(value)?));
        Ok(())
    }

    /// A query parameter: one pair (an array: the items joined with commas).
    pub fn query<T: ParamValue + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        if let Some(value) = value {
            self.query.push((name.to_owned(), value.to_param()));
        }
    }

    /// An array query parameter with `explode: true`: one pair per item.
    pub fn query_exploded<T: ParamValue>(&mut self, name: &str, value: Option<&Vec<T>>) {
        for item in value.into_iter().flatten() {
            self.query.push((name.to_owned(), item.to_param()));
        }
    }

    /// An array query parameter without `explode`: one pair, the items joined with
    /// `separator` (`,`, ` `, `|` or a tab, by style).
    pub fn query_joined<T: ParamValue>(
        &mut self,
        name: &str,
        value: Option<&Vec<T>>,
        separator: &str,
    ) {
        if let Some(items) = value {
            self.query.push((name.to_owned(), joined(items, separator)));
        }
    }

    /// A query parameter declared with `content: application/json`: its JSON text.
    pub fn query_json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: Option<&T>,
    ) -> Result<(), Error> {
        if let Some(value) = value {
            self.query.push((name.to_owned(), json_param(value)?));
        }
        Ok(())
    }

    /// A query parameter of any other type (an object, a map, a union), written in `style`.
    pub fn query_styled<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: Option<&T>,
        style: QueryStyle,
    ) -> Result<(), Error> {
        match value {
            Some(value) => query_value(&mut self.query, name, value, style),
            None => Ok(()),
        }
    }

    /// A header parameter (an array: the items joined with commas).
    pub fn header<T: ParamValue + ?Sized>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.headers.push((name, value.to_param()));
        }
    }

    /// An array header parameter, the items joined with `separator`.
    pub fn header_joined<T: ParamValue>(
        &mut self,
        name: &'static str,
        value: Option<&Vec<T>>,
        separator: &str,
    ) {
        if let Some(items) = value {
            self.headers.push((name, joined(items, separator)));
        }
    }

    /// A header parameter declared with `content: application/json`: its JSON text.
    pub fn header_json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Result<(), Error> {
        if let Some(value) = value {
            self.headers.push((name, json_param(value)?));
        }
        Ok(())
    }

    /// A cookie parameter: `name=value` (the value encoded so it stays one cookie) in the one
    /// `Cookie` header, after the cookies before it.
    pub fn cookie<T: ParamValue + ?Sized>(&mut self, name: &str, value: Option<&T>) {
        if let Some(value) = value {
            self.push_cookie(name, &value.to_param());
        }
    }

    /// A cookie parameter declared with `content: application/json`: its JSON text.
    pub fn cookie_json<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: Option<&T>,
    ) -> Result<(), Error> {
        if let Some(value) = value {
            self.push_cookie(name, &json_param(value)?);
        }
        Ok(())
    }

    fn push_cookie(&mut self, name: &str, text: &str) {
        let cookie = [name, "=", &cookie_value(text)].concat();
        match self
            .headers
            .iter_mut()
            .find(|(header, _)| *header == "Cookie")
        {
            Some((_, cookies)) => {
                cookies.push_str("; ");
                cookies.push_str(&cookie);
            }
            None => self.headers.push(("Cookie", cookie)),
        }
    }
}

impl RequestBody {
    /// `value` as JSON, sent as `content_type`.
    pub fn json_as<T: serde::Serialize + ?Sized>(
        value: &T,
        content_type: &'static str,
    ) -> Result<Self, Error> {
        Ok(RequestBody {
            content_type: Cow::Borrowed(content_type),
            bytes: serde_json::to_vec(value).map_err(Error::serialize)?,
        })
    }

    /// `value` as `application/x-www-form-urlencoded`, sent as `content_type`.
    pub fn form_as<T: serde::Serialize + ?Sized>(
        value: &T,
        content_type: &'static str,
    ) -> Result<Self, Error> {
        Ok(RequestBody {
            content_type: Cow::Borrowed(content_type),
            bytes: form(value)?,
        })
    }

    /// Text, sent as `content_type`.
    pub fn text_as(value: &str, content_type: &'static str) -> Self {
        RequestBody {
            content_type: Cow::Borrowed(content_type),
            bytes: value.as_bytes().to_vec(),
        }
    }

    /// Bytes, sent as `content_type`.
    pub fn bytes_as(value: &[u8], content_type: &'static str) -> Self {
        RequestBody {
            content_type: Cow::Borrowed(content_type),
            bytes: value.to_vec(),
        }
    }
}

/// The items' texts joined with `separator`.
fn joined<T: ParamValue>(items: &[T], separator: &str) -> String {
    let texts: Vec<String> = items.iter().map(ParamValue::to_param).collect();
    texts.join(separator)
}

#[cfg(test)]
mod tests {
    #[test]
    fn form_bodies_repeat_array_properties_and_skip_absent_ones() {
        #[derive(serde::Serialize)]
        struct Login<'a> {
            username: &'a str,
            tags: Vec<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            code: Option<u32>,
            remember: Option<bool>,
            filter: serde_json::Value,
        }
        let body = super::form(&Login {
            username: "a b&c",
            tags: vec!["x", "y=z"],
            code: None,
            remember: None,
            filter: serde_json::json!({"k": 1}),
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "username=a+b%26c&tags=x&tags=y%3Dz&filter=%7B%22k%22%3A1%7D"
        );
        assert!(super::form(&[1, 2]).is_err());
    }

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
    fn cookie_values_stay_one_value() {
        let cases = [
            ("dark", "dark"),
            ("a;b", "a%3Bb"),
            ("a, b", "a%2C%20b"),
            ("say \"hi\"", "say%20%22hi%22"),
            ("back\\slash", "back%5Cslash"),
            ("100%", "100%25"),
            ("line\r\nbreak", "line%0D%0Abreak"),
            ("é", "%C3%A9"),
            (
                "b64+/=~!#$&'()*:<>?@[]^_`{|}",
                "b64+/=~!#$&'()*:<>?@[]^_`{|}",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(cookie_value(input), expected, "input {input:?}");
        }
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
