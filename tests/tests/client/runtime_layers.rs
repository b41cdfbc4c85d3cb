//! The runtime is layered without cycles: each module of `generated-client/src/runtime/` uses
//! only the modules before it in [`LAYERS`], as DESIGN.md's "The runtime, leaves first" lays
//! out. Every `crate::runtime::…` path in a module's code (not its docs, not its tests) is
//! checked, so a new import that would close a cycle fails here.

use std::path::{Path, PathBuf};

/// The runtime's modules, leaves first: a module may use only those before it. Submodules
/// (`encode/multipart.rs`) belong to their parent.
const LAYERS: &[&str] = &[
    "service",
    "credentials",
    "signer",
    "refusal",
    "error",
    "deserialize",
    "nullable",
    "validate",
    "retry",
    "upload",
    "request",
    "encode",
    "response",
    "paginate",
    "endpoint",
    "auth",
    "refresh",
    "settings",
    "transport",
    "config",
    "client",
    "call",
    "stream",
    "mod",
];

fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/runtime")
}

/// Every `.rs` file under `dir`, with the module it belongs to.
fn sources(dir: &Path, module: Option<&str>, found: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name")
            .to_owned();
        let owner = module.map_or_else(|| stem.clone(), str::to_owned);
        if path.is_dir() {
            sources(&path, Some(&owner), found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push((owner, path));
        }
    }
}

/// The code of a source file: doc and line comments dropped, and everything from the unit
/// tests (`#[cfg(test)]`) on, which may use any module.
fn code(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    code
}

/// The runtime modules `code` names as `crate::runtime::<module>`; a bare
/// `crate::runtime::{…}` (the root's re-exports) is `{`.
fn used_modules(code: &str) -> Vec<String> {
    let mut used = Vec::new();
    for (start, _) in code.match_indices("crate::runtime::") {
        let rest = &code[start + "crate::runtime::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        used.push(if name.is_empty() {
            "{".to_owned()
        } else {
            name
        });
    }
    used
}

/// What breaks the layering in `files` (module, source text).
fn problems(files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (module, text) in files {
        let Some(rank) = LAYERS.iter().position(|layer| layer == module) else {
            problems.push(format!(
                "the module `{module}` is not in LAYERS; add it where it belongs"
            ));
            continue;
        };
        for used in used_modules(&code(text)) {
            match LAYERS.iter().position(|layer| *layer == used) {
                Some(used_rank) if used_rank < rank || used == *module => {}
                Some(_) => problems.push(format!(
                    "`{module}` uses `{used}`, which comes after it in the layers"
                )),
                None => problems.push(format!(
                    "`{module}` uses `crate::runtime::{used}`; name the module it comes from \
                     (the root's re-exports hide the layering)"
                )),
            }
        }
    }
    problems
}

#[test]
fn every_runtime_module_uses_only_the_modules_before_it() {
    let mut paths = Vec::new();
    sources(&runtime_dir(), None, &mut paths);
    assert!(paths.len() > 10, "found the runtime's files: {paths:?}");
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|(module, path)| {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            (module.clone(), text)
        })
        .collect();
    let problems = problems(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_a_cycle() {
    let file = |module: &str, text: &str| (module.to_owned(), text.to_owned());
    let layered = [
        file("error", "use crate::runtime::service::ErrorFields;\n"),
        file(
            "client",
            "use crate::runtime::error::Error;\n/// [`x`](crate::runtime::mod)\n#[cfg(test)]\nmod tests { use crate::runtime::mod; }\n",
        ),
    ];
    assert_eq!(problems(&layered), Vec::<String>::new());
    let cycle = [file(
        "error",
        "fn f(c: &crate::runtime::client::Client) {}\n",
    )];
    assert_eq!(
        problems(&cycle),
        ["`error` uses `client`, which comes after it in the layers"]
    );
    let hidden = [file("settings", "use crate::runtime::{Error, Client};\n")];
    assert!(problems(&hidden)[0].contains("name the module it comes from"));
    let unknown = [file("extra", "")];
    assert!(problems(&unknown)[0].contains("not in LAYERS"));
}
