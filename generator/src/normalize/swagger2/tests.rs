//! One test per conversion rule: the output, the moves back into the input, the warnings.

use super::*;
use crate::load::value_at;
use crate::normalize::EXTENSIONS;
use serde_json::json;

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("test input is YAML")
}

/// A minimal Swagger 2.0 document with `extra` merged into its root.
fn doc(extra: Value) -> Value {
    let mut root = json!({
        "swagger": "2.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
    });
    if let (Value::Object(root), Value::Object(extra)) = (&mut root, extra) {
        root.extend(extra);
    }
    root
}

/// A document with one path item.
fn with_path(path: &str, item: Value) -> Value {
    doc(json!({ "paths": { path: item } }))
}

fn at<'v>(converted: &'v Converted, pointer: &str) -> &'v Value {
    value_at(&converted.document, pointer)
        .unwrap_or_else(|| panic!("no {pointer} in {:#}", converted.document))
}

fn absent(converted: &Converted, pointer: &str) -> bool {
    value_at(&converted.document, pointer).is_none()
}

/// The converted document parses as OpenAPI 3.0 and goes through today's pipeline.
fn generates(converted: &Converted) {
    let text = serde_json::to_string(&converted.document).expect("serializes");
    let spec = crate::load::load_str(std::path::Path::new("converted.json"), &text)
        .unwrap_or_else(|d| panic!("does not load:\n{d}\n{text}"));
    if let Err(error) = crate::generate_from_spec(&spec, "x") {
        panic!("does not generate:\n{error}\n{text}");
    }
}

fn messages(converted: &Converted) -> Vec<(&str, &str)> {
    converted
        .warnings
        .iter()
        .map(|w| (w.pointer.as_str(), w.message.as_str()))
        .collect()
}

fn one_warning(converted: &Converted) -> (&str, &str) {
    match messages(converted).as_slice() {
        [only] => *only,
        other => panic!("expected one warning, got {other:#?}"),
    }
}

// ---- the document ----

#[test]
fn the_version_is_3_0_3_and_info_tags_docs_security_and_extensions_are_kept() {
    let input = doc(json!({
        "info": {"title": "Pets", "version": "2", "contact": {"name": "Ann"}, "x-logo": "l.png"},
        "tags": [{"name": "pets", "description": "Pets."}],
        "externalDocs": {"url": "https://example.com/docs"},
        "security": [{"key": []}],
        "x-vendor": {"$ref": "#/definitions/NotRewritten"},
    }));
    let converted = convert(input.clone());
    assert_eq!(at(&converted, "#/openapi"), "3.0.3");
    assert!(absent(&converted, "#/swagger"));
    assert_eq!(converted.moves.origin("#/openapi"), "#/swagger");
    for key in ["info", "tags", "externalDocs", "security", "x-vendor"] {
        assert_eq!(converted.document.get(key), input.get(key), "{key}");
    }
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
}

#[test]
fn unknown_root_fields_are_dropped_with_a_warning() {
    let converted = convert(doc(json!({"components": {"schemas": {}}})));
    assert!(absent(&converted, "#/components"));
    let (pointer, message) = one_warning(&converted);
    assert_eq!(pointer, "#/components");
    assert!(message.contains("`x-components`"), "{message}");
}

#[test]
fn a_document_that_is_not_a_mapping_is_left_as_it_is() {
    let converted = convert(json!(["swagger", "2.0"]));
    assert_eq!(converted.document, json!(["swagger", "2.0"]));
    assert_eq!(one_warning(&converted).0, "#");
}

// ---- servers ----

#[test]
fn host_base_path_and_schemes_become_one_server_per_scheme_https_first() {
    let converted = convert(doc(json!({
        "host": "api.example.com:8443",
        "basePath": "/v1/",
        "schemes": ["http", "https", "http"],
    })));
    assert_eq!(
        at(&converted, "#/servers"),
        &json!([{"url": "https://api.example.com:8443/v1"}, {"url": "http://api.example.com:8443/v1"}])
    );
    assert_eq!(converted.moves.origin("#/servers/1/url"), "#/host");
    assert!(converted.warnings.is_empty());
}

#[test]
fn without_a_host_the_server_is_relative_and_without_anything_there_is_none() {
    let converted = convert(doc(json!({"basePath": "/api"})));
    assert_eq!(at(&converted, "#/servers"), &json!([{"url": "/api"}]));
    assert_eq!(converted.moves.origin("#/servers/0/url"), "#/basePath");

    let converted = convert(doc(json!({"basePath": "/"})));
    assert_eq!(at(&converted, "#/servers"), &json!([{"url": "/"}]));

    let converted = convert(doc(json!({})));
    assert!(absent(&converted, "#/servers"));
}

#[test]
fn a_host_without_schemes_is_served_over_https_with_a_warning() {
    let converted = convert(doc(json!({"host": "h.example.com"})));
    assert_eq!(
        at(&converted, "#/servers"),
        &json!([{"url": "https://h.example.com"}])
    );
    let (pointer, message) = one_warning(&converted);
    assert_eq!(pointer, "#/host");
    assert!(message.contains("schemes: [http]"), "{message}");
}

#[test]
fn an_operations_own_schemes_become_its_servers() {
    let mut input = with_path(
        "/a",
        json!({
            "get": {"schemes": ["wss"], "responses": {}},
            "put": {"schemes": ["https"], "responses": {}},
        }),
    );
    input["host"] = json!("h");
    input["schemes"] = json!(["https"]);
    let converted = convert(input);
    assert_eq!(
        at(&converted, "#/paths/~1a/get/servers"),
        &json!([{"url": "wss://h"}])
    );
    assert_eq!(
        converted.moves.origin("#/paths/~1a/get/servers/0/url"),
        "#/paths/~1a/get/schemes"
    );
    // The same schemes as the document's: nothing to say.
    assert!(absent(&converted, "#/paths/~1a/put/servers"));
    assert!(absent(&converted, "#/paths/~1a/get/schemes"));
}

