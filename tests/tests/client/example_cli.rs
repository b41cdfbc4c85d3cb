//! The `update_active_code` example (package `metastudio`) run as a real process against a
//! loopback server: configuration from the environment, token and AK/SK authentication, an
//! API error, bad arguments and missing configuration, each with its exit code and output.
//!
//! The example is built once per test run with `cargo build --message-format=json` (cargo
//! reports where the executable is), then run directly. The child gets a clean environment:
//! every inherited `CLOUD_SDK_*`, `HUAWEICLOUD_SDK_*` and proxy variable is removed and only
//! what a test sets is passed.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use tests::server::{RecordedRequest, Reply, TestServer};

const TOKEN: &str = "MIIE-example-cli-iam-token";
const AK: &str = "HPUAEXAMPLECLIAK0001";
const SK: &str = "ExampleCliSecretKey0123456789abcdefghijk";
const SECURITY_TOKEN: &str = "example-cli-security-token";
const PROJECT: &str = "70b76xxxxxx34253880af501cdxxxxxx";
const ID: &str = "39b9cedccec1f19b33d8f7ce1a6d35b9";
/// `/v1/{project_id}/digital-human-chat/active-code/{active_code_id}`.
const PATH: &str = "/v1/70b76xxxxxx34253880af501cdxxxxxx/digital-human-chat/active-code/39b9cedccec1f19b33d8f7ce1a6d35b9";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives inside the workspace")
        .to_path_buf()
}

/// Builds the example and returns its executable, as cargo reports it.
fn build_example() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "--quiet",
            "--package",
            "metastudio",
            "--example",
            "update_active_code",
            "--message-format=json",
        ])
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("could not run {}: {error}", cargo.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "building the example failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| {
            message["reason"] == "compiler-artifact"
                && message["target"]["name"] == "update_active_code"
                && message["target"]["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|kind| kind == "example"))
        })
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no executable for the example update_active_code".into())
}

/// The example's executable, built once for all tests.
async fn example() -> PathBuf {
    static EXAMPLE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = tokio::task::spawn_blocking(|| EXAMPLE.get_or_init(build_example).clone())
        .await
        .expect("the build task finishes");
    built.unwrap_or_else(|problem| panic!("{problem}"))
}

/// How a run of the example ended.
#[derive(Debug)]
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    /// Asserts the exit code, showing the output when it differs.
    fn assert_code(&self, expected: i32) {
        assert_eq!(
            self.code,
            Some(expected),
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
    }

    /// Asserts that stderr is exactly one line, and returns it.
    fn one_stderr_line(&self) -> &str {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "stderr should be one line, got:\n{}",
            self.stderr
        );
        lines[0]
    }

    /// Asserts that no secret appears in the output.
    fn assert_no_secret(&self) {
        for secret in [TOKEN, SK, SECURITY_TOKEN] {
            assert!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "a secret was printed; stdout:\n{}\nstderr:\n{}",
                self.stdout,
                self.stderr
            );
        }
    }
}

/// Whether an inherited variable must not reach the child.
fn scrubbed(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.starts_with("CLOUD_SDK_")
        || upper.starts_with("HUAWEICLOUD_SDK_")
        || upper.ends_with("_PROXY")
}

/// Runs the example with `args` and exactly the configuration in `env`, while the test's
/// runtime keeps serving the loopback server.
async fn run(args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let executable = example().await;
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let output = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(&executable);
        command
            .args(&args)
            .current_dir(workspace_root())
            .stdin(Stdio::null());
        for (name, _) in std::env::vars_os() {
            if scrubbed(&name.to_string_lossy()) {
                command.env_remove(&name);
            }
        }
        command.envs(env);
        command.output()
    })
    .await
    .expect("the example's task finishes")
    .expect("the example starts");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn documented_active_code() -> Value {
    json!({
        "active_code_id": ID,
        "active_code": "H7GW3T2E7",
        "robot_id": "4d54xxxxxxc446249xxxxxxxxxx6526",
        "room_id": "41c86xxxxxx34253850af102cdxxxxxx",
        "valid_period": 10,
        "expire_time": "2023-09-11T06:50:21Z",
        "create_time": "2023-09-01T06:34:21Z",
        "update_time": "2023-09-01T06:50:21Z"
    })
}

