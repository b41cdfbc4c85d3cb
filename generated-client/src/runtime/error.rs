//! The error every operation returns.
//!
//! [`Error<E>`](Error) tells apart what a caller handles differently; `E` is the operation's
//! own error type, the error responses its spec documents (`UpdateActiveCodeError` with a
//! variant per documented status), which [`ApiError::documented`] holds already decoded. An
//! operation that documents none returns [`Error`] itself (`E` is [`Undocumented`]). Every
//! variant but [`Error::Api`] and [`Error::UndocumentedSuccess`] is the same whatever `E` is.
//!
//!
//! | variant | meaning | retried by the client? |
//! | --- | --- | --- |
//! | [`Error::Api`] | the service answered with an error status (decoded as documented, when it is) | 429, 500, 502, 503, 504 on idempotent operations |
//! | [`Error::UndocumentedSuccess`] | a success status the spec does not list, with a body that is not the documented one | no |
//! | [`Error::Transport`] | no response: connection refused, reset, TLS failure, closed mid-response | connection failures always; others on idempotent operations |
//! | [`Error::Timeout`] | no complete response within the timeout | on idempotent operations |
//! | [`Error::ResponseTooLarge`] | the response body is larger than the client accepts | no |
//! | [`Error::Decode`] | a response arrived but its body is not what the spec says (the body is kept) | no |
//! | [`Error::Validation`] | a value broke the spec's constraints; nothing was sent | no |
//! | [`Error::Config`] | the client cannot be built or used as configured | no |
//! | [`Error::Serialize`] | a request body could not be serialised | no |
//! | [`Error::Credentials`] | the credentials provider gave none that can be used; nothing was sent | no |
//!
//! Variants that only some services need (their authentication, their paging) are documented
//! on [`Error`] itself; none of them is retried.
//!
//! [`Error::is_retryable`] says whether trying again later may succeed, and
//! [`Error::request_id`] gives the id to quote to support. No variant ever holds a secret:
//! tokens, passwords, secret keys and signatures never reach an error message.
//!
//! This module is a leaf: an [`ApiError`] is built from a status, a request id and a body, with
//! the error-body fields the [service](crate::runtime::service) names (and, for a refused
//! signature where the spec's scheme signs, the transport's diagnosis).

use crate::runtime::service::ErrorFields;
use bytes::Bytes;
use http::StatusCode;
use std::fmt::Write as _;
use std::time::Duration;

/// The documented error type of an operation whose spec documents no error response: it has
/// no values, so [`ApiError::documented`] is always `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undocumented {}

