//! Server-sent events (`text/event-stream`), read as the WHATWG HTML standard's "event stream
//! interpretation" says: lines end with CRLF, LF or CR (a CRLF split across two chunks is one
//! line end); a line starting with `:` is a comment; `field: value` sets a field (one space
//! after the colon is dropped); `data` lines are joined with line feeds; a blank line
//! dispatches the event (none when it has no data); `id` sets the id that the next blank line
//! makes the last event id, which later events (and reconnects) keep until another `id`
//! changes it; `retry` (digits only) is the reconnection time;
//! unknown fields are ignored; a leading byte order mark is skipped; text that is not UTF-8 is
//! read with replacement characters; an event the stream ends in the middle of is dropped.

use std::collections::VecDeque;
use std::time::Duration;

/// One event as the stream gave it, before its data is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEvent {
    /// The event type: the `event` field, or `message`.
    pub(crate) event: String,
    /// The `data` lines, joined with line feeds.
    pub(crate) data: String,
    /// The last event id at this event.
    pub(crate) id: Option<String>,
    /// The `retry` field of this event's block, if it had one.
    pub(crate) retry: Option<Duration>,
}

/// Reads events out of the stream's chunks, however they are split.
#[derive(Debug)]
pub(crate) struct Parser {
    /// The start of a line whose end has not arrived yet.
    line: Vec<u8>,
    /// The last chunk ended with CR: a LF starting the next one ends the same line.
    after_cr: bool,
    /// Whether the first line was read (a byte order mark is dropped from it).
    started: bool,
    /// The event being read.
    event: String,
    data: String,
    block_retry: Option<Duration>,
    /// The id the current block set (the standard's "last event ID buffer").
    id_buffer: Option<String>,
    /// The last event id: the buffer's value at the last dispatch, kept across events and
    /// reconnects.
    last_id: Option<String>,
    /// The reconnection time the stream asked for, kept across events.
    retry: Option<Duration>,
    /// The most bytes one event (its unfinished line and its data) may hold.
    limit: usize,
}

/// An event grew past the parser's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge;

