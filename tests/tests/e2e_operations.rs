//! End to end: every operation of the generated MetaStudio client, with token authentication,
//! against a real HTTP/1.1 server on 127.0.0.1 that records each request exactly as received.
//!
//! Each test checks what went on the wire (method, path, query, headers, body bytes) and what
//! the client made of the documented answers (typed body, status, request id, errors).

use futures_util::StreamExt as _;
use metastudio::runtime::config::DEFAULT_USER_AGENT;
use metastudio::runtime::{Credentials, RetryPolicy};
use metastudio::types::{
    ActiveCodeInfo, CreateActiveCodeReq, CreateActiveCodeReqRequired, ResetActiveCodeReq,
    UpdateActiveCodeReq,
};
use metastudio::{Client, Error};
use serde_json::{Value, json};
use tests::server::{RecordedRequest, Reply, Responder, TestServer};

const TOKEN: &str = "MIIE-e2e-operations-iam-token";
const PROJECT: &str = "70b76xxxxxx34253880af501cdxxxxxx";
const ID: &str = "39b9cedccec1f19b33d8f7ce1a6d35b9";
const ROBOT: &str = "4d54xxxxxxc446249xxxxxxxxxx6526";
const ROOM: &str = "41c86xxxxxx34253850af102cdxxxxxx";
const REQUEST_ID: &str = "0b9f6c6a7e2d4e2f9a1c3b5d7e9f1a2b";
/// `/v1/{project_id}/digital-human-chat/active-code`.
const BASE: &str = "/v1/70b76xxxxxx34253880af501cdxxxxxx/digital-human-chat/active-code";
/// An id with reserved characters, `%`, a space and non-ASCII, and how it must arrive.
const AWKWARD_ID: &str = "a/b?c%d e#fé中";
const AWKWARD_ID_ENCODED: &str = "a%2Fb%3Fc%25d%20e%23f%C3%A9%E4%B8%AD";

/// A token client for `server`: no environment, no retries (each test sees every request).
fn client(server: &TestServer) -> Client {
    Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .env_lookup(|_| None)
        .retry(RetryPolicy::disabled())
        .build()
        .expect("a token client for the test server builds")
}

/// The documented 200 body of Create, Show, Update and Reset.
fn documented_active_code() -> Value {
    json!({
        "active_code_id": ID,
        "active_code": "H7GW3T2E7",
        "robot_id": ROBOT,
        "room_id": ROOM,
        "valid_period": 10,
        "expire_time": "2023-09-11T06:50:21Z",
        "create_time": "2023-09-01T06:34:21Z",
        "update_time": "2023-09-01T06:50:21Z"
    })
}

/// The documented 200 answer, with a request id.
fn ok_active_code() -> Reply {
    Reply::json(200, &documented_active_code()).header("X-Request-Id", REQUEST_ID)
}

/// The documented 400 answer, with a request id.
fn invalid_parameter() -> Reply {
    Reply::json(
        400,
        &json!({"error_code": "MSS.00000003", "error_msg": "Invalid parameter"}),
    )
    .header("X-Request-Id", REQUEST_ID)
}

/// The typed form of [`documented_active_code`], field by field (a response type is read, not
/// built, so it has no constructor: its fields are set on a default value).
fn expected_active_code() -> ActiveCodeInfo {
    let mut expected = ActiveCodeInfo::default();
    expected.active_code_id = Some(ID.to_owned());
    expected.active_code = Some("H7GW3T2E7".to_owned());
    expected.robot_id = Some(ROBOT.to_owned());
    expected.room_id = Some(ROOM.to_owned());
    expected.valid_period = Some(10);
    expected.expire_time = Some("2023-09-11T06:50:21Z".to_owned());
    expected.create_time = Some("2023-09-01T06:34:21Z".to_owned());
    expected.update_time = Some("2023-09-01T06:50:21Z".to_owned());
    expected
}

/// The documented body of Create.
fn create_body(valid_period: i32) -> CreateActiveCodeReq {
    CreateActiveCodeReq::new(CreateActiveCodeReqRequired {
        robot_id: ROBOT.to_owned(),
        room_id: ROOM.to_owned(),
        valid_period,
    })
}

/// The headers every token-authenticated request carries, and `X-App-UserId` exactly when set.
fn assert_token_headers(request: &RecordedRequest, server: &TestServer, app_user_id: Option<&str>) {
    assert_eq!(
        request.header_all("X-Auth-Token"),
        vec![TOKEN],
        "X-Auth-Token must be sent once with the token; request:\n{request:?}"
    );
    for absent in ["Authorization", "X-Sdk-Date", "X-Security-Token"] {
        assert!(
            !request.has_header(absent),
            "token auth must not send {absent}; request:\n{request:?}"
        );
    }
    assert_eq!(
        request.header_all("Content-Type"),
        vec!["application/json"],
        "Content-Type; request:\n{request:?}"
    );
    assert_eq!(
        request.header_all("X-App-UserId"),
        app_user_id.into_iter().collect::<Vec<_>>(),
        "X-App-UserId must be sent exactly when set; request:\n{request:?}"
    );
    let user_agent = request.header("User-Agent").unwrap_or_default();
    assert!(
        user_agent.starts_with(DEFAULT_USER_AGENT),
        "User-Agent `{user_agent}` should start with `{DEFAULT_USER_AGENT}`"
    );
    assert_eq!(
        request.header("Host"),
        Some(server.authority().as_str()),
        "Host; request:\n{request:?}"
    );
}

