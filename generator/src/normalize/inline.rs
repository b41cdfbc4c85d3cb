//! References to objects that are not components, resolved by copying.
//!
//! OpenAPI 3.0 lets a parameter, response, header, request body, example, link or callback be
//! a `$ref` to its section of `#/components`; bundlers (and hand-written specs) also point such
//! references at the first place the object was written, inside another operation:
//! `$ref: '#/paths/~1v2~1keys/get/parameters/0'`, `'#/paths/~1a/get/responses/200/headers/x'`.
//! The meaning is certain (the object written there), so each such reference is replaced by a
//! copy of its target, before anything else reads the document. A target of another kind (a
//! parameter reference to a schema) is left for validation to report. Schemas and path items
//! are not copied: a schema reference may point at any schema, and path items have their own
//! rules.

use super::Moves;
use crate::diagnostic::join;
use crate::locate::pointer_tokens;
use crate::refs::{self, Kind};
use serde_json::Value;
use std::collections::HashMap;

/// Copies of copies (a copied response whose header is such a reference too) are resolved in
/// further rounds; a chain longer than this is left for validation to report.
const MAX_ROUNDS: usize = 8;

/// Replaces every local reference to a non-component object of its kind by a copy of it; the
/// moves say where each copy came from.
pub(super) fn apply(document: &mut Value) -> Moves {
    let mut moves = Moves::default();
    for _ in 0..MAX_ROUNDS {
        if !round(document, &mut moves) {
            break;
        }
    }
    moves
}

/// One pass over the document's references; whether anything was copied.
fn round(document: &mut Value, moves: &mut Moves) -> bool {
    let candidates: Vec<(refs::Site, Kind, String)> = refs::sites(document)
        .into_iter()
        .filter_map(|site| {
            let kind = site.kind.filter(|kind| copied(*kind))?;
            if site.mapping {
                return None;
            }
            let target = outside_components(site.reference.as_deref()?)?;
            Some((site, kind, target))
        })
        .collect();
    if candidates.is_empty() {
        return false;
    }
    // What kind of object stands at each place, to copy only a target of the site's kind.
    let mut kinds: HashMap<String, Kind> = refs::objects(document).into_iter().collect();
    for site in refs::sites(document) {
        if let Some(kind) = site.kind {
            kinds.insert(site.at, kind);
        }
    }
    let mut changed = false;
    for (site, kind, target) in candidates {
        if kinds.get(&target) != Some(&kind) || contains(&target, &site.at) {
            continue;
        }
        let Some(Value::Object(content)) =
            document.pointer(target.trim_start_matches('#')).cloned()
        else {
            continue;
        };
        let Some(Value::Object(slot)) = document.pointer_mut(site.at.trim_start_matches('#'))
        else {
            continue;
        };
        let mut content = content;
        for (key, sibling) in slot.iter() {
            if key != "$ref" && !content.contains_key(key) {
                content.insert(key.clone(), sibling.clone());
            }
        }
        *slot = content;
        moves.record(site.at, target);
        changed = true;
    }
    changed
}

/// The kinds whose references must name a component and so are copied when they do not.
fn copied(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Parameter
            | Kind::RequestBody
            | Kind::Response
            | Kind::Header
            | Kind::Example
            | Kind::Link
            | Kind::Callback
    )
}

/// The target of a local reference that is not a component entry
/// (`#/components/<section>/<name>`), written as our pointers are.
fn outside_components(reference: &str) -> Option<String> {
    if !reference.starts_with("#/") {
        return None;
    }
    let tokens = pointer_tokens(reference)?;
    if tokens.len() == 3 && tokens[0] == "components" {
        return None;
    }
    Some(
        tokens
            .iter()
            .fold("#".to_owned(), |at, token| join(&at, token)),
    )
}

/// Whether `inner` is `outer` or inside it: copying `outer` there would copy the reference too.
fn contains(outer: &str, inner: &str) -> bool {
    inner == outer
        || inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_into_operations_become_copies() {
        let mut document = json!({
            "openapi": "3.0.3",
            "paths": {
                "/a/{id}": {
                    "get": {
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "responses": {"404": {"description": "missing", "headers": {"x-rate": {"schema": {"type": "integer"}}}}}
                    },
                    "delete": {
                        "parameters": [{"$ref": "#/paths/~1a~1{id}/get/parameters/0"}],
                        "responses": {
                            "404": {"$ref": "#/paths/~1a~1{id}/get/responses/404"},
                            "204": {"description": "gone", "headers": {"x-rate": {"$ref": "#/paths/~1a~1{id}/get/responses/404/headers/x-rate"}}}
                        }
                    }
                }
            }
        });
        let moves = apply(&mut document);
        let delete = &document["paths"]["/a/{id}"]["delete"];
        assert_eq!(delete["parameters"][0]["name"], "id");
        assert_eq!(delete["responses"]["404"]["description"], "missing");
        assert_eq!(
            delete["responses"]["204"]["headers"]["x-rate"]["schema"]["type"],
            "integer"
        );
        assert_eq!(
            moves.origin("#/paths/~1a~1{id}/delete/parameters/0/schema"),
            "#/paths/~1a~1{id}/get/parameters/0/schema"
        );
    }

    #[test]
    fn components_other_kinds_and_self_references_stay() {
        let mut document = json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {
                "parameters": [
                    {"$ref": "#/components/parameters/P"},
                    {"$ref": "#/paths/~1a/get/responses/200"}
                ],
                "responses": {"200": {"description": "ok", "headers": {"h": {"$ref": "#/paths/~1a/get/responses/200"}}}}
            }}},
            "components": {"parameters": {"P": {"name": "p", "in": "query"}}}
        });
        let before = document.clone();
        let moves = apply(&mut document);
        assert_eq!(document, before);
        assert!(moves.is_empty());
    }
}
