//! The output compiles for every spec the generator accepts: a deterministic sample of fixture
//! specs (`tests/fixtures/specs`, `swagger2/`, `openapi31/`) mutated and combined with a seeded
//! PRNG (a `required` list removed, a property's type changed, two fixtures' components and
//! paths merged, a schema, property or operation renamed to collide with another, `nullable`
//! added, a schema wrapped in `allOf`) is generated, each spec the generator accepts as a
//! standalone crate, into ONE temporary workspace built with `cargo clippy -- -D warnings`. The
//! target directory is the corpus test's (`target/corpus`), so the runtime's dependencies are
//! built once for both.
//!
//! A spec the generator refuses (an error diagnostic) is skipped: it is not "accepted". A
//! generator bug (`GenerateError::Format`) or a crate that does not compile fails the test,
//! naming the spec and the mutations that made it; such a failure is to become a fixture (this
//! seed has found none).
//! `MUTATED_SPECS_KEEP=<dir>` writes the mutated specs there to look at.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};

/// How many accepted specs the test compiles: each is its own crate, so the time grows with it
/// (24 take about 50 s once `target/corpus` holds the dependencies, on the shared 2-core machine
/// with a fuzzer running beside it).
const SPECS: usize = 24;
/// The PRNG's seed: change it to look at another sample (and keep the one CI uses green).
const SEED: u64 = 0x5E_ED0F_C0DE;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

/// SplitMix64: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        usize::try_from(self.next() % n as u64).expect("fits")
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// A fixture: its path, what it is (2.0, 3.0 or 3.1) and its content as JSON.
struct Fixture {
    name: String,
    family: &'static str,
    value: Value,
}

fn fixtures(root: &Path) -> Vec<Fixture> {
    let mut found = Vec::new();
    for (dir, family) in [
        ("tests/fixtures/specs", "3.0"),
        ("tests/fixtures/swagger2", "2.0"),
        ("tests/fixtures/openapi31", "3.1"),
    ] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
            .map(|entry| entry.expect("directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("read fixture");
            let read = generator::read::parse(&text, generator::read::format_of(&path))
                .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
            let stem = path.file_stem().and_then(|s| s.to_str()).expect("name");
            found.push(Fixture {
                name: format!("{}/{stem}", family.replace('.', "")),
                family,
                value: read.value,
            });
        }
    }
    found
}

