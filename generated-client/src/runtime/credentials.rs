//! Credentials: a token, a user name and password, or an access key / secret key pair (with
//! an optional security token) for request signing, whichever the spec's schemes accept; and
//! the providers a client asks for them.
//!
//! Secrets (passwords, tokens, secret keys) are wrapped in [`Secret`], whose `Debug` prints
//! `** redacted **`, so `{:?}` of any credentials value is safe to log. An access key is not
//! secret and is shown.
//!
//! # Providers
//!
//! A client gets its credentials from a [`ProvideCredentials`]: fixed [`Credentials`] are one
//! (given with `ClientBuilder::credentials`, checked when the client is built),
//! [`EnvironmentProvider`] another, and your own type (one that fetches temporary keys and a
//! security token from an agency or a federation, say) a third, given with
//! `ClientBuilder::credentials_provider`. The client asks a provider:
//!
//! * when it first needs credentials;
//! * again before credentials that carry an expiry ([`ProvidedCredentials::expires_at`])
//!   expire: once the time left is under the client's refresh margin (5 minutes by default,
//!   `ClientBuilder::credentials_refresh_margin`; at most half of the time they were valid for
//!   when they arrived);
//! * once for all the requests that need credentials at the same time: they wait for one
//!   answer, and the provider is never asked twice at once by one client.
//!
//! Credentials without an expiry are kept as long as the client. When asking fails while the
//! credentials the client has are still valid, it keeps using them (and logs a warning);
//! otherwise the request fails with
//! [`Error::Credentials`](crate::runtime::error::Error::Credentials), naming the provider.

use crate::runtime::service::Environment;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// A token, sent as the spec's scheme says: in the API-key header, query parameter or
    /// cookie, or as `Authorization: Bearer <token>`.
    Token(Secret),
    /// Sign every request with SDK-HMAC-SHA256.
    #[cfg(feature = "aksk")]
    AkSk(AkSk),
    /// HTTP basic authentication, for specs with a `type: http, scheme: basic` scheme.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
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

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("** redacted **")
    }
}

/// An access key, a secret key and an optional security token (temporary credentials).
#[cfg(feature = "aksk")]
#[derive(Clone, Debug)]
pub struct AkSk {
    /// The access key id (not secret).
    pub ak: String,
    /// The secret key.
    pub sk: Secret,
    /// The security token of temporary credentials, sent as `X-Security-Token`.
    pub security_token: Option<Secret>,
}

#[cfg(feature = "aksk")]
impl AkSk {
    /// Permanent credentials: an access key and a secret key.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        AkSk {
            ak: ak.into(),
            sk: Secret::new(sk),
            security_token: None,
        }
    }

    /// Temporary credentials: adds the security token sent as `X-Security-Token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(Secret::new(token));
        self
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Token(token) => f.debug_tuple("Token").field(token).finish(),
            #[cfg(feature = "aksk")]
            Credentials::AkSk(aksk) => f.debug_tuple("AkSk").field(aksk).finish(),
            Credentials::Basic { username, password } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", password)
                .finish(),
        }
    }
}

/// Why credentials could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// One half of an AK/SK pair is set in the environment, the other is not.
    #[cfg(feature = "aksk")]
    #[error("the environment variable {set} is set but {missing} is not; set both, or neither")]
    IncompletePair {
        /// The variable that is set.
        set: &'static str,
        /// The variable that is missing (unset or empty).
        missing: &'static str,
    },
    /// A security-token variable is set without the AK/SK pair it belongs to.
    #[cfg(feature = "aksk")]
    #[error(
        "the environment variable {token} is set but {ak} and {sk} are not; a security token \
         is only used together with an AK/SK pair"
    )]
    TokenWithoutPair {
        /// The security-token variable.
        token: &'static str,
        /// The access-key variable.
        ak: &'static str,
        /// The secret-key variable.
        sk: &'static str,
    },
    /// An environment variable holds bytes that are not valid Unicode.
    #[error("the environment variable {name} is not valid Unicode; set it to the plain value")]
    NotUnicode {
        /// The variable.
        name: String,
    },
    /// A security token was given for token or basic credentials.
    #[cfg(feature = "aksk")]
    #[error(
        "a security token only applies to AK/SK credentials, not to token or basic credentials"
    )]
    SecurityTokenWithoutAkSk,
}

