//! Streamed answers: server-sent events, line-delimited JSON and downloads, handed to the
//! caller piece by piece as they arrive, never read whole into memory.
//!
//! ```text
//! let mut events = client.create_completion().body(request).events().await?;
//! while let Some(event) = events.next().await {      // futures_util::StreamExt
//!     let event = event?;                            // Event<types::CompletionChunk>
//!     println!("{} {:?}: {:?}", event.event, event.id, event.data);
//! }
//!
//! let mut file = tokio::fs::File::create("export.bin").await?;
//! client.export_data().download().await?.write_to(&mut file).await?;
//! ```
//!
//! Generated methods open the stream: `events()` for a `text/event-stream` answer, `items()`
//! for `application/x-ndjson`, `application/jsonl` or `application/json-seq`, `download()` for
//! any other answer that is not JSON. They send the call like `send()` does (validation,
//! authentication, retries until the response head arrives, the typed error of an error
//! status) and hand back the success's body unread:
//!
//! * the call's **timeout** covers each attempt until the response head arrives; then the
//!   **idle timeout** ([`ClientBuilder::idle_timeout`](crate::runtime::ClientBuilder::idle_timeout),
//!   default 60 s, or the call's) bounds each wait for the next bytes, and a stream may last as
//!   long as it keeps sending ([`Error::IdleTimeout`] otherwise);
//! * the client's **maximum response size** bounds one event or one line, not the stream
//!   ([`Error::ItemTooLarge`]), so memory stays flat however long the stream is;
//! * an item that does not decode is an [`Error::MalformedItem`] item holding its text, and
//!   the stream goes on; a transport failure or idle timeout ends it (after the reconnects an
//!   event stream is allowed);
//! * an **event stream reconnects** after a failure when allowed ([`EventStream::reconnect`]:
//!   by default 3 times in a row for idempotent operations, never for others), after the
//!   stream's `retry` time (else 3 s), sending `Last-Event-ID` when the stream gave an id. A
//!   stream the server ends normally is not reopened.
//!
//! Every stream owns what it needs, so it can move into a spawned task.

pub mod lines;
pub(crate) mod sse;

use crate::runtime::call::{Call, Operation};
use crate::runtime::client::Client;
use crate::runtime::error::Error;
use crate::runtime::request::OperationRequest;
use crate::runtime::response::RawResponse;
use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, StatusCode};
use http_body::Body as _;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

pub use lines::Framing;

/// How long an event stream waits before reconnecting when the stream gave no `retry` time.
pub const DEFAULT_RECONNECT_DELAY: Duration = Duration::from_secs(3);

/// How many reconnects in a row an idempotent operation's event stream makes by default.
pub const DEFAULT_RECONNECTS: u32 = 3;

/// Decodes the text of one item into `T`; the message says why it is not one.
pub type Decode<T> = fn(&str) -> Result<T, String>;

/// Decodes one event into `T` from its type (the `event` field) and its data.
pub type DecodeEvent<T> = fn(&str, &str) -> Result<T, String>;

/// Decodes an item as JSON (generated code passes this for items with a schema).
pub fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|error| error.to_string())
}

/// Keeps an item's text as it is (for items typed as text).
pub fn text(text: &str) -> Result<String, String> {
    Ok(text.to_owned())
}

/// Decodes an event's data as JSON, whatever its type.
pub fn json_data<T: serde::de::DeserializeOwned>(_event: &str, data: &str) -> Result<T, String> {
    json(data)
}

/// Keeps an event's data as it is, whatever its type.
pub fn text_data(_event: &str, data: &str) -> Result<String, String> {
    text(data)
}

/// Sends a call again to reopen its stream, and decodes what an error status says.
struct Reopen<E: std::fmt::Debug> {
    client: Client,
    request: OperationRequest,
    reject: fn(RawResponse) -> Error<E>,
    /// The idle timeout of the stream's bodies.
    idle: Duration,
}

/// The future of a reopened stream's body.
type Opening<E> = Pin<Box<dyn Future<Output = Result<Body, Error<E>>> + Send>>;

