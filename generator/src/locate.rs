//! Finding the line of a JSON pointer in the text of a spec file, for diagnostics.
//!
//! Two small scanners, one per format: a block-style YAML reader that knows keys by their
//! indentation, `- ` sequence items, quoted keys, comments and block scalars, and a JSON
//! scanner that records where every member starts, or walks down one pointer skipping the rest.
//! A file is scanned once, when its first diagnostic needs a line ([`LineIndex`]); each lookup
//! is then a walk or a map lookup. [`Lines`] puts off that scan of a JSON file until its
//! diagnostics are many: the first few are found by walks down their pointers. Both are
//! best effort: they never panic and answer `None` when the pointer cannot be found
//! (flow-style YAML, anchors, merge keys).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The source format, which decides the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Block-style YAML.
    Yaml,
    /// JSON.
    Json,
}

/// Splits `#/a/b~1c` into unescaped tokens `["a", "b/c"]`; `None` if it is not a pointer.
pub fn pointer_tokens(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('#').unwrap_or(pointer);
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let rest = rest.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// The 1-based line where the value at `pointer` (or its key) starts, if it can be found.
/// The root pointer `#` has no line. Scans the whole text: for many lookups in one file, build
/// a [`LineIndex`].
pub fn line_of(text: &str, format: Format, pointer: &str) -> Option<usize> {
    LineIndex::new(text, format).line_of(pointer)
}

/// The numbers in a JSON text that no `f64` holds (`1e400`): their byte ranges and pointers,
/// in text order; `None` when the text is not JSON.
pub fn huge_json_numbers(text: &str) -> Option<Vec<(Range<usize>, String)>> {
    json::huge_numbers(text)
}

/// The lines of one file's diagnostics, found as cheaply as their number allows: in JSON the
/// first few by a walk down each pointer that skips everything beside it, and once those walks
/// have read the text a few times over, from a [`LineIndex`] built then; in YAML always from
/// the index.
#[derive(Debug, Default)]
pub struct Lines {
    /// Built when the walks have read [`WALK_BUDGET`] times the text.
    index: OnceLock<LineIndex>,
    /// Bytes the walks have read so far.
    walked: AtomicUsize,
}

/// How many times over the walks of [`Lines`] may read a JSON text before it is indexed (the
/// index costs some ten walks: it stores every pointer).
const WALK_BUDGET: usize = 4;

impl Lines {
    /// The 1-based line where the value at `pointer` starts in `text` (for an object member:
    /// its key), if it can be found. `text` and `format` must be the same at every call.
    pub fn line_of(&self, text: &str, format: Format, pointer: &str) -> Option<usize> {
        if let Some(index) = self.index.get() {
            return index.line_of(pointer);
        }
        let budget = text.len().saturating_mul(WALK_BUDGET);
        if format == Format::Yaml || self.walked.load(Ordering::Relaxed) >= budget {
            return self
                .index
                .get_or_init(|| LineIndex::new(text, format))
                .line_of(pointer);
        }
        let tokens = pointer_tokens(pointer)?;
        if tokens.is_empty() {
            return None;
        }
        let (offset, read) = json::find(text, &tokens);
        self.walked
            .fetch_add(read.saturating_add(offset.unwrap_or(0)), Ordering::Relaxed);
        let before = text.as_bytes().get(..offset?)?;
        Some(1 + before.iter().filter(|byte| **byte == b'\n').count())
    }
}

/// One file's text scanned once, so that every diagnostic's line is found without scanning it
/// again.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offsets of the line starts after the first.
    newlines: Vec<usize>,
    scan: Scan,
}

#[derive(Debug, Clone)]
enum Scan {
    Yaml(Vec<yaml::Node>),
    Json(HashMap<String, usize>),
}

impl LineIndex {
    /// Scans `text` of `format`.
    pub fn new(text: &str, format: Format) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(at, _)| at)
            .collect();
        let scan = match format {
            Format::Yaml => Scan::Yaml(yaml::scan(text)),
            Format::Json => Scan::Json(json::index(text)),
        };
        LineIndex { newlines, scan }
    }

    /// The 1-based line where the value at `pointer` starts (for an object member: its key), if
    /// it can be found.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        let tokens = pointer_tokens(pointer)?;
        if tokens.is_empty() {
            return None;
        }
        match &self.scan {
            Scan::Yaml(nodes) => yaml::line_of(nodes, &tokens),
            Scan::Json(starts) => {
                let offset = *starts.get(&crate::diagnostic::pointer(&tokens))?;
                Some(1 + self.newlines.partition_point(|newline| *newline < offset))
            }
        }
    }
}

