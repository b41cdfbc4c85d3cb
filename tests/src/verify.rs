//! An independent SDK-HMAC-SHA256 verifier for end-to-end tests.
//!
//! A loopback test server captures a request as received (method, raw request target, headers
//! in order with their original values, body bytes) and calls [`verify`] to check that its
//! `Authorization` header is a correct signature over exactly those bytes.
//!
//! This is deliberately a second, straightforward implementation written from the reference
//! text (`shared/reference/huawei-sdk-facts.md` §1), sharing no code with
//! `metastudio::runtime::signer`: if both agreed on a mistake, the vectors test would still catch
//! it, and if they disagree, an end-to-end test fails.

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Python's `quote(s, safe='~')`: only `A-Z a-z 0-9 - . _ ~` stay bare.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Checks that the `Authorization` header of a received request is a correct SDK-HMAC-SHA256
/// signature, by `ak`/`sk`, over exactly what was received.
///
/// * `method`: the request method, e.g. `PUT`.
/// * `target`: the raw request target, path plus `?` plus query exactly as on the wire.
/// * `headers`: every received header, in order, with its received value (headers a transport
///   adds, such as `accept` or `content-length`, may be present: only those listed in
///   `SignedHeaders` are used, and each of those must be present exactly once).
/// * `body`: the received body bytes.
///
/// The `Err` names the stage that failed and what differs; on a signature mismatch it includes
/// the canonical request and string to sign derived from the received request, to compare with
/// the client's.
pub fn verify(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    ak: &str,
    sk: &str,
) -> Result<(), String> {
    // The Authorization header.
    let authorization =
        single_header(headers, "authorization").map_err(|e| format!("[authorization] {e}"))?;
    let parsed = parse_authorization(authorization)
        .map_err(|e| format!("[authorization] {e}: `{authorization}`"))?;
    if parsed.access != ak {
        return Err(format!(
            "[authorization] Access is `{}`, expected the access key `{ak}`",
            parsed.access
        ));
    }

    let (canonical_request, date) =
        canonical(method, target, headers, body, parsed.signed_headers)?;
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(sk.as_bytes())
        .map_err(|e| format!("[signature] HMAC key rejected: {e}"))?;
    mac.update(string_to_sign.as_bytes());
    let expected = hex::encode(mac.finalize().into_bytes());
    if parsed.signature != expected {
        return Err(format!(
            "[signature] Authorization has Signature={} but the received request signs to {expected}\n\
             --- canonical request as received ---\n{canonical_request}\n\
             --- string to sign as received ---\n{string_to_sign}",
            parsed.signature
        ));
    }
    Ok(())
}

/// The canonical request a gateway derives from a received request (the headers its
/// `Authorization` lists as signed), as [`verify`] does: what a test server echoes when it
/// refuses a signature.
pub fn canonical_request(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<String, String> {
    let authorization =
        single_header(headers, "authorization").map_err(|e| format!("[authorization] {e}"))?;
    let parsed = parse_authorization(authorization)
        .map_err(|e| format!("[authorization] {e}: `{authorization}`"))?;
    canonical(method, target, headers, body, parsed.signed_headers).map(|(request, _)| request)
}

/// The canonical request over `signed_headers`, and the `X-Sdk-Date` it carries.
fn canonical(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    signed_headers: &str,
) -> Result<(String, String), String> {
    // The signed headers: well formed, and all present in what was received.
    let names: Vec<&str> = signed_headers.split(';').collect();
    check_signed_header_names(&names)
        .map_err(|e| format!("[signed-headers] {e} (SignedHeaders={signed_headers})"))?;
    let mut canonical_headers = String::new();
    let mut date = "";
    for name in &names {
        let value = single_header(headers, name).map_err(|e| {
            format!(
                "[signed-headers] `{name}` is listed in SignedHeaders but {e}; received header \
                 names: {:?}",
                headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>()
            )
        })?;
        let value = python_strip(value);
        if *name == "x-sdk-date" {
            date = value;
        }
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(value);
        canonical_headers.push('\n');
    }
    if !is_sdk_date(date) {
        return Err(format!(
            "[x-sdk-date] `{date}` is not of the form YYYYMMDDTHHMMSSZ"
        ));
    }

    // The payload hash.
    let body_hash = hex::encode(Sha256::digest(body));
    let payload_hash = if body.is_empty() {
        EMPTY_BODY_SHA256.to_owned()
    } else {
        let declared = single_header(headers, "x-sdk-content-sha256")
            .ok()
            .map(python_strip)
            .filter(|v| !v.is_empty());
        match declared {
            Some("UNSIGNED-PAYLOAD") => "UNSIGNED-PAYLOAD".to_owned(),
            Some(declared) if declared != body_hash => {
                return Err(format!(
                    "[payload] X-Sdk-Content-Sha256 is `{declared}` but the received body \
                     ({} bytes) hashes to `{body_hash}`",
                    body.len()
                ));
            }
            Some(declared) => declared.to_owned(),
            None => body_hash,
        }
    };

    // The canonical URI and query, from the received target.
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, query),
        None => (target, ""),
    };
    let canonical_uri = canonical_path(path);
    let canonical_query = canonical_query(query);

    let canonical_request = format!(
        "{}\n{canonical_uri}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}",
        method.to_uppercase(),
    );
    Ok((canonical_request, date.to_owned()))
}