impl<E: std::fmt::Debug + Send + 'static> Reopen<E> {
    /// Sends the request again, with `Last-Event-ID` when `last_id` is given.
    fn open(&self, last_id: Option<&str>) -> Opening<E> {
        let client = self.client.clone();
        let mut request = self.request.clone();
        if let Some(id) = last_id {
            request.options = request.options.header("Last-Event-ID", id);
        }
        let (reject, idle) = (self.reject, self.idle);
        Box::pin(async move {
            let raw = client.execute(request).await.map_err(Error::retype)?;
            opened_body(raw, reject, idle)
        })
    }
}

/// The unread body of a success, or the error an error status decodes to.
fn opened_body<E: std::fmt::Debug>(
    mut raw: RawResponse,
    reject: fn(RawResponse) -> Error<E>,
    idle: Duration,
) -> Result<Body, Error<E>> {
    match raw.take_open_body() {
        Some(response) => Ok(Body::new(
            response,
            raw.operation().unwrap_or("stream"),
            raw.attempts(),
            idle,
        )),
        None => Err(reject(raw)),
    }
}

/// The error status of a streamed call, decoded as `send()` would.
fn reject<R: Operation>(raw: RawResponse) -> Error<R::Error> {
    let status = raw.status();
    let request_id = raw.request_id().map(str::to_owned);
    match R::response(raw) {
        Err(error) => error,
        // Generated code reads only 2xx statuses as successes, and those are streamed.
        Ok(_) => Error::Decode {
            status,
            request_id,
            body: Bytes::new(),
            message: "a streamed call's answer was read as a buffered success".to_owned(),
        },
    }
}

impl<R> Call<R> {
    /// The longest this call's streamed answer may go without a byte arriving, instead of the
    /// client's [`idle_timeout`](crate::runtime::ClientBuilder::idle_timeout).
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.options = self.options.idle_timeout(idle);
        self
    }
}

impl<R: Operation> Call<R> {
    /// Sends the call like `send()` and hands back the success's body unread, asking for
    /// `accept` unless the call sets `Accept` itself (generated `events()`, `items()` and
    /// `download()` call this).
    #[doc(hidden)]
    pub async fn open_stream(
        self,
        accept: &'static str,
    ) -> Result<Streaming<R::Error>, Error<R::Error>> {
        let Call {
            client,
            request,
            mut options,
        } = self;
        let mut prepared = request.request(&client).map_err(Error::retype)?;
        drop(request);
        let asks = options
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("accept"));
        if !asks {
            options = options.header("Accept", accept);
        }
        options.streamed = true;
        let idle = options
            .idle_timeout
            .unwrap_or_else(|| client.idle_timeout());
        prepared.options = options;
        let idempotent = prepared.idempotent;
        let reopen = Reopen {
            client: client.clone(),
            request: prepared.clone(),
            reject: reject::<R>,
            idle,
        };
        let raw = client.execute(prepared).await.map_err(Error::retype)?;
        let head = Head {
            status: raw.status(),
            headers: raw.headers().clone(),
            request_id: raw.request_id().map(str::to_owned),
        };
        let body = opened_body(raw, reject::<R>, idle)?;
        Ok(Streaming {
            head,
            body,
            reopen,
            idempotent,
            limit: usize::try_from(client.max_response_size()).unwrap_or(usize::MAX),
        })
    }
}

/// The status, headers and request id of a streamed answer.
#[derive(Debug, Clone)]
struct Head {
    status: StatusCode,
    headers: HeaderMap,
    request_id: Option<String>,
}

