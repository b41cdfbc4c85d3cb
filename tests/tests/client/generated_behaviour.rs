//! What generated types do at run time. `build.rs` generates the types of a few fixture specs;
//! they are compiled here against the real runtime (`crate::runtime`, as in a generated crate)
//! and exercised: unions dispatched on their discriminator, enum fallbacks, absent/null/value,
//! recursion, maps and constraint checks.
// Not every generated type is used by the tests.
#![allow(dead_code)]

use metastudio::Error;
use metastudio::runtime::validate::Validate;
use serde_json::json;

mod allof {
    include!(concat!(env!("OUT_DIR"), "/allof_types.rs"));
}
mod constraints {
    include!(concat!(env!("OUT_DIR"), "/constraints_types.rs"));
}
mod maps {
    include!(concat!(env!("OUT_DIR"), "/maps_types.rs"));
}
mod nullable {
    include!(concat!(env!("OUT_DIR"), "/nullable_and_defaults_types.rs"));
}
mod nullable_items {
    include!(concat!(env!("OUT_DIR"), "/nullable_items_types.rs"));
}
mod oneof {
    include!(concat!(env!("OUT_DIR"), "/oneof_anyof_types.rs"));
}
mod recursive {
    include!(concat!(env!("OUT_DIR"), "/recursive_types.rs"));
}
mod enums {
    include!(concat!(env!("OUT_DIR"), "/string_enums_types.rs"));
}

fn rule(result: Result<(), Error>) -> String {
    match result {
        Err(Error::Validation { parameter, rule }) => format!("{parameter}: {rule}"),
        other => format!("not a validation error: {other:?}"),
    }
}

#[test]
fn a_discriminated_union_reads_the_variant_its_tag_names() {
    use oneof::{Cat, Dog, Pet};
    let dog: Pet = serde_json::from_value(json!({"pet_type": "dog", "good": true})).unwrap();
    assert_eq!(
        dog,
        Pet::Dog(Dog {
            pet_type: "dog".into(),
            good: Some(true)
        }),
        "untagged matching would have read a Cat: the tag decides"
    );
    let cat: Pet = serde_json::from_value(json!({"pet_type": "cat", "lives": 9})).unwrap();
    assert_eq!(
        cat,
        Pet::Cat(Cat {
            pet_type: "cat".into(),
            lives: Some(9)
        })
    );
    // Written back as the variant itself, tag included once.
    assert_eq!(
        serde_json::to_value(&dog).unwrap(),
        json!({"pet_type": "dog", "good": true})
    );
    let unknown = serde_json::from_value::<Pet>(json!({"pet_type": "fish"})).unwrap_err();
    assert!(
        unknown
            .to_string()
            .contains("unknown `pet_type` value \"fish\""),
        "{unknown}"
    );
    let missing = serde_json::from_value::<Pet>(json!({"good": true})).unwrap_err();
    assert!(missing.to_string().contains("pet_type"), "{missing}");
}

#[test]
fn without_a_mapping_the_tag_values_are_the_schema_names() {
    use oneof::Shape;
    let shape: Shape = serde_json::from_value(json!({"kind": "Square", "side": 2.0})).unwrap();
    assert!(
        matches!(shape, Shape::Square(ref s) if s.side == 2.0),
        "{shape:?}"
    );
}

#[test]
fn an_untagged_union_takes_the_first_shape_that_fits() {
    use oneof::{HolderId, Value};
    assert_eq!(
        serde_json::from_value::<HolderId>(json!("abc")).unwrap(),
        HolderId::String("abc".into())
    );
    assert_eq!(
        serde_json::from_value::<HolderId>(json!(7)).unwrap(),
        HolderId::Integer(7)
    );
    assert!(matches!(
        serde_json::from_value::<Value>(json!({"kind": "Circle", "radius": 1.5})).unwrap(),
        Value::Circle(_)
    ));
}