fn body_json(request: &RecordedRequest) -> Value {
    request
        .json()
        .unwrap_or_else(|error| panic!("the body is not JSON ({error}): {:?}", request.body_text()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_auth_prints_the_body_and_the_request_id() {
    let server = TestServer::start(
        Reply::json(200, &documented_active_code()).header("X-Request-Id", "req-cli-200"),
    )
    .await;
    let url = server.url();

    let outcome = run(
        &[ID, "10", "--app-user-id", "third-party-user-001"],
        &[
            ("CLOUD_SDK_ENDPOINT", &url),
            ("CLOUD_SDK_PROJECT_ID", PROJECT),
            ("CLOUD_SDK_TOKEN", TOKEN),
        ],
    )
    .await;

    outcome.assert_code(0);
    let printed: Value = serde_json::from_str(&outcome.stdout).unwrap_or_else(|error| {
        panic!("stdout is not the JSON body ({error}):\n{}", outcome.stdout)
    });
    assert_eq!(printed, documented_active_code(), "stdout is the body");
    assert!(
        outcome.stderr.contains("request id: req-cli-200"),
        "stderr should give the request id:\n{}",
        outcome.stderr
    );
    outcome.assert_no_secret();

    let received = server.only_request();
    assert_eq!(received.method, "PUT");
    assert_eq!(received.target, PATH);
    assert_eq!(received.header_all("X-Auth-Token"), vec![TOKEN]);
    assert!(
        !received.has_header("Authorization"),
        "token auth is not signed"
    );
    assert_eq!(
        received.header_all("X-App-UserId"),
        vec!["third-party-user-001"]
    );
    assert_eq!(received.header("Content-Type"), Some("application/json"));
    assert_eq!(body_json(&received), json!({"valid_period": 10}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ak_sk_from_the_environment_signs_the_request() {
    let server = TestServer::start(
        Reply::json(200, &documented_active_code()).header("X-Request-Id", "req-cli-aksk"),
    )
    .await;
    let url = server.url();

    let outcome = run(
        &[ID, "30"],
        &[
            ("CLOUD_SDK_ENDPOINT", &url),
            ("CLOUD_SDK_PROJECT_ID", PROJECT),
            ("CLOUD_SDK_AK", AK),
            ("CLOUD_SDK_SK", SK),
            ("CLOUD_SDK_SECURITY_TOKEN", SECURITY_TOKEN),
        ],
    )
    .await;

    outcome.assert_code(0);
    assert!(
        outcome.stderr.contains("request id: req-cli-aksk"),
        "stderr should give the request id:\n{}",
        outcome.stderr
    );
    outcome.assert_no_secret();

    let received = server.only_request();
    assert_eq!(received.method, "PUT");
    assert_eq!(received.target, PATH);
    assert_eq!(body_json(&received), json!({"valid_period": 30}));
    if let Err(problem) = tests::verify::verify(
        &received.method,
        &received.target,
        &received.headers,
        &received.body,
        AK,
        SK,
    ) {
        panic!("the example's request does not verify: {problem}\nrequest:\n{received:?}");
    }
    let authorization = received.header("Authorization").unwrap_or_default();
    assert!(
        authorization.contains(
            "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token,"
        ),
        "the signed headers: {authorization}"
    );
    assert_eq!(received.header_all("X-Project-Id"), vec![PROJECT]);
    assert_eq!(
        received.header_all("X-Security-Token"),
        vec![SECURITY_TOKEN]
    );
    assert_eq!(
        received.header("Host"),
        Some(server.authority().as_str()),
        "Host"
    );
    assert!(!received.has_header("X-Auth-Token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_error_exits_1_with_status_code_message_and_request_id() {
    let server = TestServer::start(
        Reply::json(
            400,
            &json!({"error_code": "MSS.00000003", "error_msg": "Invalid parameter"}),
        )
        .header("X-Request-Id", "req-cli-400"),
    )
    .await;
    let url = server.url();

    let outcome = run(
        &[ID, "10"],
        &[
            ("CLOUD_SDK_ENDPOINT", &url),
            ("CLOUD_SDK_PROJECT_ID", PROJECT),
            ("CLOUD_SDK_TOKEN", TOKEN),
        ],
    )
    .await;

    outcome.assert_code(1);
    assert_eq!(outcome.stdout, "", "nothing on stdout for an error");
    for part in ["400", "MSS.00000003", "Invalid parameter", "req-cli-400"] {
        assert!(
            outcome.stderr.contains(part),
            "stderr should contain `{part}`:\n{}",
            outcome.stderr
        );
    }
    outcome.assert_no_secret();
    assert_eq!(server.request_count(), 1, "a 400 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_exit_2_with_one_line_and_send_nothing() {
    let server = TestServer::start(Reply::json(200, &documented_active_code())).await;
    let url = server.url();
    let env = [
        ("CLOUD_SDK_ENDPOINT", url.as_str()),
        ("CLOUD_SDK_PROJECT_ID", PROJECT),
        ("CLOUD_SDK_TOKEN", TOKEN),
    ];

    let not_a_number = run(&[ID, "abc"], &env).await;
    not_a_number.assert_code(2);
    let line = not_a_number.one_stderr_line();
    assert!(
        line.contains("valid_period") && line.contains("abc"),
        "the message should name valid_period and the bad value: {line}"
    );
    assert_eq!(not_a_number.stdout, "");

    let missing = run(&[ID], &env).await;
    missing.assert_code(2);
    let line = missing.one_stderr_line();
    assert!(
        line.contains("usage") && line.contains("<valid_period>"),
        "the message should show the usage: {line}"
    );
    assert_eq!(missing.stdout, "");

    assert_eq!(server.request_count(), 0, "nothing may be sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_configuration_exits_2_with_one_line_and_sends_nothing() {
    let server = TestServer::start(Reply::json(200, &documented_active_code())).await;
    let url = server.url();

    let no_credentials = run(
        &[ID, "10"],
        &[
            ("CLOUD_SDK_ENDPOINT", &url),
            ("CLOUD_SDK_PROJECT_ID", PROJECT),
        ],
    )
    .await;
    no_credentials.assert_code(2);
    let line = no_credentials.one_stderr_line();
    assert!(
        line.contains("credentials") && line.contains("CLOUD_SDK_AK"),
        "the message should say how to give credentials: {line}"
    );

    let half_pair = run(
        &[ID, "10"],
        &[
            ("CLOUD_SDK_ENDPOINT", &url),
            ("CLOUD_SDK_PROJECT_ID", PROJECT),
            ("CLOUD_SDK_AK", AK),
        ],
    )
    .await;
    half_pair.assert_code(2);
    let line = half_pair.one_stderr_line();
    assert!(
        line.contains("CLOUD_SDK_SK"),
        "the message should name the missing variable: {line}"
    );

    let no_project = run(
        &[ID, "10"],
        &[("CLOUD_SDK_ENDPOINT", &url), ("CLOUD_SDK_TOKEN", TOKEN)],
    )
    .await;
    no_project.assert_code(2);
    let line = no_project.one_stderr_line();
    assert!(
        line.contains("CLOUD_SDK_PROJECT_ID"),
        "the message should say how to set the project ID: {line}"
    );
    no_project.assert_no_secret();

    assert_eq!(server.request_count(), 0, "nothing may be sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_body_that_is_not_json_is_shown_as_an_excerpt() {
    let page = "<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n";
    let server =
        TestServer::start(Reply::html(400, page).header("X-Request-Id", "req-cli-html")).await;
    let url = server.url();

    let outcome = run(
        &[ID, "10"],
        &[
            ("CLOUD_SDK_ENDPOINT", &url),
            ("CLOUD_SDK_PROJECT_ID", PROJECT),
            ("CLOUD_SDK_TOKEN", TOKEN),
        ],
    )
    .await;

    outcome.assert_code(1);
    assert_eq!(outcome.stdout, "");
    for part in [
        "status: 400",
        "error code: -",
        "request id: req-cli-html",
        "body: <html> <head><title>400 Bad Request</title></head> <body> <center><h1>400 Bad Request</h1></center>",
    ] {
        assert!(
            outcome.stderr.contains(part),
            "stderr should contain `{part}`:\n{}",
            outcome.stderr
        );
    }
    let body_lines = outcome
        .stderr
        .lines()
        .filter(|l| l.starts_with("body: "))
        .count();
    assert_eq!(
        body_lines, 1,
        "the excerpt is one line:\n{}",
        outcome.stderr
    );
    outcome.assert_no_secret();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_with_a_code_prints_no_body_excerpt() {
    let server = TestServer::start(Reply::json(
        400,
        &json!({"error_code": "MSS.00000003", "error_msg": "Invalid parameter"}),
    ))
    .await;
    let url = server.url();
    let outcome = run(
        &[ID, "10"],
        &[
            ("CLOUD_SDK_ENDPOINT", &url),
            ("CLOUD_SDK_PROJECT_ID", PROJECT),
            ("CLOUD_SDK_TOKEN", TOKEN),
        ],
    )
    .await;
    outcome.assert_code(1);
    assert!(!outcome.stderr.contains("body:"), "{}", outcome.stderr);
}