/// The body as JSON, with a message that shows the bytes when it is not JSON.
fn body_json(request: &RecordedRequest) -> Value {
    request.json().unwrap_or_else(|error| {
        panic!(
            "the body is not JSON ({error}): {:?}\nrequest:\n{request:?}",
            request.body_text()
        )
    })
}

/// An `Error::Api` for the documented 400 answer: status, code, message, request id, raw body.
fn assert_invalid_parameter<T: std::fmt::Debug, E: std::fmt::Debug>(
    result: Result<T, Error<E>>,
    operation: &str,
) {
    let api = match result {
        Err(Error::Api(api)) => api,
        other => panic!("{operation}: expected Error::Api for the 400 answer, got {other:?}"),
    };
    assert_eq!(api.status.as_u16(), 400, "{operation}: status");
    assert_eq!(
        api.error_code.as_deref(),
        Some("MSS.00000003"),
        "{operation}: error code"
    );
    assert_eq!(
        api.error_msg.as_deref(),
        Some("Invalid parameter"),
        "{operation}: error message"
    );
    assert_eq!(
        api.request_id.as_deref(),
        Some(REQUEST_ID),
        "{operation}: request id"
    );
    let body: Value = serde_json::from_slice(&api.body).expect("the raw error body is kept");
    assert_eq!(
        body,
        json!({"error_code": "MSS.00000003", "error_msg": "Invalid parameter"}),
        "{operation}: raw body"
    );
    let shown = api.to_string();
    for part in ["400", "MSS.00000003", "Invalid parameter", REQUEST_ID] {
        assert!(
            shown.contains(part),
            "{operation}: the error message `{shown}` should contain `{part}`"
        );
    }
}

#[tokio::test]
async fn create_posts_the_three_fields_and_reads_the_documented_answer() {
    let server = TestServer::start(ok_active_code()).await;
    let response = client(&server)
        .create_active_code()
        .body(create_body(10))
        .x_app_user_id("third-party-user-001")
        .send()
        .await
        .expect("Create succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "POST");
    assert_eq!(received.target, BASE, "Create has no query");
    assert_token_headers(&received, &server, Some("third-party-user-001"));
    assert_eq!(
        body_json(&received),
        json!({"robot_id": ROBOT, "room_id": ROOM, "valid_period": 10})
    );
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(
        response.typed_headers().x_request_id.as_deref(),
        Some(REQUEST_ID),
        "the declared response header is read into its typed field"
    );
    assert_eq!(response.body(), &expected_active_code());
}

#[tokio::test]
async fn list_sends_offset_limit_and_robot_id_and_reads_the_page() {
    let page = json!({
        "offset": 0,
        "limit": 10,
        "count": 2,
        "data": [
            documented_active_code(),
            {"active_code_id": "0123456789abcdef0123456789abcdef", "active_code": "K2M4P6Q8R", "valid_period": 0}
        ]
    });
    let server =
        TestServer::start(Reply::json(200, &page).header("X-Request-Id", REQUEST_ID)).await;
    let client = client(&server);

    let response = client
        .list_active_code()
        .robot_id(ROBOT)
        .offset(0)
        .limit(10)
        .send()
        .await
        .expect("List succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "GET");
    assert_eq!(received.path(), BASE);
    let mut pairs = received.query_pairs();
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            ("limit".to_owned(), "10".to_owned()),
            ("offset".to_owned(), "0".to_owned()),
            ("robot_id".to_owned(), ROBOT.to_owned()),
        ],
        "query of `{}`",
        received.target
    );
    assert_token_headers(&received, &server, None);
    assert!(
        received.body.is_empty(),
        "List sends no body, got {:?}",
        received.body_text()
    );

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    let body = response.into_body();
    assert_eq!(
        (body.offset, body.limit, body.count),
        (Some(0), Some(10), Some(2))
    );
    let data = body.data.expect("the page has data");
    assert_eq!(data.len(), 2);
    assert_eq!(data[0], expected_active_code());
    let mut second = ActiveCodeInfo::default();
    second.active_code_id = Some("0123456789abcdef0123456789abcdef".to_owned());
    second.active_code = Some("K2M4P6Q8R".to_owned());
    second.valid_period = Some(0);
    assert_eq!(data[1], second);
}

