//! `multipart/form-data` bodies: one part per property, file parts byte for byte, and a
//! boundary chosen for each body so that it occurs in none of its parts.

use super::{scalar_text, serialize_error};
use crate::runtime::error::Error;
use crate::runtime::request::RequestBody;
use std::borrow::Cow;
use std::hash::{BuildHasher, Hasher};

/// How many boundaries are tried before a body is refused: each is 128 random bits, so a
/// second try is already astronomically rare.
const BOUNDARY_TRIES: usize = 8;

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
    pub fn value<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<Part, Error> {
        let value = serde_json::to_value(value).map_err(Error::serialize)?;
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

    /// The part's head: `Content-Disposition` and, for files, `Content-Type`.
    fn head(&self) -> String {
        let mut head = format!("Content-Disposition: form-data; name=\"{}\"", self.name);
        if let Some(filename) = &self.filename {
            head.push_str("; filename=\"");
            head.push_str(filename);
            head.push('"');
        }
        head.push_str("\r\n");
        if let Some(content_type) = self.content_type {
            head.push_str("Content-Type: ");
            head.push_str(content_type);
            head.push_str("\r\n");
        }
        head
    }

    /// Whether `boundary` occurs anywhere in the part.
    fn contains(&self, boundary: &[u8]) -> bool {
        let holds = |bytes: &[u8]| bytes.windows(boundary.len()).any(|w| w == boundary);
        holds(&self.bytes)
            || holds(self.name.as_bytes())
            || self
                .filename
                .as_deref()
                .is_some_and(|f| holds(f.as_bytes()))
    }
}

/// A body that can be written as `multipart/form-data`. Generated structs used as multipart
/// bodies implement it (binary properties become file parts); so do JSON objects and maps.
pub trait MultipartBody {
    /// The parts, in order.
    fn parts(&self) -> Result<Vec<Part>, Error>;
}

fn object_parts(value: serde_json::Value) -> Result<Vec<Part>, Error> {
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
    fn parts(&self) -> Result<Vec<Part>, Error> {
        object_parts(self.clone())
    }
}

impl<T: serde::Serialize> MultipartBody for std::collections::BTreeMap<String, T> {
    fn parts(&self) -> Result<Vec<Part>, Error> {
        object_parts(serde_json::to_value(self).map_err(Error::serialize)?)
    }
}

/// Writes a body as `multipart/form-data`, with a boundary that occurs in none of its parts;
/// the content type names it (`multipart/form-data; boundary=…`).
pub fn multipart_body<T: MultipartBody + ?Sized>(value: &T) -> Result<RequestBody, Error> {
    multipart_with(value, random_boundary)
}

/// [`multipart_body`] with the boundaries to try coming from `next_boundary`.
fn multipart_with<T: MultipartBody + ?Sized>(
    value: &T,
    next_boundary: impl FnMut() -> String,
) -> Result<RequestBody, Error> {
    let parts = value.parts()?;
    for part in &parts {
        check_names(part)?;
    }
    let boundary = choose_boundary(&parts, next_boundary)?;
    Ok(RequestBody {
        content_type: Cow::Owned(format!("multipart/form-data; boundary={boundary}")),
        bytes: write_parts(&parts, &boundary),
    })
}

/// A name or file name is written in quotes on one line: no quote and no line break in it.
fn check_names(part: &Part) -> Result<(), Error> {
    let bad = |text: &str| text.contains(['"', '\r', '\n']);
    if bad(&part.name) || part.filename.as_deref().is_some_and(bad) {
        return Err(serialize_error(format!(
            "multipart part `{}` cannot be written: its name has a quote or a line break",
            part.name.escape_debug()
        )));
    }
    Ok(())
}

/// The first boundary from `next_boundary` that no part contains.
fn choose_boundary(
    parts: &[Part],
    mut next_boundary: impl FnMut() -> String,
) -> Result<String, Error> {
    for _ in 0..BOUNDARY_TRIES {
        let boundary = next_boundary();
        if !parts.iter().any(|part| part.contains(boundary.as_bytes())) {
            return Ok(boundary);
        }
    }
    Err(serialize_error(format!(
        "no multipart boundary found that occurs in none of the parts after {BOUNDARY_TRIES} \
         tries"
    )))
}

