//! One test per rule: the output JSON, where moved parts came from, and the warnings.

use super::*;
use serde_json::json;

fn document(extra: Value) -> Value {
    let mut document = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}});
    if let (Value::Object(document), Value::Object(extra)) = (&mut document, extra) {
        document.extend(extra);
    }
    document
}

fn with_schemas(schemas: Value) -> Converted {
    convert(document(json!({"components": {"schemas": schemas}})))
}

fn at<'v>(converted: &'v Converted, pointer: &str) -> &'v Value {
    value_at(&converted.document, pointer)
        .unwrap_or_else(|| panic!("nothing at {pointer} in {:#}", converted.document))
}

fn messages(converted: &Converted) -> Vec<(&str, &str)> {
    converted
        .warnings
        .iter()
        .map(|w| (w.pointer.as_str(), w.message.as_str()))
        .collect()
}

const S: &str = "#/components/schemas";

// ---- type lists ----

#[test]
fn a_type_list_with_null_is_the_type_and_nullable() {
    let c = with_schemas(json!({"A": {"type": ["string", "null"], "maxLength": 3}}));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"type": "string", "nullable": true, "maxLength": 3})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/nullable")),
        format!("{S}/A/type")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/type")),
        format!("{S}/A/type/0")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/maxLength")),
        format!("{S}/A/maxLength")
    );
    assert!(c.warnings.is_empty());
}

#[test]
fn several_types_are_a_union_each_with_its_own_constraints() {
    let c = with_schemas(json!({"A": {
        "description": "d",
        "type": ["integer", "string", "array", "null"],
        "minimum": 1, "maxLength": 5, "format": "int64", "items": {"type": "boolean"},
        "minProperties": 2
    }}));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({
            "description": "d",
            "nullable": true,
            "anyOf": [
                {"type": "integer", "minimum": 1, "format": "int64"},
                {"type": "string", "maxLength": 5},
                {"type": "array", "items": {"type": "boolean"}}
            ]
        })
    );
    // Each branch was made from the schema; its keywords keep their places.
    assert_eq!(c.moves.origin(&format!("{S}/A/anyOf/1")), format!("{S}/A"));
    assert_eq!(
        c.moves.origin(&format!("{S}/A/anyOf/1/maxLength")),
        format!("{S}/A/maxLength")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/anyOf/1/type")),
        format!("{S}/A/type/1")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/anyOf/2/items/type")),
        format!("{S}/A/items/type")
    );
}

#[test]
fn number_covers_integer_and_an_enum_narrows_the_types() {
    let c = with_schemas(json!({
        "A": {"type": ["integer", "number"]},
        "B": {"type": ["string", "integer"], "enum": ["x", "y"]},
        "C": {"type": ["string", "integer"], "enum": ["x", 2]},
    }));
    assert_eq!(at(&c, "#/components/schemas/A"), &json!({"type": "number"}));
    assert_eq!(
        at(&c, "#/components/schemas/B"),
        &json!({"type": "string", "enum": ["x", "y"]})
    );
    assert_eq!(
        at(&c, "#/components/schemas/C/anyOf"),
        &json!([{"type": "string", "enum": ["x"]}, {"type": "integer", "enum": [2]}])
    );
}

#[test]
fn type_null_alone_admits_only_null() {
    let c = with_schemas(json!({"A": {"type": "null", "description": "nothing"}}));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"description": "nothing", "nullable": true, "enum": [null]})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/enum")),
        format!("{S}/A/type")
    );
}

#[test]
fn a_type_list_next_to_any_of_goes_into_all_of() {
    let c = with_schemas(json!({"A": {
        "type": ["string", "integer"],
        "anyOf": [{"minLength": 1}, {"minimum": 1}]
    }}));
    let a = at(&c, "#/components/schemas/A");
    assert_eq!(a["anyOf"], json!([{"minLength": 1}, {"minimum": 1}]));
    assert_eq!(
        a["allOf"],
        json!([{"anyOf": [{"type": "string"}, {"type": "integer"}]}])
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/allOf/0/anyOf/1")),
        format!("{S}/A")
    );
}

// ---- unions with null ----

#[test]
fn any_of_a_schema_and_null_is_that_schema_nullable() {
    // As FastAPI writes `Optional[str]` with a constraint.
    let c = with_schemas(json!({"A": {
        "anyOf": [{"type": "string", "maxLength": 3, "description": "inner"}, {"type": "null"}],
        "title": "A", "description": "outer", "default": null
    }}));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({
            "title": "A", "description": "outer", "default": null, "nullable": true,
            "type": "string", "maxLength": 3
        })
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/maxLength")),
        format!("{S}/A/anyOf/0/maxLength")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/type")),
        format!("{S}/A/anyOf/0/type")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/nullable")),
        format!("{S}/A/anyOf/1")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/title")),
        format!("{S}/A/title")
    );
}

