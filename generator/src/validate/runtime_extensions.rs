//! The extensions the runtime reads through the generated `SERVICE`: `x-error-fields` and
//! `x-content-type-without-body` at the root, and `x-client-parameter-headers` and
//! `x-signature-errors` on a signed security scheme.

use super::{Checker, describe, join};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

impl Checker<'_> {
    /// The runtime's extensions are well formed.
    pub(super) fn runtime_extensions(&mut self) {
        let raw = self.raw;
        if let Some(fields) = raw.get("x-error-fields") {
            self.error_fields(fields);
        }
        if let Some(content_type) = raw.get("x-content-type-without-body") {
            self.content_type_without_body(content_type);
        }
        if let Some(Value::Object(schemes)) = raw.pointer("/components/securitySchemes") {
            let parameters = client_parameter_names(raw);
            for (name, scheme) in schemes {
                if let Some(headers) = scheme.get("x-client-parameter-headers") {
                    let at = join(
                        &join("#/components/securitySchemes", name),
                        "x-client-parameter-headers",
                    );
                    self.parameter_headers(scheme, headers, &at, &parameters);
                }
                if let Some(errors) = scheme.get("x-signature-errors") {
                    let at = join(
                        &join("#/components/securitySchemes", name),
                        "x-signature-errors",
                    );
                    self.signature_errors(scheme, errors, &at);
                }
            }
        }
    }

    /// `x-error-fields`: a list of `{code, message}` mappings of field names.
    fn error_fields(&mut self, fields: &Value) {
        let at = "#/x-error-fields";
        let Value::Array(pairs) = fields else {
            self.warn(
                at,
                format!(
                    "`x-error-fields` must be a list of {{code, message}} mappings naming the \
                     fields of an error body, not {}",
                    describe(fields)
                ),
            );
            return;
        };
        for (index, pair) in pairs.iter().enumerate() {
            let pair_at = join(at, &index.to_string());
            let Value::Object(pair) = pair else {
                self.warn(
                    &pair_at,
                    format!(
                        "each `x-error-fields` entry is a mapping {{code: <field>, message: \
                         <field>}}, not {}",
                        describe(pair)
                    ),
                );
                continue;
            };
            for key in ["code", "message"] {
                match pair.get(key) {
                    Some(Value::String(name)) if !name.is_empty() => {}
                    Some(other) => self.warn(
                        &join(&pair_at, key),
                        format!(
                            "`{key}` must name a field of the error body, not {}",
                            describe(other)
                        ),
                    ),
                    None => self.warn(
                        &pair_at,
                        format!(
                            "this `x-error-fields` entry has no `{key}`: add `{key}: <field name>`"
                        ),
                    ),
                }
            }
            for key in pair
                .keys()
                .filter(|key| !matches!(key.as_str(), "code" | "message"))
            {
                self.warn(
                    &join(&pair_at, key),
                    format!("unknown field `{key}` in an `x-error-fields` entry; the fields are `code` and `message`"),
                );
            }
        }
    }

    /// `x-content-type-without-body`: a media type that can be sent as a header value.
    fn content_type_without_body(&mut self, content_type: &Value) {
        let at = "#/x-content-type-without-body";
        let valid = content_type.as_str().is_some_and(|text| {
            text.contains('/')
                && text.trim() == text
                && text
                    .chars()
                    .all(|c| c == ' ' || c == '\t' || c.is_ascii_graphic())
        });
        if !valid {
            self.warn(
                at,
                format!(
                    "`x-content-type-without-body` must be a media type such as \
                     `application/json` (one line of ASCII), not {}",
                    describe(content_type)
                ),
            );
        }
    }

    /// `x-client-parameter-headers` on a scheme: a mapping from header names to client
    /// parameters, read only where the runtime signs (`x-signer`).
    fn parameter_headers(
        &mut self,
        scheme: &Value,
        headers: &Value,
        at: &str,
        parameters: &BTreeSet<String>,
    ) {
        if scheme.get("x-signer").is_none() {
            self.warn(
                at,
                "`x-client-parameter-headers` is only read on a scheme with `x-signer`: the \
                 runtime adds these headers to the requests it signs",
            );
        }
        let Value::Object(headers) = headers else {
            self.warn(
                at,
                format!(
                    "`x-client-parameter-headers` must map header names to client parameters \
                     (`X-Project-Id: project_id`), not {}",
                    describe(headers)
                ),
            );
            return;
        };
        for (header, parameter) in headers {
            let header_at = join(at, header);
            if !is_header_name(header) {
                self.warn(
                    &header_at,
                    format!(
                        "`{}` is not a valid HTTP header name",
                        header.escape_debug()
                    ),
                );
            }
            match parameter {
                Value::String(name) if parameters.contains(name) => {}
                Value::String(name) => self.warn(
                    &header_at,
                    format!(
                        "`{name}` is not a client parameter: mark a parameter named `{name}` \
                         `x-client-parameter: true`{}",
                        known(parameters)
                    ),
                ),
                other => self.warn(
                    &header_at,
                    format!(
                        "the header must name a client parameter, not {}",
                        describe(other)
                    ),
                ),
            }
        }
    }
}

