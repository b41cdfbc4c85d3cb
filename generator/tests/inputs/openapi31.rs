//! OpenAPI 3.1 documents, converted to 3.0, go through today's pipeline: every fixture of
//! `tests/fixtures/openapi31/` and every document of `../shared/specs/openapi31/` (skipped with
//! a note when that folder is absent). Each must generate, with the operations and the
//! component schemas of the input, and every part the converter moved must map back to a place
//! of the input.

use generator::load::value_at;
use generator::normalize::{Converted, openapi31};
use serde_json::Value;
use std::path::{Path, PathBuf};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn yaml_files(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    files.sort();
    Some(files)
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()))
}

/// Follows a path item's `$ref`s in the input.
fn path_item<'a>(document: &'a Value, mut item: &'a Value) -> &'a Value {
    for _ in 0..8 {
        match item.get("$ref").and_then(Value::as_str) {
            Some(reference) => match value_at(document, reference) {
                Some(target) => item = target,
                None => break,
            },
            None => break,
        }
    }
    item
}

/// Operations under `paths` (following path-item `$ref`s), as (path, method).
fn operations(document: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            let item = path_item(document, item);
            for method in METHODS {
                if item.get(method).is_some() {
                    out.push((path.clone(), method.to_owned()));
                }
            }
        }
    }
    out.sort();
    out
}

fn schema_names(document: &Value) -> Vec<String> {
    document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

fn check(path: &Path) {
    let name = path.display().to_string();
    let input = read(path);
    let Converted {
        document,
        moves,
        warnings,
    } = {
        let started = std::time::Instant::now();
        let converted = openapi31::convert(input.clone());
        println!("{name}: converted in {:?}", started.elapsed());
        converted
    };
    for warning in &warnings {
        println!(
            "{name}: warning at {}: {}",
            warning.pointer, warning.message
        );
        assert!(
            value_at(&input, &warning.pointer).is_some(),
            "{name}: warning at {} which is not in the input: {}",
            warning.pointer,
            warning.message
        );
    }
    let text = serde_json::to_string_pretty(&document).expect("serializes");
    // For compiling the generated crates by hand: `OPENAPI31_OUT=/tmp/dir cargo test …`.
    if let Some(out) = std::env::var_os("OPENAPI31_OUT") {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
        std::fs::create_dir_all(&out).expect("creates OPENAPI31_OUT");
        std::fs::write(Path::new(&out).join(format!("{stem}.json")), &text)
            .expect("writes to OPENAPI31_OUT");
    }
    let spec = generator::load::load_str(Path::new("converted.json"), &text)
        .unwrap_or_else(|d| panic!("{name}: converted document does not load:\n{d}\n{text}"));
    generator::generate_from_spec(&spec, "x")
        .unwrap_or_else(|e| panic!("{name}: converted document does not generate:\n{e}"));
    let (proven, _) = generator::validate::validate(&spec);
    let (model, _) = generator::lower::lower(&spec, &proven);

    // Operations: every one of the input (3.2's `query` method aside), none more.
    let before = operations(&input);
    let after = operations(&document);
    assert_eq!(before, after, "{name}: operations differ");
    assert_eq!(
        model.operations.len(),
        after.len(),
        "{name}: lowered operations"
    );

    // Schemas: every component of the input, plus the hoisted ones, each from a place of the
    // input.
    let before = schema_names(&input);
    let after = schema_names(&document);
    for schema in &before {
        assert!(after.contains(schema), "{name}: schema {schema} lost");
    }
    for schema in after.iter().filter(|s| !before.contains(s)) {
        let at = format!(
            "#/components/schemas/{}",
            schema.replace('~', "~0").replace('/', "~1")
        );
        let origin = moves.origin(&at);
        assert!(
            origin != at && value_at(&input, &origin).is_some(),
            "{name}: hoisted schema {schema} comes from {origin}, which is not in the input"
        );
    }

    // Webhooks: all of them, under `x-webhooks`, mapping back to `webhooks`.
    let webhooks = |doc: &Value, key: &str| {
        doc.get(key)
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let expected = match input.get("webhooks") {
        Some(_) => webhooks(&input, "webhooks"),
        // A 3.0-style document may carry its own.
        None => webhooks(&input, "x-webhooks"),
    };
    assert_eq!(
        expected,
        webhooks(&document, "x-webhooks"),
        "{name}: webhooks"
    );
    if input.get("webhooks").is_some() {
        assert_eq!(moves.origin("#/x-webhooks"), "#/webhooks");
    }
}

#[test]
fn own_fixtures_convert_and_generate() {
    let dir = workspace().join("tests/fixtures/openapi31");
    let files = yaml_files(&dir).expect("tests/fixtures/openapi31 exists");
    assert!(files.len() >= 10, "fixtures: {files:?}");
    for file in files {
        check(&file);
    }
}

#[test]
fn shared_openapi31_specs_convert_and_generate() {
    let dir = workspace().join("../shared/specs/openapi31");
    let Some(files) = yaml_files(&dir) else {
        let required = std::env::var_os("REQUIRE_SHARED").is_some_and(|v| v != "0");
        assert!(
            !required,
            "REQUIRE_SHARED is set, but {} is absent",
            dir.display()
        );
        println!(
            "skipped: {} is absent (set REQUIRE_SHARED=1 to require it)",
            dir.display()
        );
        return;
    };
    for file in files {
        check(&file);
    }
}

/// A few things a fixture run proves about the output itself.
#[test]
fn fixture_details() {
    let convert = |file: &str| {
        openapi31::convert(read(
            &workspace().join("tests/fixtures/openapi31").join(file),
        ))
    };
    let anyof = convert("anyof_null.yaml").document;
    assert_eq!(
        anyof.pointer("/components/schemas/Item/properties/tag"),
        Some(&serde_json::json!({
            "allOf": [{"$ref": "#/components/schemas/Tag"}],
            "nullable": true,
            "description": "The item's tag, if any."
        }))
    );
    let defs = convert("defs_and_anchors.yaml").document;
    let schemas = defs.pointer("/components/schemas").expect("schemas");
    for name in ["Order_Line", "Order_Status", "postal", "customer"] {
        assert!(schemas.get(name).is_some(), "{name} hoisted: {schemas}");
    }
    let webhooks = convert("path_items.yaml").document;
    assert!(webhooks.pointer("/components/pathItems").is_none());
    assert_eq!(
        webhooks.pointer("/x-webhooks/petAdded/description"),
        Some(&Value::from("Sent when a pet is added."))
    );
}

/// Documents from elsewhere (kept out of the repository), checked the same way:
/// `OPENAPI31_EXTRA=/tmp/specs cargo test -p generator --test inputs openapi31`.
#[test]
fn extra_specs_convert_and_generate() {
    let Some(dir) = std::env::var_os("OPENAPI31_EXTRA") else {
        println!("skipped: OPENAPI31_EXTRA is not set");
        return;
    };
    let files = yaml_files(Path::new(&dir)).expect("OPENAPI31_EXTRA is a folder");
    let mut failed = Vec::new();
    for file in files {
        let result = std::panic::catch_unwind(|| check(&file));
        println!(
            "{}: {}",
            file.display(),
            if result.is_ok() { "ok" } else { "FAILED" }
        );
        if result.is_err() {
            failed.push(file);
        }
    }
    assert!(failed.is_empty(), "failed: {failed:?}");
}

struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count).sum(),
        Value::Array(items) => items.iter().map(count).sum(),
        _ => 0,
    }
}

