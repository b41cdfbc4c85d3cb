//! Request bodies read as they are sent, never held whole in memory: a file (read again for
//! each attempt, so a retried request sends it again) or a byte stream (sent once: a request
//! whose body is a one-shot stream is not retried).
//!
//! ```text
//! client.upload_object().key("backup.tar").upload(Upload::file("backup.tar")).send().await?;
//! client.upload_object().key("live").upload(Upload::stream(chunks, None)).send().await?;
//! ```
//!
//! A file is read in 64 KiB pieces by the task that sends the request. With a known length
//! (always for a file) the request has a `Content-Length`; without one it is sent chunked.
//! A `multipart/form-data` body's file parts can be uploaded the same way, each from its own
//! file or stream, spliced into the encoded body as it is sent.
//!
//! With AK/SK signing, a streamed body that is not JSON is signed as `UNSIGNED-PAYLOAD`, as
//! the vendor's signer signs such bodies; a JSON one would need its hash before it is sent, so
//! that call is refused before anything is sent, saying so.

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Frame, SizeHint};
use std::fmt;
use std::io::Read as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// How much of a file one piece of the body holds.
const FILE_PIECE: usize = 64 * 1024;

/// A one-shot byte stream, boxed.
type ByteSource = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// A request body read as it is sent: a file or a byte stream.
#[derive(Clone)]
pub struct Upload {
    source: Source,
}

#[derive(Clone)]
enum Source {
    File(PathBuf),
    /// Taken by the first attempt (shared so that a clone of the call shares it too).
    Once {
        stream: Arc<Mutex<Option<ByteSource>>>,
        length: Option<u64>,
    },
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::File(path) => f.debug_tuple("Upload::file").field(path).finish(),
            Source::Once { length, .. } => f
                .debug_struct("Upload::stream")
                .field("length", length)
                .finish_non_exhaustive(),
        }
    }
}

impl Upload {
    /// The file at `path`, opened and read for each attempt (its length is the
    /// `Content-Length`).
    pub fn file(path: impl Into<PathBuf>) -> Upload {
        Upload {
            source: Source::File(path.into()),
        }
    }

    /// The bytes `stream` yields, sent once; `length`, when known, is the `Content-Length`
    /// (the stream must then yield exactly that many bytes). A failure of the stream fails the
    /// request.
    pub fn stream<S>(stream: S, length: Option<u64>) -> Upload
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        Upload {
            source: Source::Once {
                stream: Arc::new(Mutex::new(Some(Box::pin(stream)))),
                length,
            },
        }
    }

    /// Whether the body can be sent again (a file can; a stream cannot).
    pub fn is_repeatable(&self) -> bool {
        matches!(self.source, Source::File(_))
    }

    /// The body of one attempt; `Err` says why there is none (the file cannot be opened, or
    /// the stream was already sent).
    pub(crate) fn body(&self) -> Result<reqwest::Body, String> {
        match &self.source {
            Source::File(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
                let length = file
                    .metadata()
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?
                    .len();
                Ok(reqwest::Body::wrap(FileBody { file, left: length }))
            }
            Source::Once { stream, length } => {
                let taken = stream
                    .lock()
                    .map_err(|_| "the upload stream was poisoned by a panic".to_owned())?
                    .take();
                match taken {
                    Some(stream) => Ok(reqwest::Body::wrap(StreamBody {
                        stream: Mutex::new(stream),
                        length: *length,
                    })),
                    None => Err("the upload is a one-shot stream that was already sent".to_owned()),
                }
            }
        }
    }
}

/// A file, read piece by piece.
struct FileBody {
    file: std::fs::File,
    /// Bytes still to send, as the file's length said when it was opened.
    left: u64,
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let size = usize::try_from(this.left).map_or(FILE_PIECE, |left| left.min(FILE_PIECE));
        let mut piece = vec![0; size];
        let read = match this.file.read(&mut piece) {
            Ok(0) => {
                return Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file became shorter while it was sent",
                ))));
            }
            Ok(read) => read,
            Err(error) => return Poll::Ready(Some(Err(error))),
        };
        piece.truncate(read);
        this.left = this
            .left
            .saturating_sub(u64::try_from(read).unwrap_or(u64::MAX));
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(piece)))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

/// A caller's byte stream (in a mutex only to be `Sync`, as `reqwest::Body::wrap` wants; it
/// is never locked, since polling has it mutably).
struct StreamBody {
    stream: Mutex<ByteSource>,
    length: Option<u64>,
}

