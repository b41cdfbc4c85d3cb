//! Credentials: an IAM token, or an access key / secret key pair (with an optional security
//! token) for SDK-HMAC-SHA256 request signing.
//!
//! CONTRACT STUB: the signing issue fills this in; the public API below is what the client uses.

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// Send `X-Auth-Token: <token>` (an IAM user token).
    Token(Secret),
    /// Sign every request with SDK-HMAC-SHA256.
    AkSk(AkSk),
}

/// A secret string whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("** redacted **")
    }
}

/// An access key, a secret key and an optional security token (temporary credentials).
#[derive(Clone, Debug)]
pub struct AkSk {
    /// The access key id (not secret).
    pub ak: String,
    /// The secret key.
    pub sk: Secret,
    /// The security token of temporary credentials, sent as `X-Security-Token`.
    pub security_token: Option<Secret>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Token(token) => f.debug_tuple("Token").field(token).finish(),
            Credentials::AkSk(aksk) => f.debug_tuple("AkSk").field(aksk).finish(),
        }
    }
}

impl Credentials {
    /// Token authentication.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(Secret::new(token))
    }

    /// AK/SK signing.
    pub fn ak_sk(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Credentials::AkSk(AkSk {
            ak: ak.into(),
            sk: Secret::new(sk),
            security_token: None,
        })
    }
}
