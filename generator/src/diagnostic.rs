//! Problems found in a spec, each with its place: the file, a JSON pointer and, where it can be
//! found, the line. Phases collect every problem before stopping, so a user sees them all at once.
//!
//! A phase records [`Problems`] by JSON pointer into the document it works on (the bundled,
//! normalized one); [`crate::source::Sources::locate`] turns them into [`Diagnostics`] that name
//! the file, pointer and line the user wrote.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document cannot be used: nothing is generated.
    Error,
    /// A construct the generator cannot type well: it generated an honest fallback (a JSON
    /// value, raw bytes) and the rest of the client as usual.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in a spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file the problem is in (for a spec split over files, the file the user wrote it in).
    pub file: PathBuf,
    /// A JSON pointer into that file, e.g. `#/paths/~1v1~1{project_id}/put/parameters/1`.
    pub pointer: String,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong and, where possible, what to do about it.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}\n  --> {}",
            self.severity,
            self.message,
            self.file.display()
        )?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, " at {}", self.pointer)
    }
}

/// Located problems, sorted as a reader meets them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// One error about a whole file (it cannot be read, it is no API description…).
    pub fn file_error(file: &Path, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostics(vec![Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            pointer: "#".to_owned(),
            line,
            message: message.into(),
        }])
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// Adds more, keeping the order as a reader meets them: by file, then line (problems
    /// without a line, such as ones about the whole document, first), then pointer.
    pub fn extend(&mut self, more: Diagnostics) {
        self.0.extend(more.0);
        self.sort();
    }

    /// Sorts and deduplicates.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, &a.pointer, a.severity, &a.message)
                .cmp(&(&b.file, b.line, &b.pointer, b.severity, &b.message))
        });
        self.0.dedup();
    }

    /// Every warning made an error (`--deny-warnings`).
    pub fn deny_warnings(mut self) -> Self {
        for diagnostic in &mut self.0 {
            diagnostic.severity = Severity::Error;
        }
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = self.0.len() - errors;
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        match (errors, warnings) {
            (0, w) => write!(f, "{}", plural(w, "warning")),
            (e, 0) => write!(f, "{}", plural(e, "error")),
            (e, w) => write!(f, "{} and {}", plural(e, "error"), plural(w, "warning")),
        }
    }
}

impl std::error::Error for Diagnostics {}

/// One problem, located by a JSON pointer into the document a phase works on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where, in the phase's document.
    pub pointer: String,
    /// What is wrong and what was done about it.
    pub message: String,
}

/// The problems a phase found, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records an error: the document cannot be used as it is.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, pointer, message);
    }

    /// Records a warning: the generator did something honest instead.
    pub fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, pointer, message);
    }

    fn push(&mut self, severity: Severity, pointer: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            severity,
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Escapes one JSON pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_owned();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds `#/a/b/c` from unescaped tokens.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("#");
    for token in tokens {
        out.push('/');
        out.push_str(&escape_token(token.as_ref()));
    }
    out
}

/// `at` with one more token.
pub fn join(at: &str, token: &str) -> String {
    let mut out = String::with_capacity(at.len() + token.len() + 1);
    out.push_str(at);
    push_token(&mut out, token);
    out
}

/// Appends `/` and `token`, escaped (`~` → `~0`, `/` → `~1`), to the pointer in `out`.
pub fn push_token(out: &mut String, token: &str) {
    out.push('/');
    if token.contains(['~', '/']) {
        out.push_str(&escape_token(token));
    } else {
        out.push_str(token);
    }
}