/// Everything that can go wrong when calling an operation; `E` is what its error responses
/// decode to (see the [module docs](self)).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E: std::fmt::Debug = Undocumented> {
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError<E>>),
    /// The server answered with a success status the spec does not list for the operation
    /// (a 204 where it documents 200, say), and the body is not the documented one; status,
    /// headers' request id and body are kept.
    #[error("{0} (a success status the spec does not document for this operation)")]
    UndocumentedSuccess(Box<ApiError<E>>),
    /// The request could not be sent or the response not received (connection refused, reset,
    /// TLS failure, closed mid-response).
    #[error("{operation}: transport failure after {attempts} attempt(s): {}", error_chain(.source))]
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The underlying error. Its URL, if any, has no query string (a query can carry a
        /// token).
        #[source]
        source: reqwest::Error,
    },
    /// No complete response (status, headers and the whole body) arrived within the configured
    /// timeout.
    #[error(
        "{operation}: no complete response within {timeout:?} ({attempts} attempt(s)); \
         raise the timeout with ClientBuilder::timeout if the service is slow"
    )]
    Timeout {
        /// The operation that timed out.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// The response body is larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::runtime::ClientBuilder::max_response_size));
    /// the rest of it was not read.
    #[error(
        "{operation}: the HTTP {} response body is larger than the limit of {limit} bytes \
         (request id {}); raise it with ClientBuilder::max_response_size if such answers are \
         expected",
        .status.as_u16(),
        shown_request_id(.request_id.as_deref())
    )]
    ResponseTooLarge {
        /// The operation whose answer was too large.
        operation: &'static str,
        /// The response's HTTP status.
        status: StatusCode,
        /// The response's request id, if it had one.
        request_id: Option<String>,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A response arrived but its body could not be decoded; the body is kept.
    #[error("could not decode the {status} response body (request id {}): {message}", shown_request_id(.request_id.as_deref()))]
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
    /// The request could not be signed with the AK/SK (an empty key, a header given twice);
    /// nothing was sent. Never retried.
    #[cfg(feature = "aksk")]
    #[error("{operation}: could not sign the request: {source}")]
    Signing {
        /// The operation whose request could not be signed.
        operation: &'static str,
        /// What the signer said (never a secret).
        #[source]
        source: crate::runtime::signer::SigningError,
    },
    /// The credentials provider could not give usable credentials (it failed, or what it gave
    /// is expired or does not fit the service's schemes); nothing was sent.
    #[error("{operation}: no credentials from the provider `{provider}`: {source}")]
    Credentials {
        /// The operation that needed them.
        operation: &'static str,
        /// The provider's name ([`ProvideCredentials::name`](crate::runtime::credentials::ProvideCredentials::name)).
        provider: String,
        /// What went wrong (never a secret the client holds).
        #[source]
        source: crate::runtime::credentials::ProviderError,
    },
    /// A streamed answer (events, lines, a download) went longer than the idle timeout
    /// without a byte arriving; the stream ends with this.
    #[cfg(feature = "streaming")]
    #[error(
        "{operation}: nothing arrived on the stream for {idle:?}; raise the idle timeout \
         (ClientBuilder::idle_timeout, or the call's) if the service pauses longer"
    )]
    IdleTimeout {
        /// The operation whose stream went silent.
        operation: &'static str,
        /// The idle timeout that expired.
        idle: Duration,
    },
    /// One item of a stream (an event, a line) is not what the spec says; its text is kept,
    /// and the stream goes on with the next item.
    #[cfg(feature = "streaming")]
    #[error("{operation}: {item} could not be decoded: {message}")]
    MalformedItem {
        /// The operation whose stream it is.
        operation: &'static str,
        /// Which item: `event "delta" (id 7)`, `line 3`, ….
        item: String,
        /// Its text, as received.
        text: String,
        /// What the decoder said.
        message: String,
    },
    /// One item of a stream is larger than the client's
    /// [`max_response_size`](crate::runtime::ClientBuilder::max_response_size) (the stream as
    /// a whole has no size limit); the stream ends with this.
    #[cfg(feature = "streaming")]
    #[error(
        "{operation}: {item} is larger than the limit of {limit} bytes; raise it with \
         ClientBuilder::max_response_size if such items are expected"
    )]
    ItemTooLarge {
        /// The operation whose stream it is.
        operation: &'static str,
        /// Which item (as in [`Error::MalformedItem`]).
        item: String,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A body read as it is sent ([`Upload`](crate::runtime::upload::Upload)) could not be
    /// sent: the file cannot be read, the one-shot stream was already sent, or the scheme
    /// signs the body's hash. Nothing was sent.
    #[cfg(feature = "streaming")]
    #[error("{operation}: cannot send the upload: {reason}")]
    Upload {
        /// The operation whose body it is.
        operation: &'static str,
        /// Why, and what to do instead.
        reason: String,
    },
    /// An attempt failed in a way that is retried, but the request body is a one-shot
    /// stream, which cannot be sent again.
    #[cfg(feature = "streaming")]
    #[error(
        "{operation}: {reason} after {attempts} attempt(s), not retried: the request body is a \
         one-shot stream, which cannot be sent again (upload a file, or bytes, to allow retries)"
    )]
    NotRetried {
        /// The operation that failed.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// What failed (`HTTP 503`, `connection failure`, `timeout`, …).
        reason: String,
    },
    /// A streamed body could not be written where the caller asked
    /// ([`Streaming::write_to`](crate::runtime::stream::Streaming::write_to)).
    #[cfg(feature = "streaming")]
    #[error("{operation}: could not write the streamed body: {source}")]
    Write {
        /// The operation whose body it is.
        operation: &'static str,
        /// What the writer said.
        #[source]
        source: std::io::Error,
    },
    /// A stream of pages stopped because the service's pages do not advance (it repeats a
    /// page, or there are more pages than the client walks). Never retried.
    #[cfg(feature = "pagination")]
    #[error("paging stopped after {pages} page(s): {reason}")]
    Pagination {
        /// How many pages were fetched.
        pages: u64,
        /// Why the stream stopped, and what to do about it.
        reason: String,
    },
}

