//! Line-delimited JSON: `application/x-ndjson` and `application/jsonl` (one value per line,
//! LF or CRLF) and `application/json-seq` (RFC 7464: each value after a record separator,
//! 0x1E). Blank lines and whitespace around a value are skipped; a last value without its
//! line end is still read.

use std::collections::VecDeque;

/// How the values of a stream are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// One value per line (`application/x-ndjson`, `application/jsonl`).
    Lines,
    /// Each value after a record separator (`application/json-seq`).
    Records,
}

impl Framing {
    /// The byte that separates values.
    fn separator(self) -> u8 {
        match self {
            Framing::Lines => b'\n',
            Framing::Records => 0x1E,
        }
    }

    /// What one value is called in messages.
    pub(crate) fn unit(self) -> &'static str {
        match self {
            Framing::Lines => "line",
            Framing::Records => "record",
        }
    }
}

/// One value's text and its place in the stream (1-based, counting non-blank values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) number: u64,
    pub(crate) text: Vec<u8>,
}

/// Splits the stream's chunks into values, however they are split.
#[derive(Debug)]
pub(crate) struct Framer {
    framing: Framing,
    /// The start of a value whose separator has not arrived yet.
    pending: Vec<u8>,
    /// Values read so far.
    count: u64,
    /// The most bytes one value may hold.
    limit: usize,
}

/// A value grew past the framer's limit; `number` is its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge {
    pub(crate) number: u64,
}

impl Framer {
    /// A framer for values of at most `limit` bytes.
    pub(crate) fn new(framing: Framing, limit: usize) -> Self {
        Framer {
            framing,
            pending: Vec::new(),
            count: 0,
            limit,
        }
    }

    /// The most bytes one item may hold.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Reads `chunk`, appending the values it completes to `out`.
    pub(crate) fn feed(
        &mut self,
        chunk: &[u8],
        out: &mut VecDeque<Record>,
    ) -> Result<(), TooLarge> {
        let separator = self.framing.separator();
        let mut rest = chunk;
        while let Some(end) = rest.iter().position(|b| *b == separator) {
            let (piece, tail) = rest.split_at(end);
            rest = tail.get(1..).unwrap_or_default();
            if self.pending.is_empty() {
                self.value_ended(piece, out);
            } else {
                let mut whole = std::mem::take(&mut self.pending);
                whole.extend_from_slice(piece);
                self.value_ended(&whole, out);
            }
        }
        self.pending.extend_from_slice(rest);
        if self.pending.len() > self.limit {
            return Err(TooLarge {
                number: self.count.saturating_add(1),
            });
        }
        Ok(())
    }

    /// The stream ended: a last value without its separator is read.
    pub(crate) fn end(&mut self, out: &mut VecDeque<Record>) {
        let last = std::mem::take(&mut self.pending);
        self.value_ended(&last, out);
    }

    fn value_ended(&mut self, piece: &[u8], out: &mut VecDeque<Record>) {
        let text = piece.trim_ascii();
        if text.is_empty() {
            return;
        }
        self.count = self.count.saturating_add(1);
        out.push_back(Record {
            number: self.count,
            text: text.to_vec(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(framing: Framing, chunks: &[&[u8]]) -> Vec<(u64, String)> {
        let mut framer = Framer::new(framing, 64);
        let mut out = VecDeque::new();
        for chunk in chunks {
            framer.feed(chunk, &mut out).expect("within the limit");
        }
        framer.end(&mut out);
        out.into_iter()
            .map(|r| (r.number, String::from_utf8(r.text).expect("UTF-8")))
            .collect()
    }

    #[test]
    fn lines_split_anywhere_with_blank_lines_and_crlf() {
        let text: &[u8] = b"{\"a\":1}\r\n\n  {\"a\":2}\n{\"a\":3}";
        let whole = records(Framing::Lines, &[text]);
        assert_eq!(
            whole,
            [
                (1, "{\"a\":1}".to_owned()),
                (2, "{\"a\":2}".to_owned()),
                (3, "{\"a\":3}".to_owned()),
            ]
        );
        for split in 1..text.len() {
            let (first, second) = text.split_at(split);
            assert_eq!(records(Framing::Lines, &[first, second]), whole);
        }
    }

    #[test]
    fn json_seq_records() {
        let got = records(Framing::Records, &[b"\x1e{\"a\":1}\n\x1e{\"a\"", b":2}\n"]);
        assert_eq!(
            got,
            [(1, "{\"a\":1}".to_owned()), (2, "{\"a\":2}".to_owned())]
        );
    }

    #[test]
    fn a_value_past_the_limit_is_refused_with_its_number() {
        let mut framer = Framer::new(Framing::Lines, 4);
        let mut out = VecDeque::new();
        assert_eq!(framer.feed(b"1\n22\n333", &mut out), Ok(()));
        assert_eq!(framer.feed(b"33", &mut out), Err(TooLarge { number: 3 }));
    }
}
