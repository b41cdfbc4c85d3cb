//! End to end: AK/SK (SDK-HMAC-SHA256) signing checked over exactly what a loopback server
//! received.
//!
//! The clock, credentials and user agent are pinned. Each request the generated client sends
//! is captured as received (method, raw target, headers in order, body bytes) and checked with
//! `tests::verify::verify`, an independent re-derivation of the signature from those bytes.
//! The tests also check that the headers the vendor's SDK signs are the ones signed, and that
//! the date, project and host headers carry the expected values.

use metastudio::runtime::config::DEFAULT_USER_AGENT;
use metastudio::runtime::{ClientBuilder, Credentials, RetryPolicy};
use metastudio::types::{
    CreateActiveCodeReq, CreateActiveCodeReqRequired, ResetActiveCodeReq, UpdateActiveCodeReq,
};
use metastudio::{Client, Error};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tests::server::{RecordedRequest, Reply, Responder, TestServer};
use tests::verify::verify;

const AK: &str = "HPUAE2ESIGNINGAK0001";
const SK: &str = "E2eSigningSecretKey0123456789abcdefghijkl";
const SECURITY_TOKEN: &str = "e2e-temporary-security-token-0001";
const PROJECT: &str = "70b76xxxxxx34253880af501cdxxxxxx";
const ID: &str = "39b9cedccec1f19b33d8f7ce1a6d35b9";
const ROBOT: &str = "4d54xxxxxxc446249xxxxxxxxxx6526";
const ROOM: &str = "41c86xxxxxx34253850af102cdxxxxxx";
const APP: &str = "e2e-signing/1.0";
/// `/v1/{project_id}/digital-human-chat/active-code`.
const BASE: &str = "/v1/70b76xxxxxx34253880af501cdxxxxxx/digital-human-chat/active-code";
/// 2023-09-01T06:50:21Z, the reference's worked example.
const PINNED_SECS: u64 = 1_693_551_021;
const PINNED_DATE: &str = "20230901T065021Z";
/// What the vendor's SDK signs for every active-code request.
const BASE_SIGNED: [&str; 5] = [
    "content-type",
    "host",
    "user-agent",
    "x-project-id",
    "x-sdk-date",
];

fn pinned_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(PINNED_SECS)
}

/// An AK/SK builder for `server` with the clock, user agent and environment pinned and no
/// retries.
fn builder(server: &TestServer, credentials: Credentials) -> ClientBuilder {
    Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(credentials)
        .user_agent(APP)
        .clock(pinned_time)
        .env_lookup(|_| None)
        .retry(RetryPolicy::disabled())
}

fn client(server: &TestServer) -> Client {
    builder(server, Credentials::ak_sk(AK, SK))
        .build()
        .expect("an AK/SK client for the test server builds")
}

fn active_code() -> Reply {
    Reply::json(
        200,
        &json!({"active_code_id": ID, "active_code": "H7GW3T2E7", "valid_period": 10}),
    )
    .header("X-Request-Id", "req-signing")
}