mod yaml {
    //! Block-style YAML, read as a list of "virtual lines": a line `  - name: x` becomes a
    //! sequence item at indentation 2 and an entry `name` at indentation 4, both on the same
    //! line. Nesting is then purely by indentation.

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Kind {
        /// `- ` (the item's content, if any, is the next virtual line).
        Item,
        /// `key:`; `inline` when a value follows on the same line.
        Entry { key: String, inline: bool },
        /// Anything else: a scalar, a flow collection.
        Other,
    }

    #[derive(Debug, Clone)]
    pub(super) struct Node {
        indent: usize,
        line: usize,
        kind: Kind,
        /// Its value on this line is a flow collection (`{…}` or `[…]`).
        flow: bool,
    }

    fn is_flow(value: &str) -> bool {
        value.starts_with(['{', '['])
    }

    pub(super) fn line_of(nodes: &[Node], tokens: &[String]) -> Option<usize> {
        let mut region: &[Node] = nodes;
        let mut line = None;
        let mut last = None;
        for token in tokens {
            let Some((index, node)) = find(region, token) else {
                // The rest of the pointer is inside a flow collection (`schema: {type: x}`,
                // `- {name: id}`), which this scan does not split: its line is where that
                // collection starts. A key missing from block content has no line.
                if last.is_some_and(|node: &Node| node.flow) {
                    return line;
                }
                return region
                    .first()
                    .filter(|first| line.is_some() && first.kind == Kind::Other && first.flow)
                    .map(|first| first.line);
            };
            last = Some(node);
            line = Some(node.line);
            region = children(region, index);
        }
        line
    }