#[test]
fn string_enums_keep_values_the_client_does_not_know() {
    use enums::{Clash, Status};
    assert_eq!(
        serde_json::from_value::<Status>(json!("in-progress")).unwrap(),
        Status::InProgress
    );
    let new = serde_json::from_value::<Status>(json!("archived")).unwrap();
    assert_eq!(new, Status::Unknown("archived".into()));
    assert_eq!(new.as_str(), "archived");
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("archived"));
    assert_eq!(
        serde_json::to_value(Status::InProgress).unwrap(),
        json!("in-progress")
    );
    // Three wire values that name the same Rust identifier stay three variants.
    for (wire, variant) in [
        ("in-progress", Clash::InProgress),
        ("in_progress", Clash::InProgress2),
        ("InProgress", Clash::InProgress3),
    ] {
        assert_eq!(
            serde_json::from_value::<Clash>(json!(wire)).unwrap(),
            variant
        );
        assert_eq!(variant.to_string(), wire);
    }
}

#[test]
fn optional_nullable_fields_tell_absent_null_and_value_apart() {
    use nullable::Settings;
    let absent: Settings =
        serde_json::from_value(json!({"name": "n", "nickname": null, "theme": null})).unwrap();
    assert_eq!(absent.timeout, None);
    let null: Settings = serde_json::from_value(
        json!({"name": "n", "nickname": null, "theme": null, "timeout": null}),
    )
    .unwrap();
    assert_eq!(null.timeout, Some(None));
    let value: Settings =
        serde_json::from_value(json!({"name": "n", "nickname": null, "theme": null, "timeout": 5}))
            .unwrap();
    assert_eq!(value.timeout, Some(Some(5)));

    let written = serde_json::to_value(&null).unwrap();
    assert_eq!(
        written.get("timeout"),
        Some(&serde_json::Value::Null),
        "null is sent"
    );
    assert_eq!(
        written.get("nickname"),
        Some(&serde_json::Value::Null),
        "required nullable is sent"
    );
    let written = serde_json::to_value(&absent).unwrap();
    assert_eq!(written.get("timeout"), None, "absent is not sent");
}

