//! Leaving the runtime parts a spec does not use out of the runtime's source text.
//!
//! The runtime marks what belongs to an optional part with a line that holds nothing but
//! `#[cfg(feature = "<part>")]`, directly above the item it gates (an item, a field, a variant,
//! a match arm or a statement, with its doc comments and other attributes next to it). The
//! runtime is rustfmt-formatted (CI checks it), which makes the extent of an item plain from
//! the text: it starts at the attribute's indentation and goes on through deeper lines and
//! lines at that indentation that close a bracket (or start a `where` clause or a body) until
//! its brackets balance and it ends with `;`, `,` or `}`.
//!
//! [`strip`] drops the gated items of unused parts, and the attribute lines (only) of used
//! parts, so a standalone crate has no features: it is the code its spec needs, and nothing
//! else mentions the rest.

use std::collections::BTreeSet;

/// Why a runtime source could not be stripped: a bug in the runtime's markup, reported rather
/// than producing a crate that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripError {
    /// The line (1-based) of the attribute.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for StripError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The feature a line gates, if the line is exactly `#[cfg(feature = "<name>")]`.
pub fn gated_feature(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("#[cfg(feature = \"")?
        .strip_suffix("\")]")
}

/// `source` without the items gated on features outside `used`, and without the gating lines
/// of the features in `used`. `known` are the features the runtime has; any other is an error.
pub fn strip(
    source: &str,
    used: &BTreeSet<&str>,
    known: &BTreeSet<&str>,
) -> Result<String, StripError> {
    if !source.contains("feature") && !source.contains('\r') {
        // Nothing gated and nothing to check: the text as it is (as the line by line copy
        // below would write it).
        return Ok(source.to_owned());
    }
    let lines: Vec<&str> = source.lines().collect();
    let starts_in_string = string_states(&lines);
    let mut kept: Vec<&str> = Vec::with_capacity(lines.len());
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let Some(feature) = gated_feature(line) else {
            let trimmed = line.trim_start();
            let attribute = trimmed.starts_with("#[") || trimmed.starts_with("#![");
            if attribute && line.contains("feature") && !starts_in_string[index] {
                return Err(error(
                    index,
                    "gate optional code with a line of its own holding exactly \
                     `#[cfg(feature = \"<part>\")]`",
                ));
            }
            kept.push(line);
            index += 1;
            continue;
        };
        if !known.contains(feature) {
            return Err(error(index, &format!("unknown runtime part `{feature}`")));
        }
        if used.contains(feature) {
            index += 1;
            continue;
        }
        let indent = indentation(line);
        while let Some(above) = kept.last().filter(|above| indentation(above) == indent) {
            if is_decoration(above) {
                kept.pop();
            } else if above.trim() == ")]" {
                return Err(error(
                    index,
                    "put the gating attribute above an attribute that spans several lines",
                ));
            } else {
                break;
            }
        }
        index = item_end(&lines, &starts_in_string, index, indent)?;
    }
    let mut text = kept.join("\n");
    if source.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn error(index: usize, message: &str) -> StripError {
    StripError {
        line: index + 1,
        message: message.to_owned(),
    }
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// A doc comment or an attribute: part of the item below it.
fn is_decoration(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("///") || trimmed.starts_with("#[")
}

/// The index of the first line after the item gated at `attribute`.
fn item_end(
    lines: &[&str],
    starts_in_string: &[bool],
    attribute: usize,
    indent: usize,
) -> Result<usize, StripError> {
    let mut index = attribute + 1;
    while index < lines.len() && indentation(lines[index]) == indent && is_decoration(lines[index])
    {
        index = decoration_end(lines, index)?;
    }
    let Some(first) = lines.get(index).filter(|line| indentation(line) == indent) else {
        return Err(error(
            attribute,
            "the gating attribute is not followed by an item at its indentation",
        ));
    };
    let mut balance = bracket_balance(first);
    if balance == 0 && ends_item(first) {
        return Ok(index + 1);
    }
    let mut end = index + 1;
    index += 1;
    while index < lines.len() {
        let line = lines[index];
        let part_of_item = starts_in_string[index]
            || line.trim().is_empty()
            || indentation(line) > indent
            || (indentation(line) == indent && continues_item(line));
        if !part_of_item {
            return Ok(end);
        }
        index += 1;
        if line.trim().is_empty() {
            continue;
        }
        end = index;
        balance += bracket_balance(line);
        if balance == 0 && indentation(line) == indent && ends_item(line) {
            return Ok(end);
        }
    }
    Err(error(attribute, "the gated item does not end"))
}

/// The index after a doc comment line or an attribute (which may span several lines, as
/// `#[error(\n "…"\n)]` does).
fn decoration_end(lines: &[&str], start: usize) -> Result<usize, StripError> {
    let mut balance = 0;
    for (index, line) in lines.iter().enumerate().skip(start) {
        if index == start && line.trim_start().starts_with("///") {
            return Ok(start + 1);
        }
        balance += bracket_balance(line);
        if balance == 0 {
            return Ok(index + 1);
        }
    }
    Err(error(start, "an attribute does not end"))
}

/// A line at the item's own indentation that still belongs to it.
fn continues_item(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with(['}', ')', ']', '{']) || trimmed.starts_with("where")
}

/// Whether a line, outside any string or comment, can end an item.
fn ends_item(line: &str) -> bool {
    let code = code_of(line);
    let code = code.trim_end();
    code.ends_with(';') || code.ends_with(',') || code.ends_with('}')
}

/// The line without a trailing `//` comment (strings taken into account).
fn code_of(line: &str) -> String {
    let mut code = String::new();
    let mut lexer = Lexer::default();
    for c in line.chars() {
        if lexer.push(c) == Token::CommentStart {
            code.pop();
            break;
        }
        code.push(c);
    }
    code
}

/// Opened minus closed brackets on the line, outside strings, characters and comments. A line
/// never starts inside a string here: lines that do are taken whole.
fn bracket_balance(line: &str) -> i64 {
    let mut lexer = Lexer::default();
    let mut balance = 0;
    for c in line.chars() {
        match lexer.push(c) {
            Token::Open => balance += 1,
            Token::Close => balance -= 1,
            Token::CommentStart => break,
            Token::Other => {}
        }
    }
    balance
}

/// For each line, whether it starts inside a string literal (a string continued from the line
/// above).
fn string_states(lines: &[&str]) -> Vec<bool> {
    let mut lexer = Lexer::default();
    lines
        .iter()
        .map(|line| {
            let starts_in_string = lexer.in_string();
            for c in line.chars() {
                if lexer.push(c) == Token::CommentStart {
                    lexer.state = State::Code;
                    break;
                }
            }
            lexer.push('\n');
            starts_in_string
        })
        .collect()
}

/// What a character means to the bracket count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    CommentStart,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    #[default]
    Code,
    /// After `/` in code.
    Slash,
    /// In `"…"`; `escaped` after a backslash.
    Str { escaped: bool },
    /// In `r#"…"#` with this many `#`; `closing` counts the `#` seen after a `"`.
    RawStr {
        hashes: usize,
        closing: Option<usize>,
    },
    /// After `r` (or `br`) in code: maybe a raw string, with this many `#` so far.
    MaybeRaw { hashes: usize },
    /// After `'`: a character literal or a lifetime; `seen` characters so far.
    Quote { seen: usize, escaped: bool },
}