    /// The node for `token` among the top-level nodes of `region`.
    fn find<'a>(region: &'a [Node], token: &str) -> Option<(usize, &'a Node)> {
        let base = region.first()?.indent;
        let mut siblings = region
            .iter()
            .enumerate()
            .filter(|(_, node)| node.indent == base);
        if region.first()?.kind == Kind::Item {
            let wanted: usize = token.parse().ok()?;
            siblings
                .filter(|(_, node)| node.kind == Kind::Item)
                .nth(wanted)
        } else {
            siblings
                .rfind(|(_, node)| matches!(&node.kind, Kind::Entry { key, .. } if key == token))
        }
    }

    /// The nodes nested under `region[index]`.
    fn children(region: &[Node], index: usize) -> &[Node] {
        let Some(parent) = region.get(index) else {
            return &[];
        };
        if matches!(parent.kind, Kind::Entry { inline: true, .. } | Kind::Other) {
            return &[];
        }
        let rest = region.get(index + 1..).unwrap_or(&[]);
        // `key:` followed by `- item` at the key's own indentation is a sequence value.
        let compact = matches!(parent.kind, Kind::Entry { .. })
            && rest
                .first()
                .is_some_and(|n| n.indent == parent.indent && n.kind == Kind::Item);
        let end = rest
            .iter()
            .position(|node| {
                !(node.indent > parent.indent
                    || (compact && node.indent == parent.indent && node.kind == Kind::Item))
            })
            .unwrap_or(rest.len());
        &rest[..end]
    }

    pub(super) fn scan(text: &str) -> Vec<Node> {
        let mut nodes = Vec::new();
        // While inside a block scalar: the indentation its lines must exceed.
        let mut block_scalar: Option<usize> = None;
        for (number, raw) in text.lines().enumerate() {
            let line = number + 1;
            let indent = raw.len() - raw.trim_start_matches(' ').len();
            let content = raw[indent..].trim_end();
            if let Some(owner) = block_scalar {
                if content.is_empty() || indent > owner {
                    continue;
                }
                block_scalar = None;
            }
            if content.is_empty()
                || content.starts_with('#')
                || content.starts_with('%')
                || content == "---"
                || content == "..."
                || content.starts_with("--- ")
            {
                continue;
            }
            let mut column = indent;
            let mut rest = content;
            loop {
                if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
                    nodes.push(Node {
                        indent: column,
                        line,
                        kind: Kind::Item,
                        flow: false,
                    });
                    let after = &rest[1..];
                    let trimmed = after.trim_start();
                    column += 1 + (after.len() - trimmed.len());
                    rest = trimmed;
                    if rest.is_empty() {
                        break;
                    }
                    if is_block_scalar(rest) {
                        block_scalar = Some(column.saturating_sub(1));
                        break;
                    }
                    continue;
                }
                match split_key(rest) {
                    Some((key, value)) => {
                        let value = strip_comment(value);
                        let value = strip_properties(value);
                        let scalar = is_block_scalar(value);
                        nodes.push(Node {
                            indent: column,
                            line,
                            kind: Kind::Entry {
                                key,
                                inline: !value.is_empty(),
                            },
                            flow: is_flow(value),
                        });
                        if scalar {
                            block_scalar = Some(column);
                        }
                    }
                    None => nodes.push(Node {
                        indent: column,
                        line,
                        kind: Kind::Other,
                        flow: is_flow(rest),
                    }),
                }
                break;
            }
        }
        nodes
    }

    fn is_block_scalar(value: &str) -> bool {
        let value = strip_properties(strip_comment(value));
        value.starts_with('|') || value.starts_with('>')
    }

    /// Drops anchors (`&a`) and tags (`!t`) in front of a value.
    fn strip_properties(mut value: &str) -> &str {
        while value.starts_with('&') || value.starts_with('!') {
            value = match value.find([' ', '\t']) {
                Some(space) => value[space..].trim_start(),
                None => "",
            };
        }
        value
    }

    /// Drops a trailing ` # comment` from a plain value.
    fn strip_comment(value: &str) -> &str {
        let value = value.trim();
        if value.starts_with('#') {
            return "";
        }
        if value.starts_with('"') || value.starts_with('\'') {
            return value;
        }
        match value.find(" #").or_else(|| value.find("\t#")) {
            Some(at) => value[..at].trim_end(),
            None => value,
        }
    }

    /// Splits `key: value` (plain, single- or double-quoted key) into the key and the rest.
    fn split_key(content: &str) -> Option<(String, &str)> {
        let (key, after) = if let Some(body) = content.strip_prefix('"') {
            let (key, used) = double_quoted(body)?;
            (key, &body[used..])
        } else if let Some(body) = content.strip_prefix('\'') {
            let (key, used) = single_quoted(body)?;
            (key, &body[used..])
        } else {
            if content.starts_with(['{', '[', '?', '|', '>', '*', '&', '!']) {
                return None;
            }
            let colon = find_plain_colon(content)?;
            (content[..colon].trim_end().to_owned(), &content[colon..])
        };
        let after = after.trim_start();
        let value = after.strip_prefix(':')?;
        if value.is_empty() || value.starts_with([' ', '\t']) {
            Some((key, value))
        } else {
            None
        }
    }

    /// Where a plain key ends: the first `:` followed by a space or the end of the line.
    fn find_plain_colon(content: &str) -> Option<usize> {
        let bytes = content.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b':' if bytes.get(at + 1).is_none_or(|b| *b == b' ' || *b == b'\t') => {
                    return Some(at);
                }
                b'#' if at > 0 && matches!(bytes[at - 1], b' ' | b'\t') => return None,
                _ => {}
            }
            at += 1;
        }
        None
    }

    /// Reads a double-quoted scalar body up to its closing quote: the text and the bytes used
    /// (closing quote included).
    fn double_quoted(body: &str) -> Option<(String, usize)> {
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => return Some((out, at + 1)),
                '\\' => {
                    let (_, escaped) = chars.next()?;
                    match escaped {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        '0' => out.push('\0'),
                        ' ' => out.push(' '),
                        'u' | 'x' | 'U' => {
                            let len = match escaped {
                                'x' => 2,
                                'u' => 4,
                                _ => 8,
                            };
                            let mut hex = String::new();
                            for _ in 0..len {
                                hex.push(chars.next()?.1);
                            }
                            let code = u32::from_str_radix(&hex, 16).ok()?;
                            out.push(char::from_u32(code)?);
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
        None
    }

    /// Reads a single-quoted scalar body (`''` is a quote) up to its closing quote.
    fn single_quoted(body: &str) -> Option<(String, usize)> {
        let mut out = String::new();
        let mut chars = body.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().is_some_and(|(_, next)| *next == '\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    return Some((out, at + 1));
                }
            } else {
                out.push(c);
            }
        }
        None
    }
}

mod json {
    //! A small JSON scanner: one pass over the text that records where every member and item
    //! starts, by pointer; and the numbers no `f64` holds.

