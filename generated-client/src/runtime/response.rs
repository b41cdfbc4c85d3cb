//! What the transport hands back to generated code, and what callers get.

use crate::runtime::error::{ApiError, Error};
use crate::runtime::service::ErrorFields;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// A response as received: status, headers and the whole body. Generated code decodes it.
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    request_id: Option<String>,
    attempts: u32,
    operation: Option<&'static str>,
    error_fields: &'static [ErrorFields],
}

impl RawResponse {
    /// Builds a raw response; `request_id` is the value of the request-id header, if any, and
    /// `attempts` how many times the request was sent.
    pub fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        request_id: Option<String>,
        attempts: u32,
    ) -> Self {
        RawResponse {
            status,
            headers,
            body,
            request_id,
            attempts,
            operation: None,
            error_fields: &[],
        }
    }

    /// Records which operation this response answers (used in error messages).
    pub(crate) fn with_operation(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Records the error-body fields the service names (`x-error-fields`), read by
    /// [`into_error`](RawResponse::into_error).
    pub(crate) fn with_error_fields(mut self, fields: &'static [ErrorFields]) -> Self {
        self.error_fields = fields;
        self
    }

    /// The operation this response answers (its `operationId`), when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The request id the server gave (`X-Request-Id`), if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many times the request was sent before this response.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Decodes the body as JSON; on failure the error keeps the body, status and request id.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| {
            Error::decode(
                self.status,
                self.request_id.clone(),
                self.body.clone(),
                source,
            )
        })
    }

    /// Decodes the body as UTF-8 text; invalid UTF-8 is a decode error that keeps the body.
    pub fn text(&self) -> Result<String, Error> {
        String::from_utf8(self.body.to_vec()).map_err(|error| {
            Error::decode_text(
                self.status,
                self.request_id.clone(),
                self.body.clone(),
                error,
            )
        })
    }

    /// Wraps a decoded body with this response's status, headers and request id.
    pub fn into_response<T>(self, body: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            body,
        }
    }

    /// Turns a status the operation does not treat as success into an API error, reading the
    /// error code and message from the body where it has them: the service's `x-error-fields`
    /// pairs first, then `code`/`message`.
    pub fn into_error(self) -> Error {
        let fields = ErrorFields::then_conventional(self.error_fields);
        let mut api = ApiError::from_body(self.status, self.request_id, self.body, fields);
        api.operation = self.operation;
        api.attempts = self.attempts;
        Error::Api(Box::new(api))
    }
}

impl Error {
    /// An error status as an API error: the same as
    /// [`RawResponse::into_error`](RawResponse::into_error).
    pub fn from_api_response(response: RawResponse) -> Self {
        response.into_error()
    }
}

/// A successful response: the typed body plus the status, headers and request id.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    body: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the server gave (`X-Request-Id`), if any. Quote it to support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The typed body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the typed body, dropping the rest.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Transforms the body, keeping status, headers and request id.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            body: f(self.body),
        }
    }
}