#[test]
fn a_nullable_reference_is_wrapped_in_all_of() {
    let c = with_schemas(json!({
        "B": {"type": "string"},
        "A": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/B"}], "description": "d"}
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({
            "description": "d", "nullable": true,
            "allOf": [{"$ref": "#/components/schemas/B"}]
        })
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/allOf/0")),
        format!("{S}/A/oneOf/1")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/allOf/0/$ref")),
        format!("{S}/A/oneOf/1/$ref")
    );
}

#[test]
fn several_schemas_and_null_are_their_union_nullable() {
    let c = with_schemas(json!({"A": {
        "anyOf": [{"type": "string"}, {"type": "null"}, {"type": "integer"}]
    }}));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"nullable": true, "anyOf": [{"type": "string"}, {"type": "integer"}]})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/anyOf/1")),
        format!("{S}/A/anyOf/2")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/anyOf/1/type")),
        format!("{S}/A/anyOf/2/type")
    );
}

#[test]
fn a_schema_that_constrains_keeps_the_branch_apart() {
    // Merging would let `additionalProperties: false` see the branch's properties.
    let c = with_schemas(json!({"A": {
        "additionalProperties": false,
        "anyOf": [{"properties": {"x": {"type": "string"}}}, {"type": "null"}]
    }}));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({
            "additionalProperties": false, "nullable": true,
            "allOf": [{"properties": {"x": {"type": "string"}}}]
        })
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/allOf/0")),
        format!("{S}/A/anyOf/0")
    );
}

#[test]
fn only_null_or_anything_with_null() {
    let c = with_schemas(json!({
        "A": {"anyOf": [{"type": "null"}]},
        "B": {"anyOf": [true, {"type": "null"}]},
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"nullable": true, "enum": [null]})
    );
    assert_eq!(at(&c, "#/components/schemas/B"), &json!({"nullable": true}));
}

// ---- const, examples, bounds ----

#[test]
fn const_is_a_one_value_enum_typed_from_its_value() {
    let c = with_schemas(json!({
        "A": {"const": "circle"},
        "B": {"const": 2},
        "C": {"type": "string", "const": "x", "enum": ["x", "y"]},
        "D": {"const": null},
        "E": {"const": 1.5},
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"enum": ["circle"], "type": "string"})
    );
    assert_eq!(at(&c, "#/components/schemas/B/type"), &json!("integer"));
    assert_eq!(
        at(&c, "#/components/schemas/C"),
        &json!({"type": "string", "enum": ["x"]})
    );
    assert_eq!(
        at(&c, "#/components/schemas/D"),
        &json!({"nullable": true, "enum": [null]})
    );
    assert_eq!(at(&c, "#/components/schemas/E/type"), &json!("number"));
    assert_eq!(
        c.moves.origin(&format!("{S}/A/enum")),
        format!("{S}/A/const")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/type")),
        format!("{S}/A/const")
    );
}

#[test]
fn the_first_of_a_schemas_examples_is_its_example() {
    let c = convert(document(json!({
        "paths": {"/a": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {
                "schema": {"type": "string", "examples": ["one", "two"]},
                "examples": {"first": {"value": "one"}}
            }}
        }}}}},
        "components": {"schemas": {
            "A": {"type": "integer", "example": 1, "examples": [2]},
            "B": {"type": "integer", "examples": {"not": "a list"}}
        }}
    })));
    let media = "#/paths/~1a/get/responses/200/content/application~1json";
    assert_eq!(
        at(&c, &format!("{media}/schema")),
        &json!({"type": "string", "example": "one"})
    );
    assert_eq!(
        c.moves.origin(&format!("{media}/schema/example")),
        format!("{media}/schema/examples/0")
    );
    // A media type's `examples` map stays.
    assert_eq!(
        at(&c, &format!("{media}/examples")),
        &json!({"first": {"value": "one"}})
    );
    // An `example` already there wins.
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"type": "integer", "example": 1})
    );
    assert_eq!(
        messages(&c),
        [(
            "#/components/schemas/B/examples",
            "`examples` in a schema is a list of values; this one is not, so it is left out"
        )]
    );
}

