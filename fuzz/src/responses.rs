//! The runtime's handling of what a server sends back, on arbitrary responses: error bodies
//! ([`api_error`]), `Retry-After` values ([`retry_after`]), typed response headers decoded by
//! generated code ([`response_headers`]) and page streams ([`pagination`]). Each check compares
//! with a plain model of what the documentation promises, and panics at the first difference.

use std::cell::RefCell;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arbitrary::Arbitrary;
use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use metastudio::runtime::error::MAX_PARSED_ERROR_BODY;
use metastudio::runtime::paginate::{Page, offset_stream};
use metastudio::runtime::{ApiError, Error, ErrorFields, RawResponse, Undocumented};
use serde_json::Value;

/// Characters that end a line.
fn has_line_break(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Error bodies

/// Field names error bodies use, and a few that are not.
const FIELD_NAMES: &[&str] = &[
    "error_code",
    "error_msg",
    "errorCode",
    "errorMsg",
    "code",
    "message",
    "request_id",
    "error",
    "errors",
    "detail",
    "",
    "msg",
];

#[derive(Arbitrary, Debug)]
pub struct ErrorInput {
    status: u16,
    /// The request-id header's value.
    request_id: Option<String>,
    body: Body,
    /// `x-error-fields` pairs, as indices into [`FIELD_NAMES`].
    fields: Vec<(u8, u8)>,
}

#[derive(Arbitrary, Debug)]
enum Body {
    Bytes(Vec<u8>),
    Json(Json),
    /// JSON padded with spaces to about the parsing limit.
    Padded {
        json: Json,
        around: i16,
    },
}

#[derive(Arbitrary, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Text),
    Array(Vec<Json>),
    Object(Vec<(Key, Json)>),
}

#[derive(Arbitrary, Debug)]
enum Key {
    Known(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum Text {
    Any(String),
    /// Words joined by line breaks and other whitespace.
    Lines(Vec<(String, u8)>),
    Long(u16),
}

impl Text {
    fn text(&self) -> String {
        match self {
            Text::Any(text) => text.clone(),
            Text::Lines(parts) => {
                const BREAKS: [&str; 8] =
                    ["\n", "\r\n", "\r", "\t", " ", "\u{2028}", "\u{85}", "\u{b}"];
                parts
                    .iter()
                    .map(|(word, kind)| format!("{word}{}", BREAKS[usize::from(*kind) % 8]))
                    .collect()
            }
            Text::Long(length) => "é".repeat(usize::from(*length)),
        }
    }
}

impl Json {
    fn value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(flag) => Value::Bool(*flag),
            Json::Int(number) => Value::from(*number),
            Json::Float(number) => serde_json::Number::from_f64(*number)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Json::Text(text) => Value::String(text.text()),
            Json::Array(items) => Value::Array(items.iter().map(Json::value).collect()),
            Json::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(key, value)| {
                        let key = match key {
                            Key::Known(index) => {
                                FIELD_NAMES[usize::from(*index) % FIELD_NAMES.len()].to_owned()
                            }
                            Key::Any(text) => text.clone(),
                        };
                        (key, value.value())
                    })
                    .collect(),
            ),
        }
    }
}

/// The model of the search for an error's code and message: the first object, depth first
/// (an object before the objects inside it, those in order), no deeper than 16 levels below
/// the top, that has both fields of a pair; each field as text when it is a non-empty string,
/// a number or a boolean.
fn model_fields(
    value: &Value,
    pairs: &[(&str, &str)],
    depth: usize,
) -> Option<(Option<String>, Option<String>)> {
    let Value::Object(map) = value else {
        return None;
    };
    let text = |value: &Value| match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    for (code, message) in pairs {
        if let (Some(c), Some(m)) = (map.get(*code), map.get(*message)) {
            return Some((text(c), text(m)));
        }
    }
    if depth == 16 {
        return None;
    }
    for nested in map.values() {
        if nested.is_object()
            && let Some(found) = model_fields(nested, pairs, depth + 1)
        {
            return Some(found);
        }
    }
    None
}