/// `form-boundary-` and 32 random hex digits.
fn random_boundary() -> String {
    let random = || {
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    };
    format!("form-boundary-{:016x}{:016x}", random(), random())
}

/// The body: each part after `--boundary`, then `--boundary--`.
fn write_parts(parts: &[Part], boundary: &str) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n{}\r\n", part.head()).as_bytes());
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The boundary this crate used for every body before it chose one per body.
    const OLD_FIXED_BOUNDARY: &str = "openapi-client-part-boundary-5f0c3e9a1d7b";

    fn boundary_of(body: &RequestBody) -> &str {
        body.content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("a multipart content type with its boundary")
    }

    #[test]
    fn multipart_parts() {
        let body = serde_json::json!({"comment": "hi", "tags": ["a", "b"], "gone": null});
        let written = multipart_with(&body, || "b0undary".to_owned()).unwrap();
        assert_eq!(
            written.content_type,
            "multipart/form-data; boundary=b0undary"
        );
        let b = "b0undary";
        assert_eq!(
            String::from_utf8(written.bytes).unwrap(),
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nhi\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n\
                 --{b}\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n--{b}--\r\n"
            )
        );
        assert!(multipart_body(&serde_json::json!("not an object")).is_err());
        assert!(multipart_body(&serde_json::json!({"a\"b": 1})).is_err());
    }

    struct Upload(Vec<u8>);

    impl MultipartBody for Upload {
        fn parts(&self) -> Result<Vec<Part>, Error> {
            Ok(vec![Part::file("file", &self.0), Part::value("n", &3)?])
        }
    }

    #[test]
    fn file_parts_keep_their_bytes() {
        let written =
            multipart_with(&Upload(vec![0, 159, 146, 150, 13, 10]), || "B".repeat(20)).unwrap();
        let b = "B".repeat(20);
        let mut expected = Vec::new();
        expected.extend_from_slice(format!("--{b}").as_bytes());
        expected.extend_from_slice(
            b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n",
        );
        expected.extend_from_slice(&[0, 159, 146, 150, 13, 10]);
        expected.extend_from_slice(format!("\r\n--{b}").as_bytes());
        expected.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n3\r\n");
        expected.extend_from_slice(format!("--{b}--\r\n").as_bytes());
        assert_eq!(written.bytes, expected);
    }

    #[test]
    fn an_upload_holding_the_old_fixed_boundary_is_sent() {
        let mut content = b"before ".to_vec();
        content.extend_from_slice(format!("--{OLD_FIXED_BOUNDARY}\r\n").as_bytes());
        content.extend_from_slice(b" after");
        let written = multipart_body(&Upload(content.clone())).unwrap();
        let boundary = boundary_of(&written).to_owned();
        assert_ne!(boundary, OLD_FIXED_BOUNDARY);
        assert!(boundary.len() >= 40, "{boundary}");
        // The content is in the body whole, and the boundary only where it delimits parts.
        let delimiter = format!("--{boundary}");
        let body = &written.bytes;
        assert!(body.windows(content.len()).any(|w| w == content.as_slice()));
        let delimiters = body
            .windows(delimiter.len())
            .filter(|w| *w == delimiter.as_bytes())
            .count();
        assert_eq!(delimiters, 3, "two parts and the closing delimiter");
    }

    #[test]
    fn a_boundary_found_in_a_part_is_replaced() {
        let mut tried = vec!["second".to_owned(), "in-the-file".to_owned()];
        let written = multipart_with(&Upload(b"data in-the-file data".to_vec()), || {
            tried.pop().unwrap_or_default()
        })
        .unwrap();
        assert_eq!(boundary_of(&written), "second");
        let always = multipart_with(&Upload(b"xx".to_vec()), || "x".to_owned());
        assert!(
            always
                .unwrap_err()
                .to_string()
                .contains("no multipart boundary found"),
        );
    }

    #[test]
    fn boundaries_differ_per_body() {
        let first = random_boundary();
        let second = random_boundary();
        assert_ne!(first, second);
        assert_eq!(first.len(), "form-boundary-".len() + 32);
    }
}
