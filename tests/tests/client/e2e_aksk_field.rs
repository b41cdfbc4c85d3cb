//! End to end: AK/SK in the field, against a loopback server that plays the API gateway.
//!
//! * A gateway whose clock is 20 minutes from the client's refuses the signature's time (as
//!   the vendor's gateway does, `APIGW.0301 … signature expired … server time:…`); the client
//!   corrects its clock, signs again once, and later requests need no correction.
//! * A gateway that refuses a signature, with and without echoing its canonical request,
//!   gives an error that says what was signed and which part differed.
//! * A credentials provider that rotates keys: every request is signed with the key valid at
//!   its time, checked by the independent verifier (`tests::verify`); concurrent requests
//!   share one refresh; a failed refresh is a typed error.
//! * No secret appears in an error, a `Debug` or a log line.

use futures_util::future::join_all;
use metastudio::runtime::credentials::ProvideFuture;
use metastudio::runtime::refusal::{Comparison, Part, Refusal};
use metastudio::runtime::{
    ClientBuilder, Credentials, ProvideCredentials, ProvidedCredentials, ProviderError, RetryPolicy,
};
use metastudio::types::{CreateActiveCodeReq, CreateActiveCodeReqRequired};
use metastudio::{Client, Error};
use serde_json::json;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tests::server::{RecordedRequest, Reply, Responder, TestServer};
use tests::verify::{canonical_request, verify};

const AK: &str = "HPUAEFIELDTESTAK0001";
const SK: &str = "FieldTestSecretKey0123456789abcdefghijklm";
const SECURITY_TOKEN: &str = "field-test-security-token-0123456789";
const PROJECT: &str = "70b76xxxxxx34253880af501cdxxxxxx";
const ROBOT: &str = "4d54xxxxxxc446249xxxxxxxxxx6526";
const ROOM: &str = "41c86xxxxxx34253850af102cdxxxxxx";
/// The gateway's clock: 2023-09-01T06:50:21Z.
const SERVER_SECS: i64 = 1_693_551_021;
const SERVER_DATE: &str = "20230901T065021Z";
/// How far from its clock the gateway accepts a signature's time: 15 minutes.
const TOLERANCE: i64 = 15 * 60;
/// The client's clock is this far off.
const SKEW: i64 = 20 * 60;

fn time(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).expect("a time after 1970"))
}

/// Seconds since 1970 of an `X-Sdk-Date` such as `20230901T065021Z`.
fn sdk_date_seconds(date: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|time| time.and_utc().timestamp())
}

fn sdk_date(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .expect("a representable time")
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

fn created() -> Reply {
    Reply::json(
        200,
        &json!({"active_code_id": "39b9cedccec1f19b33d8f7ce1a6d35b9", "valid_period": 10}),
    )
    .header("X-Request-Id", "req-field")
}

/// The gateway's 401 with its error code and `message`.
fn refused(message: &str) -> Reply {
    Reply::json(
        401,
        &json!({"error_code": "APIGW.0301", "error_msg": format!("Incorrect IAM authentication information: {message}")}),
    )
    .header("X-Request-Id", "req-refused")
}

/// A gateway with its clock at `server_secs`: it refuses a signature more than 15 minutes
/// off (saying its time as the vendor's gateway does), and otherwise verifies it.
fn gateway(server_secs: i64) -> Responder {
    Responder::from_fn(move |request| {
        let date = request.header("X-Sdk-Date").unwrap_or_default().to_owned();
        match sdk_date_seconds(&date) {
            Some(signed) if (signed - server_secs).abs() <= TOLERANCE => {}
            _ => {
                return refused(&format!(
                    "calc aksk signature fail:signature expired, signature time:{date},server time:{}",
                    sdk_date(server_secs)
                ));
            }
        }
        match verified(request, AK, SK) {
            Ok(()) => created(),
            Err(_) => refused("verify aksk signature fail"),
        }
    })
}

fn verified(request: &RecordedRequest, ak: &str, sk: &str) -> Result<(), String> {
    verify(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        ak,
        sk,
    )
}

/// An AK/SK client for `server` whose clock reads `clock` (seconds), with no retries.
fn builder(server: &TestServer, clock: Arc<AtomicI64>) -> ClientBuilder {
    Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(Credentials::ak_sk(AK, SK))
        .clock(move || time(clock.load(Ordering::SeqCst)))
        .env_lookup(|_| None)
        .retry(RetryPolicy::disabled())
}

fn fixed_clock(seconds: i64) -> Arc<AtomicI64> {
    Arc::new(AtomicI64::new(seconds))
}

/// A create call: a POST, which the retry policy never repeats.
async fn create(client: &Client) -> Result<(), String> {
    client
        .create_active_code()
        .body(CreateActiveCodeReq::new(CreateActiveCodeReqRequired {
            robot_id: ROBOT.to_owned(),
            room_id: ROOM.to_owned(),
            valid_period: 10,
        }))
        .send()
        .await
        .map(drop)
        .map_err(|error| format!("{error} / {error:?}"))
}

// ---------------------------------------------------------------------------------------------
// Log capture: a minimal `tracing` subscriber that keeps every span's and event's fields as
// text, so a test can assert what was logged and that no secret was.

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    fn lines(&self) -> Vec<String> {
        self.0.lock().map(|lines| lines.clone()).unwrap_or_default()
    }
}

