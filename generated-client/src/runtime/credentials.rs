//! Credentials: an IAM token, or an access key / secret key pair (with an optional security
//! token) for SDK-HMAC-SHA256 request signing.
//!
//! Secrets (the SK, tokens) are wrapped in [`Secret`], whose `Debug` prints `** redacted **`, so
//! `{:?}` of any credentials value is safe to log. The AK is not secret and is shown.

use crate::runtime::client::Environment;
use std::fmt;

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// A token, sent as the spec's scheme says: in the API-key header (`X-Auth-Token: <token>`
    /// for MetaStudio, an IAM user token), in the API-key query parameter, or as
    /// `Authorization: Bearer <token>`.
    Token(Secret),
    /// Sign every request with SDK-HMAC-SHA256.
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
#[derive(Clone, Debug)]
pub struct AkSk {
    /// The access key id (not secret).
    pub ak: String,
    /// The secret key.
    pub sk: Secret,
    /// The security token of temporary credentials, sent as `X-Security-Token`.
    pub security_token: Option<Secret>,
}

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
    #[error("the environment variable {set} is set but {missing} is not; set both, or neither")]
    IncompletePair {
        /// The variable that is set.
        set: &'static str,
        /// The variable that is missing (unset or empty).
        missing: &'static str,
    },
    /// A security-token variable is set without the AK/SK pair it belongs to.
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
    /// A security token was given for token (`X-Auth-Token`) credentials.
    #[error(
        "a security token only applies to AK/SK credentials, not to token (X-Auth-Token) \
         credentials"
    )]
    SecurityTokenWithoutAkSk,
}

