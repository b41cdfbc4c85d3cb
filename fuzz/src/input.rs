//! Arbitrary requests, shaped so that the fuzzer reaches the interesting rules often (the names
//! the signer looks up, in any case; dates; content types; percent escapes of any byte; values
//! padded with Python whitespace) while every string can still be anything.

use std::time::{Duration, UNIX_EPOCH};

use arbitrary::Arbitrary;
use metastudio::runtime::signer::SdkDate;

use crate::model::Request;

#[derive(Arbitrary, Debug)]
pub struct Input {
    method: Method,
    host: Text,
    path: Vec<PathPiece>,
    query: Vec<(Text, Text)>,
    headers: Vec<(Name, Value)>,
    body: Option<Vec<u8>>,
    ak: Text,
    sk: Text,
    security_token: Option<Text>,
    date: FallbackDate,
}

#[derive(Arbitrary, Debug)]
enum Method {
    Get,
    Put,
    Post,
    Delete,
    Lower(u8),
    Any(String),
}

/// A string, often one of the characters the rules single out.
#[derive(Arbitrary, Debug)]
enum Text {
    Any(String),
    Pieces(Vec<Piece>),
}

#[derive(Arbitrary, Debug)]
enum Piece {
    Ascii(u8),
    Special(Special),
    Char(char),
    Word(String),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Special {
    Slash,
    Percent,
    Plus,
    Space,
    Tilde,
    Underscore,
    Equals,
    Ampersand,
    Semicolon,
    Colon,
    Newline,
    Tab,
    InfoSeparator(u8),
    NoBreakSpace,
    IdeographicSpace,
    ZeroWidthSpace,
    EAcute,
    KelvinSign,
    CapitalIWithDot,
    Sigma,
    Sharp,
}

impl Special {
    fn text(self) -> &'static str {
        match self {
            Special::Slash => "/",
            Special::Percent => "%",
            Special::Plus => "+",
            Special::Space => " ",
            Special::Tilde => "~",
            Special::Underscore => "_",
            Special::Equals => "=",
            Special::Ampersand => "&",
            Special::Semicolon => ";",
            Special::Colon => ":",
            Special::Newline => "\n",
            Special::Tab => "\t",
            Special::InfoSeparator(n) => {
                ["\u{1c}", "\u{1d}", "\u{1e}", "\u{1f}"][usize::from(n % 4)]
            }
            Special::NoBreakSpace => "\u{a0}",
            Special::IdeographicSpace => "\u{3000}",
            Special::ZeroWidthSpace => "\u{200b}",
            Special::EAcute => "é",
            Special::KelvinSign => "\u{212a}",
            Special::CapitalIWithDot => "\u{130}",
            Special::Sigma => "Σ",
            Special::Sharp => "ß",
        }
    }
}

impl Text {
    fn build(&self) -> String {
        match self {
            Text::Any(s) => s.clone(),
            Text::Pieces(pieces) => {
                let mut out = String::new();
                for piece in pieces {
                    match piece {
                        Piece::Ascii(b) => out.push(char::from(b & 0x7f)),
                        Piece::Special(s) => out.push_str(s.text()),
                        Piece::Char(c) => out.push(*c),
                        Piece::Word(w) => out.push_str(w),
                    }
                }
                out
            }
        }
    }
}

/// A piece of the wire path: escapes of any byte (so the decoded path may be any bytes,
/// invalid UTF-8 included), broken escapes, and text.
#[derive(Arbitrary, Debug)]
enum PathPiece {
    Slash,
    Escaped(u8),
    EscapedLowerHex(u8),
    LonePercent,
    PercentOneHex(u8),
    Text(Text),
}

/// Header names the signer treats specially, in any case.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum KnownName {
    ContentType,
    SdkDate,
    Host,
    Authorization,
    SecurityToken,
    ContentSha256,
    UserAgent,
    ProjectId,
    Underscored,
}

