//! The one error type every operation returns.

use crate::runtime::response::RawResponse;
use bytes::Bytes;
use http::StatusCode;
use std::time::Duration;

/// Everything that can go wrong when calling an operation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request could not be sent or the response not received (connection refused, reset,
    /// TLS failure, closed mid-response).
    #[error("{operation}: transport failure after {attempts} attempt(s): {source}")]
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// No complete response arrived within the configured timeout.
    #[error("{operation}: timed out after {timeout:?} ({attempts} attempt(s))")]
    Timeout {
        /// The operation that timed out.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// A response arrived but its body could not be decoded; the body is kept.
    #[error("could not decode the {status} response body (request id {}): {message}", .request_id.as_deref().unwrap_or("none"))]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// The request id, if the response had one.
        request_id: Option<String>,
        /// The raw body.
        body: Bytes,
        /// What the decoder said.
        message: String,
    },
    /// A value broke one of the spec's constraints; nothing was sent.
    #[error("invalid request: `{parameter}` {rule}")]
    Validation {
        /// The parameter or field, as the spec names it.
        parameter: String,
        /// The rule it broke, e.g. "must be at most 100 (is 101)".
        rule: String,
    },
    /// The client is missing configuration or has configuration it cannot use.
    #[error("configuration: {0}")]
    Config(String),
    /// A request body could not be serialised.
    #[error("could not serialise the request body: {0}")]
    Serialize(#[source] serde_json::Error),
}

/// An error response from the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The request id (`X-Request-Id`), if the response had one.
    pub request_id: Option<String>,
    /// The service's error code, e.g. `MSS.00000003`.
    pub error_code: Option<String>,
    /// The service's error message, e.g. `Invalid parameter`.
    pub error_msg: Option<String>,
    /// The raw body, even when it is not JSON.
    pub body: Bytes,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "HTTP {}: {}: {} (request id {})",
            self.status.as_u16(),
            self.error_code.as_deref().unwrap_or("-"),
            self.error_msg.as_deref().unwrap_or("-"),
            self.request_id.as_deref().unwrap_or("none"),
        )
    }
}

impl Error {
    /// A value broke a constraint of the spec.
    pub fn validation(parameter: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::Validation {
            parameter: parameter.into(),
            rule: rule.into(),
        }
    }

    /// A request body could not be serialised.
    pub fn serialize(source: serde_json::Error) -> Self {
        Error::Serialize(source)
    }

    /// A JSON body could not be decoded.
    pub fn decode(
        status: StatusCode,
        request_id: Option<String>,
        body: Bytes,
        source: serde_json::Error,
    ) -> Self {
        Error::Decode {
            status,
            request_id,
            body,
            message: source.to_string(),
        }
    }

    /// A text body was not UTF-8.
    pub fn decode_text(
        status: StatusCode,
        request_id: Option<String>,
        body: Bytes,
        source: std::string::FromUtf8Error,
    ) -> Self {
        Error::Decode {
            status,
            request_id,
            body,
            message: source.to_string(),
        }
    }

    /// An error status, with the code and message read from the body where it has them.
    pub fn from_api_response(response: RawResponse) -> Self {
        let (error_code, error_msg) = error_fields(response.body());
        Error::Api(Box::new(ApiError {
            status: response.status(),
            request_id: response.request_id().map(str::to_owned),
            error_code,
            error_msg,
            body: response.body().clone(),
            attempts: response.attempts(),
        }))
    }

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }
}

/// Reads `(error_code, error_msg)` from an error body, as the vendor's SDK does.
/// Placeholder until the runtime issue lands the full set of shapes.
fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return (None, None);
    };
    let text = |key: &str| map.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    (text("error_code"), text("error_msg"))
}