impl Checker<'_> {
    /// `x-signature-errors` on a signed scheme: `expired` and `mismatch` (a text or a list of
    /// texts) and `canonical_request: {after, separator}`.
    fn signature_errors(&mut self, scheme: &Value, errors: &Value, at: &str) {
        if scheme.get("x-signer").is_none() {
            self.warn(
                at,
                "`x-signature-errors` is only read on a scheme with `x-signer`: it describes \
                 how the service refuses a signature",
            );
        }
        let Value::Object(errors) = errors else {
            self.warn(
                at,
                format!(
                    "`x-signature-errors` must be a mapping with `expired`, `mismatch` and \
                     `canonical_request`, not {}",
                    describe(errors)
                ),
            );
            return;
        };
        for (key, value) in errors {
            let key_at = join(at, key);
            match key.as_str() {
                "expired" | "mismatch" => self.texts(&key_at, key, value),
                "canonical_request" => self.canonical_request_echo(&key_at, value),
                _ => self.warn(
                    &key_at,
                    format!(
                        "unknown field `{key}` in `x-signature-errors`; the fields are \
                         `expired`, `mismatch` and `canonical_request`"
                    ),
                ),
            }
        }
    }

    /// A text, or a list of texts, none of them empty.
    fn texts(&mut self, at: &str, key: &str, value: &Value) {
        let texts: Vec<(String, &Value)> = match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(index, item)| (join(at, &index.to_string()), item))
                .collect(),
            other => vec![(at.to_owned(), other)],
        };
        for (item_at, item) in texts {
            match item {
                Value::String(text) if !text.trim().is_empty() => {}
                other => self.warn(
                    &item_at,
                    format!(
                        "`{key}` lists texts the service's error messages contain, each a \
                         non-empty string, not {}",
                        describe(other)
                    ),
                ),
            }
        }
    }

    /// `{after: <marker>, separator: <text>}`.
    fn canonical_request_echo(&mut self, at: &str, value: &Value) {
        let Value::Object(echo) = value else {
            self.warn(
                at,
                format!(
                    "`canonical_request` is a mapping {{after: <the text the echoed canonical \
                     request follows>, separator: <what joins its lines>}}, not {}",
                    describe(value)
                ),
            );
            return;
        };
        for key in ["after", "separator"] {
            match echo.get(key) {
                Some(Value::String(text)) if !text.is_empty() => {}
                Some(other) => self.warn(
                    &join(at, key),
                    format!(
                        "`{key}` must be a non-empty string, not {}",
                        describe(other)
                    ),
                ),
                None => self.warn(
                    at,
                    format!("`canonical_request` has no `{key}`: add `{key}: <text>`"),
                ),
            }
        }
        for key in echo
            .keys()
            .filter(|key| !matches!(key.as_str(), "after" | "separator"))
        {
            self.warn(
                &join(at, key),
                format!(
                    "unknown field `{key}` in `canonical_request`; the fields are `after` and \
                     `separator`"
                ),
            );
        }
    }
}