/// An error response from the service.
///
/// The code and the message are read from a JSON body: the first object (the top level,
/// then nested objects, depth first) that has both fields of one of the pairs the spec names
/// (`x-error-fields`, in order of preference), or both `code` and `message`. When the body has
/// none of these (an HTML page from a gateway, an empty body, a body too large to be an error
/// description), both are `None` and the raw body is still in [`body`](ApiError::body) and
/// [`body_text`](ApiError::body_text); `Display` then shows a short one-line excerpt of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError<E = Undocumented> {
    /// The operation that failed (its `operationId`), when known.
    pub operation: Option<&'static str>,
    /// The HTTP status.
    pub status: StatusCode,
    /// The request id: the response's request-id header (`X-Request-Id`), or else a top-level
    /// `request_id` string in a JSON body.
    pub request_id: Option<String>,
    /// The service's error code.
    pub error_code: Option<String>,
    /// The service's error message.
    pub error_msg: Option<String>,
    /// The raw body, even when it is not JSON.
    pub body: Bytes,
    /// How many times the request was sent.
    pub attempts: u32,
    /// The body decoded as the error response the spec documents for this status (the
    /// operation's error type), when it documents one and the body is one.
    pub documented: Option<E>,
    /// What the client signed, when this is a 401 or 403 answer to a signed request, and how
    /// the server's view of the request differs from it when the answer says (see
    /// [`ApiError::signature_diagnosis`]).
    #[cfg(feature = "aksk")]
    pub signature_diagnosis: Option<Box<crate::runtime::refusal::SignatureDiagnosis>>,
}

/// How many characters of a body without an error message `Display` shows.
const EXCERPT_CHARS: usize = 200;

/// Error bodies larger than this (64 KiB) are kept but not parsed: an error description is
/// small, and a huge body is no reason to spend time and memory on a JSON tree.
pub const MAX_PARSED_ERROR_BODY: usize = 64 * 1024;

impl<E> ApiError<E> {
    /// Builds the error for a response with an error status, reading the code, the message and
    /// (when `request_id` is `None`) a `request_id` from the body, trying the field pairs
    /// `fields` in order.
    pub fn from_body(
        status: StatusCode,
        request_id: Option<String>,
        body: Bytes,
        fields: impl IntoIterator<Item = ErrorFields>,
    ) -> ApiError<E> {
        let json = (body.len() <= MAX_PARSED_ERROR_BODY)
            .then(|| serde_json::from_slice::<serde_json::Value>(&body).ok())
            .flatten();
        let fields: Vec<ErrorFields> = fields.into_iter().collect();
        let (error_code, error_msg) = json
            .as_ref()
            .and_then(|value| find_error_fields(value, &fields, 0))
            .unwrap_or_default();
        let request_id = request_id.or_else(|| {
            json.as_ref()
                .and_then(|value| value.get("request_id"))
                .and_then(|value| value.as_str())
                .map(str::to_owned)
        });
        ApiError {
            operation: None,
            status,
            request_id,
            error_code,
            error_msg,
            body,
            attempts: 1,
            documented: None,
            #[cfg(feature = "aksk")]
            signature_diagnosis: None,
        }
    }