#[test]
fn numeric_exclusive_bounds_are_3_0_bounds_and_flags() {
    let c = with_schemas(json!({
        "A": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
        "B": {"type": "number", "minimum": 5, "exclusiveMinimum": 3},
        "C": {"type": "number", "minimum": 2, "exclusiveMinimum": 3, "maximum": 9, "exclusiveMaximum": 9},
        "D": {"type": "number", "minimum": 1, "exclusiveMinimum": true},
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true})
    );
    // The inclusive bound is tighter: it stays, alone.
    assert_eq!(
        at(&c, "#/components/schemas/B"),
        &json!({"type": "number", "minimum": 5})
    );
    assert_eq!(
        at(&c, "#/components/schemas/C"),
        &json!({"type": "number", "minimum": 3, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": true})
    );
    // 3.0's boolean form passes through.
    assert_eq!(
        at(&c, "#/components/schemas/D"),
        &json!({"type": "number", "minimum": 1, "exclusiveMinimum": true})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/minimum")),
        format!("{S}/A/exclusiveMinimum")
    );
}

// ---- $ref ----

#[test]
fn a_ref_with_siblings_is_all_of_the_ref_beside_them() {
    let c = with_schemas(json!({
        "Name": {"type": "string"},
        "A": {"type": "object", "properties": {
            "described": {"$ref": "#/components/schemas/Name", "description": "d", "maxLength": 9},
            "bare": {"$ref": "#/components/schemas/Name"},
            "commented": {"$ref": "#/components/schemas/Name", "$comment": "c"},
            "more": {"$ref": "#/components/schemas/Name", "allOf": [{"minLength": 1}], "nullable": true}
        }}
    }));
    let p = "#/components/schemas/A/properties";
    assert_eq!(
        at(&c, &format!("{p}/described")),
        &json!({"description": "d", "maxLength": 9, "allOf": [{"$ref": "#/components/schemas/Name"}]})
    );
    assert_eq!(
        at(&c, &format!("{p}/bare")),
        &json!({"$ref": "#/components/schemas/Name"})
    );
    assert_eq!(
        at(&c, &format!("{p}/commented")),
        &json!({"$ref": "#/components/schemas/Name"})
    );
    assert_eq!(
        at(&c, &format!("{p}/more/allOf")),
        &json!([{"$ref": "#/components/schemas/Name"}, {"minLength": 1}])
    );
    assert_eq!(
        c.moves.origin(&format!("{p}/described/allOf/0")),
        format!("{p}/described")
    );
    assert_eq!(
        c.moves.origin(&format!("{p}/described/allOf/0/$ref")),
        format!("{p}/described/$ref")
    );
    assert_eq!(
        c.moves.origin(&format!("{p}/more/allOf/1")),
        format!("{p}/more/allOf/0")
    );
    assert!(c.warnings.is_empty());
}

#[test]
fn references_outside_schemas_keep_only_the_ref() {
    let c = convert(document(json!({
        "paths": {"/a": {"get": {
            "parameters": [{"$ref": "#/components/parameters/P", "description": "d"}],
            "responses": {"200": {"$ref": "#/components/responses/R", "summary": "s"}}
        }}},
        "components": {
            "parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "string"}}},
            "responses": {"R": {"description": "r"}}
        }
    })));
    assert_eq!(
        at(&c, "#/paths/~1a/get/parameters/0"),
        &json!({"$ref": "#/components/parameters/P"})
    );
    assert_eq!(
        at(&c, "#/paths/~1a/get/responses/200"),
        &json!({"$ref": "#/components/responses/R"})
    );
}

// ---- $defs, $anchor, $id ----

#[test]
fn defs_are_hoisted_into_components_and_references_follow() {
    let c = with_schemas(json!({
        "X": {
            "type": "object",
            "$defs": {
                "Y": {"type": "object", "$defs": {"Z": {"type": "integer"}},
                      "properties": {"z": {"$ref": "#/components/schemas/X/$defs/Y/$defs/Z"}}}
            },
            "properties": {"y": {"$ref": "#/components/schemas/X/$defs/Y"}}
        },
        "X_Y": {"type": "boolean"}
    }));
    assert_eq!(
        at(&c, "#/components/schemas/X"),
        &json!({"type": "object", "properties": {"y": {"$ref": "#/components/schemas/X_Y_2"}}})
    );
    assert_eq!(
        at(&c, "#/components/schemas/X_Y_2"),
        &json!({"type": "object", "properties": {"z": {"$ref": "#/components/schemas/X_Y_Z"}}})
    );
    assert_eq!(
        at(&c, "#/components/schemas/X_Y_Z"),
        &json!({"type": "integer"})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/X_Y_2")),
        format!("{S}/X/$defs/Y")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/X_Y_Z/type")),
        format!("{S}/X/$defs/Y/$defs/Z/type")
    );
    assert!(c.warnings.is_empty());
}

#[test]
fn defs_outside_components_are_hoisted_by_their_name() {
    let c = convert(document(json!({
        "paths": {"/a": {"get": {"responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {
                "$defs": {"Row": {"type": "string"}},
                "type": "array",
                "items": {"$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema/$defs/Row"}
            }}}
        }}}}}
    })));
    let schema = "#/paths/~1a/get/responses/200/content/application~1json/schema";
    assert_eq!(
        at(&c, schema),
        &json!({"type": "array", "items": {"$ref": "#/components/schemas/Row"}})
    );
    assert_eq!(
        at(&c, "#/components/schemas/Row"),
        &json!({"type": "string"})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/Row")),
        format!("{schema}/$defs/Row")
    );
}

