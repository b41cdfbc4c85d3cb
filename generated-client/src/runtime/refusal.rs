//! What a server's refusal of a signed request says: whether it refused the signature's time
//! (and what its own clock read, to correct ours by) or the signature itself, and where the
//! canonical request it computed differs from the one the client signed.
//!
//! The runtime knows no vendor's wording: what a refusal says comes from the signed scheme's
//! `x-signature-errors` ([`SignatureErrors`]). The transport applies these rules to every 401
//! or 403 answer to a signed request:
//!
//! 1. **The message** is the body's error message (as
//!    [`ApiError`](crate::runtime::error::ApiError) reads it), or else the body as text.
//! 2. **The refusal** ([`Refusal`]) is [`Expired`](Refusal::Expired) when the message contains
//!    one of the `expired` texts, [`Mismatch`](Refusal::Mismatch) when it contains one of the
//!    `mismatch` texts or echoes a canonical request, and
//!    [`Unrecognized`](Refusal::Unrecognized) otherwise (texts compared ignoring ASCII case).
//! 3. **The server's time** is the timestamp after the first `server time` in the message (any
//!    ASCII case; `server_time`, `server-time` and `servertime` too), after an optional `:` or
//!    `=`, spaces and a quote: `20211217T065804Z` (the `X-Sdk-Date` form), RFC 3339
//!    (`2021-12-17T06:58:04Z`), an HTTP or RFC 2822 date (`Fri, 17 Dec 2021 06:58:04 GMT`), or
//!    Unix seconds; else the response's HTTP `Date` header (read by the transport).
//! 4. **The server's canonical request** is the text after the `canonical_request` marker, to
//!    the end of the message, its lines joined by the marker's separator. It is read part by
//!    part (method, path, query, the header lines named by its signed-header list, the
//!    signed-header list, the payload hash) and compared with ours in that order; the first
//!    part that differs is the [`Difference`], worded as what to check ([`Difference::advice`]).
//!    When every part is the same, the key is what differs ([`Comparison::Same`]).
//!
//! A [`SignatureDiagnosis`] never holds a secret: the values of the headers that carry one
//! (`X-Security-Token`, `Authorization`, `X-Auth-Token`) are shown as `** redacted **`, in our
//! canonical request and in the server's, and it has neither the secret key nor the signature.

use crate::runtime::service::{CanonicalRequestEcho, SignatureErrors};
use crate::runtime::signer::{CanonicalRequest, SENSITIVE_HEADERS, SdkDate, StringToSign};
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a redacted value reads as.
const REDACTED: &str = "** redacted **";

/// How far the server's clock is from this machine's, in whole seconds: positive when the
/// server's clock is ahead. The client adds it to its clock when it signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClockOffset {
    seconds: i64,
}

impl ClockOffset {
    /// No offset: the clocks agree.
    pub const ZERO: ClockOffset = ClockOffset { seconds: 0 };

    /// An offset of `seconds` (positive: the server's clock is ahead).
    pub const fn from_seconds(seconds: i64) -> ClockOffset {
        ClockOffset { seconds }
    }

    /// The offset in seconds (positive: the server's clock is ahead).
    pub const fn seconds(self) -> i64 {
        self.seconds
    }

    /// Whether the clocks agree.
    pub const fn is_zero(self) -> bool {
        self.seconds == 0
    }

    /// The offset that takes `local` to `server`, in whole seconds (each rounded down);
    /// `None` when it does not fit.
    pub fn between(local: SystemTime, server: SystemTime) -> Option<ClockOffset> {
        let seconds = unix_seconds(server)?.checked_sub(unix_seconds(local)?)?;
        Some(ClockOffset { seconds })
    }

    /// `time` moved by the offset; `None` when the result is not a time the platform holds.
    pub fn apply(self, time: SystemTime) -> Option<SystemTime> {
        let by = Duration::from_secs(self.seconds.unsigned_abs());
        if self.seconds >= 0 {
            time.checked_add(by)
        } else {
            time.checked_sub(by)
        }
    }
}

impl fmt::Display for ClockOffset {
    /// `+1200 s`, `-1200 s` or `0 s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.seconds > 0 {
            write!(f, "+{} s", self.seconds)
        } else {
            write!(f, "{} s", self.seconds)
        }
    }
}

/// Seconds since the Unix epoch, rounded down; `None` when they do not fit an `i64`.
fn unix_seconds(time: SystemTime) -> Option<i64> {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).ok(),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).ok()?;
            let partial = i64::from(before.subsec_nanos() > 0);
            whole.checked_neg()?.checked_sub(partial)
        }
    }
}

/// A time from Unix seconds; `None` when the platform cannot hold it.
fn from_unix_seconds(seconds: i64) -> Option<SystemTime> {
    let by = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(by)
    } else {
        UNIX_EPOCH.checked_sub(by)
    }
}