    /// The body decoded as the error response the spec documents for this status, if it is
    /// one: `match api.documented() { Some(UpdateActiveCodeError::BadRequest(body)) => … }`.
    pub fn documented(&self) -> Option<&E> {
        self.documented.as_ref()
    }

    /// The same error with another documented type, decoded by `f` (the untyped parts kept).
    pub fn map_documented<F>(self, f: impl FnOnce(E) -> Option<F>) -> ApiError<F> {
        ApiError {
            operation: self.operation,
            status: self.status,
            request_id: self.request_id,
            error_code: self.error_code,
            error_msg: self.error_msg,
            body: self.body,
            attempts: self.attempts,
            documented: self.documented.and_then(f),
            #[cfg(feature = "aksk")]
            signature_diagnosis: self.signature_diagnosis,
        }
    }

    /// When the server refused a signed request (401 or 403): what the client signed (the
    /// canonical request, the signed headers, `X-Sdk-Date`; never a secret), what the server
    /// refused, and, when its answer echoes the canonical request it computed, the first part
    /// that differs with what usually causes it. `Display` of this error already ends with the
    /// finding in one line; the diagnosis's own `Display` is the whole report.
    ///
    /// ```text
    /// if let Err(Error::Api(api)) = &result
    ///     && let Some(diagnosis) = api.signature_diagnosis()
    /// {
    ///     eprintln!("{diagnosis}"); // the whole report, several lines
    ///     if let Some(difference) = diagnosis.first_difference() {
    ///         eprintln!("{}: {}", difference.part, difference.advice());
    ///     }
    /// }
    /// ```
    #[cfg(feature = "aksk")]
    pub fn signature_diagnosis(&self) -> Option<&crate::runtime::refusal::SignatureDiagnosis> {
        self.signature_diagnosis.as_deref()
    }

    /// The body as text (invalid UTF-8 replaced by `�`), e.g. a gateway's HTML error page.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A short one-line excerpt of the body (whitespace collapsed, cut at 200 characters with
    /// `…`), for showing an error whose body has no code or message; `(empty body)` when there
    /// is none.
    pub fn body_excerpt(&self) -> String {
        if self.body.is_empty() {
            return "(empty body)".to_owned();
        }
        // Enough bytes for the excerpt even if every character took four, not the whole body.
        let end = self.body.len().min(EXCERPT_CHARS.saturating_mul(4));
        let mut head = &self.body[..end];
        if let Err(error) = std::str::from_utf8(head)
            && error.error_len().is_none()
        {
            // The cut fell inside a character: leave that character out.
            head = &head[..error.valid_up_to()];
        }
        let text = String::from_utf8_lossy(head);
        let mut excerpt = one_line(&text, EXCERPT_CHARS);
        if end < self.body.len() && !excerpt.ends_with('…') {
            excerpt.push('…');
        }
        excerpt
    }

    /// Whether trying again later may succeed: 429 (throttled), 500, 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        is_retryable_status(self.status)
    }

    /// The body decoded as the error schema the spec documents for this status, e.g.
    /// `api.json::<my_api::types::ErrorResponse>()`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// The statuses that mean "try again later".
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

impl<E> std::fmt::Display for ApiError<E> {
    /// One line: `[operation: ]HTTP <status>[ <reason>]: [<code>: ]<message or body excerpt>
    /// (request id <id>[, <n> attempts])[; <signature finding>]`, the last part when the
    /// server refused a signature (for a spec whose scheme signs requests: see
    /// `ApiError::signature_diagnosis`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(operation) = self.operation {
            write!(f, "{operation}: ")?;
        }
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        f.write_str(": ")?;
        if let Some(code) = &self.error_code {
            write!(f, "{}: ", one_line(code, EXCERPT_CHARS))?;
        }
        match &self.error_msg {
            Some(message) => f.write_str(&one_line(message, 1000))?,
            None if self.body.is_empty() => f.write_str("(empty body)")?,
            None => write!(f, "body: {}", self.body_excerpt())?,
        }
        write!(
            f,
            " (request id {}",
            shown_request_id(self.request_id.as_deref())
        )?;
        if self.attempts > 1 {
            write!(f, ", {} attempts", self.attempts)?;
        }
        f.write_str(")")?;
        #[cfg(feature = "aksk")]
        if let Some(summary) = self
            .signature_diagnosis
            .as_ref()
            .and_then(|diagnosis| diagnosis.summary())
        {
            write!(f, "; {summary}")?;
        }
        Ok(())
    }
}

