//! What [`Client::execute`](crate::runtime::Client::execute) puts on the wire, and how it
//! reads the answer.
//!
//! For each attempt:
//!
//! 1. The URL is the endpoint, the operation's path (already percent-encoded) and the query.
//! 2. Headers, in this order: `User-Agent`, the client's default headers (unless the operation
//!    sets the same name), the operation's header parameters, `Content-Type` (the body's media
//!    type; on a request without a body, the spec's `x-content-type-without-body` if it names
//!    one, else none).
//! 3. Authentication, as the credentials and the spec's schemes say: a token in the API-key
//!    header, query parameter (appended last) or cookie (before the operation's own cookies,
//!    percent-encoded like them), or as `Authorization: Bearer`; `Authorization: Basic`; or,
//!    for a scheme that signs requests, the headers the scheme fills from client parameters and
//!    then the signature. Query pairs that are not signed are percent-encoded (everything but
//!    `A-Z a-z 0-9 - . _ ~`) in the given order.
//! 4. The body bytes sent are exactly the bytes that were hashed.
//! 5. The response body is read chunk by chunk, bounded by the timeout (a server that stalls
//!    before or during the body gives [`Error::Timeout`]) and by the client's maximum response
//!    size (a larger body gives [`Error::ResponseTooLarge`] and is not read further).
//! 6. Transient failures are retried as the [`RetryPolicy`] says.
//!
//! Each call runs in a `tracing` span named `request` (target `<crate>::runtime::transport`)
//! with the fields `operation`, `method`, `status`, `attempts`, `duration_ms` and
//! `request_id`; retries are `debug` events inside it. No span or event carries a header
//! value, a query string or a body, so no secret is ever logged.

use crate::runtime::auth::Auth;
use crate::runtime::encode::{cookie_value, path_segment};
use crate::runtime::error::{Error, is_retryable_status};
use crate::runtime::request::OperationRequest;
use crate::runtime::response::RawResponse;
use crate::runtime::retry::RetryPolicy;
use crate::runtime::retry::parse_retry_after;
use crate::runtime::settings::{Settings, check_extra_header};
#[cfg(feature = "aksk")]
use crate::runtime::signer::{self, SdkDate, SignableRequest};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use std::time::{Duration, Instant};
use tracing::Instrument as _;
use tracing::field::Empty;

/// Why one attempt produced no response.
#[derive(Debug)]
enum Failure {
    /// The connection could not be made: no byte of the request reached the server.
    Connect(reqwest::Error),
    /// The request may have reached the server, but no complete response came back.
    Transport(reqwest::Error),
    /// No complete response within the timeout.
    Timeout,
    /// Nothing more to try: the request could not be built (validation, signing, a bad URL) or
    /// the answer is unusable (too large).
    Fatal(Error),
}

/// A response as received.
struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// What to do after one attempt.
enum Next {
    /// Hand this to the caller.
    Done(Result<RawResponse, Error>),
    /// Wait (for the server's `Retry-After`, if any) and send again.
    Retry {
        retry_after: Option<Duration>,
        reason: String,
    },
}

/// Sends `request`, retrying as the client's policy allows; see the [module docs](self).
pub(crate) async fn execute(
    settings: &Settings,
    request: OperationRequest,
) -> Result<RawResponse, Error> {
    let span = tracing::info_span!(
        "request",
        operation = request.operation_id,
        method = %request.method,
        status = Empty,
        attempts = Empty,
        duration_ms = Empty,
        request_id = Empty,
    );
    let started = Instant::now();
    let result = attempts(settings, &request).instrument(span.clone()).await;
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.record("duration_ms", elapsed);
    match &result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            span.record("attempts", response.attempts());
            if let Some(id) = response.request_id() {
                span.record("request_id", id);
            }
        }
        Err(error) => {
            if let Some(attempts) = error.attempts() {
                span.record("attempts", attempts);
            }
        }
    }
    result
}

