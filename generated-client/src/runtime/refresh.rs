//! Where the transport gets the authentication of each attempt: fixed credentials, resolved
//! once when the client is built, or a provider's, kept until shortly before they expire and
//! refreshed once for all the requests that need them at the same time (see
//! [`credentials`](crate::runtime::credentials) for the rules).

use crate::runtime::auth::{self, Auth};
use crate::runtime::credentials::{
    Credentials, ProvideCredentials, ProvidedCredentials, ProviderError,
};
use crate::runtime::error::Error;
use crate::runtime::service::ServiceInfo;
use futures_util::future::{FutureExt as _, Shared};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long before credentials expire the client asks its provider again, by default:
/// 5 minutes.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Where a client's credentials come from, as the builder recorded it.
#[derive(Clone)]
pub(crate) enum CredentialSource {
    /// `ClientBuilder::credentials`: checked when the client is built.
    Fixed(Credentials),
    /// `ClientBuilder::credentials_provider`: asked when needed.
    Provider(Arc<dyn ProvideCredentials>),
}

impl fmt::Debug for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Fixed(credentials) => credentials.fmt(f),
            CredentialSource::Provider(provider) => {
                f.debug_tuple("Provider").field(&provider.name()).finish()
            }
        }
    }
}

/// A provider gave no usable credentials.
#[derive(Debug, Clone)]
pub(crate) struct ProviderFailure {
    /// The provider's name.
    pub(crate) provider: String,
    /// Why.
    pub(crate) source: ProviderError,
}

/// How the attempts of a client are authenticated.
pub(crate) enum AuthSource {
    /// The same way every time.
    Fixed(Arc<Auth>),
    /// With what a provider gives.
    Provided(CredentialsCache),
}

impl AuthSource {
    /// The authentication to use at `now` (the client's best idea of the server's time).
    pub(crate) async fn current(&self, now: SystemTime) -> Result<Arc<Auth>, ProviderFailure> {
        match self {
            AuthSource::Fixed(auth) => Ok(Arc::clone(auth)),
            AuthSource::Provided(cache) => cache.current(now).await,
        }
    }

    /// The authentication, when it is fixed (known without asking anything).
    pub(crate) fn fixed(&self) -> Option<&Arc<Auth>> {
        match self {
            AuthSource::Fixed(auth) => Some(auth),
            AuthSource::Provided(_) => None,
        }
    }

    /// The provider's name, for a provider.
    pub(crate) fn provider(&self) -> Option<&str> {
        match self {
            AuthSource::Fixed(_) => None,
            AuthSource::Provided(cache) => Some(cache.provider.name()),
        }
    }
}

/// A provider's credentials, resolved to the service's scheme, and the one refresh under way.
pub(crate) struct CredentialsCache {
    service: &'static ServiceInfo,
    provider: Arc<dyn ProvideCredentials>,
    margin: Duration,
    state: Mutex<State>,
}

/// What the cache holds.
#[derive(Default)]
struct State {
    lease: Option<Lease>,
    refreshing: Option<Refresh>,
}

/// Credentials as resolved, and when to ask again.
#[derive(Clone)]
struct Lease {
    auth: Arc<Auth>,
    /// When to ask the provider again; `None`: never.
    refresh_at: Option<SystemTime>,
    /// When they stop being valid; `None`: never.
    expires_at: Option<SystemTime>,
}