/// A request id as error messages show it: on one line (a server's id may hold line breaks,
/// in a JSON body or decoded from header bytes), short, `none` when there is none.
fn shown_request_id(id: Option<&str>) -> String {
    one_line(id.unwrap_or("none"), EXCERPT_CHARS)
}

/// Collapses every run of whitespace (newlines included) into one space and cuts the text at
/// `max` characters, marking the cut with `…`.
fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (count, word) in text.split_whitespace().enumerate() {
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > max {
        let mut cut: String = out.chars().take(max).collect();
        cut.push('…');
        return cut;
    }
    out
}

/// An error and its causes, joined with `: ` (reqwest's own message alone, "error sending
/// request", does not say what went wrong).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            let _ = write!(text, ": {cause_text}");
        }
        source = cause.source();
    }
    text
}

impl<E: std::fmt::Debug> Error<E> {
    /// A value broke a constraint of the spec.
    pub fn validation(parameter: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::Validation {
            parameter: parameter.into(),
            rule: rule.into(),
        }
    }

    /// A request body could not be serialised.
    #[doc(hidden)]
    pub fn serialize(source: serde_json::Error) -> Self {
        Error::Serialize(source)
    }

    /// A JSON body could not be decoded.
    #[doc(hidden)]
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
    #[doc(hidden)]
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

    /// The API error, if this is one.
    pub fn as_api(&self) -> Option<&ApiError<E>> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The error response the spec documents for this operation and status, decoded, if the
    /// service answered with one.
    pub fn documented(&self) -> Option<&E> {
        self.as_api().and_then(ApiError::documented)
    }

    /// The same error without its documented type (the decoded body dropped, the raw body
    /// kept): one type for errors of every operation, e.g. to collect them with `?`.
    pub fn into_untyped(self) -> Error {
        self.map_documented(|_| None)
    }

    /// The same error with another documented type, decoded by `f`.
    pub fn map_documented<F: std::fmt::Debug>(self, f: impl FnOnce(E) -> Option<F>) -> Error<F> {
        match self {
            Error::Api(api) => Error::Api(Box::new(api.map_documented(f))),
            Error::UndocumentedSuccess(api) => {
                Error::UndocumentedSuccess(Box::new(api.map_documented(f)))
            }
            Error::Transport {
                operation,
                attempts,
                source,
            } => Error::Transport {
                operation,
                attempts,
                source,
            },
            Error::Timeout {
                operation,
                attempts,
                timeout,
            } => Error::Timeout {
                operation,
                attempts,
                timeout,
            },
            Error::ResponseTooLarge {
                operation,
                status,
                request_id,
                limit,
            } => Error::ResponseTooLarge {
                operation,
                status,
                request_id,
                limit,
            },
            Error::Decode {
                status,
                request_id,
                body,
                message,
            } => Error::Decode {
                status,
                request_id,
                body,
                message,
            },
            Error::Validation { parameter, rule } => Error::Validation { parameter, rule },
            Error::Config(message) => Error::Config(message),
            Error::Serialize(source) => Error::Serialize(source),
            Error::Credentials {
                operation,
                provider,
                source,
            } => Error::Credentials {
                operation,
                provider,
                source,
            },
            #[cfg(feature = "aksk")]
            Error::Signing { operation, source } => Error::Signing { operation, source },
            #[cfg(feature = "pagination")]
            Error::Pagination { pages, reason } => Error::Pagination { pages, reason },
            #[cfg(feature = "streaming")]
            Error::IdleTimeout { operation, idle } => Error::IdleTimeout { operation, idle },
            #[cfg(feature = "streaming")]
            Error::Write { operation, source } => Error::Write { operation, source },
            #[cfg(feature = "streaming")]
            Error::Upload { operation, reason } => Error::Upload { operation, reason },
            #[cfg(feature = "streaming")]
            Error::NotRetried {
                operation,
                attempts,
                reason,
            } => Error::NotRetried {
                operation,
                attempts,
                reason,
            },
            #[cfg(feature = "streaming")]
            Error::MalformedItem {
                operation,
                item,
                text,
                message,
            } => Error::MalformedItem {
                operation,
                item,
                text,
                message,
            },
            #[cfg(feature = "streaming")]
            Error::ItemTooLarge {
                operation,
                item,
                limit,
            } => Error::ItemTooLarge {
                operation,
                item,
                limit,
            },
        }
    }