/// Sends the request until an attempt is final, waiting between attempts.
async fn attempts(settings: &Settings, request: &OperationRequest) -> Result<RawResponse, Error> {
    let body = request
        .body
        .as_ref()
        .map(|body| Bytes::from(body.bytes.clone()));
    let mut attempt: u32 = 0;
    loop {
        attempt = attempt.saturating_add(1);
        let outcome = send_once(settings, request, body.clone()).await;
        let (retry_after, reason) = match next(settings, request, attempt, outcome) {
            Next::Done(result) => return result,
            Next::Retry {
                retry_after,
                reason,
            } => (retry_after, reason),
        };
        let delay = retry_policy(settings, request).delay(attempt, retry_after, &settings.rng);
        tracing::debug!(
            attempt,
            reason = %reason,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying"
        );
        (settings.sleep)(delay).await;
    }
}

/// Whether attempt number `attempt` is final, by the retry policy.
fn next(
    settings: &Settings,
    request: &OperationRequest,
    attempt: u32,
    outcome: Result<Received, Failure>,
) -> Next {
    let retry = retry_policy(settings, request);
    let can_retry = attempt < retry.attempts();
    let operation = request.operation_id;
    match outcome {
        Ok(received) => answered(settings, request, attempt, can_retry, received),
        Err(Failure::Fatal(error)) => Next::Done(Err(error)),
        Err(Failure::Connect(_)) if can_retry => Next::Retry {
            retry_after: None,
            reason: "connection failure".to_owned(),
        },
        Err(Failure::Connect(error)) => {
            Next::Done(Err(connect_error(settings, operation, attempt, error)))
        }
        Err(Failure::Transport(_)) if can_retry && request.idempotent => Next::Retry {
            retry_after: None,
            reason: "transport failure".to_owned(),
        },
        Err(Failure::Transport(source)) => Next::Done(Err(Error::Transport {
            operation,
            attempts: attempt,
            source,
        })),
        Err(Failure::Timeout) if can_retry && request.idempotent && retry.retries_timeouts() => {
            Next::Retry {
                retry_after: None,
                reason: "timeout".to_owned(),
            }
        }
        Err(Failure::Timeout) => Next::Done(Err(Error::Timeout {
            operation,
            attempts: attempt,
            timeout: timeout(settings, request),
        })),
    }
}

/// A response arrived: it is final unless its status is transient and the request may be sent
/// again.
fn answered(
    settings: &Settings,
    request: &OperationRequest,
    attempt: u32,
    can_retry: bool,
    received: Received,
) -> Next {
    let status = received.status;
    tracing::debug!(attempt, status = status.as_u16(), "response received");
    if can_retry && request.idempotent && is_retryable_status(status) {
        let retry_after = received
            .headers
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, (settings.clock)()));
        return Next::Retry {
            retry_after,
            reason: format!("HTTP {}", status.as_u16()),
        };
    }
    let request_id = request_id(&received.headers, settings.service.request_id_header);
    let response = RawResponse::new(status, received.headers, received.body, request_id, attempt)
        .with_operation(request.operation_id)
        .with_error_fields(settings.service.error_fields);
    Next::Done(Ok(response))
}

/// The retry policy of this call: its own, else the client's.
fn retry_policy<'a>(settings: &'a Settings, request: &'a OperationRequest) -> &'a RetryPolicy {
    request.options.retry.as_ref().unwrap_or(&settings.retry)
}

/// The timeout of one attempt of this call: its own, else the client's.
fn timeout(settings: &Settings, request: &OperationRequest) -> Duration {
    request.options.timeout.unwrap_or(settings.timeout)
}

/// A connection failure as the final error: a connect timeout is a timeout.
fn connect_error(
    settings: &Settings,
    operation: &'static str,
    attempts: u32,
    error: reqwest::Error,
) -> Error {
    if error.is_timeout() {
        Error::Timeout {
            operation,
            attempts,
            timeout: settings.connect_timeout,
        }
    } else {
        Error::Transport {
            operation,
            attempts,
            source: error,
        }
    }
}

/// One attempt: prepare (and sign), send, read the body, all within the timeout.
async fn send_once(
    settings: &Settings,
    request: &OperationRequest,
    body: Option<Bytes>,
) -> Result<Received, Failure> {
    let http_request = prepare(settings, request, body).map_err(Failure::Fatal)?;
    let exchange = async {
        let response = settings
            .http
            .execute(http_request)
            .await
            .map_err(classify)?;
        read(settings, request, response).await
    };
    match tokio::time::timeout(timeout(settings, request), exchange).await {
        Err(_elapsed) => Err(Failure::Timeout),
        Ok(result) => result,
    }
}