#[test]
fn anchors_and_ids_are_resolved_and_their_schemas_hoisted() {
    let c = with_schemas(json!({
        "Holder": {"type": "object", "properties": {
            "address": {"$anchor": "address", "type": "object", "properties": {"city": {"type": "string"}}},
            "customer": {
                "$id": "https://example.com/customer",
                "type": "object",
                "properties": {
                    "email": {"type": "string"},
                    "home": {"$ref": "#address"},
                    "copy": {"$ref": "#/properties/email"},
                    "part": {"$id": "parts/part.json", "type": "integer"},
                    "part_again": {"$ref": "parts/part.json"}
                }
            }
        }},
        "User": {"type": "object", "properties": {
            "address": {"$ref": "#address"},
            "customer": {"$ref": "https://example.com/customer"},
            "email": {"$ref": "https://example.com/customer#/properties/email"}
        }}
    }));
    let user = at(&c, "#/components/schemas/User/properties");
    assert_eq!(
        user["address"],
        json!({"$ref": "#/components/schemas/address"})
    );
    assert_eq!(
        user["customer"],
        json!({"$ref": "#/components/schemas/customer"})
    );
    assert_eq!(
        user["email"],
        json!({"$ref": "#/components/schemas/Holder_customer_email"})
    );
    // Where the named schemas were, references to their new places.
    assert_eq!(
        at(&c, "#/components/schemas/Holder/properties/address"),
        &json!({"$ref": "#/components/schemas/address"})
    );
    let customer = at(&c, "#/components/schemas/customer/properties");
    assert_eq!(
        customer["home"],
        json!({"$ref": "#/components/schemas/address"})
    );
    assert_eq!(
        customer["copy"],
        json!({"$ref": "#/components/schemas/Holder_customer_email"})
    );
    // `parts/part.json` is resolved against the enclosing `$id`.
    assert_eq!(
        customer["part_again"],
        json!({"$ref": "#/components/schemas/part"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/part"),
        &json!({"type": "integer"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/address"),
        &json!({"type": "object", "properties": {"city": {"type": "string"}}})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/address/properties/city")),
        format!("{S}/Holder/properties/address/properties/city")
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn pointers_into_other_schemas_are_hoisted() {
    let c = convert(document(json!({
        "paths": {"/a": {"$ref": "#/components/pathItems/P"}},
        "components": {
            "pathItems": {"P": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "object",
                    "properties": {"id": {"type": "integer", "minimum": 1}}}}}}}}}},
            "schemas": {
                "A": {"type": "object", "properties": {
                    "inner": {"type": "object", "properties": {"x": {"type": "string"}}}
                }},
                "B": {"type": "object", "properties": {
                    "inner": {"$ref": "#/components/schemas/A/properties/inner"},
                    "id": {"$ref": "#/components/pathItems/P/get/responses/200/content/application~1json/schema/properties/id"}
                }}
            }
        }
    })));
    let b = at(&c, "#/components/schemas/B/properties");
    assert_eq!(b["inner"], json!({"$ref": "#/components/schemas/A_inner"}));
    assert_eq!(
        b["id"],
        json!({"$ref": "#/components/schemas/P_get_200_application_json_id"})
    );
    // The schemas now live in components, and their old places refer to them.
    assert_eq!(
        at(&c, "#/components/schemas/A/properties/inner"),
        &json!({"$ref": "#/components/schemas/A_inner"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/P_get_200_application_json_id"),
        &json!({"type": "integer", "minimum": 1})
    );
    assert_eq!(
        at(
            &c,
            "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/id"
        ),
        &json!({"$ref": "#/components/schemas/P_get_200_application_json_id"})
    );
    assert_eq!(
        c.moves.origin("#/components/schemas/A_inner/properties/x"),
        "#/components/schemas/A/properties/inner/properties/x"
    );
}

#[test]
fn an_unresolvable_path_item_reference_is_kept_and_explained() {
    let c = convert(document(
        json!({"paths": {"/a": {"$ref": "#/components/pathItems/Nope"}}}),
    ));
    assert_eq!(
        at(&c, "#/paths/~1a"),
        &json!({"$ref": "#/components/pathItems/Nope"})
    );
    assert_eq!(
        messages(&c),
        [(
            "#/paths/~1a/$ref",
            "`$ref: #/components/pathItems/Nope` does not resolve in this document, so it cannot \
             be written inline"
        )]
    );
}

#[test]
fn an_unknown_anchor_is_reported_and_kept() {
    let c = with_schemas(json!({"A": {"$ref": "#nowhere"}}));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"$ref": "#nowhere"})
    );
    assert_eq!(
        messages(&c),
        [(
            "#/components/schemas/A/$ref",
            "`$ref: #nowhere` names no `$anchor` or `$id` of this document"
        )]
    );
}