    /// Whether trying the same request again later may succeed: a retryable API status (429,
    /// 500, 502, 503, 504), a transport failure, a timeout, or a provider failure the provider
    /// calls transient. The client has already retried idempotent operations as its
    /// [`RetryPolicy`](crate::runtime::RetryPolicy) allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.is_retryable(),
            Error::UndocumentedSuccess(_) => false,
            Error::Transport { .. } | Error::Timeout { .. } => true,
            #[cfg(feature = "streaming")]
            Error::IdleTimeout { .. } => true,
            Error::Credentials { source, .. } => source.is_transient(),
            _ => false,
        }
    }

    /// The request id the service gave, to quote to support (API, decode and size errors).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) | Error::UndocumentedSuccess(api) => api.request_id.as_deref(),
            Error::Decode { request_id, .. } | Error::ResponseTooLarge { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) | Error::UndocumentedSuccess(api) => Some(api.status),
            Error::Decode { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// How many times the request was sent (API, transport and timeout errors).
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(api) | Error::UndocumentedSuccess(api) => Some(api.attempts),
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }
}

impl Error {
    /// The same error as the error of an operation with documented type `F` (generated code
    /// converts the runtime's errors with it; they carry no documented body).
    #[doc(hidden)]
    pub fn retype<F: std::fmt::Debug>(self) -> Error<F> {
        self.map_documented(|never| match never {})
    }
}

/// How deep [`find_error_fields`] looks into nested objects.
const MAX_DEPTH: usize = 16;

/// The `(code, message)` of the first object, depth first in document order, that has both
/// fields of one of `pairs` (tried in order at each level). Numbers are accepted as codes
/// (`{"code": 401, ...}`).
fn find_error_fields(
    value: &serde_json::Value,
    pairs: &[ErrorFields],
    depth: usize,
) -> Option<(Option<String>, Option<String>)> {
    let serde_json::Value::Object(map) = value else {
        return None;
    };
    for pair in pairs {
        if let (Some(code), Some(message)) = (map.get(pair.code), map.get(pair.message)) {
            return Some((scalar_text(code), scalar_text(message)));
        }
    }
    if depth >= MAX_DEPTH {
        return None;
    }
    map.values()
        .filter(|nested| nested.is_object())
        .find_map(|nested| find_error_fields(nested, pairs, depth + 1))
}