/// Reads the status, headers and body, refusing a body larger than the client's limit
/// without reading the rest of it.
async fn read(
    settings: &Settings,
    request: &OperationRequest,
    mut response: reqwest::Response,
) -> Result<Received, Failure> {
    let status = response.status();
    let headers = response.headers().clone();
    let limit = settings.max_response_size;
    let too_large = || {
        Failure::Fatal(Error::ResponseTooLarge {
            operation: request.operation_id,
            status,
            request_id: request_id(&headers, settings.service.request_id_header),
            limit,
        })
    };
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(too_large());
    }
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut length: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        length = length.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        if length > limit {
            return Err(too_large());
        }
        chunks.push(chunk);
    }
    let body = match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.swap_remove(0),
        _ => Bytes::from(chunks.concat()),
    };
    Ok(Received {
        status,
        headers,
        body,
    })
}

/// Sorts a failure of reqwest's into what the retry policy tells apart.
fn classify(error: reqwest::Error) -> Failure {
    let error = without_query(error);
    if error.is_connect() {
        Failure::Connect(error)
    } else if error.is_timeout() {
        Failure::Timeout
    } else {
        Failure::Transport(error)
    }
}

/// Drops the query from the error's URL: with query-parameter auth it holds the token.
fn without_query(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
    }
    error
}

/// Builds the HTTP request of one attempt, authenticated as the settings say.
fn prepare(
    settings: &Settings,
    request: &OperationRequest,
    body: Option<Bytes>,
) -> Result<reqwest::Request, Error> {
    let path = format!("{}{}", settings.endpoint.path_prefix, request.path);
    let mut headers = operation_headers(settings, request)?;
    let query = match &settings.auth {
        #[cfg(feature = "aksk")]
        Auth::Signed {
            aksk,
            parameter_headers,
        } => {
            for header in *parameter_headers {
                if let Some(value) = settings.client_parameters.get(header.parameter) {
                    headers.push((header.header.to_owned(), value.clone()));
                }
            }
            sign(
                settings,
                request,
                &path,
                &mut headers,
                body.as_deref(),
                aksk,
            )?
        }
        Auth::None => encode_query(query_pairs(request)),
        unsigned => add_credentials(unsigned, request, &mut headers),
    };
    let url = request_url(settings, request, &path, &query)?;
    let mut http_request = reqwest::Request::new(request.method.clone(), url);
    *http_request.headers_mut() = header_map(headers)?;
    if let Some(body) = body {
        *http_request.body_mut() = Some(reqwest::Body::from(body));
    }
    Ok(http_request)
}

/// `User-Agent`, the default headers neither the call nor the operation overrides, the call's
/// headers the operation does not override (checked), the operation's own headers (checked)
/// and `Content-Type`, in that order.
fn operation_headers(
    settings: &Settings,
    request: &OperationRequest,
) -> Result<Vec<(String, String)>, Error> {
    let call_headers = &request.options.headers;
    let mut headers: Vec<(String, String)> = Vec::with_capacity(
        request.headers.len() + settings.default_headers.len() + call_headers.len() + 4,
    );
    headers.push(("User-Agent".to_owned(), settings.user_agent.clone()));
    let own = |name: &str| {
        request
            .headers
            .iter()
            .any(|(own, _)| own.eq_ignore_ascii_case(name))
    };
    for (name, value) in &settings.default_headers {
        let by_call = call_headers
            .iter()
            .any(|(call, _)| call.eq_ignore_ascii_case(name));
        if !own(name) && !by_call {
            headers.push((name.clone(), value.clone()));
        }
    }
    for (name, value) in call_headers {
        check_extra_header(settings.service, "call header", name, value)?;
        if !own(name) {
            headers.push((name.clone(), value.clone()));
        }
    }
    for (name, value) in &request.headers {
        check_header(name, value)?;
        headers.push(((*name).to_owned(), value.clone()));
    }
    let content_type = match &request.body {
        Some(body) => Some(&*body.content_type),
        None => settings.service.content_type_without_body,
    };
    if let Some(content_type) = content_type {
        headers.push(("Content-Type".to_owned(), content_type.to_owned()));
    }
    Ok(headers)
}

