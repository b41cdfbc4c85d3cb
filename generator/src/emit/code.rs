//! Rust source text, written line by line in its final layout.
//!
//! The emitters write the generated code as text directly, laid out as rustfmt would lay out
//! the short lines they write (four-space blocks, one item after another), rather than building
//! token streams for a formatter to re-parse and print: that round trip cost more than
//! everything else the generator does. Everything that comes from the spec reaches the text
//! through [`lit`] (string literals), [`doc`](Code::doc) (doc comments) or names the lowering
//! already made valid identifiers; tests parse every file the corpus produces.

use std::fmt::{self, Display, Write as _};

/// Text under construction, with the current block depth.
#[derive(Debug, Default)]
pub(crate) struct Code {
    text: String,
    depth: usize,
}

impl Code {
    /// An empty text with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Code {
            text: String::with_capacity(capacity),
            depth: 0,
        }
    }

    /// The text written so far.
    pub(crate) fn into_text(self) -> String {
        self.text
    }

    /// How many bytes have been written.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// One line at the current depth.
    pub(crate) fn line(&mut self, line: impl Display) -> &mut Self {
        self.indent();
        // Writing into a `String` cannot fail.
        let _ = write!(self.text, "{line}");
        self.text.push('\n');
        self
    }

    /// A line that opens a block (it ends in `{`, `(` or `[`): what follows is one level deeper.
    pub(crate) fn open(&mut self, line: impl Display) -> &mut Self {
        self.line(line);
        self.depth = self.depth.saturating_add(1);
        self
    }

    /// A line that closes the current block (it starts with `}`, `)` or `]`).
    pub(crate) fn close(&mut self, line: impl Display) -> &mut Self {
        self.depth = self.depth.saturating_sub(1);
        self.line(line)
    }

    /// Text that another emitter wrote (whole lines), indented to the current depth.
    pub(crate) fn lines_of(&mut self, other: &str) -> &mut Self {
        for line in other.lines() {
            if line.is_empty() {
                self.text.push('\n');
            } else {
                self.line(line);
            }
        }
        self
    }

    /// Top-level `items` (written by another [`Code`]) with `cfg` before each of them, as
    /// [`gated`] writes them, added without a second copy when this text is at the top level.
    pub(crate) fn gated_lines_of(&mut self, items: &str, cfg: &str) -> &mut Self {
        if self.depth > 0 || items.contains('\r') {
            return self.lines_of(&gated(items, cfg));
        }
        gated_into(&mut self.text, items, cfg);
        if !items.is_empty() && !items.ends_with('\n') {
            self.text.push('\n');
        }
        self
    }

    /// An empty line between items; never two in a row and never at the start, as rustfmt
    /// would have it.
    pub(crate) fn blank(&mut self) -> &mut Self {
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
        self
    }

    /// Outer doc comment lines (`///`) for `text`, made safe for rustdoc: code fences become
    /// `text` blocks (a fence left open is closed) and indentation is dropped, so no
    /// description ever becomes a doctest; a carriage return cannot end up inside a comment.
    pub(crate) fn doc(&mut self, text: &str) -> &mut Self {
        let mut in_fence = false;
        for line in text.trim().lines() {
            let trimmed = line.trim();
            if trimmed.starts_with("```") {
                in_fence = !in_fence;
                self.line(if in_fence { "/// ```text" } else { "/// ```" });
            } else if trimmed.is_empty() {
                self.line("///");
            } else if trimmed.contains('\r') {
                self.line(format_args!("/// {}", trimmed.replace('\r', " ")));
            } else {
                self.line(format_args!("/// {trimmed}"));
            }
        }
        if in_fence {
            self.line("/// ```");
        }
        self
    }

    /// `#[deprecated]` when `deprecated`.
    pub(crate) fn deprecated(&mut self, deprecated: bool) -> &mut Self {
        if deprecated {
            self.line("#[deprecated]");
        }
        self
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.text.push_str("    ");
        }
    }
}

