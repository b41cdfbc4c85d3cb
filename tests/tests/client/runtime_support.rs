//! Shared by the `runtime_*` tests: a service description like the generated MetaStudio one,
//! hand-built operation requests, a fake clock and a recording sleep.
#![allow(dead_code)]

use metastudio::runtime::{Client, ClientBuilder, Credentials, OperationRequest, RequestBody};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const AK: &str = "HPUAEXAMPLEAK0000001";
pub const SK: &str = "ExampleSecretKey0123456789abcdefghijklmn";
pub const TOKEN: &str = "MIIEXAMPLE-iam-token-secret";
pub const PROJECT: &str = "70b76xxxxxx34253880af501cdxxxxxx";

/// What the generator emits for `spec/metastudio.yaml`.
pub use metastudio::SERVICE;

/// 2023-09-01T06:50:21Z, the reference's worked example.
pub const START_SECS: u64 = 1_693_551_021;

/// A clock that starts at [`START_SECS`] and advances one second each time it is read.
pub fn advancing_clock() -> impl Fn() -> SystemTime + Send + Sync + 'static {
    let next = Arc::new(AtomicU64::new(START_SECS));
    move || UNIX_EPOCH + Duration::from_secs(next.fetch_add(1, Ordering::SeqCst))
}

/// A clock pinned at [`START_SECS`].
pub fn pinned_clock() -> impl Fn() -> SystemTime + Send + Sync + 'static {
    || UNIX_EPOCH + Duration::from_secs(START_SECS)
}

/// Records every backoff delay and returns at once.
#[derive(Clone, Default)]
pub struct Sleeps(Arc<Mutex<Vec<Duration>>>);

impl Sleeps {
    pub fn recorded(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }

    pub fn install(&self, builder: ClientBuilder) -> ClientBuilder {
        let sleeps = self.clone();
        builder.sleep(move |delay| {
            sleeps.0.lock().unwrap().push(delay);
            async {}
        })
    }
}

/// A builder pointed at `url` with AK/SK credentials, the project ID, an advancing clock and no
/// real sleeping; the environment is empty.
pub fn aksk_builder(url: &str, sleeps: &Sleeps) -> ClientBuilder {
    let builder = Client::builder_for(&SERVICE)
        .endpoint(url)
        .project_id(PROJECT)
        .credentials(Credentials::ak_sk(AK, SK))
        .clock(advancing_clock())
        .env_lookup(|_| None);
    sleeps.install(builder)
}

/// A builder pointed at `url` with token credentials and no real sleeping.
pub fn token_builder(url: &str, sleeps: &Sleeps) -> ClientBuilder {
    let builder = Client::builder_for(&SERVICE)
        .endpoint(url)
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .clock(advancing_clock())
        .env_lookup(|_| None);
    sleeps.install(builder)
}

/// `ShowActiveCode`: GET, idempotent, no body.
pub fn show(active_code_id: &str) -> OperationRequest {
    OperationRequest {
        operation_id: "ShowActiveCode",
        method: http::Method::GET,
        path: format!("/v1/{PROJECT}/digital-human-chat/active-code/{active_code_id}"),
        query: Vec::new(),
        headers: Vec::new(),
        body: None,
        idempotent: true,
        options: Default::default(),
    }
}

/// `UpdateActiveCode`: PUT, idempotent, JSON body.
pub fn update(active_code_id: &str, body: &serde_json::Value) -> OperationRequest {
    OperationRequest {
        operation_id: "UpdateActiveCode",
        method: http::Method::PUT,
        path: format!("/v1/{PROJECT}/digital-human-chat/active-code/{active_code_id}"),
        query: Vec::new(),
        headers: Vec::new(),
        body: Some(RequestBody::json(body).unwrap()),
        idempotent: true,
        options: Default::default(),
    }
}

/// `CreateActiveCode`: POST, not idempotent.
pub fn create(body: &serde_json::Value) -> OperationRequest {
    OperationRequest {
        operation_id: "CreateActiveCode",
        method: http::Method::POST,
        path: format!("/v1/{PROJECT}/digital-human-chat/active-code"),
        query: Vec::new(),
        headers: Vec::new(),
        body: Some(RequestBody::json(body).unwrap()),
        idempotent: false,
        options: Default::default(),
    }
}

/// `ListActiveCode`: GET with query parameters.
pub fn list(query: &[(&str, &str)]) -> OperationRequest {
    OperationRequest {
        operation_id: "ListActiveCode",
        method: http::Method::GET,
        path: format!("/v1/{PROJECT}/digital-human-chat/active-code"),
        query: query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        headers: Vec::new(),
        body: None,
        idempotent: true,
        options: Default::default(),
    }
}

/// Checks the request's signature with the independent verifier.
pub fn assert_signed(request: &tests::server::RecordedRequest) {
    if let Err(problem) = tests::verify::verify(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        AK,
        SK,
    ) {
        panic!("signature check failed: {problem}\nrequest:\n{request:?}");
    }
}
