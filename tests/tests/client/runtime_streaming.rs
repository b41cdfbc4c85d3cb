//! Streamed answers end to end against a real HTTP server on 127.0.0.1 that sends its body in
//! chunks, with pauses: server-sent events (split anywhere, CRLF and LF, comments, multi-line
//! data, a malformed event, the end marker, a cut connection and the reconnect with
//! `Last-Event-ID`), JSON lines and sequences (a bad line), downloads larger than the buffered
//! limit written to a file, the idle timeout and the typed error of an error status; and
//! uploads from a file (retried) and from a one-shot stream (not retried; signed as
//! `UNSIGNED-PAYLOAD` when it is not JSON, refused when it is), and a multipart file part
//! uploaded from a file.
//!
//! The operations are written here by hand the way generated code writes them (an
//! [`Operation`] impl, then `open_stream` and `into_events`/`into_items`), since generated
//! methods are inherent methods of the runtime's `Call` and only compile inside a generated
//! crate; the corpus test compiles those for `tests/fixtures/specs/streaming.yaml`.

use super::runtime_support::{AK, SK, Sleeps, aksk_builder};
use futures_util::StreamExt;
use http::Method;
use metastudio::runtime::call::Answer;
use metastudio::runtime::encode::{MultipartBody, Part, multipart_body};
use metastudio::runtime::stream::{self, Framing};
use metastudio::runtime::upload::Upload;
use metastudio::runtime::{
    Call, CallOptions, Client, Error, Operation, OperationRequest, RawResponse, RequestBody,
    RetryPolicy, ServiceInfo, Undocumented,
};
use serde::Deserialize;
use std::time::{Duration, Instant};
use tests::server::{RecordedRequest, Reply, Responder, TestServer};

static STREAMS: ServiceInfo = ServiceInfo {
    title: "Streams",
    server_url: "https://streams.example.com",
    ..ServiceInfo::EMPTY
};

/// The documented error body of the operations here.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Problem {
    message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum WatchError {
    NotFound(Problem),
}

/// `GET /events` (idempotent) or `POST /events`, answered with a stream.
#[derive(Debug, Clone)]
struct Watch {
    post: bool,
}

impl Operation for Watch {
    type Output = String;
    type Headers = ();
    type Error = WatchError;

    fn request(&self, _client: &Client) -> Result<OperationRequest, Error> {
        Ok(OperationRequest {
            operation_id: "watch",
            method: if self.post { Method::POST } else { Method::GET },
            path: "/events".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            idempotent: !self.post,
            options: CallOptions::default(),
        })
    }