#[test]
fn discriminator_mappings_follow_hoisted_schemas() {
    let c = with_schemas(json!({
        "Pet": {
            "$defs": {"Cat": {"type": "object"}},
            "oneOf": [{"$ref": "#/components/schemas/Pet/$defs/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {
                "cat": "#/components/schemas/Pet/$defs/Cat", "dog": "Dog"
            }}
        },
        "Dog": {"type": "object"}
    }));
    assert_eq!(
        at(&c, "#/components/schemas/Pet/discriminator/mapping"),
        &json!({"cat": "#/components/schemas/Pet_Cat", "dog": "Dog"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/Pet/oneOf/0"),
        &json!({"$ref": "#/components/schemas/Pet_Cat"})
    );
}

// ---- arrays, content, booleans ----

#[test]
fn prefix_items_are_kept_for_tuples() {
    let c = with_schemas(json!({
        "Unit": {"type": "string"},
        "A": {"prefixItems": [{"type": "number"}, {"$ref": "#/components/schemas/Unit"}]},
        "B": {"type": "array", "prefixItems": [{"type": ["string", "null"]}], "items": {"type": "integer"}},
        "C": {"type": "array", "items": [{"type": "string"}], "additionalItems": false},
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({
            "x-prefix-items": [{"type": "number"}, {"$ref": "#/components/schemas/Unit"}],
            "items": {}, "type": "array"
        })
    );
    assert_eq!(
        at(&c, "#/components/schemas/B"),
        &json!({
            "type": "array", "items": {"type": "integer"},
            "x-prefix-items": [{"type": "string", "nullable": true}]
        })
    );
    // The form before JSON Schema 2020-12.
    assert_eq!(
        at(&c, "#/components/schemas/C"),
        &json!({"type": "array", "x-prefix-items": [{"type": "string"}], "items": {"not": {}}})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/x-prefix-items/1")),
        format!("{S}/A/prefixItems/1")
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/B/x-prefix-items/0/nullable")),
        format!("{S}/B/prefixItems/0/type")
    );
}

#[test]
fn content_encoding_and_media_type_become_formats() {
    let c = with_schemas(json!({
        "A": {"type": "string", "contentEncoding": "base64"},
        "B": {"type": "string", "contentMediaType": "application/octet-stream"},
        "C": {"contentMediaType": "image/png"},
        "D": {"type": "string", "contentMediaType": "application/json"},
        "E": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"},
        "F": {"type": "string", "format": "binary"},
        "G": {"type": "integer", "contentMediaType": "image/png"},
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"type": "string", "format": "byte"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/B"),
        &json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/C"),
        &json!({"type": "string", "format": "binary"})
    );
    assert_eq!(at(&c, "#/components/schemas/D"), &json!({"type": "string"}));
    assert_eq!(
        at(&c, "#/components/schemas/E"),
        &json!({"type": "string", "format": "byte"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/F"),
        &json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/G"),
        &json!({"type": "integer"})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/format")),
        format!("{S}/A/contentEncoding")
    );
}

#[test]
fn boolean_schemas_are_objects_wherever_a_schema_stands() {
    let c = convert(document(json!({
        "paths": {"/a": {"post": {
            "requestBody": {"content": {"application/json": {"schema": false}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": true}}}}
        }}},
        "components": {"schemas": {
            "A": true,
            "B": {"properties": {"x": false, "y": true}, "items": true, "allOf": [true],
                  "additionalProperties": false},
        }}
    })));
    assert_eq!(at(&c, "#/components/schemas/A"), &json!({}));
    assert_eq!(
        at(&c, "#/components/schemas/B"),
        &json!({"properties": {"x": {"not": {}}, "y": {}}, "items": {}, "allOf": [{}],
                "additionalProperties": false})
    );
    assert_eq!(
        at(
            &c,
            "#/paths/~1a/post/requestBody/content/application~1json/schema"
        ),
        &json!({"not": {}})
    );
    assert_eq!(
        at(
            &c,
            "#/paths/~1a/post/responses/200/content/application~1json/schema"
        ),
        &json!({})
    );
}

// ---- keywords 3.0 cannot type ----

#[test]
fn untypable_keywords_are_dropped_with_a_warning_each() {
    let c = with_schemas(json!({"A": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {},
        "dependentSchemas": {"a": {}}, "dependentRequired": {"a": ["b"]},
        "propertyNames": {"maxLength": 3},
        "allOf": [{"required": ["a"]}],
        "unevaluatedProperties": false,
        "patternProperties": {"^x": {"type": "integer"}},
        "$dynamicAnchor": "meta",
        "$comment": "quiet", "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$vocabulary": {}, "deprecated": true
    }, "B": {"type": "array", "contains": {"type": "string"}, "minContains": 2,
             "items": {"$dynamicRef": "#meta", "description": "d"}},
       "C": {"type": "object", "patternProperties": {"^x": {}}, "additionalProperties": {"type": "string"}}
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({
            "type": "object", "properties": {"a": {"type": "string"}},
            "allOf": [{"required": ["a"]}], "deprecated": true, "additionalProperties": true
        })
    );
    assert_eq!(
        at(&c, "#/components/schemas/B"),
        &json!({"type": "array", "items": {"description": "d"}})
    );
    // `additionalProperties` already given stays as it is.
    assert_eq!(
        at(&c, "#/components/schemas/C/additionalProperties"),
        &json!({"type": "string"})
    );
    let pointers: Vec<&str> = c.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "#/components/schemas/A/$dynamicAnchor",
            "#/components/schemas/A/dependentRequired",
            "#/components/schemas/A/dependentSchemas",
            "#/components/schemas/A/else",
            "#/components/schemas/A/if",
            "#/components/schemas/A/patternProperties",
            "#/components/schemas/A/propertyNames",
            "#/components/schemas/A/then",
            "#/components/schemas/A/unevaluatedProperties",
            "#/components/schemas/B/contains",
            "#/components/schemas/B/items/$dynamicRef",
            "#/components/schemas/C/patternProperties",
        ]
    );
    assert!(
        messages(&c).contains(&(
            "#/components/schemas/A/patternProperties",
            "`patternProperties` is not typed: the extra properties are kept as JSON values"
        )),
        "{:?}",
        c.warnings
    );
}

#[test]
fn unevaluated_keywords_without_subschemas_are_additional_properties_and_items() {
    let c = with_schemas(json!({
        "A": {"type": "object", "properties": {"a": {}}, "unevaluatedProperties": {"type": "integer"}},
        "B": {"type": "array", "prefixItems": [{"type": "string"}], "unevaluatedItems": false},
    }));
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "integer"}})
    );
    assert_eq!(
        at(&c, "#/components/schemas/B"),
        &json!({"type": "array", "items": {"not": {}}, "x-prefix-items": [{"type": "string"}]})
    );
    assert_eq!(
        c.moves.origin(&format!("{S}/A/additionalProperties/type")),
        format!("{S}/A/unevaluatedProperties/type")
    );
    assert!(c.warnings.is_empty());
}

// ---- document structure ----

#[test]
fn the_document_is_3_0() {
    let c = convert(json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "$self": "https://example.com/api",
        "info": {"title": "t", "summary": "s", "version": "1",
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "components": {"schemas": {}}
    }));
    assert_eq!(
        c.document,
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "description": "s", "version": "1",
                     "license": {"name": "MIT", "url": "https://spdx.org/licenses/MIT.html"}},
            "components": {"schemas": {}},
            "paths": {}
        })
    );
    assert_eq!(c.moves.origin("#/info/description"), "#/info/summary");
    assert!(c.warnings.is_empty());
    let other = convert(json!({"openapi": "3.1.0", "jsonSchemaDialect": "urn:mine",
        "info": {"title": "t", "summary": "s", "description": "d", "version": "1"}}));
    assert_eq!(other.document["info"]["description"], json!("d"));
    assert_eq!(other.warnings.len(), 1);
    assert_eq!(other.warnings[0].pointer, "#/jsonSchemaDialect");
}

#[test]
fn mutual_tls_is_dropped_with_its_requirements() {
    let c = convert(document(json!({
        "security": [{"mtls": []}, {"key": []}],
        "paths": {"/a": {"get": {"security": [{"mtls": [], "key": []}]}}},
        "components": {"securitySchemes": {
            "mtls": {"type": "mutualTLS"},
            "key": {"type": "apiKey", "in": "header", "name": "K"}
        }}
    })));
    assert_eq!(at(&c, "#/security"), &json!([{}, {"key": []}]));
    assert_eq!(at(&c, "#/paths/~1a/get/security"), &json!([{"key": []}]));
    assert_eq!(
        at(&c, "#/components/securitySchemes"),
        &json!({"key": {"type": "apiKey", "in": "header", "name": "K"}})
    );
    // An operation without `responses` is left so.
    assert!(at(&c, "#/paths/~1a/get").get("responses").is_none());
    let (pointer, message) = messages(&c)[0];
    assert_eq!(pointer, "#/components/securitySchemes/mtls/type");
    assert!(message.starts_with("`type: mutualTLS` has no OpenAPI 3.0 equivalent"));
}

#[test]
fn webhooks_are_kept_under_x_webhooks() {
    let c = convert(document(json!({
        "webhooks": {"created": {"post": {
            "requestBody": {"content": {"application/json": {
                "schema": {"type": "object", "properties": {"id": {"type": ["string", "null"]}}}
            }}},
            "responses": {"200": {"description": "ok"}}
        }}}
    })));
    assert!(c.document.get("webhooks").is_none());
    let schema = "#/x-webhooks/created/post/requestBody/content/application~1json/schema";
    assert_eq!(
        at(&c, &format!("{schema}/properties/id")),
        &json!({"type": "string", "nullable": true})
    );
    assert_eq!(c.moves.origin("#/x-webhooks"), "#/webhooks");
    assert_eq!(
        c.moves.origin(&format!("{schema}/properties/id/type")),
        "#/webhooks/created/post/requestBody/content/application~1json/schema/properties/id/type/0"
    );
    assert_eq!(at(&c, "#/paths"), &json!({}));
}

#[test]
fn component_path_items_are_inlined_where_referenced() {
    let c = convert(document(json!({
        "paths": {
            "/a": {"$ref": "#/components/pathItems/A", "description": "here"},
            "/b": {"$ref": "#/components/pathItems/B"},
            "/c": {"$ref": "#/components/pathItems/Loop"}
        },
        "webhooks": {"w": {"$ref": "#/components/pathItems/A", "summary": "hook"}},
        "components": {"pathItems": {
            "A": {"description": "there", "get": {"responses": {"200": {"description": "ok",
                  "content": {"application/json": {"schema": {"const": 1}}}}},
                  "callbacks": {"cb": {"$ref": "#/components/callbacks/C"}}}},
            "B": {"$ref": "#/components/pathItems/A"},
            "D": {"summary": "called back", "post": {"responses": {"200": {"description": "ok"}}}},
            "Loop": {"get": {"callbacks": {"again": {"{$url}": {"$ref": "#/components/pathItems/Loop"}}}}}
        }, "callbacks": {"C": {"{$url}": {"$ref": "#/components/pathItems/D"}}}}
    })));
    let a = at(&c, "#/paths/~1a");
    assert_eq!(a["description"], json!("here"));
    assert_eq!(
        a["get"]["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"enum": [1], "type": "integer"})
    );
    assert_eq!(at(&c, "#/paths/~1b/description"), &json!("there"));
    assert_eq!(at(&c, "#/x-webhooks/w/summary"), &json!("hook"));
    assert!(c.document.pointer("/components/pathItems").is_none());
    assert_eq!(c.moves.origin("#/paths/~1a"), "#/components/pathItems/A");
    assert_eq!(
        c.moves.origin("#/paths/~1a/description"),
        "#/paths/~1a/description"
    );
    assert_eq!(
        c.moves.origin("#/paths/~1a/get"),
        "#/components/pathItems/A/get"
    );
    assert_eq!(
        c.moves.origin("#/paths/~1b/get"),
        "#/components/pathItems/A/get"
    );
    assert_eq!(c.moves.origin("#/x-webhooks/w"), "#/components/pathItems/A");
    // Callbacks and their path items come inline too (openapiv3 reads no `$ref` there).
    assert_eq!(
        at(&c, "#/paths/~1a/get/callbacks/cb/{$url}/summary"),
        &json!("called back")
    );
    assert_eq!(
        c.moves.origin("#/paths/~1a/get/callbacks/cb/{$url}/post"),
        "#/components/pathItems/D/post"
    );
    // A path item inside itself stops with a warning.
    assert_eq!(at(&c, "#/paths/~1c/get/callbacks/again/{$url}"), &json!({}));
    assert_eq!(
        messages(&c),
        [(
            "#/components/pathItems/Loop/get/callbacks/again/{$url}/$ref",
            "`$ref: #/components/pathItems/Loop` refers back to itself through `$ref`s: it is \
             left empty"
        )]
    );
}

#[test]
fn openapi_3_2_item_schemas_and_methods() {
    let c = convert(json!({
        "openapi": "3.2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/e": {
            "get": {
                "parameters": [
                    {"name": "q", "in": "querystring", "content": {"application/json": {}}},
                    {"name": "n", "in": "query", "schema": {"type": ["integer", "null"]}}
                ],
                "responses": {"200": {"description": "ok", "content": {"text/event-stream": {
                    "itemSchema": {"$ref": "#/components/schemas/E/$defs/Event"}
                }}}}
            },
            "query": {"responses": {"200": {"description": "ok"}}},
            "additionalOperations": {"LINK": {"responses": {}}}
        }},
        "components": {"schemas": {"E": {"$defs": {"Event": {"type": "object"}}}}}
    }));
    let media = "#/paths/~1e/get/responses/200/content/text~1event-stream";
    assert_eq!(
        at(&c, media),
        &json!({"x-item-schema": {"$ref": "#/components/schemas/E_Event"}})
    );
    assert_eq!(
        c.moves.origin(&format!("{media}/x-item-schema")),
        format!("{media}/itemSchema")
    );
    let e = at(&c, "#/paths/~1e");
    assert!(e.get("query").is_none() && e.get("additionalOperations").is_none());
    assert_eq!(
        e["get"]["parameters"],
        json!([{"name": "n", "in": "query", "schema": {"type": "integer", "nullable": true}}])
    );
    assert_eq!(
        c.moves
            .origin("#/paths/~1e/get/parameters/0/schema/nullable"),
        "#/paths/~1e/get/parameters/1/schema/type"
    );
    let pointers: Vec<&str> = c.warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "#/paths/~1e/additionalOperations",
            "#/paths/~1e/get/parameters/0",
            "#/paths/~1e/query"
        ]
    );
}