/// A string or number as text; `null`, empty strings, arrays and objects give `None`.
fn scalar_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        serde_json::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairs a vendor's spec may list in `x-error-fields`, and the convention.
    const VENDOR_FIELDS: [ErrorFields; 3] = [
        ErrorFields {
            code: "error_code",
            message: "error_msg",
        },
        ErrorFields {
            code: "errorCode",
            message: "errorMsg",
        },
        ErrorFields::CONVENTIONAL,
    ];

    fn api(status: u16, body: &str, request_id: Option<&str>) -> ApiError {
        ApiError::from_body(
            StatusCode::from_u16(status).unwrap(),
            request_id.map(str::to_owned),
            Bytes::from(body.to_owned()),
            VENDOR_FIELDS,
        )
    }

    fn fields(body: &str) -> (Option<String>, Option<String>) {
        let api = api(400, body, None);
        (api.error_code, api.error_msg)
    }

    fn some(code: &str, msg: &str) -> (Option<String>, Option<String>) {
        (Some(code.to_owned()), Some(msg.to_owned()))
    }

    #[test]
    fn reads_every_documented_shape() {
        assert_eq!(
            fields(r#"{"error_code": "MSS.00000003", "error_msg": "Invalid parameter"}"#),
            some("MSS.00000003", "Invalid parameter")
        );
        assert_eq!(
            fields(r#"{"errorCode": "APIGW.0301", "errorMsg": "Incorrect token"}"#),
            some("APIGW.0301", "Incorrect token")
        );
        assert_eq!(
            fields(r#"{"code": "IAM.0001", "message": "denied"}"#),
            some("IAM.0001", "denied")
        );
        assert_eq!(
            fields(
                r#"{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}"#
            ),
            some("401", "The request you have made requires authentication.")
        );
        assert_eq!(
            fields(r#"{"outer": {"inner": {"error_code": "X.1", "error_msg": "deep"}}}"#),
            some("X.1", "deep")
        );
    }

    #[test]
    fn prefers_pairs_in_vendor_order_and_needs_both_halves() {
        assert_eq!(
            fields(r#"{"code": "c", "message": "m", "error_code": "E", "error_msg": "M"}"#),
            some("E", "M")
        );
        // Only one half of a pair: not a match at this level, look deeper.
        assert_eq!(
            fields(r#"{"error_code": "lonely", "detail": {"errorCode": "D", "errorMsg": "d"}}"#),
            some("D", "d")
        );
        assert_eq!(fields(r#"{"error_msg": "no code"}"#), (None, None));
        // An empty message is no message.
        assert_eq!(
            fields(r#"{"error_code": "E", "error_msg": ""}"#),
            (Some("E".into()), None)
        );
    }

    #[test]
    fn non_json_bodies_keep_their_text() {
        let html = "<html>\n<body>\n<h1>400 Bad Request</h1>\n</body>\n</html>\n";
        let error = api(400, html, Some("req-1"));
        assert_eq!(
            (error.error_code.clone(), error.error_msg.clone()),
            (None, None)
        );
        assert_eq!(error.body_text(), html);
        assert_eq!(
            error.to_string(),
            "HTTP 400 Bad Request: body: <html> <body> <h1>400 Bad Request</h1> </body> </html> (request id req-1)"
        );
        assert_eq!(fields("[1, 2]"), (None, None));
        assert_eq!(fields(""), (None, None));
    }

    #[test]
    fn display_is_one_line_with_status_code_message_and_request_id() {
        let error = api(
            400,
            r#"{"error_code": "MSS.00000003", "error_msg": "Invalid\nparameter"}"#,
            Some("0a1b2c"),
        );
        assert_eq!(
            error.to_string(),
            "HTTP 400 Bad Request: MSS.00000003: Invalid parameter (request id 0a1b2c)"
        );
        assert_eq!(
            api(503, "", None).to_string(),
            "HTTP 503 Service Unavailable: (empty body) (request id none)"
        );
        let long = "x".repeat(500);
        let shown = api(502, &long, None).to_string();
        assert!(
            shown.contains(&format!("{}…", "x".repeat(EXCERPT_CHARS))),
            "{shown}"
        );
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn request_id_falls_back_to_the_body() {
        let error = api(
            401,
            r#"{"error_code": "APIGW.0301", "error_msg": "bad", "request_id": "body-id"}"#,
            None,
        );
        assert_eq!(error.request_id.as_deref(), Some("body-id"));
        let error = api(
            401,
            r#"{"error_code": "APIGW.0301", "error_msg": "bad", "request_id": "body-id"}"#,
            Some("header-id"),
        );
        assert_eq!(error.request_id.as_deref(), Some("header-id"));
    }

    #[test]
    fn retryable_statuses() {
        for status in [429, 500, 502, 503, 504] {
            assert!(api(status, "", None).is_retryable(), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 413, 501] {
            assert!(!api(status, "", None).is_retryable(), "{status}");
        }
        let timeout: Error = Error::Timeout {
            operation: "Op",
            attempts: 1,
            timeout: Duration::from_secs(1),
        };
        assert!(timeout.is_retryable());
        let invalid: Error = Error::validation("limit", "must be at most 100");
        assert!(!invalid.is_retryable());
    }

    #[test]
    fn accessors() {
        let error = Error::Api(Box::new(api(404, "{}", Some("rid"))));
        assert_eq!(error.request_id(), Some("rid"));
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(error.attempts(), Some(1));
        assert!(error.as_api().is_some());
        let config: Error = Error::Config("x".into());
        assert_eq!(config.request_id(), None);
        assert_eq!(config.attempts(), None);
    }

    #[test]
    fn without_vendor_fields_only_the_convention_is_read() {
        let neutral = |body: &str| {
            let api: ApiError = ApiError::from_body(
                StatusCode::BAD_REQUEST,
                None,
                Bytes::from(body.to_owned()),
                [ErrorFields::CONVENTIONAL],
            );
            (api.error_code, api.error_msg)
        };
        assert_eq!(
            neutral(r#"{"error_code": "E", "error_msg": "M"}"#),
            (None, None)
        );
        assert_eq!(
            neutral(r#"{"error": {"code": "C", "message": "nested"}}"#),
            some("C", "nested")
        );
    }

    /// Found by the `api_error` fuzz target: a request id with a line break (a vertical tab
    /// here) made `Display` two lines.
    #[test]
    fn a_request_id_with_line_breaks_is_shown_on_one_line() {
        let error: ApiError = ApiError::from_body(
            StatusCode::from_u16(255).unwrap(),
            Some("-\u{b}\0\0".to_owned()),
            Bytes::new(),
            [ErrorFields::CONVENTIONAL],
        );
        assert_eq!(
            error.to_string(),
            "HTTP 255: (empty body) (request id - \0\0)"
        );
        let error = api(500, r#"{"request_id": "a\nb\r\nc\u2028d"}"#, None);
        assert_eq!(error.request_id.as_deref(), Some("a\nb\r\nc\u{2028}d"));
        assert_eq!(
            error.to_string(),
            "HTTP 500 Internal Server Error: body: {\"request_id\": \"a\\nb\\r\\nc\\u2028d\"} \
             (request id a b c d)"
        );
        let decode = Error::<Undocumented>::Decode {
            status: StatusCode::OK,
            request_id: Some("x\u{85}y".to_owned()),
            body: Bytes::new(),
            message: "m".to_owned(),
        };
        assert!(decode.to_string().contains("(request id x y)"), "{decode}");
    }

    #[test]
    fn large_error_bodies_are_kept_but_not_parsed() {
        let padding = "x".repeat(MAX_PARSED_ERROR_BODY);
        let body = format!(
            r#"{{"error_code": "E", "error_msg": "M", "request_id": "r", "pad": "{padding}"}}"#
        );
        let error = api(400, &body, None);
        assert_eq!(
            (error.error_code.as_deref(), error.error_msg.as_deref()),
            (None, None)
        );
        assert_eq!(error.request_id, None);
        assert_eq!(error.body.len(), body.len(), "the body is kept whole");
        let shown = error.to_string();
        assert!(shown.len() < 400, "Display shows an excerpt only: {shown}");
        assert!(
            shown.starts_with(r#"HTTP 400 Bad Request: body: {"error_code""#),
            "{shown}"
        );
    }

    #[test]
    fn the_excerpt_is_short_and_never_splits_a_character() {
        let error = api(502, &"é".repeat(1000), None);
        let excerpt = error.body_excerpt();
        assert_eq!(excerpt, format!("{}…", "é".repeat(EXCERPT_CHARS)));
        assert_eq!(api(502, "", None).body_excerpt(), "(empty body)");
        assert_eq!(api(502, "short\n page", None).body_excerpt(), "short page");
    }
}
