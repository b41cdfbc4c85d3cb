//! Credentials: a token, a user name and password, or an access key / secret key pair (with
//! an optional security token) for request signing, whichever the spec's schemes accept.
//!
//! Secrets (passwords, tokens, secret keys) are wrapped in [`Secret`], whose `Debug` prints
//! `** redacted **`, so `{:?}` of any credentials value is safe to log. An access key is not
//! secret and is shown.

use crate::runtime::service::Environment;
use std::fmt;

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