// ---- robustness ----

#[test]
fn values_of_the_wrong_type_pass_through() {
    let odd = json!({
        "openapi": "3.1.0",
        "info": "not a map",
        "paths": {"/a": {"get": {"parameters": {"not": "a list"}, "responses": []}}},
        "components": {"schemas": {
            "A": {"type": 5, "properties": [], "allOf": {}, "$ref": 3, "items": "x",
                  "exclusiveMinimum": "0", "const": {"a": 1}, "examples": []},
            "B": "a string",
            "C": {"type": ["string", 1]},
            "D": {"$defs": [], "prefixItems": {}}
        }}
    });
    let c = convert(odd);
    assert_eq!(at(&c, "#/info"), &json!("not a map"));
    assert_eq!(
        at(&c, "#/paths/~1a/get/parameters"),
        &json!({"not": "a list"})
    );
    assert_eq!(
        at(&c, "#/components/schemas/A"),
        &json!({"type": 5, "properties": [], "allOf": {}, "$ref": 3, "items": "x",
                "exclusiveMinimum": "0", "enum": [{"a": 1}]})
    );
    assert_eq!(at(&c, "#/components/schemas/B"), &json!("a string"));
    assert_eq!(
        at(&c, "#/components/schemas/C"),
        &json!({"type": ["string", 1]})
    );
    assert_eq!(at(&c, "#/components/schemas/D"), &json!({}));
    assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    for document in [json!(null), json!([1, 2]), json!("x"), json!({})] {
        assert_eq!(convert(document.clone()).document.get("openapi"), None);
    }
}