#[tokio::test]
async fn list_without_paging_values_sends_only_robot_id() {
    let server = TestServer::start(
        Reply::json(200, &json!({"count": 0, "data": []})).header("X-Request-Id", REQUEST_ID),
    )
    .await;
    let robot = "robot 1/é";

    let response = client(&server)
        .list_active_code()
        .robot_id(robot)
        .x_app_user_id("user-7")
        .send()
        .await
        .expect("List succeeds");

    let received = server.only_request();
    assert_eq!(
        received.target,
        format!("{BASE}?robot_id=robot%201%2F%C3%A9"),
        "only robot_id, percent-encoded"
    );
    assert_token_headers(&received, &server, Some("user-7"));
    assert_eq!(response.body().data.as_deref(), Some(&[][..]));
}

#[tokio::test]
async fn show_gets_one_code_without_a_body() {
    let server = TestServer::start(ok_active_code()).await;

    let response = client(&server)
        .show_active_code()
        .active_code_id(ID)
        .send()
        .await
        .expect("Show succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "GET");
    assert_eq!(received.target, format!("{BASE}/{ID}"));
    assert_token_headers(&received, &server, None);
    assert!(
        received.body.is_empty(),
        "Show sends no body, got {:?}",
        received.body_text()
    );
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(response.into_body(), expected_active_code());
}

#[tokio::test]
async fn update_puts_the_valid_period() {
    let server = TestServer::start(ok_active_code()).await;
    let response = client(&server)
        .update_active_code()
        .active_code_id(ID)
        .x_app_user_id("third-party-user-001")
        .body(UpdateActiveCodeReq::default().valid_period(10))
        .send()
        .await
        .expect("Update succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "PUT");
    assert_eq!(received.target, format!("{BASE}/{ID}"));
    assert_token_headers(&received, &server, Some("third-party-user-001"));
    assert_eq!(body_json(&received), json!({"valid_period": 10}));
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(response.body(), &expected_active_code());
}

#[tokio::test]
async fn update_with_an_empty_body_object_sends_braces_and_keeps_zero() {
    let server = TestServer::start(vec![ok_active_code(), ok_active_code()]).await;
    let client = client(&server);

    client
        .update_active_code()
        .active_code_id(ID)
        .body(UpdateActiveCodeReq::default())
        .send()
        .await
        .expect("Update with {} succeeds");
    client
        .update_active_code()
        .active_code_id(ID)
        .body(UpdateActiveCodeReq::default().valid_period(0))
        .send()
        .await
        .expect("Update with 0 succeeds");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        body_json(&requests[0]),
        json!({}),
        "absent fields are not sent"
    );
    assert_eq!(
        body_json(&requests[1]),
        json!({"valid_period": 0}),
        "0 (no expiry) is sent"
    );
}

#[tokio::test]
async fn reset_puts_clean_auth_credential() {
    let server = TestServer::start(ok_active_code()).await;
    let response = client(&server)
        .reset_active_code()
        .active_code_id(ID)
        .body(ResetActiveCodeReq::default().clean_auth_credential(true))
        .send()
        .await
        .expect("Reset succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "PUT");
    assert_eq!(received.target, format!("{BASE}/{ID}/reset"));
    assert_token_headers(&received, &server, None);
    assert_eq!(body_json(&received), json!({"clean_auth_credential": true}));
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(response.body(), &expected_active_code());
}

#[tokio::test]
async fn delete_posts_an_array_of_ids_and_accepts_an_empty_answer() {
    let server = TestServer::start(Reply::status(200).header("X-Request-Id", REQUEST_ID)).await;
    let ids = vec![ID.to_owned(), "0123456789abcdef0123456789abcdef".to_owned()];

    let response = client(&server)
        .delete_active_code()
        .body(ids)
        .x_app_user_id("user-9")
        .send()
        .await
        .expect("Delete succeeds");

    let received = server.only_request();
    assert_eq!(received.method, "POST");
    assert_eq!(received.target, format!("{BASE}/delete"));
    assert_token_headers(&received, &server, Some("user-9"));
    assert_eq!(
        body_json(&received),
        json!([ID, "0123456789abcdef0123456789abcdef"])
    );
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.request_id(), Some(REQUEST_ID));
    assert_eq!(response.body(), &());
}

#[tokio::test]
async fn the_documented_400_is_an_api_error_on_every_operation() {
    let server = TestServer::start(Responder::always(invalid_parameter())).await;
    let client = client(&server);

    assert_invalid_parameter(
        client
            .update_active_code()
            .active_code_id(ID)
            .body(UpdateActiveCodeReq::default().valid_period(10))
            .send()
            .await,
        "Update",
    );
    assert_invalid_parameter(
        client
            .delete_active_code()
            .body(vec![ID.to_owned()])
            .send()
            .await,
        "Delete",
    );
    assert_invalid_parameter(
        client
            .create_active_code()
            .body(create_body(10))
            .send()
            .await,
        "Create",
    );
    assert_invalid_parameter(
        client.list_active_code().robot_id(ROBOT).send().await,
        "List",
    );
    assert_invalid_parameter(
        client.show_active_code().active_code_id(ID).send().await,
        "Show",
    );
    assert_invalid_parameter(
        client.reset_active_code().active_code_id(ID).send().await,
        "Reset",
    );
    assert_eq!(
        server.request_count(),
        6,
        "a 400 is not retried: one request per operation"
    );
}

#[tokio::test]
async fn path_ids_arrive_percent_encoded_as_one_segment() {
    let server = TestServer::start(Responder::always(ok_active_code())).await;
    let client = client(&server);

    client
        .show_active_code()
        .active_code_id(AWKWARD_ID)
        .send()
        .await
        .expect("Show succeeds");
    client
        .update_active_code()
        .active_code_id(AWKWARD_ID)
        .body(UpdateActiveCodeReq::default().valid_period(1))
        .send()
        .await
        .expect("Update succeeds");
    client
        .reset_active_code()
        .active_code_id(AWKWARD_ID)
        .send()
        .await
        .expect("Reset succeeds");

    let requests = server.requests();
    let targets: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.target.as_str()))
        .collect();
    assert_eq!(
        targets,
        vec![
            ("GET", format!("{BASE}/{AWKWARD_ID_ENCODED}").as_str()),
            ("PUT", format!("{BASE}/{AWKWARD_ID_ENCODED}").as_str()),
            ("PUT", format!("{BASE}/{AWKWARD_ID_ENCODED}/reset").as_str()),
        ],
        "each id must be one percent-encoded path segment"
    );
    for request in &requests {
        let segments: Vec<&str> = request.path().split('/').collect();
        assert_eq!(
            segments.get(5).copied(),
            Some(AWKWARD_ID_ENCODED),
            "the id is segment 5 of `{}`",
            request.target
        );
        let decoded = percent_encoding::percent_decode_str(segments[5]).decode_utf8_lossy();
        assert_eq!(decoded, AWKWARD_ID, "the id decodes back to itself");
        assert_eq!(request.query(), None, "`?` in an id must not start a query");
    }
}

