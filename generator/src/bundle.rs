//! Bundling: a spec split over files becomes one document.
//!
//! Every `$ref` that names another file (`./a.yaml`, `../common/b.json#/Pet`, `Pet.yaml`) is
//! followed, relative to the file it is written in. What it points to is copied into the entry
//! document: path items in place (OpenAPI 3.0 has no components for them), everything else
//! into the components section of its kind (`#/components/schemas/<Name>`, or for Swagger 2.0
//! `#/definitions/<Name>`, `#/parameters/<Name>`, `#/responses/<Name>`), named after the last
//! token of the pointer or, for a whole-file reference, after the file (`BinaryString.yaml` →
//! `BinaryString`), made unique like every generated name. The same target referenced twice is
//! copied once; references inside copied parts are followed relative to *their* file; cycles
//! across files are references between components, as within one file.
//!
//! Nothing is fetched over the network: a remote (`http(s)://`) reference is a warning at its
//! place and stays unresolved (the generator falls back to a JSON value there). `$ref`s inside
//! `x-` extensions are data, not followed.

use crate::diagnostic::{Problems, join, pointer};
use crate::locate::pointer_tokens;
use crate::names::Namespace;
use crate::read;
use crate::refs::{self, Kind};
use crate::source::{Origins, SourceFile};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Nested inlining (path items that refer to files whose path items refer to files…) deeper
/// than this is a cycle.
const MAX_INLINE_DEPTH: usize = 32;

/// A bundled document, the files it came from, and what bundling had to report.
#[derive(Debug)]
pub struct Bundled {
    /// One document; every `$ref` that could be followed is local now.
    pub document: Value,
    /// Every file read, the entry file first.
    pub files: Vec<SourceFile>,
    /// Where copied parts came from.
    pub origins: Origins,
    /// Warnings, by pointer into the bundled document.
    pub problems: Problems,
}

/// Bundles the document `entry` (already read from `files[0]`).
pub fn bundle(entry: Value, entry_file: SourceFile) -> Bundled {
    let sites = refs::sites_in(&entry, "#", None);
    if sites.iter().all(needs_nothing) {
        // One file whose references are all plain local pointers: nothing to follow or
        // rewrite, so neither a copy of the document nor a second walk.
        return Bundled {
            document: entry,
            files: vec![entry_file],
            origins: Origins::default(),
            problems: Problems::default(),
        };
    }
    let swagger2 = entry.get("swagger").is_some();
    let mut bundler = Bundler {
        names: taken_names(&entry, swagger2),
        values: vec![Some(entry.clone())],
        by_path: HashMap::from([(identity(&entry_file.path), 0)]),
        files: vec![entry_file],
        imported: HashMap::new(),
        hoisted: Vec::new(),
        origins: Origins::default(),
        problems: Problems::default(),
        swagger2,
        inlining: Vec::new(),
    };
    let mut document = entry;
    bundler.rewrite_sites(&mut document, "#", 0, sites);
    for (section, name, value) in std::mem::take(&mut bundler.hoisted) {
        insert(&mut document, &section, name, value);
    }
    Bundled {
        document,
        files: bundler.files,
        origins: bundler.origins,
        problems: bundler.problems,
    }
}

/// Whether a reference of the entry file is left as it is: a local JSON pointer without `%XX`
/// escapes, a bare schema name in a discriminator mapping, or no string at all.
fn needs_nothing(site: &refs::Site) -> bool {
    site.reference.as_deref().is_none_or(|reference| {
        (reference.starts_with('#') && !reference.contains('%'))
            || (site.mapping && !reference.contains(['#', '/', '.']))
    })
}

struct Bundler {
    files: Vec<SourceFile>,
    /// The parsed document of each file; `None` when it could not be read.
    values: Vec<Option<Value>>,
    by_path: HashMap<PathBuf, usize>,
    /// (file, pointer, kind) → the local pointer it was copied to.
    imported: HashMap<(usize, String, Kind), String>,
    /// Names taken per section pointer (`#/components/schemas`).
    names: HashMap<String, Namespace>,
    /// Copied parts waiting to be inserted: (section pointer, name, value).
    hoisted: Vec<(String, String, Value)>,
    origins: Origins,
    problems: Problems,
    swagger2: bool,
    /// The (file, pointer) of each path item being inlined, to stop cycles.
    inlining: Vec<(usize, String)>,
}

/// Where a reference points: a file and a pointer in it.
struct Target {
    file: usize,
    pointer: String,
}

