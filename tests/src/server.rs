//! A real HTTP/1.1 server on `127.0.0.1` for end-to-end tests: it records every request exactly
//! as received and answers from a script.
//!
//! ```no_run
//! # async fn demo() {
//! use tests::server::{Reply, TestServer};
//! use std::time::Duration;
//!
//! // Answer 503, then 503, then 200 with a JSON body; a fourth request gets a 500 that says the
//! // script ran out.
//! let server = TestServer::start(vec![
//!     Reply::status(503),
//!     Reply::status(503).header("Retry-After", "1"),
//!     Reply::json(200, &serde_json::json!({"active_code_id": "x"})).header("X-Request-Id", "r-1"),
//! ])
//! .await;
//! // ... point the client at server.url() ...
//! let requests = server.requests();
//! # let _ = requests;
//! // Or decide per request:
//! let server = TestServer::start(tests::server::Responder::from_fn(|request| {
//!     if request.path().ends_with("/reset") { Reply::status(404) } else { Reply::status(204) }
//! }))
//! .await;
//! // Misbehave: answer after 5 s, or promise 100 bytes and hang up after 10.
//! let slow = Reply::status(200).delay(Duration::from_secs(5));
//! let cut = Reply::text(200, &"x".repeat(100)).close_after_body_bytes(10);
//! # let _ = (server, slow, cut); }
//! ```
//!
//! It is written on a bare `tokio` TCP listener rather than hyper so that it can record header
//! names in their original case and order and misbehave on purpose. It understands
//! `Content-Length` and `chunked` request bodies and keeps connections alive between requests.
//! Dropping the server stops it and closes its connections.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// The largest request head (request line and headers) the server accepts.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body the server accepts.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A request exactly as the server received it.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, e.g. `PUT`.
    pub method: String,
    /// The request target exactly as sent: path and query, nothing decoded or normalised.
    pub target: String,
    /// The HTTP version, e.g. `HTTP/1.1`.
    pub version: String,
    /// The headers in the order received, names in their original case, values with the
    /// surrounding whitespace removed (bytes that are not UTF-8 are replaced by `�`).
    pub headers: Vec<(String, String)>,
    /// The body bytes (chunked bodies are decoded).
    pub body: Vec<u8>,
    /// Which TCP connection carried the request: 0 for the first the server accepted.
    pub connection: usize,
}

impl RecordedRequest {
    /// The first value of header `name` (compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name`, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a header `name` was sent (compared case-insensitively).
    pub fn has_header(&self, name: &str) -> bool {
        self.header(name).is_some()
    }

    /// The header names in the order received, lower-cased.
    pub fn header_names(&self) -> Vec<String> {
        self.headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect()
    }

    /// The path part of the target (before `?`), still percent-encoded.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The raw query string (after `?`), if there is one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The query pairs in order, percent-decoded (`+` stays `+`).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        self.query()
            .into_iter()
            .flat_map(|query| query.split('&'))
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) => (decode(key), decode(value)),
                None => (decode(pair), String::new()),
            })
            .collect()
    }

    /// The body as text (bytes that are not UTF-8 are replaced by `�`).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {} {}", self.method, self.target, self.version)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        write!(f, "\n{}", String::from_utf8_lossy(&self.body))?;
        write!(f, "\n(connection {})", self.connection)
    }
}

/// How a reply departs from a well-behaved HTTP/1.1 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Misbehaviour {
    None,
    /// Send the head and the first `sent` body bytes (Content-Length still announces the whole
    /// body), then close the connection.
    CloseAfterBodyBytes {
        sent: usize,
    },
    /// Send the head and the first `sent` body bytes, wait, then send the rest.
    StallBody {
        sent: usize,
        stall: Duration,
    },
    /// Send the head with `Transfer-Encoding: chunked`, then each part as one chunk after its
    /// pause; then the last chunk, or, when `cut`, close the connection without it.
    Chunked {
        parts: Vec<(Duration, Vec<u8>)>,
        cut: bool,
    },
    /// Close the connection without answering.
    HangUp,
    /// Send these bytes verbatim instead of a formatted answer, then close.
    Raw(Vec<u8>),
}

/// One canned answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
    misbehaviour: Misbehaviour,
}