/// What a 401 or 403 answer to a signed request refused, by the spec's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The signature's time: the clocks differ by more than the server accepts.
    Expired,
    /// The signature: it does not match the request as the server received it.
    Mismatch,
    /// Something the spec's texts do not name: perhaps not the signature at all (a permission,
    /// a disabled key, a security token that expired).
    Unrecognized,
}

/// Which refusal `message` is, by the texts of `errors`.
pub(crate) fn classify(message: &str, errors: &SignatureErrors) -> Refusal {
    let lower = message.to_ascii_lowercase();
    let has = |texts: &[&str]| {
        texts
            .iter()
            .any(|text| !text.is_empty() && lower.contains(&text.to_ascii_lowercase()))
    };
    if has(errors.expired) {
        Refusal::Expired
    } else if has(errors.mismatch)
        || errors
            .canonical_request
            .is_some_and(|echo| echoed(message, &echo).is_some())
    {
        Refusal::Mismatch
    } else {
        Refusal::Unrecognized
    }
}

/// The server's time as `message` gives it after `server time` (see the [module docs](self)).
pub(crate) fn server_time_in(message: &str) -> Option<SystemTime> {
    let lower = message.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower.get(from..)?.find("server") {
        let start = from.checked_add(found)?;
        let after_word = start.checked_add("server".len())?;
        from = after_word;
        let rest = lower.get(after_word..)?;
        let rest = rest.strip_prefix([' ', '_', '-']).unwrap_or(rest);
        let Some(rest) = rest.strip_prefix("time") else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix([':', '=']).unwrap_or(rest);
        let rest = rest.trim_start();
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
        // The same text in its original case (ASCII lowercasing keeps every byte offset).
        let offset = lower.len().checked_sub(rest.len())?;
        if let Some(time) = message.get(offset..).and_then(parse_timestamp) {
            return Some(time);
        }
    }
    None
}

/// A timestamp at the start of `text`, in one of the forms the [module docs](self) list.
fn parse_timestamp(text: &str) -> Option<SystemTime> {
    if let Some(basic) = text.get(..16)
        && let Ok(date) = SdkDate::parse(basic)
    {
        return Some(date.0);
    }
    let token: &str = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '\'' | ';' | ')' | ']'))
        .next()
        .unwrap_or_default()
        .trim_end_matches('.');
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(token) {
        return from_unix_seconds(time.timestamp());
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if (9..=11).contains(&digits) {
        let seconds: i64 = text.get(..digits)?.parse().ok()?;
        return from_unix_seconds(seconds);
    }
    // An HTTP date is 29 characters; RFC 2822 allows a little more.
    let end = text
        .char_indices()
        .nth(40)
        .map_or(text.len(), |(index, _)| index);
    let head = text.get(..end)?;
    (5..=head.len()).rev().find_map(|cut| {
        let candidate = head.get(..cut)?;
        chrono::DateTime::parse_from_rfc2822(candidate)
            .ok()
            .and_then(|time| from_unix_seconds(time.timestamp()))
    })
}

/// The text after the echo's marker, if the message has it.
fn echoed<'a>(message: &'a str, echo: &CanonicalRequestEcho) -> Option<&'a str> {
    if echo.after.is_empty() {
        return None;
    }
    let found = message
        .to_ascii_lowercase()
        .find(&echo.after.to_ascii_lowercase())?;
    let text = message.get(found.checked_add(echo.after.len())?..)?.trim();
    (!text.is_empty()).then_some(text)
}

/// What the client signed in one attempt, kept until its answer is read.
pub(crate) struct SigningRecord {
    /// The canonical request (it holds secret header values: never shown as is).
    pub(crate) canonical_request: CanonicalRequest,
    /// The string to sign (its date is the `X-Sdk-Date` sent).
    pub(crate) string_to_sign: StringToSign,
    /// This machine's clock when the request was signed, before any correction.
    pub(crate) local_time: SystemTime,
    /// The correction the signing time had.
    pub(crate) clock_offset: ClockOffset,
}

/// A part of a canonical request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The HTTP method.
    Method,
    /// The canonical URI (the path, decoded, re-encoded, ending in `/`).
    Path,
    /// The canonical query string.
    Query,
    /// A signed header's line; the lower-case name.
    Header(String),
    /// The list of signed header names.
    SignedHeaders,
    /// The payload hash (the SHA-256 of the body).
    PayloadHash,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Method => f.write_str("the method"),
            Part::Path => f.write_str("the path"),
            Part::Query => f.write_str("the query"),
            Part::Header(name) => write!(f, "the header `{name}`"),
            Part::SignedHeaders => f.write_str("the signed-header list"),
            Part::PayloadHash => f.write_str("the payload hash"),
        }
    }
}

