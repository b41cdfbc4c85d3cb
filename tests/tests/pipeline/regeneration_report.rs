//! The regeneration report on a table of spec edits (the issue's deliverable): each case is a
//! base spec plus one edit; both are generated through the library, their `public-api.txt`
//! listings compared, the verdict asserted and the report snapshotted.

use generator::report::{Report, Verdict};
use std::path::Path;

/// A small pet store: a read operation with a parameter, two response headers and an error,
/// a create operation with a request body, an input type, an output type and an enum.
const BASE: &str = r#"openapi: 3.0.3
info:
  title: Pets
  version: "1.0"
paths:
  /pets/{pet_id}:
    get:
      operationId: ShowPet
      summary: Shows one pet.
      parameters:
        - name: pet_id
          in: path
          required: true
          description: The pet's ID.
          schema:
            type: string
      responses:
        '200':
          description: The pet.
          headers:
            X-Request-Id:
              description: The request's ID.
              schema:
                type: string
            X-Rate-Limit:
              schema:
                type: integer
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
        '404':
          description: No such pet.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
  /pets:
    post:
      operationId: CreatePet
      summary: Adds a pet.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/NewPet'
      responses:
        '201':
          description: The new pet.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
components:
  schemas:
    Pet:
      type: object
      description: A pet, as the server returns it.
      required: [id, name]
      properties:
        id:
          type: string
        name:
          type: string
        tag:
          type: string
        kind:
          $ref: '#/components/schemas/Kind'
    NewPet:
      type: object
      description: What a new pet needs.
      required: [name]
      properties:
        name:
          type: string
        tag:
          type: string
    Kind:
      type: string
      enum: [dog, cat]
    Error:
      type: object
      properties:
        message:
          type: string
"#;

/// One spec edit: its name (the snapshot's), what it does, the text replacements that make it
/// (each must occur in the base spec), and the verdict it must give.
struct Case {
    name: &'static str,
    what: &'static str,
    edits: &'static [(&'static str, &'static str)],
    verdict: Verdict,
}

const CASES: &[Case] = &[
    Case {
        name: "no_change",
        what: "the same spec twice",
        edits: &[],
        verdict: Verdict::Unchanged,
    },
    Case {
        name: "optional_field_added",
        what: "an optional `age` in the response type Pet",
        edits: &[(
            "        kind:\n          $ref",
            "        age:\n          type: integer\n        kind:\n          $ref",
        )],
        verdict: Verdict::Minor,
    },
    Case {
        name: "required_request_field_added",
        what: "a required `age` in the request type NewPet",
        edits: &[(
            "      required: [name]\n      properties:\n        name:\n          type: string\n        tag:\n          type: string\n    Kind:",
            "      required: [name, age]\n      properties:\n        name:\n          type: string\n        age:\n          type: integer\n        tag:\n          type: string\n    Kind:",
        )],
        verdict: Verdict::Major,
    },
    Case {
        name: "required_response_field_added",
        what: "a required `age` in the output-only type Pet: its readers are unaffected",
        edits: &[
            (
                "      required: [id, name]",
                "      required: [id, name, age]",
            ),
            (
                "        kind:\n          $ref",
                "        age:\n          type: integer\n        kind:\n          $ref",
            ),
        ],
        verdict: Verdict::Minor,
    },
    Case {
        name: "field_removed",
        what: "Pet loses `tag`",
        edits: &[(
            "        tag:\n          type: string\n        kind:",
            "        kind:",
        )],
        verdict: Verdict::Major,
    },
    Case {
        name: "field_type_changed",
        what: "Pet's `id` becomes an integer",
        edits: &[(
            "        id:\n          type: string",
            "        id:\n          type: integer",
        )],
        verdict: Verdict::Major,
    },
    Case {
        name: "request_field_made_required",
        what: "NewPet's `tag` becomes required",
        edits: &[("      required: [name]\n", "      required: [name, tag]\n")],
        verdict: Verdict::Major,
    },
    Case {
        name: "response_field_made_optional",
        what: "Pet's `name` is no longer required: readers get an Option",
        edits: &[("      required: [id, name]", "      required: [id]")],
        verdict: Verdict::Major,
    },
    Case {
        name: "enum_value_added",
        what: "Kind gains `fish`",
        edits: &[("enum: [dog, cat]", "enum: [dog, cat, fish]")],
        verdict: Verdict::Minor,
    },
    Case {
        name: "enum_value_removed",
        what: "Kind loses `cat`",
        edits: &[("enum: [dog, cat]", "enum: [dog]")],
        verdict: Verdict::Major,
    },
    Case {
        name: "operation_added",
        what: "DELETE /pets/{pet_id}",
        edits: &[(
            "  /pets:\n",
            "    delete:\n      operationId: DeletePet\n      parameters:\n        - name: pet_id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '204':\n          description: Deleted.\n  /pets:\n",
        )],
        verdict: Verdict::Minor,
    },
    Case {
        name: "operation_removed",
        what: "POST /pets goes; NewPet stays, used by nothing",
        edits: &[(
            "  /pets:\n    post:\n      operationId: CreatePet\n      summary: Adds a pet.\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/NewPet'\n      responses:\n        '201':\n          description: The new pet.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Pet'\n",
            "",
        )],
        verdict: Verdict::Major,
    },
    Case {
        name: "description_edited",
        what: "Pet's description and ShowPet's summary reworded",
        edits: &[
            (
                "A pet, as the server returns it.",
                "A pet as the server returns it.",
            ),
            ("Shows one pet.", "Shows a pet."),
        ],
        verdict: Verdict::Patch,
    },
    Case {
        name: "optional_parameter_added",
        what: "ShowPet takes an optional query parameter `verbose`",
        edits: &[(
            "          description: The pet's ID.\n          schema:\n            type: string\n",
            "          description: The pet's ID.\n          schema:\n            type: string\n        - name: verbose\n          in: query\n          schema:\n            type: boolean\n",
        )],
        verdict: Verdict::Minor,
    },
    Case {
        name: "required_parameter_added",
        what: "ShowPet needs a header `X-Zone`",
        edits: &[(
            "          description: The pet's ID.\n          schema:\n            type: string\n",
            "          description: The pet's ID.\n          schema:\n            type: string\n        - name: X-Zone\n          in: header\n          required: true\n          schema:\n            type: string\n",
        )],
        verdict: Verdict::Major,
    },
    Case {
        name: "error_status_added",
        what: "ShowPet documents a 500",
        edits: &[(
            "        '404':\n          description: No such pet.\n",
            "        '500':\n          description: The server failed.\n        '404':\n          description: No such pet.\n",
        )],
        verdict: Verdict::Minor,
    },
    Case {
        name: "response_header_removed",
        what: "ShowPet's 200 no longer declares X-Rate-Limit",
        edits: &[(
            "            X-Rate-Limit:\n              schema:\n                type: integer\n",
            "",
        )],
        verdict: Verdict::Major,
    },
    Case {
        name: "single_body_becomes_a_choice",
        what: "CreatePet may also answer 202 with an Error body: the method returns an enum",
        edits: &[(
            "                $ref: '#/components/schemas/Pet'\ncomponents:",
            "                $ref: '#/components/schemas/Pet'\n        '202':\n          description: Accepted.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Error'\ncomponents:",
        )],
        verdict: Verdict::Major,
    },
    Case {
        name: "output_type_becomes_input",
        what: "a new PUT /pets/{pet_id} takes a Pet: the output type is now also built by callers",
        edits: &[(
            "  /pets:\n",
            "    put:\n      operationId: ReplacePet\n      parameters:\n        - name: pet_id\n          in: path\n          required: true\n          schema:\n            type: string\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Pet'\n      responses:\n        '204':\n          description: Replaced.\n  /pets:\n",
        )],
        verdict: Verdict::Minor,
    },
];