impl Parser {
    /// A parser for events of at most `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        Parser {
            line: Vec::new(),
            after_cr: false,
            started: false,
            event: String::new(),
            data: String::new(),
            block_retry: None,
            id_buffer: None,
            last_id: None,
            retry: None,
            limit,
        }
    }

    /// The most bytes one item may hold.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// The last event id the stream gave (for `Last-Event-ID` on a reconnect).
    pub(crate) fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The reconnection time the stream asked for with `retry`.
    pub(crate) fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Reads `chunk`, appending the events it completes to `out`.
    pub(crate) fn feed(
        &mut self,
        chunk: &[u8],
        out: &mut VecDeque<RawEvent>,
    ) -> Result<(), TooLarge> {
        let mut rest = chunk;
        if std::mem::take(&mut self.after_cr) {
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
        }
        while let Some(end) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            let (line, tail) = rest.split_at(end);
            let crlf = tail.starts_with(b"\r\n");
            self.after_cr = tail == b"\r";
            rest = tail.get(if crlf { 2 } else { 1 }..).unwrap_or_default();
            if self.line.is_empty() {
                self.line_ended(line, out);
            } else {
                let mut whole = std::mem::take(&mut self.line);
                whole.extend_from_slice(line);
                self.line_ended(&whole, out);
            }
            self.check_size()?;
        }
        self.line.extend_from_slice(rest);
        self.check_size()
    }

    /// The stream ended: an event without its blank line is dropped, as the standard says.
    pub(crate) fn end(&mut self) {
        self.reset();
    }

    /// A connection was lost in the middle of an event: what was read of it is dropped.
    pub(crate) fn reset(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.event.clear();
        self.data.clear();
        self.block_retry = None;
        self.id_buffer.clone_from(&self.last_id);
    }

    fn check_size(&self) -> Result<(), TooLarge> {
        if self.line.len().saturating_add(self.data.len()) > self.limit {
            Err(TooLarge)
        } else {
            Ok(())
        }
    }

    fn line_ended(&mut self, line: &[u8], out: &mut VecDeque<RawEvent>) {
        let text = String::from_utf8_lossy(line);
        let mut line: &str = &text;
        if !std::mem::replace(&mut self.started, true) {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            // An empty id forgets the last one.
            "id" if !value.contains('\0') => {
                self.id_buffer = (!value.is_empty()).then(|| value.to_owned());
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits only, so only a value past u64 fails: no hint then.
                if let Ok(millis) = value.parse::<u64>() {
                    let retry = Duration::from_millis(millis);
                    self.retry = Some(retry);
                    self.block_retry = Some(retry);
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        self.last_id.clone_from(&self.id_buffer);
        let retry = self.block_retry.take();
        if self.data.is_empty() {
            self.event.clear();
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        let event = match std::mem::take(&mut self.event) {
            event if event.is_empty() => "message".to_owned(),
            event => event,
        };
        out.push_back(RawEvent {
            event,
            data,
            id: self.last_id.clone(),
            retry,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events of `chunks`, fed one after another.
    fn events(chunks: &[&[u8]]) -> Vec<RawEvent> {
        let mut parser = Parser::new(1024);
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser.feed(chunk, &mut out).expect("within the limit");
        }
        parser.end();
        out.into_iter().collect()
    }

    fn event(name: &str, data: &str, id: Option<&str>) -> RawEvent {
        RawEvent {
            event: name.to_owned(),
            data: data.to_owned(),
            id: id.map(str::to_owned),
            retry: None,
        }
    }

    #[test]
    fn fields_comments_and_multi_line_data() {
        let got = events(&[b": a comment\nevent: delta\ndata: {\"a\":1}\ndata:second\nid: 7\nfoo: ignored\n\ndata: plain\n\n"]);
        assert_eq!(
            got,
            [
                event("delta", "{\"a\":1}\nsecond", Some("7")),
                event("message", "plain", Some("7")),
            ]
        );
    }

    #[test]
    fn every_line_ending_and_splits_anywhere() {
        let text: &[u8] = b"\xef\xbb\xbfdata: a\r\n\r\ndata: b\r\rdata: c\n\ndata:  d\r\n\r\n";
        let whole = events(&[text]);
        assert_eq!(
            whole,
            [
                event("message", "a", None),
                event("message", "b", None),
                event("message", "c", None),
                event("message", " d", None),
            ]
        );
        for split in 1..text.len() {
            let (first, second) = text.split_at(split);
            assert_eq!(events(&[first, second]), whole, "split at {split}");
        }
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(events(&bytes), whole);
    }

    #[test]
    fn events_without_data_are_not_dispatched_and_an_unfinished_one_is_dropped() {
        let got = events(&[b"event: ping\n\nid: 3\n\ndata\n\ndata: cut"]);
        assert_eq!(got, [event("message", "", Some("3"))]);
    }

    #[test]
    fn retry_hints_are_digits_only() {
        let mut parser = Parser::new(1024);
        let mut out = VecDeque::new();
        parser
            .feed(b"retry: 1500\ndata: x\n\nretry: 2s\ndata: y\n\n", &mut out)
            .expect("small");
        assert_eq!(parser.retry(), Some(Duration::from_millis(1500)));
        assert_eq!(out[0].retry, Some(Duration::from_millis(1500)));
        assert_eq!(out[1].retry, None);
    }

    #[test]
    fn an_event_past_the_limit_is_refused() {
        let mut parser = Parser::new(8);
        let mut out = VecDeque::new();
        assert_eq!(parser.feed(b"data: 1\n", &mut out), Ok(()));
        assert_eq!(parser.feed(b"data: 234567\n", &mut out), Err(TooLarge));
    }
}