// ---- components ----

#[test]
fn definitions_become_component_schemas() {
    let converted = convert(doc(json!({
        "definitions": {"Pet": {"type": "object", "properties": {"id": {"type": "integer"}}}},
    })));
    assert_eq!(
        at(&converted, "#/components/schemas/Pet/properties/id"),
        &json!({"type": "integer"})
    );
    assert!(absent(&converted, "#/definitions"));
    assert_eq!(
        converted
            .moves
            .origin("#/components/schemas/Pet/properties/id/type"),
        "#/definitions/Pet/properties/id/type"
    );
    generates(&converted);
}

#[test]
fn refs_are_rewritten_everywhere_but_in_extension_example_default_and_enum_values() {
    let data = json!({"$ref": "#/definitions/A"});
    let converted = convert(doc(json!({
        "definitions": {
            "A": {"type": "object"},
            "B": {
                "type": "object",
                "properties": {
                    "a": {"$ref": "#/definitions/A"},
                    "deep": {"$ref": "#/definitions/A/properties/x"},
                    // Property names that are keywords elsewhere are still schemas.
                    "example": {"$ref": "#/definitions/A"},
                    "x-a": {"$ref": "#/definitions/A"},
                    "list": {"type": "array", "items": {"$ref": "#/definitions/A"}},
                    "map": {"type": "object", "additionalProperties": {"$ref": "#/definitions/A"}},
                },
                "allOf": [{"$ref": "#/definitions/A"}],
                "example": data,
                "default": data,
                "enum": [data],
                "x-data": data,
            },
        },
    })));
    let b = "#/components/schemas/B";
    for property in ["a", "example", "x-a"] {
        assert_eq!(
            at(&converted, &format!("{b}/properties/{property}/$ref")),
            "#/components/schemas/A"
        );
    }
    assert_eq!(
        at(&converted, &format!("{b}/properties/deep/$ref")),
        "#/components/schemas/A/properties/x"
    );
    assert_eq!(
        at(&converted, &format!("{b}/properties/list/items/$ref")),
        "#/components/schemas/A"
    );
    assert_eq!(
        at(
            &converted,
            &format!("{b}/properties/map/additionalProperties/$ref")
        ),
        "#/components/schemas/A"
    );
    assert_eq!(
        at(&converted, &format!("{b}/allOf/0/$ref")),
        "#/components/schemas/A"
    );
    for key in ["example", "default", "x-data"] {
        assert_eq!(at(&converted, &format!("{b}/{key}")), &data, "{key}");
    }
    assert_eq!(at(&converted, &format!("{b}/enum/0")), &data);
}