/// The public-api.txt of a spec, generated through the library.
fn listing(text: &str) -> String {
    let spec = generator::load::load_str(Path::new("pets.yaml"), text)
        .unwrap_or_else(|diagnostics| panic!("the spec does not load:\n{diagnostics}"));
    let generated = generator::generate_from_spec(&spec, "pets.yaml")
        .unwrap_or_else(|error| panic!("the spec does not generate:\n{error}"));
    assert!(
        generated.warnings.is_empty(),
        "warnings:\n{}",
        generated.warnings
    );
    generated
        .files
        .into_iter()
        .find(|file| file.path == Path::new(generator::api::LISTING_FILE))
        .map(|file| file.contents)
        .unwrap_or_else(|| panic!("no {} was generated", generator::api::LISTING_FILE))
}

fn edited(case: &Case) -> String {
    let mut text = BASE.to_owned();
    for (from, to) in case.edits {
        assert!(
            text.contains(from),
            "{}: the edit's text is not in the spec:\n{from}",
            case.name
        );
        text = text.replacen(from, to, 1);
    }
    text
}

#[test]
fn spec_edits_give_their_verdicts() {
    let base = listing(BASE);
    for case in CASES {
        let report: Report = generator::report::compare(&base, &listing(&edited(case)));
        assert_eq!(
            report.verdict(),
            Some(case.verdict),
            "{} ({}):\n{report}",
            case.name,
            case.what
        );
        insta::with_settings!({ description => case.what, omit_expression => true }, {
            insta::assert_snapshot!(case.name, report.to_string());
        });
    }
}

/// Every edit is a real edit (no-change aside), and the names are unique.
#[test]
fn the_table_is_well_formed() {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CASES.len(), "case names are unique");
    for case in CASES.iter().filter(|c| !c.edits.is_empty()) {
        assert_ne!(edited(case), BASE, "{} edits something", case.name);
    }
}

/// Regenerating from the edited spec and then from the base again reverses the report:
/// what was added is removed.
#[test]
fn the_reverse_edit_reverses_the_classes() {
    let base = listing(BASE);
    let Some(case) = CASES.iter().find(|c| c.name == "operation_added") else {
        panic!("the table has operation_added");
    };
    let new = listing(&edited(case));
    let forward = generator::report::compare(&base, &new);
    let backward = generator::report::compare(&new, &base);
    assert_eq!(forward.verdict(), Some(Verdict::Minor));
    assert_eq!(backward.verdict(), Some(Verdict::Major));
    assert_eq!(
        backward.to_string(),
        "breaking  operation removed: Client::delete_pet\npublic API: major (1 breaking, 0 additive, 0 documentation)\n"
    );
}