/// The parts of `SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<a;b>, Signature=<hex>`.
struct ParsedAuthorization<'a> {
    access: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<ParsedAuthorization<'_>, String> {
    let rest = value
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or("does not start with `SDK-HMAC-SHA256 `")?;
    let parts: Vec<&str> = rest.split(", ").collect();
    let [access, signed_headers, signature] = parts[..] else {
        return Err(format!(
            "has {} comma-separated parts, expected Access, SignedHeaders and Signature",
            parts.len()
        ));
    };
    let access = access
        .strip_prefix("Access=")
        .ok_or("first part is not `Access=...`")?;
    let signed_headers = signed_headers
        .strip_prefix("SignedHeaders=")
        .ok_or("second part is not `SignedHeaders=...`")?;
    let signature = signature
        .strip_prefix("Signature=")
        .ok_or("third part is not `Signature=...`")?;
    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err("Signature is not 64 lowercase hex digits".to_owned());
    }
    Ok(ParsedAuthorization {
        access,
        signed_headers,
        signature,
    })
}

/// SignedHeaders must be lowercase names without `_`, sorted and unique, including `host` and
/// `x-sdk-date` (the SDK always signs both).
fn check_signed_header_names(names: &[&str]) -> Result<(), String> {
    for name in names {
        if name.is_empty() {
            return Err("has an empty name".to_owned());
        }
        if name.contains('_') {
            return Err(format!(
                "lists `{name}`, but names with `_` are never signed"
            ));
        }
        if name.to_lowercase() != *name {
            return Err(format!("lists `{name}`, which is not lowercase"));
        }
    }
    if let Some(pair) = names.windows(2).find(|pair| pair[0] >= pair[1]) {
        return Err(format!(
            "is not sorted and unique: `{}` comes before `{}`",
            pair[0], pair[1]
        ));
    }
    for required in ["host", "x-sdk-date"] {
        if !names.contains(&required) {
            return Err(format!("does not list `{required}`"));
        }
    }
    Ok(())
}

/// The value of the only header named `name` (case-insensitively).
fn single_header<'h>(headers: &'h [(String, String)], name: &str) -> Result<&'h str, String> {
    let mut found = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    match (found.next(), found.next()) {
        (Some((_, value)), None) => Ok(value),
        (None, _) => Err(format!("the request has no `{name}` header")),
        (Some(_), Some(_)) => Err(format!("the request has `{name}` more than once")),
    }
}

/// Python's `str.strip()`: Unicode whitespace and `\x1c`–`\x1f`.
fn python_strip(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

fn is_sdk_date(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 8 || i == 15 || c.is_ascii_digit())
}

fn unquote(value: &str) -> String {
    String::from_utf8_lossy(&percent_decode_str(value).collect::<Vec<u8>>()).into_owned()
}

fn quote(value: &str) -> String {
    utf8_percent_encode(value, UNRESERVED).to_string()
}