#[test]
fn global_parameters_become_component_parameters_with_a_schema() {
    let mut input = with_path(
        "/a",
        json!({"get": {"parameters": [{"$ref": "#/parameters/limit"}], "responses": {}}}),
    );
    input["parameters"] = json!({
        "limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 50, "x-a": 1},
    });
    let converted = convert(input);
    assert_eq!(
        at(&converted, "#/components/parameters/limit"),
        &json!({"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}, "x-a": 1})
    );
    assert_eq!(
        at(&converted, "#/paths/~1a/get/parameters/0"),
        &json!({"$ref": "#/components/parameters/limit"})
    );
    assert_eq!(
        converted
            .moves
            .origin("#/components/parameters/limit/schema/maximum"),
        "#/parameters/limit/maximum"
    );
    generates(&converted);
}

#[test]
fn a_global_body_parameter_becomes_a_request_body_that_operations_refer_to() {
    let mut input = with_path(
        "/pets",
        json!({"post": {"parameters": [{"$ref": "#/parameters/pet"}], "responses": {}}}),
    );
    input["parameters"] = json!({
        "pet": {"name": "pet", "in": "body", "required": true, "description": "A pet.",
                "schema": {"$ref": "#/definitions/Pet"}},
    });
    input["definitions"] = json!({"Pet": {"type": "object"}});
    let converted = convert(input);
    assert_eq!(
        at(&converted, "#/components/requestBodies/pet"),
        &json!({
            "description": "A pet.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
            "required": true,
        })
    );
    assert!(absent(&converted, "#/components/parameters"));
    let op = "#/paths/~1pets/post";
    assert_eq!(
        at(&converted, &format!("{op}/requestBody")),
        &json!({"$ref": "#/components/requestBodies/pet"})
    );
    assert!(absent(&converted, &format!("{op}/parameters")));
    assert_eq!(
        converted.moves.origin(&format!("{op}/requestBody")),
        format!("{op}/parameters/0")
    );
    assert_eq!(
        converted
            .moves
            .origin("#/components/requestBodies/pet/content/application~1json/schema"),
        "#/parameters/pet/schema"
    );
    assert_eq!(
        converted
            .moves
            .origin("#/components/requestBodies/pet/required"),
        "#/parameters/pet/required"
    );
    generates(&converted);
}

#[test]
fn a_global_body_parameter_is_copied_where_an_operation_consumes_other_media_types() {
    let mut input = with_path(
        "/pets",
        json!({"post": {
            "consumes": ["application/xml"],
            "parameters": [{"$ref": "#/parameters/pet"}],
            "responses": {},
        }}),
    );
    input["parameters"] =
        json!({"pet": {"name": "pet", "in": "body", "schema": {"type": "string"}}});
    let converted = convert(input);
    let body = "#/paths/~1pets/post/requestBody";
    assert_eq!(
        at(&converted, body),
        &json!({"content": {"application/xml": {"schema": {"type": "string"}}}})
    );
    assert_eq!(
        converted
            .moves
            .origin(&format!("{body}/content/application~1xml/schema/type")),
        "#/parameters/pet/schema/type"
    );
}

#[test]
fn a_global_form_parameter_is_inlined_into_the_form_body() {
    let mut input = with_path(
        "/a",
        json!({"post": {"parameters": [{"$ref": "#/parameters/file"}], "responses": {}}}),
    );
    input["parameters"] = json!({"file": {"name": "file", "in": "formData", "type": "file"}});
    let converted = convert(input);
    let property =
        "#/paths/~1a/post/requestBody/content/multipart~1form-data/schema/properties/file";
    assert_eq!(
        at(&converted, property),
        &json!({"type": "string", "format": "binary"})
    );
    assert_eq!(converted.moves.origin(property), "#/parameters/file");
    assert!(absent(&converted, "#/components"));
    generates(&converted);
}

#[test]
fn global_responses_become_component_responses() {
    let mut input = with_path(
        "/a",
        json!({"get": {"responses": {"404": {"$ref": "#/responses/NotFound"}}}}),
    );
    input["responses"] =
        json!({"NotFound": {"description": "Gone.", "schema": {"type": "string"}}});
    input["produces"] = json!(["application/json"]);
    let converted = convert(input);
    assert_eq!(
        at(&converted, "#/components/responses/NotFound"),
        &json!({"description": "Gone.", "content": {"application/json": {"schema": {"type": "string"}}}})
    );
    assert_eq!(
        at(&converted, "#/paths/~1a/get/responses/404"),
        &json!({"$ref": "#/components/responses/NotFound"})
    );
    assert_eq!(
        converted
            .moves
            .origin("#/components/responses/NotFound/content/application~1json/schema"),
        "#/responses/NotFound/schema"
    );
    generates(&converted);
}

#[test]
fn a_global_response_is_copied_where_an_operation_produces_other_media_types() {
    let mut input = with_path(
        "/a",
        json!({"get": {"produces": ["text/plain"], "responses": {
            "200": {"$ref": "#/responses/Text"},
            "404": {"$ref": "#/responses/Gone"},
        }}}),
    );
    input["responses"] = json!({
        "Text": {"description": "Text.", "schema": {"type": "string"}},
        "Gone": {"description": "No body, nothing to copy."},
    });
    let converted = convert(input);
    let response = "#/paths/~1a/get/responses/200";
    assert_eq!(
        at(&converted, response),
        &json!({"description": "Text.", "content": {"text/plain": {"schema": {"type": "string"}}}})
    );
    assert_eq!(
        converted.moves.origin(&format!("{response}/description")),
        "#/responses/Text/description"
    );
    assert_eq!(
        at(&converted, "#/paths/~1a/get/responses/404"),
        &json!({"$ref": "#/components/responses/Gone"})
    );
}

// ---- security ----

#[test]
fn security_definitions_become_security_schemes() {
    let converted = convert(doc(json!({"securityDefinitions": {
        "basic": {"type": "basic", "description": "B.", "x-a": 1},
        "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
        "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a/auth",
                     "scopes": {"read": "Read."}},
        "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://a/token",
                     "scopes": {}},
        "application": {"type": "oauth2", "flow": "application", "tokenUrl": "https://a/token"},
        "accessCode": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a/auth",
                       "tokenUrl": "https://a/token", "scopes": {"w": "Write."}},
    }})));
    let schemes = at(&converted, "#/components/securitySchemes");
    assert_eq!(
        schemes["basic"],
        json!({"type": "http", "scheme": "basic", "description": "B.", "x-a": 1})
    );
    assert_eq!(
        schemes["key"],
        json!({"type": "apiKey", "name": "X-Key", "in": "header"})
    );
    assert_eq!(
        schemes["implicit"],
        json!({"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a/auth", "scopes": {"read": "Read."}}}})
    );
    assert_eq!(
        schemes["password"]["flows"],
        json!({"password": {"tokenUrl": "https://a/token", "scopes": {}}})
    );
    // OpenAPI 3.0 requires scopes; none written is none granted.
    assert_eq!(
        schemes["application"]["flows"],
        json!({"clientCredentials": {"tokenUrl": "https://a/token", "scopes": {}}})
    );
    assert_eq!(
        schemes["accessCode"]["flows"],
        json!({"authorizationCode": {"authorizationUrl": "https://a/auth", "tokenUrl": "https://a/token", "scopes": {"w": "Write."}}})
    );
    let moves = &converted.moves;
    assert_eq!(
        moves.origin("#/components/securitySchemes/implicit/flows/implicit/authorizationUrl"),
        "#/securityDefinitions/implicit/authorizationUrl"
    );
    assert_eq!(
        moves.origin("#/components/securitySchemes/basic/scheme"),
        "#/securityDefinitions/basic/type"
    );
    assert_eq!(
        moves.origin("#/components/securitySchemes/application/flows/clientCredentials/scopes"),
        "#/securityDefinitions/application/flow"
    );
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
    generates(&converted);
}