/// The first part in which the server's canonical request differs from ours.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Difference {
    /// Which part.
    pub part: Part,
    /// The server's value; `None` when it has none (a header it did not see). A secret
    /// header's value is `** redacted **`.
    pub server: Option<String>,
    /// The value we signed; `None` when we signed none. A secret header's value is
    /// `** redacted **`.
    pub signed: Option<String>,
}

impl Difference {
    /// What differs and what usually causes it, in one sentence: e.g. "the path the server saw
    /// is `/v1/x/` but we signed `/api/v1/x/`: a proxy may rewrite paths (…)".
    pub fn advice(&self) -> String {
        let server = shown(self.server.as_deref());
        let signed = shown(self.signed.as_deref());
        match &self.part {
            Part::Method => format!(
                "the method the server saw is {server} but we signed {signed}: a proxy or a \
                 redirect changed the method"
            ),
            Part::Path => format!(
                "the path the server saw is {server} but we signed {signed}: a proxy may \
                 rewrite paths (adding or removing a prefix, merging slashes, re-encoding \
                 characters); set the endpoint to the URL the gateway receives, or have the \
                 proxy pass the path through unchanged"
            ),
            Part::Query => format!(
                "the query the server saw is {server} but we signed {signed}: a proxy may add, \
                 drop or re-encode query parameters"
            ),
            Part::Header(name) => header_advice(name, &self.server, &self.signed),
            Part::SignedHeaders => format!(
                "the server's signed-header list is {server} but we signed {signed}: the \
                 Authorization header was changed on the way"
            ),
            Part::PayloadHash => format!(
                "the body the server received hashes to {server} but we signed a body hashing \
                 to {signed}: the body was changed after signing (a proxy re-encoding, \
                 compressing or rewriting it)"
            ),
        }
    }
}

/// The advice for a header line that differs.
fn header_advice(name: &str, server: &Option<String>, signed: &Option<String>) -> String {
    let secret = is_sensitive(name);
    match (server, signed) {
        (None, signed) => format!(
            "we signed the header `{name}`{}, but the server did not see it: a proxy may have \
             removed it",
            value_note(signed.as_deref(), secret)
        ),
        (server, None) => format!(
            "the server verified a header `{name}`{} that we did not sign: it was added after \
             signing (by a proxy, or by the HTTP client)",
            value_note(server.as_deref(), secret)
        ),
        (Some(_), Some(_)) if secret => format!(
            "the header `{name}` the server saw is not the one we signed (the values are \
             secret and not shown): something between the client and the gateway replaced it"
        ),
        (Some(server), Some(signed)) if name == "host" => format!(
            "the header `host` the server saw is {} but we signed {}: the request reached the \
             gateway under another host name (a proxy or load balancer rewrote Host, or the \
             endpoint is not the gateway's own host name); set the endpoint to the host the \
             gateway serves",
            shown(Some(server)),
            shown(Some(signed))
        ),
        (Some(server), Some(signed)) => format!(
            "the header `{name}` the server saw is {} but we signed {}: something between the \
             client and the gateway changed it after signing (a proxy, or the HTTP client)",
            shown(Some(server)),
            shown(Some(signed))
        ),
    }
}

/// ` (`value`)`, or nothing for a secret or absent value.
fn value_note(value: Option<&str>, secret: bool) -> String {
    match value {
        Some(value) if !secret => format!(" ({})", shown(Some(value))),
        _ => String::new(),
    }
}

/// A value in backquotes, `(empty)` when empty, `(none)` when absent.
fn shown(value: Option<&str>) -> String {
    match value {
        None => "(none)".to_owned(),
        Some("") => "(empty)".to_owned(),
        Some(value) => format!("`{value}`"),
    }
}

/// How the server's canonical request compares with ours.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Comparison {
    /// The server computed the canonical request we signed: the signature differs because
    /// the key does (the secret key is not the one the server holds for the access key).
    Same,
    /// The first part in which they differ.
    Differs(Difference),
}

/// What the client signed when a server refused a signed request (a 401 or 403), and, when the
/// server's answer says how it saw the request, where that differs. Reach it from an API error
/// with [`ApiError::signature_diagnosis`](crate::runtime::error::ApiError::signature_diagnosis).
///
/// `Display` is a report of several lines: the finding, the signing time, the access key, the
/// signed headers, our canonical request and the server's. It never shows a secret (see the
/// [module docs](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureDiagnosis {
    refusal: Refusal,
    access_key: String,
    sdk_date: String,
    clock_offset: ClockOffset,
    server_time: Option<SystemTime>,
    signed_headers: String,
    canonical_request: String,
    server_canonical_request: Option<String>,
    comparison: Option<Comparison>,
}