/// Decode the wire path, split on `/`, re-encode each segment, end in `/`.
fn canonical_path(path: &str) -> String {
    let segments: Vec<String> = unquote(path).split('/').map(quote).collect();
    let mut uri = segments.join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Decode the wire query into pairs, sort them decoded, re-encode.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.split_once('=') {
            Some((k, v)) => (unquote(k), unquote(v)),
            None => (unquote(piece), String::new()),
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", quote(k), quote(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Vector seed42-000 (the documented UpdateActiveCode example) in the form a server receives
    /// it: the SDK's final headers plus those the HTTP library adds, the target and the body.
    struct Received {
        method: String,
        target: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        ak: String,
        sk: String,
    }

    impl Received {
        fn verify(&self) -> Result<(), String> {
            verify(
                &self.method,
                &self.target,
                &self.headers,
                &self.body,
                &self.ak,
                &self.sk,
            )
        }
    }

    fn seed42_000() -> Received {
        // The repository's copy of the vendor's vectors (not `SIGNING_VECTORS`, which may name a
        // file without this vector).
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sdk-hmac-sha256.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let doc: Value = serde_json::from_str(&text).expect("vectors JSON");
        let vector = doc["vectors"]
            .as_array()
            .expect("vectors array")
            .iter()
            .find(|v| v["id"] == "seed42-000")
            .expect("seed42-000");
        let input = &vector["input"];
        let s = |v: &Value| v.as_str().expect("string").to_owned();
        let url = s(&input["url"]);
        let origin = format!("{}://{}", s(&input["scheme"]), s(&input["host"]));
        let target = url.strip_prefix(&origin).expect("url starts with origin");
        let mut headers: Vec<(String, String)> = vector["expected"]["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .map(|pair| (s(&pair[0]), s(&pair[1])))
            .collect();
        let body = s(&input["body_utf8"]).into_bytes();
        // What `requests`/hyper add on the way: unsigned, and ignored.
        headers.insert(1, ("Accept".into(), "*/*".into()));
        headers.push(("Content-Length".into(), body.len().to_string()));
        Received {
            method: s(&input["method"]),
            target: target.to_owned(),
            headers,
            body,
            ak: s(&input["ak"]),
            sk: s(&input["sk"]),
        }
    }

    fn expect_err(received: &Received, stage: &str) -> String {
        let error = received.verify().expect_err("must not verify");
        assert!(
            error.starts_with(stage),
            "expected a {stage} error, got: {error}"
        );
        error
    }

    #[test]
    fn the_documented_example_verifies() {
        let received = seed42_000();
        assert_eq!(received.verify(), Ok(()));
        // Header names arrive lowercased from hyper: still fine.
        let mut lowered = seed42_000();
        for (name, _) in &mut lowered.headers {
            *name = name.to_lowercase();
        }
        assert_eq!(lowered.verify(), Ok(()));
    }

    #[test]
    fn a_tampered_body_fails() {
        let mut received = seed42_000();
        received.body = br#"{"valid_period": 11}"#.to_vec();
        let error = expect_err(&received, "[signature]");
        assert!(
            error.contains("--- canonical request as received ---"),
            "{error}"
        );
        assert!(error.contains("x-sdk-date:20230901T065021Z"), "{error}");
    }

    #[test]
    fn tampered_headers_path_query_method_or_keys_fail() {
        let mut value = seed42_000();
        for (name, v) in &mut value.headers {
            if name == "X-Project-Id" {
                v.push('0');
            }
        }
        expect_err(&value, "[signature]");

        let mut path = seed42_000();
        path.target = path.target.replace("active-code", "active-codes");
        expect_err(&path, "[signature]");

        let mut query = seed42_000();
        query.target.push_str("?limit=1");
        expect_err(&query, "[signature]");

        let mut method = seed42_000();
        method.method = "POST".into();
        expect_err(&method, "[signature]");

        let mut sk = seed42_000();
        sk.sk.push('x');
        expect_err(&sk, "[signature]");

        let mut ak = seed42_000();
        ak.ak.push('x');
        let error = expect_err(&ak, "[authorization]");
        assert!(error.contains("Access"), "{error}");
    }

    #[test]
    fn a_missing_or_repeated_signed_header_fails() {
        let mut missing = seed42_000();
        missing.headers.retain(|(n, _)| n != "User-Agent");
        let error = expect_err(&missing, "[signed-headers]");
        assert!(error.contains("`user-agent`"), "{error}");

        let mut repeated = seed42_000();
        repeated
            .headers
            .push(("content-type".into(), "application/json".into()));
        let error = expect_err(&repeated, "[signed-headers]");
        assert!(error.contains("more than once"), "{error}");

        let mut unauthorized = seed42_000();
        unauthorized.headers.retain(|(n, _)| n != "Authorization");
        expect_err(&unauthorized, "[authorization]");
    }

    #[test]
    fn a_malformed_authorization_fails() {
        for bad in [
            "SDK-HMAC-SHA1 Access=a, SignedHeaders=host;x-sdk-date, Signature=00",
            "SDK-HMAC-SHA256 Access=a,SignedHeaders=host;x-sdk-date,Signature=00",
            "SDK-HMAC-SHA256 Access=HPUAHBRPOIG8F1CBFNO6, SignedHeaders=x-sdk-date;host, Signature=f09b3fce9f0301d02e4408bcba2a2bec422543d09e7d809535a7e1354414f92d",
            "SDK-HMAC-SHA256 Access=HPUAHBRPOIG8F1CBFNO6, SignedHeaders=x-sdk-date, Signature=f09b3fce9f0301d02e4408bcba2a2bec422543d09e7d809535a7e1354414f92d",
            "SDK-HMAC-SHA256 Access=HPUAHBRPOIG8F1CBFNO6, SignedHeaders=host;x-sdk-date, Signature=F09B3FCE9F0301D02E4408BCBA2A2BEC422543D09E7D809535A7E1354414F92D",
        ] {
            let mut received = seed42_000();
            for (name, value) in &mut received.headers {
                if name == "Authorization" {
                    *value = bad.to_owned();
                }
            }
            let error = received.verify().expect_err(bad);
            assert!(
                error.starts_with("[authorization]") || error.starts_with("[signed-headers]"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn a_declared_body_hash_must_match_the_body() {
        let mut received = seed42_000();
        received
            .headers
            .insert(0, ("X-Sdk-Content-Sha256".into(), "00".repeat(32)));
        expect_err(&received, "[payload]");
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/a%2Fb//c"), "/a/b//c/");
        assert_eq!(canonical_path("/%E6%BF%80 +"), "/%E6%BF%80%20%2B/");
        assert_eq!(
            canonical_query("b=2&a=&%C3%A9=1&a=x%20y&k%3Deq=1&flag"),
            "a=&a=x%20y&b=2&flag=&k%3Deq=1&%C3%A9=1"
        );
        assert_eq!(canonical_query(""), "");
        assert_eq!(python_strip("\x1f\t v \u{3000}"), "v");
    }
}