/// ` (the client parameters are: a, b)`, or nothing when there are none.
fn known(parameters: &BTreeSet<String>) -> String {
    if parameters.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = parameters.iter().map(String::as_str).collect();
        format!(" (the client parameters are: {})", names.join(", "))
    }
}

/// An HTTP token (RFC 9110): letters, digits and ``!#$%&'*+-.^_`|~``.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// The names of the parameters marked `x-client-parameter: true`, in components and inline
/// in paths and operations.
fn client_parameter_names(raw: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut collect = |parameter: &Value| {
        if parameter.get("x-client-parameter") == Some(&Value::Bool(true))
            && let Some(name) = parameter.get("name").and_then(Value::as_str)
        {
            names.insert(name.to_owned());
        }
    };
    if let Some(Value::Object(parameters)) = raw.pointer("/components/parameters") {
        parameters.values().for_each(&mut collect);
    }
    if let Some(Value::Object(paths)) = raw.get("paths") {
        for item in paths.values().filter_map(Value::as_object) {
            for list in parameter_lists(item) {
                list.iter().for_each(&mut collect);
            }
        }
    }
    names
}

/// A path item's own parameter list and its operations'.
fn parameter_lists(item: &Map<String, Value>) -> Vec<&Vec<Value>> {
    let own = item.get("parameters").and_then(Value::as_array);
    let operations = item
        .values()
        .filter_map(|operation| operation.get("parameters")?.as_array());
    own.into_iter().chain(operations).collect()
}

#[cfg(test)]
mod tests {
    use super::super::validate;
    use std::path::Path;

    fn check(body: &str) -> Vec<(String, String)> {
        let text =
            format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {{}}\n{body}");
        let spec = crate::load::load_str(Path::new("spec.yaml"), &text)
            .unwrap_or_else(|d| panic!("does not load: {d}"));
        let (_, problems) = validate(&spec);
        problems
            .0
            .into_iter()
            .filter(|p| !p.message.contains("nothing to generate"))
            .map(|p| (p.pointer, p.message))
            .collect()
    }

    fn has(found: &[(String, String)], pointer: &str, needle: &str) -> bool {
        found
            .iter()
            .any(|(p, m)| p == pointer && m.contains(needle))
    }

    const SCHEMES: &str = "components:
  parameters:
    P: {name: project_id, in: path, required: true, x-client-parameter: true, schema: {type: string}}
  securitySchemes:
    signed:
      type: apiKey
      in: header
      name: Authorization
      x-signer: sdk-hmac-sha256
      x-client-parameter-headers: HEADERS
";

    #[test]
    fn well_formed_extensions_pass() {
        let found = check(&format!(
            "x-error-fields:\n  - {{code: error_code, message: error_msg}}\nx-content-type-without-body: application/json\n{}",
            SCHEMES.replace("HEADERS", "{X-Project-Id: project_id}")
        ));
        assert_eq!(found, []);
    }

    #[test]
    fn error_fields_are_checked() {
        let found = check("x-error-fields: code\n");
        assert!(
            has(&found, "#/x-error-fields", "must be a list"),
            "{found:?}"
        );
        let found = check(
            "x-error-fields:\n  - {code: c}\n  - {code: 1, message: m, extra: x}\n  - plain\n",
        );
        assert!(
            has(&found, "#/x-error-fields/0", "has no `message`"),
            "{found:?}"
        );
        assert!(
            has(&found, "#/x-error-fields/1/code", "must name a field"),
            "{found:?}"
        );
        assert!(
            has(&found, "#/x-error-fields/1/extra", "unknown field `extra`"),
            "{found:?}"
        );
        assert!(
            has(&found, "#/x-error-fields/2", "is a mapping"),
            "{found:?}"
        );
    }

