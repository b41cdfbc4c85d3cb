//! The client: a cheap handle to the resolved settings, and the
//! [`transport`] that sends an [`OperationRequest`] with them.
//!
//! Build one with the generated `Client::builder()` (a [`ClientBuilder`]); see
//! [`config`](crate::runtime::config) for every option and its default.

use crate::runtime::config::ClientBuilder;
use crate::runtime::error::Error;
use crate::runtime::request::OperationRequest;
use crate::runtime::response::RawResponse;
use crate::runtime::retry::RetryPolicy;
use crate::runtime::service::ServiceInfo;
use crate::runtime::settings::{Settings, header_names};
use crate::runtime::transport;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A client of the service. Cheap to clone (the configuration and connection pool are shared);
/// make one per process and clone it where needed.
///
/// Its `Debug` output never shows a secret: tokens, passwords and secret keys print as
/// `** redacted **`, default headers by name only.
#[derive(Clone)]
pub struct Client {
    settings: Arc<Settings>,
}

impl ClientBuilder {
    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] when: no endpoint can be resolved (a region the service
    /// does not have, a server variable without a value), an endpoint URL is malformed or not
    /// http(s), a header name or value cannot be sent, a client parameter is empty or breaks
    /// the spec's constraints, a timeout or the response-size limit is zero, the credentials
    /// do not match any auth scheme of the service (or none were given), or the HTTP client
    /// cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        Ok(Client {
            settings: Arc::new(Settings::resolve(self.requested)?),
        })
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.settings;
        f.debug_struct("Client")
            .field("service", &settings.service.title)
            .field("endpoint", &settings.endpoint.base)
            .field("client_parameters", &settings.client_parameters)
            .field("credentials", &settings.credentials)
            .field("user_agent", &settings.user_agent)
            .field("default_headers", &header_names(&settings.default_headers))
            .field("connect_timeout", &settings.connect_timeout)
            .field("timeout", &settings.timeout)
            .field("retry", &settings.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for any service description (generated code calls this as
    /// `Client::builder()` with its own `SERVICE`).
    pub fn builder_for(service: &'static ServiceInfo) -> ClientBuilder {
        ClientBuilder::new(service)
    }

    /// Sends one operation's request (authenticating, retrying and timing out as configured) and
    /// returns the response, whatever its status. See [`transport`]. Generated code calls it;
    /// use the operations' methods instead.
    #[doc(hidden)]
    pub async fn execute(&self, request: OperationRequest) -> Result<RawResponse, Error> {
        transport::execute(&self.settings, request).await
    }

    /// A value set once on the client and filled into every operation that takes it
    /// (parameters marked `x-client-parameter` in the spec).
    #[doc(hidden)]
    pub fn client_parameter(&self, name: &str) -> Result<&str, Error> {
        if let Some(value) = self.settings.client_parameters.get(name) {
            return Ok(value);
        }
        let service = self.settings.service;
        let hint = variables_hint(service, name);
        Err(Error::Config(match service.client_parameter(name) {
            Some(parameter) => format!(
                "the {} (`{name}`) is not set: call .{}(value) on the client builder{hint}",
                label(name),
                parameter.setter
            ),
            None => format!(
                "`{name}` is not set on the client: call .client_parameter(\"{name}\", value) \
                 on the client builder{hint}"
            ),
        }))
    }

    /// The endpoint every request goes to, e.g. `https://api.example.com`.
    pub fn endpoint(&self) -> &str {
        &self.settings.endpoint.base
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static ServiceInfo {
        self.settings.service
    }

    /// The timeout of one attempt.
    pub fn timeout(&self) -> Duration {
        self.settings.timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.settings.retry
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.settings.user_agent
    }

    /// How far the server's clock is from this machine's, as the client learned it from a
    /// server that refused a signature's time (zero until one does; shared by every clone).
    /// The client adds it to its clock when it signs. A `tracing` warning reports each
    /// correction.
    #[cfg(feature = "aksk")]
    pub fn clock_offset(&self) -> crate::runtime::refusal::ClockOffset {
        self.settings.clock_offset()
    }

    /// The largest response body the client reads, in bytes.
    pub fn max_response_size(&self) -> u64 {
        self.settings.max_response_size
    }

    /// The most pages one `<operation>_stream` fetches.
    #[cfg(feature = "pagination")]
    pub fn max_pages(&self) -> u64 {
        self.settings.max_pages
    }

    /// The longest a streamed answer may go without a byte arriving.
    #[cfg(feature = "streaming")]
    pub fn idle_timeout(&self) -> Duration {
        self.settings.idle_timeout
    }
}

/// `, or set VAR and call .with_env()` when the spec names variables for `parameter`.
fn variables_hint(service: &ServiceInfo, parameter: &str) -> String {
    service
        .environment
        .client_parameters
        .iter()
        .find(|p| p.parameter == parameter)
        .and_then(|p| p.variables.first())
        .map(|variable| format!(", or set {variable} and call .with_env()"))
        .unwrap_or_default()
}

/// A parameter's name as words: `tenant_id` → `tenant ID`.
fn label(name: &str) -> String {
    let words: Vec<String> = name
        .split(['_', '-', ' '])
        .filter(|word| !word.is_empty())
        .map(|word| {
            if word.eq_ignore_ascii_case("id") {
                "ID".to_owned()
            } else {
                word.to_owned()
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_words() {
        assert_eq!(label("tenant_id"), "tenant ID");
        assert_eq!(label("region-name"), "region name");
        assert_eq!(label("id"), "ID");
    }
}