    fn response(raw: RawResponse) -> Answer<Self> {
        match raw.status().as_u16() {
            200..=299 => raw.text_response(true, (), std::convert::identity),
            404 => Err(raw.json_error(WatchError::NotFound)),
            _ => Err(raw.into_documented_error(None)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Chunk {
    delta: String,
}

fn client(server: &TestServer) -> Client {
    Client::builder_for(&STREAMS)
        .endpoint(server.url())
        .build()
        .expect("a client")
}

fn watch(client: &Client, post: bool) -> Call<Watch> {
    Call::new(client, Watch { post })
}

fn parts(parts: &[(u64, &str)]) -> Vec<(Duration, Vec<u8>)> {
    parts
        .iter()
        .map(|(pause, text)| (Duration::from_millis(*pause), text.as_bytes().to_vec()))
        .collect()
}

fn event_stream(body: &[(u64, &str)]) -> Reply {
    Reply::chunked(200, parts(body)).header("Content-Type", "text/event-stream")
}

fn deltas(events: &[Result<stream::Event<Chunk>, Error<WatchError>>]) -> Vec<String> {
    events
        .iter()
        .map(|event| match event {
            Ok(event) => format!("{} {:?} {}", event.event, event.id, event.data.delta),
            Err(error) => format!("error: {error}"),
        })
        .collect()
}

#[tokio::test]
async fn events_arrive_typed_as_they_are_sent_however_the_chunks_split_them() {
    let server = TestServer::start(Responder::queue([event_stream(&[
        (0, ": keep-alive comment\r\nevent: delta\r\nid: 1\r\ndata: {\"delta\":"),
        (20, "\"Hel\"}\r"),
        (20, "\n\r\ndata: {\"delta\"\n"),
        (20, "data: :\"lo\"}\n\nevent: delta\ndata: not json\n\n"),
        // The rest comes only after a long pause: the first events must not wait for it.
        (1500, "id: 9\ndata: {\"delta\":\"!\"}\n\ndata: [DONE]\n\ndata: {\"delta\":\"after the end\"}\n\n"),
    ])]))
    .await;
    let started = Instant::now();
    let mut events = watch(&client(&server), false)
        .open_stream("text/event-stream")
        .await
        .expect("the stream opens")
        .into_events(stream::json_data::<Chunk>, Some("[DONE]"));
    let first = events.next().await.expect("a first event");
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "the first event waited for the end of the stream: {:?}",
        started.elapsed()
    );
    let mut all = vec![first];
    while let Some(event) = events.next().await {
        all.push(event);
    }
    assert_eq!(
        deltas(&all),
        [
            "delta Some(\"1\") Hel",
            "message Some(\"1\") lo",
            "error: watch: event `delta` (id 1) could not be decoded: expected ident at line 1 column 2",
            "message Some(\"9\") !",
        ]
    );
    match &all[2] {
        Err(Error::MalformedItem { text, .. }) => assert_eq!(text, "not json"),
        other => panic!("expected a malformed event, got {other:?}"),
    }
    let request = server.only_request();
    assert_eq!(request.header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn a_cut_stream_reconnects_with_the_last_event_id_after_the_retry_time() {
    let server = TestServer::start(Responder::queue([
        Reply::chunked_then_cut(
            200,
            parts(&[(
                0,
                "retry: 10\nid: 1\ndata: {\"delta\":\"a\"}\n\nid: 2\ndata: {\"del",
            )]),
        )
        .header("Content-Type", "text/event-stream"),
        event_stream(&[(0, "id: 3\ndata: {\"delta\":\"b\"}\n\n")]),
    ]))
    .await;
    let events: Vec<_> = watch(&client(&server), false)
        .open_stream("text/event-stream")
        .await
        .expect("the stream opens")
        .into_events(stream::json_data::<Chunk>, None)
        .collect()
        .await;
    assert_eq!(
        deltas(&events),
        ["message Some(\"1\") a", "message Some(\"3\") b"],
        "the event cut in the middle is dropped, and its id with it"
    );
    let requests: Vec<RecordedRequest> = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("last-event-id"), None);
    assert_eq!(requests[1].header("last-event-id"), Some("1"));
}

#[tokio::test]
async fn a_non_idempotent_stream_is_not_reopened_unless_asked() {
    let cut = || {
        Reply::chunked_then_cut(200, parts(&[(0, "id: 1\ndata: {\"delta\":\"a\"}\n\n")]))
            .header("Content-Type", "text/event-stream")
    };
    let server = TestServer::start(Responder::queue([
        cut(),
        cut(),
        event_stream(&[(0, "data: {\"delta\":\"b\"}\n\n")]),
    ]))
    .await;
    let client = client(&server);
    let events: Vec<_> = watch(&client, true)
        .open_stream("text/event-stream")
        .await
        .expect("the stream opens")
        .into_events(stream::json_data::<Chunk>, None)
        .collect()
        .await;
    assert_eq!(events.len(), 2, "{:?}", deltas(&events));
    assert!(
        matches!(events[1], Err(Error::Transport { .. })),
        "{:?}",
        deltas(&events)
    );
    assert_eq!(server.request_count(), 1, "a POST is not sent again");

    let events: Vec<_> = watch(&client, true)
        .open_stream("text/event-stream")
        .await
        .expect("the stream opens")
        .into_events(stream::json_data::<Chunk>, None)
        .reconnect(1)
        .collect()
        .await;
    assert_eq!(
        deltas(&events),
        ["message Some(\"1\") a", "message Some(\"1\") b"],
        "asked to, it reconnects once (the last event id outlives the connection)"
    );
}

#[tokio::test]
async fn an_error_status_is_the_documented_error_before_any_event() {
    let server = TestServer::start(Responder::queue([Reply::json(
        404,
        &serde_json::json!({"message": "no such run"}),
    )]))
    .await;
    let error = watch(&client(&server), false)
        .open_stream("text/event-stream")
        .await
        .expect_err("a 404");
    assert_eq!(
        error.documented(),
        Some(&WatchError::NotFound(Problem {
            message: "no such run".to_owned()
        }))
    );
}

#[tokio::test]
async fn a_silent_stream_ends_with_the_idle_timeout() {
    let server = TestServer::start(Responder::queue([event_stream(&[
        (0, "data: {\"delta\":\"a\"}\n\n"),
        (2000, "data: {\"delta\":\"late\"}\n\n"),
    ])]))
    .await;
    let events: Vec<_> = watch(&client(&server), false)
        .idle_timeout(Duration::from_millis(200))
        .open_stream("text/event-stream")
        .await
        .expect("the stream opens")
        .into_events(stream::json_data::<Chunk>, None)
        .reconnect(0)
        .collect()
        .await;
    assert_eq!(
        deltas(&events),
        [
            "message None a",
            "error: watch: nothing arrived on the stream for 200ms; raise the idle timeout \
             (ClientBuilder::idle_timeout, or the call's) if the service pauses longer",
        ]
    );
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Record {
    level: String,
}

#[tokio::test]
async fn json_lines_and_sequences_arrive_typed_and_a_bad_line_is_an_error_item() {
    let server = TestServer::start(Responder::queue([
        Reply::chunked(
            200,
            parts(&[
                (0, "{\"level\":\"info\"}\r\n{\"lev"),
                (20, "el\":\"warn\"}\nnot json\n\n{\"level\":\"error\"}"),
            ]),
        )
        .header("Content-Type", "application/x-ndjson"),
        Reply::chunked(
            200,
            parts(&[
                (0, "\u{1e}{\"level\":\"a\"}\n\u{1e}{\"level\""),
                (10, ":\"b\"}\n"),
            ]),
        )
        .header("Content-Type", "application/json-seq"),
    ]))
    .await;
    let client = client(&server);
    let lines: Vec<_> = watch(&client, false)
        .open_stream("application/x-ndjson")
        .await
        .expect("the stream opens")
        .into_items(Framing::Lines, stream::json::<Record>)
        .map(|item| match item {
            Ok(record) => record.level,
            Err(Error::MalformedItem { item, text, .. }) => format!("{item}: {text}"),
            Err(other) => format!("unexpected: {other}"),
        })
        .collect()
        .await;
    assert_eq!(lines, ["info", "warn", "line 3: not json", "error"]);
    let records: Vec<String> = watch(&client, false)
        .open_stream("application/json-seq")
        .await
        .expect("the stream opens")
        .into_items(Framing::Records, stream::json::<Record>)
        .map(|item| item.map_or_else(|error| error.to_string(), |record| record.level))
        .collect()
        .await;
    assert_eq!(records, ["a", "b"]);
}

#[tokio::test]
async fn an_event_larger_than_the_size_limit_ends_the_stream() {
    let big = format!("data: {}\n\n", "x".repeat(4096));
    let server = TestServer::start(Responder::queue([event_stream(&[
        (0, "data: {\"delta\":\"a\"}\n\n"),
        (0, &big),
    ])]))
    .await;
    let client = Client::builder_for(&STREAMS)
        .endpoint(server.url())
        .max_response_size(1024)
        .build()
        .expect("a client");
    let events: Vec<_> = watch(&client, false)
        .open_stream("text/event-stream")
        .await
        .expect("the stream opens")
        .into_events(stream::json_data::<Chunk>, None)
        .collect()
        .await;
    assert_eq!(events.len(), 2);
    assert!(
        matches!(&events[1], Err(Error::ItemTooLarge { limit: 1024, .. })),
        "{:?}",
        deltas(&events)
    );
}

#[tokio::test]
async fn a_download_larger_than_the_buffered_limit_is_streamed_to_a_file() {
    let piece = vec![b'z'; 16 * 1024];
    let body: Vec<(Duration, Vec<u8>)> = (0..16).map(|_| (Duration::ZERO, piece.clone())).collect();
    let download =
        || Reply::chunked(200, body.clone()).header("Content-Type", "application/octet-stream");
    let server = TestServer::start(Responder::queue([download(), download(), download()])).await;
    let client = Client::builder_for(&STREAMS)
        .endpoint(server.url())
        .max_response_size(64 * 1024)
        .build()
        .expect("a client");

    // Read whole, the 256 KiB body is over the limit.
    let buffered = watch(&client, false).send().await.expect_err("too large");
    assert!(
        matches!(buffered, Error::ResponseTooLarge { .. }),
        "{buffered}"
    );

    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("download.bin");
    let mut file = tokio::fs::File::create(&path).await.expect("a file");
    let written = watch(&client, false)
        .open_stream("application/octet-stream")
        .await
        .expect("the download opens")
        .write_to(&mut file)
        .await
        .expect("written");
    assert_eq!(written, 256 * 1024);
    let on_disk = std::fs::read(&path).expect("the file");
    assert_eq!(on_disk.len(), 256 * 1024);
    assert!(on_disk.iter().all(|b| *b == b'z'));

    // As a byte stream, it arrives in pieces no larger than what was sent at once.
    let opened = watch(&client, false)
        .open_stream("application/octet-stream")
        .await
        .expect("the download opens");
    assert_eq!(opened.status(), http::StatusCode::OK);
    let chunks: Vec<_> = opened.bytes().collect().await;
    assert!(chunks.len() >= 16, "{} chunks", chunks.len());
    let total: usize = chunks
        .iter()
        .map(|chunk| {
            let chunk = chunk.as_ref().expect("a chunk");
            assert!(
                chunk.len() <= piece.len(),
                "a chunk of {} bytes",
                chunk.len()
            );
            chunk.len()
        })
        .sum();
    assert_eq!(total, 256 * 1024);
}

/// `PUT /files/f` with a binary body, as generated code writes it (the bytes, empty here,
/// are replaced by the call's upload).
#[derive(Debug, Clone)]
struct Put {
    content_type: &'static str,
}

impl Operation for Put {
    type Output = ();
    type Headers = ();
    type Error = Undocumented;

    fn request(&self, _client: &Client) -> Result<OperationRequest, Error> {
        Ok(OperationRequest {
            operation_id: "put",
            method: Method::PUT,
            path: "/files/f".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(RequestBody::bytes_as(b"", self.content_type)),
            idempotent: true,
            options: CallOptions::default(),
        })
    }

    fn response(raw: RawResponse) -> Answer<Self> {
        match raw.status().as_u16() {
            200..=299 => Ok(raw.into_response(())),
            _ => Err(raw.into_documented_error(None)),
        }
    }
}

fn quick_retries(server: &TestServer) -> Client {
    Client::builder_for(&STREAMS)
        .endpoint(server.url())
        .retry(
            RetryPolicy::new()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .expect("a client")
}

fn upload(client: &Client, upload: Upload) -> Call<Put> {
    upload_as(client, "application/octet-stream", upload)
}

fn upload_as(client: &Client, content_type: &'static str, upload: Upload) -> Call<Put> {
    Call::new(client, Put { content_type }).options(CallOptions::default().upload(upload))
}

fn pieces(
    pieces: &[&'static str],
) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static {
    futures_util::stream::iter(
        pieces
            .iter()
            .map(|piece| Ok(bytes::Bytes::from_static(piece.as_bytes())))
            .collect::<Vec<_>>(),
    )
}

#[tokio::test]
async fn a_file_upload_is_read_again_when_the_request_is_retried() {
    let server =
        TestServer::start(Responder::queue([Reply::status(503), Reply::status(204)])).await;
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("upload.bin");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &content).expect("the file");

    let response = upload(&quick_retries(&server), Upload::file(&path))
        .send()
        .await
        .expect("sent after one retry");
    assert_eq!(response.status(), http::StatusCode::NO_CONTENT);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.body, content, "each attempt sends the whole file");
        assert_eq!(request.header("content-length"), Some("200000"));
        assert_eq!(
            request.header("content-type"),
            Some("application/octet-stream")
        );
    }
}

#[tokio::test]
async fn a_one_shot_stream_is_sent_chunked_and_not_retried() {
    let server =
        TestServer::start(Responder::queue([Reply::status(503), Reply::status(204)])).await;
    let error = upload(
        &quick_retries(&server),
        Upload::stream(pieces(&["ab", "cd", "ef"]), None),
    )
    .send()
    .await
    .expect_err("a 503 is not retried with a one-shot body");
    assert!(
        matches!(error, Error::NotRetried { attempts: 1, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "put: HTTP 503 after 1 attempt(s), not retried: the request body is a one-shot \
         stream, which cannot be sent again (upload a file, or bytes, to allow retries)"
    );
    let request = server.only_request();
    assert_eq!(request.body, b"abcdef");
    assert_eq!(request.header("transfer-encoding"), Some("chunked"));

    // With its length given, the stream is sent with a Content-Length.
    let server = TestServer::start(Responder::queue([Reply::status(204)])).await;
    upload(
        &quick_retries(&server),
        Upload::stream(pieces(&["ab", "cd"]), Some(4)),
    )
    .send()
    .await
    .expect("sent");
    let request = server.only_request();
    assert_eq!(request.body, b"abcd");
    assert_eq!(request.header("content-length"), Some("4"));
}

#[tokio::test]
async fn a_signed_binary_stream_is_signed_as_unsigned_payload_and_a_json_one_is_refused() {
    let server = TestServer::start(Responder::queue([Reply::status(204)])).await;
    let client = aksk_builder(&server.url(), &Sleeps::default())
        .build()
        .expect("a client");
    upload(&client, Upload::stream(pieces(&["ab", "cd"]), Some(4)))
        .send()
        .await
        .expect("sent");
    let request = server.only_request();
    assert_eq!(request.body, b"abcd");
    assert_eq!(
        request.header("x-sdk-content-sha256"),
        Some("UNSIGNED-PAYLOAD"),
        "the vendor's signer declares an unsigned payload for a body that is not JSON"
    );
    tests::verify::verify(
        &request.method,
        &request.target,
        &request.headers,
        &request.body,
        AK,
        SK,
    )
    .expect("a signature the gateway accepts");

    let error = upload_as(
        &client,
        "application/json",
        Upload::stream(pieces(&["{}"]), Some(2)),
    )
    .send()
    .await
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "put: cannot send the upload: the AK/SK signature of a `application/json` body covers \
         its hash, which a streamed body does not have before it is sent (only bodies that are \
         not JSON are signed as UNSIGNED-PAYLOAD); pass the bytes with .body(…) instead"
    );
    assert_eq!(server.request_count(), 1, "nothing more was sent");
}

/// A keyed stream's events, as generated code decodes them: by their `event` type.
#[derive(Debug, Clone, PartialEq)]
enum RunEvent {
    Delta(Chunk),
    Log(String),
}

impl RunEvent {
    fn decode(event: &str, data: &str) -> Result<Self, String> {
        match event {
            "delta" => stream::json(data).map(RunEvent::Delta),
            "log" => stream::text(data).map(RunEvent::Log),
            other => Err(format!("the spec documents no event of type `{other}`")),
        }
    }
}

#[tokio::test]
async fn keyed_events_are_decoded_by_their_type() {
    let server = TestServer::start(Responder::queue([event_stream(&[(
        0,
        "event: delta\ndata: {\"delta\":\"a\"}\n\nevent: log\ndata: plain text\n\nevent: mystery\ndata: {}\n\nevent: delta\ndata: {\"delta\":\"b\"}\n\n",
    )])]))
    .await;
    let events: Vec<String> = watch(&client(&server), false)
        .open_stream("text/event-stream")
        .await
        .expect("the stream opens")
        .into_events(RunEvent::decode, None)
        .map(|event| match event {
            Ok(event) => format!("{:?}", event.data),
            Err(error) => error.to_string(),
        })
        .collect()
        .await;
    assert_eq!(
        events,
        [
            "Delta(Chunk { delta: \"a\" })",
            "Log(\"plain text\")",
            "watch: event `mystery` could not be decoded: the spec documents no event of type `mystery`",
            "Delta(Chunk { delta: \"b\" })",
        ]
    );
}

/// A multipart body with a file part (`doc`, whose bytes in memory stay empty when it is
/// uploaded) and a text part.
struct Form {
    doc: Vec<u8>,
    title: &'static str,
}

impl MultipartBody for Form {
    fn parts(&self) -> Result<Vec<Part>, Error> {
        Ok(vec![
            Part::file("doc", &self.doc),
            Part::value("title", self.title)?,
        ])
    }
}

/// `POST /forms` with a multipart body, as generated code writes it.
#[derive(Debug, Clone)]
struct PostForm;

impl Operation for PostForm {
    type Output = ();
    type Headers = ();
    type Error = Undocumented;

    fn request(&self, _client: &Client) -> Result<OperationRequest, Error> {
        let form = Form {
            doc: Vec::new(),
            title: "report",
        };
        Ok(OperationRequest {
            operation_id: "post_form",
            method: Method::POST,
            path: "/forms".to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(multipart_body(&form)?),
            idempotent: true,
            options: CallOptions::default(),
        })
    }

    fn response(raw: RawResponse) -> Answer<Self> {
        match raw.status().as_u16() {
            200..=299 => Ok(raw.into_response(())),
            _ => Err(raw.into_documented_error(None)),
        }
    }
}

#[tokio::test]
async fn a_multipart_file_part_is_uploaded_from_a_file_and_sent_again_on_a_retry() {
    let server =
        TestServer::start(Responder::queue([Reply::status(503), Reply::status(204)])).await;
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("doc.pdf");
    let content = b"%PDF-1.7 not really".repeat(1000);
    std::fs::write(&path, &content).expect("the file");

    Call::new(&quick_retries(&server), PostForm)
        .options(CallOptions::default().upload_part("doc", Upload::file(&path)))
        .send()
        .await
        .expect("sent after one retry");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        let content_type = request.header("content-type").expect("a content type");
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("a boundary");
        let mut expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"doc\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(&content);
        expected.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\
                 report\r\n--{boundary}--\r\n"
            )
            .as_bytes(),
        );
        assert!(
            request.body == expected,
            "the file spliced into its part, whole"
        );
        assert_eq!(
            request.header("content-length"),
            Some(expected.len().to_string().as_str())
        );
    }

    let error = Call::new(&quick_retries(&server), PostForm)
        .options(CallOptions::default().upload_part("nope", Upload::file(&path)))
        .send()
        .await
        .expect_err("no such part");
    assert_eq!(
        error.to_string(),
        "post_form: cannot send the upload: the multipart body has no part named `nope`"
    );
    assert_eq!(server.request_count(), 2, "nothing was sent");
}