impl SignatureDiagnosis {
    /// The diagnosis of an answer whose message is `message` to the request `record` signed
    /// with `access_key`; `server_time` is the server's time as the answer gives it (see the
    /// [module docs](self)).
    pub(crate) fn new(
        record: &SigningRecord,
        access_key: &str,
        message: &str,
        errors: &SignatureErrors,
        server_time: Option<SystemTime>,
    ) -> SignatureDiagnosis {
        let ours = &record.canonical_request;
        let echo = errors
            .canonical_request
            .and_then(|echo| Some((echoed(message, &echo)?, echo.separator)));
        let comparison = echo
            .and_then(|(text, separator)| parse_echo(text, separator))
            .map(|echo| compare(ours, &echo));
        let server_canonical_request =
            echo.map(|(text, separator)| redact_lines(text.split(separator)));
        SignatureDiagnosis {
            refusal: classify(message, errors),
            access_key: access_key.to_owned(),
            sdk_date: record.string_to_sign.date().to_owned(),
            clock_offset: record.clock_offset,
            server_time,
            signed_headers: ours.signed_headers().to_string(),
            canonical_request: redacted_canonical_request(ours),
            server_canonical_request,
            comparison,
        }
    }

    /// What the server refused, by the spec's texts.
    pub fn refusal(&self) -> Refusal {
        self.refusal
    }

    /// The access key the request was signed with (not a secret).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    /// The `X-Sdk-Date` the request carried, e.g. `20230901T065021Z`.
    pub fn sdk_date(&self) -> &str {
        &self.sdk_date
    }

    /// The correction the client had applied to its clock when it signed.
    pub fn clock_offset(&self) -> ClockOffset {
        self.clock_offset
    }

    /// The server's time, when its answer gave it.
    pub fn server_time(&self) -> Option<SystemTime> {
        self.server_time
    }

    /// The signed header names, `;`-separated, as in `Authorization`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The canonical request we signed, lines separated by `\n`, secret header values
    /// redacted.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The canonical request the server computed, when its answer echoed it: its lines
    /// separated by `\n` (whatever joined them in the answer), secret header values redacted.
    pub fn server_canonical_request(&self) -> Option<&str> {
        self.server_canonical_request.as_deref()
    }

    /// How the server's canonical request compares with ours, when its answer echoed one that
    /// could be read part by part.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
    }

    /// The first part in which the server's canonical request differs from ours, if the
    /// answer shows one.
    pub fn first_difference(&self) -> Option<&Difference> {
        match &self.comparison {
            Some(Comparison::Differs(difference)) => Some(difference),
            _ => None,
        }
    }

    /// The finding in one line, with what to do about it; `None` for an
    /// [`Unrecognized`](Refusal::Unrecognized) refusal the answer says nothing more about.
    pub fn summary(&self) -> Option<String> {
        if self.refusal == Refusal::Expired {
            return Some(self.expired_summary());
        }
        let finding = match (&self.comparison, &self.server_canonical_request) {
            (Some(Comparison::Differs(difference)), _) => difference.advice(),
            (Some(Comparison::Same), _) => format!(
                "the server computed the same canonical request as we signed, so the key is \
                 what differs: the secret key is not the one the server holds for access key \
                 `{}`; check that the AK and SK are one pair (and that a security token was \
                 issued with them)",
                self.access_key
            ),
            (None, Some(_)) => "the server's canonical request could not be compared with ours \
                                part by part; compare the two in \
                                ApiError::signature_diagnosis()"
                .to_owned(),
            (None, None) if self.refusal == Refusal::Mismatch => {
                "the server did not say how it saw the request; compare the canonical request \
                 we signed (ApiError::signature_diagnosis()) with what reaches the gateway: a \
                 proxy that rewrites the path, a header added after signing or an endpoint \
                 with another host name are the usual causes"
                    .to_owned()
            }
            (None, None) => return None,
        };
        Some(format!("signature mismatch: {finding}"))
    }

    fn expired_summary(&self) -> String {
        let corrected = if self.clock_offset.is_zero() {
            String::new()
        } else {
            format!(
                " (this machine's clock corrected by {} after an earlier refusal)",
                self.clock_offset
            )
        };
        match self.server_time {
            Some(server) => {
                let skew = SdkDate::parse(&self.sdk_date)
                    .ok()
                    .and_then(|signed| ClockOffset::between(signed.0, server))
                    .map(|offset| format!(" ({offset} from the time we signed)"))
                    .unwrap_or_default();
                format!(
                    "the server refused the signature's time: we signed at {}{corrected}, the \
                     server's clock read {}{skew}; check this machine's clock (NTP)",
                    self.sdk_date,
                    SdkDate(server)
                )
            }
            None => format!(
                "the server refused the signature's time: we signed at {}{corrected} and the \
                 server did not give its own; check this machine's clock (NTP)",
                self.sdk_date
            ),
        }
    }
}