impl Reply {
    /// A reply with this status and an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            misbehaviour: Misbehaviour::None,
        }
    }

    /// A JSON reply (`Content-Type: application/json`).
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::status(status)
            .header("Content-Type", "application/json")
            .body(body.to_string())
    }

    /// A JSON reply from raw text, which need not be valid JSON (`Content-Type:
    /// application/json`).
    pub fn json_text(status: u16, body: &str) -> Reply {
        Reply::status(status)
            .header("Content-Type", "application/json")
            .body(body)
    }

    /// A plain-text reply (`Content-Type: text/plain; charset=utf-8`).
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::status(status)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(body)
    }

    /// An HTML reply (`Content-Type: text/html`), like a gateway's error page.
    pub fn html(status: u16, body: &str) -> Reply {
        Reply::status(status)
            .header("Content-Type", "text/html")
            .body(body)
    }

    /// A chunked answer of `status` sent piece by piece: each part is one chunk, sent after
    /// its pause (a stream of events or lines as a server sends them).
    pub fn chunked(status: u16, parts: Vec<(Duration, Vec<u8>)>) -> Reply {
        Reply {
            misbehaviour: Misbehaviour::Chunked { parts, cut: false },
            ..Reply::status(status)
        }
    }

    /// Like [`Reply::chunked`], but the connection closes after the parts without the last
    /// chunk: a stream cut off mid-way.
    pub fn chunked_then_cut(status: u16, parts: Vec<(Duration, Vec<u8>)>) -> Reply {
        Reply {
            misbehaviour: Misbehaviour::Chunked { parts, cut: true },
            ..Reply::status(status)
        }
    }

    /// Closes the connection without answering (after reading the request).
    pub fn hang_up() -> Reply {
        Reply {
            misbehaviour: Misbehaviour::HangUp,
            ..Reply::status(0)
        }
    }

    /// Sends `bytes` verbatim as the whole answer, then closes the connection.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply {
            misbehaviour: Misbehaviour::Raw(bytes.into()),
            ..Reply::status(0)
        }
    }

    /// Adds a response header. `Content-Length` is added automatically unless set here.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    /// Waits this long after reading the request before sending anything.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Announces the whole body in `Content-Length` but sends only its first `sent` bytes, then
    /// closes the connection: a response cut off mid-body.
    pub fn close_after_body_bytes(mut self, sent: usize) -> Reply {
        self.misbehaviour = Misbehaviour::CloseAfterBodyBytes { sent };
        self
    }

    /// Sends the head and the first `sent` body bytes, waits `stall`, then sends the rest: a
    /// body that stalls mid-way.
    pub fn stall_body(mut self, sent: usize, stall: Duration) -> Reply {
        self.misbehaviour = Misbehaviour::StallBody { sent, stall };
        self
    }

    /// The head and body bytes of a well-formed answer.
    fn head(&self) -> Vec<u8> {
        let reason = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("Unknown");
        let mut head = format!("HTTP/1.1 {} {reason}\r\n", self.status);
        let has_length = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-length"));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if matches!(self.misbehaviour, Misbehaviour::Chunked { .. }) {
            head.push_str("Transfer-Encoding: chunked\r\n");
        } else if !has_length {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    fn closes_connection(&self) -> bool {
        self.headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
        })
    }
}

type ReplyFn = dyn Fn(&RecordedRequest) -> Reply + Send + Sync;

/// Decides the answer to each request.
#[derive(Clone)]
pub struct Responder(Arc<ReplyFn>);

impl fmt::Debug for Responder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Responder(..)")
    }
}

impl Responder {
    /// Answers requests with `replies` in order. Once they run out, every further request gets a
    /// 500 whose body says that the script ran out (so a test that sends too many requests
    /// fails visibly).
    pub fn queue(replies: impl IntoIterator<Item = Reply>) -> Responder {
        let queue: Mutex<VecDeque<Reply>> = Mutex::new(replies.into_iter().collect());
        let scripted = lock(&queue).len();
        Responder::from_fn(move |request| match lock(&queue).pop_front() {
            Some(reply) => reply,
            None => Reply::text(
                500,
                &format!(
                    "test server: the script had {scripted} replies and has run out; \
                     unexpected request {} {}",
                    request.method, request.target
                ),
            ),
        })
    }