impl http_body::Body for StreamBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        let stream = match this.stream.get_mut() {
            Ok(stream) => stream,
            Err(poisoned) => poisoned.into_inner(),
        };
        stream
            .as_mut()
            .poll_next(cx)
            .map(|next| next.map(|piece| piece.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        match self.length {
            Some(length) => SizeHint::with_exact(length),
            None => SizeHint::default(),
        }
    }
}

/// The body of a `multipart/form-data` request whose file parts named in `parts` are read from
/// their uploads as it is sent: `encoded` is the body as the encoder wrote it (the bytes in
/// memory of those parts, usually empty, are left out) and `content_type` its `Content-Type`,
/// with the boundary.
///
/// The encoder chose a boundary that occurs in no part, so a part is found by its boundary
/// line and `Content-Disposition` name and ends where the next boundary line starts. A streamed
/// part's content is not checked for the boundary: it is 32 random hex digits long.
#[cfg(feature = "multipart")]
pub(crate) fn multipart_body(
    encoded: &[u8],
    content_type: &str,
    parts: &[(String, Upload)],
) -> Result<reqwest::Body, String> {
    let boundary = content_type
        .split(';')
        .find_map(|parameter| parameter.trim().strip_prefix("boundary="))
        .ok_or_else(|| "the body is not multipart/form-data with a boundary".to_owned())?;
    let mut spans: Vec<(usize, usize, &Upload)> = Vec::with_capacity(parts.len());
    for (name, upload) in parts {
        let (start, end) = part_content(encoded, boundary, name)
            .ok_or_else(|| format!("the multipart body has no part named `{name}`"))?;
        spans.push((start, end, upload));
    }
    spans.sort_by_key(|(start, _, _)| *start);
    let mut segments = std::collections::VecDeque::with_capacity(spans.len() * 2 + 1);
    let mut at = 0;
    for (start, end, upload) in spans {
        let before = encoded.get(at..start).unwrap_or_default();
        segments.push_back(Segment::Bytes(Bytes::copy_from_slice(before)));
        segments.push_back(Segment::Body(upload.body()?));
        at = end;
    }
    let rest = encoded.get(at..).unwrap_or_default();
    segments.push_back(Segment::Bytes(Bytes::copy_from_slice(rest)));
    Ok(reqwest::Body::wrap(Segments(segments)))
}

/// Where the content of the part named `name` starts and ends in `encoded`.
#[cfg(feature = "multipart")]
fn part_content(encoded: &[u8], boundary: &str, name: &str) -> Option<(usize, usize)> {
    let opening = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"");
    let head = find(encoded, opening.as_bytes(), 0)?;
    let start = find(encoded, b"\r\n\r\n", head)?.checked_add(4)?;
    let closing = format!("\r\n--{boundary}");
    let end = find(encoded, closing.as_bytes(), start)?;
    Some((start, end))
}

/// The first index of `needle` in `haystack` at or after `from`.
#[cfg(feature = "multipart")]
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .and_then(|found| found.checked_add(from))
}

/// A piece of a body put together from bytes in memory and streamed bodies.
#[cfg(feature = "multipart")]
enum Segment {
    Bytes(Bytes),
    Body(reqwest::Body),
}

/// Bytes and streamed bodies, sent one after another.
#[cfg(feature = "multipart")]
struct Segments(std::collections::VecDeque<Segment>);

#[cfg(feature = "multipart")]
impl http_body::Body for Segments {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let segments = &mut self.get_mut().0;
        loop {
            match segments.front_mut() {
                None => return Poll::Ready(None),
                Some(Segment::Bytes(bytes)) => {
                    let bytes = std::mem::take(bytes);
                    segments.pop_front();
                    if !bytes.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(bytes))));
                    }
                }
                Some(Segment::Body(body)) => match Pin::new(body).poll_frame(cx) {
                    Poll::Ready(None) => {
                        segments.pop_front();
                    }
                    Poll::Ready(Some(Ok(frame))) => return Poll::Ready(Some(Ok(frame))),
                    Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error.into()))),
                    Poll::Pending => return Poll::Pending,
                },
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        let mut total: u64 = 0;
        for segment in &self.0 {
            let length = match segment {
                Segment::Bytes(bytes) => u64::try_from(bytes.len()).ok(),
                Segment::Body(body) => http_body::Body::size_hint(body).exact(),
            };
            match length.and_then(|length| total.checked_add(length)) {
                Some(sum) => total = sum,
                None => return SizeHint::default(),
            }
        }
        SizeHint::with_exact(total)
    }
}