/// The body of a streamed success, read chunk by chunk within the idle timeout.
struct Body {
    body: reqwest::Body,
    operation: &'static str,
    attempts: u32,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Body {
    fn new(
        response: reqwest::Response,
        operation: &'static str,
        attempts: u32,
        idle: Duration,
    ) -> Self {
        Body {
            body: http::Response::<reqwest::Body>::from(response).into_body(),
            operation,
            attempts,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
        }
    }

    /// The next chunk; `None` at the end. A transport failure or the idle timeout is an error.
    fn poll_chunk<E: std::fmt::Debug>(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Error<E>>>> {
        loop {
            match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    // Trailers and empty frames carry no body bytes.
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    if data.is_empty() {
                        continue;
                    }
                    let deadline = tokio::time::Instant::now() + self.idle;
                    self.timer.as_mut().reset(deadline);
                    return Poll::Ready(Some(Ok(data)));
                }
                Poll::Ready(Some(Err(mut source))) => {
                    // With query-parameter auth the URL holds the token.
                    if let Some(url) = source.url_mut() {
                        url.set_query(None);
                    }
                    return Poll::Ready(Some(Err(Error::Transport {
                        operation: self.operation,
                        attempts: self.attempts,
                        source,
                    })));
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => {
                    ready!(self.timer.as_mut().poll(cx));
                    return Poll::Ready(Some(Err(Error::IdleTimeout {
                        operation: self.operation,
                        idle: self.idle,
                    })));
                }
            }
        }
    }
}

/// A streamed call's answer, its body not read yet: read it as events, items or bytes.
/// `E` is the operation's documented error type.
pub struct Streaming<E: std::fmt::Debug> {
    head: Head,
    body: Body,
    reopen: Reopen<E>,
    idempotent: bool,
    /// The most bytes one event or line may hold.
    limit: usize,
}

impl<E: std::fmt::Debug> std::fmt::Debug for Streaming<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Streaming")
            .field("operation", &self.body.operation)
            .field("status", &self.head.status)
            .field("request_id", &self.head.request_id)
            .finish_non_exhaustive()
    }
}

impl<E: std::fmt::Debug + Send + 'static> Streaming<E> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The request id the server gave, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.head.request_id.as_deref()
    }

    /// The body's chunks as they arrive.
    pub fn bytes(self) -> ByteStream<E> {
        ByteStream {
            body: Some(self.body),
            _error: std::marker::PhantomData,
        }
    }

    /// Writes the body to `writer` as it arrives (a `tokio::fs::File`, say) and flushes it;
    /// returns the number of bytes written. Memory holds one chunk at a time.
    pub async fn write_to<W>(self, writer: &mut W) -> Result<u64, Error<E>>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        let operation = self.body.operation;
        let failed = |source| Error::Write { operation, source };
        let mut body = self.body;
        let mut written: u64 = 0;
        while let Some(chunk) = std::future::poll_fn(|cx| body.poll_chunk::<E>(cx)).await {
            let chunk = chunk?;
            write_all(writer, &chunk).await.map_err(failed)?;
            written = written.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        }
        std::future::poll_fn(|cx| Pin::new(&mut *writer).poll_flush(cx))
            .await
            .map_err(failed)?;
        Ok(written)
    }

    /// The body read as server-sent events, each event's data decoded by `decode`.
    #[doc(hidden)]
    pub fn into_events<T>(
        self,
        decode: DecodeEvent<T>,
        end: Option<&'static str>,
    ) -> EventStream<T, E> {
        EventStream {
            parser: sse::Parser::new(self.limit),
            ready: VecDeque::new(),
            decode,
            end,
            operation: self.body.operation,
            body: Some(self.body),
            head: self.head,
            reopen: self.reopen,
            reconnects: if self.idempotent {
                DEFAULT_RECONNECTS
            } else {
                0
            },
            left: if self.idempotent {
                DEFAULT_RECONNECTS
            } else {
                0
            },
            pending: None,
            ended: false,
        }
    }

    /// The body read as JSON values framed by `framing`, each decoded by `decode`.
    #[doc(hidden)]
    pub fn into_items<T>(self, framing: Framing, decode: Decode<T>) -> ItemStream<T, E> {
        ItemStream {
            framer: lines::Framer::new(framing, self.limit),
            framing,
            ready: VecDeque::new(),
            decode,
            operation: self.body.operation,
            body: Some(self.body),
            head: self.head,
            _error: std::marker::PhantomData,
        }
    }
}

