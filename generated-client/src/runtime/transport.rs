//! What [`Client::execute`](crate::runtime::Client::execute) puts on the wire, and how it
//! reads the answer.
//!
//! For each attempt:
//!
//! 1. The URL is the endpoint, the operation's path (already percent-encoded) and the query.
//! 2. Headers, in this order: `User-Agent`, the client's default headers (unless the operation
//!    sets the same name), the operation's header parameters, `Content-Type` (the body's media
//!    type, or `application/json` when there is no body, as the vendor's SDKs send it even on a
//!    GET).
//! 3. Authentication:
//!    * **AK/SK**: `X-Project-Id: <project_id>` when the client has a project ID, then the
//!      request is signed ([`signer::sign`]) with the authority exactly as configured as `Host`
//!      and the clock's time as `X-Sdk-Date`; exactly the signed headers are sent (so `Host` is
//!      the signed value) and the query is the signer's canonical one (sorted, as the vendor's
//!      SDK sends it). Headers the HTTP stack adds later (`accept`, `content-length`) are not
//!      signed, as in the vendor's SDK. Every attempt is signed afresh, with a new date.
//!    * **token**: the token in the scheme's header (`X-Auth-Token`), no `Authorization`; the
//!      query pairs are percent-encoded (everything but `A-Z a-z 0-9 - . _ ~`) in the given
//!      order.
//! 4. The body bytes sent are exactly the bytes that were hashed.
//! 5. The whole response body is read, bounded by the timeout: a server that stalls before or
//!    during the body gives [`Error::Timeout`].
//! 6. Transient failures are retried as the [`RetryPolicy`](crate::runtime::RetryPolicy) says.
//!
//! Each call runs in a `tracing` span named `request` (target `metastudio::runtime::transport`)
//! with the fields `operation`, `method`, `status`, `attempts`, `duration_ms` and
//! `request_id`; retries are `debug` events inside it. No span or event carries a header
//! value, a query string or a body, so no secret is ever logged.

use crate::runtime::client::{Auth, ClientInner};
use crate::runtime::encode::path_segment;
use crate::runtime::error::is_retryable_status;
use crate::runtime::retry::parse_retry_after;
use crate::runtime::signer::{self, SdkDate, SignableRequest};
use crate::runtime::{Error, OperationRequest, RawResponse};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use std::time::Instant;
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
    /// Nothing was sent and sending again would not help (validation, signing, a bad URL).
    Fatal(Error),
}

/// A response as received.
struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// Sends `request`, retrying as the client's policy allows; see the [module docs](self).
pub(crate) async fn execute(
    inner: &ClientInner,
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
    let result = attempts(inner, &request).instrument(span.clone()).await;
    span.record("duration_ms", started.elapsed().as_millis() as u64);
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

async fn attempts(inner: &ClientInner, request: &OperationRequest) -> Result<RawResponse, Error> {
    let operation = request.operation_id;
    let max_attempts = inner.retry.attempts();
    let body = request
        .body
        .as_ref()
        .map(|body| Bytes::from(body.bytes.clone()));
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let outcome = send_once(inner, request, body.clone()).await;
        let can_retry = attempt < max_attempts;
        let (retry_after, reason) = match outcome {
            Ok(received) => {
                let status = received.status;
                tracing::debug!(attempt, status = status.as_u16(), "response received");
                if !(can_retry && request.idempotent && is_retryable_status(status)) {
                    let request_id = request_id(&received.headers, inner.service.request_id_header);
                    return Ok(RawResponse::new(
                        status,
                        received.headers,
                        received.body,
                        request_id,
                        attempt,
                    )
                    .with_operation(operation));
                }
                let retry_after = received
                    .headers
                    .get(http::header::RETRY_AFTER)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| parse_retry_after(value, (inner.clock)()));
                (retry_after, format!("HTTP {}", status.as_u16()))
            }
            Err(Failure::Fatal(error)) => return Err(error),
            Err(Failure::Connect(error)) => {
                if !can_retry {
                    return Err(connect_error(inner, operation, attempt, error));
                }
                (None, "connection failure".to_owned())
            }
            Err(Failure::Transport(error)) => {
                if !(can_retry && request.idempotent) {
                    return Err(Error::Transport {
                        operation,
                        attempts: attempt,
                        source: error,
                    });
                }
                (None, "transport failure".to_owned())
            }
            Err(Failure::Timeout) => {
                if !(can_retry && request.idempotent && inner.retry.retries_timeouts()) {
                    return Err(Error::Timeout {
                        operation,
                        attempts: attempt,
                        timeout: inner.timeout,
                    });
                }
                (None, "timeout".to_owned())
            }
        };
        let delay = inner.retry.delay(attempt, retry_after, &inner.rng);
        tracing::debug!(
            attempt,
            reason = %reason,
            delay_ms = delay.as_millis() as u64,
            "retrying"
        );
        (inner.sleep)(delay).await;
    }
}

/// A connection failure as the final error: a connect timeout is a timeout.
fn connect_error(
    inner: &ClientInner,
    operation: &'static str,
    attempts: u32,
    error: reqwest::Error,
) -> Error {
    if error.is_timeout() {
        Error::Timeout {
            operation,
            attempts,
            timeout: inner.connect_timeout,
        }
    } else {
        Error::Transport {
            operation,
            attempts,
            source: error,
        }
    }
}