/// What a provider gives: credentials, and when they expire (temporary credentials).
#[derive(Clone, Debug)]
pub struct ProvidedCredentials {
    credentials: Credentials,
    expires_at: Option<SystemTime>,
}

impl ProvidedCredentials {
    /// Credentials that do not expire: the client keeps them.
    pub fn new(credentials: Credentials) -> Self {
        ProvidedCredentials {
            credentials,
            expires_at: None,
        }
    }

    /// Credentials valid until `expires_at` (by the server's clock, as the issuer states it):
    /// the client asks its provider again before then.
    pub fn expiring(credentials: Credentials, expires_at: SystemTime) -> Self {
        ProvidedCredentials {
            credentials,
            expires_at: Some(expires_at),
        }
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// When they expire, if they do.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The credentials and their expiry.
    pub fn into_parts(self) -> (Credentials, Option<SystemTime>) {
        (self.credentials, self.expires_at)
    }
}

/// Why a provider gave no credentials. Its message is the provider's own: never put a secret
/// in it.
#[derive(Clone)]
pub struct ProviderError {
    message: Cow<'static, str>,
    transient: bool,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl ProviderError {
    /// A failure that asking again will not cure (a refused request, a missing setting).
    pub fn new(message: impl Into<Cow<'static, str>>) -> Self {
        ProviderError {
            message: message.into(),
            transient: false,
            source: None,
        }
    }

    /// A failure that may pass (a timeout, a 503 from the issuer): the client's error says
    /// it is retryable.
    pub fn transient(message: impl Into<Cow<'static, str>>) -> Self {
        ProviderError {
            transient: true,
            ..ProviderError::new(message)
        }
    }

    /// The same failure, caused by `source` (shown after the message, and as
    /// [`std::error::Error::source`]).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Whether asking again later may succeed.
    pub fn is_transient(&self) -> bool {
        self.transient
    }

    /// The provider's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderError")
            .field("message", &self.message)
            .field("transient", &self.transient)
            .field("source", &self.source.as_ref().map(ToString::to_string))
            .finish()
    }
}

impl std::error::Error for ProviderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

/// What [`ProvideCredentials::provide`] returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<ProvidedCredentials, ProviderError>> + Send + 'a>>;

/// Where a client gets its credentials (see the [module docs](self) for when it asks).
///
/// ```text
/// /// Temporary credentials from an issuer, valid for as long as it says.
/// struct Issuer { /* an HTTP client, the issuer's URL, … */ }
///
/// impl ProvideCredentials for Issuer {
///     fn name(&self) -> &str {
///         "issuer"
///     }
///     fn provide(&self) -> ProvideFuture<'_> {
///         Box::pin(async move {
///             let issued = self.fetch().await.map_err(|error| {
///                 ProviderError::transient("the issuer did not answer").with_source(error)
///             })?;
///             Ok(ProvidedCredentials::expiring(
///                 Credentials::token(issued.token),
///                 issued.expires_at,
///             ))
///         })
///     }
/// }
///
/// let client = Client::builder().credentials_provider(Issuer { … }).build()?;
/// ```
pub trait ProvideCredentials: Send + Sync {
    /// A short name for errors and logs, e.g. `environment` or `agency`.
    fn name(&self) -> &str;

    /// Fresh credentials. One client never calls this again before the previous call ended.
    fn provide(&self) -> ProvideFuture<'_>;
}

/// Fixed credentials are a provider that always gives them, without an expiry.
impl ProvideCredentials for Credentials {
    fn name(&self) -> &str {
        "static"
    }

    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(Ok(ProvidedCredentials::new(
            self.clone(),
        ))))
    }
}

