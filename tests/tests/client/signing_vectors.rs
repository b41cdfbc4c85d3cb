//! Every SDK-HMAC-SHA256 vector made by the vendor's official Python signer is reproduced by
//! `metastudio::runtime::signer`, stage by stage, and accepted by the independent verifier.
//!
//! The vectors file is `$SIGNING_VECTORS`, by default the repository's copy of the vendor's
//! vectors, `tests/data/sdk-hmac-sha256.json` (facts produced by the official signer). Only the
//! test that checks every vector reads the override; the tests of the comparison itself use the
//! repository's copy, so any valid vectors file can be checked. Run with `--nocapture` to see how
//! many were checked.

use std::fmt;
use std::path::{Path, PathBuf};

use metastudio::runtime::credentials::{AkSk, Secret};
use metastudio::runtime::signer::{self, SdkDate, SignableRequest};
use serde_json::Value;

/// The repository's copy of the vendor's vectors.
fn repository_vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sdk-hmac-sha256.json")
}

/// The vectors file to check: `$SIGNING_VECTORS`, else the repository's copy.
fn vectors_path() -> PathBuf {
    match std::env::var_os("SIGNING_VECTORS") {
        Some(path) => PathBuf::from(path),
        None => repository_vectors(),
    }
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read the signing vectors at {}: {e} (set SIGNING_VECTORS to the file)",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// The first stage at which a vector's result differs from what the official signer produced.
#[derive(Debug)]
struct Failure {
    id: String,
    stage: &'static str,
    expected: String,
    actual: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} differs\n    expected: {}\n    actual:   {}",
            self.id, self.stage, self.expected, self.actual
        )
    }
}

/// Checks every vector of `doc`; returns how many were checked and every failure.
fn check_all(doc: &Value) -> (usize, Vec<Failure>) {
    let Some(vectors) = doc["vectors"].as_array() else {
        return (
            0,
            vec![Failure {
                id: "<file>".into(),
                stage: "format",
                expected: "a `vectors` array".into(),
                actual: format!("{:.200}", doc.to_string()),
            }],
        );
    };
    let failures = vectors
        .iter()
        .enumerate()
        .filter_map(|(index, vector)| check_vector(index, vector).err())
        .collect();
    (vectors.len(), failures)
}

/// The input of a vector, decoded.
struct Input {
    aksk: AkSk,
    date: SdkDate,
    method: String,
    scheme: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

fn text<'v>(value: &'v Value, key: &str) -> Result<&'v str, String> {
    value[key]
        .as_str()
        .ok_or_else(|| format!("`{key}` is not a string: {}", value[key]))
}

fn string_pairs(value: &Value, key: &str) -> Result<Vec<(String, String)>, String> {
    let items = value[key]
        .as_array()
        .ok_or_else(|| format!("`{key}` is not an array"))?;
    items
        .iter()
        .map(|pair| {
            match (
                pair[0].as_str(),
                pair[1].as_str(),
                pair.as_array().map(Vec::len),
            ) {
                (Some(k), Some(v), Some(2)) => Ok((k.to_owned(), v.to_owned())),
                _ => Err(format!(
                    "`{key}` has an entry that is not a [string, string] pair: {pair}"
                )),
            }
        })
        .collect()
}