    /// Answers every request with `reply`.
    pub fn always(reply: Reply) -> Responder {
        Responder::from_fn(move |_| reply.clone())
    }

    /// Answers each request with what `f` returns for it.
    pub fn from_fn(f: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) -> Responder {
        Responder(Arc::new(f))
    }
}

impl From<Reply> for Responder {
    fn from(reply: Reply) -> Self {
        Responder::always(reply)
    }
}

impl From<Vec<Reply>> for Responder {
    fn from(replies: Vec<Reply>) -> Self {
        Responder::queue(replies)
    }
}

impl<const N: usize> From<[Reply; N]> for Responder {
    fn from(replies: [Reply; N]) -> Self {
        Responder::queue(replies)
    }
}

/// Locks a mutex, ignoring poisoning (a panicking test thread must not hide the recording).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

struct Shared {
    responder: Responder,
    requests: Mutex<Vec<RecordedRequest>>,
    tasks: Mutex<Vec<AbortHandle>>,
    connections: AtomicUsize,
    arrived: tokio::sync::Notify,
}

/// A running loopback server. Dropping it stops the server and closes its connections.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl fmt::Debug for TestServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .field("requests", &lock(&self.shared.requests).len())
            .finish()
    }
}

impl TestServer {
    /// Starts a server on `127.0.0.1` with a free port. Must be called inside a tokio runtime.
    ///
    /// # Panics
    /// When no loopback port can be bound (a broken test environment).
    pub async fn start(responder: impl Into<Responder>) -> TestServer {
        match TestServer::try_start(responder).await {
            Ok(server) => server,
            Err(error) => panic!("the test server could not bind 127.0.0.1:0: {error}"),
        }
    }

    /// Starts a server, returning the bind error instead of panicking.
    pub async fn try_start(responder: impl Into<Responder>) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            responder: responder.into(),
            requests: Mutex::new(Vec::new()),
            tasks: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            arrived: tokio::sync::Notify::new(),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _peer)) = listener.accept().await else {
                    continue;
                };
                let connection = accept_shared.connections.fetch_add(1, Ordering::SeqCst);
                let connection_shared = Arc::clone(&accept_shared);
                let task = tokio::spawn(async move {
                    serve_connection(stream, connection, connection_shared).await;
                });
                lock(&accept_shared.tasks).push(task.abort_handle());
            }
        });
        lock(&shared.tasks).push(accept.abort_handle());
        Ok(TestServer { addr, shared })
    }

    /// `http://127.0.0.1:<port>`: pass it to `ClientBuilder::endpoint`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:<port>`: the `Host` a client sends (and signs).
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests arrived so far.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// The one request received; panics with the recording when there were none or several.
    pub fn only_request(&self) -> RecordedRequest {
        let requests = self.requests();
        match <[RecordedRequest; 1]>::try_from(requests) {
            Ok([request]) => request,
            Err(requests) => panic!(
                "expected exactly one request, the server received {}: {requests:#?}",
                requests.len()
            ),
        }
    }

    /// How many TCP connections were accepted so far.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Waits until at least `count` requests have arrived, or `limit` has passed; returns how
    /// many arrived.
    pub async fn wait_for_requests(&self, count: usize, limit: Duration) -> usize {
        let wait = async {
            loop {
                let notified = self.shared.arrived.notified();
                if self.request_count() >= count {
                    return;
                }
                notified.await;
            }
        };
        let _ = tokio::time::timeout(limit, wait).await;
        self.request_count()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        for task in lock(&self.shared.tasks).drain(..) {
            task.abort();
        }
    }
}