impl Bundler {
    /// Follows every reference in `value` (the content of `file`, now at `at` in the bundled
    /// document, of `kind`).
    fn rewrite(&mut self, value: &mut Value, at: &str, file: usize, kind: Option<Kind>) {
        let sites = refs::sites_in(value, at, kind);
        self.rewrite_sites(value, at, file, sites);
    }

    /// [`Bundler::rewrite`] of the references `sites` found in `value`.
    fn rewrite_sites(
        &mut self,
        value: &mut Value,
        at: &str,
        file: usize,
        mut sites: Vec<refs::Site>,
    ) {
        // Components of the entry document that only name another file come first, so that the
        // file's content takes the component's name wherever else it is referred to.
        sites.sort_by_key(|site| {
            !(file == 0
                && site
                    .kind
                    .is_some_and(|kind| self.is_component_entry(&site.at, kind)))
        });
        for site in sites {
            let Some(reference) = &site.reference else {
                continue;
            };
            if site.mapping && !reference.contains(['#', '/', '.']) {
                // A bare schema name in a discriminator mapping.
                continue;
            }
            let Some(relative) = site.at.strip_prefix(at) else {
                continue;
            };
            let Some(slot) = value.pointer_mut(relative) else {
                continue;
            };
            if file == 0 && reference.starts_with('#') {
                if let Some(decoded) = self.decoded_local(reference) {
                    set_reference(slot, &site, decoded);
                }
                continue;
            }
            let Some(target) = self.target(file, reference, &site.at) else {
                continue;
            };
            if target.file == 0 {
                // A part of the entry document, named through another file.
                set_reference(slot, &site, target.pointer);
                continue;
            }
            // A component of the entry document that is only a reference to another file
            // (`Pet: {$ref: Pet.yaml}`) is that file's content, under its own name.
            if let Some(kind) = site.kind
                && file == 0
                && !site.mapping
                && self.is_component_entry(&site.at, kind)
            {
                let key = (target.file, target.pointer.clone(), kind);
                if let std::collections::hash_map::Entry::Vacant(entry) = self.imported.entry(key) {
                    entry.insert(site.at.clone());
                    self.inline(slot, target, &site.at, Some(kind));
                    continue;
                }
            }
            match site
                .kind
                .and_then(|kind| self.section(kind).map(|s| (kind, s)))
            {
                Some((kind, section)) => {
                    if let Some(local) = self.import(target, kind, section, &site.at) {
                        set_reference(slot, &site, local);
                    }
                }
                None => self.inline(slot, target, &site.at, site.kind),
            }
        }
    }

    /// A local reference of the entry document written as a URI fragment, with `%XX` escapes
    /// (`#/paths/~1a~1%7Bid%7D/get`, as bundlers write it): the plain JSON pointer it stands
    /// for, when the reference does not resolve as written and that pointer does.
    fn decoded_local(&self, reference: &str) -> Option<String> {
        if !reference.contains('%') {
            return None;
        }
        let decoded = percent_decode(reference);
        let entry = self.values.first().and_then(Option::as_ref)?;
        let resolves = |pointer: &str| {
            pointer_tokens(pointer).is_some()
                && entry.pointer(pointer.trim_start_matches('#')).is_some()
        };
        (decoded != reference && !resolves(reference) && resolves(&decoded)).then_some(decoded)
    }

    /// The file and pointer `reference` (written in `file`) names, reading the file when it is
    /// new; `None` after a warning when it cannot be followed.
    fn target(&mut self, file: usize, reference: &str, at: &str) -> Option<Target> {
        let (path, fragment) = match reference.split_once('#') {
            Some((path, fragment)) => (path, fragment),
            None => (reference, ""),
        };
        let pointer = format!("#{}", percent_decode(fragment));
        if pointer_tokens(&pointer).is_none() {
            self.problems.warn(
                at,
                format!(
                    "`$ref: {reference}` has a fragment that is not a JSON pointer (write `file.yaml#/Name`); it is not followed"
                ),
            );
            return None;
        }
        if path.is_empty() {
            return Some(Target { file, pointer });
        }
        if is_remote(path) {
            self.problems.warn(
                at,
                format!(
                    "`$ref: {reference}` is remote and is not fetched (no network at generation time): \
                     download it and refer to it by a relative path; a JSON value is used here"
                ),
            );
            return None;
        }
        let base = self.files[file]
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let target_file = self.open(&base, path, reference, at)?;
        Some(Target {
            file: target_file,
            pointer,
        })
    }

