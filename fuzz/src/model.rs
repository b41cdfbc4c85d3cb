//! A slow, plain model of SDK-HMAC-SHA256 signing, written from
//! `shared/reference/huawei-sdk-facts.md` §1 alone (plus the differences from the SDK that
//! `metastudio::runtime::signer` documents: the errors below, and `/` for an empty path).
//!
//! Every step builds strings with `format!` and `push_str`, in the order the reference lists
//! the steps. Nothing here is shared with the signer.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// What to sign.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub host: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub ak: String,
    pub sk: String,
    pub security_token: Option<String>,
    /// The `X-Sdk-Date` to set when the request has none; `None` when the signing time cannot
    /// be written as one (outside the years 1 to 9999).
    pub date: Option<String>,
}

/// What signing gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub canonical_request: String,
    pub method: String,
    pub uri: String,
    pub query: String,
    /// `(lowercased name, stripped value)` of each signed header, sorted.
    pub signed: Vec<(String, String)>,
    pub signed_headers: String,
    pub payload_hash: String,
    pub string_to_sign: String,
    pub date: String,
    pub canonical_request_hash: String,
    pub signature: String,
    pub authorization: String,
    /// Every header to send, `Authorization` last.
    pub headers: Vec<(String, String)>,
}

/// Why the signer refuses a request (the signer's documented errors, in the order it checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    EmptyAccessKey,
    EmptySecretKey,
    /// The first header (in order) that is `authorization` in any case, or repeats an earlier
    /// name case-insensitively.
    AuthorizationPresent(String),
    DuplicateHeader(String),
    InvalidSdkDate {
        name: String,
        value: String,
    },
    DateOutOfRange,
}

const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The characters Python's `str.strip()` removes: `[chr(c) for c in range(0x110000) if
/// chr(c).isspace()]`.
const PYTHON_WHITESPACE: &[char] = &[
    '\u{9}', '\u{a}', '\u{b}', '\u{c}', '\u{d}', '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}', '\u{20}',
    '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}',
    '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}', '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}',
    '\u{202f}', '\u{205f}', '\u{3000}',
];

