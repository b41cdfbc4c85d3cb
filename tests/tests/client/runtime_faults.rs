//! The runtime against a misbehaving loopback server: retries, backoff, `Retry-After`,
//! timeouts, broken connections and error bodies.

use super::runtime_support::*;
use metastudio::runtime::{Error, RetryPolicy};
use serde_json::json;
use std::time::{Duration, Instant};
use tests::server::{Reply, Responder, TestServer};

fn active_code() -> serde_json::Value {
    json!({"active_code_id": "39b9cedccec1f19b33d8f7ce1a6d35b9", "active_code": "H7GW3T2E7", "valid_period": 10})
}

#[tokio::test]
async fn retries_503_503_then_succeeds_and_re_signs_every_attempt() {
    let server = TestServer::start(vec![
        Reply::status(503),
        Reply::json(
            503,
            &json!({"error_code": "APIGW.0201", "error_msg": "busy"}),
        ),
        Reply::json(200, &active_code()).header("X-Request-Id", "req-3"),
    ])
    .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps).build().unwrap();

    let raw = client
        .execute(update(
            "39b9cedccec1f19b33d8f7ce1a6d35b9",
            &json!({"valid_period": 10}),
        ))
        .await
        .unwrap();

    assert_eq!(raw.status(), 200);
    assert_eq!(raw.attempts(), 3);
    assert_eq!(raw.request_id(), Some("req-3"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let dates: Vec<&str> = requests
        .iter()
        .map(|r| r.header("X-Sdk-Date").unwrap())
        .collect();
    assert_eq!(dates.len(), 3);
    assert!(
        dates[0] != dates[1] && dates[1] != dates[2] && dates[0] != dates[2],
        "every attempt is signed with a fresh date: {dates:?}"
    );
    for request in &requests {
        assert_signed(request);
        assert_eq!(request.body, br#"{"valid_period":10}"#);
    }
    // Full jitter: the first wait is at most 100 ms, the second at most 200 ms.
    let waits = sleeps.recorded();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(waits[0] <= Duration::from_millis(100), "{waits:?}");
    assert!(waits[1] <= Duration::from_millis(200), "{waits:?}");
}

#[tokio::test]
async fn backoff_without_jitter_doubles() {
    let server = TestServer::start(vec![
        Reply::status(500),
        Reply::status(502),
        Reply::status(504),
        Reply::status(200),
    ])
    .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps)
        .retry(
            RetryPolicy::default()
                .max_attempts(4)
                .base_delay(Duration::from_millis(50))
                .jitter(false),
        )
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!((raw.status().as_u16(), raw.attempts()), (200, 4));
    assert_eq!(
        sleeps.recorded(),
        [50, 100, 200].map(Duration::from_millis).to_vec()
    );
}

#[tokio::test]
async fn retry_after_seconds_is_waited_for() {
    let server = TestServer::start(vec![
        Reply::json(
            429,
            &json!({"error_code": "APIGW.0308", "error_msg": "throttled"}),
        )
        .header("Retry-After", "2"),
        Reply::json(200, &active_code()),
    ])
    .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps).build().unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.attempts(), 2);
    assert_eq!(sleeps.recorded(), vec![Duration::from_secs(2)]);
}

#[tokio::test]
async fn retry_after_http_date_is_relative_to_the_clock_and_capped() {
    // The pinned clock reads 2023-09-01T06:50:21Z.
    let server = TestServer::start(vec![
        Reply::status(503).header("Retry-After", "Fri, 01 Sep 2023 06:50:26 GMT"),
        Reply::status(503).header("Retry-After", "86400"),
        Reply::status(200),
    ])
    .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps)
        .clock(pinned_clock())
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!(raw.attempts(), 3);
    assert_eq!(
        sleeps.recorded(),
        vec![Duration::from_secs(5), Duration::from_secs(20)]
    );
}