    /// The index of the file `path` (relative to `base`), reading it the first time.
    fn open(&mut self, base: &Path, path: &str, reference: &str, at: &str) -> Option<usize> {
        let path = path.strip_prefix("file://").unwrap_or(path);
        let mut candidate = lexical(&base.join(path));
        if !candidate.exists() {
            let decoded = lexical(&base.join(percent_decode(path)));
            if decoded.exists() {
                candidate = decoded;
            }
        }
        let key = identity(&candidate);
        if let Some(index) = self.by_path.get(&key) {
            return self.values[*index].is_some().then_some(*index);
        }
        let index = self.files.len();
        self.by_path.insert(key, index);
        let format = read::format_of(&candidate);
        let text = std::fs::read(&candidate)
            .map_err(|error| format!("cannot read {}: {error}", candidate.display()))
            .and_then(|bytes| read::text_of(bytes).map_err(|error| error.message));
        let (text, value) = match text {
            Ok(text) => match read::parse(&text, format) {
                Ok(parsed) => {
                    for (place, message) in parsed.warnings {
                        self.problems.warn(
                            at,
                            format!("in {} at {place}: {message}", candidate.display()),
                        );
                    }
                    (text, Some(parsed.value))
                }
                Err(error) => {
                    let line = error.line.map(|l| format!(":{l}")).unwrap_or_default();
                    self.problems.warn(
                        at,
                        format!(
                            "`$ref: {reference}` names {}{line}, which cannot be read: {}; a JSON value is used here",
                            candidate.display(),
                            error.message
                        ),
                    );
                    (text, None)
                }
            },
            Err(message) => {
                self.problems.warn(
                    at,
                    format!(
                        "`$ref: {reference}` does not resolve: {message}; a JSON value is used here"
                    ),
                );
                (String::new(), None)
            }
        };
        self.files.push(SourceFile::new(candidate, text, format));
        self.values.push(value);
        self.values[index].is_some().then_some(index)
    }

    /// Whether `at` is an entry of the section where components of `kind` are collected
    /// (`#/components/schemas/Pet`).
    fn is_component_entry(&self, at: &str, kind: Kind) -> bool {
        self.section(kind)
            .and_then(|section| at.strip_prefix(&format!("{section}/")).map(str::to_owned))
            .is_some_and(|name| !name.contains('/'))
    }

    /// The section pointer where parts of `kind` are collected, or `None` when they are inlined.
    fn section(&self, kind: Kind) -> Option<String> {
        if kind == Kind::PathItem {
            return None;
        }
        if self.swagger2 {
            return match kind {
                Kind::Schema => Some("#/definitions".to_owned()),
                Kind::Parameter => Some("#/parameters".to_owned()),
                Kind::Response => Some("#/responses".to_owned()),
                Kind::SecurityScheme => Some("#/securityDefinitions".to_owned()),
                _ => None,
            };
        }
        Some(pointer(["components", kind.section()]))
    }

    /// The value at `target`, cloned; `None` after a warning when there is none.
    fn fetch(&mut self, target: &Target, at: &str) -> Option<Value> {
        let found = self
            .values
            .get(target.file)
            .and_then(Option::as_ref)
            .and_then(|document| document.pointer(target.pointer.trim_start_matches('#')))
            .cloned();
        if found.is_none() {
            let file = self.files[target.file].path.display();
            self.problems.warn(
                at,
                format!(
                    "`$ref` names `{}` in {file}, which has nothing there; a JSON value is used here",
                    target.pointer
                ),
            );
        }
        found
    }

    /// Copies `target` into `section` once, returning its local pointer.
    fn import(&mut self, target: Target, kind: Kind, section: String, at: &str) -> Option<String> {
        let key = (target.file, target.pointer.clone(), kind);
        if let Some(local) = self.imported.get(&key) {
            return Some(local.clone());
        }
        let mut value = self.fetch(&target, at)?;
        let name = self
            .names
            .entry(section.clone())
            .or_default()
            .claim(name_for(&self.files[target.file].path, &target.pointer));
        let local = join(&section, &name);
        // Recorded before following what is inside, so a cycle back to it ends here.
        self.imported.insert(key, local.clone());
        self.origins
            .record(local.clone(), target.file, target.pointer.clone());
        self.rewrite(&mut value, &local, target.file, Some(kind));
        self.hoisted.push((section, name, value));
        Some(local)
    }

