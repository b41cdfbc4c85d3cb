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
//! 3. Authentication, as the credentials and the spec's schemes say (a provider's credentials
//!    are asked for first, within the attempt's timeout, when those held need a refresh): a
//!    token in the API-key header, query parameter (appended last) or cookie (before the
//!    operation's own cookies, percent-encoded like them), or as `Authorization: Bearer`;
//!    `Authorization: Basic`; or, for a scheme that signs requests, the headers the scheme
//!    fills from client parameters and then the signature, dated by the clock plus the
//!    client's clock offset. Query pairs that are not signed are percent-encoded (everything
//!    but `A-Z a-z 0-9 - . _ ~`) in the given order.
//! 4. The body bytes sent are exactly the bytes that were hashed.
//! 5. The response body is read chunk by chunk, bounded by the timeout (a server that stalls
//!    before or during the body gives [`Error::Timeout`]) and by the client's maximum response
//!    size (a larger body gives [`Error::ResponseTooLarge`] and is not read further). A
//!    streamed call's success is handed on unread once its head arrives (the timeout covers
//!    the attempt until then; the stream has its own idle timeout), and a body the call
//!    uploads from a file or a stream is read as it is sent (a one-shot stream is never sent
//!    twice).
//! 6. Transient failures are retried as the [`RetryPolicy`] says.
//!
//! A signed request's 401 or 403 answer is read as `refusal` describes (the spec's
//! `x-signature-errors`):
//!
//! * **A refusal of the signature's time** that gives the server's time (in the message, or
//!   else in the `Date` header) sets the client's clock offset to the server's time minus this
//!   machine's time when the request was signed (whole seconds), and the request is signed
//!   again with it and sent at once: once per call, whatever the method (the server refused
//!   the request before acting on it) and whatever the retry policy (the attempt is counted
//!   in the attempts, not against the policy), and only when the offset changes the signing
//!   time. Every later request of the client and its clones signs with the offset. A second
//!   such refusal in the same call is the call's answer, as is one that cannot be corrected.
//! * **The final answer** carries a `SignatureDiagnosis` (the API error keeps it): what was
//!   signed and, when the server echoes its canonical request, the first part that differs.
//!
//! An error answer's body has every secret the attempt's credentials hold (8 bytes or longer:
//! a token, a secret key, a security token) replaced by `** redacted **` before anything sees
//! it, since a gateway may echo a signed `X-Security-Token`.
//!
//! Each call runs in a `tracing` span named `request` (target `<crate>::runtime::transport`)
//! with the fields `operation`, `method`, `status`, `attempts`, `duration_ms` and
//! `request_id`; retries are `debug` events inside it, a clock correction a `warn` event with
//! `clock_offset_s` and `server_time`. No span or event carries a header value, a query
//! string or a body, so no secret is ever logged.

use crate::runtime::auth::Auth;
use crate::runtime::credentials::ProviderError;
use crate::runtime::encode::{cookie_value, path_segment};
#[cfg(feature = "aksk")]
use crate::runtime::error::{ApiError, MAX_PARSED_ERROR_BODY, Undocumented};
use crate::runtime::error::{Error, is_retryable_status};
#[cfg(feature = "aksk")]
use crate::runtime::refusal::{self, ClockOffset, Refusal, SignatureDiagnosis, SigningRecord};
use crate::runtime::request::OperationRequest;
use crate::runtime::response::RawResponse;
use crate::runtime::retry::RetryPolicy;
#[cfg(feature = "aksk")]
use crate::runtime::retry::parse_http_date;
use crate::runtime::retry::parse_retry_after;
#[cfg(feature = "aksk")]
use crate::runtime::service::{ErrorFields, SignatureErrors};
use crate::runtime::settings::{Settings, check_extra_header};
#[cfg(feature = "aksk")]
use crate::runtime::signer::{self, SdkDate, SignableRequest};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument as _;
use tracing::field::Empty;

/// Secrets shorter than this are not looked for in error bodies: a short one may occur there
/// by chance, and redacting it would garble the body.
const MIN_REDACTED_SECRET: usize = 8;

/// What a redacted secret reads as.
const REDACTED: &[u8] = b"** redacted **";

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
    /// A streamed call's success: the body, not read yet.
    #[cfg(feature = "streaming")]
    open: Option<reqwest::Response>,
}

