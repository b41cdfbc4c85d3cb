//! Per-tag Cargo features: which feature gates each operation and each type. An operation is
//! gated by its tags' features; a type by the union of the features of every operation that
//! reaches it, and of the `webhooks` feature when a webhook payload reaches it. A type that an
//! always-compiled item reaches (an operation without tags, a type neither an operation nor a
//! webhook reaches, or anything those hold) is always compiled. Both are one walk over the
//! graph of type references.

use super::usage::{received_types, references, sent_types};
use crate::model::{Model, Operation, TagFeatures};
use crate::names::Namespace;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// Feature names a tag cannot take: Cargo's own, and those of the runtime's parts.
const RESERVED: &[&str] = &[
    "default",
    "aksk",
    "multipart",
    "pagination",
    "streaming",
    TagFeatures::FULL_SERDE,
];

/// The gates of `model` by tag, or `None` when no operation has a tag.
pub fn tag_features(model: &Model) -> Option<TagFeatures> {
    let mut names = Namespace::with_reserved(RESERVED);
    let mut feature_of: BTreeMap<&str, String> = BTreeMap::new();
    let mut tags: BTreeSet<&str> = BTreeSet::new();
    for op in &model.operations {
        tags.extend(op.tags.iter().map(String::as_str));
    }
    for tag in &tags {
        feature_of.insert(tag, names.claim(feature_name(tag)));
    }
    // Claimed after the tags, so that a tag's feature is named the same with or without
    // webhooks in the spec.
    let webhooks = (!model.webhook_payloads.is_empty()).then(|| names.claim("webhooks".to_owned()));
    if feature_of.is_empty() && webhooks.is_none() {
        return None;
    }

    let mut operations = HashMap::new();
    for op in &model.operations {
        let mut gate: Vec<String> = op
            .tags
            .iter()
            .filter_map(|tag| feature_of.get(tag.as_str()).cloned())
            .collect();
        gate.sort();
        gate.dedup();
        if !gate.is_empty() {
            operations.insert(op.method_name.clone(), gate);
        }
    }
    let types = type_gates(model, &operations, webhooks.as_deref());
    let mut features: Vec<(String, String)> = feature_of
        .into_iter()
        .map(|(tag, feature)| (feature, tag.to_owned()))
        .collect();
    features.sort();
    Some(TagFeatures {
        features,
        webhooks,
        operations,
        types,
    })
}

/// A Cargo feature name for `tag`: kebab-case ASCII (`Pet Store` → `pet-store`), `tag-…`
/// when nothing of it is left or it starts with a digit.
pub fn feature_name(tag: &str) -> String {
    let kebab = heck::ToKebabCase::to_kebab_case(tag);
    let mut name = String::new();
    for c in kebab.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_owned();
    if name.is_empty() {
        "tag".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("tag-{name}")
    } else {
        name
    }
}

/// Every named type an operation's items mention.
fn operation_types(op: &Operation) -> Vec<&str> {
    let mut out = Vec::new();
    sent_types(op, &mut out);
    received_types(op, &mut out);
    out
}

/// What gates a type: always on, or these features.
#[derive(Debug, Clone, PartialEq)]
enum Gate {
    Always,
    Features(BTreeSet<String>),
}

fn type_gates(
    model: &Model,
    operations: &HashMap<String, Vec<String>>,
    webhooks: Option<&str>,
) -> HashMap<String, Vec<String>> {
    let graph = references(model);
    let mut gates: HashMap<&str, Gate> = HashMap::new();
    let mut queue: VecDeque<(&str, Option<&Vec<String>>)> = VecDeque::new();
    for op in &model.operations {
        let gate = operations.get(&op.method_name);
        for name in operation_types(op) {
            queue.push_back((name, gate));
        }
    }
    let webhooks = webhooks.map(|feature| vec![feature.to_owned()]);
    if let Some(feature) = &webhooks {
        for name in &model.webhook_payloads {
            queue.push_back((name, Some(feature)));
        }
    }
    spread(&graph, &mut gates, &mut queue);
    // What neither an operation nor a webhook reaches is always compiled, and so is everything
    // it holds.
    for def in &model.types {
        if !gates.contains_key(def.name.as_str()) {
            queue.push_back((def.name.as_str(), None));
        }
    }
    spread(&graph, &mut gates, &mut queue);
    gates
        .into_iter()
        .filter_map(|(name, gate)| match gate {
            Gate::Always => None,
            Gate::Features(features) => Some((name.to_owned(), features.into_iter().collect())),
        })
        .collect()
}