#[test]
fn security_schemes_openapi_3_cannot_express_are_dropped_with_a_warning() {
    let converted = convert(doc(json!({"securityDefinitions": {
        "odd": {"type": "digest"},
        "flowless": {"type": "oauth2", "authorizationUrl": "https://a"},
        "key": {"type": "apiKey", "name": "k", "in": "query"},
    }})));
    assert_eq!(
        keys(at(&converted, "#/components/securitySchemes")),
        ["key"]
    );
    let warnings = messages(&converted);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, "#/securityDefinitions/odd/type");
    assert!(warnings[0].1.contains("type `digest`"), "{}", warnings[0].1);
    assert_eq!(warnings[1].0, "#/securityDefinitions/flowless");
    assert!(warnings[1].1.contains("no `flow`"), "{}", warnings[1].1);
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map(|map| map.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

// ---- parameters ----

#[test]
fn parameter_type_keywords_move_into_a_schema() {
    let converted = convert(with_path(
        "/a/{id}",
        json!({"get": {"parameters": [
            {"name": "id", "in": "path", "required": true, "description": "The id.",
             "type": "string", "format": "uuid", "pattern": "^[a-f0-9-]+$", "x-a": true},
            {"name": "n", "in": "query", "type": "integer", "minimum": 1, "exclusiveMinimum": true,
             "default": 5, "enum": [5, 10], "multipleOf": 5, "x-nullable": true},
        ], "responses": {}}}),
    ));
    let list = "#/paths/~1a~1{id}/get/parameters";
    assert_eq!(
        at(&converted, &format!("{list}/0")),
        &json!({"name": "id", "in": "path", "description": "The id.", "required": true,
                "schema": {"type": "string", "format": "uuid", "pattern": "^[a-f0-9-]+$"}, "x-a": true})
    );
    assert_eq!(
        at(&converted, &format!("{list}/1/schema")),
        &json!({"type": "integer", "minimum": 1, "exclusiveMinimum": true, "default": 5,
                "enum": [5, 10], "multipleOf": 5, "nullable": true})
    );
    let moves = &converted.moves;
    assert_eq!(
        moves.origin(&format!("{list}/0/schema")),
        format!("{list}/0")
    );
    assert_eq!(
        moves.origin(&format!("{list}/0/schema/pattern")),
        format!("{list}/0/pattern")
    );
    assert_eq!(
        moves.origin(&format!("{list}/1/schema/nullable")),
        format!("{list}/1/x-nullable")
    );
    generates(&converted);
}

#[test]
fn a_parameter_without_a_type_is_a_string_with_a_warning() {
    let converted = convert(with_path(
        "/a",
        json!({"get": {"parameters": [{"name": "q", "in": "query"}], "responses": {}}}),
    ));
    assert_eq!(
        at(&converted, "#/paths/~1a/get/parameters/0/schema"),
        &json!({"type": "string"})
    );
    let (pointer, message) = one_warning(&converted);
    assert_eq!(pointer, "#/paths/~1a/get/parameters/0");
    assert!(message.contains("parameter `q` has no `type`"), "{message}");
}

#[test]
fn collection_formats_become_styles() {
    let array = |name: &str, location: &str, format: Option<&str>| {
        let mut parameter = json!({"name": name, "in": location, "type": "array",
                                   "items": {"type": "string"}});
        if let Some(format) = format {
            parameter["collectionFormat"] = json!(format);
        }
        if location == "path" {
            parameter["required"] = json!(true);
        }
        parameter
    };
    let converted = convert(with_path(
        "/a/{p}",
        json!({"get": {"parameters": [
            array("default", "query", None),
            array("csv", "query", Some("csv")),
            array("multi", "query", Some("multi")),
            array("ssv", "query", Some("ssv")),
            array("pipes", "query", Some("pipes")),
            array("tsv", "query", Some("tsv")),
            array("p", "path", Some("csv")),
            array("H-Csv", "header", None),
            array("H-Tsv", "header", Some("tsv")),
            array("H-Ssv", "header", Some("ssv")),
        ], "responses": {}}}),
    ));
    let style = |i: usize| {
        let parameter = at(
            &converted,
            &format!("#/paths/~1a~1{{p}}/get/parameters/{i}"),
        );
        (
            parameter["style"].as_str().unwrap_or("-").to_owned(),
            parameter["explode"].as_bool(),
            parameter["x-collection-format"].as_str().map(str::to_owned),
        )
    };
    let expect = |style: &str, explode: bool, extension: Option<&str>| {
        (
            style.to_owned(),
            Some(explode),
            extension.map(str::to_owned),
        )
    };
    assert_eq!(style(0), expect("form", false, None));
    assert_eq!(style(1), expect("form", false, None));
    assert_eq!(style(2), expect("form", true, None));
    assert_eq!(style(3), expect("spaceDelimited", false, None));
    assert_eq!(style(4), expect("pipeDelimited", false, None));
    assert_eq!(style(5), expect("form", false, Some("tsv")));
    assert_eq!(style(6), expect("simple", false, None));
    assert_eq!(style(7), expect("simple", false, None));
    assert_eq!(style(8), expect("simple", false, Some("tsv")));
    assert_eq!(style(9), expect("simple", false, Some("ssv")));
    assert!(absent(
        &converted,
        "#/paths/~1a~1{p}/get/parameters/1/collectionFormat"
    ));
    let moves = &converted.moves;
    let list = "#/paths/~1a~1{p}/get/parameters";
    assert_eq!(
        moves.origin(&format!("{list}/2/explode")),
        format!("{list}/2/collectionFormat")
    );
    // The default (csv) is what the array type implies.
    assert_eq!(
        moves.origin(&format!("{list}/0/style")),
        format!("{list}/0/type")
    );
    assert_eq!(
        moves.origin(&format!("{list}/5/x-collection-format")),
        format!("{list}/5/collectionFormat")
    );
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
    assert!(
        EXTENSIONS
            .iter()
            .any(|(key, _)| *key == "x-collection-format")
    );
}

#[test]
fn collection_formats_that_cannot_be_carried_over_are_warned_about() {
    let converted = convert(with_path(
        "/a",
        json!({"get": {"parameters": [
            {"name": "odd", "in": "query", "type": "array", "items": {"type": "string"},
             "collectionFormat": "semicolons"},
            {"name": "H", "in": "header", "type": "array", "items": {"type": "string"},
             "collectionFormat": "multi"},
            {"name": "nested", "in": "query", "type": "array", "items": {"type": "array",
             "collectionFormat": "pipes", "items": {"type": "string"}}},
        ], "responses": {}}}),
    ));
    let list = "#/paths/~1a/get/parameters";
    assert_eq!(at(&converted, &format!("{list}/0/style")), "form");
    assert_eq!(at(&converted, &format!("{list}/0/explode")), false);
    assert_eq!(at(&converted, &format!("{list}/1/style")), "simple");
    assert!(absent(
        &converted,
        &format!("{list}/2/schema/items/collectionFormat")
    ));
    let warnings = messages(&converted);
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert_eq!(warnings[0].0, format!("{list}/0/collectionFormat"));
    assert!(
        warnings[0]
            .1
            .contains("`collectionFormat: semicolons` is not"),
        "{}",
        warnings[0].1
    );
    assert_eq!(warnings[1].0, format!("{list}/1/collectionFormat"));
    assert!(warnings[1].1.contains("multi"), "{}", warnings[1].1);
    assert_eq!(warnings[2].0, format!("{list}/2/items/collectionFormat"));
}

#[test]
fn allow_empty_value_is_kept_on_query_parameters_only() {
    let converted = convert(with_path(
        "/a",
        json!({"post": {"parameters": [
            {"name": "q", "in": "query", "type": "string", "allowEmptyValue": true},
            {"name": "H", "in": "header", "type": "string", "allowEmptyValue": true},
            {"name": "f", "in": "formData", "type": "string", "allowEmptyValue": true},
        ], "responses": {}}}),
    ));
    let list = "#/paths/~1a/post/parameters";
    assert_eq!(at(&converted, &format!("{list}/0/allowEmptyValue")), true);
    assert!(absent(&converted, &format!("{list}/1/allowEmptyValue")));
    let (pointer, message) = one_warning(&converted);
    assert_eq!(pointer, format!("{list}/2/allowEmptyValue"));
    assert!(message.contains("form field"), "{message}");
}

// ---- request bodies ----

#[test]
fn a_body_parameter_becomes_the_request_body_and_later_parameters_move_up() {
    let converted = convert(with_path(
        "/pets",
        json!({"post": {"parameters": [
            {"name": "pet", "in": "body", "description": "The pet.", "required": true,
             "schema": {"type": "object", "properties": {"name": {"type": "string"}}}, "x-b": 1},
            {"name": "dryRun", "in": "query", "type": "boolean"},
        ], "responses": {"204": {"description": "Done."}}}}),
    ));
    let op = "#/paths/~1pets/post";
    assert_eq!(
        at(&converted, &format!("{op}/requestBody")),
        &json!({
            "description": "The pet.",
            "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}},
            "required": true,
            "x-b": 1,
        })
    );
    assert_eq!(at(&converted, &format!("{op}/parameters/0/name")), "dryRun");
    let moves = &converted.moves;
    assert_eq!(
        moves.origin(&format!(
            "{op}/requestBody/content/application~1json/schema"
        )),
        format!("{op}/parameters/0/schema")
    );
    assert_eq!(
        moves.origin(&format!(
            "{op}/requestBody/content/application~1json/schema/properties/name"
        )),
        format!("{op}/parameters/0/schema/properties/name")
    );
    assert_eq!(
        moves.origin(&format!("{op}/requestBody/description")),
        format!("{op}/parameters/0/description")
    );
    assert_eq!(
        moves.origin(&format!("{op}/parameters/0")),
        format!("{op}/parameters/1")
    );
    assert_eq!(
        moves.origin(&format!("{op}/parameters/0/schema/type")),
        format!("{op}/parameters/1/type")
    );
    generates(&converted);
}

#[test]
fn request_body_media_types_come_from_the_operation_else_the_document_else_json() {
    let body = json!([{"name": "b", "in": "body", "schema": {"type": "string"}}]);
    let mut input = with_path(
        "/a",
        json!({
            "post": {"consumes": ["application/xml", "text/plain"], "parameters": body, "responses": {}},
            "put": {"parameters": body, "responses": {}},
        }),
    );
    input["consumes"] = json!(["application/vnd.a+json"]);
    let converted = convert(input);
    assert_eq!(
        keys(at(&converted, "#/paths/~1a/post/requestBody/content")),
        ["application/xml", "text/plain"]
    );
    assert_eq!(
        keys(at(&converted, "#/paths/~1a/put/requestBody/content")),
        ["application/vnd.a+json"]
    );
    let converted = convert(with_path(
        "/a",
        json!({"put": {"parameters": body, "responses": {}}}),
    ));
    assert_eq!(
        keys(at(&converted, "#/paths/~1a/put/requestBody/content")),
        ["application/json"]
    );
}

#[test]
fn form_parameters_become_an_object_body_with_one_property_each() {
    let converted = convert(with_path(
        "/a",
        json!({"post": {"parameters": [
            {"name": "name", "in": "formData", "type": "string", "required": true,
             "description": "The name.", "maxLength": 10},
            {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"},
             "collectionFormat": "multi"},
            {"name": "age", "in": "formData", "type": "integer", "required": true},
        ], "responses": {}}}),
    ));
    let body = "#/paths/~1a/post/requestBody";
    let media = format!("{body}/content/application~1x-www-form-urlencoded");
    assert_eq!(
        at(&converted, &format!("{media}/schema")),
        &json!({"type": "object", "properties": {
            "name": {"type": "string", "description": "The name.", "maxLength": 10},
            "tags": {"type": "array", "items": {"type": "string"}},
            "age": {"type": "integer"},
        }, "required": ["name", "age"]})
    );
    assert_eq!(
        at(&converted, &format!("{media}/encoding")),
        &json!({"tags": {"style": "form", "explode": true}})
    );
    assert_eq!(at(&converted, &format!("{body}/required")), true);
    assert!(absent(&converted, "#/paths/~1a/post/parameters"));
    let moves = &converted.moves;
    assert_eq!(
        moves.origin(&format!("{media}/schema/properties/age")),
        "#/paths/~1a/post/parameters/2"
    );
    assert_eq!(
        moves.origin(&format!("{media}/schema/properties/name/maxLength")),
        "#/paths/~1a/post/parameters/0/maxLength"
    );
    assert_eq!(
        moves.origin(&format!("{media}/schema/required/1")),
        "#/paths/~1a/post/parameters/2/required"
    );
    assert_eq!(
        moves.origin(&format!("{media}/encoding/tags/explode")),
        "#/paths/~1a/post/parameters/1/collectionFormat"
    );
    generates(&converted);
}

#[test]
fn a_file_parameter_makes_the_form_multipart() {
    let file = json!({"name": "upload", "in": "formData", "type": "file", "format": "whatever"});
    let converted = convert(with_path(
        "/a",
        json!({"post": {"parameters": [file, {"name": "note", "in": "formData", "type": "string"}],
                        "responses": {}}}),
    ));
    let media = "#/paths/~1a/post/requestBody/content";
    assert_eq!(keys(at(&converted, media)), ["multipart/form-data"]);
    let upload = format!("{media}/multipart~1form-data/schema/properties/upload");
    assert_eq!(
        at(&converted, &upload),
        &json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        converted.moves.origin(&format!("{upload}/format")),
        "#/paths/~1a/post/parameters/0/type"
    );
    assert!(converted.warnings.is_empty());
    generates(&converted);

    // A file where `consumes` lists only urlencoded still needs multipart.
    let converted = convert(with_path(
        "/a",
        json!({"post": {"consumes": ["application/x-www-form-urlencoded"], "parameters": [file],
                        "responses": {}}}),
    ));
    assert_eq!(keys(at(&converted, media)), ["multipart/form-data"]);
    let (pointer, message) = one_warning(&converted);
    assert_eq!(pointer, "#/paths/~1a/post/parameters/0");
    assert!(message.contains("`upload` is a file"), "{message}");
}

#[test]
fn a_form_consuming_both_form_media_types_offers_both() {
    let converted = convert(with_path(
        "/a",
        json!({"post": {
            "consumes": ["multipart/form-data", "application/json", "application/x-www-form-urlencoded"],
            "parameters": [{"name": "n", "in": "formData", "type": "string"}],
            "responses": {},
        }}),
    ));
    assert_eq!(
        keys(at(&converted, "#/paths/~1a/post/requestBody/content")),
        ["multipart/form-data", "application/x-www-form-urlencoded"]
    );
    generates(&converted);
}

#[test]
fn path_item_parameters_apply_to_every_operation() {
    let converted = convert(with_path(
        "/a/{id}",
        json!({
            "parameters": [
                {"name": "id", "in": "path", "required": true, "type": "string"},
                {"name": "body", "in": "body", "schema": {"type": "object"}},
            ],
            "put": {"responses": {}},
            "post": {"parameters": [{"name": "own", "in": "body", "schema": {"type": "string"}}],
                     "responses": {}},
            "patch": {"parameters": [{"name": "q", "in": "query", "type": "integer"}],
                      "responses": {}},
        }),
    ));
    let item = "#/paths/~1a~1{id}";
    assert_eq!(
        at(&converted, &format!("{item}/parameters")),
        &json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
    );
    let put_body = format!("{item}/put/requestBody");
    assert_eq!(
        at(
            &converted,
            &format!("{put_body}/content/application~1json/schema")
        ),
        &json!({"type": "object"})
    );
    assert_eq!(
        converted.moves.origin(&put_body),
        format!("{item}/parameters/1")
    );
    // The operation's own body wins over the path item's.
    assert_eq!(
        at(
            &converted,
            &format!("{item}/post/requestBody/content/application~1json/schema")
        ),
        &json!({"type": "string"})
    );
    assert_eq!(
        at(&converted, &format!("{item}/patch/parameters")),
        &json!([{"name": "q", "in": "query", "schema": {"type": "integer"}}])
    );
    assert_eq!(
        converted.moves.origin(&format!("{item}/patch/requestBody")),
        format!("{item}/parameters/1")
    );
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
    generates(&converted);
}

#[test]
fn path_item_form_fields_merge_with_the_operations_own() {
    let converted = convert(with_path(
        "/a",
        json!({
            "parameters": [
                {"name": "shared", "in": "formData", "type": "string"},
                {"name": "f", "in": "formData", "type": "string"},
            ],
            "post": {"parameters": [{"name": "f", "in": "formData", "type": "integer"}],
                     "responses": {}},
        }),
    ));
    let schema = "#/paths/~1a/post/requestBody/content/application~1x-www-form-urlencoded/schema";
    assert_eq!(
        at(&converted, &format!("{schema}/properties")),
        &json!({"shared": {"type": "string"}, "f": {"type": "integer"}})
    );
    assert_eq!(
        converted
            .moves
            .origin(&format!("{schema}/properties/shared")),
        "#/paths/~1a/parameters/0"
    );
    assert_eq!(
        converted.moves.origin(&format!("{schema}/properties/f")),
        "#/paths/~1a/post/parameters/0"
    );
    assert!(absent(&converted, "#/paths/~1a/parameters"));
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
}

#[test]
fn a_body_next_to_form_fields_and_a_second_body_are_warned_about() {
    let converted = convert(with_path(
        "/a",
        json!({"post": {"parameters": [
            {"name": "b", "in": "body", "schema": {"type": "string"}},
            {"name": "c", "in": "body", "schema": {"type": "integer"}},
            {"name": "f", "in": "formData", "type": "string"},
        ], "responses": {}}}),
    ));
    let list = "#/paths/~1a/post/parameters";
    assert_eq!(
        at(
            &converted,
            "#/paths/~1a/post/requestBody/content/application~1json/schema"
        ),
        &json!({"type": "string"})
    );
    let warnings = messages(&converted);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!(warnings[0].0, format!("{list}/1"));
    assert!(
        warnings[0].1.contains("a second `in: body` parameter"),
        "{}",
        warnings[0].1
    );
    assert!(
        warnings[0].1.contains(&format!("{list}/0")),
        "{}",
        warnings[0].1
    );
    assert_eq!(warnings[1].0, format!("{list}/2"));
    assert!(
        warnings[1].1.contains("formData parameters are dropped"),
        "{}",
        warnings[1].1
    );
}

// ---- responses ----

#[test]
fn a_response_schema_is_served_in_each_produced_media_type() {
    let mut input = with_path(
        "/a",
        json!({
            "get": {"produces": ["application/json", "application/xml"], "responses": {
                "200": {"description": "OK.", "schema": {"$ref": "#/definitions/A"}, "x-r": 1},
                "default": {"description": "Error.", "schema": {"type": "string"}},
            }},
            "put": {"responses": {"204": {"description": "None."}}},
        }),
    );
    input["produces"] = json!(["text/plain"]);
    input["definitions"] = json!({"A": {"type": "object"}});
    let converted = convert(input);
    let ok = "#/paths/~1a/get/responses/200";
    assert_eq!(
        at(&converted, ok),
        &json!({"description": "OK.", "x-r": 1, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/A"}},
            "application/xml": {"schema": {"$ref": "#/components/schemas/A"}},
        }})
    );
    assert_eq!(
        keys(at(&converted, "#/paths/~1a/get/responses/default/content")),
        ["application/json", "application/xml"]
    );
    assert!(absent(&converted, "#/paths/~1a/put/responses/204/content"));
    assert_eq!(
        converted
            .moves
            .origin(&format!("{ok}/content/application~1xml/schema/$ref")),
        format!("{ok}/schema/$ref")
    );
    generates(&converted);
}

