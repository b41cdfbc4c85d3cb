//! The front end: a spec file (and every file it refers to) in, one typed OpenAPI 3.0 document
//! out, with a map back to what the user wrote.
//!
//! One job per step, each in its own module: [`read`](mod@crate::read) (YAML or JSON into a
//! plain value), [`bundle`](mod@crate::bundle) (external `$ref`s resolved into one document),
//! [`normalize`](mod@crate::normalize) (Swagger 2.0 and OpenAPI 3.1 rewritten into the 3.0
//! shape, and 3.0 quirks smoothed), [`parse`](mod@crate::parse) (into `openapiv3`, leaving out or
//! replacing what does not parse). Problems found on the way are warnings located in the
//! original files; only a document that cannot be used at all is an error.

use crate::diagnostic::{Diagnostics, Problems};
use crate::normalize::{self, Version};
use crate::source::{SourceFile, Sources};
use crate::{bundle, parse, read};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub use crate::locate::{Format, line_of, pointer_tokens};
pub use crate::read::format_of;

/// A loaded spec: the typed document, the same document as plain JSON (for pointers and
/// extensions), and where each of its parts came from.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The typed document (OpenAPI 3.0 shape, whatever the input was).
    pub document: openapiv3::OpenAPI,
    /// The document as plain JSON, for walking `$ref`s and extensions by pointer.
    pub raw: Value,
    /// The files it was read from and the maps back into them.
    pub sources: Sources,
    /// What the input was.
    pub version: Version,
    /// What loading tolerated, located in the files the user wrote.
    pub warnings: Diagnostics,
}

impl Spec {
    /// The entry file.
    pub fn file(&self) -> &Path {
        self.sources.entry()
    }

    /// A phase's problems (pointers into [`Spec::raw`]) located in the files the user wrote.
    pub fn locate(&self, problems: Problems) -> Diagnostics {
        self.sources.locate(problems)
    }

    /// The value at a JSON pointer such as `#/components/schemas/Pet`, if there is one.
    pub fn resolve(&self, pointer: &str) -> Option<&Value> {
        value_at(&self.raw, pointer)
    }
}