impl fmt::Display for SignatureDiagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.summary() {
            Some(summary) => writeln!(f, "{summary}")?,
            None => writeln!(
                f,
                "the server refused a signed request, and its answer does not say why in words \
                 the spec names"
            )?,
        }
        write!(f, "signed at X-Sdk-Date {}", self.sdk_date)?;
        if !self.clock_offset.is_zero() {
            write!(f, " (clock corrected by {})", self.clock_offset)?;
        }
        writeln!(f)?;
        if let Some(server) = self.server_time {
            writeln!(f, "server time: {}", SdkDate(server))?;
        }
        writeln!(f, "access key: {}", self.access_key)?;
        writeln!(f, "signed headers: {}", self.signed_headers)?;
        writeln!(f, "canonical request we signed:")?;
        indented(f, &self.canonical_request)?;
        if let Some(server) = &self.server_canonical_request {
            writeln!(f)?;
            writeln!(f, "canonical request the server computed:")?;
            indented(f, server)?;
        }
        Ok(())
    }
}

/// `text`'s lines, each indented by two spaces, separated by `\n`.
fn indented(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            writeln!(f)?;
        }
        write!(f, "  {line}")?;
    }
    Ok(())
}

/// Whether a header's value is a secret.
fn is_sensitive(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|sensitive| name.eq_ignore_ascii_case(sensitive))
}

/// Our canonical request's text with the values of secret headers redacted.
fn redacted_canonical_request(canonical: &CanonicalRequest) -> String {
    let mut lines: Vec<String> = vec![
        canonical.method().to_owned(),
        canonical.uri().to_owned(),
        canonical.query().to_owned(),
    ];
    for (name, value) in canonical.headers() {
        let value = if is_sensitive(name) { REDACTED } else { value };
        lines.push(format!("{name}:{value}"));
    }
    lines.push(String::new());
    lines.push(canonical.signed_headers().to_string());
    lines.push(canonical.payload_hash().to_owned());
    lines.join("\n")
}

/// Lines joined by `\n`, those of secret headers (`name:value`) with the value redacted.
fn redact_lines<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let redacted: Vec<String> = lines
        .map(|line| match line.split_once(':') {
            Some((name, _)) if is_sensitive(name.trim()) => format!("{name}:{REDACTED}"),
            _ => line.to_owned(),
        })
        .collect();
    redacted.join("\n")
}

/// A server's canonical request, read part by part.
struct Echo<'a> {
    method: &'a str,
    uri: &'a str,
    query: &'a str,
    headers: Vec<(&'a str, String)>,
    signed_headers: &'a str,
    payload_hash: &'a str,
}

/// Reads an echoed canonical request: method, URI, query, header lines, an empty line, the
/// signed-header list and the payload hash, joined by `separator`. Header values may contain
/// the separator: the header lines are read by the names the signed-header list gives.
fn parse_echo<'a>(text: &'a str, separator: &str) -> Option<Echo<'a>> {
    if separator.is_empty() {
        return None;
    }
    let parts: Vec<&str> = text.split(separator).collect();
    let last = parts.len().checked_sub(1)?;
    if last < 5 {
        return None;
    }
    let hash_part = parts.get(last)?;
    let hash_length = hash_part
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(hash_part.len());
    let signed_headers = parts.get(last.checked_sub(1)?)?.trim();
    let blank = last.checked_sub(2)?;
    if !parts.get(blank)?.is_empty() {
        return None;
    }
    let block = parts.get(3..blank)?.join(separator);
    Some(Echo {
        method: parts.first()?.trim(),
        uri: parts.get(1)?,
        query: parts.get(2)?,
        headers: header_lines(&block, signed_headers, separator)?,
        signed_headers,
        payload_hash: hash_part.get(..hash_length)?,
    })
}

/// The `name:value` lines of `block`, one per name of `signed_headers`, in order.
fn header_lines<'a>(
    block: &str,
    signed_headers: &'a str,
    separator: &str,
) -> Option<Vec<(&'a str, String)>> {
    let names: Vec<&str> = signed_headers
        .split(';')
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        return block.is_empty().then(Vec::new);
    }
    let mut lines = Vec::with_capacity(names.len());
    let mut rest = block;
    for (index, name) in names.iter().enumerate() {
        let value_start = rest
            .strip_prefix(name)
            .and_then(|after| after.strip_prefix(':'))?;
        let value = match names.get(index.checked_add(1)?) {
            Some(next) => {
                let end = value_start.find(&format!("{separator}{next}:"))?;
                rest = value_start.get(end.checked_add(separator.len())?..)?;
                value_start.get(..end)?
            }
            None => {
                rest = "";
                value_start
            }
        };
        lines.push((*name, value.to_owned()));
    }
    Some(lines)
}

