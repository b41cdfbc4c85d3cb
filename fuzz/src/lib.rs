//! Fuzzing support (see `fuzz/README.md` for the targets and their runs):
//!
//! * the signer: arbitrary requests ([`input`]), a plain model of the vendor's algorithm
//!   ([`model`]), and [`check`], which signs with both and panics on any difference;
//! * the generator: the whole pipeline on a spec text ([`pipeline`]), from arbitrary bytes or
//!   from structure-aware mutations of real specs ([`mutate`]);
//! * the runtime's handling of responses: error bodies, `Retry-After`, typed response headers
//!   and page streams ([`responses`]).

pub mod input;
pub mod model;
pub mod mutate;
pub mod pipeline;
pub mod responses;

use metastudio::runtime::credentials::AkSk;
use metastudio::runtime::signer::{self, SignableRequest, SigningError};

/// The signer's error for a model refusal.
fn expected_error(refused: &model::Refused) -> SigningError {
    match refused.clone() {
        model::Refused::EmptyAccessKey => SigningError::EmptyAccessKey,
        model::Refused::EmptySecretKey => SigningError::EmptySecretKey,
        model::Refused::AuthorizationPresent(name) => SigningError::AuthorizationPresent { name },
        model::Refused::DuplicateHeader(name) => SigningError::DuplicateHeader { name },
        model::Refused::InvalidSdkDate { name, value } => {
            SigningError::InvalidSdkDate { name, value }
        }
        model::Refused::DateOutOfRange => SigningError::DateOutOfRange,
    }
}

/// Signs `input` with the signer and with the model; panics, naming the stage, when they differ.
pub fn check(input: &input::Input) {
    let (request, date) = input.build();

    // The public canonicalisation functions on their own.
    assert_eq!(
        signer::canonical_uri(&request.path),
        model::canonical_uri(&request.path),
        "canonical URI of {:?}",
        request.path
    );
    assert_eq!(
        signer::canonical_query_string(&request.query),
        model::canonical_query(&request.query),
        "canonical query of {:?}",
        request.query
    );
    for (_, value) in &request.headers {
        assert_eq!(
            signer::trim_header_value(value),
            model::python_strip(value),
            "strip of {value:?}"
        );
    }

    let mut aksk = AkSk::new(request.ak.clone(), request.sk.clone());
    if let Some(token) = &request.security_token {
        aksk = aksk.with_security_token(token.clone());
    }
    let signable = SignableRequest {
        method: &request.method,
        host: &request.host,
        path: &request.path,
        query: &request.query,
        headers: &request.headers,
        body: request.body.as_deref(),
    };
    let ours = signer::sign(&signable, &aksk, date);
    let model = model::sign(&request);
    match (ours, model) {
        (Ok(ours), Ok(model)) => {
            let creq = &ours.canonical_request;
            assert_eq!(
                creq.to_string(),
                model.canonical_request,
                "canonical request"
            );
            assert_eq!(creq.method(), model.method, "canonical request: method");
            assert_eq!(creq.uri(), model.uri, "canonical request: URI");
            assert_eq!(creq.query(), model.query, "canonical request: query");
            assert_eq!(creq.headers(), model.signed, "canonical request: headers");
            assert_eq!(
                creq.signed_headers().to_string(),
                model.signed_headers,
                "signed headers"
            );
            let names: Vec<&str> = model.signed.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(creq.signed_headers().names(), names, "signed header names");
            assert_eq!(creq.payload_hash(), model.payload_hash, "payload hash");
            assert_eq!(
                ours.string_to_sign.to_string(),
                model.string_to_sign,
                "string to sign"
            );
            assert_eq!(
                ours.string_to_sign.date(),
                model.date,
                "string to sign: date"
            );
            assert_eq!(
                ours.string_to_sign.canonical_request_hash(),
                model.canonical_request_hash,
                "string to sign: hash"
            );
            assert_eq!(ours.signature.to_string(), model.signature, "signature");
            assert_eq!(ours.authorization, model.authorization, "authorization");
            let headers: Vec<(String, String)> = ours
                .headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect();
            assert_eq!(headers, model.headers, "headers to send");
            assert_eq!(ours.query, model.query, "wire query");
            // Equal requests are equal stages, whether or not the lazy lists were built.
            let again = signer::sign(&signable, &aksk, date).expect("signed once, signs again");
            assert_eq!(again.canonical_request, ours.canonical_request, "equality");
            assert_eq!(again.string_to_sign, ours.string_to_sign, "equality");
            assert_eq!(again.signature, ours.signature, "equality");
        }
        (Err(ours), Err(model)) => assert_eq!(ours, expected_error(&model), "error"),
        (ours, model) => {
            panic!("signer and model disagree:\n  signer: {ours:?}\n  model:  {model:?}")
        }
    }
}
