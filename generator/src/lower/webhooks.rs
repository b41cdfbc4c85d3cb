//! Lowering webhooks (OpenAPI 3.1 `webhooks`, kept by normalizing in `x-webhooks`): a client
//! does not call them, but the service calls the user's endpoint with their payloads, so each
//! inline payload schema becomes a type the user can deserialize. Payloads that are `$ref`s to
//! component schemas are types already.

use super::*;

impl Lowering<'_> {
    pub(super) fn webhooks(&mut self) {
        let Some(Value::Object(webhooks)) = self.spec.raw.get("x-webhooks") else {
            return;
        };
        for (name, item) in webhooks {
            let item_at = pointer(["x-webhooks", name]);
            let Ok(item) = serde_json::from_value::<openapiv3::PathItem>(item.clone()) else {
                self.warn(
                    &item_at,
                    format!("the webhook `{name}` is not a valid path item; no payload type is generated for it"),
                );
                continue;
            };
            let operations: Vec<(&str, &openapiv3::Operation)> = item.iter().collect();
            let several = operations.len() > 1;
            for (method, operation) in operations {
                let Some(body) = &operation.request_body else {
                    continue;
                };
                let at = format!("{item_at}/{method}/requestBody");
                let base = match &operation.operation_id {
                    Some(id) => names::type_name(id),
                    None if several => {
                        format!("{}{}", names::type_name(name), names::type_name(method))
                    }
                    None => names::type_name(name),
                };
                self.webhook_payload(body, &format!("{base}Payload"), &at, name, method);
            }
        }
    }

    /// The JSON payload of one webhook operation, named `hint` when it is inline.
    fn webhook_payload(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        hint: &str,
        at: &str,
        webhook: &str,
        method: &str,
    ) {
        let body = match body {
            ReferenceOr::Item(body) => body.clone(),
            ReferenceOr::Reference { .. } => {
                match self.component(body, "requestBodies", |c| &c.request_bodies, at) {
                    Some((body, _)) => body.clone(),
                    None => return,
                }
            }
        };
        let Some((content_type, media)) = body
            .content
            .iter()
            .find(|(media_type, _)| operations::is_json(media_type))
        else {
            return;
        };
        let Some(schema) = &media.schema else {
            return;
        };
        let schema_at = format!("{at}/content/{}/schema", escape_token(content_type));
        let ty = self.schema_type(schema, hint, &schema_at);
        let mut named = Vec::new();
        usage::named_in(&ty, &mut named);
        self.webhook_payloads
            .extend(named.into_iter().map(str::to_owned));
        if let TypeRef::Named(name) = &ty
            && let Some(def) = self.types.get_mut(name)
            && name == hint
        {
            let note = format!(
                "The payload of the `{webhook}` webhook ({} {content_type}): the body the service sends to your endpoint; read it with `serde_json::from_slice`.",
                method.to_ascii_uppercase()
            );
            def.doc = Some(match def.doc.take() {
                Some(doc) => format!("{note}\n\n{doc}"),
                None => note,
            });
        }
    }
}