/// Reads an environment variable; `None` when it is unset.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Credentials from the environment variables a spec names (its `x-environment`, as
/// [`Credentials::from_lookup`] reads them), without an expiry: read once, when the client
/// first needs them.
#[derive(Clone)]
pub struct EnvironmentProvider {
    variables: &'static Environment,
    lookup: Lookup,
}

impl EnvironmentProvider {
    /// From the process environment, e.g. `EnvironmentProvider::new(&SERVICE.environment)`.
    pub fn new(variables: &'static Environment) -> Self {
        EnvironmentProvider::with_lookup(variables, |name| std::env::var(name).ok())
    }

    /// With `lookup` in place of the process environment.
    pub fn with_lookup(
        variables: &'static Environment,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        EnvironmentProvider {
            variables,
            lookup: Arc::new(lookup),
        }
    }

    /// The credentials the variables hold now; `Ok(None)` when none are set.
    pub fn read(&self) -> Result<Option<Credentials>, CredentialsError> {
        Credentials::from_lookup(self.variables, |name| (self.lookup)(name))
    }

    /// The variables this provider reads, in order, for messages.
    fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        #[cfg(feature = "aksk")]
        for pair in self.variables.ak_sk {
            names.push(pair.ak);
            names.push(pair.sk);
        }
        names.extend(self.variables.token);
        names
    }
}

impl fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentProvider")
            .field("variables", &self.names())
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn name(&self) -> &str {
        "environment"
    }

    fn provide(&self) -> ProvideFuture<'_> {
        let names = self.names();
        let read = match self.read() {
            Ok(Some(credentials)) => Ok(ProvidedCredentials::new(credentials)),
            Ok(None) if names.is_empty() => Err(ProviderError::new(
                "the spec names no environment variables for credentials (`x-environment`)",
            )),
            Ok(None) => Err(ProviderError::new(format!(
                "none of the variables {} is set",
                names.join(", ")
            ))),
            Err(error) => Err(ProviderError::new(error.to_string())),
        };
        Box::pin(std::future::ready(read))
    }
}

impl Credentials {
    /// Token authentication.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(Secret::new(token))
    }

    /// AK/SK signing.
    #[cfg(feature = "aksk")]
    pub fn ak_sk(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Credentials::AkSk(AkSk::new(ak, sk))
    }

    /// Adds a security token (temporary AK/SK credentials, sent as `X-Security-Token`).
    ///
    /// Token and basic credentials have no security token: for them this is
    /// [`CredentialsError::SecurityTokenWithoutAkSk`].
    #[cfg(feature = "aksk")]
    pub fn with_security_token(self, token: impl Into<String>) -> Result<Self, CredentialsError> {
        match self {
            Credentials::AkSk(aksk) => Ok(Credentials::AkSk(aksk.with_security_token(token))),
            Credentials::Token(_) | Credentials::Basic { .. } => {
                Err(CredentialsError::SecurityTokenWithoutAkSk)
            }
        }
    }

    /// HTTP basic authentication.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Basic {
            username: username.into(),
            password: Secret::new(password),
        }
    }

    /// Reads credentials from the environment variables `variables` names (the spec's
    /// `x-environment`); `Ok(None)` when none are set.
    ///
    /// Any key pairs are consulted in order, then the token variables; the first that is set
    /// wins. Empty values count as unset. Half a pair, or a security token without its pair, is
    /// an error naming the variables, whatever else is set.
    pub fn from_env(variables: &Environment) -> Result<Option<Credentials>, CredentialsError> {
        let mut not_unicode: Option<String> = None;
        let found = Credentials::from_lookup(variables, |name| match std::env::var(name) {
            Ok(value) => Some(value),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                not_unicode.get_or_insert_with(|| name.to_owned());
                None
            }
        });
        match not_unicode {
            Some(name) => Err(CredentialsError::NotUnicode { name }),
            None => found,
        }
    }

    /// [`Credentials::from_env`] with `lookup` in place of the process environment: it is called
    /// with a variable name and returns its value, `None` when unset.
    pub fn from_lookup<F>(
        variables: &Environment,
        mut lookup: F,
    ) -> Result<Option<Credentials>, CredentialsError>
    where
        F: FnMut(&str) -> Option<String>,
    {
        let mut get = |name: &str| lookup(name).filter(|value| !value.is_empty());
        #[cfg(feature = "aksk")]
        if let Some(pair) = ak_sk_from(variables, &mut get)? {
            return Ok(Some(Credentials::AkSk(pair)));
        }
        Ok(variables
            .token
            .iter()
            .find_map(|name| get(name))
            .map(Credentials::token))
    }
}