fn parse_input(input: &Value) -> Result<Input, String> {
    let security_token = match &input["security_token"] {
        Value::Null => None,
        Value::String(token) => Some(Secret::new(token.clone())),
        other => {
            return Err(format!(
                "`security_token` is neither null nor a string: {other}"
            ));
        }
    };
    let sdk_date = text(input, "sdk_date")?;
    let date = SdkDate::parse(sdk_date).map_err(|e| format!("`sdk_date`: {e}"))?;
    let body = match input["body_present"].as_bool() {
        Some(false) => None,
        Some(true) => Some(base64_decode(text(input, "body_b64")?)?),
        None => return Err("`body_present` is not a boolean".into()),
    };
    Ok(Input {
        aksk: AkSk {
            ak: text(input, "ak")?.to_owned(),
            sk: Secret::new(text(input, "sk")?),
            security_token,
        },
        date,
        method: text(input, "method")?.to_owned(),
        scheme: text(input, "scheme")?.to_owned(),
        host: text(input, "host")?.to_owned(),
        path: text(input, "path")?.to_owned(),
        query: string_pairs(input, "query")?,
        url: text(input, "url")?.to_owned(),
        headers: string_pairs(input, "headers")?,
        body,
    })
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64_decode(encoded: &str) -> Result<Vec<u8>, String> {
    fn sextet(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let bytes = encoded.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err(format!(
            "base64 length {} is not a multiple of 4",
            bytes.len()
        ));
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, chunk) in bytes.chunks(4).enumerate() {
        let last = index + 1 == bytes.len() / 4;
        let padding = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return Err(format!("misplaced base64 padding in {encoded:?}"));
        }
        let mut group = 0u32;
        for &c in &chunk[..4 - padding] {
            let value =
                sextet(c).ok_or_else(|| format!("invalid base64 character {:?}", c as char))?;
            group = group << 6 | value;
        }
        group <<= 6 * padding as u32;
        let decoded = [(group >> 16) as u8, (group >> 8) as u8, group as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Ok(out)
}

/// Signs one vector's input and compares every stage with its expected output.
fn check_vector(index: usize, vector: &Value) -> Result<(), Failure> {
    let id = vector["id"]
        .as_str()
        .map_or_else(|| format!("<vector #{index} without id>"), str::to_owned);
    let fail = |stage: &'static str, expected: String, actual: String| Failure {
        id: id.clone(),
        stage,
        expected,
        actual,
    };
    let input = parse_input(&vector["input"])
        .map_err(|e| fail("input", "a well-formed vector input".into(), e))?;
    let expected = &vector["expected"];
    let expected_text = |key: &str| {
        text(expected, key).map_err(|e| fail("expected", "a well-formed vector".into(), e))
    };

    let request = SignableRequest {
        method: &input.method,
        host: &input.host,
        path: &input.path,
        query: &input.query,
        headers: &input.headers,
        body: input.body.as_deref(),
    };
    let signed = signer::sign(&request, &input.aksk, input.date)
        .map_err(|e| fail("sign", "a signed request".into(), format!("error: {e}")))?;
    let signed_headers: Vec<(String, String)> = signed
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();

    let stages: [(&'static str, String); 6] = [
        ("canonical_request", signed.canonical_request.to_string()),
        ("string_to_sign", signed.string_to_sign.to_string()),
        ("signature", signed.signature.to_string()),
        (
            "signed_headers",
            signed.canonical_request.signed_headers().to_string(),
        ),
        (
            "payload_hash",
            signed.canonical_request.payload_hash().to_owned(),
        ),
        ("authorization", signed.authorization.clone()),
    ];
    for (stage, actual) in stages {
        let want = expected_text(stage)?;
        if want != actual {
            return Err(fail(stage, format!("{want:?}"), format!("{actual:?}")));
        }
    }

    let want_headers = string_pairs(expected, "headers")
        .map_err(|e| fail("expected", "a well-formed vector".into(), e))?;
    if let Some(position) = first_difference(&want_headers, &signed_headers) {
        return Err(fail(
            "headers",
            format!(
                "{:?} (at #{position} of {want_headers:?})",
                want_headers.get(position)
            ),
            format!(
                "{:?} (at #{position} of {:?})",
                signed_headers.get(position),
                signed_headers
            ),
        ));
    }
    let want_changed = string_pairs(expected, "added_or_changed_headers")
        .map_err(|e| fail("expected", "a well-formed vector".into(), e))?;
    let changed: Vec<(String, String)> = signed_headers
        .iter()
        .filter(|header| !input.headers.contains(header))
        .cloned()
        .collect();
    if want_changed != changed {
        return Err(fail(
            "added_or_changed_headers",
            format!("{want_changed:?}"),
            format!("{changed:?}"),
        ));
    }

    let mut url = format!("{}://{}{}", input.scheme, input.host, input.path);
    if !signed.query.is_empty() {
        url.push('?');
        url.push_str(&signed.query);
    }
    if url != input.url {
        return Err(fail("url", format!("{:?}", input.url), format!("{url:?}")));
    }
    Ok(())
}

fn first_difference<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
    (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))
}