/// The three parts of the received `Authorization` header.
struct Authorization {
    access: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn authorization(request: &RecordedRequest) -> Authorization {
    let values = request.header_all("Authorization");
    let [value] = values[..] else {
        panic!("expected one Authorization header, got {values:?}; request:\n{request:?}");
    };
    let rest = value
        .strip_prefix("SDK-HMAC-SHA256 ")
        .unwrap_or_else(|| panic!("Authorization `{value}` is not SDK-HMAC-SHA256"));
    let mut access = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(", ") {
        match part.split_once('=') {
            Some(("Access", v)) => access = Some(v.to_owned()),
            Some(("SignedHeaders", v)) => signed = Some(v.to_owned()),
            Some(("Signature", v)) => signature = Some(v.to_owned()),
            _ => panic!("unexpected part `{part}` in Authorization `{value}`"),
        }
    }
    let missing = |what: &str| format!("Authorization `{value}` has no {what}");
    Authorization {
        access: access.unwrap_or_else(|| panic!("{}", missing("Access"))),
        signed_headers: signed
            .unwrap_or_else(|| panic!("{}", missing("SignedHeaders")))
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: signature.unwrap_or_else(|| panic!("{}", missing("Signature"))),
    }
}

/// Runs the independent verifier over the request as received.
fn verified(request: &RecordedRequest) -> Result<(), String> {
    verify(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        AK,
        SK,
    )
}

/// The request verifies; it signs exactly the base headers plus `extra`; the date, project,
/// host and user agent are the pinned ones; no token header is sent.
fn assert_signed(request: &RecordedRequest, server: &TestServer, date: &str, extra: &[&str]) {
    if let Err(problem) = verified(request) {
        panic!("the received request does not verify: {problem}\nrequest:\n{request:?}");
    }
    let auth = authorization(request);
    assert_eq!(auth.access, AK, "Access");
    let mut expected: Vec<String> = BASE_SIGNED
        .iter()
        .chain(extra)
        .map(|name| (*name).to_owned())
        .collect();
    expected.sort();
    assert_eq!(
        auth.signed_headers, expected,
        "SignedHeaders; request:\n{request:?}"
    );
    assert_eq!(
        request.header_all("X-Sdk-Date"),
        vec![date],
        "X-Sdk-Date is the clock's time; request:\n{request:?}"
    );
    assert_eq!(
        request.header_all("X-Project-Id"),
        vec![PROJECT],
        "X-Project-Id; request:\n{request:?}"
    );
    let authority = server.authority();
    assert_eq!(
        request.header_all("Host"),
        vec![authority.as_str()],
        "Host is the endpoint's authority; request:\n{request:?}"
    );
    assert!(
        authority.starts_with("127.0.0.1:"),
        "the test server is on 127.0.0.1: {authority}"
    );
    assert_eq!(
        request.header("User-Agent"),
        Some(format!("{DEFAULT_USER_AGENT}; {APP}").as_str()),
        "User-Agent"
    );
    assert_eq!(
        request.header("Content-Type"),
        Some("application/json"),
        "Content-Type"
    );
    assert!(
        !request.has_header("X-Auth-Token"),
        "AK/SK requests carry no X-Auth-Token; request:\n{request:?}"
    );
}

fn body_json(request: &RecordedRequest) -> Value {
    request
        .json()
        .unwrap_or_else(|error| panic!("the body is not JSON ({error}): {:?}", request.body_text()))
}

#[tokio::test]
async fn a_plain_update_is_signed_over_what_was_sent() {
    let server = TestServer::start(active_code()).await;

    let response = client(&server)
        .update_active_code()
        .active_code_id(ID)
        .body(UpdateActiveCodeReq::default().valid_period(10))
        .send()
        .await
        .expect("Update succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "PUT");
    assert_eq!(received.target, format!("{BASE}/{ID}"));
    assert_eq!(body_json(&received), json!({"valid_period": 10}));
    assert_signed(&received, &server, PINNED_DATE, &[]);
    assert!(
        !received.has_header("X-Security-Token"),
        "no security token without one in the credentials"
    );
    assert_eq!(response.request_id(), Some("req-signing"));
}

#[tokio::test]
async fn a_security_token_is_sent_and_signed() {
    let server = TestServer::start(active_code()).await;
    let credentials = Credentials::ak_sk(AK, SK)
        .with_security_token(SECURITY_TOKEN)
        .expect("AK/SK credentials take a security token");
    let client = builder(&server, credentials)
        .build()
        .expect("the client builds");

    client
        .update_active_code()
        .active_code_id(ID)
        .body(UpdateActiveCodeReq::default().valid_period(10))
        .send()
        .await
        .expect("Update succeeds");

    let received = server.only_request();
    assert_eq!(
        received.header_all("X-Security-Token"),
        vec![SECURITY_TOKEN],
        "X-Security-Token; request:\n{received:?}"
    );
    assert_signed(&received, &server, PINNED_DATE, &["x-security-token"]);
}

#[tokio::test]
async fn x_app_user_id_is_signed_when_set() {
    let server = TestServer::start(Responder::always(active_code())).await;
    let client = client(&server);

    client
        .update_active_code()
        .active_code_id(ID)
        .x_app_user_id("third-party-user-001")
        .body(UpdateActiveCodeReq::default().valid_period(10))
        .send()
        .await
        .expect("Update succeeds");
    client
        .create_active_code()
        .body(CreateActiveCodeReq::new(CreateActiveCodeReqRequired {
            robot_id: ROBOT.to_owned(),
            room_id: ROOM.to_owned(),
            valid_period: 30,
        }))
        .x_app_user_id("third-party-user-001")
        .send()
        .await
        .expect("Create succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(
            request.header_all("X-App-UserId"),
            vec!["third-party-user-001"],
            "X-App-UserId; request:\n{request:?}"
        );
        assert_signed(request, &server, PINNED_DATE, &["x-app-userid"]);
    }
    assert_eq!(
        (requests[1].method.as_str(), requests[1].target.as_str()),
        ("POST", BASE)
    );
    assert_eq!(
        body_json(&requests[1]),
        json!({"robot_id": ROBOT, "room_id": ROOM, "valid_period": 30})
    );
}

#[tokio::test]
async fn ids_with_reserved_and_non_ascii_characters_are_signed_as_sent() {
    let server = TestServer::start(Responder::always(active_code())).await;
    let client = client(&server);
    let id = "a/b?c%d e#fé中";
    let encoded = "a%2Fb%3Fc%25d%20e%23f%C3%A9%E4%B8%AD";

    client
        .show_active_code()
        .active_code_id(id)
        .send()
        .await
        .expect("Show succeeds");
    client
        .update_active_code()
        .active_code_id(id)
        .body(UpdateActiveCodeReq::default().valid_period(1))
        .send()
        .await
        .expect("Update succeeds");
    client
        .reset_active_code()
        .active_code_id(id)
        .body(ResetActiveCodeReq::default().clean_auth_credential(true))
        .send()
        .await
        .expect("Reset succeeds");

    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        vec![
            format!("{BASE}/{encoded}"),
            format!("{BASE}/{encoded}"),
            format!("{BASE}/{encoded}/reset"),
        ],
        "the id is one percent-encoded segment"
    );
    for request in &requests {
        assert_signed(request, &server, PINNED_DATE, &[]);
    }
    assert!(requests[0].body.is_empty(), "Show sends no body");
    assert_eq!(
        body_json(&requests[2]),
        json!({"clean_auth_credential": true})
    );
}