/// An operation's header parameter must be a valid name and value.
fn check_header(name: &'static str, value: &str) -> Result<(), Error> {
    if HeaderName::from_bytes(name.as_bytes()).is_err() {
        return Err(Error::validation(name, "is not a valid HTTP header name"));
    }
    if HeaderValue::from_bytes(value.as_bytes()).is_err() {
        return Err(Error::validation(
            name,
            "cannot be sent as an HTTP header value (it contains a control character such as \
             a line break)",
        ));
    }
    Ok(())
}

/// Adds credentials that need no signature to `headers` (or the query) and returns the
/// query string to send.
fn add_credentials(
    auth: &Auth,
    request: &OperationRequest,
    headers: &mut Vec<(String, String)>,
) -> String {
    let mut query: Vec<(&str, &str)> = query_pairs(request).collect();
    match auth {
        Auth::Header { name, token } => {
            headers.push(((*name).to_owned(), token.expose().to_owned()));
        }
        Auth::Query { name, token } => query.push((name, token.expose())),
        Auth::Cookie { name, token } => add_cookie(headers, name, token.expose()),
        Auth::Bearer(token) => headers.push((
            "Authorization".to_owned(),
            format!("Bearer {}", token.expose()),
        )),
        Auth::Basic(value) => {
            headers.push(("Authorization".to_owned(), value.expose().to_owned()));
        }
        // `prepare` handles the others.
        _ => {}
    }
    encode_query(query.into_iter())
}

/// The operation's query pairs, as text.
fn query_pairs(request: &OperationRequest) -> impl Iterator<Item = (&str, &str)> {
    request
        .query
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
}

/// Signs the request ([`signer::sign`]) with the authority exactly as configured as `Host`
/// and the clock's time as `X-Sdk-Date`, and replaces `headers` with exactly the signed ones
/// (so `Host` is the signed value). Returns the signer's canonical query (sorted, as the
/// reference SDKs send it). Headers the HTTP stack adds later (`accept`, `content-length`) are
/// not signed, as in the reference SDKs. Every attempt is signed afresh, with a new date.
#[cfg(feature = "aksk")]
fn sign(
    settings: &Settings,
    request: &OperationRequest,
    path: &str,
    headers: &mut Vec<(String, String)>,
    body: Option<&[u8]>,
    aksk: &crate::runtime::credentials::AkSk,
) -> Result<String, Error> {
    let signable = SignableRequest {
        method: request.method.as_str(),
        host: &settings.endpoint.authority,
        path,
        query: &request.query,
        headers,
        body,
    };
    let signed = signer::sign(&signable, aksk, SdkDate((settings.clock)())).map_err(|source| {
        Error::Signing {
            operation: request.operation_id,
            source,
        }
    })?;
    *headers = signed.headers;
    Ok(signed.query)
}

/// One `Cookie` header: the API key's cookie goes before the operation's own cookies, if any.
fn add_cookie(headers: &mut Vec<(String, String)>, name: &str, token: &str) {
    let cookie = format!("{name}={}", cookie_value(token));
    match headers
        .iter_mut()
        .find(|(header, _)| header.eq_ignore_ascii_case("cookie"))
    {
        Some((_, value)) => *value = format!("{cookie}; {value}"),
        None => headers.push(("Cookie".to_owned(), cookie)),
    }
}

/// The endpoint's origin, the path and the query as one URL.
fn request_url(
    settings: &Settings,
    request: &OperationRequest,
    path: &str,
    query: &str,
) -> Result<reqwest::Url, Error> {
    let mut url = format!("{}{}", settings.endpoint.origin, path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    reqwest::Url::parse(&url).map_err(|error| {
        Error::validation(
            "path",
            format!(
                "`{}` does not make a valid URL with the endpoint: {error}",
                request.path
            ),
        )
    })
}

/// The headers as a `HeaderMap`, in order, repeated names kept.
fn header_map(headers: Vec<(String, String)>) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::validation(name.clone(), "is not a valid HTTP header name"))?;
        let header_value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| {
            Error::validation(
                name.clone(),
                "cannot be sent as an HTTP header value (it contains a control character)",
            )
        })?;
        map.append(header_name, header_value);
    }
    Ok(map)
}

