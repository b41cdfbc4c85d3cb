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
    "transport.rs",
    "validate.rs",
);

/// Every method name of the runtime's `Client` (in any `impl Client` block of any runtime file,
/// public or not: generated methods share its namespace), sorted.
pub fn client_methods() -> &'static [String] {
    static METHODS: OnceLock<Vec<String>> = OnceLock::new();
    METHODS.get_or_init(|| {
        let mut names = Vec::new();
        for (_, text) in RUNTIME_FILES {
            // The runtime is ours and parses; a file that did not would add no names.
            if let Ok(file) = syn::parse_file(text) {
                collect_client_methods(&file.items, &mut names);
            }
        }
        names.sort();
        names.dedup();
        names
    })
}

fn collect_client_methods(items: &[syn::Item], names: &mut Vec<String>) {
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
                    collect_client_methods(items, names);
                }
            }
            _ => {}
        }
    }
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Client"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
