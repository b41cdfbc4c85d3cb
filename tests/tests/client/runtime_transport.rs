//! What the runtime puts on the wire, checked on a loopback server: AK/SK signing with the
//! vendor SDK's header set, token auth, query encoding, Host, User-Agent, default headers.

use super::runtime_support::*;
use metastudio::runtime::credentials::AkSk;
use metastudio::runtime::{Client, Credentials, Error, OperationRequest, RequestBody};
use serde_json::json;
use tests::server::{RecordedRequest, Reply, TestServer};

fn signed_headers(request: &RecordedRequest) -> String {
    let authorization = request.header("Authorization").expect("Authorization");
    authorization
        .split(", ")
        .find_map(|part| part.strip_prefix("SignedHeaders="))
        .expect("SignedHeaders")
        .to_owned()
}

#[tokio::test]
async fn aksk_put_matches_the_vendor_sdk_on_the_wire() {
    let server = TestServer::start(Reply::json(200, &json!({"valid_period": 10}))).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .clock(pinned_clock())
        .build()
        .unwrap();
    let mut request = update(
        "39b9cedccec1f19b33d8f7ce1a6d35b9",
        &json!({"valid_period": 10}),
    );
    request
        .headers
        .push(("X-App-UserId", "third-party-user-001".to_owned()));
    client.execute(request).await.unwrap();

    let sent = server.only_request();
    assert_signed(&sent);
    assert_eq!(sent.method, "PUT");
    assert_eq!(
        sent.target,
        "/v1/70b76xxxxxx34253880af501cdxxxxxx/digital-human-chat/active-code/39b9cedccec1f19b33d8f7ce1a6d35b9"
    );
    assert_eq!(
        signed_headers(&sent),
        "content-type;host;user-agent;x-app-userid;x-project-id;x-sdk-date"
    );
    assert_eq!(sent.header("Host"), Some(server.authority().as_str()));
    assert_eq!(sent.header_all("Host").len(), 1);
    assert_eq!(sent.header("X-Sdk-Date"), Some("20230901T065021Z"));
    assert_eq!(sent.header("X-Project-Id"), Some(PROJECT));
    assert_eq!(sent.header("Content-Type"), Some("application/json"));
    assert_eq!(sent.header("X-App-UserId"), Some("third-party-user-001"));
    assert!(
        sent.header("User-Agent")
            .unwrap()
            .starts_with("metastudio-rust/")
    );
    assert!(
        sent.header("Authorization")
            .unwrap()
            .starts_with("SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=")
    );
    assert!(!sent.has_header("X-Auth-Token"));
    assert_eq!(sent.body, br#"{"valid_period":10}"#);
    assert_eq!(sent.header("Content-Length"), Some("19"));
}

#[tokio::test]
async fn aksk_get_without_body_sends_content_type_and_the_canonical_query() {
    let server = TestServer::start(Reply::json(200, &json!({"count": 0, "data": []}))).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    client
        .execute(list(&[
            ("robot_id", "r 1/é"),
            ("offset", "0"),
            ("limit", "10"),
        ]))
        .await
        .unwrap();
    let sent = server.only_request();
    assert_signed(&sent);
    assert_eq!(sent.method, "GET");
    // The wire query is the signer's canonical one: sorted, unreserved kept, the rest %XX.
    assert_eq!(
        sent.query(),
        Some("limit=10&offset=0&robot_id=r%201%2F%C3%A9")
    );
    assert_eq!(sent.header("Content-Type"), Some("application/json"));
    assert!(sent.body.is_empty());
    assert_eq!(
        signed_headers(&sent),
        "content-type;host;user-agent;x-project-id;x-sdk-date"
    );
}

#[tokio::test]
async fn temporary_credentials_send_and_sign_the_security_token() {
    let server = TestServer::start(Reply::status(200)).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .credentials(Credentials::AkSk(
            AkSk::new(AK, SK).with_security_token("temporary-token"),
        ))
        .build()
        .unwrap();
    client.execute(show("a")).await.unwrap();
    let sent = server.only_request();
    assert_signed(&sent);
    assert_eq!(sent.header("X-Security-Token"), Some("temporary-token"));
    assert_eq!(
        signed_headers(&sent),
        "content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token"
    );
}

#[tokio::test]
async fn token_auth_sends_x_auth_token_and_no_signature() {
    let server = TestServer::start(Reply::status(200)).await;
    let client = token_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    client
        .execute(list(&[
            ("robot_id", "r 1/é"),
            ("offset", "0"),
            ("a", "~x+y"),
        ]))
        .await
        .unwrap();
    let sent = server.only_request();
    assert_eq!(sent.header("X-Auth-Token"), Some(TOKEN));
    assert!(!sent.has_header("Authorization"));
    assert!(!sent.has_header("X-Sdk-Date"));
    assert!(!sent.has_header("X-Project-Id"));
    assert_eq!(sent.header("Content-Type"), Some("application/json"));
    // Query pairs in the given order, percent-encoded except unreserved characters.
    assert_eq!(
        sent.query(),
        Some("robot_id=r%201%2F%C3%A9&offset=0&a=~x%2By")
    );
}

#[tokio::test]
async fn an_endpoint_path_prefix_and_default_headers_are_sent_and_signed() {
    let server = TestServer::start(Reply::status(200)).await;
    let client = aksk_builder(&format!("{}/gateway/", server.url()), &Sleeps::default())
        .default_header("X-Tenant", "blue")
        .default_header("X-App-UserId", "default-user")
        .user_agent("my-app/2.1")
        .build()
        .unwrap();
    let mut request = show("a%2Fb");
    request
        .headers
        .push(("X-App-UserId", "own-user".to_owned()));
    client.execute(request).await.unwrap();
    let sent = server.only_request();
    assert_signed(&sent);
    assert_eq!(
        sent.path(),
        format!("/gateway/v1/{PROJECT}/digital-human-chat/active-code/a%2Fb")
    );
    assert_eq!(sent.header("X-Tenant"), Some("blue"));
    // The operation's own header wins over the default.
    assert_eq!(sent.header_all("X-App-UserId"), vec!["own-user"]);
    assert_eq!(
        sent.header("User-Agent"),
        Some(concat!(
            "metastudio-rust/",
            env!("CARGO_PKG_VERSION"),
            "; my-app/2.1"
        ))
    );
    assert_eq!(
        signed_headers(&sent),
        "content-type;host;user-agent;x-app-userid;x-project-id;x-sdk-date;x-tenant"
    );
}

#[tokio::test]
async fn a_header_value_with_a_line_break_is_a_validation_error_and_nothing_is_sent() {
    let server = TestServer::start(Reply::status(200)).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    let mut request = show("a");
    request
        .headers
        .push(("X-App-UserId", "evil\r\nX-Injected: 1".to_owned()));
    let error = client.execute(request).await.unwrap_err();
    match &error {
        Error::Validation { parameter, .. } => assert_eq!(parameter, "X-App-UserId"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_request_the_signer_refuses_is_a_signing_error_and_nothing_is_sent() {
    let server = TestServer::start(Reply::status(200)).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    let mut request = show("a");
    request.headers.push(("X-Sdk-Date", "yesterday".to_owned()));
    let error = client.execute(request).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Signing {
                operation: "ShowActiveCode",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn without_a_project_id_no_x_project_id_is_sent() {
    let server = TestServer::start(Reply::status(204)).await;
    let client = Client::builder_for(&SERVICE)
        .endpoint(server.url())
        .credentials(Credentials::ak_sk(AK, SK))
        .env_lookup(|_| None)
        .build()
        .unwrap();
    let raw = client
        .execute(OperationRequest {
            operation_id: "DeleteActiveCode",
            method: http::Method::POST,
            path: "/v1/p/digital-human-chat/active-code/delete".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(RequestBody::json(&["id1", "id2"]).unwrap()),
            idempotent: false,
            options: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(raw.status(), 204);
    let sent = server.only_request();
    assert_signed(&sent);
    assert!(!sent.has_header("X-Project-Id"));
    assert_eq!(sent.body, br#"["id1","id2"]"#);
    assert_eq!(
        signed_headers(&sent),
        "content-type;host;user-agent;x-sdk-date"
    );
    // And the operation asking for it gets an actionable error.
    let message = client
        .client_parameter("project_id")
        .unwrap_err()
        .to_string();
    assert!(message.contains(".project_id("), "{message}");
}

#[tokio::test]
async fn a_clone_shares_the_connection_pool() {
    let server = TestServer::start(Reply::status(200)).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    let clone = client.clone();
    client.execute(show("a")).await.unwrap();
    clone.execute(show("b")).await.unwrap();
    assert_eq!(server.request_count(), 2);
    assert_eq!(
        server.connection_count(),
        1,
        "the connection is kept alive and reused"
    );
}

/// A service whose spec declares the generic schemes instead of MetaStudio's.
static GENERIC: metastudio::runtime::ServiceInfo = metastudio::runtime::ServiceInfo {
    title: "Generic",
    version: "1",
    server_url: "http://localhost",
    server_variables: &[],
    region_env_prefix: None,
    request_id_header: "X-Request-Id",
    auth_schemes: &[
        metastudio::runtime::AuthScheme::ApiKeyQuery { name: "api_key" },
        metastudio::runtime::AuthScheme::Basic,
    ],
    environment: metastudio::runtime::Environment::NONE,
    ..metastudio::runtime::ServiceInfo::EMPTY
};

#[tokio::test]
async fn basic_and_query_api_key_schemes_are_applied_from_the_spec() {
    let server = TestServer::start(vec![Reply::status(200), Reply::status(200)]).await;

    let basic = Client::builder_for(&GENERIC)
        .endpoint(server.url())
        .credentials(Credentials::basic("aladdin", "open sesame"))
        .env_lookup(|_| None)
        .build()
        .unwrap();
    assert!(
        format!("{basic:?}").contains("** redacted **") && !format!("{basic:?}").contains("sesame"),
        "the password never shows in Debug"
    );
    basic.execute(list(&[("a", "1")])).await.unwrap();

    let query_key = Client::builder_for(&GENERIC)
        .endpoint(server.url())
        .credentials(Credentials::token("k/ey"))
        .env_lookup(|_| None)
        .build()
        .unwrap();
    query_key.execute(list(&[("a", "1")])).await.unwrap();

    let sent = server.requests();
    // RFC 7617's example: "Aladdin:open sesame" with a lower-case user here.
    assert_eq!(
        sent[0].header("Authorization"),
        Some("Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    assert_eq!(sent[0].query(), Some("a=1"));
    assert!(!sent[1].has_header("Authorization"));
    assert_eq!(sent[1].query(), Some("a=1&api_key=k%2Fey"));

    static COOKIE: metastudio::runtime::ServiceInfo = metastudio::runtime::ServiceInfo {
        auth_schemes: &[metastudio::runtime::AuthScheme::ApiKeyCookie { name: "session" }],
        ..GENERIC
    };
    let cookie_server = TestServer::start(Reply::status(200)).await;
    let mut with_cookie_param = list(&[]);
    with_cookie_param
        .headers
        .push(("Cookie", "theme=dark".to_owned()));
    Client::builder_for(&COOKIE)
        .endpoint(cookie_server.url())
        .credentials(Credentials::token("s3cret"))
        .env_lookup(|_| None)
        .build()
        .unwrap()
        .execute(with_cookie_param)
        .await
        .unwrap();
    assert_eq!(
        cookie_server.only_request().header_all("Cookie"),
        ["session=s3cret; theme=dark"],
        "one Cookie header carries the key and the operation's cookies"
    );

    let refused = Client::builder_for(&SERVICE)
        .endpoint(server.url())
        .credentials(Credentials::basic("u", "p"))
        .env_lookup(|_| None)
        .build();
    assert!(
        matches!(&refused, Err(Error::Config(message)) if message.contains("does not accept basic")),
        "MetaStudio declares no basic scheme: {refused:?}"
    );
}

#[tokio::test]
async fn an_api_key_cookie_is_percent_encoded_like_cookie_parameters() {
    static COOKIE: metastudio::runtime::ServiceInfo = metastudio::runtime::ServiceInfo {
        auth_schemes: &[metastudio::runtime::AuthScheme::ApiKeyCookie { name: "session" }],
        ..GENERIC
    };
    let server = TestServer::start(Reply::status(200)).await;
    let mut with_cookie_param = list(&[]);
    with_cookie_param
        .headers
        .push(("Cookie", "theme=dark".to_owned()));
    Client::builder_for(&COOKIE)
        .endpoint(server.url())
        .credentials(Credentials::token("a;b c,d"))
        .env_lookup(|_| None)
        .build()
        .unwrap()
        .execute(with_cookie_param)
        .await
        .unwrap();
    assert_eq!(
        server.only_request().header_all("Cookie"),
        ["session=a%3Bb%20c%2Cd; theme=dark"],
        "`;`, `,` and spaces cannot split the key into other cookies"
    );
}

#[tokio::test]
async fn a_request_without_a_body_has_a_content_type_only_when_the_spec_says() {
    let server = TestServer::start(vec![Reply::status(200), Reply::status(200)]).await;
    let generic = Client::builder_for(&GENERIC)
        .endpoint(server.url())
        .credentials(Credentials::token("k"))
        .env_lookup(|_| None)
        .build()
        .unwrap();
    generic.execute(list(&[])).await.unwrap();
    let metastudio = token_builder(&server.url(), &Sleeps::default())
        .build()
        .unwrap();
    metastudio.execute(list(&[])).await.unwrap();
    let sent = server.requests();
    assert!(!sent[0].has_header("Content-Type"), "{:?}", sent[0]);
    assert_eq!(
        sent[1].header("Content-Type"),
        Some("application/json"),
        "MetaStudio's x-content-type-without-body"
    );
}