/// A small lexer of Rust text, enough to count brackets outside literals and comments.
#[derive(Debug, Default)]
struct Lexer {
    state: State,
    /// The previous character in code, to tell `r"` from `for"`.
    previous: Option<char>,
}

impl Lexer {
    fn in_string(&self) -> bool {
        matches!(self.state, State::Str { .. } | State::RawStr { .. })
    }

    fn push(&mut self, c: char) -> Token {
        match self.state {
            State::Code => self.code(c),
            State::Slash if c == '/' => {
                self.state = State::Code;
                Token::CommentStart
            }
            State::Slash => {
                self.state = State::Code;
                self.code(c)
            }
            State::Str { escaped } => {
                self.state = match (escaped, c) {
                    (false, '\\') => State::Str { escaped: true },
                    (false, '"') => State::Code,
                    _ => State::Str { escaped: false },
                };
                Token::Other
            }
            State::RawStr { hashes, closing } => {
                self.state = match (closing, c) {
                    (_, '"') if hashes == 0 => State::Code,
                    (_, '"') => State::RawStr {
                        hashes,
                        closing: Some(0),
                    },
                    (Some(seen), '#') if seen + 1 == hashes => State::Code,
                    (Some(seen), '#') => State::RawStr {
                        hashes,
                        closing: Some(seen + 1),
                    },
                    _ => State::RawStr {
                        hashes,
                        closing: None,
                    },
                };
                Token::Other
            }
            State::MaybeRaw { hashes } => match c {
                '#' => {
                    self.state = State::MaybeRaw { hashes: hashes + 1 };
                    Token::Other
                }
                '"' => {
                    self.state = State::RawStr {
                        hashes,
                        closing: None,
                    };
                    Token::Other
                }
                _ => {
                    self.state = State::Code;
                    self.code(c)
                }
            },
            // A lifetime (`'a`, `'static`): no closing quote follows its first letter.
            State::Quote {
                seen: 1,
                escaped: false,
            } if c != '\'' => {
                self.state = State::Code;
                self.code(c)
            }
            State::Quote { seen, escaped } => {
                self.state = match (seen, escaped, c) {
                    (0, _, '\\') => State::Quote {
                        seen: 1,
                        escaped: true,
                    },
                    (_, true, '\'') if seen == 1 => State::Quote {
                        seen: 2,
                        escaped: true,
                    },
                    (_, _, '\'') => State::Code,
                    (_, _, _) if seen > 12 => State::Code,
                    _ => State::Quote {
                        seen: seen + 1,
                        escaped,
                    },
                };
                Token::Other
            }
        }
    }