    /// Replaces the reference object `slot` (at `at`) by a copy of `target`, following the
    /// references inside it.
    fn inline(&mut self, slot: &mut Value, target: Target, at: &str, kind: Option<Kind>) {
        let key = (target.file, target.pointer.clone());
        if self.inlining.contains(&key) || self.inlining.len() >= MAX_INLINE_DEPTH {
            self.problems.warn(
                at,
                format!(
                    "`$ref` to {}#{} refers back to itself through other files; it is not followed",
                    self.files[target.file].path.display(),
                    target.pointer.trim_start_matches('#')
                ),
            );
            return;
        }
        let Some(mut value) = self.fetch(&target, at) else {
            return;
        };
        self.inlining.push(key);
        self.rewrite(&mut value, at, target.file, kind);
        self.inlining.pop();
        self.origins.record(at, target.file, target.pointer);
        // Siblings of the reference (a path item's `summary`, `description`) are kept.
        if let (Value::Object(content), Value::Object(reference)) = (&mut value, &*slot) {
            for (key, sibling) in reference {
                if key != "$ref" && !content.contains_key(key) {
                    content.insert(key.clone(), sibling.clone());
                }
            }
        }
        *slot = value;
    }
}

/// Points the reference at `slot` to `local`.
fn set_reference(slot: &mut Value, site: &refs::Site, local: String) {
    if site.mapping {
        *slot = Value::String(local);
    } else if let Value::Object(map) = slot {
        map.insert("$ref".to_owned(), Value::String(local));
    }
}

/// The names already used in the entry document's sections.
fn taken_names(document: &Value, swagger2: bool) -> HashMap<String, Namespace> {
    let mut names = HashMap::new();
    let sections: Vec<String> = if swagger2 {
        [
            "definitions",
            "parameters",
            "responses",
            "securityDefinitions",
        ]
        .iter()
        .map(|s| pointer([s]))
        .collect()
    } else {
        [
            "schemas",
            "parameters",
            "requestBodies",
            "responses",
            "headers",
            "examples",
            "links",
            "callbacks",
            "securitySchemes",
        ]
        .iter()
        .map(|s| pointer(["components", s]))
        .collect()
    };
    for section in sections {
        let mut namespace = Namespace::default();
        if let Some(Value::Object(entries)) = document.pointer(section.trim_start_matches('#')) {
            for name in entries.keys() {
                namespace.claim(name.clone());
            }
        }
        names.insert(section, namespace);
    }
    names
}

/// Inserts `value` as `name` under the section at `section`, creating the section if needed.
fn insert(document: &mut Value, section: &str, name: String, value: Value) {
    let Some(tokens) = pointer_tokens(section) else {
        return;
    };
    let mut here = document;
    for token in tokens {
        let Value::Object(map) = here else {
            return;
        };
        let entry = map
            .entry(token)
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        here = entry;
    }
    if let Value::Object(map) = here {
        map.insert(name, value);
    }
}

/// The component name for a part of `file` at `pointer`: the pointer's last token, or the file
/// name without its extension for a whole file.
fn name_for(file: &Path, pointer: &str) -> String {
    if let Some(last) = pointer_tokens(pointer).and_then(|tokens| tokens.last().cloned())
        && !last.is_empty()
    {
        return last;
    }
    file.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|stem| !stem.is_empty())
        .unwrap_or_else(|| "Unnamed".to_owned())
}

fn is_remote(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The key two spellings of one file share.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| lexical(path))
}

/// Decodes `%XX` escapes (a URI reference's path or fragment); invalid ones stay as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_pointer_or_the_file() {
        assert_eq!(
            name_for(Path::new("a/BinaryString.yaml"), "#"),
            "BinaryString"
        );
        assert_eq!(
            name_for(Path::new("params.yaml"), "#/tagsParam"),
            "tagsParam"
        );
        assert_eq!(
            name_for(Path::new("x.json"), "#/components/schemas/Pet"),
            "Pet"
        );
    }

    #[test]
    fn paths_are_normalized_without_the_file_system() {
        assert_eq!(lexical(Path::new("a/./b/../c.yaml")), Path::new("a/c.yaml"));
        assert_eq!(lexical(Path::new("../x/../y")), Path::new("../y"));
        assert_eq!(
            percent_decode("menu_%7BmenuItemId%7D.yaml"),
            "menu_{menuItemId}.yaml"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert!(is_remote("https://example.com/a.yaml"));
        assert!(!is_remote("./a.yaml"));
    }
}