#[tokio::test]
async fn exhausted_retries_give_the_last_api_error_with_the_attempt_count() {
    let server = TestServer::start(
        Reply::json(
            503,
            &json!({"error_code": "MSS.00000500", "error_msg": "Service unavailable"}),
        )
        .header("X-Request-Id", "rid-503"),
    )
    .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps).build().unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!(raw.status(), 503);
    assert_eq!(raw.attempts(), 3);
    let error = raw.into_error();
    let api = error.as_api().unwrap();
    assert_eq!(api.attempts, 3);
    assert_eq!(api.error_code.as_deref(), Some("MSS.00000500"));
    assert_eq!(api.operation, Some("ShowActiveCode"));
    assert!(error.is_retryable());
    assert_eq!(error.request_id(), Some("rid-503"));
    assert_eq!(
        error.to_string(),
        "ShowActiveCode: HTTP 503 Service Unavailable: MSS.00000500: Service unavailable \
         (request id rid-503, 3 attempts)"
    );
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn a_post_is_not_retried_on_503() {
    let server = TestServer::start(vec![Reply::status(503), Reply::status(200)]).await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps).build().unwrap();
    let raw = client
        .execute(create(
            &json!({"robot_id": "r", "room_id": "m", "valid_period": 1}),
        ))
        .await
        .unwrap();
    assert_eq!(raw.status(), 503);
    assert_eq!(raw.attempts(), 1);
    assert_eq!(server.request_count(), 1);
    assert!(sleeps.recorded().is_empty());
}

#[tokio::test]
async fn a_post_is_not_retried_on_429_either() {
    let server = TestServer::start(vec![
        Reply::status(429).header("Retry-After", "1"),
        Reply::status(200),
    ])
    .await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    let raw = client.execute(create(&json!({}))).await.unwrap();
    assert_eq!((raw.status().as_u16(), raw.attempts()), (429, 1));
}

#[tokio::test]
async fn other_4xx_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 413] {
        let server = TestServer::start(vec![Reply::status(status), Reply::status(200)]).await;
        let client = aksk_builder(&server.url(), &Sleeps::default())
            .build()
            .unwrap();
        let raw = client.execute(show("a")).await.unwrap();
        assert_eq!(raw.status(), status, "status {status}");
        assert_eq!(server.request_count(), 1, "status {status}");
    }
}

#[tokio::test]
async fn retries_disabled_sends_once() {
    let server = TestServer::start(vec![Reply::status(503), Reply::status(200)]).await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!((raw.status().as_u16(), raw.attempts()), (503, 1));
    assert_eq!(server.request_count(), 1);
    assert!(sleeps.recorded().is_empty());
}