impl KnownName {
    fn text(self) -> &'static str {
        match self {
            KnownName::ContentType => "Content-Type",
            KnownName::SdkDate => "X-Sdk-Date",
            KnownName::Host => "Host",
            KnownName::Authorization => "Authorization",
            KnownName::SecurityToken => "X-Security-Token",
            KnownName::ContentSha256 => "X-Sdk-Content-Sha256",
            KnownName::UserAgent => "User-Agent",
            KnownName::ProjectId => "X-Project-Id",
            KnownName::Underscored => "X_Under_Score",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Name {
    Known(KnownName),
    /// Bit `i` of the mask flips the case of character `i`.
    Cased(KnownName, u32),
    Any(Text),
}

impl Name {
    fn build(&self) -> String {
        match self {
            Name::Known(known) => known.text().to_string(),
            Name::Cased(known, mask) => known
                .text()
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i < 32 && mask & (1 << i) != 0 {
                        if c.is_ascii_uppercase() {
                            c.to_ascii_lowercase()
                        } else {
                            c.to_ascii_uppercase()
                        }
                    } else {
                        c
                    }
                })
                .collect(),
            Name::Any(text) => text.build(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Value {
    Any(Text),
    ContentType(ContentType),
    Date(DateFields),
    /// A value with whitespace around it.
    Padded(Special, Text, Special),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum ContentType {
    Json,
    JsonCharset,
    Bson,
    UpperJson,
    OctetStream,
    Empty,
    LeadingSpaceJson,
}

impl ContentType {
    fn text(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::JsonCharset => "application/json; charset=utf-8",
            ContentType::Bson => "application/bson",
            ContentType::UpperJson => "Application/JSON",
            ContentType::OctetStream => "application/octet-stream",
            ContentType::Empty => "",
            ContentType::LeadingSpaceJson => " application/json",
        }
    }
}

/// `YYYYMMDDTHHMMSSZ` from fields that may be out of range.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct DateFields {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl DateFields {
    fn text(self) -> String {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year % 10_000,
            self.month % 14,
            self.day % 33,
            self.hour % 25,
            self.minute % 61,
            self.second % 61
        )
    }
}

impl Value {
    fn build(&self) -> String {
        match self {
            Value::Any(text) => text.build(),
            Value::ContentType(ct) => ct.text().to_string(),
            Value::Date(fields) => fields.text(),
            Value::Padded(before, text, after) => {
                format!("{}{}{}", before.text(), text.build(), after.text())
            }
        }
    }
}

/// The signing time passed to the signer, used when the request has no `X-Sdk-Date`.
#[derive(Arbitrary, Debug)]
enum FallbackDate {
    Fields(DateFields),
    /// Seconds after 9999-12-31T23:59:59Z.
    AfterYear9999(u32),
    /// Seconds before 0001-01-01T00:00:00Z.
    BeforeYear1(u32),
}

impl Input {
    /// The model's request and the date argument for the signer.
    pub fn build(&self) -> (Request, SdkDate) {
        let mut path = String::new();
        for piece in &self.path {
            match piece {
                PathPiece::Slash => path.push('/'),
                PathPiece::Escaped(b) => path.push_str(&format!("%{b:02X}")),
                PathPiece::EscapedLowerHex(b) => path.push_str(&format!("%{b:02x}")),
                PathPiece::LonePercent => path.push('%'),
                PathPiece::PercentOneHex(b) => path.push_str(&format!("%{:X}", b % 16)),
                PathPiece::Text(text) => path.push_str(&text.build()),
            }
        }
        let method = match &self.method {
            Method::Get => "GET".to_string(),
            Method::Put => "PUT".to_string(),
            Method::Post => "post".to_string(),
            Method::Delete => "Delete".to_string(),
            Method::Lower(n) => ["get", "put", "patch", "héad"][usize::from(n % 4)].to_string(),
            Method::Any(s) => s.clone(),
        };
        let (date, sdk_date) = match &self.date {
            FallbackDate::Fields(fields) => {
                let text = fields.text();
                match SdkDate::parse(&text) {
                    Ok(date) => (Some(text), date),
                    Err(_) => (Some("19700101T000000Z".to_string()), SdkDate(UNIX_EPOCH)),
                }
            }
            FallbackDate::AfterYear9999(extra) => (
                None,
                SdkDate(UNIX_EPOCH + Duration::from_secs(253_402_300_800 + u64::from(*extra))),
            ),
            FallbackDate::BeforeYear1(extra) => {
                match UNIX_EPOCH
                    .checked_sub(Duration::from_secs(62_135_596_800 + 1 + u64::from(*extra)))
                {
                    Some(time) => (None, SdkDate(time)),
                    None => (Some("19700101T000000Z".to_string()), SdkDate(UNIX_EPOCH)),
                }
            }
        };
        let request = Request {
            method,
            host: self.host.build(),
            path,
            query: self
                .query
                .iter()
                .map(|(k, v)| (k.build(), v.build()))
                .collect(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.build(), v.build()))
                .collect(),
            body: self.body.clone(),
            ak: self.ak.build(),
            sk: self.sk.build(),
            security_token: self.security_token.as_ref().map(Text::build),
            date,
        };
        (request, sdk_date)
    }
}