    use std::collections::HashMap;
    use std::ops::Range;

    /// Values nested deeper than this are not indexed (their place is their container's).
    const MAX_DEPTH: usize = 256;

    /// Every member's and item's pointer mapped to the byte offset where it starts (for an
    /// object member: where its key starts).
    pub(super) fn index(text: &str) -> HashMap<String, usize> {
        let mut scanner = Scanner::new(text.as_bytes());
        let mut pointer = String::from("#");
        let mut visit = Visit::Index(HashMap::new());
        scanner.value(&mut pointer, &mut visit, 0);
        match visit {
            Visit::Index(map) => map,
            Visit::Huge(_) => HashMap::new(),
        }
    }

    /// Where the member or item at `tokens` starts (for an object member: its key), found by one
    /// walk down the path that skips everything beside it, as [`index`] would record it (of
    /// duplicate keys the last); and how far the walk read. `None` when it is not there.
    pub(super) fn find(text: &str, tokens: &[String]) -> (Option<usize>, usize) {
        let mut scanner = Scanner::new(text.as_bytes());
        let found = if tokens.len() > MAX_DEPTH {
            None
        } else {
            scanner.find(tokens)
        };
        (found, scanner.at)
    }

    /// The numbers in `text` that overflow an `f64` (`1e400`), with their pointers; `None` when
    /// the text is not JSON.
    pub(super) fn huge_numbers(text: &str) -> Option<Vec<(Range<usize>, String)>> {
        let mut scanner = Scanner::new(text.as_bytes());
        let mut pointer = String::from("#");
        let mut visit = Visit::Huge(Vec::new());
        scanner.value(&mut pointer, &mut visit, 0)?;
        match visit {
            Visit::Huge(found) => Some(found),
            Visit::Index(_) => None,
        }
    }

    enum Visit {
        Index(HashMap<String, usize>),
        Huge(Vec<(Range<usize>, String)>),
    }