/// `k=v&k=v`, each key and value percent-encoded except the unreserved characters.
fn encode_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut query = String::new();
    for (key, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&path_segment(key));
        query.push('=');
        query.push_str(&path_segment(value));
    }
    query
}

/// The request id header's value (names compare case-insensitively).
fn request_id(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_encoded_in_order() {
        let pairs = [("robot_id", "a b/é"), ("limit", "10"), ("k~", "x+y=z&")];
        assert_eq!(
            encode_query(pairs.into_iter()),
            "robot_id=a%20b%2F%C3%A9&limit=10&k~=x%2By%3Dz%26"
        );
        assert_eq!(encode_query(std::iter::empty()), "");
    }

    /// Captures every span field, recorded value and event field as `name=value` text.
    #[derive(Default)]
    struct Capture {
        lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
        next_id: std::sync::atomic::AtomicU64,
    }

    struct Visitor<'a>(&'a mut Vec<String>);

    impl tracing::field::Visit for Visitor<'_> {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            self.0.push(format!("{}={value:?}", field.name()));
        }
    }

    impl tracing::Subscriber for Capture {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            let mut lines = self.lines.lock().unwrap();
            lines.push(format!("span {}", span.metadata().name()));
            span.record(&mut Visitor(&mut lines));
            let id = self
                .next_id
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tracing::span::Id::from_u64(id + 1)
        }
        fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
            values.record(&mut Visitor(&mut self.lines.lock().unwrap()));
        }
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            event.record(&mut Visitor(&mut self.lines.lock().unwrap()));
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    /// Answers `replies` in order, one per connection, on a loopback port.
    fn serve(replies: Vec<&'static str>) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for reply in replies {
                let (mut stream, _) = listener.accept().unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
                    head.push(byte[0]);
                }
                stream.write_all(reply.as_bytes()).unwrap();
            }
        });
        url
    }

    #[test]
    fn one_span_per_request_with_no_secret() {
        use crate::runtime::{AuthScheme, Client, Credentials, RetryPolicy, ServiceInfo};
        static SERVICE: ServiceInfo = ServiceInfo {
            title: "T",
            version: "1",
            server_url: "https://example.com",
            auth_schemes: &[AuthScheme::ApiKeyHeader {
                name: "X-Api-Token",
            }],
            ..ServiceInfo::EMPTY
        };
        let url = serve(vec![
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "HTTP/1.1 200 OK\r\nx-request-id: rid-1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        ]);
        let capture = Capture::default();
        let captured = std::sync::Arc::clone(&capture.lines);
        let status = tracing::subscriber::with_default(capture, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let client = Client::builder_for(&SERVICE)
                    .endpoint(url)
                    .credentials(Credentials::token("TOPSECRET-TOKEN"))
                    .retry(RetryPolicy::default().base_delay(std::time::Duration::ZERO))
                    .build()
                    .unwrap();
                let request = OperationRequest {
                    operation_id: "ShowThing",
                    method: http::Method::GET,
                    path: "/things/1".to_owned(),
                    query: vec![("q".to_owned(), "v".to_owned())],
                    headers: Vec::new(),
                    body: None,
                    idempotent: true,
                    options: Default::default(),
                };
                client.execute(request).await.unwrap().status()
            })
        });
        assert_eq!(status, StatusCode::OK);
        let lines = captured.lock().unwrap().clone();
        let text = lines.join("\n");
        assert_eq!(
            lines.iter().filter(|l| *l == "span request").count(),
            1,
            "{text}"
        );
        for expected in [
            "operation=\"ShowThing\"",
            "method=GET",
            "status=200",
            "attempts=2",
            "request_id=\"rid-1\"",
            "reason=HTTP 503",
        ] {
            assert!(
                lines.iter().any(|l| l == expected),
                "missing {expected}:\n{text}"
            );
        }
        assert!(
            lines.iter().any(|l| l.starts_with("duration_ms=")),
            "{text}"
        );
        assert!(!text.contains("TOPSECRET"), "{text}");
    }

    #[test]
    fn request_id_is_case_insensitive() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("abc"));
        assert_eq!(request_id(&headers, "X-Request-Id").as_deref(), Some("abc"));
        assert_eq!(request_id(&headers, "X-Other"), None);
        assert_eq!(request_id(&headers, "not a header name"), None);
    }
}