/// Span ids, from 1.
static NEXT_SPAN: AtomicU64 = AtomicU64::new(1);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Captured {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(format!("span {}", span.metadata().name()));
        span.record(&mut fields);
        self.push(fields.0);
        tracing::span::Id::from_u64(NEXT_SPAN.fetch_add(1, Ordering::Relaxed))
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields("span record".to_owned());
        values.record(&mut fields);
        self.push(fields.0);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(format!(
            "{} {}",
            event.metadata().level(),
            event.metadata().target()
        ));
        event.record(&mut fields);
        self.push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl Captured {
    fn push(&self, line: String) {
        if let Ok(mut lines) = self.0.lock() {
            lines.push(line);
        }
    }
}

/// Fails when `text` holds a secret of these tests.
fn assert_no_secret(what: &str, text: &str) {
    for secret in [SK, SECURITY_TOKEN, ROTATING_SK_PREFIX] {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Clock skew.

/// The client's clock `skew` seconds from the gateway's: the first call is refused, corrected
/// and signed again once; the next needs no correction.
async fn survives_skew(skew: i64) {
    let server = TestServer::start(gateway(SERVER_SECS)).await;
    let clock = fixed_clock(SERVER_SECS + skew);
    let client = builder(&server, Arc::clone(&clock))
        .build()
        .expect("the client builds");
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(captured.clone());

    assert_eq!(client.clock_offset().seconds(), 0, "no offset before");
    create(&client)
        .await
        .expect("the re-signed request succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one refusal, one re-signed request");
    assert_eq!(
        requests[0].header("X-Sdk-Date"),
        Some(sdk_date(SERVER_SECS + skew).as_str()),
        "the first request is dated by the client's clock"
    );
    assert_eq!(
        requests[1].header("X-Sdk-Date"),
        Some(SERVER_DATE),
        "the second is dated by the server's clock"
    );
    assert_eq!(verified(&requests[1], AK, SK), Ok(()));
    assert_eq!(client.clock_offset().seconds(), -skew);
    assert_eq!(
        client.clone().clock_offset(),
        client.clock_offset(),
        "clones share the offset"
    );

    // Later requests, a minute on: signed with the offset, once, and never twice.
    clock.fetch_add(60, Ordering::SeqCst);
    create(&client).await.expect("the next request succeeds");
    create(&client.clone()).await.expect("so does a clone's");
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "no more refusals: {requests:#?}");
    for request in &requests[2..] {
        assert_eq!(
            request.header("X-Sdk-Date"),
            Some(sdk_date(SERVER_SECS + 60).as_str())
        );
        assert_eq!(verified(request, AK, SK), Ok(()));
    }
    assert_eq!(client.clock_offset().seconds(), -skew, "applied once");

    let lines = captured.lines();
    let corrections: Vec<&String> = lines
        .iter()
        .filter(|line| line.contains("clock_offset_s="))
        .collect();
    assert_eq!(corrections.len(), 1, "one correction is logged: {lines:#?}");
    assert!(
        corrections[0].starts_with("WARN")
            && corrections[0].contains(&format!("clock_offset_s={}", -skew)),
        "{}",
        corrections[0]
    );
    for line in &lines {
        assert_no_secret("a log line", line);
    }
}

#[tokio::test]
async fn a_client_20_minutes_behind_works_after_one_re_signed_request() {
    survives_skew(-SKEW).await;
}

#[tokio::test]
async fn a_client_20_minutes_ahead_works_after_one_re_signed_request() {
    survives_skew(SKEW).await;
}

#[tokio::test]
async fn the_date_header_gives_the_server_time_when_the_message_does_not() {
    let server = TestServer::start(Responder::from_fn(|request| {
        let signed = request.header("X-Sdk-Date").and_then(sdk_date_seconds);
        match signed {
            Some(signed) if (signed - SERVER_SECS).abs() <= TOLERANCE => created(),
            _ => refused("calc aksk signature fail:signature expired")
                .header("Date", "Fri, 01 Sep 2023 06:50:21 GMT"),
        }
    }))
    .await;
    let client = builder(&server, fixed_clock(SERVER_SECS - SKEW))
        .build()
        .expect("the client builds");
    create(&client).await.expect("corrected by the Date header");
    assert_eq!(server.request_count(), 2);
    assert_eq!(client.clock_offset().seconds(), SKEW);
}

#[tokio::test]
async fn a_second_refusal_of_the_time_is_the_answer_with_both_times() {
    // A gateway that refuses every time, whatever the date: the client corrects once, then
    // gives up with the refusal, and does not move its clock again.
    let server = TestServer::start(Responder::always(refused(&format!(
        "calc aksk signature fail:signature expired, signature time:x,server time:{}",
        sdk_date(SERVER_SECS)
    ))))
    .await;
    let client = builder(&server, fixed_clock(SERVER_SECS - SKEW))
        .build()
        .expect("the client builds");
    let result = client
        .create_active_code()
        .body(CreateActiveCodeReq::new(CreateActiveCodeReqRequired {
            robot_id: ROBOT.to_owned(),
            room_id: ROOM.to_owned(),
            valid_period: 10,
        }))
        .send()
        .await;
    let Err(Error::Api(api)) = result else {
        panic!("expected the refusal, got {result:?}");
    };
    assert_eq!(server.request_count(), 2, "corrected once, not again");
    assert_eq!(client.clock_offset().seconds(), SKEW);
    let diagnosis = api.signature_diagnosis().expect("a diagnosis");
    assert_eq!(diagnosis.refusal(), Refusal::Expired);
    assert_eq!(diagnosis.sdk_date(), SERVER_DATE);
    assert_eq!(diagnosis.clock_offset().seconds(), SKEW);
    let text = api.to_string();
    assert!(
        text.contains("the server refused the signature's time: we signed at 20230901T065021Z"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Signature mismatch.

/// A gateway behind a proxy: the proxy applies `rewrite` to what the client sent, and the
/// gateway refuses it (the signature no longer matches), echoing its canonical request when
/// `echo` is set.
fn refusing_gateway(
    echo: bool,
    rewrite: impl Fn(&mut RecordedRequest) + Send + Sync + 'static,
) -> Responder {
    Responder::from_fn(move |received| {
        let mut seen = received.clone();
        rewrite(&mut seen);
        if verified(&seen, AK, SK).is_ok() {
            return created();
        }
        if !echo {
            return refused("verify aksk signature fail");
        }
        match canonical_request(&seen.method, &seen.target, &seen.headers, &seen.body) {
            Ok(canonical) => refused(&format!(
                "verify aksk signature fail, canonicalRequest:{}",
                canonical.replace('\n', "|")
            )),
            Err(problem) => Reply::text(500, &problem),
        }
    })
}

/// The API error of a create call against `server`, with `credentials`.
async fn refusal(
    server: &TestServer,
    credentials: Credentials,
) -> Box<metastudio::ApiError<metastudio::operations::CreateActiveCodeError>> {
    let client = builder(server, fixed_clock(SERVER_SECS))
        .credentials(credentials)
        .build()
        .expect("the client builds");
    let result = client
        .create_active_code()
        .body(CreateActiveCodeReq::new(CreateActiveCodeReqRequired {
            robot_id: ROBOT.to_owned(),
            room_id: ROOM.to_owned(),
            valid_period: 10,
        }))
        .send()
        .await;
    match result {
        Err(Error::Api(api)) => api,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn credentials_with_token() -> Credentials {
    Credentials::ak_sk(AK, SK)
        .with_security_token(SECURITY_TOKEN)
        .expect("AK/SK takes a security token")
}

#[tokio::test]
async fn a_proxy_that_rewrites_the_path_is_named() {
    let server = TestServer::start(refusing_gateway(true, |seen| {
        seen.target = seen.target.replacen("/v1/", "/gateway/v1/", 1);
    }))
    .await;
    let api = refusal(&server, credentials_with_token()).await;
    let diagnosis = api.signature_diagnosis().expect("a diagnosis");
    assert_eq!(diagnosis.refusal(), Refusal::Mismatch);
    let difference = diagnosis.first_difference().expect("a difference");
    assert_eq!(difference.part, Part::Path);
    let path = format!("/v1/{PROJECT}/digital-human-chat/active-code/");
    assert_eq!(difference.signed.as_deref(), Some(path.as_str()));
    assert_eq!(
        difference.server.as_deref(),
        Some(format!("/gateway{path}").as_str())
    );
    let advice = format!(
        "the path the server saw is `/gateway{path}` but we signed `{path}`: a proxy may rewrite paths"
    );
    assert!(
        difference.advice().starts_with(&advice),
        "{}",
        difference.advice()
    );
    let message = api.to_string();
    assert!(
        message.contains(&advice),
        "Display ends with the finding: {message}"
    );
    let report = diagnosis.to_string();
    assert!(
        report.contains("canonical request the server computed:"),
        "{report}"
    );
    assert!(
        report.contains("x-security-token:** redacted **"),
        "the token's line is shown redacted: {report}"
    );
    for (what, text) in [
        ("Display", message),
        ("Debug", format!("{api:?}")),
        ("the report", report),
        ("the body", api.body_text()),
    ] {
        assert_no_secret(what, &text);
    }
}

#[tokio::test]
async fn a_header_changed_after_signing_is_named() {
    let server = TestServer::start(refusing_gateway(true, |seen| {
        if let Some(header) = seen
            .headers
            .iter_mut()
            .find(|(name, _)| name.eq_ignore_ascii_case("user-agent"))
        {
            header.1 = "corporate-proxy/2.0".to_owned();
        }
    }))
    .await;
    let api = refusal(&server, Credentials::ak_sk(AK, SK)).await;
    let diagnosis = api.signature_diagnosis().expect("a diagnosis");
    let difference = diagnosis.first_difference().expect("a difference");
    assert_eq!(difference.part, Part::Header("user-agent".to_owned()));
    assert_eq!(difference.server.as_deref(), Some("corporate-proxy/2.0"));
    assert!(
        difference
            .advice()
            .contains("something between the client and the gateway changed it after signing"),
        "{}",
        difference.advice()
    );
}

#[tokio::test]
async fn an_identical_canonical_request_means_the_secret_key_differs() {
    // The gateway holds another secret key for the access key: nothing was rewritten.
    let server = TestServer::start(refusing_gateway(true, |_| {})).await;
    let api = refusal(
        &server,
        Credentials::ak_sk(AK, "NotTheGatewaysSecretKey0123456789"),
    )
    .await;
    let diagnosis = api.signature_diagnosis().expect("a diagnosis");
    assert_eq!(diagnosis.comparison(), Some(&Comparison::Same));
    let message = api.to_string();
    assert!(
        message.contains(
            "the secret key is not the one the server holds for access key `HPUAEFIELDTESTAK0001`"
        ),
        "{message}"
    );
    assert!(!message.contains("NotTheGatewaysSecretKey"), "{message}");
}

#[tokio::test]
async fn without_an_echo_the_error_says_what_we_signed() {
    let server = TestServer::start(refusing_gateway(false, |seen| {
        seen.target.push_str("?added=1");
    }))
    .await;
    let api = refusal(&server, credentials_with_token()).await;
    let diagnosis = api.signature_diagnosis().expect("a diagnosis");
    assert_eq!(diagnosis.refusal(), Refusal::Mismatch);
    assert_eq!(diagnosis.comparison(), None);
    assert_eq!(diagnosis.server_canonical_request(), None);
    assert_eq!(diagnosis.sdk_date(), SERVER_DATE);
    assert_eq!(diagnosis.access_key(), AK);
    // What we signed is what the verifier derives from what the server received (with the
    // security token's value redacted).
    let received = server.only_request();
    let derived = canonical_request(
        &received.method,
        &received.target,
        &received.headers,
        &received.body,
    )
    .expect("the received request has a canonical request");
    assert_eq!(
        diagnosis.canonical_request(),
        derived.replace(SECURITY_TOKEN, "** redacted **")
    );
    assert_eq!(
        diagnosis.signed_headers(),
        "content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token"
    );
    let message = api.to_string();
    assert!(
        message.contains("signature mismatch: the server did not say how it saw the request"),
        "{message}"
    );
    for (what, text) in [
        ("Display", message),
        ("Debug", format!("{api:?}")),
        ("the report", diagnosis.to_string()),
    ] {
        assert_no_secret(what, &text);
    }
}

// ---------------------------------------------------------------------------------------------
// Credential providers.

/// The secret keys the rotating issuer hands out all start with this.
const ROTATING_SK_PREFIX: &str = "RotatingSecret";

/// A key the issuer handed out, and when it is valid (seconds).
#[derive(Clone, Debug)]
struct Issued {
    ak: String,
    sk: String,
    from: i64,
    until: i64,
}

/// An issuer of temporary keys, valid `lifetime` seconds from the (test) clock's time; it
/// fails while `failing` is set.
#[derive(Clone)]
struct Issuer {
    clock: Arc<AtomicI64>,
    lifetime: i64,
    issued: Arc<Mutex<Vec<Issued>>>,
    calls: Arc<AtomicUsize>,
    delay: Duration,
    failing: Arc<AtomicBool>,
}

impl Issuer {
    fn new(clock: Arc<AtomicI64>, lifetime: i64) -> Issuer {
        Issuer {
            clock,
            lifetime,
            issued: Arc::default(),
            calls: Arc::default(),
            delay: Duration::ZERO,
            failing: Arc::default(),
        }
    }

    fn issued(&self) -> Vec<Issued> {
        self.issued
            .lock()
            .map(|keys| keys.clone())
            .unwrap_or_default()
    }
}

impl ProvideCredentials for Issuer {
    fn name(&self) -> &str {
        "test-issuer"
    }

    fn provide(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            if self.failing.load(Ordering::SeqCst) {
                return Err(ProviderError::transient("the issuer answered 503"));
            }
            let now = self.clock.load(Ordering::SeqCst);
            let key = Issued {
                ak: format!("HPUAEROTATING{call:07}"),
                sk: format!("{ROTATING_SK_PREFIX}{call:04}-0123456789abcdef"),
                from: now,
                until: now + self.lifetime,
            };
            if let Ok(mut issued) = self.issued.lock() {
                issued.push(key.clone());
            }
            let credentials = Credentials::ak_sk(key.ak, key.sk)
                .with_security_token(format!("{SECURITY_TOKEN}-{call}"))
                .map_err(|error| ProviderError::new(error.to_string()))?;
            Ok(ProvidedCredentials::expiring(credentials, time(key.until)))
        })
    }
}

/// A gateway that accepts a request signed with a key the issuer handed out, dated while the
/// key was valid, by the independent verifier.
fn rotating_gateway(issuer: &Issuer) -> Responder {
    let issued = Arc::clone(&issuer.issued);
    Responder::from_fn(move |request| {
        let keys = issued.lock().map(|keys| keys.clone()).unwrap_or_default();
        let date = request.header("X-Sdk-Date").and_then(sdk_date_seconds);
        let valid = keys.iter().find(|key| {
            request
                .header("Authorization")
                .is_some_and(|value| value.contains(&format!("Access={},", key.ak)))
                && date.is_some_and(|date| key.from <= date && date < key.until)
                && verified(request, &key.ak, &key.sk).is_ok()
        });
        match valid {
            Some(_) => created(),
            None => refused("verify aksk signature fail"),
        }
    })
}

fn provider_builder(server: &TestServer, issuer: &Issuer) -> ClientBuilder {
    let clock = Arc::clone(&issuer.clock);
    Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials_provider(issuer.clone())
        .clock(move || time(clock.load(Ordering::SeqCst)))
        .env_lookup(|_| None)
        .retry(RetryPolicy::disabled())
}

/// The access key a received request was signed with.
fn access_key(request: &RecordedRequest) -> String {
    request
        .header("Authorization")
        .and_then(|value| value.split("Access=").nth(1))
        .and_then(|rest| rest.split(',').next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn keys_rotated_mid_run_sign_every_request_with_the_key_valid_at_its_time() {
    let clock = fixed_clock(SERVER_SECS);
    // Keys valid 10 minutes; the client asks again 5 minutes before they expire.
    let issuer = Issuer::new(Arc::clone(&clock), 600);
    let server = TestServer::start(rotating_gateway(&issuer)).await;
    let client = provider_builder(&server, &issuer)
        .build()
        .expect("the client builds");
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(captured.clone());

    for step in 0..10 {
        create(&client)
            .await
            .unwrap_or_else(|error| panic!("request {step} is refused: {error}"));
        clock.fetch_add(120, Ordering::SeqCst);
    }
    // Asked at 0 s, then at 360, 720 and 1080 s (each key is refreshed after 300 s).
    let issued = issuer.issued();
    assert_eq!(issued.len(), 4, "{issued:#?}");
    let used: Vec<String> = server.requests().iter().map(access_key).collect();
    let expected: Vec<String> = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3]
        .iter()
        .map(|index: &usize| issued[*index].ak.clone())
        .collect();
    assert_eq!(used, expected);
    assert_eq!(
        server.request_count(),
        10,
        "no request was refused and re-sent"
    );
    for line in captured.lines() {
        assert_no_secret("a log line", &line);
    }
}

#[tokio::test]
async fn concurrent_requests_share_one_refresh() {
    let clock = fixed_clock(SERVER_SECS);
    let mut issuer = Issuer::new(Arc::clone(&clock), 600);
    issuer.delay = Duration::from_millis(50);
    let server = TestServer::start(rotating_gateway(&issuer)).await;
    let client = provider_builder(&server, &issuer)
        .build()
        .expect("the client builds");

    let first = join_all((0..8).map(|_| create(&client))).await;
    assert!(first.iter().all(Result::is_ok), "{first:?}");
    assert_eq!(
        issuer.calls.load(Ordering::SeqCst),
        1,
        "one call for 8 requests"
    );

    clock.fetch_add(400, Ordering::SeqCst);
    let second = join_all((0..8).map(|_| create(&client))).await;
    assert!(second.iter().all(Result::is_ok), "{second:?}");
    assert_eq!(
        issuer.calls.load(Ordering::SeqCst),
        2,
        "one refresh for 8 requests"
    );
    assert_eq!(server.request_count(), 16);
}

#[tokio::test]
async fn a_failed_refresh_keeps_valid_keys_then_is_a_typed_error() {
    let clock = fixed_clock(SERVER_SECS);
    let issuer = Issuer::new(Arc::clone(&clock), 600);
    let server = TestServer::start(rotating_gateway(&issuer)).await;
    let client = provider_builder(&server, &issuer)
        .build()
        .expect("the client builds");
    create(&client).await.expect("the first key works");

    // Due for a refresh, but the issuer fails: the key held is still valid, so it is used.
    issuer.failing.store(true, Ordering::SeqCst);
    clock.fetch_add(400, Ordering::SeqCst);
    create(&client).await.expect("the held key is still valid");
    assert_eq!(server.request_count(), 2);

    // Expired, and the issuer still fails: a typed error, nothing sent.
    clock.fetch_add(300, Ordering::SeqCst);
    let result = client
        .create_active_code()
        .body(CreateActiveCodeReq::new(CreateActiveCodeReqRequired {
            robot_id: ROBOT.to_owned(),
            room_id: ROOM.to_owned(),
            valid_period: 10,
        }))
        .send()
        .await;
    let error = match result {
        Err(error) => error,
        Ok(response) => panic!("expected a credentials error, got {response:?}"),
    };
    let Error::Credentials {
        operation,
        provider,
        source,
    } = &error
    else {
        panic!("expected Error::Credentials, got {error:?}");
    };
    assert_eq!(*operation, "CreateActiveCode");
    assert_eq!(provider, "test-issuer");
    assert!(source.is_transient());
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "CreateActiveCode: no credentials from the provider `test-issuer`: the issuer answered 503"
    );
    assert_eq!(server.request_count(), 2, "nothing was sent");
    assert_no_secret("Debug", &format!("{error:?}"));

    // The issuer recovers: the client works again without being rebuilt.
    issuer.failing.store(false, Ordering::SeqCst);
    create(&client).await.expect("a fresh key works");
}

#[test]
fn debug_of_credentials_providers_and_builders_is_redacted() {
    let credentials = credentials_with_token();
    let shown = format!("{credentials:?}");
    assert!(shown.contains("** redacted **"), "{shown}");
    assert_no_secret("Debug of credentials", &shown);
    let builder = Client::builder()
        .credentials(credentials.clone())
        .env_lookup(|_| None);
    assert_no_secret("Debug of a builder", &format!("{builder:?}"));
    let issuer = Issuer::new(fixed_clock(SERVER_SECS), 600);
    let builder = Client::builder().credentials_provider(issuer);
    let shown = format!("{builder:?}");
    assert!(
        shown.contains("test-issuer"),
        "the provider is named: {shown}"
    );
    let provided = ProvidedCredentials::expiring(credentials, time(SERVER_SECS));
    assert_no_secret("Debug of provided credentials", &format!("{provided:?}"));
}