#[tokio::test]
async fn constraint_violations_are_reported_before_anything_is_sent() {
    let server = TestServer::start(Responder::always(ok_active_code())).await;
    let client = client(&server);

    let mut cases: Vec<(&str, &str, Result<(), Error>)> = Vec::new();
    for valid_period in [65536, -1] {
        let update = client
            .update_active_code()
            .active_code_id(ID)
            .body(UpdateActiveCodeReq::default().valid_period(valid_period));
        cases.push((
            "Update valid_period",
            "body.valid_period",
            update.send().await.map(drop).map_err(Error::into_untyped),
        ));
        let create = client.create_active_code().body(create_body(valid_period));
        cases.push((
            "Create valid_period",
            "body.valid_period",
            create.send().await.map(drop).map_err(Error::into_untyped),
        ));
    }
    for limit in [0, 101] {
        let list = client.list_active_code().robot_id(ROBOT).limit(limit);
        cases.push((
            "List limit",
            "limit",
            list.send().await.map(drop).map_err(Error::into_untyped),
        ));
    }
    let list = client.list_active_code().robot_id(ROBOT).offset(-1);
    cases.push((
        "List offset",
        "offset",
        list.send().await.map(drop).map_err(Error::into_untyped),
    ));
    let chinese = "用户一";
    cases.push((
        "Show X-App-UserId",
        "X-App-UserId",
        client
            .show_active_code()
            .active_code_id(ID)
            .x_app_user_id(chinese)
            .send()
            .await
            .map(drop)
            .map_err(Error::into_untyped),
    ));
    cases.push((
        "Update X-App-UserId",
        "X-App-UserId",
        client
            .update_active_code()
            .active_code_id(ID)
            .x_app_user_id(chinese)
            .send()
            .await
            .map(drop)
            .map_err(Error::into_untyped),
    ));
    cases.push((
        "Delete X-App-UserId",
        "X-App-UserId",
        client
            .delete_active_code()
            .body(vec![ID.to_owned()])
            .x_app_user_id(chinese)
            .send()
            .await
            .map(drop)
            .map_err(Error::into_untyped),
    ));
    // A required value left unset is named, with how to set it.
    cases.push((
        "Show without its id",
        "active_code_id",
        client
            .show_active_code()
            .send()
            .await
            .map(drop)
            .map_err(Error::into_untyped),
    ));
    cases.push((
        "Create without its body",
        "body",
        client
            .create_active_code()
            .send()
            .await
            .map(drop)
            .map_err(Error::into_untyped),
    ));

    for (case, expected_parameter, result) in cases {
        match result {
            Err(Error::Validation { parameter, rule }) => {
                assert_eq!(parameter, expected_parameter, "{case}: the parameter named");
                assert!(!rule.is_empty(), "{case}: the rule is explained");
            }
            other => panic!("{case}: expected Error::Validation, got {other:?}"),
        }
    }
    assert_eq!(
        server.request_count(),
        0,
        "nothing may be sent for an invalid request: {:#?}",
        server.requests()
    );

    // The limits themselves are allowed.
    client
        .update_active_code()
        .active_code_id(ID)
        .body(UpdateActiveCodeReq::default().valid_period(65535))
        .send()
        .await
        .expect("65535 is the largest valid period");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_client_without_project_id_fails_before_sending() {
    let server = TestServer::start(Responder::always(ok_active_code())).await;
    let built = Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::token(TOKEN))
        .env_lookup(|_| None)
        .build();
    // Whether `build` or the call reports it, the error names the project ID and nothing is
    // sent.
    let error = match built {
        Err(error) => error,
        Ok(client) => client
            .show_active_code()
            .active_code_id(ID)
            .send()
            .await
            .expect_err("a call without a project ID must fail")
            .into_untyped(),
    };
    match &error {
        Error::Config(message) => assert!(
            message.contains("project ID") && message.contains(".project_id("),
            "the message should say how to set the project ID: {message}"
        ),
        other => panic!("expected Error::Config, got {other:?}"),
    }
    assert_eq!(server.request_count(), 0, "nothing may be sent");
}