/// The first AK/SK pair the variables hold, if any; half a pair is an error.
#[cfg(feature = "aksk")]
fn ak_sk_from(
    variables: &Environment,
    get: &mut impl FnMut(&str) -> Option<String>,
) -> Result<Option<AkSk>, CredentialsError> {
    for pair in variables.ak_sk {
        let ak = get(pair.ak);
        let sk = get(pair.sk);
        let security_token = pair.security_token.and_then(&mut *get);
        match (ak, sk, pair.security_token) {
            (Some(ak), Some(sk), _) => {
                let mut aksk = AkSk::new(ak, sk);
                aksk.security_token = security_token.map(Secret::new);
                return Ok(Some(aksk));
            }
            (Some(_), None, _) => {
                return Err(CredentialsError::IncompletePair {
                    set: pair.ak,
                    missing: pair.sk,
                });
            }
            (None, Some(_), _) => {
                return Err(CredentialsError::IncompletePair {
                    set: pair.sk,
                    missing: pair.ak,
                });
            }
            (None, None, Some(token)) if security_token.is_some() => {
                return Err(CredentialsError::TokenWithoutPair {
                    token,
                    ak: pair.ak,
                    sk: pair.sk,
                });
            }
            (None, None, _) => {}
        }
    }
    Ok(None)
}

#[cfg(test)]
#[cfg(feature = "aksk")]
mod tests {
    use super::*;
    use crate::runtime::service::AkSkVariables;
    use std::collections::HashMap;

    /// Two key pairs and a token, as a spec's `x-environment` may name them.
    const VARIABLES: Environment = Environment {
        ak_sk: &[
            AkSkVariables {
                ak: "FIRST_AK",
                sk: "FIRST_SK",
                security_token: Some("FIRST_SECURITY_TOKEN"),
            },
            AkSkVariables {
                ak: "SECOND_AK",
                sk: "SECOND_SK",
                security_token: Some("SECOND_SECURITY_TOKEN"),
            },
        ],
        token: &["FIRST_TOKEN"],
        ..Environment::NONE
    };

