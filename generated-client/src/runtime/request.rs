//! The request an operation method hands to the transport.
//!
//! Generated code builds an [`OperationRequest`] from the caller's typed values: the path is
//! already percent-encoded segment by segment, query pairs are decoded text in the order the
//! spec lists them, and the body is serialised once. The transport adds authentication and sends
//! exactly these bytes; nothing here is re-encoded after signing.

use crate::runtime::error::Error;
use crate::runtime::retry::RetryPolicy;
use http::Method;
use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// One HTTP request for one operation, before authentication.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct OperationRequest {
    /// The spec's `operationId` (used in logs, tracing spans and errors).
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path relative to the endpoint, each segment already percent-encoded
    /// (see [`crate::runtime::encode::path_segment`]), starting with `/`.
    pub path: String,
    /// Query pairs, decoded (not percent-encoded), in spec order; repeated keys allowed.
    pub query: Vec<(String, String)>,
    /// Header parameters as `(wire name, value)`, in spec order.
    pub headers: Vec<(&'static str, String)>,
    /// The serialised body, if the operation sends one.
    pub body: Option<RequestBody>,
    /// Whether the operation may be retried after a transient failure
    /// (GET, PUT, DELETE, HEAD, OPTIONS, or marked `x-idempotent: true` in the spec).
    pub idempotent: bool,
    /// What this one call changes of the client's settings.
    pub options: CallOptions,
}

/// What one call changes of the client's settings: its own timeout, retry policy, or extra
/// headers. Set on an operation's builder (`.timeout(…)`, `.retry(…)`, `.header(…)`); the
/// client's settings apply to everything left unset.
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: Vec<(String, String)>,
    /// Whether a success's body is handed on unread, to be streamed.
    #[cfg(feature = "streaming")]
    pub(crate) streamed: bool,
    /// The longest a stream may wait for its next piece, instead of the client's.
    #[cfg(feature = "streaming")]
    pub(crate) idle_timeout: Option<Duration>,
    /// The body, read as it is sent, instead of the request's bytes.
    #[cfg(feature = "streaming")]
    pub(crate) upload: Option<crate::runtime::upload::Upload>,
    /// The multipart body's file parts read as it is sent, by part name.
    #[cfg(feature = "streaming")]
    #[cfg(feature = "multipart")]
    pub(crate) upload_parts: Vec<(String, crate::runtime::upload::Upload)>,
}

impl CallOptions {
    /// The longest one attempt of this call may take, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How this call is retried, instead of the client's policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The longest a streamed answer of this call may go without a byte arriving (between
    /// events, lines or chunks), instead of the client's
    /// [`idle_timeout`](crate::runtime::ClientBuilder::idle_timeout).
    #[cfg(feature = "streaming")]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = Some(idle);
        self
    }

    /// The request body read from a file or a stream as it is sent, instead of the bytes the
    /// operation serialised (generated `upload()` methods set it).
    #[cfg(feature = "streaming")]
    pub fn upload(mut self, upload: crate::runtime::upload::Upload) -> Self {
        self.upload = Some(upload);
        self
    }

    /// The content of the multipart body's file part `name`, read from a file or a stream as it
    /// is sent, instead of the bytes the body holds for it (generated `upload_part()` methods
    /// set it). Setting the same part again replaces the upload.
    #[cfg(feature = "streaming")]
    #[cfg(feature = "multipart")]
    pub fn upload_part(
        mut self,
        name: impl Into<String>,
        upload: crate::runtime::upload::Upload,
    ) -> Self {
        let name = name.into();
        self.upload_parts.retain(|(existing, _)| *existing != name);
        self.upload_parts.push((name, upload));
        self
    }

    /// Whether every body this call uploads can be sent again (see
    /// [`Upload::is_repeatable`](crate::runtime::upload::Upload::is_repeatable)).
    #[cfg(feature = "streaming")]
    pub(crate) fn uploads_repeatable(&self) -> bool {
        #[cfg(feature = "multipart")]
        if self
            .upload_parts
            .iter()
            .any(|(_, upload)| !upload.is_repeatable())
        {
            return false;
        }
        self.upload
            .as_ref()
            .is_none_or(|upload| upload.is_repeatable())
    }

    /// Whether this call uploads a body or a part from a file or a stream (signing needs to
    /// know).
    #[cfg(feature = "aksk")]
    #[cfg(feature = "streaming")]
    pub(crate) fn uploads(&self) -> bool {
        #[cfg(feature = "multipart")]
        if !self.upload_parts.is_empty() {
            return true;
        }
        self.upload.is_some()
    }

    /// A header sent with this call (after the client's default headers, which it replaces
    /// when the name is the same; the operation's own header parameters win). Headers the
    /// client sets itself are refused when the call is sent, as for default headers.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        self.headers.push((name, value.into()));
        self
    }
}

impl fmt::Debug for CallOptions {
    /// Header names only: a value may be a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &names)
            .finish()
    }
}

/// A serialised request body and its media type.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestBody {
    /// The `Content-Type` header value, e.g. `application/json`; parameters chosen for this
    /// one body (a boundary) are part of it.
    pub content_type: Cow<'static, str>,
    /// The exact bytes to send (and to hash when signing).
    pub bytes: Vec<u8>,
}

impl RequestBody {
    /// Serialises `value` as JSON with `serde_json` (compact form).
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(value).map_err(Error::serialize)?;
        Ok(RequestBody {
            content_type: Cow::Borrowed("application/json"),
            bytes,
        })
    }
}