#[tokio::test]
async fn a_server_that_stalls_before_answering_is_a_timeout() {
    let server =
        TestServer::start(Reply::json(200, &active_code()).delay(Duration::from_secs(30))).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(show("a")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    match &error {
        Error::Timeout {
            operation,
            attempts,
            timeout,
        } => {
            assert_eq!(*operation, "ShowActiveCode");
            assert_eq!(*attempts, 1);
            assert_eq!(*timeout, Duration::from_millis(300));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(error.is_retryable());
    assert!(
        error
            .to_string()
            .contains("ShowActiveCode: no complete response within 300ms")
    );
}

#[tokio::test]
async fn a_body_that_stalls_midway_is_a_timeout_and_idempotent_requests_retry() {
    let body = active_code().to_string();
    let server =
        TestServer::start(Reply::json_text(200, &body).stall_body(5, Duration::from_secs(30)))
            .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.execute(show("a")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        matches!(error, Error::Timeout { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 3);
    assert_eq!(sleeps.recorded().len(), 2);
}

#[tokio::test]
async fn a_timed_out_post_is_not_sent_again() {
    let server = TestServer::start(Reply::status(200).delay(Duration::from_secs(30))).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client.execute(create(&json!({}))).await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_connection_closed_mid_response_is_a_transport_error_after_retries() {
    let body = active_code().to_string();
    let server = TestServer::start(Reply::json_text(200, &body).close_after_body_bytes(10)).await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps).build().unwrap();
    let error = client.execute(show("a")).await.unwrap_err();
    match &error {
        Error::Transport {
            operation,
            attempts,
            ..
        } => {
            assert_eq!((*operation, *attempts), ("ShowActiveCode", 3));
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(server.request_count(), 3);
    let message = error.to_string();
    assert!(
        message.starts_with("ShowActiveCode: transport failure after 3 attempt(s): "),
        "{message}"
    );
    assert!(!message.contains('\n'), "{message}");

    // Not idempotent: sent once.
    let server = TestServer::start(Reply::json_text(200, &body).close_after_body_bytes(10)).await;
    let client = aksk_builder(&server.url(), &sleeps).build().unwrap();
    let error = client.execute(create(&json!({}))).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_hang_up_without_answer_is_a_transport_error() {
    let server = TestServer::start(Reply::hang_up()).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = client.execute(show("a")).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 1, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_post() {
    // Bind, learn the port, close: nothing listens there any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let sleeps = Sleeps::default();
    let client = aksk_builder(&url, &sleeps).build().unwrap();
    let error = client.execute(create(&json!({}))).await.unwrap_err();
    match &error {
        Error::Transport { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(sleeps.recorded().len(), 2);
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), Some(3));
}

#[tokio::test]
async fn a_400_with_an_html_body_keeps_the_raw_text() {
    let page =
        "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>bad</body>\r\n</html>\r\n";
    let server = TestServer::start(Reply::html(400, page).header("x-request-id", "gw-77")).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!(
        raw.request_id(),
        Some("gw-77"),
        "the header is found in any case"
    );
    let error = raw.into_error();
    let api = error.as_api().unwrap();
    assert_eq!(api.status, 400);
    assert_eq!(api.error_code, None);
    assert_eq!(api.error_msg, None);
    assert_eq!(api.body_text(), page);
    assert_eq!(api.body, page.as_bytes());
    assert_eq!(
        error.to_string(),
        "ShowActiveCode: HTTP 400 Bad Request: body: <html> <head><title>400 Bad \
         Request</title></head> <body>bad</body> </html> (request id gw-77)"
    );
    assert!(!error.is_retryable());
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_200_with_a_malformed_body_is_a_decode_error_keeping_the_body() {
    let server = TestServer::start(
        Reply::json_text(200, r#"{"active_code_id": "#).header("X-Request-Id", "r-9"),
    )
    .await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    let error = raw.json::<serde_json::Value>().unwrap_err();
    match &error {
        Error::Decode {
            status,
            request_id,
            body,
            message,
        } => {
            assert_eq!(*status, 200);
            assert_eq!(request_id.as_deref(), Some("r-9"));
            assert_eq!(&body[..], br#"{"active_code_id": "#);
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(error.request_id(), Some("r-9"));
}

#[tokio::test]
async fn error_body_shapes_are_read_like_the_vendor_sdk() {
    let cases = [
        (
            json!({"error_code": "MSS.00000003", "error_msg": "Invalid parameter"}),
            ("MSS.00000003", "Invalid parameter"),
        ),
        (
            json!({"errorCode": "APIGW.0301", "errorMsg": "Incorrect IAM authentication information"}),
            ("APIGW.0301", "Incorrect IAM authentication information"),
        ),
        (
            json!({"code": "IAM.0011", "message": "Request body is invalid"}),
            ("IAM.0011", "Request body is invalid"),
        ),
        (
            json!({"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}),
            ("401", "The request you have made requires authentication."),
        ),
    ];
    let replies: Vec<Reply> = cases
        .iter()
        .map(|(body, _)| Reply::json(400, body))
        .collect();
    let server = TestServer::start(Responder::queue(replies)).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    for (body, (code, message)) in cases {
        let error = client.execute(show("a")).await.unwrap().into_error();
        let api = error.as_api().unwrap();
        assert_eq!(api.error_code.as_deref(), Some(code), "{body}");
        assert_eq!(api.error_msg.as_deref(), Some(message), "{body}");
        assert_eq!(api.body, body.to_string().as_bytes());
    }
}

#[tokio::test]
async fn a_timed_out_attempt_then_success() {
    let server = TestServer::start(vec![
        Reply::status(200).delay(Duration::from_secs(30)),
        Reply::json(200, &active_code()),
    ])
    .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!((raw.status().as_u16(), raw.attempts()), (200, 2));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_ne!(
        requests[0].header("X-Sdk-Date"),
        requests[1].header("X-Sdk-Date")
    );
}

#[tokio::test]
async fn retry_after_values_that_would_overflow_are_handled() {
    // A date in a year far beyond 9999 is no HTTP date (the backoff applies); a number of
    // seconds beyond u64 is the longest wait, capped by the policy.
    let server = TestServer::start(vec![
        Reply::status(503).header("Retry-After", "Fri, 31 Dec 999999999999999 23:59:59 GMT"),
        Reply::status(503).header("Retry-After", "99999999999999999999999999"),
        Reply::status(200),
    ])
    .await;
    let sleeps = Sleeps::default();
    let client = aksk_builder(&server.url(), &sleeps)
        .clock(pinned_clock())
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!((raw.status().as_u16(), raw.attempts()), (200, 3));
    let waits = sleeps.recorded();
    assert_eq!(waits.len(), 2, "{waits:?}");
    assert!(
        waits[0] <= Duration::from_millis(100),
        "the impossible date is ignored: {waits:?}"
    );
    assert_eq!(waits[1], Duration::from_secs(20), "capped: {waits:?}");
}

#[tokio::test]
async fn a_response_larger_than_the_limit_is_refused_without_reading_the_rest() {
    // The server announces 4096 bytes, sends 100 and stalls: reading on would time out.
    let server = TestServer::start(
        Reply::text(200, &"x".repeat(4096))
            .header("X-Request-Id", "big-1")
            .stall_body(100, Duration::from_secs(30)),
    )
    .await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .max_response_size(1024)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    assert_eq!(client.max_response_size(), 1024);
    let started = Instant::now();
    let error = client.execute(show("a")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{error:?}");
    match &error {
        Error::ResponseTooLarge {
            operation,
            status,
            request_id,
            limit,
        } => {
            assert_eq!(*operation, "ShowActiveCode");
            assert_eq!(*status, 200);
            assert_eq!(request_id.as_deref(), Some("big-1"));
            assert_eq!(*limit, 1024);
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    let message = error.to_string();
    for part in [
        "ShowActiveCode",
        "HTTP 200",
        "1024 bytes",
        "big-1",
        "max_response_size",
    ] {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
    assert_eq!(error.request_id(), Some("big-1"));
    assert_eq!(error.status(), Some(http::StatusCode::OK));
    assert!(!error.is_retryable());
    assert_eq!(server.request_count(), 1, "not sent again");
}

#[tokio::test]
async fn a_chunked_response_is_cut_off_at_the_limit() {
    let mut raw =
        b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nX-Request-Id: big-2\r\n\r\n"
            .to_vec();
    for _ in 0..4 {
        raw.extend_from_slice(b"258\r\n");
        raw.extend_from_slice(&[b'y'; 600]);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let server = TestServer::start(Reply::raw(raw)).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .max_response_size(1000)
        .build()
        .unwrap();
    let error = client.execute(show("a")).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::ResponseTooLarge { status, limit: 1000, .. } if *status == 503
        ),
        "{error:?}"
    );
    assert_eq!(error.request_id(), Some("big-2"));
    assert_eq!(server.request_count(), 1);

    // A body of exactly the limit is read.
    let server = TestServer::start(Reply::text(200, &"z".repeat(1000))).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .max_response_size(1000)
        .build()
        .unwrap();
    let raw = client.execute(show("a")).await.unwrap();
    assert_eq!(raw.body().len(), 1000);
    let default = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    assert_eq!(default.max_response_size(), 32 * 1024 * 1024);
}

#[tokio::test]
async fn a_huge_error_body_is_kept_but_not_parsed() {
    let padding = "p".repeat(200 * 1024);
    let body = json!({"error_code": "MSS.1", "error_msg": "m", "padding": padding});
    let server = TestServer::start(Reply::json(400, &body).header("X-Request-Id", "r-big")).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    let error = client.execute(show("a")).await.unwrap().into_error();
    let api = error.as_api().unwrap();
    assert_eq!(
        (api.error_code.as_deref(), api.error_msg.as_deref()),
        (None, None)
    );
    assert_eq!(
        api.body.len(),
        body.to_string().len(),
        "the body is kept whole"
    );
    let message = error.to_string();
    assert!(message.len() < 500, "one short line: {message}");
    assert!(message.contains("(request id r-big)"), "{message}");
}
