//! How requests are authenticated: the credentials matched to the security schemes the spec
//! declares, checked once when the client is built.

#[cfg(feature = "aksk")]
use crate::runtime::credentials::AkSk;
use crate::runtime::credentials::{Credentials, Secret};
use crate::runtime::endpoint::list;
use crate::runtime::error::Error;
use crate::runtime::service::{AuthScheme, ServiceInfo};
#[cfg(feature = "aksk")]
use crate::runtime::service::{ParameterHeader, SignatureErrors};
use http::{HeaderName, HeaderValue};

/// How requests are authenticated, resolved from the credentials and the spec's schemes.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// No credentials (a service without security schemes).
    None,
    /// `<name>: <token>`; `header` is the same as sent, made once (the value marked sensitive),
    /// unless `name` is not a valid header name (then sending reports it).
    Header {
        name: &'static str,
        token: Secret,
        header: Option<(HeaderName, HeaderValue)>,
    },
    /// `?<name>=<token>`.
    Query { name: &'static str, token: Secret },
    /// `Cookie: <name>=<token>`.
    Cookie { name: &'static str, token: Secret },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic <base64(user:password)>`, encoded once when the client is built.
    Basic(Secret),
    /// SDK-HMAC-SHA256, with the headers the scheme fills from client parameters and how the
    /// service words a refusal of the signature.
    #[cfg(feature = "aksk")]
    Signed {
        aksk: AkSk,
        parameter_headers: &'static [ParameterHeader],
        signature_errors: SignatureErrors,
    },
}

impl Auth {
    /// The secrets this authentication sends (or signs with), to keep out of what the client
    /// shows: tokens, the encoded basic credentials, the secret key and the security token.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Auth::None => Vec::new(),
            Auth::Header { token, .. }
            | Auth::Query { token, .. }
            | Auth::Cookie { token, .. }
            | Auth::Bearer(token) => vec![token.expose()],
            Auth::Basic(value) => {
                let value = value.expose();
                vec![value.strip_prefix("Basic ").unwrap_or(value)]
            }
            #[cfg(feature = "aksk")]
            Auth::Signed { aksk, .. } => {
                let mut secrets = vec![aksk.sk.expose()];
                secrets.extend(aksk.security_token.as_ref().map(Secret::expose));
                secrets
            }
        }
    }
}

/// Picks how the credentials are applied, from the schemes the spec declares.
pub(crate) fn resolve(
    service: &ServiceInfo,
    credentials: Option<&Credentials>,
) -> Result<Auth, Error> {
    match credentials {
        None if service.auth_schemes.is_empty() => Ok(Auth::None),
        None => Err(missing_credentials(service)),
        Some(Credentials::Token(token)) => token_auth(service, token),
        #[cfg(feature = "aksk")]
        Some(Credentials::AkSk(aksk)) => signed_auth(service, aksk),
        Some(Credentials::Basic { username, password }) => basic_auth(service, username, password),
    }
}

/// The schemes, as a user would name them.
fn describe(service: &ServiceInfo) -> String {
    list(service.auth_schemes.iter().map(|scheme| match scheme {
        AuthScheme::ApiKeyHeader { .. } => "token (header)",
        AuthScheme::ApiKeyQuery { .. } => "token (query)",
        AuthScheme::ApiKeyCookie { .. } => "token (cookie)",
        AuthScheme::Bearer => "bearer token",
        AuthScheme::Basic => "basic",
        #[cfg(feature = "aksk")]
        AuthScheme::SdkHmacSha256 { .. } => "AK/SK",
    }))
}

/// No credentials for a service that needs some: which to give, and which variables
/// `.with_env()` would read them from.
fn missing_credentials(service: &ServiceInfo) -> Error {
    let mut constructors: Vec<&str> = Vec::new();
    for scheme in service.auth_schemes {
        let constructor = match scheme {
            #[cfg(feature = "aksk")]
            AuthScheme::SdkHmacSha256 { .. } => "Credentials::ak_sk(ak, sk)",
            AuthScheme::Basic => "Credentials::basic(user, password)",
            _ => "Credentials::token(token)",
        };
        if !constructors.contains(&constructor) {
            constructors.push(constructor);
        }
    }
    config(format!(
        "no credentials: {} requires {}. Call .credentials({}){}",
        service.title,
        describe(service),
        constructors.join(") or .credentials("),
        credentials_hint(service)
    ))
}

/// `, or set VAR and call .with_env()` for the first variables the spec names.
fn credentials_hint(service: &ServiceInfo) -> String {
    let variables = &service.environment;
    #[cfg(feature = "aksk")]
    if let Some(pair) = variables.ak_sk.first() {
        return format!(", or set {} and {} and call .with_env()", pair.ak, pair.sk);
    }
    match variables.token.first() {
        Some(token) => format!(", or set {token} and call .with_env()"),
        None => String::new(),
    }
}