pub fn python_strip(value: &str) -> String {
    value
        .trim_matches(|c| PYTHON_WHITESPACE.contains(&c))
        .to_string()
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::new();
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Python's `quote(s, safe='~')`: `A-Z a-z 0-9 - . _ ~` stay, every other UTF-8 byte is `%XX`.
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_' || b == b'~' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Python's `unquote`: `%XX` becomes the byte, anything else (a lone `%` too) stays; the bytes
/// are read as UTF-8 with invalid sequences replaced by U+FFFD.
pub fn unquote(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// Step 6, CanonicalURI: unquote, split on `/`, quote each segment, join with `/`, end in `/`.
pub fn canonical_uri(path: &str) -> String {
    let segments: Vec<String> = unquote(path).split('/').map(quote).collect();
    let mut uri = segments.join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Step 6, CanonicalQueryString: sort the decoded pairs, then quote both sides.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs = query.to_vec();
    pairs.sort();
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", quote(k), quote(v)))
        .collect();
    parts.join("&")
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// `YYYYMMDDTHHMMSSZ` with a real date and time (the signer's strict form).
pub fn is_valid_sdk_date(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() != 16 || chars[8] != 'T' || chars[15] != 'Z' {
        return false;
    }
    let digits = |from: usize, to: usize| -> Option<u32> {
        let text: String = chars[from..to].iter().collect();
        if text.chars().all(|c| c.is_ascii_digit()) {
            text.parse().ok()
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        digits(0, 4),
        digits(4, 6),
        digits(6, 8),
        digits(9, 11),
        digits(11, 13),
        digits(13, 15),
    ) else {
        return false;
    };
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return false,
    };
    year >= 1 && day >= 1 && day <= month_days && hour <= 23 && minute <= 59 && second <= 59
}

fn position_ignore_case(headers: &[(String, String)], lower_name: &str) -> Option<usize> {
    headers
        .iter()
        .position(|(name, _)| name.to_lowercase() == lower_name)
}

/// Sets a header: the value of an existing one of that name (any case) is replaced in place,
/// else it is appended.
fn set_header(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    match position_ignore_case(headers, &name.to_lowercase()) {
        Some(i) => headers[i].1 = value.to_string(),
        None => headers.push((name.to_string(), value.to_string())),
    }
}

pub fn sign(request: &Request) -> Result<Signed, Refused> {
    if request.ak.is_empty() {
        return Err(Refused::EmptyAccessKey);
    }
    if request.sk.is_empty() {
        return Err(Refused::EmptySecretKey);
    }
    for (i, (name, _)) in request.headers.iter().enumerate() {
        let lower = name.to_lowercase();
        if lower == "authorization" {
            return Err(Refused::AuthorizationPresent(name.clone()));
        }
        if request.headers[..i]
            .iter()
            .any(|(earlier, _)| earlier.to_lowercase() == lower)
        {
            return Err(Refused::DuplicateHeader(name.clone()));
        }
    }
    let mut headers = request.headers.clone();

    // §1 entry point: the security token.
    if let Some(token) = &request.security_token {
        set_header(&mut headers, "X-Security-Token", token);
    }

    // Step 2: UNSIGNED-PAYLOAD, exact key `Content-Type`, case-sensitive prefixes.
    if let Some((_, content_type)) = headers.iter().find(|(name, _)| name == "Content-Type") {
        let content_type = content_type.clone();
        if !content_type.is_empty()
            && !content_type.starts_with("application/json")
            && !content_type.starts_with("application/bson")
        {
            set_header(&mut headers, "X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD");
        }
    }

    // Step 3: the date.
    let date = match position_ignore_case(&headers, "x-sdk-date") {
        Some(i) => {
            let (name, value) = headers[i].clone();
            if !is_valid_sdk_date(&value) {
                return Err(Refused::InvalidSdkDate { name, value });
            }
            value
        }
        None => match &request.date {
            Some(date) => {
                headers.push(("X-Sdk-Date".to_string(), date.clone()));
                date.clone()
            }
            None => return Err(Refused::DateOutOfRange),
        },
    };

    // Step 4: Host.
    if position_ignore_case(&headers, "host").is_none() {
        headers.push(("Host".to_string(), request.host.clone()));
    }

    // Step 6, CanonicalHeaders: every value stripped, and sent stripped.
    for (_, value) in headers.iter_mut() {
        *value = python_strip(value);
    }

    // Step 5: signed headers, every name without `_`, lowercased, sorted.
    let mut signed: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, value)| (name.to_lowercase(), value.clone()))
        .collect();
    signed.sort();
    let names: Vec<String> = signed.iter().map(|(name, _)| name.clone()).collect();
    let signed_headers = names.join(";");

    // Step 6, PayloadHash.
    let payload_hash = match &request.body {
        None => EMPTY_HASH.to_string(),
        Some(body) if body.is_empty() => EMPTY_HASH.to_string(),
        Some(body) => match position_ignore_case(&headers, "x-sdk-content-sha256") {
            Some(i) if !headers[i].1.is_empty() => headers[i].1.clone(),
            _ => sha256_hex(body),
        },
    };

    let method = request.method.to_uppercase();
    let uri = canonical_uri(&request.path);
    let query = canonical_query(&request.query);
    let mut canonical_headers = String::new();
    for (name, value) in &signed {
        canonical_headers.push_str(&format!("{name}:{value}\n"));
    }
    let canonical_request =
        format!("{method}\n{uri}\n{query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}");

    // Step 7.
    let canonical_request_hash = sha256_hex(canonical_request.as_bytes());
    let string_to_sign = format!("SDK-HMAC-SHA256\n{date}\n{canonical_request_hash}");

    // Step 8.
    let mut mac = match Hmac::<Sha256>::new_from_slice(request.sk.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(string_to_sign.as_bytes());
    let signature = hex(&mac.finalize().into_bytes());

    // Step 9.
    let authorization = format!(
        "SDK-HMAC-SHA256 Access={}, SignedHeaders={signed_headers}, Signature={signature}",
        request.ak
    );
    headers.push(("Authorization".to_string(), authorization.clone()));

    Ok(Signed {
        canonical_request,
        method,
        uri,
        query,
        signed,
        signed_headers,
        payload_hash,
        string_to_sign,
        date,
        canonical_request_hash,
        signature,
        authorization,
        headers,
    })
}