    fn code(&mut self, c: char) -> Token {
        let after_identifier = self
            .previous
            .is_some_and(|p| p.is_alphanumeric() || p == '_');
        self.previous = Some(c);
        match c {
            '(' | '[' | '{' => Token::Open,
            ')' | ']' | '}' => Token::Close,
            '"' => {
                self.state = State::Str { escaped: false };
                Token::Other
            }
            '/' => {
                self.state = State::Slash;
                Token::Other
            }
            '\'' => {
                self.state = State::Quote {
                    seen: 0,
                    escaped: false,
                };
                Token::Other
            }
            'r' if !after_identifier => {
                self.state = State::MaybeRaw { hashes: 0 };
                Token::Other
            }
            _ => Token::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip_with(source: &str, used: &[&str]) -> String {
        let used: BTreeSet<&str> = used.iter().copied().collect();
        let known: BTreeSet<&str> = ["a", "b"].into_iter().collect();
        strip(source, &used, &known).unwrap_or_else(|error| panic!("{error}"))
    }

    const SOURCE: &str = r#"use std::fmt;
#[cfg(feature = "a")]
use crate::a::Thing;

/// Kept.
pub enum E {
    Plain,
    /// Gated, with its doc.
    #[cfg(feature = "a")]
    Gated { x: u8 },
}

fn f(e: &E) -> &'static str {
    match e {
        E::Plain => "plain {",
        #[cfg(feature = "a")]
        E::Gated { .. } => {
            "gated"
        }
    }
}

/// A function with a where clause.
#[cfg(feature = "b")]
fn g<T>(t: T) -> String
where
    T: fmt::Debug,
{
    format!(
        "{t:?} and a string \
         that goes on"
    )
}

fn h() -> u8 {
    let value = 1;
    #[cfg(feature = "a")]
    if value > 0 {
        return 2;
    } else {
        return 3;
    }
    value
}

#[cfg(test)]
#[cfg(feature = "b")]
mod tests {
    fn t() {}
}
"#;

    #[test]
    fn unused_parts_leave_no_trace() {
        let stripped = strip_with(SOURCE, &[]);
        assert_eq!(
            stripped,
            r#"use std::fmt;

/// Kept.
pub enum E {
    Plain,
}

fn f(e: &E) -> &'static str {
    match e {
        E::Plain => "plain {",
    }
}


fn h() -> u8 {
    let value = 1;
    value
}

"#
        );
    }

    #[test]
    fn used_parts_keep_their_code_without_the_gate() {
        let stripped = strip_with(SOURCE, &["a", "b"]);
        let ungated: Vec<&str> = SOURCE
            .lines()
            .filter(|line| gated_feature(line).is_none())
            .collect();
        assert_eq!(stripped, ungated.join("\n") + "\n");
        let only_b = strip_with(SOURCE, &["b"]);
        assert!(only_b.contains("fn g<T>"), "{only_b}");
        assert!(!only_b.contains("Gated"), "{only_b}");
    }

    #[test]
    fn malformed_gates_are_errors() {
        let known: BTreeSet<&str> = ["a"].into_iter().collect();
        let used = BTreeSet::new();
        let unknown = strip("#[cfg(feature = \"z\")]\nfn f() {}\n", &used, &known);
        assert_eq!(unknown.unwrap_err().line, 1);
        let combined = strip(
            "#[cfg(all(test, feature = \"a\"))]\nfn f() {}\n",
            &used,
            &known,
        );
        assert!(combined.unwrap_err().message.contains("line of its own"));
        let dangling = strip("#[cfg(feature = \"a\")]\n", &used, &known);
        assert!(dangling.is_err());
    }

    #[test]
    fn brackets_in_literals_and_comments_do_not_count() {
        assert_eq!(bracket_balance(r#"let s = "{(["; // {"#), 0);
        assert_eq!(bracket_balance(r##"let s = r#"{"#; {"##), 1);
        assert_eq!(bracket_balance("let c = '{'; let d = '\\''; f(x"), 1);
        assert_eq!(bracket_balance("fn f<'a>(x: &'a str) {"), 1);
        assert_eq!(bracket_balance("for\"x\"{"), 1);
    }
}