pub fn api_error(input: &ErrorInput) {
    let Ok(status) = StatusCode::from_u16(input.status) else {
        return;
    };
    let body: Vec<u8> = match &input.body {
        Body::Bytes(bytes) => bytes.clone(),
        Body::Json(json) => json.value().to_string().into_bytes(),
        Body::Padded { json, around } => {
            let mut text = json.value().to_string();
            let target = MAX_PARSED_ERROR_BODY.saturating_add_signed(isize::from(*around / 256));
            while text.len() < target {
                text.push(' ');
            }
            text.into_bytes()
        }
    };
    let pairs: Vec<(&'static str, &'static str)> = input
        .fields
        .iter()
        .take(4)
        .map(|(code, message)| {
            (
                FIELD_NAMES[usize::from(*code) % FIELD_NAMES.len()],
                FIELD_NAMES[usize::from(*message) % FIELD_NAMES.len()],
            )
        })
        .collect();
    let mut fields: Vec<ErrorFields> = pairs
        .iter()
        .map(|(code, message)| ErrorFields { code, message })
        .collect();
    fields.push(ErrorFields::CONVENTIONAL);
    let mut all_pairs = pairs.clone();
    all_pairs.push(("code", "message"));

    let error: ApiError = ApiError::from_body(
        status,
        input.request_id.clone(),
        Bytes::from(body.clone()),
        fields,
    );

    let json = (body.len() <= MAX_PARSED_ERROR_BODY)
        .then(|| serde_json::from_slice::<Value>(&body).ok())
        .flatten();
    let (code, message) = json
        .as_ref()
        .and_then(|value| model_fields(value, &all_pairs, 0))
        .unwrap_or_default();
    assert_eq!(error.error_code, code, "error code of {json:?}");
    assert_eq!(error.error_msg, message, "error message of {json:?}");
    let request_id = input.request_id.clone().or_else(|| {
        json.as_ref()
            .and_then(|v| v.get("request_id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    assert_eq!(error.request_id, request_id, "request id");
    assert_eq!(error.status, status);
    assert_eq!(error.body, body, "the raw body is kept");
    assert_eq!(error.body_text(), String::from_utf8_lossy(&body));

    let excerpt = error.body_excerpt();
    assert!(!has_line_break(&excerpt), "excerpt {excerpt:?} is one line");
    assert!(
        excerpt.chars().count() <= 201,
        "excerpt {excerpt:?} is short"
    );
    if body.is_empty() {
        assert_eq!(excerpt, "(empty body)");
    }

    let shown = error.to_string();
    assert!(!has_line_break(&shown), "Display {shown:?} is one line");
    assert!(
        shown.starts_with(&format!("HTTP {}", status.as_u16())),
        "{shown}"
    );

    // The same through what generated code calls: a response with no `x-error-fields`.
    let raw = RawResponse::new(
        status,
        HeaderMap::new(),
        Bytes::from(body.clone()),
        input.request_id.clone(),
        1,
    );
    let whole = raw.into_error();
    let Error::Api(api) = &whole else {
        panic!("an error status is an API error: {whole:?}");
    };
    let conventional: ApiError = ApiError::from_body(
        status,
        input.request_id.clone(),
        Bytes::from(body),
        [ErrorFields::CONVENTIONAL],
    );
    assert_eq!(**api, conventional, "RawResponse::into_error");
    let shown = whole.to_string();
    assert!(!has_line_break(&shown), "Display {shown:?} is one line");
}

// ---------------------------------------------------------------------------------------------
// Retry-After

#[derive(Arbitrary, Debug)]
pub struct RetryInput {
    value: RetryValue,
    /// Seconds from the epoch (negative: before it) and nanoseconds of the clock.
    now: (i64, u32),
}

#[derive(Arbitrary, Debug)]
enum RetryValue {
    Any(String),
    Seconds {
        digits: String,
        pad: (u8, u8),
    },
    Date {
        weekday: u8,
        day: Field,
        month: u8,
        year: Field,
        hour: Field,
        minute: Field,
        second: Field,
        zone: u8,
        spaces: u8,
    },
}

#[derive(Arbitrary, Debug)]
enum Field {
    Number(i64),
    Padded(u16, u8),
    Any(String),
}

impl Field {
    fn text(&self) -> String {
        match self {
            Field::Number(n) => n.to_string(),
            Field::Padded(n, width) => format!("{n:0width$}", width = usize::from(*width % 6)),
            Field::Any(text) => text.clone(),
        }
    }
}

const WEEKDAYS: [&str; 9] = [
    "Sun,", "Mon,", "Sat,", "Thu,", "Sun", "Foo,", ",", "Sunday,", "",
];
const MONTHS: [&str; 15] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "jan",
    "JAN", "Febr",
];
const ZONES: [&str; 5] = ["GMT", "UTC", "gmt", "GMT+1", ""];

impl RetryValue {
    fn text(&self) -> String {
        match self {
            RetryValue::Any(text) => text.clone(),
            RetryValue::Seconds { digits, pad } => {
                let digits: String = digits.chars().filter(char::is_ascii_digit).collect();
                format!(
                    "{}{digits}{}",
                    " ".repeat(usize::from(pad.0 % 4)),
                    "\t".repeat(usize::from(pad.1 % 3))
                )
            }
            RetryValue::Date {
                weekday,
                day,
                month,
                year,
                hour,
                minute,
                second,
                zone,
                spaces,
            } => {
                let gap = " ".repeat(1 + usize::from(spaces % 3));
                format!(
                    "{}{gap}{}{gap}{}{gap}{}{gap}{}:{}:{}{gap}{}",
                    WEEKDAYS[usize::from(*weekday) % WEEKDAYS.len()],
                    day.text(),
                    MONTHS[usize::from(*month) % MONTHS.len()],
                    year.text(),
                    hour.text(),
                    minute.text(),
                    second.text(),
                    ZONES[usize::from(*zone) % ZONES.len()],
                )
            }
        }
    }
}

/// The model: delay-seconds (digits only, after trimming; too many for a `u64` is the longest
/// wait), or an IMF-fixdate `<weekday>, DD Mon YYYY HH:MM:SS GMT` of the years 1970–9999 (the
/// weekday is not checked; a day past the month's end counts on into the next), minus `now`,
/// and zero for a date in the past.
fn model_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let parts: Vec<&str> = value.split_ascii_whitespace().collect();
    let [weekday, day, month, year, clock, "GMT"] = parts[..] else {
        return None;
    };
    if !weekday.ends_with(',') {
        return None;
    }
    let day: u32 = day.parse().ok()?;
    let month = MONTHS[..12].iter().position(|m| *m == month)?;
    let year: i32 = year.parse().ok()?;
    let clock: Vec<&str> = clock.split(':').collect();
    let [hour, minute, second] = clock[..] else {
        return None;
    };
    let (hour, minute, second): (u64, u64, u64) = (
        hour.parse().ok()?,
        minute.parse().ok()?,
        second.parse().ok()?,
    );
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if !(1970..=9999).contains(&year) {
        return None;
    }
    let first = chrono::NaiveDate::from_ymd_opt(year, u32::try_from(month + 1).ok()?, 1)?;
    let date = first.checked_add_days(chrono::Days::new(u64::from(day - 1)))?;
    let days = u64::try_from(
        date.signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?)
            .num_days(),
    )
    .ok()?;
    let when =
        UNIX_EPOCH + Duration::from_secs(days * 86_400 + hour * 3_600 + minute * 60 + second);
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

pub fn retry_after(input: &RetryInput) {
    let (seconds, nanos) = input.now;
    let offset = Duration::new(seconds.unsigned_abs(), nanos % 1_000_000_000);
    let now = if seconds < 0 {
        UNIX_EPOCH.checked_sub(offset)
    } else {
        UNIX_EPOCH.checked_add(offset)
    };
    let Some(now) = now else { return };
    let value = input.value.text();
    let ours = metastudio::runtime::retry::parse_retry_after(&value, now);
    assert_eq!(
        ours,
        model_retry_after(&value, now),
        "Retry-After {value:?} at {now:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Typed response headers

/// The `*ResponseHeaders` types and their `from_headers` as the generator writes them for
/// `fuzz/fixtures/response_header_types.yaml` (extracted by `build.rs`).
#[allow(dead_code, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/response_headers.rs"));
}

use generated::ListThingsResponseHeaders;

/// The declared headers of the fixture, in case variants the fuzzer picks from.
const HEADER_NAMES: &[&str] = &[
    "X-Count",
    "X-Total",
    "X-Ratio",
    "X-More",
    "X-Cursor",
    "X-Expires",
    "X-Limit",
    "X-Rate",
    "X-Meta",
    "x-count",
    "X-COUNT",
    "X-Request-Id",
    "Retry-After",
];

#[derive(Arbitrary, Debug)]
pub struct HeadersInput {
    headers: Vec<(HeaderNameInput, HeaderText)>,
}

#[derive(Arbitrary, Debug)]
enum HeaderNameInput {
    Known(u8),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum HeaderText {
    Bytes(Vec<u8>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A number with whitespace around it.
    Padded {
        number: i64,
        left: u8,
        right: u8,
    },
    Text(String),
}

impl HeaderText {
    fn bytes(&self) -> Vec<u8> {
        match self {
            HeaderText::Bytes(bytes) => bytes.clone(),
            HeaderText::Int(n) => n.to_string().into_bytes(),
            HeaderText::Float(x) => x.to_string().into_bytes(),
            HeaderText::Bool(flag) => flag.to_string().into_bytes(),
            HeaderText::Padded {
                number,
                left,
                right,
            } => format!(
                "{}{number}{}",
                " \t".repeat(usize::from(left % 3)),
                "\t ".repeat(usize::from(right % 3))
            )
            .into_bytes(),
            HeaderText::Text(text) => text.clone().into_bytes(),
        }
    }
}

/// The model of one typed header: the first value of that name (names compare ignoring ASCII
/// case), when it is visible ASCII (spaces and tabs allowed), trimmed and parsed as the type.
fn model_header<T: std::str::FromStr>(pairs: &[(String, Vec<u8>)], name: &str) -> Option<T> {
    let (_, value) = pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
    if !value
        .iter()
        .all(|b| *b == b'\t' || (0x20..0x7f).contains(b))
    {
        return None;
    }
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

fn model_text(pairs: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    let (_, value) = pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
    if !value
        .iter()
        .all(|b| *b == b'\t' || (0x20..0x7f).contains(b))
    {
        return None;
    }
    String::from_utf8(value.clone()).ok()
}

/// Floats compare as their bits (NaN equals NaN).
fn same_float(a: Option<f64>, b: Option<f64>) -> bool {
    a.map(f64::to_bits) == b.map(f64::to_bits)
}

pub fn response_headers(input: &HeadersInput) {
    let mut map = HeaderMap::new();
    let mut pairs = Vec::new();
    for (name, text) in input.headers.iter().take(32) {
        let name = match name {
            HeaderNameInput::Known(index) => {
                HEADER_NAMES[usize::from(*index) % HEADER_NAMES.len()].to_owned()
            }
            HeaderNameInput::Any(text) => text.clone(),
        };
        let bytes = text.bytes();
        let (Ok(header), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&bytes),
        ) else {
            continue;
        };
        map.append(header, value);
        pairs.push((name, bytes));
    }
    let typed = ListThingsResponseHeaders::from_headers(&map);
    assert_eq!(
        typed.x_count,
        model_header::<i32>(&pairs, "X-Count"),
        "X-Count"
    );
    assert_eq!(
        typed.x_total,
        model_header::<i64>(&pairs, "X-Total"),
        "X-Total"
    );
    assert!(
        same_float(typed.x_ratio, model_header::<f64>(&pairs, "X-Ratio")),
        "X-Ratio"
    );
    assert_eq!(
        typed.x_more,
        model_header::<bool>(&pairs, "X-More"),
        "X-More"
    );
    assert_eq!(typed.x_cursor, model_text(&pairs, "X-Cursor"), "X-Cursor");
    assert_eq!(
        typed.x_expires,
        model_text(&pairs, "X-Expires"),
        "X-Expires"
    );
    assert_eq!(
        typed.x_limit,
        model_header::<i64>(&pairs, "X-Limit"),
        "X-Limit"
    );
    assert!(
        same_float(typed.x_rate, model_header::<f64>(&pairs, "X-Rate")),
        "X-Rate"
    );
    assert_eq!(typed.x_meta, model_text(&pairs, "X-Meta"), "X-Meta");
}

// ---------------------------------------------------------------------------------------------
// Pagination

#[derive(Arbitrary, Debug)]
pub struct PagesInput {
    start: Start,
    max_pages: MaxPages,
    pages: Vec<PageInput>,
    /// What the server answers once the scripted pages are used up.
    then: Tail,
}

#[derive(Arbitrary, Debug)]
enum Start {
    Zero,
    Any(i64),
    NearMax(u16),
}

#[derive(Arbitrary, Debug)]
enum MaxPages {
    Small(u8),
    Default,
    Unlimited,
}

#[derive(Arbitrary, Debug)]
struct PageInput {
    /// Items, or a failure.
    items: Result<Vec<i8>, ()>,
    total: Option<Total>,
}

#[derive(Arbitrary, Debug)]
enum Total {
    Any(i64),
    /// Relative to the offset the page was fetched at.
    Near(i8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Tail {
    Empty,
    RepeatLast,
    Fail,
    /// Fresh items (numbered from the offset), `n` per page, no total: only the page limit or
    /// the offset's end stops the walk.
    Fresh(u8),
}

const FETCH_FAILED: &str = "fetch failed";

/// The offsets fetched, the items yielded, and the error that ended the walk (its text, and the
/// pages fetched when it says how many), if one did.
type WalkOutcome = (Vec<i64>, Vec<i64>, Option<(String, Option<u64>)>);

/// What the walk should do, page by page: the documentation of `offset_stream`.
fn model_walk(
    max_pages: u64,
    start: i64,
    mut fetch: impl FnMut(i64) -> Result<Page<i64>, ()>,
) -> WalkOutcome {
    let max_pages = max_pages.max(1);
    let (mut offsets, mut items) = (Vec::new(), Vec::new());
    let mut offset = start;
    let mut previous: Vec<i64> = Vec::new();
    let mut pages = 0u64;
    loop {
        offsets.push(offset);
        let Ok(page) = fetch(offset) else {
            return (offsets, items, Some((FETCH_FAILED.to_owned(), None)));
        };
        pages += 1;
        if page.items.is_empty() {
            return (offsets, items, None);
        }
        if page.items == previous {
            return (offsets, items, Some(("repeats".to_owned(), Some(pages))));
        }
        items.extend(&page.items);
        let Some(next) = offset.checked_add(page.items.len() as i64) else {
            return (
                offsets,
                items,
                Some(("cannot advance".to_owned(), Some(pages))),
            );
        };
        offset = next;
        if page.total.is_some_and(|total| offset >= total) {
            return (offsets, items, None);
        }
        if pages >= max_pages {
            return (offsets, items, Some(("limit of".to_owned(), Some(pages))));
        }
        previous = page.items;
    }
}

pub fn pagination(input: &PagesInput) {
    let start = match input.start {
        Start::Zero => 0,
        Start::Any(n) => n,
        Start::NearMax(below) => i64::MAX - i64::from(below),
    };
    let max_pages = match input.max_pages {
        MaxPages::Small(n) => u64::from(n),
        MaxPages::Default => metastudio::runtime::paginate::DEFAULT_MAX_PAGES,
        MaxPages::Unlimited => u64::MAX,
    };
    // Endless fresh pages with no page limit stop only at the end of the offsets: too long.
    let then = match (input.then, &input.max_pages) {
        (Tail::Fresh(_), MaxPages::Unlimited) if start < i64::MAX - 10_000 => Tail::Empty,
        (tail, _) => tail,
    };
    let scripted = &input.pages[..input.pages.len().min(64)];
    let server = |call: usize, offset: i64| -> Result<Page<i64>, ()> {
        let page = match scripted.get(call) {
            Some(page) => page,
            None => {
                return match then {
                    Tail::Empty => Ok(Page {
                        items: vec![],
                        total: None,
                    }),
                    Tail::Fail => Err(()),
                    Tail::RepeatLast => match scripted.last() {
                        Some(PageInput {
                            items: Ok(items), ..
                        }) => Ok(Page {
                            items: items.iter().map(|&i| i64::from(i)).collect(),
                            total: None,
                        }),
                        _ => Ok(Page {
                            items: vec![1],
                            total: None,
                        }),
                    },
                    Tail::Fresh(n) => Ok(Page {
                        items: (0..=i64::from(n % 4))
                            .map(|k| offset.wrapping_add(k))
                            .collect(),
                        total: None,
                    }),
                };
            }
        };
        let items = page.items.as_ref().map_err(|_| ())?;
        Ok(Page {
            items: items.iter().map(|&i| i64::from(i)).collect(),
            total: page.total.as_ref().map(|total| match total {
                Total::Any(n) => *n,
                Total::Near(delta) => offset.saturating_add(i64::from(*delta)),
            }),
        })
    };

    let mut model_calls = 0;
    let (offsets, items, stop) = model_walk(max_pages, start, |offset| {
        let page = server(model_calls, offset);
        model_calls += 1;
        page
    });

    let fetched = RefCell::new(Vec::new());
    let stream = offset_stream(max_pages, start, |offset| {
        let call = fetched.borrow().len();
        fetched.borrow_mut().push(offset);
        std::future::ready(
            server(call, offset)
                .map_err(|()| Error::<Undocumented>::validation("page", FETCH_FAILED)),
        )
    });
    let mut stream = pin!(stream);
    let mut context = Context::from_waker(Waker::noop());
    let (mut got, mut error) = (Vec::new(), None);
    // Every item and the error, and one poll to see the end: nothing more.
    let bound = items.len() + 2;
    for poll in 0.. {
        assert!(poll <= bound, "the stream did not end after {poll} polls");
        match stream.as_mut().poll_next(&mut context) {
            Poll::Ready(Some(Ok(item))) => {
                assert!(error.is_none(), "an item after the error");
                got.push(item);
            }
            Poll::Ready(Some(Err(e))) => {
                assert!(error.is_none(), "two errors");
                error = Some(e);
            }
            Poll::Ready(None) => break,
            Poll::Pending => panic!("a stream of ready pages is never pending"),
        }
    }
    assert_eq!(*fetched.borrow(), offsets, "offsets fetched");
    assert_eq!(got, items, "items");
    match (error, stop) {
        (None, None) => {}
        (Some(Error::Validation { rule, .. }), Some((reason, None))) => {
            assert_eq!(rule, reason, "the fetch's error is passed on");
        }
        (Some(Error::Pagination { pages, reason }), Some((expected, Some(count)))) => {
            assert!(
                reason.contains(&expected),
                "{reason:?} should say {expected:?}"
            );
            assert_eq!(pages, count, "pages counted");
        }
        (error, stop) => panic!("stream ended with {error:?}, the model with {stop:?}"),
    }
}