#[test]
fn response_examples_by_media_type_become_media_examples() {
    let converted = convert(with_path(
        "/a",
        json!({"get": {"responses": {"200": {
            "description": "OK.",
            "schema": {"type": "object"},
            "examples": {"application/json": {"id": 1}, "text/csv": "id\n1"},
        }}}}),
    ));
    let content = "#/paths/~1a/get/responses/200/content";
    assert_eq!(
        at(&converted, content),
        &json!({
            "application/json": {"schema": {"type": "object"}, "example": {"id": 1}},
            "text/csv": {"schema": {"type": "object"}, "example": "id\n1"},
        })
    );
    assert_eq!(
        converted
            .moves
            .origin(&format!("{content}/text~1csv/example")),
        "#/paths/~1a/get/responses/200/examples/text~1csv"
    );
    // Without a schema, the examples alone.
    let converted = convert(with_path(
        "/a",
        json!({"get": {"responses": {"200": {"description": "OK.",
                                              "examples": {"application/json": [1]}}}}}),
    ));
    assert_eq!(
        at(&converted, content),
        &json!({"application/json": {"example": [1]}})
    );
}

#[test]
fn response_headers_get_a_schema() {
    let converted = convert(with_path(
        "/a",
        json!({"get": {"responses": {"200": {"description": "OK.", "headers": {
            "X-Rate": {"description": "Left.", "type": "integer", "format": "int32", "x-h": 1},
            "X-Tags": {"type": "array", "items": {"type": "string"}},
            "X-Odd": {"type": "array", "items": {"type": "string"}, "collectionFormat": "ssv"},
            "X-Untyped": {"description": "No type."},
        }}}}}),
    ));
    let headers = "#/paths/~1a/get/responses/200/headers";
    assert_eq!(
        at(&converted, &format!("{headers}/X-Rate")),
        &json!({"description": "Left.", "schema": {"type": "integer", "format": "int32"}, "x-h": 1})
    );
    assert_eq!(
        at(&converted, &format!("{headers}/X-Tags")),
        &json!({"schema": {"type": "array", "items": {"type": "string"}}})
    );
    assert_eq!(
        at(&converted, &format!("{headers}/X-Untyped/schema")),
        &json!({"type": "string"})
    );
    assert_eq!(
        converted
            .moves
            .origin(&format!("{headers}/X-Rate/schema/format")),
        format!("{headers}/X-Rate/format")
    );
    let warnings = messages(&converted);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!(warnings[0].0, format!("{headers}/X-Odd/collectionFormat"));
    assert_eq!(warnings[1].0, format!("{headers}/X-Untyped"));
    generates(&converted);
}

