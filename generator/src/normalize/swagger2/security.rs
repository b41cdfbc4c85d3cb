//! `securityDefinitions` → `components.securitySchemes`.

use super::{Converter, describe, is_extension, join};
use serde_json::{Map, Value};

impl Converter<'_> {
    /// The security schemes, or `None` when the document defines none.
    pub(super) fn security_schemes(&mut self) -> Option<Value> {
        let definitions = self.root.get("securityDefinitions")?;
        let Value::Object(definitions) = definitions else {
            return Some(definitions.clone());
        };
        let mut out = Map::new();
        for (name, scheme) in definitions {
            let old = join("#/securityDefinitions", name);
            let new = join("#/components/securitySchemes", name);
            let converted = match scheme {
                Value::Object(scheme) => self.security_scheme(name, scheme, &old, &new),
                other => Some(other.clone()),
            };
            if let Some(converted) = converted {
                out.insert(name.clone(), converted);
            }
        }
        Some(Value::Object(out))
    }

    /// One scheme; `None` (with a warning) when OpenAPI 3.0 has nothing like it.
    fn security_scheme(
        &mut self,
        name: &str,
        scheme: &Map<String, Value>,
        old: &str,
        new: &str,
    ) -> Option<Value> {
        let mut out = Map::new();
        let copy = |out: &mut Map<String, Value>, keys: &[&str]| {
            for key in keys {
                if let Some(value) = scheme.get(*key) {
                    out.insert((*key).to_owned(), value.clone());
                }
            }
        };
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".to_owned(), Value::String("http".to_owned()));
                out.insert("scheme".to_owned(), Value::String("basic".to_owned()));
                self.moved(&join(new, "scheme"), &join(old, "type"));
                copy(&mut out, &["description"]);
            }
            Some("apiKey") => copy(&mut out, &["type", "name", "in", "description"]),
            Some("oauth2") => {
                let (flow_name, keys): (&str, &[&str]) = match scheme
                    .get("flow")
                    .and_then(Value::as_str)
                {
                    Some("implicit") => ("implicit", &["authorizationUrl"]),
                    Some("password") => ("password", &["tokenUrl"]),
                    Some("application") => ("clientCredentials", &["tokenUrl"]),
                    Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    _ => {
                        let what = match scheme.get("flow") {
                            Some(Value::String(flow)) => format!("`flow: {flow}`"),
                            Some(other) => format!("`flow` {}", describe(other)),
                            None => "no `flow`".to_owned(),
                        };
                        let at = match scheme.get("flow") {
                            Some(_) => join(old, "flow"),
                            None => old.to_owned(),
                        };
                        self.warn(
                            &at,
                            format!(
                                "oauth2 security scheme `{name}` has {what}; a Swagger 2.0 \
                                     flow is implicit, password, application or accessCode; \
                                     the scheme is dropped"
                            ),
                        );
                        return None;
                    }
                };
                out.insert("type".to_owned(), Value::String("oauth2".to_owned()));
                copy(&mut out, &["description"]);
                let mut flow = Map::new();
                copy(&mut flow, keys);
                let flows_at = join(new, "flows");
                let flow_at = join(&flows_at, flow_name);
                self.moved(&flows_at, old);
                self.moved(&flow_at, old);
                let scopes = match scheme.get("scopes") {
                    Some(scopes) => scopes.clone(),
                    None => {
                        // OpenAPI 3.0 requires `scopes`; none is an empty map.
                        self.moved(&join(&flow_at, "scopes"), &join(old, "flow"));
                        Value::Object(Map::new())
                    }
                };
                flow.insert("scopes".to_owned(), scopes);
                let mut flows = Map::new();
                flows.insert(flow_name.to_owned(), Value::Object(flow));
                out.insert("flows".to_owned(), Value::Object(flows));
            }
            // Not Swagger 2.0, but OpenAPI 3.0 reads them as they are.
            Some("http" | "openIdConnect") => {
                return Some(self.refs(&Value::Object(scheme.clone())));
            }
            other => {
                let what = match (other, scheme.get("type")) {
                    (Some(kind), _) => format!("type `{kind}`"),
                    (None, Some(value)) => format!("type {}", describe(value)),
                    (None, None) => "no `type`".to_owned(),
                };
                let at = match scheme.get("type") {
                    Some(_) => join(old, "type"),
                    None => old.to_owned(),
                };
                self.warn(
                    &at,
                    format!(
                        "security scheme `{name}` has {what}; a Swagger 2.0 scheme is basic, \
                         apiKey or oauth2; the scheme is dropped"
                    ),
                );
                return None;
            }
        }
        for (key, value) in scheme {
            if is_extension(key) {
                out.insert(key.clone(), value.clone());
            }
        }
        Some(Value::Object(out))
    }
}