fn report(failures: &[Failure]) -> String {
    let ids: Vec<&str> = failures.iter().map(|f| f.id.as_str()).collect();
    let details: Vec<String> = failures.iter().map(ToString::to_string).collect();
    format!(
        "{} signing vector(s) differ: {}\n\n{}",
        failures.len(),
        ids.join(", "),
        details.join("\n\n")
    )
}

#[test]
fn every_signing_vector_is_reproduced() {
    let path = vectors_path();
    let doc = load(&path);
    assert_eq!(doc["algorithm"], "SDK-HMAC-SHA256", "{}", path.display());
    let (checked, failures) = check_all(&doc);
    assert!(checked > 0, "{} has no vectors", path.display());
    if let Some(count) = doc["generator"]["count"].as_u64() {
        assert_eq!(
            checked as u64, count,
            "the file says it has {count} vectors"
        );
    }
    assert!(failures.is_empty(), "{}", report(&failures));
    println!("checked {checked} signing vectors");
}

/// (vector id, `input` or `expected`, the stage that must then fail, the change).
type Mutation<'a> = (&'a str, &'a str, &'a str, &'a dyn Fn(&mut Value));

/// The comparison bites: a mutated copy of the file (written to a temp dir and read back through
/// the same loader) fails, naming the vector and the first stage that differs.
#[test]
fn a_wrong_expectation_is_reported_with_vector_id_and_stage() {
    // The mutations name vectors of the repository's file, whatever `SIGNING_VECTORS` says.
    let original = load(&repository_vectors());
    let dir = tempfile::tempdir().expect("temp dir");
    let mutations: [Mutation<'_>; 8] = [
        ("seed42-005", "expected", "string_to_sign", &|v| {
            v["string_to_sign"] = Value::from("SDK-HMAC-SHA256\n20250228T052126Z\n00")
        }),
        ("seed42-003", "expected", "canonical_request", &|v| {
            let creq = v["canonical_request"].as_str().unwrap_or_default();
            v["canonical_request"] = Value::from(creq.replace("padded   inner", "padded inner"));
        }),
        ("seed42-000", "expected", "signature", &|v| {
            v["signature"] = Value::from("0".repeat(64))
        }),
        ("seed42-007", "expected", "headers", &|v| {
            v["headers"][0][1] = Value::from("application/xml")
        }),
        ("seed42-019", "expected", "added_or_changed_headers", &|v| {
            v["added_or_changed_headers"] = Value::from(vec![vec!["host", "x"]])
        }),
        ("seed42-008", "input", "url", &|v| {
            let url = v["url"]
                .as_str()
                .unwrap_or_default()
                .replace("empty=a%2Cb", "empty=a,b");
            v["url"] = Value::from(url);
        }),
        // A changed input: the canonical request still matches the old expectation, the HMAC
        // key does not.
        ("seed42-012", "input", "signature", &|v| {
            v["sk"] = Value::from("wrong-sk")
        }),
        ("seed42-020", "input", "input", &|v| {
            v["body_b64"] = Value::from("not base64!")
        }),
    ];
    for (id, part, stage, mutate) in mutations {
        let mut doc = original.clone();
        let vector = doc["vectors"]
            .as_array_mut()
            .and_then(|vs| vs.iter_mut().find(|v| v["id"] == id))
            .unwrap_or_else(|| panic!("{id} is in the vectors file"));
        mutate(&mut vector[part]);
        let copy = dir.path().join(format!("{id}-{stage}.json"));
        std::fs::write(&copy, doc.to_string()).expect("write mutated copy");

        let (checked, failures) = check_all(&load(&copy));
        assert!(checked > 1);
        assert_eq!(
            failures
                .iter()
                .map(|f| (f.id.as_str(), f.stage))
                .collect::<Vec<_>>(),
            [(id, stage)],
            "mutating {part} of {id}: {}",
            report(&failures)
        );
        let message = report(&failures);
        assert!(message.contains(id) && message.contains(stage), "{message}");
    }
}