    fn lookup(vars: &[(&str, &str)]) -> Result<Option<Credentials>, CredentialsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Credentials::from_lookup(&VARIABLES, |name| vars.get(name).cloned())
    }

    fn as_aksk(credentials: Credentials) -> AkSk {
        match credentials {
            Credentials::AkSk(aksk) => aksk,
            _ => panic!("expected AK/SK credentials"),
        }
    }

    #[test]
    fn debug_is_redacted_exactly() {
        let temporary = Credentials::ak_sk("HPUAEXAMPLEAK0000001", "very-secret-sk")
            .with_security_token("very-secret-token")
            .expect("AK/SK credentials take a security token");
        let token = Credentials::token("very-secret-iam-token");
        let permanent = AkSk::new("AK1", "very-secret-sk");

        let debug_temporary = format!("{temporary:?}");
        assert_eq!(
            debug_temporary,
            r#"AkSk(AkSk { ak: "HPUAEXAMPLEAK0000001", sk: ** redacted **, security_token: Some(** redacted **) })"#
        );
        let debug_token = format!("{token:?}");
        assert_eq!(debug_token, "Token(** redacted **)");
        let debug_permanent = format!("{permanent:?}");
        assert_eq!(
            debug_permanent,
            r#"AkSk { ak: "AK1", sk: ** redacted **, security_token: None }"#
        );
        assert_eq!(format!("{:?}", Secret::new("s3cr3t")), "** redacted **");
        let pretty = format!("{temporary:#?}");
        for debug in [debug_temporary, debug_token, debug_permanent, pretty] {
            assert!(!debug.contains("very-secret"), "{debug}");
            assert!(!debug.contains("secret-sk") && !debug.contains("secret-token"));
        }
    }

    #[test]
    fn security_token_applies_to_ak_sk_only() {
        let aksk = as_aksk(
            Credentials::ak_sk("AK", "SK")
                .with_security_token("T")
                .expect("AK/SK"),
        );
        assert_eq!(aksk.security_token.as_ref().map(Secret::expose), Some("T"));
        assert_eq!(
            Credentials::token("t").with_security_token("T").map(|_| ()),
            Err(CredentialsError::SecurityTokenWithoutAkSk)
        );
    }

    #[test]
    fn nothing_set_is_none() {
        assert!(lookup(&[]).expect("no error").is_none());
        assert!(
            lookup(&[("FIRST_AK", ""), ("FIRST_SK", ""), ("FIRST_TOKEN", "")])
                .expect("empty values count as unset")
                .is_none()
        );
    }

    #[test]
    fn the_first_pair_comes_first() {
        let aksk = as_aksk(
            lookup(&[
                ("FIRST_AK", "ak1"),
                ("FIRST_SK", "sk1"),
                ("FIRST_SECURITY_TOKEN", "tok1"),
                ("SECOND_AK", "ak2"),
                ("SECOND_SK", "sk2"),
                ("SECOND_SECURITY_TOKEN", "tok2"),
                ("FIRST_TOKEN", "iam"),
            ])
            .expect("no error")
            .expect("found"),
        );
        assert_eq!(aksk.ak, "ak1");
        assert_eq!(aksk.sk.expose(), "sk1");
        assert_eq!(
            aksk.security_token.as_ref().map(Secret::expose),
            Some("tok1")
        );
    }

    #[test]
    fn the_second_pair_is_next_and_tokens_do_not_cross() {
        let aksk = as_aksk(
            lookup(&[
                ("SECOND_AK", "ak2"),
                ("SECOND_SK", "sk2"),
                ("FIRST_TOKEN", "iam"),
            ])
            .expect("no error")
            .expect("found"),
        );
        assert_eq!((aksk.ak.as_str(), aksk.sk.expose()), ("ak2", "sk2"));
        assert!(aksk.security_token.is_none());

        let aksk = as_aksk(
            lookup(&[
                ("SECOND_AK", "ak2"),
                ("SECOND_SK", "sk2"),
                ("SECOND_SECURITY_TOKEN", "tok2"),
            ])
            .expect("no error")
            .expect("found"),
        );
        assert_eq!(
            aksk.security_token.as_ref().map(Secret::expose),
            Some("tok2")
        );
    }

    #[test]
    fn token_is_last() {
        match lookup(&[("FIRST_TOKEN", "iam-token")]) {
            Ok(Some(Credentials::Token(token))) => assert_eq!(token.expose(), "iam-token"),
            other => panic!("expected token credentials, got {other:?}"),
        }
    }

    #[test]
    fn half_a_pair_names_the_missing_variable() {
        let cases: [(&[(&str, &str)], CredentialsError); 4] = [
            (
                &[("FIRST_AK", "ak")],
                CredentialsError::IncompletePair {
                    set: "FIRST_AK",
                    missing: "FIRST_SK",
                },
            ),
            (
                &[
                    ("FIRST_SK", "sk"),
                    ("FIRST_AK", ""),
                    ("SECOND_AK", "ak2"),
                    ("SECOND_SK", "sk2"),
                ],
                CredentialsError::IncompletePair {
                    set: "FIRST_SK",
                    missing: "FIRST_AK",
                },
            ),
            (
                &[("SECOND_AK", "ak"), ("FIRST_TOKEN", "t")],
                CredentialsError::IncompletePair {
                    set: "SECOND_AK",
                    missing: "SECOND_SK",
                },
            ),
            (
                &[("FIRST_SECURITY_TOKEN", "tok")],
                CredentialsError::TokenWithoutPair {
                    token: "FIRST_SECURITY_TOKEN",
                    ak: "FIRST_AK",
                    sk: "FIRST_SK",
                },
            ),
        ];
        for (vars, expected) in cases {
            let error = lookup(vars).expect_err("incomplete");
            assert_eq!(error, expected);
        }
        assert_eq!(
            CredentialsError::IncompletePair {
                set: "FIRST_AK",
                missing: "FIRST_SK"
            }
            .to_string(),
            "the environment variable FIRST_AK is set but FIRST_SK is not; set both, or neither"
        );
    }

    #[test]
    fn fixed_and_environment_credentials_are_providers() {
        use futures_util::FutureExt as _;
        let fixed = Credentials::ak_sk("AK1", "very-secret-sk");
        assert_eq!(fixed.name(), "static");
        let provided = fixed
            .provide()
            .now_or_never()
            .expect("ready at once")
            .expect("always gives");
        assert_eq!(provided.expires_at(), None);
        assert_eq!(
            as_aksk(provided.credentials().clone()).sk.expose(),
            "very-secret-sk"
        );

        let environment = EnvironmentProvider::with_lookup(&VARIABLES, |name| {
            (name == "SECOND_AK" || name == "SECOND_SK").then(|| format!("value-of-{name}"))
        });
        assert_eq!(environment.name(), "environment");
        let provided = environment
            .provide()
            .now_or_never()
            .expect("ready at once")
            .expect("the second pair is set");
        assert_eq!(
            as_aksk(provided.credentials().clone()).ak,
            "value-of-SECOND_AK"
        );
        assert_eq!(
            format!("{environment:?}"),
            r#"EnvironmentProvider { variables: ["FIRST_AK", "FIRST_SK", "SECOND_AK", "SECOND_SK", "FIRST_TOKEN"], .. }"#
        );

        let half = EnvironmentProvider::with_lookup(&VARIABLES, |name| {
            (name == "FIRST_AK").then(|| "AKVALUE".to_owned())
        });
        let error = half
            .provide()
            .now_or_never()
            .expect("ready at once")
            .expect_err("half a pair");
        assert_eq!(
            error.to_string(),
            "the environment variable FIRST_AK is set but FIRST_SK is not; set both, or neither"
        );
        let none = EnvironmentProvider::with_lookup(&VARIABLES, |_| None);
        let error = none
            .provide()
            .now_or_never()
            .expect("ready")
            .expect_err("unset");
        assert_eq!(
            error.to_string(),
            "none of the variables FIRST_AK, FIRST_SK, SECOND_AK, SECOND_SK, FIRST_TOKEN is set"
        );
        assert!(!error.is_transient());
    }

    #[test]
    fn a_provider_error_keeps_its_cause() {
        let cause = std::io::Error::other("connection reset");
        let error = ProviderError::transient("the issuer did not answer").with_source(cause);
        assert!(error.is_transient());
        assert_eq!(error.message(), "the issuer did not answer");
        assert_eq!(
            error.to_string(),
            "the issuer did not answer: connection reset"
        );
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("connection reset"));
        assert_eq!(
            format!("{error:?}"),
            r#"ProviderError { message: "the issuer did not answer", transient: true, source: Some("connection reset") }"#
        );
    }

    #[test]
    fn errors_do_not_contain_values() {
        let error = lookup(&[
            ("FIRST_AK", "AKVALUE"),
            ("FIRST_SECURITY_TOKEN", "TOKVALUE"),
        ])
        .expect_err("incomplete");
        let text = format!("{error} {error:?}");
        assert!(
            !text.contains("AKVALUE") && !text.contains("TOKVALUE"),
            "{text}"
        );
    }
}