/// A token goes where the first scheme that takes one says.
fn token_auth(service: &ServiceInfo, token: &Secret) -> Result<Auth, Error> {
    check_secret(token, "the token")?;
    service
        .auth_schemes
        .iter()
        .find_map(|scheme| match *scheme {
            AuthScheme::ApiKeyHeader { name } => Some(Auth::Header {
                name,
                token: token.clone(),
                header: token_header(name, token),
            }),
            AuthScheme::ApiKeyQuery { name } => Some(Auth::Query {
                name,
                token: token.clone(),
            }),
            AuthScheme::ApiKeyCookie { name } => Some(Auth::Cookie {
                name,
                token: token.clone(),
            }),
            AuthScheme::Bearer => Some(Auth::Bearer(token.clone())),
            _ => None,
        })
        .ok_or_else(|| {
            config(format!(
                "{} does not accept token credentials (its schemes: {})",
                service.title,
                describe(service)
            ))
        })
}

/// The header `name: token`, when both can be sent (`check_secret` has checked the token).
fn token_header(name: &str, token: &Secret) -> Option<(HeaderName, HeaderValue)> {
    let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
    let mut value = HeaderValue::from_str(token.expose()).ok()?;
    value.set_sensitive(true);
    Some((name, value))
}

/// AK/SK credentials need a signed scheme and a usable key pair.
#[cfg(feature = "aksk")]
fn signed_auth(service: &ServiceInfo, aksk: &AkSk) -> Result<Auth, Error> {
    let (parameter_headers, signature_errors) = service
        .auth_schemes
        .iter()
        .find_map(|scheme| match scheme {
            AuthScheme::SdkHmacSha256 {
                parameter_headers,
                signature_errors,
            } => Some((*parameter_headers, *signature_errors)),
            _ => None,
        })
        .ok_or_else(|| {
            config(format!(
                "{} does not accept AK/SK credentials (its schemes: {}); use \
                 Credentials::token",
                service.title,
                describe(service)
            ))
        })?;
    if aksk.ak.trim().is_empty() {
        return Err(config("the access key (AK) is empty".to_owned()));
    }
    if HeaderValue::from_str(&aksk.ak).is_err() {
        return Err(config(
            "the access key (AK) contains characters that cannot be sent in a header".to_owned(),
        ));
    }
    if aksk.sk.expose().is_empty() {
        return Err(config("the secret key (SK) is empty".to_owned()));
    }
    if let Some(token) = &aksk.security_token {
        check_secret(token, "the security token")?;
    }
    Ok(Auth::Signed {
        aksk: aksk.clone(),
        parameter_headers,
        signature_errors,
    })
}

/// Basic credentials need a basic scheme; the header value is encoded once, here.
fn basic_auth(service: &ServiceInfo, username: &str, password: &Secret) -> Result<Auth, Error> {
    if !service.auth_schemes.contains(&AuthScheme::Basic) {
        return Err(config(format!(
            "{} does not accept basic credentials (its schemes: {})",
            service.title,
            describe(service)
        )));
    }
    if username.contains(':') {
        return Err(config(
            "the basic-auth user name contains `:`, which basic authentication cannot carry"
                .to_owned(),
        ));
    }
    let encoded = Secret::new(format!(
        "Basic {}",
        base64(format!("{username}:{}", password.expose()).as_bytes())
    ));
    check_secret(&encoded, "the basic credentials")?;
    Ok(Auth::Basic(encoded))
}

/// Standard base64 with padding (RFC 4648), for basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3).saturating_mul(4));
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A secret sent in a header must be a valid header value; the error never shows it.
fn check_secret(secret: &Secret, what: &str) -> Result<(), Error> {
    if secret.expose().trim().is_empty() {
        return Err(config(format!("{what} is empty")));
    }
    if HeaderValue::from_str(secret.expose()).is_err() {
        return Err(config(format!(
            "{what} contains characters that cannot be sent in a header (control characters \
             such as a line break, or non-ASCII); check how it was read"
        )));
    }
    Ok(())
}

fn config(message: String) -> Error {
    Error::Config(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "base64({input:?})");
        }
    }

    #[test]
    fn a_token_header_is_made_once_and_marked_sensitive() {
        static SERVICE: ServiceInfo = ServiceInfo {
            title: "T",
            auth_schemes: &[AuthScheme::ApiKeyHeader {
                name: "X-Api-Token",
            }],
            ..ServiceInfo::EMPTY
        };
        let auth = resolve(&SERVICE, Some(&Credentials::token("token-0123456789")));
        let Ok(Auth::Header {
            header: Some((name, value)),
            ..
        }) = auth
        else {
            panic!("a header token with its header made: {auth:?}");
        };
        assert_eq!(name.as_str(), "x-api-token");
        assert_eq!(value.as_bytes(), b"token-0123456789");
        assert!(value.is_sensitive(), "never indexed, never printed");
        let debug = format!(
            "{:?}",
            resolve(&SERVICE, Some(&Credentials::token("token-0123456789")))
        );
        assert!(!debug.contains("token-0123456789"), "{debug}");
    }
}