/// Replaces (or deletes) the `target`-th node, mostly with 3.1 constructs.
fn mutate(value: &mut Value, target: usize, seen: &mut usize, rng: &mut XorShift) -> bool {
    use serde_json::json;
    if *seen == target {
        *value = match rng.below(18) {
            0 => Value::Null,
            1 => Value::Bool(rng.below(2) == 0),
            2 => json!(-1.5),
            3 => json!("{not a name}"),
            4 => json!([]),
            5 => json!({}),
            6 => {
                json!({"type": ["string", "null", "integer", "array", "object"], "minimum": 1, "items": false})
            }
            7 => json!({"anyOf": [{"$ref": "#"}, {"type": "null"}], "title": "t"}),
            8 => json!({"$ref": "#/components/schemas/A/$defs/B", "description": 3}),
            9 => json!({"$defs": {"B": {"$ref": "#b"}, "C": true}, "$anchor": "b", "$ref": "#b"}),
            10 => json!({"$id": "http://[::1", "$ref": "../../x#/%ZZ/~2"}),
            11 => json!({"prefixItems": [true, {"$ref": "#/paths"}], "items": [1]}),
            12 => json!({"$ref": "#/components/pathItems/P"}),
            13 => {
                json!({"const": null, "exclusiveMinimum": 1e308, "minimum": "x", "examples": [{}]})
            }
            14 => json!({"oneOf": [{"type": "null"}, {"$anchor": "z", "type": ["null"]}]}),
            15 => {
                json!({"if": {}, "patternProperties": [], "unevaluatedProperties": {"$ref": "#z"}})
            }
            16 => {
                json!({"contentEncoding": 7, "contentMediaType": ["image/png"], "type": "string"})
            }
            _ => json!({"webhooks": {"w": {"$ref": "#/webhooks/w"}}, "itemSchema": false}),
        };
        return true;
    }
    *seen += 1;
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if *seen == target && rng.below(3) == 0 {
                    map.remove(&key);
                    return true;
                }
                if let Some(child) = map.get_mut(&key)
                    && mutate(child, target, seen, rng)
                {
                    return true;
                }
            }
            false
        }
        Value::Array(items) => items.iter_mut().any(|item| mutate(item, target, seen, rng)),
        _ => false,
    }
}

/// Neither the converter nor the pipeline after it panics on any mutation of any 3.1 document.
#[test]
fn mutated_documents_never_panic() {
    let mut files = yaml_files(&workspace().join("tests/fixtures/openapi31")).unwrap_or_default();
    files.extend(yaml_files(&workspace().join("../shared/specs/openapi31")).unwrap_or_default());
    assert!(!files.is_empty());
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut panics = Vec::new();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for file in &files {
        let original = read(file);
        let nodes = count(&original);
        for round in 0..80 {
            let mut value = original.clone();
            let target = rng.below(nodes);
            mutate(&mut value, target, &mut 0, &mut rng);
            let outcome = std::panic::catch_unwind(|| {
                let converted = openapi31::convert(value);
                let text = serde_json::to_string(&converted.document).unwrap_or_default();
                if let Ok(spec) = generator::load::load_str(Path::new("converted.json"), &text) {
                    let _ = generator::generate_from_spec(&spec, "x");
                }
            });
            if outcome.is_err() {
                panics.push(format!("{} round {round} (node {target})", file.display()));
            }
        }
    }
    std::panic::set_hook(previous_hook);
    assert!(panics.is_empty(), "panicked on:\n{}", panics.join("\n"));
}