    struct Scanner<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl<'a> Scanner<'a> {
        fn new(bytes: &'a [u8]) -> Self {
            Scanner { bytes, at: 0 }
        }

        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.at).copied()
        }

        fn skip_ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.at += 1;
            }
        }

        /// Reads the value at the cursor, recording what `visit` wants; `None` on malformed text.
        fn value(&mut self, pointer: &mut String, visit: &mut Visit, depth: usize) -> Option<()> {
            self.skip_ws();
            match self.peek()? {
                b'{' => {
                    self.at += 1;
                    self.skip_ws();
                    if self.peek()? == b'}' {
                        self.at += 1;
                        return Some(());
                    }
                    loop {
                        self.skip_ws();
                        let key_at = self.at;
                        let key = self.string()?;
                        self.skip_ws();
                        if self.peek()? != b':' {
                            return None;
                        }
                        self.at += 1;
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&crate::diagnostic::escape_token(&key));
                        self.member(pointer, visit, depth, key_at)?;
                        pointer.truncate(len);
                        self.skip_ws();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b'}' => {
                                self.at += 1;
                                return Some(());
                            }
                            _ => return None,
                        }
                    }
                }
                b'[' => {
                    self.at += 1;
                    self.skip_ws();
                    if self.peek()? == b']' {
                        self.at += 1;
                        return Some(());
                    }
                    let mut index = 0usize;
                    loop {
                        self.skip_ws();
                        let item_at = self.at;
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&index.to_string());
                        self.member(pointer, visit, depth, item_at)?;
                        pointer.truncate(len);
                        index = index.checked_add(1)?;
                        self.skip_ws();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b']' => {
                                self.at += 1;
                                return Some(());
                            }
                            _ => return None,
                        }
                    }
                }
                b'"' => self.string().map(|_| ()),
                _ => {
                    let start = self.at;
                    while !matches!(
                        self.peek(),
                        None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    ) {
                        self.at += 1;
                    }
                    if let Visit::Huge(found) = visit {
                        let token = std::str::from_utf8(self.bytes.get(start..self.at)?).ok()?;
                        let is_number = token.starts_with(|c: char| c == '-' || c.is_ascii_digit());
                        if is_number && token.parse::<f64>().is_ok_and(f64::is_infinite) {
                            found.push((start..self.at, pointer.clone()));
                        }
                    }
                    Some(())
                }
            }
        }

        /// The start of the member or item at `tokens` below the value at the cursor.
        fn find(&mut self, tokens: &[String]) -> Option<usize> {
            let (token, rest) = tokens.split_first()?;
            self.skip_ws();
            // Where the wanted member starts and where its value starts.
            let mut found: Option<(usize, usize)> = None;
            match self.peek()? {
                b'{' => {
                    self.at += 1;
                    self.skip_ws();
                    if self.peek()? != b'}' {
                        loop {
                            self.skip_ws();
                            let key_at = self.at;
                            let matches = self.key_is(token)?;
                            self.skip_ws();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.at += 1;
                            if matches {
                                self.skip_ws();
                                found = Some((key_at, self.at));
                            }
                            self.skip_value()?;
                            self.skip_ws();
                            match self.peek()? {
                                b',' => self.at += 1,
                                b'}' => break,
                                _ => return None,
                            }
                        }
                    }
                }
                b'[' => {
                    let wanted: usize = token.parse().ok()?;
                    if token.starts_with('+') || (token.len() > 1 && token.starts_with('0')) {
                        return None;
                    }
                    self.at += 1;
                    self.skip_ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    let mut index = 0usize;
                    loop {
                        self.skip_ws();
                        if index == wanted {
                            found = Some((self.at, self.at));
                            break;
                        }
                        self.skip_value()?;
                        index = index.checked_add(1)?;
                        self.skip_ws();
                        match self.peek()? {
                            b',' => self.at += 1,
                            _ => return None,
                        }
                    }
                }
                _ => return None,
            }
            let (start, value) = found?;
            if rest.is_empty() {
                return Some(start);
            }
            self.at = value;
            self.find(rest)
        }

        /// Reads a string at the cursor and tells whether it is `token`.
        fn key_is(&mut self, token: &str) -> Option<bool> {
            let start = self.at.checked_add(1)?;
            self.skip_string()?;
            let raw = self.bytes.get(start..self.at.checked_sub(1)?)?;
            if !raw.contains(&b'\\') {
                return Some(raw == token.as_bytes());
            }
            self.at = start.checked_sub(1)?;
            Some(self.string()? == token)
        }

        /// Skips a string at the cursor without decoding it.
        fn skip_string(&mut self) -> Option<()> {
            if self.peek()? != b'"' {
                return None;
            }
            self.at += 1;
            loop {
                match self.peek()? {
                    b'"' => {
                        self.at += 1;
                        return Some(());
                    }
                    b'\\' => self.at = self.at.checked_add(2)?,
                    _ => self.at += 1,
                }
            }
        }

        /// One member or item starting at `start`: recorded, then read.
        fn member(
            &mut self,
            pointer: &mut String,
            visit: &mut Visit,
            depth: usize,
            start: usize,
        ) -> Option<()> {
            if let Visit::Index(map) = visit
                && depth < MAX_DEPTH
            {
                map.insert(pointer.clone(), start);
            }
            if depth >= MAX_DEPTH {
                return self.skip_value();
            }
            self.value(pointer, visit, depth + 1)
        }

        /// Skips a value without recording anything below it.
        fn skip_value(&mut self) -> Option<()> {
            self.skip_ws();
            match self.peek()? {
                b'"' => self.skip_string(),
                b'{' | b'[' => {
                    let mut depth = 0usize;
                    loop {
                        match self.peek()? {
                            b'"' => {
                                self.skip_string()?;
                                continue;
                            }
                            b'{' | b'[' => depth += 1,
                            b'}' | b']' => {
                                depth = depth.checked_sub(1)?;
                                if depth == 0 {
                                    self.at += 1;
                                    return Some(());
                                }
                            }
                            _ => {}
                        }
                        self.at += 1;
                    }
                }
                _ => {
                    while !matches!(
                        self.peek(),
                        None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                    ) {
                        self.at += 1;
                    }
                    Some(())
                }
            }
        }

        /// Reads a string at the cursor, escapes decoded.
        fn string(&mut self) -> Option<String> {
            if self.peek()? != b'"' {
                return None;
            }
            self.at += 1;
            let start = self.at;
            // Fast path: no escapes.
            while let Some(byte) = self.peek() {
                match byte {
                    b'"' => {
                        let text = std::str::from_utf8(self.bytes.get(start..self.at)?).ok()?;
                        self.at += 1;
                        return Some(text.to_owned());
                    }
                    b'\\' => break,
                    _ => self.at += 1,
                }
            }
            let mut out: Vec<u8> = self.bytes.get(start..self.at)?.to_vec();
            loop {
                let byte = self.peek()?;
                self.at += 1;
                match byte {
                    b'"' => return String::from_utf8(out).ok(),
                    b'\\' => {
                        let escaped = self.peek()?;
                        self.at += 1;
                        match escaped {
                            b'n' => out.push(b'\n'),
                            b't' => out.push(b'\t'),
                            b'r' => out.push(b'\r'),
                            b'b' => out.push(8),
                            b'f' => out.push(12),
                            b'u' => {
                                let hex = self.bytes.get(self.at..self.at.checked_add(4)?)?;
                                self.at += 4;
                                let code =
                                    u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                                // Surrogate pairs are rare in keys; an unpaired one never
                                // matches a token.
                                let c = char::from_u32(code).unwrap_or('\u{fffd}');
                                let mut buf = [0; 4];
                                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            }
                            other => out.push(other),
                        }
                    }
                    other => out.push(other),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r#"openapi: 3.0.3
info:
  title: Example   # a comment
  version: "1"
paths:
  /v1/{project_id}/items:
    put:
      operationId: updateItem
      description: |
        A block scalar with lines that look like keys:
        parameters: nope
          - not an item
      parameters:
        - name: project_id
          in: path
        - $ref: '#/components/parameters/Limit'
        -   name: "quoted: name"
            in: query
      tags:
      - one
      - two
  "/quoted/{id}":
    get:
      responses:
        '200':
          description: ok
components:
  schemas:
    'it''s':
      type: object
    Nested:
      - - a
        - b
      - c: 1
"#;

    fn yaml(pointer: &str) -> Option<usize> {
        line_of(YAML, Format::Yaml, pointer)
    }

    #[test]
    fn yaml_top_level_and_nested_keys() {
        assert_eq!(yaml("#/openapi"), Some(1));
        assert_eq!(yaml("#/info"), Some(2));
        assert_eq!(yaml("#/info/title"), Some(3));
        assert_eq!(yaml("#/info/version"), Some(4));
        assert_eq!(yaml("#/components/schemas"), Some(28));
    }

    #[test]
    fn yaml_escaped_path_keys() {
        assert_eq!(yaml("#/paths/~1v1~1{project_id}~1items"), Some(6));
        assert_eq!(
            yaml("#/paths/~1v1~1{project_id}~1items/put/operationId"),
            Some(8)
        );
        assert_eq!(yaml("#/paths/~1quoted~1{id}/get/responses/200"), Some(25));
        assert_eq!(
            yaml("#/paths/~1quoted~1{id}/get/responses/200/description"),
            Some(26)
        );
    }

    #[test]
    fn yaml_block_scalars_are_not_keys() {
        let put = "#/paths/~1v1~1{project_id}~1items/put";
        assert_eq!(yaml(&format!("{put}/description")), Some(9));
        assert_eq!(yaml(&format!("{put}/parameters")), Some(13));
    }

    #[test]
    fn yaml_sequence_items() {
        let params = "#/paths/~1v1~1{project_id}~1items/put/parameters";
        assert_eq!(yaml(&format!("{params}/0")), Some(14));
        assert_eq!(yaml(&format!("{params}/0/in")), Some(15));
        assert_eq!(yaml(&format!("{params}/1")), Some(16));
        assert_eq!(yaml(&format!("{params}/1/$ref")), Some(16));
        assert_eq!(yaml(&format!("{params}/2/name")), Some(17));
        assert_eq!(yaml(&format!("{params}/2/in")), Some(18));
        assert_eq!(yaml(&format!("{params}/3")), None);
        assert_eq!(yaml(&format!("{params}/x")), None);
    }

    #[test]
    fn yaml_compact_sequences_and_nested_items() {
        let put = "#/paths/~1v1~1{project_id}~1items/put";
        assert_eq!(yaml(&format!("{put}/tags/0")), Some(20));
        assert_eq!(yaml(&format!("{put}/tags/1")), Some(21));
        assert_eq!(yaml("#/components/schemas/Nested/0/1"), Some(33));
        assert_eq!(yaml("#/components/schemas/Nested/1/c"), Some(34));
    }

    #[test]
    fn yaml_quoted_keys_and_tilde_escape() {
        assert_eq!(yaml("#/components/schemas/it's/type"), Some(30));
        let text = "a~b/c:\n  \"x\\\"y\": 1\n";
        assert_eq!(line_of(text, Format::Yaml, "#/a~0b~1c/x\"y"), Some(2));
    }

    #[test]
    fn yaml_flow_collections_are_located_where_they_start() {
        let text = "paths:
  /a:
    get:
      parameters:
        - {name: id, in: path, schema: {type: string}}
        - name: q
          schema: {type: integer, enum: [1,
            2]}
      responses: {'200': {description: ok}}
";
        let at = |pointer: &str| line_of(text, Format::Yaml, pointer);
        assert_eq!(at("#/paths/~1a/get/parameters/0/schema/type"), Some(5));
        assert_eq!(at("#/paths/~1a/get/parameters/1/schema/enum/1"), Some(7));
        assert_eq!(at("#/paths/~1a/get/responses/200/description"), Some(9));
        // Keys missing from block content still have no line.
        assert_eq!(at("#/paths/~1a/get/parameters/1/nope"), None);
        assert_eq!(at("#/paths/~1a/post"), None);
    }

    #[test]
    fn yaml_missing_and_scalar_descent() {
        assert_eq!(yaml("#/nope"), None);
        assert_eq!(yaml("#/info/title/deeper"), None);
        assert_eq!(yaml("#"), None);
        assert_eq!(yaml("not a pointer"), None);
        assert_eq!(line_of("", Format::Yaml, "#/a"), None);
        assert_eq!(line_of("- - -\n:\n'\n\"", Format::Yaml, "#/0/0/0"), Some(1));
    }

    const JSON: &str = r#"{
  "openapi": "3.0.3",
  "paths": {
    "/v1/{id}": {
      "get": {
        "parameters": [
          { "name": "id", "in": "path" },
          {
            "name": "q\"uote",
            "in": "query"
          }
        ],
        "x-note": "braces } and ] in a string",
        "responses": { "200": { "description": "ok" } }
      }
    },
    "a~b": 1
  }
}"#;

    fn json(pointer: &str) -> Option<usize> {
        line_of(JSON, Format::Json, pointer)
    }

    #[test]
    fn json_keys_indices_and_escapes() {
        assert_eq!(json("#/openapi"), Some(2));
        assert_eq!(json("#/paths/~1v1~1{id}"), Some(4));
        assert_eq!(json("#/paths/~1v1~1{id}/get/parameters"), Some(6));
        assert_eq!(json("#/paths/~1v1~1{id}/get/parameters/0"), Some(7));
        assert_eq!(json("#/paths/~1v1~1{id}/get/parameters/1"), Some(8));
        assert_eq!(json("#/paths/~1v1~1{id}/get/parameters/1/in"), Some(10));
        assert_eq!(
            json("#/paths/~1v1~1{id}/get/responses/200/description"),
            Some(14)
        );
        assert_eq!(json("#/paths/a~0b"), Some(17));
    }

    #[test]
    fn json_walks_find_what_the_index_records() {
        let duplicates = r#"{"a": {"b": 1}, "c": [0, {"d": 2}], "a": {"b": 3, "\u0062": 4}}"#;
        for text in [JSON, duplicates] {
            let index = json::index(text);
            for (pointer, start) in &index {
                let tokens = pointer_tokens(pointer).unwrap();
                assert_eq!(json::find(text, &tokens).0, Some(*start), "{pointer}");
            }
            let lines = Lines::default();
            for pointer in index.keys() {
                assert_eq!(
                    lines.line_of(text, Format::Json, pointer),
                    line_of(text, Format::Json, pointer),
                    "{pointer}"
                );
            }
        }
        for missing in ["#/c/2", "#/c/01", "#/c/+1", "#/a/x", "#/c/1/d/e"] {
            let tokens = pointer_tokens(missing).unwrap();
            assert_eq!(json::find(duplicates, &tokens).0, None, "{missing}");
        }
    }

    #[test]
    fn json_missing_and_malformed() {
        assert_eq!(json("#/paths/~1v1~1{id}/get/parameters/2"), None);
        assert_eq!(json("#/nope"), None);
        assert_eq!(json("#/openapi/x"), None);
        assert_eq!(line_of("{\"a\": [1, ", Format::Json, "#/a/3"), None);
        assert_eq!(line_of("{\"a\" 1}", Format::Json, "#/a"), None);
        assert_eq!(line_of("", Format::Json, "#/a"), None);
    }
}