impl Credentials {
    /// Token authentication.
    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(Secret::new(token))
    }

    /// AK/SK signing.
    pub fn ak_sk(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Credentials::AkSk(AkSk::new(ak, sk))
    }

    /// Adds a security token (temporary AK/SK credentials, sent as `X-Security-Token`).
    ///
    /// Token and basic credentials have no security token: for them this is
    /// [`CredentialsError::SecurityTokenWithoutAkSk`].
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
    /// `x-environment`; for MetaStudio `CLOUD_SDK_AK`/`CLOUD_SDK_SK`, then
    /// `HUAWEICLOUD_SDK_AK`/`HUAWEICLOUD_SDK_SK`, each with its security token, then
    /// `CLOUD_SDK_TOKEN`); `Ok(None)` when none are set.
    ///
    /// The AK/SK pairs are consulted in order, then the token variables; the first that is set
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
        for pair in variables.ak_sk {
            let ak = get(pair.ak);
            let sk = get(pair.sk);
            let security_token = pair.security_token.and_then(&mut get);
            match (ak, sk) {
                (Some(ak), Some(sk)) => {
                    let mut aksk = AkSk::new(ak, sk);
                    aksk.security_token = security_token.map(Secret::new);
                    return Ok(Some(Credentials::AkSk(aksk)));
                }
                (Some(_), None) => {
                    return Err(CredentialsError::IncompletePair {
                        set: pair.ak,
                        missing: pair.sk,
                    });
                }
                (None, Some(_)) => {
                    return Err(CredentialsError::IncompletePair {
                        set: pair.sk,
                        missing: pair.ak,
                    });
                }
                (None, None) if security_token.is_some() => {
                    return Err(CredentialsError::TokenWithoutPair {
                        token: pair.security_token.unwrap_or_default(),
                        ak: pair.ak,
                        sk: pair.sk,
                    });
                }
                (None, None) => {}
            }
        }
        Ok(variables
            .token
            .iter()
            .find_map(|name| get(name))
            .map(Credentials::token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::client::AkSkVariables;
    use std::collections::HashMap;

    /// What the MetaStudio spec's `x-environment` names.
    const VARIABLES: Environment = Environment {
        ak_sk: &[
            AkSkVariables {
                ak: "CLOUD_SDK_AK",
                sk: "CLOUD_SDK_SK",
                security_token: Some("CLOUD_SDK_SECURITY_TOKEN"),
            },
            AkSkVariables {
                ak: "HUAWEICLOUD_SDK_AK",
                sk: "HUAWEICLOUD_SDK_SK",
                security_token: Some("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
            },
        ],
        token: &["CLOUD_SDK_TOKEN"],
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
            lookup(&[
                ("CLOUD_SDK_AK", ""),
                ("CLOUD_SDK_SK", ""),
                ("CLOUD_SDK_TOKEN", "")
            ])
            .expect("empty values count as unset")
            .is_none()
        );
    }

    #[test]
    fn cloud_sdk_pair_comes_first() {
        let aksk = as_aksk(
            lookup(&[
                ("CLOUD_SDK_AK", "ak1"),
                ("CLOUD_SDK_SK", "sk1"),
                ("CLOUD_SDK_SECURITY_TOKEN", "tok1"),
                ("HUAWEICLOUD_SDK_AK", "ak2"),
                ("HUAWEICLOUD_SDK_SK", "sk2"),
                ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok2"),
                ("CLOUD_SDK_TOKEN", "iam"),
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
    fn huaweicloud_pair_is_second_and_tokens_do_not_cross() {
        let aksk = as_aksk(
            lookup(&[
                ("HUAWEICLOUD_SDK_AK", "ak2"),
                ("HUAWEICLOUD_SDK_SK", "sk2"),
                ("CLOUD_SDK_TOKEN", "iam"),
            ])
            .expect("no error")
            .expect("found"),
        );
        assert_eq!((aksk.ak.as_str(), aksk.sk.expose()), ("ak2", "sk2"));
        assert!(aksk.security_token.is_none());

        let aksk = as_aksk(
            lookup(&[
                ("HUAWEICLOUD_SDK_AK", "ak2"),
                ("HUAWEICLOUD_SDK_SK", "sk2"),
                ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok2"),
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
        match lookup(&[("CLOUD_SDK_TOKEN", "iam-token")]) {
            Ok(Some(Credentials::Token(token))) => assert_eq!(token.expose(), "iam-token"),
            other => panic!("expected token credentials, got {other:?}"),
        }
    }

    #[test]
    fn half_a_pair_names_the_missing_variable() {
        let cases: [(&[(&str, &str)], CredentialsError); 4] = [
            (
                &[("CLOUD_SDK_AK", "ak")],
                CredentialsError::IncompletePair {
                    set: "CLOUD_SDK_AK",
                    missing: "CLOUD_SDK_SK",
                },
            ),
            (
                &[
                    ("CLOUD_SDK_SK", "sk"),
                    ("CLOUD_SDK_AK", ""),
                    ("HUAWEICLOUD_SDK_AK", "ak2"),
                    ("HUAWEICLOUD_SDK_SK", "sk2"),
                ],
                CredentialsError::IncompletePair {
                    set: "CLOUD_SDK_SK",
                    missing: "CLOUD_SDK_AK",
                },
            ),
            (
                &[("HUAWEICLOUD_SDK_AK", "ak"), ("CLOUD_SDK_TOKEN", "t")],
                CredentialsError::IncompletePair {
                    set: "HUAWEICLOUD_SDK_AK",
                    missing: "HUAWEICLOUD_SDK_SK",
                },
            ),
            (
                &[("CLOUD_SDK_SECURITY_TOKEN", "tok")],
                CredentialsError::TokenWithoutPair {
                    token: "CLOUD_SDK_SECURITY_TOKEN",
                    ak: "CLOUD_SDK_AK",
                    sk: "CLOUD_SDK_SK",
                },
            ),
        ];
        for (vars, expected) in cases {
            let error = lookup(vars).expect_err("incomplete");
            assert_eq!(error, expected);
        }
        assert_eq!(
            CredentialsError::IncompletePair {
                set: "CLOUD_SDK_AK",
                missing: "CLOUD_SDK_SK"
            }
            .to_string(),
            "the environment variable CLOUD_SDK_AK is set but CLOUD_SDK_SK is not; set both, or neither"
        );
    }

    #[test]
    fn errors_do_not_contain_values() {
        let error = lookup(&[
            ("CLOUD_SDK_AK", "AKVALUE"),
            ("CLOUD_SDK_SECURITY_TOKEN", "TOKVALUE"),
        ])
        .expect_err("incomplete");
        let text = format!("{error} {error:?}");
        assert!(
            !text.contains("AKVALUE") && !text.contains("TOKVALUE"),
            "{text}"
        );
    }
}