/// Writes all of `bytes` to `writer`.
async fn write_all<W: tokio::io::AsyncWrite + Unpin + ?Sized>(
    writer: &mut W,
    mut bytes: &[u8],
) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let written =
            std::future::poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, bytes)).await?;
        if written == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = bytes.get(written..).unwrap_or_default();
    }
    Ok(())
}

/// A download's chunks as they arrive; ends after the first error.
pub struct ByteStream<E: std::fmt::Debug> {
    body: Option<Body>,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<E: std::fmt::Debug> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(body) = &mut this.body else {
            return Poll::Ready(None);
        };
        let next = ready!(body.poll_chunk(cx));
        if !matches!(next, Some(Ok(_))) {
            this.body = None;
        }
        Poll::Ready(next)
    }
}

/// One server-sent event, its data decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event type (the `event` field; `message` when the event has none).
    pub event: String,
    /// The last event id the stream gave, at this event.
    pub id: Option<String>,
    /// The reconnection time this event's block asked for (`retry`), if it did.
    pub retry: Option<Duration>,
    /// The decoded `data`.
    pub data: T,
}

/// Server-sent events as they arrive, decoded; see the [module docs](self).
pub struct EventStream<T, E: std::fmt::Debug> {
    head: Head,
    operation: &'static str,
    body: Option<Body>,
    parser: sse::Parser,
    ready: VecDeque<sse::RawEvent>,
    decode: DecodeEvent<T>,
    /// A `data` that ends the stream (`x-stream-end`).
    end: Option<&'static str>,
    reopen: Reopen<E>,
    /// Reconnects allowed in a row, and those left.
    reconnects: u32,
    left: u32,
    pending: Option<Reconnect<E>>,
    ended: bool,
}

/// Where a reconnect is.
enum Reconnect<E: std::fmt::Debug> {
    Waiting(Pin<Box<tokio::time::Sleep>>),
    Opening(Opening<E>),
}

impl<T, E: std::fmt::Debug + Send + 'static> EventStream<T, E> {
    /// How many times in a row the stream reconnects after a failure (0: never); an event
    /// arriving resets the count. Default 3 for idempotent operations, 0 for others (reopening
    /// would send a non-idempotent request again).
    pub fn reconnect(mut self, times: u32) -> Self {
        self.reconnects = times;
        self.left = times;
        self
    }

    /// The HTTP status of the response that opened the stream.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The headers of the response that opened the stream.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The request id the server gave when the stream opened, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.head.request_id.as_deref()
    }

    /// The last event id the stream gave.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_id()
    }

    fn decoded(&self, raw: sse::RawEvent) -> Result<Event<T>, Error<E>> {
        match (self.decode)(&raw.event, &raw.data) {
            Ok(data) => Ok(Event {
                event: raw.event,
                id: raw.id,
                retry: raw.retry,
                data,
            }),
            Err(message) => Err(Error::MalformedItem {
                operation: self.operation,
                item: describe_event(&raw),
                text: raw.data,
                message,
            }),
        }
    }

    /// Moves a reconnect on; `Some` when it failed.
    fn poll_reconnect(&mut self, cx: &mut Context<'_>) -> Poll<Option<Error<E>>> {
        loop {
            match &mut self.pending {
                None => return Poll::Ready(None),
                Some(Reconnect::Waiting(sleep)) => {
                    ready!(sleep.as_mut().poll(cx));
                    let opening = self.reopen.open(self.parser.last_id());
                    self.pending = Some(Reconnect::Opening(opening));
                }
                Some(Reconnect::Opening(opening)) => {
                    let opened = ready!(opening.as_mut().poll(cx));
                    self.pending = None;
                    match opened {
                        Ok(body) => self.body = Some(body),
                        Err(error) => return Poll::Ready(Some(error)),
                    }
                }
            }
        }
    }
}

/// How an event is named in messages.
fn describe_event(raw: &sse::RawEvent) -> String {
    match &raw.id {
        Some(id) => format!("event `{}` (id {id})", raw.event),
        None => format!("event `{}`", raw.event),
    }
}