#[test]
fn structs_read_as_serde_derive_read_them() {
    use nullable::Settings;
    let read = |json: &str| serde_json::from_str::<Settings>(json).map_err(|e| e.to_string());
    assert_eq!(
        read(r#"{"nickname": null, "theme": null}"#)
            .err()
            .as_deref(),
        Some("missing field `name` at line 1 column 33")
    );
    assert_eq!(
        read(r#"{"name": "a", "name": "b"}"#).err().as_deref(),
        Some("duplicate field `name` at line 1 column 20")
    );
    assert_eq!(
        read(r#""settings""#).err().as_deref(),
        Some("invalid type: string \"settings\", expected struct Settings at line 1 column 10")
    );
    assert_eq!(
        read(r#"["n", null, null]"#).err().as_deref(),
        Some("invalid type: sequence, expected struct Settings at line 1 column 1"),
        "no JSON API sends a struct as an array of its fields"
    );
    // A required nullable field left out is `None`, as the derive read it; unknown keys are
    // skipped whatever they hold; an escaped key is its text.
    let settings =
        read(r#"{"n\u0061me": "n", "other": {"deep": [1, {"x": null}]}, "language": "de"}"#)
            .unwrap();
    assert_eq!(settings.name, "n");
    assert_eq!((settings.nickname, settings.theme), (None, None));
    assert_eq!(settings.language.as_deref(), Some("de"));
    // From a `serde_json::Value` (owned keys), and through `Option` and `Box` around it.
    let boxed: Option<Box<Settings>> = serde_json::from_value(json!({"name": "v"})).unwrap();
    assert_eq!(boxed.map(|settings| settings.name).as_deref(), Some("v"));
}

#[test]
fn null_array_items_and_map_values_decode_and_only_values_are_checked() {
    use nullable_items::Scores;
    let body =
        json!({"scores": [1, null, 3], "by_name": {"a": null, "b": "x"}, "anything": [null]});
    let scores: Scores = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(scores.scores, Some(vec![Some(1), None, Some(3)]));
    let by_name = scores.by_name.as_ref().unwrap();
    assert_eq!(by_name["a"], None);
    assert_eq!(by_name["b"].as_deref(), Some("x"));
    assert_eq!(serde_json::to_value(&scores).unwrap(), body);
    assert!(scores.validate_at("body").is_ok());

    let negative: Scores = serde_json::from_value(json!({"scores": [null, -1]})).unwrap();
    let error = rule(negative.validate_at("body"));
    assert!(error.contains("scores[1]"), "{error}");

    // Items of a referenced nullable schema.
    let notes: Scores = serde_json::from_value(json!({"notes": [null, {"text": "a"}]})).unwrap();
    let notes = notes.notes.unwrap();
    assert!(notes[0].is_none());
    assert_eq!(notes[1].as_ref().and_then(|n| n.text.as_deref()), Some("a"));
}

#[test]
fn recursive_types_nest_through_boxes_vectors_and_maps() {
    use recursive::TreeNode;
    let tree: TreeNode = serde_json::from_value(json!({
        "value": "root",
        "children": [{"value": "a", "children": [{"value": "a1"}]}],
        "by_name": {"b": {"value": "b", "parent": {"value": "root"}}}
    }))
    .unwrap();
    let children = tree.children.as_ref().unwrap();
    assert_eq!(children[0].children.as_ref().unwrap()[0].value, "a1");
    let b = &tree.by_name.as_ref().unwrap()["b"];
    assert_eq!(b.parent.as_ref().unwrap().value, "root");
}

#[test]
fn all_of_merges_every_part_into_one_struct() {
    use allof::{AuditedPet, Pet};
    let pet: Pet = serde_json::from_value(json!({"name": "rex", "id": 1})).unwrap();
    assert_eq!((pet.name.as_str(), pet.id), ("rex", 1));
    assert!(
        serde_json::from_value::<Pet>(json!({"name": "rex"})).is_err(),
        "`id` is required by the second part"
    );
    let audited: AuditedPet =
        serde_json::from_value(json!({"name": "rex", "id": 1, "created_by": "me", "revision": 3}))
            .unwrap();
    assert_eq!(
        (audited.created_by.as_str(), audited.revision),
        ("me", Some(3))
    );
}

#[test]
fn maps_keep_every_entry() {
    use maps::Inventory;
    let inventory: Inventory = serde_json::from_value(json!({
        "labels": {"a": "1", "b": "2"},
        "counters": {"x": 3},
        "metadata": {"anything": [1, {"deep": true}]}
    }))
    .unwrap();
    assert_eq!(inventory.labels.as_ref().unwrap()["b"], "2");
    assert_eq!(inventory.counters.as_ref().unwrap()["x"], 3);
    assert_eq!(
        inventory.metadata.as_ref().unwrap()["anything"],
        json!([1, {"deep": true}])
    );
}

#[test]
fn constraints_name_the_field_and_the_rule() {
    use constraints::SearchOptions;
    let valid: SearchOptions = serde_json::from_value(json!({
        "name": "abc",
        "ratio": 1.0,
        "retries": 10,
        "amount": 0.3,
        "tags": ["a", "b"],
        "nonempty": [1, 2],
        "no_chinese": "user-1"
    }))
    .unwrap();
    assert_eq!(valid.validate_at("body").map_err(|e| e.to_string()), Ok(()));

    let cases: Vec<(SearchOptions, &str)> = vec![
        (
            SearchOptions {
                name: "a".into(),
                ..valid.clone()
            },
            "body.name: must be at least 2 characters long (is 1)",
        ),
        (
            SearchOptions {
                name: "a-b".into(),
                ..valid.clone()
            },
            "body.name: must match the pattern `^\\w+$`",
        ),
        (
            SearchOptions {
                ratio: 2.0,
                ..valid.clone()
            },
            "body.ratio: must be less than 2 (is 2)",
        ),
        (
            SearchOptions {
                ratio: 0.25,
                ..valid.clone()
            },
            "body.ratio: must be at least 0.5 (is 0.25)",
        ),
        (
            SearchOptions {
                retries: Some(0),
                ..valid.clone()
            },
            "body.retries: must be greater than 0 (is 0)",
        ),
        (
            SearchOptions {
                amount: Some(0.015),
                ..valid.clone()
            },
            "body.amount: must be a multiple of 0.01 (is 0.015)",
        ),
        (
            SearchOptions {
                tags: Some(vec!["a".into(), "a".into()]),
                ..valid.clone()
            },
            "body.tags: must have unique items (item 1 repeats an earlier one)",
        ),
        (
            SearchOptions {
                tags: Some(vec![String::new()]),
                ..valid.clone()
            },
            "body.tags[0]: must be at least 1 characters long (is 0)",
        ),
        (
            SearchOptions {
                nonempty: Some(vec![1]),
                ..valid.clone()
            },
            "body.nonempty: must have at least 2 items (has 1)",
        ),
        (
            SearchOptions {
                no_chinese: Some("用户".into()),
                ..valid.clone()
            },
            "body.no_chinese: must match the pattern `^[^\\u4e00-\\u9fa5]*$`",
        ),
    ];
    for (value, expected) in cases {
        assert_eq!(rule(value.validate_at("body")), expected);
    }
}

mod composition {
    include!(concat!(env!("OUT_DIR"), "/composition_edge_cases_types.rs"));
}

#[test]
fn an_all_of_with_a_union_part_reads_and_writes_both() {
    use composition::{Created, Deleted, Event, Payload};
    let event: Event =
        serde_json::from_value(json!({"id": "e1", "type": "deleted", "reason": "spam"})).unwrap();
    assert_eq!(event.id, "e1");
    assert_eq!(
        event.payload,
        Payload::Deleted(Deleted {
            type_: "deleted".into(),
            reason: Some("spam".into())
        }),
        "the bare-name mapping `deleted: Deleted` picks the variant"
    );
    let created = Event {
        id: "e2".into(),
        payload: Payload::Created(Created {
            type_: "created".into(),
            name: "n".into(),
        }),
    };
    assert_eq!(
        serde_json::to_value(&created).unwrap(),
        json!({"id": "e2", "type": "created", "name": "n"})
    );
}

#[test]
fn a_property_named_like_the_map_of_others_keeps_both() {
    use composition::Note;
    let note: Note = serde_json::from_value(
        json!({"additional_properties": "named so", "extra": 3, "anything_but_a_number": [1]}),
    )
    .unwrap();
    assert_eq!(note.additional_properties.as_deref(), Some("named so"));
    assert_eq!(note.additional_properties2.get("extra"), Some(&3));
    assert_eq!(note.anything_but_a_number, Some(json!([1])));
}

mod media {
    include!(concat!(env!("OUT_DIR"), "/media_types_types.rs"));
}

#[test]
fn a_multipart_body_sends_binary_properties_as_file_parts() {
    let upload = media::UploadBody {
        file: bytes::Bytes::from_static(&[0x00, 0xFF, 0x0D, 0x0A, 0x89]),
        comment: Some("scan".into()),
    };
    let written = metastudio::runtime::encode::multipart_body(&upload).unwrap();
    let boundary = written
        .content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("the content type names the boundary");
    let body = written.bytes.clone();
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&[0x00, 0xFF, 0x0D, 0x0A, 0x89]);
    expected.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nscan\r\n\
             --{boundary}--\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(
        body, expected,
        "the file's bytes go out untouched, not as text"
    );
}

#[test]
fn all_of_a_non_object_ref_with_annotation_parts_is_that_type() {
    use composition::{Device, Kind};
    let device: Device = serde_json::from_value(json!({
        "id": "39b9cedc-cec1-f19b-33d8-f7ce1a6d35b9",
        "kind": "tablet",
        "label": "desk"
    }))
    .unwrap();
    assert_eq!(device.kind, Kind::Tablet);
    assert_eq!(device.label, "desk");
    let empty: Kind = serde_json::from_value(json!("")).unwrap();
    assert_eq!(empty, Kind::Empty, "an empty string is a value too");

    // The referenced schema's `minLength: 1` and the annotating part's `maxLength: 10` both hold.
    assert_eq!(
        device.validate_at("body").map_err(|e| e.to_string()),
        Ok(())
    );
    let short = Device {
        label: String::new(),
        ..device.clone()
    };
    assert_eq!(
        rule(short.validate_at("body")),
        "body.label: must be at least 1 characters long (is 0)"
    );
    let long = Device {
        label: "x".repeat(11),
        ..device
    };
    assert_eq!(
        rule(long.validate_at("body")),
        "body.label: must be at most 10 characters long (is 11)"
    );
}