/// The value at a JSON pointer (`#/a/b` or `/a/b`) inside `root`.
pub fn value_at<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let tokens = pointer_tokens(pointer)?;
    let mut value = root;
    for token in &tokens {
        value = match value {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Reads the spec at `path` and every file it refers to.
pub fn load(path: &Path) -> Result<Spec, Diagnostics> {
    let bytes = std::fs::read(path).map_err(|error| {
        Diagnostics::file_error(
            path,
            None,
            format!("cannot read the spec file {}: {error}", path.display()),
        )
    })?;
    let text = read::text_of(bytes)
        .map_err(|error| Diagnostics::file_error(path, error.line, error.message))?;
    load_source(SourceFile::new(path.to_path_buf(), text, format_of(path)))
}

/// Loads spec text as if read from `file` (whose extension names the format, and whose folder
/// relative references start from).
pub fn load_str(file: &Path, text: &str) -> Result<Spec, Diagnostics> {
    load_source(SourceFile::new(
        file.to_path_buf(),
        text.to_owned(),
        format_of(file),
    ))
}

fn load_source(entry: SourceFile) -> Result<Spec, Diagnostics> {
    let path: PathBuf = entry.path.clone();
    let parsed = read::parse(&entry.text, entry.format)
        .map_err(|error| Diagnostics::file_error(&path, error.line, error.message))?;
    let mut bundle_problems = Problems::default();
    for (at, message) in parsed.warnings {
        bundle_problems.warn(at, message);
    }
    let bundled = bundle::bundle(parsed.value, entry);
    bundle_problems.0.extend(bundled.problems.0);
    let mut sources = Sources {
        files: bundled.files,
        origins: bundled.origins,
        moves: normalize::Moves::default(),
    };
    let version = normalize::version_of(&bundled.document).map_err(|(at, message)| {
        let mut problems = Problems::default();
        problems.error(at, message);
        sources.locate(problems)
    })?;
    let converted = normalize::normalize(bundled.document, version);
    for warning in converted.warnings {
        bundle_problems.warn(warning.pointer, warning.message);
    }
    // Bundle-space problems are located before the normalizing moves apply.
    let mut warnings = sources.locate(bundle_problems);
    let mut document = converted.document;
    sources.moves = converted.moves;
    let mut parse_problems = Problems::default();
    let parsed = parse::parse(&mut document, &mut parse_problems, &mut sources.moves);
    warnings.extend(sources.locate(parse_problems));
    match parsed {
        Ok(typed) => Ok(Spec {
            document: typed,
            raw: document,
            sources,
            version,
            warnings,
        }),
        Err((at, message)) => {
            let mut problems = Problems::default();
            problems.error(at, message);
            let mut diagnostics = sources.locate(problems);
            diagnostics.extend(warnings);
            Err(diagnostics)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn yaml(text: &str) -> Result<Spec, Diagnostics> {
        load_str(Path::new("spec.yaml"), text)
    }

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    #[test]
    fn loads_yaml_and_json() {
        let spec = yaml("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\n").unwrap();
        assert_eq!(spec.document.info.title, "t");
        assert_eq!(spec.version, Version::OpenApi30);
        assert_eq!(spec.resolve("#/info/version"), Some(&Value::from("1")));
        let text = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        let spec = load_str(Path::new("x.json"), text).unwrap();
        assert_eq!(spec.document.openapi, "3.0.0");
    }

    #[test]
    fn a_syntax_error_is_one_error_with_its_line() {
        let error = yaml("openapi: 3.0.3\ninfo:\n  title: [\n").unwrap_err();
        assert_eq!(error.0.len(), 1, "{error}");
        assert_eq!(error.0[0].severity, Severity::Error);
        assert!(error.0[0].line.is_some());
        assert!(error.0[0].message.contains("column"), "{error}");
    }

    #[test]
    fn versions_that_are_not_read_are_errors_at_their_place() {
        let error = yaml("info: {}\nopenapi: 4.0.0\n").unwrap_err();
        assert_eq!(
            (error.0[0].pointer.as_str(), error.0[0].line),
            ("#/openapi", Some(2))
        );
        assert!(
            error.0[0].message.contains("unsupported OpenAPI version"),
            "{error}"
        );
        let error = yaml("- a\n").unwrap_err();
        assert!(error.0[0].message.contains("must be a mapping"), "{error}");
        // A version written as a YAML number is what it looks like.
        let spec = yaml("openapi: 3.0\ninfo: {title: t, version: 1}\npaths: {}\n").unwrap();
        assert_eq!(spec.document.info.version, "1");
    }

    #[test]
    fn shape_problems_are_warnings_at_the_line_the_user_wrote() {
        let spec = yaml(
            "openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /a/{id}:
    get:
      parameters:
        - name: id
          in: path
          required: maybe
      responses:
        '200':
          description: ok
",
        )
        .unwrap();
        let warning = &spec.warnings.0[0];
        assert_eq!(warning.severity, Severity::Warning);
        assert_eq!(warning.pointer, "#/paths/~1a~1{id}/get/parameters/0");
        assert_eq!(warning.line, Some(9));
        assert!(
            warning.message.starts_with("not a valid parameter: "),
            "{}",
            warning.message
        );
    }

    #[test]
    fn references_outside_components_and_percent_encoded_ones_resolve() {
        // As bundlers write them: to another operation's objects, as URI fragments.
        let text = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /keys/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: '(?<=a)b'}}
      responses:
        '404': {description: missing, headers: {x-rate: {schema: {type: integer}}}}
    delete:
      parameters:
        - $ref: '#/paths/~1keys~1%7Bid%7D/get/parameters/0'
      responses:
        '404': {$ref: '#/paths/~1keys~1{id}/get/responses/404'}
        '204':
          description: gone
          headers: {x-rate: {$ref: '#/paths/~1keys~1%7Bid%7D/get/responses/404/headers/x-rate'}}
";
        let spec = yaml(text).unwrap();
        let delete = &spec.document.paths.paths["/keys/{id}"]
            .as_item()
            .unwrap()
            .delete
            .as_ref()
            .unwrap();
        assert!(matches!(
            &delete.parameters[0],
            openapiv3::ReferenceOr::Item(p) if p.parameter_data_ref().name == "id"
        ));
        let (model, warnings) = crate::model_of(&spec).unwrap();
        // The only warning is the pattern regex-lite cannot check, found in both copies and
        // located where it is written (line 7), once.
        assert_eq!(warnings.0.len(), 1, "{warnings}");
        assert_eq!(warnings.0[0].line, Some(7), "{warnings}");
        let op = model
            .operations
            .iter()
            .find(|op| op.http_method == "DELETE")
            .unwrap();
        assert_eq!(op.params.len(), 1);
        assert_eq!(op.errors.len() + op.responses.len(), 2);
    }

    #[test]
    fn an_unreadable_file_names_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.yaml");
        let error = load(&path).unwrap_err();
        assert!(
            error.0[0].message.starts_with("cannot read the spec file"),
            "{error}"
        );
        assert!(error.0[0].message.contains("missing.yaml"), "{error}");
    }

    #[test]
    fn a_spec_split_over_files_is_one_document_located_in_its_files() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                (
                    "openapi.yaml",
                    "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /pets:
    $ref: paths/pets.yaml
  /remote:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'https://example.com/schemas/Thing.yaml'
components:
  schemas:
    Pet:
      type: string
    Local:
      $ref: schemas/Pet.yaml
",
                ),
                (
                    "paths/pets.yaml",
                    "get:
  parameters:
    - $ref: '../common/params.yaml#/Limit'
  responses:
    '200':
      description: ok
      content:
        application/json:
          schema:
            type: array
            items:
              $ref: ../schemas/Pet.yaml
",
                ),
                (
                    "schemas/Pet.yaml",
                    "type: object
properties:
  owner:
    $ref: ./Owner.yaml
  friends:
    type: array
    items:
      $ref: Pet.yaml
  nickname:
    type: string
    maxLength: many
",
                ),
                (
                    "schemas/Owner.yaml",
                    "type: object\nproperties:\n  pet:\n    $ref: Pet.yaml\n  local:\n    $ref: '../openapi.yaml#/components/schemas/Pet'\n",
                ),
                (
                    "common/params.yaml",
                    "Limit:\n  name: limit\n  in: query\n  schema: {type: integer}\n",
                ),
            ],
        );
        let spec = load(&dir.path().join("openapi.yaml")).unwrap();
        let raw = &spec.raw;
        // The entry's own `Pet` keeps its name; the component that only names `Pet.yaml` is that
        // file, and every other reference to the file points to it.
        let schemas = &raw["components"]["schemas"];
        assert_eq!(schemas["Pet"]["type"], "string");
        assert!(schemas.get("Pet2").is_none());
        let pet = &schemas["Local"];
        assert_eq!(pet["type"], "object");
        let local = "#/components/schemas/Local";
        assert_eq!(
            pet["properties"]["owner"]["$ref"],
            "#/components/schemas/Owner"
        );
        assert_eq!(pet["properties"]["friends"]["items"]["$ref"], local);
        let owner = &schemas["Owner"];
        assert_eq!(owner["properties"]["pet"]["$ref"], local);
        assert_eq!(
            owner["properties"]["local"]["$ref"],
            "#/components/schemas/Pet"
        );
        let get = &raw["paths"]["/pets"]["get"];
        assert_eq!(
            get["parameters"][0]["$ref"],
            "#/components/parameters/Limit"
        );
        let items = &get["responses"]["200"]["content"]["application/json"]["schema"]["items"];
        assert_eq!(items["$ref"], local);
        assert_eq!(raw["components"]["parameters"]["Limit"]["name"], "limit");
        assert_eq!(spec.sources.files.len(), 5);

        // A problem in a referenced file names that file and its line.
        let broken = spec
            .warnings
            .0
            .iter()
            .find(|w| w.message.starts_with("`maxLength` must be a whole number"))
            .unwrap_or_else(|| panic!("{}", spec.warnings));
        assert!(broken.file.ends_with("schemas/Pet.yaml"), "{broken}");
        assert_eq!(broken.pointer, "#/properties/nickname/maxLength");
        assert_eq!(broken.line, Some(11));
        // The remote reference is a warning where it is written.
        let remote = spec
            .warnings
            .0
            .iter()
            .find(|w| w.message.contains("is remote"))
            .unwrap_or_else(|| panic!("{}", spec.warnings));
        assert!(remote.file.ends_with("openapi.yaml"), "{remote}");
        assert_eq!(remote.line, Some(13));
    }
}