/// One attempt's answer, with how the attempt was authenticated.
struct Sent {
    received: Received,
    /// The authentication the attempt used (its secrets are kept out of error bodies).
    auth: Arc<Auth>,
    /// What was signed, when the scheme signs.
    #[cfg(feature = "aksk")]
    signing: Option<SigningRecord>,
}

/// An attempt's request, ready to send.
struct Prepared {
    http: reqwest::Request,
    #[cfg(feature = "aksk")]
    signing: Option<SigningRecord>,
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
    mut request: OperationRequest,
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
    // Moved out once: every attempt sends (and signs) these same bytes, by reference count.
    let body = request
        .body
        .as_mut()
        .map(|body| Bytes::from(std::mem::take(&mut body.bytes)));
    let result = attempts(settings, &request, body)
        .instrument(span.clone())
        .await;
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
/// `body` is the request's body bytes (its media type stays in `request`).
async fn attempts(
    settings: &Settings,
    request: &OperationRequest,
    body: Option<Bytes>,
) -> Result<RawResponse, Error> {
    let mut attempt: u32 = 0;
    // Whether this call corrected the clock (then one attempt is not the policy's).
    let mut corrected = false;
    loop {
        attempt = attempt.saturating_add(1);
        let outcome = send_once(settings, request, body.clone()).await;
        if !corrected && corrects_clock(settings, request, &outcome) {
            corrected = true;
            continue;
        }
        let policy_attempt = attempt.saturating_sub(u32::from(corrected));
        let (retry_after, reason) = match next(settings, request, attempt, policy_attempt, outcome)
        {
            Next::Done(result) => return result,
            Next::Retry {
                retry_after,
                reason,
            } => (retry_after, reason),
        };
        #[cfg(feature = "streaming")]
        if let Some(error) = one_shot(request, attempt, &reason) {
            return Err(error);
        }
        let delay =
            retry_policy(settings, request).delay(policy_attempt, retry_after, &settings.rng);
        tracing::debug!(
            attempt,
            reason = %reason,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying"
        );
        (settings.sleep)(delay).await;
    }
}

/// Whether attempt number `attempt` (number `policy_attempt` of those the retry policy
/// counts) is final, by the retry policy.
fn next(
    settings: &Settings,
    request: &OperationRequest,
    attempt: u32,
    policy_attempt: u32,
    outcome: Result<Sent, Failure>,
) -> Next {
    let retry = retry_policy(settings, request);
    let can_retry = policy_attempt < retry.attempts();
    let operation = request.operation_id;
    match outcome {
        Ok(sent) => answered(settings, request, attempt, can_retry, sent),
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
    sent: Sent,
) -> Next {
    let status = sent.received.status;
    tracing::debug!(attempt, status = status.as_u16(), "response received");
    if can_retry && request.idempotent && is_retryable_status(status) {
        let now = settings.server_time((settings.clock)());
        let retry_after = sent
            .received
            .headers
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| parse_retry_after(value, now));
        return Next::Retry {
            retry_after,
            reason: format!("HTTP {}", status.as_u16()),
        };
    }
    let mut sent = sent;
    if status.is_client_error() || status.is_server_error() {
        // Before anything reads it: the diagnosis quotes the body's message.
        let body = std::mem::take(&mut sent.received.body);
        sent.received.body = without_secrets(body, &sent.auth);
    }
    #[cfg(feature = "aksk")]
    let diagnosis = signature_diagnosis(settings, &sent);
    let received = sent.received;
    let request_id = settings
        .request_id_header
        .as_ref()
        .and_then(|name| request_id(&received.headers, name));
    let response = RawResponse::new(status, received.headers, received.body, request_id, attempt)
        .with_operation(request.operation_id)
        .with_error_fields(settings.service.error_fields);
    #[cfg(feature = "streaming")]
    let response = match received.open {
        Some(open) => response.with_open_body(open),
        None => response,
    };
    #[cfg(feature = "aksk")]
    let response = match diagnosis {
        Some(diagnosis) => response.with_signature_diagnosis(diagnosis),
        None => response,
    };
    Next::Done(Ok(response))
}

/// `body` with every secret of `auth` (of [`MIN_REDACTED_SECRET`] bytes or more) replaced by
/// `** redacted **`; the same bytes, uncopied, when it holds none.
fn without_secrets(body: Bytes, auth: &Auth) -> Bytes {
    let secrets: Vec<&[u8]> = auth
        .secrets()
        .into_iter()
        .map(str::as_bytes)
        .filter(|secret| secret.len() >= MIN_REDACTED_SECRET)
        .collect();
    let holds = |secret: &&[u8]| body.windows(secret.len()).any(|window| window == *secret);
    if !secrets.iter().any(holds) {
        return body;
    }
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut rest: &[u8] = &body;
    while let Some((&first, tail)) = rest.split_first() {
        match secrets.iter().find(|secret| rest.starts_with(secret)) {
            Some(secret) => {
                out.extend_from_slice(REDACTED);
                rest = rest.get(secret.len()..).unwrap_or_default();
            }
            None => {
                out.push(first);
                rest = tail;
            }
        }
    }
    Bytes::from(out)
}

/// The message of an error answer, as the refusal rules read it: the body's error message,
/// else (the first 64 KiB of) the body as text.
#[cfg(feature = "aksk")]
fn refusal_message(settings: &Settings, received: &Received) -> String {
    let fields = ErrorFields::then_conventional(settings.service.error_fields);
    let api: ApiError<Undocumented> =
        ApiError::from_body(received.status, None, received.body.clone(), fields);
    api.error_msg.unwrap_or_else(|| {
        let end = received.body.len().min(MAX_PARSED_ERROR_BODY);
        String::from_utf8_lossy(received.body.get(..end).unwrap_or_default()).into_owned()
    })
}

/// What a 401 or 403 answer to a signed attempt refuses: the attempt's record, the scheme's
/// wording, the message and the server's time (from the message, else the `Date` header).
#[cfg(feature = "aksk")]
struct SignatureRefusal<'a> {
    signing: &'a SigningRecord,
    access_key: &'a str,
    errors: &'a SignatureErrors,
    message: String,
    server_time: Option<SystemTime>,
}