// ---- schemas ----

#[test]
fn a_file_schema_is_a_binary_string() {
    let converted = convert(with_path(
        "/a",
        json!({"get": {"produces": ["application/pdf"], "responses": {"200": {
            "description": "The file.", "schema": {"type": "file"}}}}}),
    ));
    let schema = "#/paths/~1a/get/responses/200/content/application~1pdf/schema";
    assert_eq!(
        at(&converted, schema),
        &json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        converted.moves.origin(&format!("{schema}/format")),
        "#/paths/~1a/get/responses/200/schema/type"
    );
    generates(&converted);
}

#[test]
fn x_nullable_becomes_nullable() {
    let converted = convert(doc(json!({"definitions": {
        "Owner": {"type": "object"},
        "Pet": {"type": "object", "properties": {
            "nick": {"type": "string", "x-nullable": true},
            "owner": {"$ref": "#/definitions/Owner", "x-nullable": true, "description": "Who."},
            "odd": {"type": "string", "x-nullable": "yes"},
        }},
    }})));
    let properties = "#/components/schemas/Pet/properties";
    assert_eq!(
        at(&converted, &format!("{properties}/nick")),
        &json!({"type": "string", "nullable": true})
    );
    // Siblings of a `$ref` are ignored in OpenAPI 3.0: the reference goes into an `allOf`.
    assert_eq!(
        at(&converted, &format!("{properties}/owner")),
        &json!({"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": true, "description": "Who."})
    );
    let moves = &converted.moves;
    assert_eq!(
        moves.origin(&format!("{properties}/nick/nullable")),
        "#/definitions/Pet/properties/nick/x-nullable"
    );
    assert_eq!(
        moves.origin(&format!("{properties}/owner/allOf/0/$ref")),
        "#/definitions/Pet/properties/owner/$ref"
    );
    let (pointer, message) = one_warning(&converted);
    assert_eq!(pointer, "#/definitions/Pet/properties/odd/x-nullable");
    assert!(message.contains("true or false"), "{message}");
    generates(&converted);
}