#[tokio::test]
async fn a_list_query_is_sent_in_canonical_sorted_form() {
    let page = json!({"offset": 0, "limit": 10, "count": 0, "data": []});
    let server = TestServer::start(Responder::always(Reply::json(200, &page))).await;
    let client = client(&server);

    client
        .list_active_code()
        .robot_id(ROBOT)
        .offset(0)
        .limit(10)
        .send()
        .await
        .expect("List succeeds");
    // A robot id that needs encoding, and a limit that sorts before the offset.
    client
        .list_active_code()
        .robot_id("robot 1/é+x")
        .limit(5)
        .offset(20)
        .x_app_user_id("user-1")
        .send()
        .await
        .expect("List succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].target,
        format!("{BASE}?limit=10&offset=0&robot_id={ROBOT}"),
        "the wire query is the canonical sorted one"
    );
    assert_eq!(
        requests[1].target,
        format!("{BASE}?limit=5&offset=20&robot_id=robot%201%2F%C3%A9%2Bx"),
        "the wire query is the canonical sorted one, every reserved character encoded"
    );
    assert_eq!(requests[0].method, "GET");
    assert!(requests[0].body.is_empty(), "List sends no body");
    assert_signed(&requests[0], &server, PINNED_DATE, &[]);
    assert_signed(&requests[1], &server, PINNED_DATE, &["x-app-userid"]);
}