/// The first part in which `echo` differs from `ours`.
fn compare(ours: &CanonicalRequest, echo: &Echo<'_>) -> Comparison {
    let differs = |part: Part, server: &str, signed: &str| {
        (server != signed).then(|| Difference {
            part,
            server: Some(server.to_owned()),
            signed: Some(signed.to_owned()),
        })
    };
    let signed_headers = ours.signed_headers().to_string();
    let found = differs(Part::Method, echo.method, ours.method())
        .or_else(|| differs(Part::Path, echo.uri, ours.uri()))
        .or_else(|| differs(Part::Query, echo.query, ours.query()))
        .or_else(|| header_difference(ours, echo))
        .or_else(|| {
            differs(
                Part::SignedHeaders,
                echo.signed_headers,
                signed_headers.as_str(),
            )
        })
        .or_else(|| differs(Part::PayloadHash, echo.payload_hash, ours.payload_hash()));
    match found {
        Some(difference) => Comparison::Differs(difference),
        None => Comparison::Same,
    }
}

/// The first header line, by name, that differs (a header on one side only included).
fn header_difference(ours: &CanonicalRequest, echo: &Echo<'_>) -> Option<Difference> {
    let signed: BTreeMap<&str, &str> = ours
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let mut server: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, value) in &echo.headers {
        server.entry(name).or_insert(value.as_str());
    }
    let mut names: Vec<&str> = signed.keys().chain(server.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().find_map(|name| {
        let (theirs, mine) = (server.get(name).copied(), signed.get(name).copied());
        if theirs == mine {
            return None;
        }
        let secret = is_sensitive(name);
        let show = |value: Option<&str>| {
            value.map(|value| {
                if secret {
                    REDACTED.to_owned()
                } else {
                    value.to_owned()
                }
            })
        };
        Some(Difference {
            part: Part::Header(name.to_owned()),
            server: show(theirs),
            signed: show(mine),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::credentials::AkSk;
    use crate::runtime::signer::{SignableRequest, sign};

    const ERRORS: SignatureErrors = SignatureErrors {
        expired: &["Signature Expired"],
        mismatch: &["verify aksk signature fail"],
        canonical_request: Some(CanonicalRequestEcho {
            after: "canonicalRequest:",
            separator: "|",
        }),
    };

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    /// The record of signing a PUT with a body, a query, a project header and a security token.
    fn record() -> SigningRecord {
        let headers = vec![
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Project-Id".to_owned(), "p-1".to_owned()),
        ];
        let query = vec![("limit".to_owned(), "10".to_owned())];
        let request = SignableRequest {
            method: "PUT",
            host: "api.example.com",
            path: "/v1/p-1/things/a%2Fb",
            query: &query,
            headers: &headers,
            body: Some(br#"{"valid_period":10}"#),
        };
        let aksk = AkSk::new("AK-EXAMPLE", "SK-SECRET-0123456789")
            .with_security_token("TOKEN-SECRET-0123456789");
        let signed = sign(&request, &aksk, SdkDate(at(1_693_551_021))).expect("signs");
        SigningRecord {
            canonical_request: signed.canonical_request,
            string_to_sign: signed.string_to_sign,
            local_time: at(1_693_551_021),
            clock_offset: ClockOffset::ZERO,
        }
    }

    /// Our canonical request as a server would echo it, with `edit` applied to its lines.
    fn echo_of(record: &SigningRecord, edit: impl FnOnce(&mut Vec<String>)) -> String {
        let mut lines: Vec<String> = record
            .canonical_request
            .to_string()
            .split('\n')
            .map(str::to_owned)
            .collect();
        edit(&mut lines);
        format!(
            "Incorrect IAM authentication information: verify aksk signature fail, \
             canonicalRequest:{}",
            lines.join("|")
        )
    }

    fn diagnose(message: &str) -> SignatureDiagnosis {
        SignatureDiagnosis::new(&record(), "AK-EXAMPLE", message, &ERRORS, None)
    }

    fn replace_line(lines: &mut [String], prefix: &str, with: &str) {
        let line = lines
            .iter_mut()
            .find(|line| line.starts_with(prefix))
            .expect("the line");
        *line = with.to_owned();
    }

    #[test]
    fn offsets_are_checked_and_signed() {
        let offset = ClockOffset::between(at(1_000), at(2_200)).expect("fits");
        assert_eq!(offset.seconds(), 1_200);
        assert_eq!(offset.to_string(), "+1200 s");
        assert_eq!(offset.apply(at(1_000)), Some(at(2_200)));
        let behind = ClockOffset::between(at(2_200), at(1_000)).expect("fits");
        assert_eq!(behind.to_string(), "-1200 s");
        assert_eq!(behind.apply(at(2_200)), Some(at(1_000)));
        assert_eq!(ClockOffset::ZERO.to_string(), "0 s");
        assert_eq!(ClockOffset::from_seconds(i64::MAX).apply(at(1)), None);
        let long_ago = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(ClockOffset::from_seconds(i64::MIN).apply(long_ago), None);
        let before_epoch = UNIX_EPOCH - Duration::from_millis(1_500);
        assert_eq!(unix_seconds(before_epoch), Some(-2));
        assert_eq!(
            ClockOffset::between(before_epoch, at(0)).map(ClockOffset::seconds),
            Some(2)
        );
    }

    #[test]
    fn the_server_time_is_read_in_every_form() {
        let expected = Some(at(1_639_724_284)); // 2021-12-17T06:58:04Z
        for message in [
            "calc aksk signature fail:signature expired, signature time:20211217T064303Z,server time:20211217T065804Z",
            "Signature expired; Server-Time = 2021-12-17T06:58:04Z.",
            "server_time: \"2021-12-17T14:58:04+08:00\"",
            "expired (servertime 1639724284)",
            "the server time is not it; Server Time: Fri, 17 Dec 2021 06:58:04 GMT",
        ] {
            assert_eq!(server_time_in(message), expected, "{message}");
        }
        for message in [
            "signature expired",
            "server time:",
            "server time: soon",
            "server time: 99999999T999999Z",
            "serverless time: 20211217T065804Z",
            "server time:2021-13-45T99:99:99Z",
        ] {
            assert_eq!(server_time_in(message), None, "{message}");
        }
    }

    #[test]
    fn refusals_are_named_by_the_spec_texts_only() {
        assert_eq!(
            classify(
                "Incorrect IAM authentication information: calc aksk signature fail:SIGNATURE EXPIRED, signature time:x",
                &ERRORS
            ),
            Refusal::Expired
        );
        assert_eq!(
            classify(
                "Incorrect IAM authentication information: verify aksk signature fail",
                &ERRORS
            ),
            Refusal::Mismatch
        );
        assert_eq!(
            classify("bad, canonicalRequest:GET|/|", &ERRORS),
            Refusal::Mismatch
        );
        assert_eq!(
            classify("the token has expired", &ERRORS),
            Refusal::Unrecognized
        );
        assert_eq!(
            classify("signature expired", &SignatureErrors::NONE),
            Refusal::Unrecognized
        );
    }

    #[test]
    fn an_identical_echo_means_the_key_differs() {
        let record = record();
        let diagnosis = diagnose(&echo_of(&record, |_| {}));
        assert_eq!(diagnosis.comparison(), Some(&Comparison::Same));
        let summary = diagnosis.summary().expect("a finding");
        assert!(
            summary.contains("the same canonical request as we signed")
                && summary.contains("access key `AK-EXAMPLE`"),
            "{summary}"
        );
    }

    #[test]
    fn the_first_differing_part_is_named_with_advice() {
        let record = record();
        type Edit = Box<dyn Fn(&mut Vec<String>)>;
        let cases: Vec<(Edit, Part, &str)> = vec![
            (
                Box::new(|lines| lines[0] = "POST".to_owned()),
                Part::Method,
                "the method the server saw is `POST` but we signed `PUT`",
            ),
            (
                Box::new(|lines| lines[1] = "/p-1/things/a/b/".to_owned()),
                Part::Path,
                "the path the server saw is `/p-1/things/a/b/` but we signed \
                 `/v1/p-1/things/a/b/`: a proxy may rewrite paths",
            ),
            (
                Box::new(|lines| lines[2] = String::new()),
                Part::Query,
                "the query the server saw is (empty) but we signed `limit=10`",
            ),
            (
                Box::new(|lines| replace_line(lines, "host:", "host:internal.example.com")),
                Part::Header("host".to_owned()),
                "the header `host` the server saw is `internal.example.com` but we signed \
                 `api.example.com`: the request reached the gateway under another host name",
            ),
            (
                Box::new(|lines| replace_line(lines, "x-project-id:", "x-project-id:p-2")),
                Part::Header("x-project-id".to_owned()),
                "the header `x-project-id` the server saw is `p-2` but we signed `p-1`: \
                 something between the client and the gateway changed it after signing",
            ),
            (
                Box::new(|lines| {
                    let last = lines.len() - 1;
                    lines[last] = "0".repeat(64);
                }),
                Part::PayloadHash,
                "the body the server received hashes to `0000",
            ),
        ];
        for (edit, part, words) in cases {
            let diagnosis = diagnose(&echo_of(&record, |lines| edit(lines)));
            let difference = diagnosis.first_difference().expect("a difference");
            assert_eq!(difference.part, part);
            let summary = diagnosis.summary().expect("a finding");
            assert!(summary.starts_with("signature mismatch: "), "{summary}");
            assert!(summary.contains(words), "{part}: {summary}");
        }
    }

    #[test]
    fn a_header_the_server_lacks_or_adds_is_named() {
        let record = record();
        let dropped = diagnose(&echo_of(&record, |lines| {
            lines.retain(|line| !line.starts_with("x-project-id:"));
            let signed = lines.len() - 2;
            lines[signed] = lines[signed].replace(";x-project-id", "");
        }));
        let difference = dropped.first_difference().expect("a difference");
        assert_eq!(difference.part, Part::Header("x-project-id".to_owned()));
        assert_eq!(difference.server, None);
        assert!(
            difference.advice().contains(
                "we signed the header `x-project-id` (`p-1`), but the server did not see it"
            ),
            "{}",
            difference.advice()
        );

        let added = diagnose(&echo_of(&record, |lines| {
            // After `host`, before `x-project-id`, as the server sorts it.
            lines.insert(5, "x-added:1".to_owned());
            let signed = lines.len() - 2;
            lines[signed] = lines[signed].replace("host;", "host;x-added;");
        }));
        let difference = added.first_difference().expect("a difference");
        assert_eq!(difference.part, Part::Header("x-added".to_owned()));
        assert!(difference.advice().contains("that we did not sign"));
    }

    #[test]
    fn values_holding_the_separator_are_read_by_name() {
        let record = record();
        // A user agent with `|` in it, as a header value may have.
        let diagnosis = diagnose(&echo_of(&record, |lines| {
            replace_line(lines, "x-project-id:", "x-project-id:p|1");
        }));
        let difference = diagnosis.first_difference().expect("a difference");
        assert_eq!(difference.part, Part::Header("x-project-id".to_owned()));
        assert_eq!(difference.server.as_deref(), Some("p|1"));
    }

    #[test]
    fn no_secret_is_kept_or_shown() {
        let record = record();
        let changed_token = diagnose(&echo_of(&record, |lines| {
            replace_line(
                lines,
                "x-security-token:",
                "x-security-token:OTHER-TOKEN-SECRET",
            );
        }));
        let difference = changed_token.first_difference().expect("a difference");
        assert_eq!(difference.part, Part::Header("x-security-token".to_owned()));
        assert_eq!(difference.server.as_deref(), Some(REDACTED));
        for text in [
            changed_token.to_string(),
            format!("{changed_token:?}"),
            changed_token.summary().unwrap_or_default(),
        ] {
            assert!(
                !text.contains("TOKEN-SECRET") && !text.contains("SK-SECRET"),
                "{text}"
            );
            assert!(
                text.contains("x-security-token:** redacted **")
                    || !text.contains("x-security-token:"),
                "{text}"
            );
        }
        let report = changed_token.to_string();
        assert!(
            report.contains(
                "canonical request we signed:\n  PUT\n  /v1/p-1/things/a/b/\n  limit=10\n"
            ),
            "{report}"
        );
        assert!(
            report.contains("canonical request the server computed:\n  PUT\n"),
            "{report}"
        );
    }

    #[test]
    fn without_an_echo_the_report_shows_what_we_signed() {
        let diagnosis =
            diagnose("Incorrect IAM authentication information: verify aksk signature fail");
        assert_eq!(diagnosis.refusal(), Refusal::Mismatch);
        assert_eq!(diagnosis.comparison(), None);
        assert_eq!(diagnosis.server_canonical_request(), None);
        assert!(
            diagnosis
                .summary()
                .expect("a finding")
                .contains("did not say how it saw the request")
        );
        assert_eq!(diagnosis.sdk_date(), "20230901T065021Z");
        assert_eq!(
            diagnosis.signed_headers(),
            "content-type;host;x-project-id;x-sdk-date;x-security-token"
        );
        assert!(
            diagnosis
                .canonical_request()
                .starts_with("PUT\n/v1/p-1/things/a/b/\nlimit=10\n"),
            "{}",
            diagnosis.canonical_request()
        );
        let unrecognized = diagnose("access denied by policy");
        assert_eq!(unrecognized.refusal(), Refusal::Unrecognized);
        assert_eq!(unrecognized.summary(), None);
    }

    #[test]
    fn a_malformed_echo_is_shown_but_not_compared() {
        let diagnosis = diagnose("verify aksk signature fail, canonicalRequest:PUT|/v1/|truncated");
        assert_eq!(diagnosis.comparison(), None);
        assert_eq!(
            diagnosis.server_canonical_request(),
            Some("PUT\n/v1/\ntruncated")
        );
        assert!(
            diagnosis
                .summary()
                .expect("a finding")
                .contains("could not be compared")
        );
    }

    #[test]
    fn an_expired_signature_names_both_times() {
        let record = record();
        let message = "calc aksk signature fail:signature expired, signature time:20230901T065021Z,server time:20230901T071022Z";
        let diagnosis = SignatureDiagnosis::new(
            &record,
            "AK-EXAMPLE",
            message,
            &ERRORS,
            server_time_in(message),
        );
        assert_eq!(diagnosis.refusal(), Refusal::Expired);
        assert_eq!(diagnosis.server_time(), Some(at(1_693_552_222)));
        let summary = diagnosis.summary().expect("a finding");
        assert_eq!(
            summary,
            "the server refused the signature's time: we signed at 20230901T065021Z, the \
             server's clock read 20230901T071022Z (+1201 s from the time we signed); check \
             this machine's clock (NTP)"
        );
    }
}