/// Every JSON pointer (as tokens) below `at` whose value is an object that looks like a
/// schema (it has `type`, `properties`, `$ref`, `allOf`, `items` or `enum`).
fn schemas(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        Value::Object(map) => {
            let schema_keys = ["type", "properties", "$ref", "allOf", "items", "enum"];
            let inside_examples = at
                .last()
                .is_some_and(|k| k == "example" || k == "examples" || k.starts_with("x-"));
            if inside_examples {
                return;
            }
            if schema_keys.iter().any(|k| map.contains_key(*k)) && !map.contains_key("in") {
                out.push(at.clone());
            }
            for (key, child) in map {
                at.push(key.clone());
                schemas(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push(index.to_string());
                schemas(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node<'a>(root: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    let mut node = root;
    for token in tokens {
        node = match node {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn node_mut<'a>(root: &'a mut Value, tokens: &[String]) -> Option<&'a mut Value> {
    let mut node = root;
    for token in tokens {
        node = match node {
            Value::Object(map) => map.get_mut(token)?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn schema_section(family: &str) -> &'static str {
    if family == "2.0" {
        "/definitions"
    } else {
        "/components/schemas"
    }
}

/// One mutation, described for the failure message; `None` when it did not apply.
fn mutate(rng: &mut Rng, spec: &mut Value, family: &str, others: &[&Fixture]) -> Option<String> {
    let mut found = Vec::new();
    schemas(spec, &mut Vec::new(), &mut found);
    match rng.below(7) {
        0 => {
            // Remove a `required` list.
            let with_required: Vec<&Vec<String>> = found
                .iter()
                .filter(|at| {
                    node(spec, at).is_some_and(|n| n.get("required").is_some_and(Value::is_array))
                })
                .collect();
            let at = (*rng.pick(&with_required)?).clone();
            node_mut(spec, &at)?.as_object_mut()?.remove("required");
            Some(format!("required removed at /{}", at.join("/")))
        }
        1 => {
            // Change a property's type.
            let properties: Vec<&Vec<String>> = found
                .iter()
                .filter(|at| at.len() >= 2 && at[at.len() - 2] == "properties")
                .collect();
            let at = (*rng.pick(&properties)?).clone();
            let types = ["string", "integer", "number", "boolean", "array", "object"];
            let ty = *rng.pick(&types)?;
            let node = node_mut(spec, &at)?;
            let map = node.as_object_mut()?;
            for key in [
                "$ref",
                "allOf",
                "oneOf",
                "anyOf",
                "enum",
                "items",
                "properties",
            ] {
                map.remove(key);
            }
            map.insert("type".into(), json!(ty));
            match ty {
                "array" => {
                    map.insert("items".into(), json!({"type": "integer"}));
                }
                "object" => {
                    map.insert("properties".into(), json!({"inner": {"type": "string"}}));
                }
                _ => {}
            }
            Some(format!("type of /{} is now {ty}", at.join("/")))
        }
        2 => {
            // Merge another fixture of the same family: its schemas, parameters, responses and
            // paths, those whose names are taken left out.
            let same: Vec<&&Fixture> = others.iter().filter(|f| f.family == family).collect();
            let other = *rng.pick(&same)?;
            let sections: &[&str] = if family == "2.0" {
                &["/definitions", "/parameters", "/responses", "/paths"]
            } else {
                &[
                    "/components/schemas",
                    "/components/parameters",
                    "/components/responses",
                    "/components/requestBodies",
                    "/components/headers",
                    "/paths",
                ]
            };
            for section in sections {
                let Some(Value::Object(theirs)) = other.value.pointer(section) else {
                    continue;
                };
                let ours = ensure_object(spec, section)?;
                for (key, value) in theirs {
                    if !ours.contains_key(key) {
                        ours.insert(key.clone(), value.clone());
                    }
                }
            }
            Some(format!("merged with {}", other.name))
        }
        3 => {
            // A schema copied under a name that reads the same in Rust.
            let section = schema_section(family);
            let schemas = spec.pointer(section)?.as_object()?;
            let names: Vec<String> = schemas.keys().cloned().collect();
            let name = rng.pick(&names)?.clone();
            let respelled = respell(rng, &name);
            if schemas.contains_key(&respelled) {
                return None;
            }
            let copy = schemas.get(&name)?.clone();
            ensure_object(spec, section)?.insert(respelled.clone(), copy);
            Some(format!("schema {name} copied as {respelled}"))
        }
        4 => {
            // A property added whose name reads the same as another's, or an operationId
            // taken by another operation in another case.
            if rng.below(2) == 0 {
                let objects: Vec<&Vec<String>> = found
                    .iter()
                    .filter(|at| {
                        node(spec, at).is_some_and(|n| {
                            n.get("properties")
                                .and_then(Value::as_object)
                                .is_some_and(|p| !p.is_empty())
                        })
                    })
                    .collect();
                let at = (*rng.pick(&objects)?).clone();
                let properties = node_mut(spec, &at)?
                    .get_mut("properties")?
                    .as_object_mut()?;
                let names: Vec<String> = properties.keys().cloned().collect();
                let name = rng.pick(&names)?.clone();
                let respelled = respell(rng, &name);
                if properties.contains_key(&respelled) {
                    return None;
                }
                let copy = properties.get(&name)?.clone();
                properties.insert(respelled.clone(), copy);
                Some(format!(
                    "property {name} of /{} copied as {respelled}",
                    at.join("/")
                ))
            } else {
                let mut operations = Vec::new();
                for (path, item) in spec.get("paths")?.as_object()? {
                    for (method, op) in item.as_object().into_iter().flatten() {
                        if op.get("operationId").is_some() {
                            operations.push((path.clone(), method.clone()));
                        }
                    }
                }
                if operations.len() < 2 {
                    return None;
                }
                let (from_path, from_method) = rng.pick(&operations)?.clone();
                let (to_path, to_method) = rng.pick(&operations)?.clone();
                let id = spec["paths"][&from_path][&from_method]["operationId"]
                    .as_str()?
                    .to_owned();
                let respelled = respell(rng, &id);
                spec["paths"][&to_path][&to_method]["operationId"] = json!(respelled);
                Some(format!(
                    "operationId of {to_method} {to_path} is now {respelled} ({from_method} {from_path} has {id})"
                ))
            }
        }
        5 => {
            // Nullable, as each version writes it.
            let at = rng.pick(&found)?.clone();
            let node = node_mut(spec, &at)?.as_object_mut()?;
            match family {
                "2.0" => {
                    node.insert("x-nullable".into(), json!(true));
                }
                "3.1" => match node.get("type").cloned() {
                    Some(Value::String(ty)) => {
                        node.insert("type".into(), json!([ty, "null"]));
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(node));
                        node.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                    }
                },
                _ => {
                    node.insert("nullable".into(), json!(true));
                }
            }
            Some(format!("nullable at /{}", at.join("/")))
        }
        _ => {
            // Wrapped in allOf (with a description beside it, so it is not just the part).
            let at = rng.pick(&found)?.clone();
            let node = node_mut(spec, &at)?;
            let inner = node.take();
            *node = json!({"description": "Wrapped.", "allOf": [inner]});
            Some(format!("allOf around /{}", at.join("/")))
        }
    }
}

fn ensure_object<'a>(spec: &'a mut Value, pointer: &str) -> Option<&'a mut Map<String, Value>> {
    let mut node = spec;
    for token in pointer.trim_start_matches('/').split('/') {
        let map = node.as_object_mut()?;
        node = map.entry(token.to_owned()).or_insert_with(|| json!({}));
    }
    node.as_object_mut()
}

/// `name` spelled differently but with the same Rust name (or one that collides once cased).
fn respell(rng: &mut Rng, name: &str) -> String {
    match rng.below(4) {
        0 => name.to_lowercase(),
        1 => name.to_uppercase(),
        2 => format!("{name}_"),
        _ => {
            let mut chars = name.chars();
            match chars.next() {
                Some(first) if first.is_uppercase() => {
                    format!("{}{}", first.to_lowercase(), chars.as_str())
                }
                Some(first) => format!("{}{}", first.to_uppercase(), chars.as_str()),
                None => "x".to_owned(),
            }
        }
    }
}

#[test]
fn mutated_and_combined_fixtures_generate_crates_that_pass_clippy() {
    let root = workspace_root();
    let fixtures = fixtures(&root);
    assert!(fixtures.len() >= 40, "found {} fixtures", fixtures.len());
    let keep = std::env::var_os("MUTATED_SPECS_KEEP").map(PathBuf::from);

    let workspace = tempfile::tempdir().expect("temporary directory");
    let mut rng = Rng(SEED);
    let mut members = Vec::new();
    let mut made = Vec::new();
    let mut failures = Vec::new();
    let mut refused = 0;
    let mut attempts = 0;
    while members.len() < SPECS {
        attempts += 1;
        assert!(
            attempts <= SPECS * 20,
            "only {} of {attempts} mutated specs were accepted",
            members.len()
        );
        let base = &fixtures[rng.below(fixtures.len())];
        let others: Vec<&Fixture> = fixtures.iter().filter(|f| f.name != base.name).collect();
        let mut spec = base.value.clone();
        let mut applied = Vec::new();
        for _ in 0..1 + rng.below(3) {
            if let Some(what) = mutate(&mut rng, &mut spec, base.family, &others) {
                applied.push(what);
            }
        }
        if applied.is_empty() {
            continue;
        }
        let name = format!("mutated-{:02}", members.len());
        let text = serde_json::to_string_pretty(&spec).expect("JSON");
        let describe = format!("{name} ({}: {})", base.name, applied.join("; "));
        let file = workspace.path().join("specs").join(format!("{name}.json"));
        std::fs::create_dir_all(file.parent().expect("parent")).expect("specs folder");
        std::fs::write(&file, &text).expect("write spec");
        let loaded = match generator::load::load(&file) {
            Ok(loaded) => loaded,
            Err(_) => {
                refused += 1;
                continue;
            }
        };
        let files = match generator::standalone::standalone_crate(
            &loaded,
            &name,
            Some(&name),
            &generator::Options { tag_features: true },
        ) {
            Ok(generated) => generated.files,
            Err(generator::GenerateError::Spec(_)) => {
                refused += 1;
                continue;
            }
            Err(error) => {
                failures.push(format!("{describe}: {error}"));
                continue;
            }
        };
        if let Some(keep) = &keep {
            std::fs::create_dir_all(keep).expect("MUTATED_SPECS_KEEP folder");
            std::fs::write(keep.join(format!("{name}.json")), &text).expect("keep spec");
        }
        generator::write::write_files(
            &workspace.path().join(&name),
            &files,
            generator::write::Mode::Write,
        )
        .unwrap_or_else(|e| panic!("writing the crate for {describe}: {e}"));
        members.push(name);
        made.push(describe);
    }
    assert!(
        failures.is_empty(),
        "generator errors:\n{}",
        failures.join("\n")
    );

    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(workspace.path().join("Cargo.toml"), manifest).expect("workspace manifest");
    std::fs::copy(root.join("Cargo.lock"), workspace.path().join("Cargo.lock"))
        .expect("copy Cargo.lock");
    let output = Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--quiet", "--", "-D", "warnings"])
        .current_dir(workspace.path())
        .env("CARGO_TARGET_DIR", root.join("target/corpus"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo clippy");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "mutated specs whose crates do not pass `cargo clippy -- -D warnings`:\n{}\n\n{stderr}",
        made.join("\n")
    );
    println!(
        "{} mutated specs pass clippy ({refused} refused by the generator, {attempts} made)",
        members.len()
    );
}