impl<T, E: std::fmt::Debug + Send + 'static> Stream for EventStream<T, E> {
    type Item = Result<Event<T>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(raw) = this.ready.pop_front() {
                this.left = this.reconnects;
                if this.end.is_some_and(|end| end == raw.data) {
                    this.finish();
                    return Poll::Ready(None);
                }
                return Poll::Ready(Some(this.decoded(raw)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            if let Some(error) = ready!(this.poll_reconnect(cx)) {
                this.finish();
                return Poll::Ready(Some(Err(error)));
            }
            let Some(body) = &mut this.body else {
                this.finish();
                continue;
            };
            match ready!(body.poll_chunk(cx)) {
                Some(Ok(chunk)) => {
                    if this.parser.feed(&chunk, &mut this.ready).is_err() {
                        let error = Error::ItemTooLarge {
                            operation: this.operation,
                            item: "an event".to_owned(),
                            limit: u64::try_from(this.parser_limit()).unwrap_or(u64::MAX),
                        };
                        this.finish();
                        return Poll::Ready(Some(Err(error)));
                    }
                }
                Some(Err(error)) if this.left > 0 => {
                    tracing::debug!(operation = this.operation, error = %error, "event stream lost; reconnecting");
                    this.left = this.left.saturating_sub(1);
                    this.parser.reset();
                    let delay = this.parser.retry().unwrap_or(DEFAULT_RECONNECT_DELAY);
                    this.pending = Some(Reconnect::Waiting(Box::pin(tokio::time::sleep(delay))));
                }
                Some(Err(error)) => {
                    this.finish();
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.parser.end();
                    this.ended = true;
                    this.body = None;
                }
            }
        }
    }
}

impl<T, E: std::fmt::Debug> EventStream<T, E> {
    /// Ends the stream: no more events, no reconnect.
    fn finish(&mut self) {
        self.ended = true;
        self.body = None;
        self.pending = None;
        self.ready.clear();
    }

    fn parser_limit(&self) -> usize {
        self.parser.limit()
    }
}

/// Line-delimited JSON values as they arrive, decoded; see the [module docs](self).
pub struct ItemStream<T, E: std::fmt::Debug> {
    head: Head,
    operation: &'static str,
    body: Option<Body>,
    framer: lines::Framer,
    framing: Framing,
    ready: VecDeque<lines::Record>,
    decode: Decode<T>,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<T, E: std::fmt::Debug> ItemStream<T, E> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The request id the server gave, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.head.request_id.as_deref()
    }

    fn decoded(&self, record: lines::Record) -> Result<T, Error<E>> {
        let item = format!("{} {}", self.framing.unit(), record.number);
        let text = match String::from_utf8(record.text) {
            Ok(text) => text,
            Err(error) => {
                return Err(Error::MalformedItem {
                    operation: self.operation,
                    item,
                    text: String::from_utf8_lossy(error.as_bytes()).into_owned(),
                    message: "it is not UTF-8".to_owned(),
                });
            }
        };
        (self.decode)(&text).map_err(|message| Error::MalformedItem {
            operation: self.operation,
            item,
            text,
            message,
        })
    }
}

impl<T, E: std::fmt::Debug> Stream for ItemStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(record) = this.ready.pop_front() {
                return Poll::Ready(Some(this.decoded(record)));
            }
            let Some(body) = &mut this.body else {
                return Poll::Ready(None);
            };
            match ready!(body.poll_chunk(cx)) {
                Some(Ok(chunk)) => {
                    if let Err(too_large) = this.framer.feed(&chunk, &mut this.ready) {
                        this.body = None;
                        this.ready.clear();
                        return Poll::Ready(Some(Err(Error::ItemTooLarge {
                            operation: this.operation,
                            item: format!("{} {}", this.framing.unit(), too_large.number),
                            limit: u64::try_from(this.framer.limit()).unwrap_or(u64::MAX),
                        })));
                    }
                }
                Some(Err(error)) => {
                    this.body = None;
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.framer.end(&mut this.ready);
                    this.body = None;
                }
            }
        }
    }
}
