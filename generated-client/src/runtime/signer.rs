//! SDK-HMAC-SHA256 request signing, byte for byte as the vendor's SDKs sign.
//!
//! CONTRACT STUB: the signing issue fills this in. No I/O, no clock: the date is a parameter.

use crate::runtime::credentials::AkSk;

/// A request as it will be sent, before signing.
#[derive(Debug, Clone)]
pub struct SignableRequest<'a> {
    /// The HTTP method, e.g. `PUT`.
    pub method: &'a str,
    /// The endpoint's authority exactly as sent in `Host` (port included when the URL has one).
    pub host: &'a str,
    /// The wire path, path parameters already percent-encoded.
    pub path: &'a str,
    /// Decoded query pairs in caller order.
    pub query: &'a [(String, String)],
    /// The caller's headers, in order, names as given.
    pub headers: &'a [(String, String)],
    /// The body bytes; `None` when there is no body.
    pub body: Option<&'a [u8]>,
}

/// The time of signing, UTC to the second (`X-Sdk-Date`, e.g. `20230901T065021Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdkDate(pub std::time::SystemTime);

/// The result of signing.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// Every header to send, in order, including those the signer added
    /// (`X-Security-Token`, `X-Sdk-Date`, `Host`, `X-Sdk-Content-Sha256`, `Authorization`).
    pub headers: Vec<(String, String)>,
    /// The query string to send (the canonical one), without `?`; empty when there is none.
    pub query: String,
}

/// Signs `request` with `credentials` at `date`.
pub fn sign(request: &SignableRequest<'_>, credentials: &AkSk, date: SdkDate) -> SignedRequest {
    let _ = (credentials, date);
    SignedRequest {
        headers: request.headers.to_vec(),
        query: String::new(),
    }
}