#[test]
fn deep_nesting_stops_with_a_warning() {
    let mut schema = json!({"type": "string"});
    for _ in 0..(MAX_DEPTH * 3) {
        schema = json!({"type": "array", "items": schema});
    }
    let c = with_schemas(json!({"Deep": schema}));
    assert_eq!(c.warnings.len(), 1);
    assert!(
        c.warnings[0].message.contains("nested more than"),
        "{:?}",
        c.warnings
    );
    // A path item that refers to itself.
    let c = convert(document(json!({"paths": {"/a": {"$ref": "#/paths/~1a"}}})));
    assert_eq!(at(&c, "#/paths/~1a"), &json!({}));
    assert_eq!(c.warnings.len(), 1);
}

#[test]
fn every_warning_points_into_the_input() {
    let input = document(json!({
        "webhooks": {"w": {"$ref": "#/components/pathItems/P"}},
        "components": {"pathItems": {"P": {"post": {"requestBody": {"content": {
            "application/json": {"schema": {"type": "object", "if": {}, "patternProperties": {}}}
        }}}}}}
    }));
    let c = convert(input.clone());
    assert_eq!(c.warnings.len(), 2);
    for warning in &c.warnings {
        assert!(
            value_at(&input, &warning.pointer).is_some(),
            "{}",
            warning.pointer
        );
    }
}
