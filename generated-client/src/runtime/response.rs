//! What the transport hands back to generated code, and what callers get.

use crate::runtime::error::{ApiError, Error};
use crate::runtime::service::ErrorFields;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// A response as received: status, headers and the whole body (or, for a streamed call's
/// success, the body still to be read). Generated code decodes it.
#[doc(hidden)]
#[derive(Debug)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    request_id: Option<String>,
    attempts: u32,
    operation: Option<&'static str>,
    error_fields: &'static [ErrorFields],
    #[cfg(feature = "aksk")]
    signature_diagnosis: Option<Box<crate::runtime::refusal::SignatureDiagnosis>>,
    /// A streamed call's success: the body, not read yet (`body` is then empty).
    #[cfg(feature = "streaming")]
    open_body: Option<Box<reqwest::Response>>,
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
            #[cfg(feature = "aksk")]
            signature_diagnosis: None,
            #[cfg(feature = "streaming")]
            open_body: None,
        }
    }

    /// Records the unread body of a streamed call's success.
    #[cfg(feature = "streaming")]
    pub(crate) fn with_open_body(mut self, body: reqwest::Response) -> Self {
        self.open_body = Some(Box::new(body));
        self
    }

    /// Takes the unread body of a streamed call's success, if this is one.
    #[cfg(feature = "streaming")]
    pub(crate) fn take_open_body(&mut self) -> Option<reqwest::Response> {
        self.open_body.take().map(|body| *body)
    }

    /// Records what the client signed for a refused signed request (the API error keeps it).
    #[cfg(feature = "aksk")]
    pub(crate) fn with_signature_diagnosis(
        mut self,
        diagnosis: crate::runtime::refusal::SignatureDiagnosis,
    ) -> Self {
        self.signature_diagnosis = Some(Box::new(diagnosis));
        self
    }

    /// For a 401 or 403 answer to a signed request: what the client signed and how the
    /// server's view differs (see
    /// [`ApiError::signature_diagnosis`](crate::runtime::error::ApiError::signature_diagnosis)).
    #[cfg(feature = "aksk")]
    pub fn signature_diagnosis(&self) -> Option<&crate::runtime::refusal::SignatureDiagnosis> {
        self.signature_diagnosis.as_deref()
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
        self.decode_json()
    }

    /// [`json`](RawResponse::json), as the error of an operation with documented type `E`.
    fn decode_json<T: serde::de::DeserializeOwned, E: std::fmt::Debug>(
        &self,
    ) -> Result<T, Error<E>> {
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
        self.decode_text()
    }

    /// [`text`](RawResponse::text), as the error of an operation with documented type `E`.
    fn decode_text<E: std::fmt::Debug>(&self) -> Result<String, Error<E>> {
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
        self.into_response_with(body, ())
    }

    /// Wraps a decoded body and the typed headers the operation declares with this response's
    /// status, raw headers and request id.
    pub fn into_response_with<T, H>(self, body: T, typed_headers: H) -> Response<T, H> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            typed_headers,
            body,
        }
    }

    /// Turns a status the operation does not treat as success into an API error, reading the
    /// error code and message from the body where it has them: the service's `x-error-fields`
    /// pairs first, then `code`/`message`.
    pub fn into_error(self) -> Error {
        self.into_documented_error(None)
    }

    /// An API error holding `documented`, the body decoded as the error response the spec
    /// documents for this status.
    pub fn into_documented_error<E: std::fmt::Debug>(self, documented: Option<E>) -> Error<E> {
        Error::Api(Box::new(self.into_api_error(documented)))
    }

    /// A success status the operation does not document, with a body that is not the
    /// documented one.
    pub fn into_undocumented_success<E: std::fmt::Debug>(self) -> Error<E> {
        Error::UndocumentedSuccess(Box::new(self.into_api_error(None)))
    }

    fn into_api_error<E>(self, documented: Option<E>) -> ApiError<E> {
        let fields = ErrorFields::then_conventional(self.error_fields);
        let mut api = ApiError::from_body(self.status, self.request_id, self.body, fields);
        api.operation = self.operation;
        api.attempts = self.attempts;
        api.documented = documented;
        #[cfg(feature = "aksk")]
        {
            api.signature_diagnosis = self.signature_diagnosis;
        }
        api
    }

    /// The body decoded as JSON of `T`, or `None`: for the documented body of an error status,
    /// which is kept raw when it is not what the spec says.
    pub fn json_if<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }

    /// A success answered with a JSON body of `T`, wrapped (`wrap`: the variant of the
    /// operation's response enum, or the identity). A body that does not decode is a decode
    /// error for a `documented` status, and [`Error::UndocumentedSuccess`] for a success status
    /// the spec does not list.
    #[doc(hidden)]
    pub fn json_response<T, U, H, E>(
        self,
        documented: bool,
        typed_headers: H,
        wrap: impl FnOnce(T) -> U,
    ) -> Result<Response<U, H>, Error<E>>
    where
        T: serde::de::DeserializeOwned,
        E: std::fmt::Debug,
    {
        match self.decode_json::<T, E>() {
            Ok(body) => Ok(self.into_response_with(wrap(body), typed_headers)),
            Err(error) if documented => Err(error),
            Err(_) => Err(self.into_undocumented_success()),
        }
    }

    /// A success answered with a text body, as [`json_response`](RawResponse::json_response).
    #[doc(hidden)]
    pub fn text_response<U, H, E: std::fmt::Debug>(
        self,
        documented: bool,
        typed_headers: H,
        wrap: impl FnOnce(String) -> U,
    ) -> Result<Response<U, H>, Error<E>> {
        match self.decode_text::<E>() {
            Ok(body) => Ok(self.into_response_with(wrap(body), typed_headers)),
            Err(error) if documented => Err(error),
            Err(_) => Err(self.into_undocumented_success()),
        }
    }

    /// A success answered with raw bytes (any body is bytes).
    #[doc(hidden)]
    pub fn bytes_response<U, H>(
        self,
        typed_headers: H,
        wrap: impl FnOnce(Bytes) -> U,
    ) -> Response<U, H> {
        let body = self.body.clone();
        self.into_response_with(wrap(body), typed_headers)
    }

    /// An error status the spec documents with a JSON body of `B`: an API error holding the
    /// decoded body (`wrap`: the variant of the operation's error enum), or none when the body
    /// is not what the spec says.
    #[doc(hidden)]
    pub fn json_error<B, E>(self, wrap: impl FnOnce(B) -> E) -> Error<E>
    where
        B: serde::de::DeserializeOwned,
        E: std::fmt::Debug,
    {
        let documented = self.json_if::<B>().map(wrap);
        self.into_documented_error(documented)
    }

    /// An error status the spec documents with a text body, as
    /// [`json_error`](RawResponse::json_error).
    #[doc(hidden)]
    pub fn text_error<E: std::fmt::Debug>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        let documented = String::from_utf8(self.body.to_vec()).ok().map(wrap);
        self.into_documented_error(documented)
    }

    /// An error status the spec documents with a raw body, as
    /// [`json_error`](RawResponse::json_error).
    #[doc(hidden)]
    pub fn bytes_error<E: std::fmt::Debug>(self, wrap: impl FnOnce(Bytes) -> E) -> Error<E> {
        let documented = Some(wrap(self.body.clone()));
        self.into_documented_error(documented)
    }
}

/// A successful response: the typed body, the typed headers the operation declares (`()` when
/// it declares none), and the status, raw headers and request id.
#[derive(Debug, Clone)]
pub struct Response<T, H = ()> {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
    typed_headers: H,
    body: T,
}

impl<T, H> Response<T, H> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers, as received.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response headers the spec declares for the operation, typed (an absent or
    /// malformed one is `None`).
    pub fn typed_headers(&self) -> &H {
        &self.typed_headers
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

    /// Takes the typed body and the typed headers.
    pub fn into_parts(self) -> (T, H) {
        (self.body, self.typed_headers)
    }

    /// Transforms the body, keeping status, headers and request id.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U, H> {
        Response {
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            typed_headers: self.typed_headers,
            body: f(self.body),
        }
    }
}