#[test]
fn a_string_discriminator_names_the_property() {
    let converted = convert(doc(json!({"definitions": {
        "Pet": {"type": "object", "discriminator": "kind", "required": ["kind"],
                "properties": {"kind": {"type": "string"}, "id": {"type": "integer", "readOnly": true}},
                "xml": {"name": "pet"}},
        "Cat": {"allOf": [{"$ref": "#/definitions/Pet"}, {"type": "object"}]},
    }})));
    let pet = "#/components/schemas/Pet";
    assert_eq!(
        at(&converted, &format!("{pet}/discriminator")),
        &json!({"propertyName": "kind"})
    );
    assert_eq!(
        converted
            .moves
            .origin(&format!("{pet}/discriminator/propertyName")),
        "#/definitions/Pet/discriminator"
    );
    assert_eq!(
        at(&converted, &format!("{pet}/properties/id/readOnly")),
        true
    );
    assert_eq!(at(&converted, &format!("{pet}/xml/name")), "pet");
    generates(&converted);
}

// ---- never a panic ----

#[test]
fn values_of_the_wrong_type_are_carried_over() {
    let converted = convert(doc(json!({"paths": ["/a"]})));
    assert_eq!(at(&converted, "#/paths"), &json!(["/a"]));

    let converted = convert(with_path(
        "/a",
        json!({"get": {"parameters": [{"name": "x"}, 7], "responses": []}}),
    ));
    assert_eq!(
        at(&converted, "#/paths/~1a/get/parameters"),
        &json!([{"name": "x"}, 7])
    );
    assert_eq!(at(&converted, "#/paths/~1a/get/responses"), &json!([]));

    let converted = convert(doc(json!({
        "definitions": [1],
        "parameters": "p",
        "responses": 3,
        "securityDefinitions": null,
        "consumes": "application/json",
        "host": 5,
    })));
    assert_eq!(at(&converted, "#/components/schemas"), &json!([1]));
    assert_eq!(at(&converted, "#/components/parameters"), "p");
    assert_eq!(at(&converted, "#/components/responses"), 3);
    assert_eq!(at(&converted, "#/components/securitySchemes"), &Value::Null);
    let pointers: Vec<&str> = messages(&converted).iter().map(|(p, _)| *p).collect();
    assert_eq!(pointers, ["#/consumes", "#/host"]);
}