#[tokio::test]
async fn delete_posts_a_signed_array_body() {
    let server = TestServer::start(Reply::status(200).header("X-Request-Id", "req-delete")).await;
    let ids = vec![ID.to_owned(), "0123456789abcdef0123456789abcdef".to_owned()];

    let response = client(&server)
        .delete_active_code()
        .body(ids)
        .send()
        .await
        .expect("Delete succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "POST");
    assert_eq!(received.target, format!("{BASE}/delete"));
    assert_eq!(
        body_json(&received),
        json!([ID, "0123456789abcdef0123456789abcdef"])
    );
    assert_signed(&received, &server, PINNED_DATE, &[]);
    assert_eq!(response.request_id(), Some("req-delete"));
}

#[tokio::test]
async fn a_retry_after_503_is_signed_again_with_a_fresh_date() {
    // The fake clock; the server moves it 7 seconds on when it receives a request, so the retry
    // is signed later than the first attempt.
    let now = Arc::new(AtomicU64::new(PINNED_SECS));
    let server_clock = Arc::clone(&now);
    let server = TestServer::start(Responder::from_fn(move |_| {
        let attempt = server_clock.fetch_add(7, Ordering::SeqCst);
        if attempt == PINNED_SECS {
            Reply::status(503).header("X-Request-Id", "req-busy")
        } else {
            active_code()
        }
    }))
    .await;
    let client_clock = Arc::clone(&now);
    let client = builder(&server, Credentials::ak_sk(AK, SK))
        .clock(move || UNIX_EPOCH + Duration::from_secs(client_clock.load(Ordering::SeqCst)))
        .sleep(|_| async {})
        .retry(RetryPolicy::default().max_attempts(2))
        .build()
        .expect("the client builds");

    let response = client
        .update_active_code()
        .active_code_id(ID)
        .body(UpdateActiveCodeReq::default().valid_period(10))
        .send()
        .await
        .expect("the retry succeeds");

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some("req-signing"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one 503, one retry: {requests:#?}");
    assert_signed(&requests[0], &server, PINNED_DATE, &[]);
    assert_signed(&requests[1], &server, "20230901T065028Z", &[]);
    assert_ne!(
        authorization(&requests[0]).signature,
        authorization(&requests[1]).signature,
        "the retry carries a new signature"
    );
    assert_eq!(
        requests[0].body, requests[1].body,
        "the retry sends the same body"
    );
}

#[tokio::test]
async fn the_check_bites_when_the_received_request_is_tampered_with() {
    let server = TestServer::start(Responder::always(active_code())).await;
    let client = client(&server);
    client
        .update_active_code()
        .active_code_id(ID)
        .x_app_user_id("user-1")
        .body(UpdateActiveCodeReq::default().valid_period(10))
        .send()
        .await
        .expect("Update succeeds");
    let original = server.only_request();
    assert_eq!(
        verified(&original),
        Ok(()),
        "the untouched request verifies"
    );

    let mut body = original.clone();
    body.body = br#"{"valid_period":11}"#.to_vec();
    let mut user = original.clone();
    set_header(&mut user, "X-App-UserId", "user-2");
    let mut project = original.clone();
    set_header(
        &mut project,
        "X-Project-Id",
        "00000000000000000000000000000000",
    );
    let mut date = original.clone();
    set_header(&mut date, "X-Sdk-Date", "20230901T065022Z");
    let mut target = original.clone();
    target.target = format!("{BASE}/0123456789abcdef0123456789abcdef");
    let mut method = original.clone();
    method.method = "POST".to_owned();

    for (what, tampered) in [
        ("the body", body),
        ("X-App-UserId", user),
        ("X-Project-Id", project),
        ("X-Sdk-Date", date),
        ("the path", target),
        ("the method", method),
    ] {
        match verified(&tampered) {
            Ok(()) => panic!("changing {what} must break the signature, yet it verified"),
            Err(problem) => assert!(
                problem.starts_with("[signature]"),
                "changing {what} should fail the signature check, got: {problem}"
            ),
        }
    }
    let wrong_key = verify(
        &original.method,
        &original.target,
        &original.headers,
        &original.body,
        AK,
        "not-the-secret-key",
    );
    assert!(wrong_key.is_err(), "another secret key must not verify");
}

/// Replaces the value of header `name` (which must be present).
fn set_header(request: &mut RecordedRequest, name: &str, value: &str) {
    let header = request
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("the request has no {name} header to tamper with"));
    header.1 = value.to_owned();
}

#[tokio::test]
async fn an_empty_secret_key_is_refused_before_sending() {
    let server = TestServer::start(active_code()).await;
    let built = builder(&server, Credentials::ak_sk(AK, "")).build();
    match built {
        Err(Error::Config(message)) => assert!(
            message.contains("secret key"),
            "the message should name the secret key: {message}"
        ),
        other => panic!("expected Error::Config for an empty SK, got {other:?}"),
    }
    assert_eq!(server.request_count(), 0);
}