    #[test]
    fn the_bodiless_content_type_is_a_media_type() {
        for bad in ["json", "3", "\"application/json\\nX: y\""] {
            let found = check(&format!("x-content-type-without-body: {bad}\n"));
            assert!(
                has(
                    &found,
                    "#/x-content-type-without-body",
                    "must be a media type"
                ),
                "{bad}: {found:?}"
            );
        }
    }

    #[test]
    fn parameter_headers_name_client_parameters_on_signed_schemes() {
        let found = check(&SCHEMES.replace(
            "HEADERS",
            "{X-Project-Id: tenant, 'Bad Header': project_id}",
        ));
        let at = "#/components/securitySchemes/signed/x-client-parameter-headers";
        assert!(
            has(
                &found,
                &format!("{at}/X-Project-Id"),
                "`tenant` is not a client parameter"
            ),
            "{found:?}"
        );
        assert!(
            has(&found, &format!("{at}/X-Project-Id"), "are: project_id"),
            "{found:?}"
        );
        assert!(
            has(
                &found,
                &format!("{at}/Bad Header"),
                "not a valid HTTP header name"
            ),
            "{found:?}"
        );
        let unsigned = SCHEMES
            .replace("HEADERS", "{X-Project-Id: project_id}")
            .replace("      x-signer: sdk-hmac-sha256\n", "");
        assert!(has(
            &check(&unsigned),
            at,
            "only read on a scheme with `x-signer`"
        ));
        let found = check(&SCHEMES.replace("HEADERS", "[X-Project-Id]"));
        assert!(has(&found, at, "must map header names"), "{found:?}");
    }

    /// `SCHEMES` with `x-signature-errors: <errors>` on the signed scheme.
    fn with_signature_errors(errors: &str) -> String {
        format!(
            "{}      x-signature-errors: {errors}\n",
            SCHEMES.replace("HEADERS", "{X-Project-Id: project_id}")
        )
    }

    #[test]
    fn signature_errors_are_checked() {
        let well_formed = with_signature_errors(
            "{expired: signature expired, mismatch: [verify aksk signature fail, does not match], \
             canonical_request: {after: 'canonicalRequest:', separator: '|'}}",
        );
        assert_eq!(check(&well_formed), []);
        let at = "#/components/securitySchemes/signed/x-signature-errors";
        let found = check(&with_signature_errors(
            "{expired: [''], mismatch: 3, canonical_request: {after: x, sep: '|'}, other: 1}",
        ));
        for (pointer, needle) in [
            (format!("{at}/expired/0"), "each a non-empty string, not"),
            (format!("{at}/mismatch"), "each a non-empty string, not"),
            (
                format!("{at}/canonical_request"),
                "has no `separator`: add `separator: <text>`",
            ),
            (
                format!("{at}/canonical_request/sep"),
                "unknown field `sep` in `canonical_request`",
            ),
            (format!("{at}/other"), "unknown field `other`"),
        ] {
            assert!(has(&found, &pointer, needle), "{pointer}: {found:?}");
        }
        let found = check(&with_signature_errors("[signature expired]"));
        assert!(has(&found, at, "must be a mapping"), "{found:?}");
        let found = check(&with_signature_errors("{canonical_request: '|'}"));
        assert!(
            has(&found, &format!("{at}/canonical_request"), "is a mapping"),
            "{found:?}"
        );
        let unsigned =
            with_signature_errors("{expired: x}").replace("      x-signer: sdk-hmac-sha256\n", "");
        assert!(
            has(
                &check(&unsigned),
                at,
                "only read on a scheme with `x-signer`"
            ),
            "{:?}",
            check(&unsigned)
        );
    }
}
