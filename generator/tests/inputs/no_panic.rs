//! The generator never panics, whatever the spec: every spec of the corpus and the fixtures,
//! mutated at random (nodes deleted, replaced by values of other types, `$ref`s bent), goes
//! through load, validate, lower, emit and format; errors are fine, a panic is a failure.
//! Deterministic: a fixed seed, so a failure reproduces.

use serde_json::Value;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

const MUTATIONS_PER_SPEC: usize = 60;

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

fn specs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut specs = Vec::new();
    for dir in ["../shared/specs", "tests/fixtures/specs", "spec"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            ) {
                specs.push(path);
            }
        }
    }
    specs.sort();
    specs
}

/// Counts the nodes of a JSON tree.
fn count(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count).sum(),
        Value::Array(items) => items.iter().map(count).sum(),
        _ => 0,
    }
}

/// Applies one mutation to the `target`-th node (pre-order), counting with `seen`.
fn mutate(value: &mut Value, target: usize, seen: &mut usize, rng: &mut XorShift) -> bool {
    if *seen == target {
        let replacement = match rng.below(9) {
            0 => Value::Null,
            1 => Value::Bool(true),
            2 => Value::from(-1),
            3 => Value::from("{not a name}"),
            4 => Value::Array(Vec::new()),
            5 => Value::Object(serde_json::Map::new()),
            6 => serde_json::json!({"$ref": "#/components/schemas/Missing"}),
            7 => serde_json::json!({"$ref": "#/components/schemas"}),
            _ => serde_json::json!({"type": "array"}),
        };
        *value = replacement;
        return true;
    }
    *seen += 1;
    match value {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                // Sometimes delete the key that holds the target instead of replacing it.
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

#[test]
fn mutated_specs_give_errors_never_panics() {
    let specs = specs();
    assert!(!specs.is_empty(), "no specs found");
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut panics = Vec::new();
    let mut runs = 0;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for spec in &specs {
        let text = std::fs::read_to_string(spec).expect("readable spec");
        let original: Value = match spec.extension().and_then(|e| e.to_str()) {
            Some("json") => serde_json::from_str(&text).expect("valid JSON"),
            _ => serde_yaml::from_str(&text).expect("valid YAML"),
        };
        let nodes = count(&original);
        for round in 0..MUTATIONS_PER_SPEC {
            let mut value = original.clone();
            let target = rng.below(nodes);
            mutate(&mut value, target, &mut 0, &mut rng);
            let mutated = serde_json::to_string_pretty(&value).expect("serialisable");
            let file = Path::new("mutated.json");
            runs += 1;
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                if let Ok(loaded) = generator::load::load_str(file, &mutated) {
                    let _ = generator::generate_from_spec(&loaded, "mutated.json");
                }
            }));
            if outcome.is_err() {
                panics.push(format!("{} round {round} (node {target})", spec.display()));
            }
        }
    }
    std::panic::set_hook(previous_hook);
    assert!(
        panics.is_empty(),
        "the generator panicked on {} of {runs} mutated specs:\n{}",
        panics.len(),
        panics.join("\n")
    );
}