/// One attempt: prepare (and sign), send, read the whole body, all within the timeout.
async fn send_once(
    inner: &ClientInner,
    request: &OperationRequest,
    body: Option<Bytes>,
) -> Result<Received, Failure> {
    let http_request = prepare(inner, request, body).map_err(Failure::Fatal)?;
    let exchange = async {
        let response = inner.http.execute(http_request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok::<_, reqwest::Error>(Received {
            status,
            headers,
            body,
        })
    };
    match tokio::time::timeout(inner.timeout, exchange).await {
        Err(_elapsed) => Err(Failure::Timeout),
        Ok(Ok(received)) => Ok(received),
        Ok(Err(error)) => {
            let error = without_query(error);
            if error.is_connect() {
                Err(Failure::Connect(error))
            } else if error.is_timeout() {
                Err(Failure::Timeout)
            } else {
                Err(Failure::Transport(error))
            }
        }
    }
}

/// Drops the query from the error's URL: with query-parameter auth it holds the token.
fn without_query(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
    }
    error
}

/// Builds the HTTP request of one attempt, signed when the client uses AK/SK.
fn prepare(
    inner: &ClientInner,
    request: &OperationRequest,
    body: Option<Bytes>,
) -> Result<reqwest::Request, Error> {
    let path = format!("{}{}", inner.endpoint.path_prefix, request.path);
    let mut headers: Vec<(String, String)> =
        Vec::with_capacity(request.headers.len() + inner.default_headers.len() + 4);
    headers.push(("User-Agent".to_owned(), inner.user_agent.clone()));
    for (name, value) in &inner.default_headers {
        let overridden = request
            .headers
            .iter()
            .any(|(own, _)| own.eq_ignore_ascii_case(name));
        if !overridden {
            headers.push((name.clone(), value.clone()));
        }
    }
    for (name, value) in &request.headers {
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(Error::validation(*name, "is not a valid HTTP header name"));
        }
        if HeaderValue::from_bytes(value.as_bytes()).is_err() {
            return Err(Error::validation(
                *name,
                "cannot be sent as an HTTP header value (it contains a control character such \
                 as a line break)",
            ));
        }
        headers.push(((*name).to_owned(), value.clone()));
    }
    let content_type = request
        .body
        .as_ref()
        .map_or("application/json", |body| body.content_type);
    headers.push(("Content-Type".to_owned(), content_type.to_owned()));

    let query = match &inner.auth {
        Auth::Signed(aksk) => {
            if let Some(project_id) = inner.client_parameters.get("project_id") {
                headers.push(("X-Project-Id".to_owned(), project_id.clone()));
            }
            let signable = SignableRequest {
                method: request.method.as_str(),
                host: &inner.endpoint.authority,
                path: &path,
                query: &request.query,
                headers: &headers,
                body: body.as_deref(),
            };
            let signed =
                signer::sign(&signable, aksk, SdkDate((inner.clock)())).map_err(|source| {
                    Error::Signing {
                        operation: request.operation_id,
                        source,
                    }
                })?;
            headers = signed.headers;
            signed.query
        }
        Auth::Header { name, token } => {
            headers.push(((*name).to_owned(), token.expose().to_owned()));
            encode_query(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        }
        Auth::Query { name, token } => encode_query(
            request
                .query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .chain([(*name, token.expose())]),
        ),
        Auth::Cookie { name, token } => {
            // One `Cookie` header: the operation's cookie parameters, if any, go with it.
            let cookie = format!("{name}={}", token.expose());
            match headers
                .iter_mut()
                .find(|(header, _)| header.eq_ignore_ascii_case("cookie"))
            {
                Some((_, value)) => *value = format!("{cookie}; {value}"),
                None => headers.push(("Cookie".to_owned(), cookie)),
            }
            encode_query(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        }
        Auth::Bearer(token) => {
            headers.push((
                "Authorization".to_owned(),
                format!("Bearer {}", token.expose()),
            ));
            encode_query(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        }
        Auth::Basic(value) => {
            headers.push(("Authorization".to_owned(), value.expose().to_owned()));
            encode_query(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        }
        Auth::None => encode_query(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    };

    let mut url = format!("{}{}", inner.endpoint.origin, path);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    let url = reqwest::Url::parse(&url).map_err(|error| {
        Error::validation(
            "path",
            format!(
                "`{}` does not make a valid URL with the endpoint: {error}",
                request.path
            ),
        )
    })?;

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

    let mut http_request = reqwest::Request::new(request.method.clone(), url);
    *http_request.headers_mut() = map;
    if let Some(body) = body {
        *http_request.body_mut() = Some(reqwest::Body::from(body));
    }
    Ok(http_request)
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
            server_variables: &[],
            region_env_prefix: None,
            request_id_header: "X-Request-Id",
            auth_schemes: &[AuthScheme::ApiKeyHeader {
                name: "X-Auth-Token",
            }],
            environment: crate::runtime::Environment::NONE,
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