/// A list server over `total` items `code-00`, `code-01`, …: answers each page from the
/// received `offset` and `limit`.
fn paging_server(total: usize) -> Responder {
    Responder::from_fn(move |request| page_reply(request, total))
}

/// The page of `total` items that `request` asks for.
fn page_reply(request: &RecordedRequest, total: usize) -> Reply {
    let value = |name: &str| {
        request
            .query_pairs()
            .into_iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| value.parse::<usize>().ok())
    };
    let offset = value("offset").unwrap_or(0);
    let limit = value("limit").unwrap_or(10);
    let data: Vec<Value> = (offset..(offset + limit).min(total))
        .map(|i| json!({"active_code_id": format!("code-{i:02}"), "valid_period": i}))
        .collect();
    Reply::json(
        200,
        &json!({"offset": offset, "limit": limit, "count": total, "data": data}),
    )
    .header("X-Request-Id", format!("page-at-{offset}"))
}

/// The `offset` and `limit` of each received List request.
fn paging_of(requests: &[RecordedRequest]) -> Vec<(String, String)> {
    requests
        .iter()
        .map(|request| {
            let pairs = request.query_pairs();
            let get = |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_else(|| format!("<no {name}>"))
            };
            assert_eq!(get("robot_id"), ROBOT, "every page keeps robot_id");
            (get("offset"), get("limit"))
        })
        .collect()
}

#[tokio::test]
async fn the_list_stream_walks_every_page_in_order() {
    let server = TestServer::start(paging_server(23)).await;
    let client = client(&server);
    let items: Vec<ActiveCodeInfo> = client
        .list_active_code()
        .robot_id(ROBOT)
        .limit(10)
        .stream()
        .map(|item| item.expect("every page succeeds"))
        .collect()
        .await;

    let ids: Vec<String> = items
        .iter()
        .map(|item| item.active_code_id.clone().unwrap_or_default())
        .collect();
    let expected: Vec<String> = (0..23).map(|i| format!("code-{i:02}")).collect();
    assert_eq!(ids, expected, "all 23 items, in order");
    assert_eq!(
        paging_of(&server.requests()),
        vec![
            ("0".to_owned(), "10".to_owned()),
            ("10".to_owned(), "10".to_owned()),
            ("20".to_owned(), "10".to_owned()),
        ],
        "three pages at offsets 0, 10 and 20"
    );
}