impl Lease {
    /// Whether they need no refresh at `now`.
    fn fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    /// Whether they are still valid at `now`.
    fn valid(&self, now: SystemTime) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// The one call to the provider that every waiting request shares.
type Refresh = Shared<Pin<Box<dyn Future<Output = Result<Lease, ProviderError>> + Send>>>;

impl CredentialsCache {
    /// A cache of `provider`'s credentials for `service`, refreshed `margin` before they expire.
    pub(crate) fn new(
        service: &'static ServiceInfo,
        provider: Arc<dyn ProvideCredentials>,
        margin: Duration,
    ) -> Self {
        CredentialsCache {
            service,
            provider,
            margin,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The credentials to use at `now`: those held while they need no refresh, else the
    /// answer of the refresh under way (started here if none is). When the refresh fails
    /// while the credentials held are still valid, those.
    async fn current(&self, now: SystemTime) -> Result<Arc<Auth>, ProviderFailure> {
        let (refresh, still_valid) = {
            let mut state = self.state();
            if let Some(lease) = state.lease.as_ref().filter(|lease| lease.fresh(now)) {
                return Ok(Arc::clone(&lease.auth));
            }
            let still_valid = state
                .lease
                .as_ref()
                .filter(|lease| lease.valid(now))
                .map(|lease| Arc::clone(&lease.auth));
            let refresh = match &state.refreshing {
                Some(refresh) => refresh.clone(),
                None => {
                    let refresh = self.refresh(now);
                    state.refreshing = Some(refresh.clone());
                    refresh
                }
            };
            (refresh, still_valid)
        };
        let outcome = refresh.clone().await;
        let name = self.provider.name();
        {
            // The first request to see the answer stores it (and logs it, once).
            let mut state = self.state();
            if state
                .refreshing
                .as_ref()
                .is_some_and(|pending| pending.ptr_eq(&refresh))
            {
                state.refreshing = None;
                match &outcome {
                    Ok(lease) => {
                        tracing::debug!(
                            provider = name,
                            expires_at = %describe_time(lease.expires_at),
                            "credentials refreshed"
                        );
                        state.lease = Some(lease.clone());
                    }
                    Err(error) if still_valid.is_some() => tracing::warn!(
                        provider = name,
                        error = %error,
                        "could not refresh the credentials; using those held until they expire"
                    ),
                    Err(error) => tracing::warn!(
                        provider = name,
                        error = %error,
                        "could not get credentials"
                    ),
                }
            }
        }
        match (outcome, still_valid) {
            (Ok(lease), _) => Ok(lease.auth),
            (Err(_), Some(auth)) => Ok(auth),
            (Err(source), None) => Err(ProviderFailure {
                provider: name.to_owned(),
                source,
            }),
        }
    }

    /// A call to the provider, shared by everyone who awaits it.
    fn refresh(&self, now: SystemTime) -> Refresh {
        let provider = Arc::clone(&self.provider);
        let service = self.service;
        let margin = self.margin;
        let call = async move {
            let provided = provider.provide().await?;
            lease(service, provided, now, margin)
        };
        let call: Pin<Box<dyn Future<Output = Result<Lease, ProviderError>> + Send>> =
            Box::pin(call);
        call.shared()
    }
}

/// What a provider gave, checked and resolved for `service` at `now`: to be refreshed `margin`
/// before it expires, but not before half its time has passed.
fn lease(
    service: &'static ServiceInfo,
    provided: ProvidedCredentials,
    now: SystemTime,
    margin: Duration,
) -> Result<Lease, ProviderError> {
    let (credentials, expires_at) = provided.into_parts();
    if let Some(expiry) = expires_at
        && expiry <= now
    {
        return Err(ProviderError::new(format!(
            "it gave credentials that expired at {} (the client's clock reads {})",
            describe_time(Some(expiry)),
            describe_time(Some(now))
        )));
    }
    let auth = auth::resolve(service, Some(&credentials)).map_err(|error| {
        let why = match error {
            Error::Config(message) => message,
            other => other.to_string(),
        };
        ProviderError::new(format!("it gave credentials the client cannot use: {why}"))
    })?;
    let refresh_at = expires_at.map(|expiry| {
        let left = expiry.duration_since(now).unwrap_or(Duration::ZERO);
        let lead = margin.min(left / 2);
        expiry.checked_sub(lead).unwrap_or(now)
    });
    Ok(Lease {
        auth: Arc::new(auth),
        refresh_at,
        expires_at,
    })
}

/// A time as RFC 3339 (UTC), for messages; `never` for none.
fn describe_time(time: Option<SystemTime>) -> String {
    let Some(time) = time else {
        return "never".to_owned();
    };
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok(),
        Err(before) => i64::try_from(before.duration().as_secs())
            .ok()
            .and_then(i64::checked_neg),
    };
    seconds
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| "a time out of range".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::service::AuthScheme;

    static SERVICE: ServiceInfo = ServiceInfo {
        title: "T",
        auth_schemes: &[AuthScheme::Bearer],
        ..ServiceInfo::EMPTY
    };

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn a_lease_is_refreshed_a_margin_before_expiry_but_not_before_half_its_life() {
        let provided = |expiry| ProvidedCredentials::expiring(Credentials::token("t"), at(expiry));
        let margin = Duration::from_secs(300);
        let long = lease(&SERVICE, provided(4_600), at(1_000), margin).expect("a lease");
        assert_eq!(long.refresh_at, Some(at(4_300)));
        assert!(long.fresh(at(4_299)) && !long.fresh(at(4_300)));
        assert!(long.valid(at(4_599)) && !long.valid(at(4_600)));
        let short = lease(&SERVICE, provided(1_100), at(1_000), margin).expect("a lease");
        assert_eq!(short.refresh_at, Some(at(1_050)));
        let forever = lease(
            &SERVICE,
            ProvidedCredentials::new(Credentials::token("t")),
            at(1),
            margin,
        )
        .expect("a lease");
        assert!(forever.fresh(at(u64::from(u32::MAX))));
    }

    #[test]
    fn expired_or_unusable_credentials_are_refused_without_showing_them() {
        let expired = ProvidedCredentials::expiring(Credentials::token("SECRET-TOKEN"), at(10));
        let error = lease(&SERVICE, expired, at(20), DEFAULT_REFRESH_MARGIN)
            .err()
            .expect("refused");
        assert_eq!(
            error.message(),
            "it gave credentials that expired at 1970-01-01T00:00:10Z (the client's clock reads \
             1970-01-01T00:00:20Z)"
        );
        let empty = ProvidedCredentials::new(Credentials::token(" "));
        let error = lease(&SERVICE, empty, at(20), DEFAULT_REFRESH_MARGIN)
            .err()
            .expect("refused");
        assert!(error.message().contains("the token is empty"), "{error}");
        let basic = ProvidedCredentials::new(Credentials::basic("user", "SECRET-PASSWORD"));
        let error = lease(&SERVICE, basic, at(20), DEFAULT_REFRESH_MARGIN)
            .err()
            .expect("refused");
        let text = format!("{error} {error:?}");
        assert!(text.contains("does not accept basic credentials"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
        assert_eq!(
            describe_time(Some(UNIX_EPOCH + Duration::from_secs(1 << 50))),
            "a time out of range"
        );
    }
}