/// Serves requests on one connection until the client closes it or a reply ends it.
async fn serve_connection(mut stream: TcpStream, connection: usize, shared: Arc<Shared>) {
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let request = match read_request(&mut stream, &mut buffer, connection).await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(problem) => {
                let reply = Reply::text(400, &format!("test server: {problem}"))
                    .header("Connection", "close");
                let _ = write_reply(&mut stream, &reply).await;
                return;
            }
        };
        let client_closes = request
            .header("connection")
            .is_some_and(|value| value.eq_ignore_ascii_case("close"));
        let reply = (shared.responder.0)(&request);
        lock(&shared.requests).push(request);
        shared.arrived.notify_waiters();
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let keep_open = write_reply(&mut stream, &reply).await.unwrap_or(false);
        if !keep_open || client_closes || reply.closes_connection() {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Writes `reply`; returns whether the connection may carry another request.
async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<bool> {
    match &reply.misbehaviour {
        Misbehaviour::None => {
            stream.write_all(&reply.head()).await?;
            stream.write_all(&reply.body).await?;
            stream.flush().await?;
            Ok(true)
        }
        Misbehaviour::CloseAfterBodyBytes { sent } => {
            stream.write_all(&reply.head()).await?;
            stream
                .write_all(&reply.body[..(*sent).min(reply.body.len())])
                .await?;
            stream.flush().await?;
            Ok(false)
        }
        Misbehaviour::StallBody { sent, stall } => {
            let split = (*sent).min(reply.body.len());
            stream.write_all(&reply.head()).await?;
            stream.write_all(&reply.body[..split]).await?;
            stream.flush().await?;
            tokio::time::sleep(*stall).await;
            stream.write_all(&reply.body[split..]).await?;
            stream.flush().await?;
            Ok(true)
        }
        Misbehaviour::Chunked { parts, cut } => {
            stream.write_all(&reply.head()).await?;
            stream.flush().await?;
            for (pause, part) in parts {
                tokio::time::sleep(*pause).await;
                if part.is_empty() {
                    continue;
                }
                let mut chunk = format!("{:x}\r\n", part.len()).into_bytes();
                chunk.extend_from_slice(part);
                chunk.extend_from_slice(b"\r\n");
                stream.write_all(&chunk).await?;
                stream.flush().await?;
            }
            if *cut {
                return Ok(false);
            }
            stream.write_all(b"0\r\n\r\n").await?;
            stream.flush().await?;
            Ok(true)
        }
        Misbehaviour::HangUp => Ok(false),
        Misbehaviour::Raw(bytes) => {
            stream.write_all(bytes).await?;
            stream.flush().await?;
            Ok(false)
        }
    }
}

/// Reads more bytes into `buffer`; `Ok(false)` at end of stream.
async fn fill(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut chunk = [0u8; 8192];
    let read = stream.read(&mut chunk).await?;
    buffer.extend_from_slice(&chunk[..read]);
    Ok(read > 0)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Reads one request; `Ok(None)` when the client closed the connection between requests.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    connection: usize,
) -> Result<Option<RecordedRequest>, String> {
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Err(format!("request head longer than {MAX_HEAD} bytes"));
        }
        match fill(stream, buffer).await {
            Ok(true) => {}
            Ok(false) if buffer.is_empty() => return Ok(None),
            Ok(false) => return Err("connection closed inside the request head".to_owned()),
            Err(_) => return Ok(None),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("malformed request line {request_line:?}"));
    };
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed header line {line:?}"));
        };
        headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
    }
    let mut request = RecordedRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        version: version.to_owned(),
        headers,
        body: Vec::new(),
        connection,
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|value| value.to_ascii_lowercase().contains("chunked"));
    if chunked {
        request.body = read_chunked(stream, buffer).await?;
    } else if let Some(length) = request.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| format!("bad Content-Length {length:?}"))?;
        if length > MAX_BODY {
            return Err(format!("body of {length} bytes is over {MAX_BODY}"));
        }
        while buffer.len() < length {
            if !fill(stream, buffer).await.unwrap_or(false) {
                return Err("connection closed inside the request body".to_owned());
            }
        }
        request.body = buffer.drain(..length).collect();
    }
    Ok(Some(request))
}