#[test]
fn a_form_field_without_a_name_is_dropped_with_a_warning() {
    let converted = convert(with_path(
        "/a",
        json!({"post": {"parameters": [{"in": "formData", "type": "string"}], "responses": {}}}),
    ));
    assert!(absent(&converted, "#/paths/~1a/post/requestBody"));
    let (pointer, message) = one_warning(&converted);
    assert_eq!(pointer, "#/paths/~1a/post/parameters/0");
    assert!(message.contains("needs a string `name`"), "{message}");
}

#[test]
fn references_that_do_not_resolve_are_rewritten_for_validation_to_report() {
    let converted = convert(with_path(
        "/a",
        json!({"get": {"parameters": [{"$ref": "#/parameters/missing"}],
                       "responses": {"200": {"$ref": "#/responses/Missing"}}}}),
    ));
    assert_eq!(
        at(&converted, "#/paths/~1a/get/parameters/0/$ref"),
        "#/components/parameters/missing"
    );
    assert_eq!(
        at(&converted, "#/paths/~1a/get/responses/200/$ref"),
        "#/components/responses/Missing"
    );
}

#[test]
fn converters_invent_no_extension_but_those_listed() {
    let text = include_str!("../../../../tests/fixtures/swagger2/collection_formats.yaml");
    let input = yaml(text);
    let converted = convert(input.clone());
    fn extensions(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    if is_extension(key) {
                        out.push(key.clone());
                    }
                    extensions(child, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| extensions(item, out)),
            _ => {}
        }
    }
    let (mut before, mut after) = (Vec::new(), Vec::new());
    extensions(&input, &mut before);
    extensions(&converted.document, &mut after);
    assert!(after.iter().any(|key| key == "x-collection-format"));
    for key in after {
        assert!(
            before.contains(&key) || EXTENSIONS.iter().any(|(listed, _)| *listed == key),
            "{key} is neither in the input nor in EXTENSIONS"
        );
    }
}