#[tokio::test]
async fn the_list_stream_starts_at_the_requested_offset() {
    let server = TestServer::start(paging_server(23)).await;
    let client = client(&server);
    let ids: Vec<String> = client
        .list_active_code()
        .robot_id(ROBOT)
        .offset(15)
        .limit(5)
        .stream()
        .map(|item| {
            item.expect("every page succeeds")
                .active_code_id
                .unwrap_or_default()
        })
        .collect()
        .await;

    let expected: Vec<String> = (15..23).map(|i| format!("code-{i:02}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        paging_of(&server.requests()),
        vec![
            ("15".to_owned(), "5".to_owned()),
            ("20".to_owned(), "5".to_owned()),
        ]
    );
}

#[tokio::test]
async fn an_error_on_the_second_page_is_yielded_and_ends_the_stream() {
    let server = TestServer::start(Responder::from_fn(move |request| {
        let second_page = request
            .query_pairs()
            .iter()
            .any(|(key, value)| key == "offset" && value == "10");
        if second_page {
            invalid_parameter()
        } else {
            page_reply(request, 23)
        }
    }))
    .await;
    let client = client(&server);
    let mut stream = std::pin::pin!(client.list_active_code().robot_id(ROBOT).limit(10).stream());
    let mut ids = Vec::new();
    let error = loop {
        match stream.next().await {
            Some(Ok(item)) => ids.push(item.active_code_id.unwrap_or_default()),
            Some(Err(error)) => break error,
            None => panic!("the stream ended without yielding the second page's error"),
        }
    };
    let expected: Vec<String> = (0..10).map(|i| format!("code-{i:02}")).collect();
    assert_eq!(ids, expected, "the first page's items come first");
    assert_invalid_parameter::<(), _>(Err(error), "List page 2");
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    assert_eq!(
        paging_of(&server.requests()),
        vec![
            ("0".to_owned(), "10".to_owned()),
            ("10".to_owned(), "10".to_owned()),
        ],
        "no page is fetched after the error"
    );
}

#[tokio::test]
async fn an_api_error_body_decodes_as_the_documented_error_schema() {
    let server = TestServer::start(
        Reply::json(
            400,
            &json!({"error_code": "MSS.00000003", "error_msg": "Invalid parameter"}),
        )
        .header("X-Request-Id", REQUEST_ID),
    )
    .await;
    let error = client(&server)
        .show_active_code()
        .active_code_id(ID)
        .send()
        .await
        .expect_err("400 is an error");
    let api = error.as_api().expect("an API error");
    let typed: metastudio::types::ErrorResponse = api.json().expect("the documented 400 body");
    assert_eq!(typed.error_code.as_deref(), Some("MSS.00000003"));
    assert_eq!(typed.error_msg.as_deref(), Some("Invalid parameter"));
    // The operation's error type has it decoded already.
    match error.documented() {
        Some(metastudio::operations::ShowActiveCodeError::BadRequest(body)) => {
            assert_eq!(body, &typed)
        }
        other => panic!("expected the documented 400 body, got {other:?}"),
    }
}

#[tokio::test]
async fn a_200_missing_optional_fields_or_with_new_ones_still_parses() {
    let server = TestServer::start(vec![
        Reply::json(200, &json!({})).header("X-Request-Id", REQUEST_ID),
        Reply::json(
            200,
            &json!({"active_code_id": ID, "valid_period": 3, "a_field_added_later": {"x": 1}}),
        )
        .header("X-Request-Id", REQUEST_ID),
    ])
    .await;
    let client = client(&server);
    let request = client.show_active_code().active_code_id(ID);

    let empty = request.clone().send().await.expect("{} parses");
    assert_eq!(
        empty.into_body(),
        ActiveCodeInfo::default(),
        "every field absent"
    );

    let newer = request.send().await.expect("unknown fields are ignored");
    assert_eq!(newer.body().active_code_id.as_deref(), Some(ID));
    assert_eq!(newer.body().valid_period, Some(3));
}

/// Collects a stream, failing instead of hanging if it does not end.
async fn collect_within<T>(stream: impl futures_util::Stream<Item = T>) -> Vec<T> {
    tokio::time::timeout(std::time::Duration::from_secs(20), stream.collect())
        .await
        .expect("the stream ends")
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_ends_the_stream_with_an_error() {
    // The first page whatever the offset, and no `count`.
    let server = TestServer::start(Responder::from_fn(|_| {
        Reply::json(
            200,
            &json!({"data": [{"active_code_id": "code-00"}, {"active_code_id": "code-01"}]}),
        )
    }))
    .await;
    let client = client(&server);
    let results = collect_within(client.list_active_code().robot_id(ROBOT).limit(2).stream()).await;
    assert_eq!(results.len(), 3, "two items, then the error: {results:?}");
    let ids: Vec<String> = results[..2]
        .iter()
        .map(|item| {
            item.as_ref()
                .unwrap()
                .active_code_id
                .clone()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(ids, ["code-00", "code-01"]);
    match &results[2] {
        Err(Error::Pagination { pages, reason }) => {
            assert_eq!(*pages, 2);
            assert!(reason.contains("repeats"), "{reason}");
        }
        other => panic!("expected a pagination error, got {other:?}"),
    }
    assert_eq!(
        paging_of(&server.requests()),
        vec![
            ("0".to_owned(), "2".to_owned()),
            ("2".to_owned(), "2".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_list_that_never_ends_stops_at_the_page_limit() {
    // A new item at every offset, and never a `count`.
    let server = TestServer::start(Responder::from_fn(|request| {
        let offset = request
            .query_pairs()
            .into_iter()
            .find(|(key, _)| key == "offset")
            .map(|(_, value)| value)
            .unwrap_or_default();
        Reply::json(
            200,
            &json!({"data": [{"active_code_id": format!("code-{offset}")}]}),
        )
    }))
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .env_lookup(|_| None)
        .max_pages(5)
        .build()
        .unwrap();
    assert_eq!(client.max_pages(), 5);
    let results = collect_within(client.list_active_code().robot_id(ROBOT).stream()).await;
    assert_eq!(results.len(), 6, "{results:?}");
    assert!(results[..5].iter().all(Result::is_ok));
    let message = results[5].as_ref().unwrap_err().to_string();
    assert!(
        message.contains("limit of 5 pages") && message.contains("max_pages"),
        "{message}"
    );
    assert_eq!(server.request_count(), 5);
}

/// The documented 400 body of each operation, as its error type decoded it, and the declared
/// `X-Request-Id` header of each success, typed.
#[tokio::test]
async fn every_operation_decodes_its_documented_error_and_its_typed_headers() {
    use metastudio::operations::{
        CreateActiveCodeError, DeleteActiveCodeError, ListActiveCodeError, ResetActiveCodeError,
        ShowActiveCodeError, UpdateActiveCodeError,
    };
    use metastudio::types::ErrorResponse;

    let mut expected = ErrorResponse::default();
    expected.error_code = Some("MSS.00000003".to_owned());
    expected.error_msg = Some("Invalid parameter".to_owned());
    let failing = TestServer::start(Responder::always(invalid_parameter())).await;
    let client = client(&failing);
    let documented = |body: Option<&ErrorResponse>, operation: &str| {
        assert_eq!(
            body,
            Some(&expected),
            "{operation}: the documented 400 body"
        );
    };

    let error = client
        .create_active_code()
        .body(create_body(1))
        .send()
        .await
        .unwrap_err();
    documented(
        match error.documented() {
            Some(CreateActiveCodeError::BadRequest(body)) => Some(body),
            _ => None,
        },
        "Create",
    );
    let error = client
        .list_active_code()
        .robot_id(ROBOT)
        .send()
        .await
        .unwrap_err();
    documented(
        match error.documented() {
            Some(ListActiveCodeError::BadRequest(body)) => Some(body),
            _ => None,
        },
        "List",
    );
    let error = client
        .show_active_code()
        .active_code_id(ID)
        .send()
        .await
        .unwrap_err();
    documented(
        match error.documented() {
            Some(ShowActiveCodeError::BadRequest(body)) => Some(body),
            _ => None,
        },
        "Show",
    );
    let error = client
        .update_active_code()
        .active_code_id(ID)
        .send()
        .await
        .unwrap_err();
    documented(
        match error.documented() {
            Some(UpdateActiveCodeError::BadRequest(body)) => Some(body),
            _ => None,
        },
        "Update",
    );
    let error = client
        .reset_active_code()
        .active_code_id(ID)
        .send()
        .await
        .unwrap_err();
    documented(
        match error.documented() {
            Some(ResetActiveCodeError::BadRequest(body)) => Some(body),
            _ => None,
        },
        "Reset",
    );
    let error = client
        .delete_active_code()
        .body(vec![ID.to_owned()])
        .send()
        .await
        .unwrap_err();
    documented(
        match error.documented() {
            Some(DeleteActiveCodeError::BadRequest(body)) => Some(body),
            _ => None,
        },
        "Delete",
    );
    // Every error still says what an untyped one does.
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.request_id.as_deref(), Some(REQUEST_ID));
    assert_eq!(api.error_code.as_deref(), Some("MSS.00000003"));
    assert_eq!(api.attempts, 1);

    let page = json!({"count": 0, "data": []});
    let ok = TestServer::start(Responder::from_fn(move |request| {
        let reply = if request.method == "GET" && request.query().is_some() {
            Reply::json(200, &page)
        } else if request.target.ends_with("/delete") {
            Reply::status(200)
        } else {
            Reply::json(200, &documented_active_code())
        };
        reply.header("x-request-id", REQUEST_ID)
    }))
    .await;
    let client = self::client(&ok);
    let id = Some(REQUEST_ID);
    let created = client
        .create_active_code()
        .body(create_body(1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.typed_headers().x_request_id.as_deref(),
        id,
        "Create"
    );
    let listed = client
        .list_active_code()
        .robot_id(ROBOT)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.typed_headers().x_request_id.as_deref(), id, "List");
    let shown = client
        .show_active_code()
        .active_code_id(ID)
        .send()
        .await
        .unwrap();
    assert_eq!(shown.typed_headers().x_request_id.as_deref(), id, "Show");
    let updated = client
        .update_active_code()
        .active_code_id(ID)
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.typed_headers().x_request_id.as_deref(),
        id,
        "Update"
    );
    let reset = client
        .reset_active_code()
        .active_code_id(ID)
        .send()
        .await
        .unwrap();
    assert_eq!(reset.typed_headers().x_request_id.as_deref(), id, "Reset");
    let deleted = client
        .delete_active_code()
        .body(vec![ID.to_owned()])
        .send()
        .await
        .unwrap();
    assert_eq!(
        deleted.typed_headers().x_request_id.as_deref(),
        id,
        "Delete"
    );
}

/// A success status the spec does not list is read as the documented success when it can be,
/// and is `UndocumentedSuccess` (status and body kept) when it cannot; an error status the spec
/// does not list is an API error without a documented body.
#[tokio::test]
async fn undocumented_statuses_are_told_apart() {
    let server = TestServer::start(vec![
        Reply::status(204).header("X-Request-Id", REQUEST_ID),
        Reply::status(204).header("X-Request-Id", REQUEST_ID),
        Reply::json(202, &documented_active_code()),
        Reply::json(
            404,
            &json!({"error_code": "MSS.404", "error_msg": "No such code"}),
        ),
    ])
    .await;
    let client = client(&server);

    // Delete documents 200 without a body: a 204 is that success.
    let deleted = client
        .delete_active_code()
        .body(vec![ID.to_owned()])
        .send()
        .await
        .expect("an undocumented 204 of an operation without a body is its success");
    assert_eq!(deleted.status().as_u16(), 204);

    // Show documents 200 with a body: an empty 204 cannot be it.
    match client.show_active_code().active_code_id(ID).send().await {
        Err(Error::UndocumentedSuccess(api)) => {
            assert_eq!(api.status.as_u16(), 204);
            assert_eq!(api.request_id.as_deref(), Some(REQUEST_ID));
            assert!(api.body.is_empty());
        }
        other => panic!("expected UndocumentedSuccess, got {other:?}"),
    }

    // A 202 with the documented body is read as that body.
    let accepted = client
        .update_active_code()
        .active_code_id(ID)
        .send()
        .await
        .expect("a 202 with the documented body");
    assert_eq!(accepted.status().as_u16(), 202);
    assert_eq!(accepted.body(), &expected_active_code());

    // An undocumented 404 is an API error, with its fields read but nothing documented.
    let error = client
        .show_active_code()
        .active_code_id(ID)
        .send()
        .await
        .expect_err("404 is an error");
    let api = error.as_api().expect("an API error");
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.error_code.as_deref(), Some("MSS.404"));
    assert!(error.documented().is_none(), "404 is not documented");
}

/// A call's timeout, retry policy and headers apply to that call only.
#[tokio::test]
async fn per_call_options_change_one_call_only() {
    use std::time::Duration;
    let server = TestServer::start(vec![
        Reply::json(200, &documented_active_code()).delay(Duration::from_millis(800)),
        Reply::status(503),
        Reply::json(200, &documented_active_code()),
        Reply::json(200, &documented_active_code()),
    ])
    .await;
    // No retries, and a generous timeout, by default.
    let client = client(&server);

    match client
        .show_active_code()
        .active_code_id(ID)
        .timeout(Duration::from_millis(100))
        .send()
        .await
    {
        Err(Error::Timeout { timeout, .. }) => assert_eq!(timeout, Duration::from_millis(100)),
        other => panic!("expected the call's own timeout, got {other:?}"),
    }
    let retried = client
        .show_active_code()
        .active_code_id(ID)
        .retry(RetryPolicy::default().base_delay(Duration::ZERO))
        .header("X-Trace", "call-7")
        .send()
        .await
        .expect("the call's own retry policy retries the 503");
    assert_eq!(retried.status().as_u16(), 200);
    let plain = client
        .show_active_code()
        .active_code_id(ID)
        .send()
        .await
        .expect("the next call uses the client's settings");
    assert_eq!(plain.status().as_u16(), 200);

    let requests = server.requests();
    assert_eq!(
        requests.len(),
        4,
        "one timed out, one retried once, one plain"
    );
    let traces: Vec<Option<&str>> = requests.iter().map(|r| r.header("X-Trace")).collect();
    assert_eq!(
        traces,
        [None, Some("call-7"), Some("call-7"), None],
        "the header goes with its call's attempts only"
    );
}

/// A page stream owns its call (and a clone of the client), so it moves into a spawned task.
#[tokio::test]
async fn a_page_stream_runs_in_a_spawned_task() {
    let server = TestServer::start(paging_server(7)).await;
    let stream = client(&server)
        .list_active_code()
        .robot_id(ROBOT)
        .limit(3)
        .stream();
    let items = tokio::spawn(async move { stream.collect::<Vec<_>>().await })
        .await
        .expect("the task ends");
    let ids: Vec<String> = items
        .into_iter()
        .map(|item| {
            item.expect("every page succeeds")
                .active_code_id
                .unwrap_or_default()
        })
        .collect();
    let expected: Vec<String> = (0..7).map(|i| format!("code-{i:02}")).collect();
    assert_eq!(ids, expected);
}