/// The independent verifier (`tests::verify`) accepts every vector in the form a server
/// receives it, and rejects it once the body or a signed header changes.
#[test]
fn every_signing_vector_passes_the_independent_verifier() {
    let doc = load(&vectors_path());
    let vectors = doc["vectors"].as_array().expect("vectors array");
    let mut failures = Vec::new();
    for vector in vectors {
        let id = vector["id"].as_str().unwrap_or("<no id>");
        let input = parse_input(&vector["input"]).unwrap_or_else(|e| panic!("{id}: {e}"));
        let headers = string_pairs(&vector["expected"], "headers").expect("headers");
        let origin = format!("{}://{}", input.scheme, input.host);
        let target = input
            .url
            .strip_prefix(&origin)
            .expect("url starts with origin");
        let body = input.body.clone().unwrap_or_default();
        let check = |headers: &[(String, String)], body: &[u8]| {
            tests::verify::verify(
                &input.method,
                target,
                headers,
                body,
                &input.aksk.ak,
                input.aksk.sk.expose(),
            )
        };
        if let Err(e) = check(&headers, &body) {
            failures.push(format!("{id}: {e}"));
            continue;
        }
        // A signed header changed on the way must be caught.
        let mut tampered = headers.clone();
        if let Some((_, value)) = tampered
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        {
            value.push('x');
        }
        if check(&tampered, &body).is_ok() {
            failures.push(format!("{id}: a changed Host still verified"));
        }
        // So must a changed body, unless the payload is declared unsigned.
        let unsigned = vector["expected"]["payload_hash"] == "UNSIGNED-PAYLOAD";
        let mut other_body = body.clone();
        other_body.push(b'!');
        if !unsigned && check(&headers, &other_body).is_ok() {
            failures.push(format!("{id}: a changed body still verified"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Any valid vectors file can be checked: one whose ids are not the repository's (as
/// `SIGNING_VECTORS` may name) is checked vector by vector like ours.
#[test]
fn a_file_with_other_vector_ids_is_checked_too() {
    let mut doc = load(&repository_vectors());
    let vectors = doc["vectors"].as_array_mut().expect("vectors array");
    vectors.truncate(5);
    for (index, vector) in vectors.iter_mut().enumerate() {
        vector["id"] = Value::from(format!("other-{index:03}"));
    }
    doc["generator"]["count"] = Value::from(5);
    let (checked, failures) = check_all(&doc);
    assert_eq!(checked, 5);
    assert!(failures.is_empty(), "{}", report(&failures));
}

/// The repository's copy is the vendor's file, byte for byte, where that file is beside the
/// checkout.
#[test]
fn the_repository_copy_is_the_shared_file() {
    let shared =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/sdk-hmac-sha256.json");
    let Ok(theirs) = std::fs::read(&shared) else {
        let required = std::env::var_os("REQUIRE_SHARED").is_some_and(|v| v != "0");
        assert!(
            !required,
            "REQUIRE_SHARED is set, but {} is missing",
            shared.display()
        );
        println!("skipped: {} is not beside this checkout", shared.display());
        return;
    };
    let ours = std::fs::read(repository_vectors()).expect("the repository's vectors");
    assert!(
        ours == theirs,
        "tests/data/sdk-hmac-sha256.json differs from {}: copy it again",
        shared.display()
    );
}

#[test]
fn base64_decoder() {
    assert_eq!(base64_decode(""), Ok(vec![]));
    assert_eq!(base64_decode("Zg=="), Ok(b"f".to_vec()));
    assert_eq!(base64_decode("Zm8="), Ok(b"fo".to_vec()));
    assert_eq!(base64_decode("Zm9v"), Ok(b"foo".to_vec()));
    assert_eq!(base64_decode("+/8="), Ok(vec![0xfb, 0xff]));
    assert!(base64_decode("Zg=").is_err());
    assert!(base64_decode("Z===").is_err());
    assert!(base64_decode("Zg==Zg==").is_err());
    assert!(base64_decode("Zm9!").is_err());
}