/// Decodes a chunked body (trailers are read and dropped).
async fn read_chunked(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(end) = find(buffer, b"\r\n") {
                break end;
            }
            if !fill(stream, buffer).await.unwrap_or(false) {
                return Err("connection closed inside a chunked body".to_owned());
            }
        };
        let line = String::from_utf8_lossy(&buffer[..line_end]).into_owned();
        buffer.drain(..line_end + 2);
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size == 0 {
            // Trailers, then an empty line.
            loop {
                let end = loop {
                    if let Some(end) = find(buffer, b"\r\n") {
                        break end;
                    }
                    if !fill(stream, buffer).await.unwrap_or(false) {
                        return Err("connection closed inside chunked trailers".to_owned());
                    }
                };
                buffer.drain(..end + 2);
                if end == 0 {
                    return Ok(body);
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(format!("chunked body over {MAX_BODY} bytes"));
        }
        while buffer.len() < size + 2 {
            if !fill(stream, buffer).await.unwrap_or(false) {
                return Err("connection closed inside a chunk".to_owned());
            }
        }
        body.extend(buffer.drain(..size));
        buffer.drain(..2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exchange(server: &TestServer, raw: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(server.addr()).await.unwrap();
        stream.write_all(raw).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        answer
    }

    #[tokio::test]
    async fn records_requests_exactly_and_answers_in_order() {
        let server = TestServer::start(vec![
            Reply::json(200, &serde_json::json!({"ok": true})).header("X-Request-Id", "r1"),
            Reply::status(204).header("Connection", "close"),
        ])
        .await;
        let raw = b"PUT /v1/p/a%2Fb?z=1&a=%20 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Sdk-Date:  20230901T065021Z \r\ncontent-type: application/json\r\nContent-Length: 5\r\n\r\nhello\
GET /second HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n";
        let answer = String::from_utf8(exchange(&server, raw).await).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Request-Id: r1\r\nContent-Length: 11\r\n\r\n{\"ok\":true}HTTP/1.1 204 No Content\r\n"),
            "{answer}"
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        let first = &requests[0];
        assert_eq!(first.method, "PUT");
        assert_eq!(first.target, "/v1/p/a%2Fb?z=1&a=%20");
        assert_eq!(first.path(), "/v1/p/a%2Fb");
        assert_eq!(
            first.query_pairs(),
            vec![("z".into(), "1".into()), ("a".into(), " ".into())]
        );
        assert_eq!(
            first.headers,
            vec![
                ("Host".to_owned(), "127.0.0.1".to_owned()),
                ("X-Sdk-Date".to_owned(), "20230901T065021Z".to_owned()),
                ("content-type".to_owned(), "application/json".to_owned()),
                ("Content-Length".to_owned(), "5".to_owned()),
            ]
        );
        assert_eq!(first.header("CONTENT-TYPE"), Some("application/json"));
        assert_eq!(first.body, b"hello");
        assert_eq!(requests[1].body, b"abcde");
        assert_eq!(requests[1].query(), None);
        assert_eq!(server.connection_count(), 1);
    }

    #[tokio::test]
    async fn an_exhausted_script_answers_500_saying_so() {
        let server = TestServer::start(Vec::<Reply>::new()).await;
        let answer = exchange(&server, b"GET /x HTTP/1.1\r\nConnection: close\r\n\r\n").await;
        let answer = String::from_utf8(answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 500"), "{answer}");
        assert!(
            answer.contains("has run out; unexpected request GET /x"),
            "{answer}"
        );
    }

    #[tokio::test]
    async fn cuts_a_body_short_and_closes() {
        let server =
            TestServer::start(Reply::text(200, "0123456789").close_after_body_bytes(4)).await;
        let answer = exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await;
        let answer = String::from_utf8(answer).unwrap();
        assert!(
            answer.contains("Content-Length: 10\r\n\r\n0123"),
            "{answer}"
        );
        assert!(answer.ends_with("\r\n\r\n0123"), "{answer}");
    }

    #[tokio::test]
    async fn hangs_up_and_sends_raw_bytes() {
        let server = TestServer::start(vec![Reply::hang_up(), Reply::raw("garbage")]).await;
        assert!(
            exchange(&server, b"GET / HTTP/1.1\r\n\r\n")
                .await
                .is_empty()
        );
        assert_eq!(
            exchange(&server, b"GET / HTTP/1.1\r\n\r\n").await,
            b"garbage"
        );
        assert_eq!(server.wait_for_requests(2, Duration::from_secs(5)).await, 2);
    }

    #[tokio::test]
    async fn malformed_requests_get_a_400() {
        let server = TestServer::start(Reply::status(200)).await;
        let answer = exchange(&server, b"NONSENSE\r\n\r\n").await;
        assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 400"));
        assert_eq!(server.request_count(), 0);
    }
}