#[cfg(feature = "aksk")]
fn signature_refusal<'a>(settings: &Settings, sent: &'a Sent) -> Option<SignatureRefusal<'a>> {
    let signing = sent.signing.as_ref()?;
    if !matches!(sent.received.status.as_u16(), 401 | 403) {
        return None;
    }
    let Auth::Signed {
        aksk,
        signature_errors,
        ..
    } = &*sent.auth
    else {
        return None;
    };
    let message = refusal_message(settings, &sent.received);
    let server_time = refusal::server_time_in(&message).or_else(|| {
        let date = sent.received.headers.get(http::header::DATE)?;
        parse_http_date(date.to_str().ok()?)
    });
    Some(SignatureRefusal {
        signing,
        access_key: &aksk.ak,
        errors: signature_errors,
        message,
        server_time,
    })
}

/// The diagnosis of the final answer, when it is a 401 or 403 to a signed request.
#[cfg(feature = "aksk")]
fn signature_diagnosis(settings: &Settings, sent: &Sent) -> Option<SignatureDiagnosis> {
    let refused = signature_refusal(settings, sent)?;
    Some(SignatureDiagnosis::new(
        refused.signing,
        refused.access_key,
        &refused.message,
        refused.errors,
        refused.server_time,
    ))
}

/// Whether the attempt's answer is a refusal of the signature's time that the server's time
/// corrects (see the [module docs](self)): then the client keeps the new clock offset and the
/// request is to be signed and sent again.
fn corrects_clock(
    settings: &Settings,
    request: &OperationRequest,
    outcome: &Result<Sent, Failure>,
) -> bool {
    #[cfg(feature = "aksk")]
    if let Ok(sent) = outcome
        && let Some(refused) = signature_refusal(settings, sent)
        && refusal::classify(&refused.message, refused.errors) == Refusal::Expired
        && let Some(server) = refused.server_time
        && let Some(offset) = ClockOffset::between(refused.signing.local_time, server)
        && offset != refused.signing.clock_offset
    {
        settings.set_clock_offset(offset);
        tracing::warn!(
            operation = request.operation_id,
            clock_offset_s = offset.seconds(),
            server_time = %SdkDate(server),
            signed_at = refused.signing.string_to_sign.date(),
            "the server refused the signature's time: this machine's clock is off; signing \
             again with the server's time"
        );
        return true;
    }
    let _ = (settings, request, outcome);
    false
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

/// One attempt: get the credentials, prepare (and sign), send, read the body, each within the
/// timeout.
async fn send_once(
    settings: &Settings,
    request: &OperationRequest,
    body: Option<Bytes>,
) -> Result<Sent, Failure> {
    let local = (settings.clock)();
    let auth = credentials(settings, request, settings.server_time(local)).await?;
    let prepared = prepare(settings, request, body, &auth, local).map_err(Failure::Fatal)?;
    let exchange = async {
        let response = settings
            .http
            .execute(prepared.http)
            .await
            .map_err(classify)?;
        read(settings, request, response).await
    };
    let received = match tokio::time::timeout(timeout(settings, request), exchange).await {
        Err(_elapsed) => return Err(Failure::Timeout),
        Ok(result) => result?,
    };
    Ok(Sent {
        received,
        auth,
        #[cfg(feature = "aksk")]
        signing: prepared.signing,
    })
}

/// The authentication of one attempt at `now`: fixed, or a provider's (waited for within the
/// attempt's timeout).
async fn credentials(
    settings: &Settings,
    request: &OperationRequest,
    now: SystemTime,
) -> Result<Arc<Auth>, Failure> {
    if let Some(auth) = settings.auth.fixed() {
        // Nothing to wait for: no timer.
        return Ok(Arc::clone(auth));
    }
    let limit = timeout(settings, request);
    let failure = |provider: String, source: ProviderError| {
        Failure::Fatal(Error::Credentials {
            operation: request.operation_id,
            provider,
            source,
        })
    };
    match tokio::time::timeout(limit, settings.auth.current(now)).await {
        Ok(Ok(auth)) => Ok(auth),
        Ok(Err(failed)) => Err(failure(failed.provider, failed.source)),
        Err(_elapsed) => Err(failure(
            settings.auth.provider().unwrap_or("static").to_owned(),
            ProviderError::transient(format!(
                "it gave no credentials within the timeout of {limit:?}"
            )),
        )),
    }
}

/// Reads the status, headers and body, refusing a body larger than the client's limit
/// without reading the rest of it. A streamed call's success is handed on unread (its body is
/// not bounded by the limit: the stream reads it piece by piece).
async fn read(
    settings: &Settings,
    request: &OperationRequest,
    mut response: reqwest::Response,
) -> Result<Received, Failure> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    #[cfg(feature = "streaming")]
    if request.options.streamed && status.is_success() {
        return Ok(Received {
            status,
            headers,
            body: Bytes::new(),
            open: Some(response),
        });
    }
    let limit = settings.max_response_size;
    let too_large = || {
        Failure::Fatal(Error::ResponseTooLarge {
            operation: request.operation_id,
            status,
            request_id: settings
                .request_id_header
                .as_ref()
                .and_then(|name| request_id(&headers, name)),
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
        #[cfg(feature = "streaming")]
        open: None,
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

/// Builds the HTTP request of one attempt, authenticated with `auth`; `local` is this
/// machine's clock (a signature is dated by it plus the client's clock offset).
fn prepare(
    settings: &Settings,
    request: &OperationRequest,
    body: Option<Bytes>,
    auth: &Auth,
    local: SystemTime,
) -> Result<Prepared, Error> {
    let prefix = &settings.endpoint.path_prefix;
    let mut path = String::with_capacity(prefix.len().saturating_add(request.path.len()));
    path.push_str(prefix);
    path.push_str(&request.path);
    let mut headers = operation_headers(settings, request)?;
    #[cfg(feature = "aksk")]
    let mut signing = None;
    let (query, header_map) = match auth {
        #[cfg(feature = "aksk")]
        Auth::Signed {
            aksk,
            parameter_headers,
            ..
        } => {
            headers.insert(0, ("User-Agent".to_owned(), settings.user_agent.clone()));
            for header in *parameter_headers {
                if let Some(value) = settings.client_parameters.get(header.parameter) {
                    headers.push((header.header.to_owned(), value.clone()));
                }
            }
            let signable = Signable {
                path: &path,
                body: signed_body(request, body.as_deref()),
                aksk,
                local,
            };
            let (query, map, record) = sign(settings, request, signable, &headers)?;
            #[cfg(feature = "streaming")]
            check_streamed_signature(request, &record)?;
            signing = Some(record);
            (query, map)
        }
        Auth::None => (
            encode_query(query_pairs(request)),
            unsigned_map(settings, headers)?,
        ),
        unsigned => {
            let query = add_credentials(unsigned, request, &mut headers);
            let mut map = unsigned_map(settings, headers)?;
            if let Auth::Header {
                header: Some((name, value)),
                ..
            } = unsigned
            {
                // Last, as `add_credentials` would have put it; a clone shares the bytes.
                map.append(name.clone(), value.clone());
            }
            (query, map)
        }
    };
    let _ = local;
    let url = request_url(settings, request, &path, &query)?;
    let mut http_request = reqwest::Request::new(request.method.clone(), url);
    *http_request.headers_mut() = header_map;
    #[cfg(feature = "streaming")]
    let streamed = streamed_body(request, body.as_deref())?;
    if let Some(body) = body {
        *http_request.body_mut() = Some(reqwest::Body::from(body));
    }
    #[cfg(feature = "streaming")]
    if let Some(streamed) = streamed {
        *http_request.body_mut() = Some(streamed);
    }
    Ok(Prepared {
        http: http_request,
        #[cfg(feature = "aksk")]
        signing,
    })
}

/// What the signer is given as the body: the bytes, or, for a body uploaded from a file or a
/// stream, [`STREAMED_BODY`].
#[cfg(feature = "aksk")]
fn signed_body<'b>(request: &OperationRequest, body: Option<&'b [u8]>) -> Option<&'b [u8]> {
    #[cfg(feature = "streaming")]
    if request.options.uploads() {
        return Some(STREAMED_BODY);
    }
    let _ = request;
    body
}

/// Stands for a streamed body when signing: a non-empty body whose bytes the signer never
/// hashes, because for a body that is not JSON the vendor's signer declares
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` and signs that instead of a hash
/// ([`check_streamed_signature`] makes sure it did).
#[cfg(feature = "aksk")]
#[cfg(feature = "streaming")]
const STREAMED_BODY: &[u8] = b"(streamed)";

/// A streamed body can be signed only as `UNSIGNED-PAYLOAD`, which the vendor's signer uses for
/// bodies that are not JSON; for a JSON body the signature would cover a hash the client does
/// not have before sending, so the call is refused.
#[cfg(feature = "aksk")]
#[cfg(feature = "streaming")]
fn check_streamed_signature(
    request: &OperationRequest,
    record: &SigningRecord,
) -> Result<(), Error> {
    if !request.options.uploads()
        || record.canonical_request.payload_hash() == signer::UNSIGNED_PAYLOAD
    {
        return Ok(());
    }
    let content_type = request
        .body
        .as_ref()
        .map_or("no content type", |body| &*body.content_type);
    Err(Error::Upload {
        operation: request.operation_id,
        reason: format!(
            "the AK/SK signature of a `{content_type}` body covers its hash, which a streamed \
             body does not have before it is sent (only bodies that are not JSON are signed as \
             UNSIGNED-PAYLOAD); pass the bytes with .body(…) instead"
        ),
    })
}

/// The body of a call that uploads it, or parts of it, from files or streams (`None` for a
/// call that does not); `encoded` is the body the operation wrote.
#[cfg(feature = "streaming")]
fn streamed_body(
    request: &OperationRequest,
    encoded: Option<&[u8]>,
) -> Result<Option<reqwest::Body>, Error> {
    let refused = |reason: String| Error::Upload {
        operation: request.operation_id,
        reason,
    };
    if let Some(upload) = &request.options.upload {
        return upload.body().map(Some).map_err(refused);
    }
    #[cfg(feature = "multipart")]
    if !request.options.upload_parts.is_empty() {
        let (Some(body), Some(encoded)) = (&request.body, encoded) else {
            return Err(refused("the operation sends no body".to_owned()));
        };
        return crate::runtime::upload::multipart_body(
            encoded,
            &body.content_type,
            &request.options.upload_parts,
        )
        .map(Some)
        .map_err(refused);
    }
    // Read only where the spec has multipart bodies.
    let _ = encoded;
    Ok(None)
}

/// The error that ends a call whose failed attempt would be retried but whose body is a
/// one-shot stream.
#[cfg(feature = "streaming")]
fn one_shot(request: &OperationRequest, attempts: u32, reason: &str) -> Option<Error> {
    (!request.options.uploads_repeatable()).then(|| Error::NotRetried {
        operation: request.operation_id,
        attempts,
        reason: reason.to_owned(),
    })
}

/// The default headers neither the call nor the operation overrides, the call's headers the
/// operation does not override (checked), the operation's own headers (checked) and
/// `Content-Type`, in that order (after `User-Agent`, which `prepare` puts first).
fn operation_headers(
    settings: &Settings,
    request: &OperationRequest,
) -> Result<Vec<(String, String)>, Error> {
    let call_headers = &request.options.headers;
    let mut headers: Vec<(String, String)> = Vec::with_capacity(
        request.headers.len() + settings.default_headers.len() + call_headers.len() + 4,
    );
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
        // Added to the header map, as made once (see `prepare`).
        Auth::Header {
            header: Some(_), ..
        } => {}
        Auth::Header { name, token, .. } => {
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

/// What one attempt signs besides the operation's request and headers.
#[cfg(feature = "aksk")]
struct Signable<'a> {
    path: &'a str,
    body: Option<&'a [u8]>,
    aksk: &'a crate::runtime::credentials::AkSk,
    /// This machine's clock.
    local: SystemTime,
}

/// Signs the request ([`signer::sign`]) with the authority exactly as configured as `Host`
/// and the clock's time, corrected by the client's clock offset, as `X-Sdk-Date`. Returns the
/// signer's canonical query (sorted, as the reference SDKs send it), exactly the signed headers
/// to send (so `Host` is the signed value) and what was signed. Headers the
/// HTTP stack adds later (`accept`, `content-length`) are not signed, as in the reference SDKs.
/// Every attempt is signed afresh, with a new date.
#[cfg(feature = "aksk")]
fn sign(
    settings: &Settings,
    request: &OperationRequest,
    signable: Signable<'_>,
    headers: &[(String, String)],
) -> Result<(String, HeaderMap, SigningRecord), Error> {
    let offset = settings.clock_offset();
    let date = offset.apply(signable.local).unwrap_or(signable.local);
    let to_sign = SignableRequest {
        method: request.method.as_str(),
        host: &settings.endpoint.authority,
        path: signable.path,
        query: &request.query,
        headers,
        body: signable.body,
    };
    let signed =
        signer::sign(&to_sign, signable.aksk, SdkDate(date)).map_err(|source| Error::Signing {
            operation: request.operation_id,
            source,
        })?;
    let map = header_map(signed.headers.into_iter())?;
    let record = SigningRecord {
        canonical_request: signed.canonical_request,
        string_to_sign: signed.string_to_sign,
        local_time: signable.local,
        clock_offset: offset,
    };
    Ok((signed.query, map, record))
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
///
/// The origin was parsed when the client was built; the path and the query are set on a copy
/// of it, which gives the URL that parsing the whole text would (the path's dot segments
/// resolved, the same characters escaped) without parsing the host again. A path holding `?`
/// or `#`, or a query holding `#` (which parsing would split off, and setting would escape), is
/// parsed whole.
fn request_url(
    settings: &Settings,
    request: &OperationRequest,
    path: &str,
    query: &str,
) -> Result<reqwest::Url, Error> {
    if let Some(url) = url_from_origin(&settings.endpoint.origin_url, path, query) {
        return Ok(url);
    }
    let origin = &settings.endpoint.origin;
    let mut url = String::with_capacity(
        origin
            .len()
            .saturating_add(path.len())
            .saturating_add(query.len())
            .saturating_add(1),
    );
    url.push_str(origin);
    url.push_str(path);
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

/// `origin` with `path` and `query` set, unless `path` holds `?` or `#` or `query` holds `#`.
fn url_from_origin(origin: &reqwest::Url, path: &str, query: &str) -> Option<reqwest::Url> {
    if path.contains(['?', '#']) || query.contains('#') {
        return None;
    }
    let mut url = origin.clone();
    url.set_path(path);
    if !query.is_empty() {
        url.set_query(Some(query));
    }
    Some(url)
}

/// The headers of an unsigned request: `User-Agent` (its value made once, when the client was
/// built), then `headers`, each value moved into the map without a copy.
fn unsigned_map(settings: &Settings, headers: Vec<(String, String)>) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::with_capacity(headers.len().saturating_add(2));
    map.append(http::header::USER_AGENT, settings.user_agent_header.clone());
    append_headers(
        &mut map,
        headers
            .into_iter()
            .map(|(name, value)| (Cow::Owned(name), Cow::Owned(value))),
    )?;
    Ok(map)
}

/// The headers as a `HeaderMap`, in order, repeated names kept.
#[cfg(feature = "aksk")]
fn header_map<'a>(
    headers: impl ExactSizeIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<HeaderMap, Error> {
    let mut map = HeaderMap::with_capacity(headers.len());
    append_headers(&mut map, headers)?;
    Ok(map)
}

/// Appends `headers` to `map`, in order, repeated names kept. An owned value becomes the header
/// value without a copy.
fn append_headers<'a>(
    map: &mut HeaderMap,
    headers: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<(), Error> {
    for (name, value) in headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::validation(name.as_ref(), "is not a valid HTTP header name"))?;
        let header_value = match value {
            Cow::Owned(value) => HeaderValue::from_maybe_shared(Bytes::from(value)),
            Cow::Borrowed(value) => HeaderValue::from_str(value),
        };
        let header_value = header_value.map_err(|_| {
            Error::validation(
                name.as_ref(),
                "cannot be sent as an HTTP header value (it contains a control character)",
            )
        })?;
        map.append(header_name, header_value);
    }
    Ok(())
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
fn request_id(headers: &HeaderMap, name: impl http::header::AsHeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_set_on_the_origin_is_the_url_parsed_whole() {
        let paths = [
            "/",
            "/v1/p/active-code/39b9",
            "/a/./b/../c",
            "/a/%2e%2E/b",
            "/sp ace/t\tab/ü/%7e/%zz",
            "/quote\"<>`{}|^/semi;colon/@:=+$,",
            "//double//slash/",
            "/back\\slash",
            "/a/..",
            "/x/%2F/y",
        ];
        let queries = ["", "a=1&b=2", "k=sp ace&u=ü&q=\"'<>?/", "=&&x"];
        for origin in [
            "http://127.0.0.1:8080",
            "https://Example.COM",
            "http://[::1]:9",
        ] {
            let parsed = reqwest::Url::parse(origin).unwrap();
            for path in paths {
                for query in queries {
                    let whole = if query.is_empty() {
                        format!("{origin}{path}")
                    } else {
                        format!("{origin}{path}?{query}")
                    };
                    let set = url_from_origin(&parsed, path, query).unwrap();
                    assert_eq!(
                        set.as_str(),
                        reqwest::Url::parse(&whole).unwrap().as_str(),
                        "{whole}"
                    );
                }
            }
        }
        let parsed = reqwest::Url::parse("http://h").unwrap();
        assert!(url_from_origin(&parsed, "/a?b", "").is_none());
        assert!(url_from_origin(&parsed, "/a#b", "").is_none());
        assert!(url_from_origin(&parsed, "/a", "b#c").is_none());
    }

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
    fn secrets_are_kept_out_of_error_bodies() {
        use crate::runtime::credentials::Secret;
        let auth = Auth::Bearer(Secret::new("TOKEN-0123456789"));
        let body = Bytes::from_static(b"bad token TOKEN-0123456789, again: TOKEN-0123456789.");
        assert_eq!(
            without_secrets(body, &auth),
            Bytes::from_static(b"bad token ** redacted **, again: ** redacted **.")
        );
        let clean = Bytes::from_static(b"nothing secret here");
        let kept = without_secrets(clean.clone(), &auth);
        assert_eq!(
            kept.as_ptr(),
            clean.as_ptr(),
            "a body without secrets is not copied"
        );
        // A secret too short to look for is left alone rather than garbling the body.
        let short = Auth::Bearer(Secret::new("a"));
        assert_eq!(
            without_secrets(Bytes::from_static(b"a bad request"), &short),
            Bytes::from_static(b"a bad request")
        );
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
