//! Swagger 2.0 documents through today's pipeline: every fixture of `tests/fixtures/swagger2/`
//! and every spec of `../shared/specs/swagger2/` (skipped, with a note, when that folder is
//! absent) is converted to OpenAPI 3.0, loaded, validated, lowered and emitted without errors,
//! keeps its operations, schemas and security schemes, and every node of the converted
//! document maps back (through the recorded moves) to a node of the input.
//!
//! With `SWAGGER2_CONVERTED_DIR=/some/dir` the converted documents are written there as JSON.

use generator::diagnostic::escape_token;
use generator::load::value_at;
use generator::normalize::swagger2;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Constructs the generator cannot generate yet, by fixture: the error it reports instead. When
/// the generator learns one, this test fails and the entry goes.
const GENERATOR_LIMITS: &[(&str, &str)] = &[];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `.yaml` and `.json` files of a folder, sorted; `None` when the folder is absent.
fn specs_in(dir: &Path) -> Option<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut specs: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    specs.sort();
    Some(specs)
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().and_then(|e| e.to_str()) == Some("json") {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    } else {
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// The operations of a Swagger 2.0 document, as `METHOD path`.
fn input_operations(input: &Value) -> Vec<String> {
    let mut operations = Vec::new();
    if let Some(Value::Object(paths)) = input.get("paths") {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some_and(Value::is_object) {
                    operations.push(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
    }
    operations.sort();
    operations
}

fn keys(value: Option<&Value>) -> Vec<String> {
    let mut keys: Vec<String> = value
        .and_then(Value::as_object)
        .map(|map| map.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// Every pointer of `value` (at `at`), the containers included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(child, format!("{at}/{}", escape_token(key)), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn check(path: &Path) {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let input = read(path);
    let converted = swagger2::convert(input.clone());
    for warning in &converted.warnings {
        println!(
            "{name}: warning at {}: {}",
            warning.pointer, warning.message
        );
    }
    let text = serde_json::to_string_pretty(&converted.document).expect("serializes");
    // To look at (or build a crate from) what the converter made.
    if let Some(dir) = std::env::var_os("SWAGGER2_CONVERTED_DIR") {
        let out = Path::new(&dir).join(Path::new(name).with_extension("json"));
        std::fs::write(&out, &text).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
    let spec = generator::load::load_str(Path::new("converted.json"), &text)
        .unwrap_or_else(|d| panic!("{name}: the converted document does not load:\n{d}\n{text}"));

    let mut operations: Vec<String> = spec
        .document
        .operations()
        .map(|(path, method, _)| format!("{} {path}", method.to_uppercase()))
        .collect();
    operations.sort();
    assert_eq!(operations, input_operations(&input), "{name}: operations");
    let components = spec.document.components.as_ref();
    let mut schemas: Vec<String> = components
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    schemas.sort();
    assert_eq!(schemas, keys(input.get("definitions")), "{name}: schemas");
    let mut schemes: Vec<String> = components
        .map(|c| c.security_schemes.keys().cloned().collect())
        .unwrap_or_default();
    schemes.sort();
    assert_eq!(
        schemes,
        keys(input.get("securityDefinitions")),
        "{name}: security schemes"
    );

    let mut all = Vec::new();
    pointers(&converted.document, "#".to_owned(), &mut all);
    for pointer in all {
        let origin = converted.moves.origin(&pointer);
        assert!(
            value_at(&input, &origin).is_some(),
            "{name}: {pointer} maps to {origin}, which is not in the input"
        );
    }

    let limit = GENERATOR_LIMITS
        .iter()
        .find(|(fixture, _)| *fixture == name)
        .map(|(_, message)| *message);
    match (generator::generate_from_spec(&spec, "x"), limit) {
        (Ok(generated), None) => assert!(!generated.files.is_empty(), "{name}: no files"),
        (Err(error), None) => panic!("{name}: generation failed:\n{error}\n{text}"),
        (Ok(_), Some(message)) => {
            panic!("{name}: generates now; remove its entry (\"{message}\") from GENERATOR_LIMITS")
        }
        (Err(error), Some(message)) => assert!(
            error.to_string().contains(message),
            "{name}: expected the known limit \"{message}\", got:\n{error}"
        ),
    }
}

#[test]
fn fixtures_convert_and_generate() {
    let dir = workspace().join("tests/fixtures/swagger2");
    let specs = specs_in(&dir).expect("tests/fixtures/swagger2 exists");
    assert!(specs.len() >= 8, "fixtures found: {specs:?}");
    for spec in &specs {
        check(spec);
    }
}

#[test]
fn shared_swagger2_specs_convert_and_generate() {
    let dir = workspace().join("../shared/specs/swagger2");
    let Some(specs) = specs_in(&dir) else {
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
    for spec in &specs {
        check(spec);
    }
}

/// A deterministic pseudo-random sequence (xorshift), so that a failure reproduces.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count).sum(),
        Value::Array(items) => items.iter().map(count).sum(),
        _ => 0,
    }
}

/// Replaces (or sometimes deletes) the `target`-th node, pre-order, by a value a Swagger 2.0
/// document might hold in the wrong place.
fn mutate(value: &mut Value, target: usize, seen: &mut usize, rng: &mut XorShift) -> bool {
    if *seen == target {
        *value = match rng.below(12) {
            0 => Value::Null,
            1 => Value::Bool(true),
            2 => Value::from(-1),
            3 => Value::from("multi"),
            4 => Value::Array(Vec::new()),
            5 => Value::Object(serde_json::Map::new()),
            6 => serde_json::json!({"$ref": "#/definitions/Missing"}),
            7 => serde_json::json!({"$ref": "#/parameters/missing"}),
            8 => serde_json::json!({"in": "body", "name": "b"}),
            9 => serde_json::json!({"in": "formData", "name": "f", "type": "file"}),
            10 => serde_json::json!({"type": "array", "collectionFormat": "tsv"}),
            _ => serde_json::json!({"type": "file", "x-nullable": true}),
        };
        return true;
    }
    *seen += 1;
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if *seen == target && rng.below(3) == 0 {
                    map.shift_remove(&key);
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

/// Mutated documents never make the converter (or the pipeline after it) panic, its warnings
/// name places in its input, and every node it writes maps back to a node of its input.
#[test]
fn mutated_documents_convert_without_panics_and_map_back() {
    let mut specs = specs_in(&workspace().join("tests/fixtures/swagger2")).unwrap_or_default();
    specs.extend(specs_in(&workspace().join("../shared/specs/swagger2")).unwrap_or_default());
    assert!(!specs.is_empty());
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let mut failures = Vec::new();
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for spec in &specs {
        let original = read(spec);
        let nodes = count(&original);
        for round in 0..40 {
            let mut input = original.clone();
            let target = rng.below(nodes);
            mutate(&mut input, target, &mut 0, &mut rng);
            let place = format!("{} round {round} (node {target})", spec.display());
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let converted = swagger2::convert(input.clone());
                let mut problems = Vec::new();
                for warning in &converted.warnings {
                    if value_at(&input, &warning.pointer).is_none() {
                        problems.push(format!("warning at missing {}", warning.pointer));
                    }
                }
                let mut all = Vec::new();
                pointers(&converted.document, "#".to_owned(), &mut all);
                for pointer in all {
                    let origin = converted.moves.origin(&pointer);
                    if value_at(&input, &origin).is_none() {
                        problems.push(format!("{pointer} maps to missing {origin}"));
                    }
                }
                let text = serde_json::to_string(&converted.document).unwrap_or_default();
                if let Ok(spec) = generator::load::load_str(Path::new("converted.json"), &text) {
                    let _ = generator::generate_from_spec(&spec, "x");
                }
                problems
            }));
            match outcome {
                Ok(problems) if problems.is_empty() => {}
                Ok(problems) => failures.push(format!("{place}: {}", problems.join("; "))),
                Err(_) => failures.push(format!("{place}: panicked")),
            }
        }
    }
    std::panic::set_hook(previous_hook);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What validation and parsing say about the converted document, mapped back through the moves,
/// names the lines of the Swagger 2.0 text the user wrote.
#[test]
fn diagnostics_about_converted_places_map_back_to_the_lines_written() {
    let text = "\
swagger: '2.0'
info: {title: t, version: '1'}
paths:
  /pets/{id}:
    post:
      parameters:
        - name: pet
          in: body
          schema:
            $ref: '#/definitions/Missing'
        - name: id
          in: path
          type: string
        - name: size
          in: formData
          type: integer
      responses: {}
";
    let input: Value = serde_yaml::from_str(text).expect("YAML");
    let converted = swagger2::convert(input);
    // The whole front end reads the 2.0 text itself; validation's problems are located in it.
    let spec = generator::load::load_str(Path::new("spec.yaml"), text).expect("loads");
    let (_, problems) = generator::validate::validate(&spec);
    let diagnostics = spec.locate(problems);
    let mut found: Vec<(String, Option<usize>)> = diagnostics
        .0
        .iter()
        .map(|d| (d.pointer.clone(), d.line))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            // The `$ref` of the body parameter's schema, now under `requestBody`.
            (
                "#/paths/~1pets~1{id}/post/parameters/0/schema".to_owned(),
                Some(9)
            ),
            // The path parameter without `required`, now first in the list.
            (
                "#/paths/~1pets~1{id}/post/parameters/1".to_owned(),
                Some(11)
            ),
        ],
        "{diagnostics}"
    );
    // The formData parameter dropped next to the body is reported where it was written.
    let warning = converted.warnings.first().expect("a warning");
    assert_eq!(
        generator::load::line_of(text, generator::load::Format::Yaml, &warning.pointer),
        Some(14)
    );
}