/// A Rust string literal of `text`: `Debug` escapes exactly what a literal must (quotes,
/// backslashes, control and invisible characters, as `\u{…}` where needed).
pub(crate) fn lit(text: &str) -> Lit<'_> {
    Lit(text)
}

/// A string literal, written when displayed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lit<'t>(&'t str);

impl Display for Lit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// Items separated by `", "`, each displayed by `show`.
pub(crate) fn comma_list<T>(
    items: impl IntoIterator<Item = T>,
    mut show: impl FnMut(&mut String, T),
) -> String {
    let mut text = String::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        show(&mut text, item);
    }
    text
}

/// `items` (top-level items written by a [`Code`]) with `cfg` before each of them: an item
/// starts at a line without indentation that follows the start, a blank line or the end of
/// another item (a `}` or a `;` without indentation).
pub(crate) fn gated(items: &str, cfg: &str) -> String {
    let mut out = String::with_capacity(items.len().saturating_add(cfg.len() * 4));
    gated_into(&mut out, items, cfg);
    out
}

/// [`gated`], appended to `out`.
fn gated_into(out: &mut String, items: &str, cfg: &str) {
    let mut after_item = true;
    for line in items.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let top_level = !body.is_empty() && !body.starts_with(char::is_whitespace);
        if after_item && top_level && !body.starts_with(['}', ')', ']']) {
            out.push_str(cfg);
            out.push('\n');
        }
        after_item =
            body.is_empty() || (top_level && (body.starts_with('}') || body.ends_with(';')));
        out.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gated_puts_the_cfg_before_every_item() {
        let items = "/// A.\n#[derive(Debug)]\npub struct A {\n    x: i32,\n}\nimpl A {\n    fn f() {}\n}\n\npub type B = A;\npub type C = A;\n";
        assert_eq!(
            gated(items, "#[cfg(x)]"),
            "#[cfg(x)]\n/// A.\n#[derive(Debug)]\npub struct A {\n    x: i32,\n}\n#[cfg(x)]\nimpl A {\n    fn f() {}\n}\n\n#[cfg(x)]\npub type B = A;\n#[cfg(x)]\npub type C = A;\n"
        );
    }

    #[test]
    fn gated_items_are_written_as_lines_of_their_gated_text() {
        let items = "/// A.\npub struct A;\n\nimpl A {\n    fn f() {}\n}\npub type B = A;";
        let mut direct = Code::default();
        direct.line("use x;").blank();
        let mut copied = Code::default();
        copied.line("use x;").blank();
        direct.gated_lines_of(items, "#[cfg(x)]");
        copied.lines_of(&gated(items, "#[cfg(x)]"));
        assert_eq!(direct.into_text(), copied.into_text());
    }

    #[test]
    fn blank_lines_never_double() {
        let mut code = Code::default();
        code.blank().line("a").blank().blank().line("b");
        assert_eq!(code.text, "a\n\nb\n");
    }

    #[test]
    fn blocks_indent_by_four_spaces() {
        let mut code = Code::default();
        code.open("impl A {")
            .open("fn f() {")
            .line("g();")
            .close("}")
            .close("}");
        assert_eq!(
            code.into_text(),
            "impl A {\n    fn f() {\n        g();\n    }\n}\n"
        );
    }

    #[test]
    fn literals_escape_what_rust_needs() {
        assert_eq!(lit("a\"b\\c\n").to_string(), r#""a\"b\\c\n""#);
        assert_eq!(lit("é\u{200b}").to_string(), "\"é\\u{200b}\"");
        let parsed: syn::LitStr = syn::parse_str(&lit("x\"\\\t\r\u{0}é").to_string()).unwrap();
        assert_eq!(parsed.value(), "x\"\\\t\r\u{0}é");
    }

    #[test]
    fn docs_keep_code_out_of_doctests() {
        let mut code = Code::default();
        code.doc("  Example:\n\n    ```\n    let x = 1;\r\n  ```\nA\rB\n```rust\nopen");
        assert_eq!(
            code.into_text(),
            "/// Example:\n///\n/// ```text\n/// let x = 1;\n/// ```\n/// A B\n/// ```text\n/// open\n/// ```\n"
        );
    }
}
