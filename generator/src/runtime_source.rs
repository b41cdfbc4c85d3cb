//! The hand-written runtime's sources, as the generator carries them: copied into standalone
//! crates, and read for what generated code must not collide with.

use std::sync::OnceLock;

/// Includes each named runtime source file.
macro_rules! runtime_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../generated-client/src/runtime/", $name)))),*]
    };
}

/// The runtime sources, paths relative to `src/runtime/`, copied (after a header, with the
/// parts the spec does not use left out) into standalone crates' `src/runtime/`. A test checks
/// that this lists every file of the runtime directory.
pub const RUNTIME_FILES: &[(&str, &str)] = runtime_files!(
    "auth.rs",
    "call.rs",
    "client.rs",
    "config.rs",
    "credentials.rs",
    "deserialize.rs",
    "encode.rs",
    "encode/multipart.rs",
    "endpoint.rs",
    "error.rs",
    "mod.rs",
    "nullable.rs",
    "paginate.rs",
    "refresh.rs",
    "refusal.rs",
    "request.rs",
    "response.rs",
    "retry.rs",
    "service.rs",
    "settings.rs",
    "signer.rs",
    "stream.rs",
    "stream/lines.rs",
    "stream/sse.rs",
    "transport.rs",
    "upload.rs",
    "validate.rs",
);

/// Every method name of the runtime's `Client` (in any `impl Client` block of any runtime file,
/// public or not: generated methods share its namespace), sorted.
///
/// The runtime is ours and rustfmt lays it out, so the blocks are found by their lines: an
/// `impl Client {` line opens one, the `}` at its indentation closes it, and every `fn` one
/// level in is a method. A test checks this against a full parse of the sources.
pub fn client_methods() -> &'static [String] {
    static METHODS: OnceLock<Vec<String>> = OnceLock::new();
    METHODS.get_or_init(|| {
        let mut names = Vec::new();
        for (_, text) in RUNTIME_FILES {
            collect_client_methods(text, &mut names);
        }
        names.sort();
        names.dedup();
        names
    })
}

fn collect_client_methods(text: &str, names: &mut Vec<String>) {
    // The indentation of the open `impl Client` block's first line.
    let mut open: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        match open {
            None => {
                let opens = trimmed
                    .strip_prefix("impl ")
                    .and_then(|rest| rest.strip_suffix(" {"))
                    .is_some_and(|ty| ty == "Client" || ty.ends_with("::Client"));
                if opens {
                    open = Some(indent);
                }
            }
            Some(block) if indent == block && trimmed.starts_with('}') => open = None,
            Some(block) if indent == block.saturating_add(4) => {
                if let Some(name) = method_name(trimmed) {
                    names.push(name.to_owned());
                }
            }
            Some(_) => {}
        }
    }
}

/// The name a `fn` line declares (after any `pub`, `pub(crate)`, `const`, `async`).
fn method_name(line: &str) -> Option<&str> {
    let mut rest = line;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect_parsed(items: &[syn::Item], names: &mut Vec<String>) {
        for item in items {
            match item {
                syn::Item::Impl(block) if block.trait_.is_none() && is_client(&block.self_ty) => {
                    for item in &block.items {
                        if let syn::ImplItem::Fn(function) = item {
                            names.push(function.sig.ident.to_string());
                        }
                    }
                }
                syn::Item::Mod(module) => {
                    if let Some((_, items)) = &module.content {
                        collect_parsed(items, names);
                    }
                }
                _ => {}
            }
        }
    }

    fn is_client(ty: &syn::Type) -> bool {
        matches!(ty, syn::Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Client"))
    }

    #[test]
    fn reading_the_lines_finds_what_parsing_finds() {
        let mut parsed = Vec::new();
        for (file, text) in RUNTIME_FILES {
            let syntax = syn::parse_file(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            collect_parsed(&syntax.items, &mut parsed);
        }
        parsed.sort();
        parsed.dedup();
        assert_eq!(client_methods(), parsed.as_slice());
    }

    #[test]
    fn method_lines() {
        assert_eq!(
            method_name("pub async fn execute(&self) {"),
            Some("execute")
        );
        assert_eq!(
            method_name("pub(crate) fn max_pages(&self) -> u64 {"),
            Some("max_pages")
        );
        assert_eq!(method_name("const fn new() -> Self {"), Some("new"));
        assert_eq!(method_name("let fn_x = 1;"), None);
    }

    #[test]
    fn client_methods_come_from_the_runtime_source() {
        let methods = client_methods();
        for expected in ["builder_for", "client_parameter", "endpoint"] {
            assert!(
                methods.iter().any(|m| m == expected),
                "{expected} missing from {methods:?}"
            );
        }
    }
}