/// Widens the gate of each queued type by the features it is reached with (`None`: always),
/// and passes whatever widened on to the types it refers to.
fn spread<'m>(
    graph: &BTreeMap<&'m str, Vec<&'m str>>,
    gates: &mut HashMap<&'m str, Gate>,
    queue: &mut VecDeque<(&'m str, Option<&'m Vec<String>>)>,
) {
    while let Some((name, features)) = queue.pop_front() {
        let gate = gates
            .entry(name)
            .or_insert_with(|| Gate::Features(BTreeSet::new()));
        let widened = match (gate, features) {
            (Gate::Always, _) => false,
            (gate, None) => {
                *gate = Gate::Always;
                true
            }
            (Gate::Features(set), Some(features)) => {
                let before = set.len();
                set.extend(features.iter().cloned());
                set.len() > before
            }
        };
        if widened {
            for target in graph.get(name).into_iter().flatten() {
                queue.push_back((target, features));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        let spec = crate::load::load_str(std::path::Path::new("t.yaml"), text).unwrap();
        crate::model_of(&spec).unwrap().0
    }

    const SPEC: &str = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [Pet Store]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
  /users:
    get:
      operationId: listUsers
      tags: [users, Pet Store]
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/User'}}}
  /health:
    get:
      operationId: health
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Health'}}}
components:
  schemas:
    Pet: {type: object, properties: {owner: {$ref: '#/components/schemas/User'}}}
    User: {type: object, properties: {name: {type: string}, badge: {$ref: '#/components/schemas/Badge'}}}
    Badge: {type: object, properties: {id: {type: string}}}
    Health: {type: object, properties: {badge: {$ref: '#/components/schemas/Badge'}}}
    Orphan: {type: object, properties: {pet: {$ref: '#/components/schemas/Pet'}}}
    Lonely: {type: object, properties: {x: {type: string}}}
";

    #[test]
    fn operations_and_the_types_they_reach_are_gated_by_their_tags() {
        let features = tag_features(&model(SPEC)).unwrap();
        assert_eq!(
            features.features,
            [
                ("pet-store".to_owned(), "Pet Store".to_owned()),
                ("users".to_owned(), "users".to_owned())
            ]
        );
        let op = |name: &str| features.operations.get(name).cloned();
        assert_eq!(op("list_pets"), Some(vec!["pet-store".to_owned()]));
        assert_eq!(
            op("list_users"),
            Some(vec!["pet-store".to_owned(), "users".to_owned()])
        );
        assert_eq!(op("health"), None);
        let ty = |name: &str| features.types.get(name).cloned();
        // Badge is reached by the untagged `health` too: always on.
        assert_eq!(ty("Badge"), None);
        assert_eq!(ty("Health"), None);
        // Pet is held by a type no operation reaches, which is always on: so is Pet, and the
        // User it holds.
        assert_eq!(ty("Pet"), None);
        assert_eq!(ty("User"), None);
        assert_eq!(ty("Orphan"), None);
        assert_eq!(ty("Lonely"), None);
    }

    #[test]
    fn a_type_reached_by_one_tag_is_gated_by_it_alone() {
        let spec = SPEC.replace(
            "    Orphan: {type: object, properties: {pet: {$ref: '#/components/schemas/Pet'}}}\n",
            "",
        );
        let features = tag_features(&model(&spec)).unwrap();
        let ty = |name: &str| features.types.get(name).cloned();
        assert_eq!(ty("Pet"), Some(vec!["pet-store".to_owned()]));
        // Reached by `list_users` (both tags) and through Pet.
        assert_eq!(
            ty("User"),
            Some(vec!["pet-store".to_owned(), "users".to_owned()])
        );
    }

    /// [`SPEC`] without `Orphan`, with webhooks: one whose payload is a component schema that
    /// holds `Pet` and a type nothing else reaches, one with an inline payload.
    fn with_webhooks(spec: &str) -> String {
        spec.replace(
            "    Orphan: {type: object, properties: {pet: {$ref: '#/components/schemas/Pet'}}}\n",
            "    Event: {type: object, properties: {pet: {$ref: '#/components/schemas/Pet'}, extra: {$ref: '#/components/schemas/Extra'}}}\n    Extra: {type: object, properties: {y: {type: string}}}\n",
        ) + "x-webhooks:
  petEvent:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Event'}}}
      responses: {'200': {description: ok}}
  adopted:
    post:
      operationId: petAdopted
      requestBody:
        content: {application/json: {schema: {type: object, properties: {at: {type: string}}}}}
      responses: {'200': {description: ok}}
"
    }

    #[test]
    fn webhook_payloads_and_what_only_they_reach_have_the_webhooks_feature() {
        let model = model(&with_webhooks(SPEC));
        assert_eq!(model.webhook_payloads, ["Event", "PetAdoptedPayload"]);
        let features = tag_features(&model).unwrap();
        assert_eq!(features.webhooks.as_deref(), Some("webhooks"));
        let ty = |name: &str| features.types.get(name).cloned();
        let list = |names: &[&str]| Some(names.iter().map(|n| (*n).to_owned()).collect());
        assert_eq!(ty("Event"), list(&["webhooks"]));
        assert_eq!(ty("Extra"), list(&["webhooks"]));
        assert_eq!(ty("PetAdoptedPayload"), list(&["webhooks"]));
        // Reached by operations and by a webhook: compiled with either.
        assert_eq!(ty("Pet"), list(&["pet-store", "webhooks"]));
        assert_eq!(ty("User"), list(&["pet-store", "users", "webhooks"]));
        // Reached by the untagged `health`, or by nothing: always on, as before.
        assert_eq!(ty("Badge"), None);
        assert_eq!(ty("Lonely"), None);
        // The tags' features are what they are without webhooks.
        assert_eq!(
            features.features,
            tag_features(&self::model(SPEC)).unwrap().features
        );
    }

    #[test]
    fn a_tag_named_webhooks_keeps_its_feature_name() {
        let spec = with_webhooks(SPEC).replace("tags: [Pet Store]", "tags: [webhooks]");
        let features = tag_features(&model(&spec)).unwrap();
        assert!(
            features
                .features
                .contains(&("webhooks".to_owned(), "webhooks".to_owned()))
        );
        assert_eq!(features.webhooks.as_deref(), Some("webhooks2"));
        assert_eq!(
            features.types.get("Extra").cloned(),
            Some(vec!["webhooks2".to_owned()])
        );
    }

    #[test]
    fn webhooks_without_tags_still_have_their_feature() {
        let spec = with_webhooks(SPEC)
            .replace("      tags: [Pet Store]\n", "")
            .replace("      tags: [users, Pet Store]\n", "");
        let features = tag_features(&model(&spec)).unwrap();
        assert!(features.features.is_empty());
        assert!(features.operations.is_empty());
        assert_eq!(features.webhooks.as_deref(), Some("webhooks"));
        assert_eq!(
            features.types.get("Event").cloned(),
            Some(vec!["webhooks".to_owned()])
        );
        // Reached by the (untagged, so always compiled) operations.
        assert_eq!(features.types.get("Pet"), None);
    }

    #[test]
    fn no_tags_no_features() {
        let spec = SPEC
            .replace("      tags: [Pet Store]\n", "")
            .replace("      tags: [users, Pet Store]\n", "");
        assert_eq!(tag_features(&model(&spec)), None);
    }

    #[test]
    fn feature_names_are_cargo_names() {
        assert_eq!(feature_name("Pet Store"), "pet-store");
        assert_eq!(feature_name("repos/contents"), "repos-contents");
        assert_eq!(feature_name("2fa"), "tag-2fa");
        assert_eq!(feature_name("ÄÖ"), "tag");
        assert_eq!(feature_name("Meta_Studio"), "meta-studio");
        let gates = tag_features(&model(
            &SPEC.replace("tags: [users, Pet Store]", "tags: [default, multipart]"),
        ))
        .unwrap();
        let names: Vec<&str> = gates.features.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(names, ["default2", "multipart2", "pet-store"]);
    }
}
