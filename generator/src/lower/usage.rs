//! How the operations use each named type, computed once everything is lowered: which types
//! callers build (they get constructors and setters), which go into parameters, and which hold
//! something to check before sending (only those implement `Validate`). Each is one walk over
//! the graph of type references, linear in its size. First, types that are the same as an
//! earlier one (the same inline schema written again) are found, so that their code is shared.

use crate::model::{Constraints, Field, Model, Operation, TypeKind, TypeRef};
use crate::names::Namespace;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::hash::{Hash, Hasher};

/// Fills in every type's [`Usage`](crate::model::Usage); `type_names` holds the names taken
/// in `types`, for the structs of required fields.
pub(super) fn compute(model: &mut Model, type_names: &mut Namespace) {
    share_identical_types(model);
    let input = reachable(model, input_roots(model));
    let mut params = param_types(model);
    // An enum that others alias is a parameter wherever one of them is.
    for def in &model.types {
        if let Some(canonical) = &def.usage.same_as
            && params.contains(&def.name)
        {
            params.insert(canonical.clone());
        }
    }
    let validated = validated(model);
    let (serialized, deserialized) = directions(model);
    for def in &mut model.types {
        let usage = &mut def.usage;
        // A type that shares another's code has that one's serde impls.
        let code = usage.same_as.as_ref().unwrap_or(&def.name);
        usage.serialized = serialized.contains(code);
        usage.deserialized = deserialized.contains(code);
        usage.input = input.contains(&def.name);
        usage.param = params.contains(&def.name);
        // Only values callers send are checked, so only input types need `Validate`.
        usage.validated = usage.input && validated.contains(&def.name);
        if let TypeKind::Struct { fields, .. } = &def.kind {
            let required = fields
                .iter()
                .filter(|f| f.flatten || (f.required && !f.nullable))
                .count();
            if usage.input && required >= 2 {
                usage.required_type = Some(type_names.claim(format!("{}Required", def.name)));
            }
        }
    }
}

/// Marks each type that is the same as one earlier in name order as the same as that one
/// (the same inline schema repeated across operations): a string enum with the same values
/// (names, wire values and docs), a struct with the same fields (everything about each, docs
/// included, its type compared up to the sharing found so far), the same additional properties
/// and the same multipart use. Names stay as they are; only the code is shared. Structs are
/// compared again until no more are found, since two structs are the same once the types they
/// hold are: the groups only merge, so this ends.
fn share_identical_types(model: &mut Model) {
    let enums = identical_enums(model);
    let shapes = struct_shapes(model);
    let mut same_as = enums.clone();
    loop {
        let mut next = enums.clone();
        for group in &shapes {
            same_in_group(group, &same_as, &mut next);
        }
        if next == same_as {
            break;
        }
        same_as = next;
    }
    for def in &mut model.types {
        def.usage.same_as = same_as.get(&def.name).cloned();
    }
}

/// Each string enum with the same values as one earlier, and that one's name.
fn identical_enums(model: &Model) -> HashMap<String, String> {
    let mut same_as = HashMap::new();
    let mut first: HashMap<Vec<EnumValue>, &str> = HashMap::new();
    for def in &model.types {
        let TypeKind::StringEnum { variants } = &def.kind else {
            continue;
        };
        let key: Vec<_> = variants
            .iter()
            .map(|v| (v.name.clone(), v.wire.clone(), v.doc.clone()))
            .collect();
        match first.get(&key) {
            Some(canonical) => {
                same_as.insert(def.name.clone(), (*canonical).to_owned());
            }
            None => {
                first.insert(key, &def.name);
            }
        }
    }
    same_as
}

/// The structs that could be the same: groups of two or more of one shape (everything but the
/// names of the types they hold), each in name order with the names it holds. Shapes are told
/// apart by a hash, and within one hash by comparing them.
fn struct_shapes(model: &Model) -> Vec<Vec<Held<'_>>> {
    let mut by_hash: HashMap<u64, Vec<Vec<Held<'_>>>> = HashMap::new();
    for def in &model.types {
        let TypeKind::Struct { fields, additional } = &def.kind else {
            continue;
        };
        let mut held = Vec::new();
        for field in fields {
            named_in(&field.ty, &mut held);
        }
        if let Some(ty) = additional {
            named_in(ty, &mut held);
        }
        let member = Held {
            name: &def.name,
            fields,
            additional: additional.as_ref(),
            multipart: def.multipart,
            held,
        };
        let classes = by_hash.entry(member.shape_hash()).or_default();
        match classes
            .iter_mut()
            .find(|class| class.first().is_some_and(|first| first.same_shape(&member)))
        {
            Some(class) => class.push(member),
            None => classes.push(vec![member]),
        }
    }
    let mut shapes: Vec<Vec<Held<'_>>> = by_hash.into_values().flatten().collect();
    shapes.retain(|group| group.len() > 1);
    shapes
}

/// Records in `next` each struct of `group` that holds the same types as one before it, up to
/// the sharing `same_as` has found so far.
fn same_in_group(
    group: &[Held<'_>],
    same_as: &HashMap<String, String>,
    next: &mut HashMap<String, String>,
) {
    let mut first: HashMap<Vec<&str>, &str> = HashMap::new();
    for Held { name, held, .. } in group {
        let held: Vec<&str> = held
            .iter()
            .map(|held| same_as.get(*held).map_or(*held, String::as_str))
            .collect();
        match first.get(&held) {
            Some(canonical) => {
                next.insert((*name).to_owned(), (*canonical).to_owned());
            }
            None => {
                first.insert(held, name);
            }
        }
    }
}

/// What makes two enum values the same: the Rust name, the wire value and the doc.
type EnumValue = (String, String, Option<String>);

/// A struct, for finding those of the same shape: its fields and the names of the types they
/// hold, in order.
struct Held<'m> {
    name: &'m str,
    fields: &'m [Field],
    additional: Option<&'m TypeRef>,
    multipart: bool,
    held: Vec<&'m str>,
}

impl Held<'_> {
    /// A hash of everything but the names of the types held.
    fn shape_hash(&self) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        for field in self.fields {
            let Field {
                name,
                wire,
                doc,
                ty,
                required,
                nullable,
                deprecated,
                constraints,
                read_only,
                write_only,
                default,
                flatten,
            } = field;
            (name, wire, doc, default).hash(&mut hasher);
            (
                required, nullable, deprecated, read_only, write_only, flatten,
            )
                .hash(&mut hasher);
            hash_shape(ty, &mut hasher);
            if *constraints != Constraints::default() {
                format!("{constraints:?}").hash(&mut hasher);
            }
        }
        if let Some(ty) = self.additional {
            hash_shape(ty, &mut hasher);
        }
        self.multipart.hash(&mut hasher);
        hasher.finish()
    }

    /// Whether the two are the same but for the names of the types they hold.
    fn same_shape(&self, other: &Held<'_>) -> bool {
        let blank = |field: &Field| Field {
            ty: unnamed(&field.ty),
            ..field.clone()
        };
        self.multipart == other.multipart
            && self.fields.len() == other.fields.len()
            && self.additional.map(unnamed) == other.additional.map(unnamed)
            && self
                .fields
                .iter()
                .zip(other.fields)
                .all(|(a, b)| blank(a) == blank(b))
    }
}

/// Feeds the shape of `ty` (what it is, without the names of the types it holds) to `hasher`.
fn hash_shape(ty: &TypeRef, hasher: &mut impl Hasher) {
    std::mem::discriminant(ty).hash(hasher);
    match ty {
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::Nullable(inner) => hash_shape(inner, hasher),
        TypeRef::Tuple(items) => {
            items.len().hash(hasher);
            for item in items {
                hash_shape(item, hasher);
            }
        }
        _ => {}
    }
}

/// `ty` with every named type's name left out: its shape.
fn unnamed(ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Named(_) => TypeRef::Named(String::new()),
        TypeRef::Array(inner) => TypeRef::Array(Box::new(unnamed(inner))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(unnamed(inner))),
        TypeRef::Boxed(inner) => TypeRef::Boxed(Box::new(unnamed(inner))),
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(unnamed(inner))),
        TypeRef::Tuple(items) => TypeRef::Tuple(items.iter().map(unnamed).collect()),
        other => other.clone(),
    }
}

/// The named types a value of `ty` may hold, directly or inside containers.
pub(super) fn named_in<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::Nullable(inner) => named_in(inner, out),
        TypeRef::Tuple(items) => {
            for item in items {
                named_in(item, out);
            }
        }
        _ => {}
    }
}

/// The types each type refers to.
pub(super) fn references(model: &Model) -> BTreeMap<&str, Vec<&str>> {
    model
        .types
        .iter()
        .map(|def| {
            let mut targets = Vec::new();
            match &def.kind {
                TypeKind::Struct { fields, additional } => {
                    for field in fields {
                        named_in(&field.ty, &mut targets);
                    }
                    if let Some(additional) = additional {
                        named_in(additional, &mut targets);
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for variant in variants {
                        named_in(&variant.ty, &mut targets);
                    }
                }
                TypeKind::Alias { target, .. } => named_in(target, &mut targets),
                TypeKind::StringEnum { .. } => {}
            }
            // A type that shares another's code needs that one wherever it is used.
            targets.extend(def.usage.same_as.as_deref());
            (def.name.as_str(), targets)
        })
        .collect()
}

/// The types that are serialized (sent: reachable from a parameter or a request body) and
/// those deserialized (received: reachable from a response, an error, a page item, a streamed
/// item or a webhook payload). Types that neither reaches, and everything they hold, are both:
/// what a user does with them is unknown.
fn directions(model: &Model) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut sent, mut received) = traveled_types(model);
    let unreached: Vec<&str> = model
        .types
        .iter()
        .map(|def| def.name.as_str())
        .filter(|name| !sent.contains(*name) && !received.contains(*name))
        .collect();
    let both = reachable(model, unreached);
    sent.extend(both.iter().cloned());
    received.extend(both);
    (sent, received)
}

/// The types reachable from what some operation sends (a parameter, the client's own included,
/// or a request body), and those reachable from what the client receives (a response or error
/// body or header, a page item, a streamed item or event, a webhook payload): the directions
/// types travel, which the API listing records.
pub fn traveled_types(model: &Model) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut sent_roots = Vec::new();
    let mut received_roots = Vec::new();
    for op in &model.operations {
        sent_types(op, &mut sent_roots);
        received_types(op, &mut received_roots);
    }
    received_roots.extend(model.webhook_payloads.iter().map(String::as_str));
    (
        reachable(model, sent_roots),
        reachable(model, received_roots),
    )
}

/// The named types `op` sends: its parameters' (the client's own included) and its body's.
pub(super) fn sent_types<'m>(op: &'m Operation, out: &mut Vec<&'m str>) {
    for param in &op.params {
        named_in(&param.ty, out);
    }
    for media in op.body.iter().flat_map(|body| &body.media) {
        named_in(&media.ty, out);
    }
}

/// The named types `op` receives: its response and error bodies and headers, its page items,
/// its streamed items and events.
pub(super) fn received_types<'m>(op: &'m Operation, out: &mut Vec<&'m str>) {
    for case in op.responses.iter().chain(&op.errors) {
        if let Some((_, ty)) = &case.body {
            named_in(ty, out);
        }
        for header in &case.headers {
            named_in(&header.ty, out);
        }
    }
    if let Some(pagination) = &op.pagination {
        named_in(&pagination.item_type, out);
    }
    if let Some(streamed) = &op.streamed {
        named_in(&streamed.item, out);
        for variant in streamed.keyed.iter().flat_map(|keyed| &keyed.variants) {
            named_in(&variant.ty, out);
        }
    }
}

/// The types named by some operation's caller parameters or request body.
fn input_roots(model: &Model) -> Vec<&str> {
    let mut roots = Vec::new();
    for op in &model.operations {
        for param in op.params.iter().filter(|p| !p.from_client) {
            named_in(&param.ty, &mut roots);
        }
        for media in op.body.iter().flat_map(|body| &body.media) {
            named_in(&media.ty, &mut roots);
        }
    }
    roots
}

/// Every type reachable from `roots` through type references.
fn reachable<'m>(model: &'m Model, roots: Vec<&'m str>) -> BTreeSet<String> {
    let graph = references(model);
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = roots.into_iter().collect();
    while let Some(name) = queue.pop_front() {
        if seen.insert(name) {
            queue.extend(graph.get(name).into_iter().flatten().copied());
        }
    }
    seen.into_iter().map(str::to_owned).collect()
}

/// The types used as (an item of) a parameter.
fn param_types(model: &Model) -> BTreeSet<String> {
    let mut names = Vec::new();
    for op in &model.operations {
        for param in &op.params {
            if let TypeRef::Named(name) = &param.ty {
                names.push(name.as_str());
            }
            if let TypeRef::Array(item) = &param.ty
                && let TypeRef::Named(name) = &**item
            {
                names.push(name.as_str());
            }
        }
    }
    names.into_iter().map(str::to_owned).collect()
}

/// The types with a constraint to check somewhere inside them: those with a field whose
/// constraints apply to it, and every type that can hold one of those.
fn validated(model: &Model) -> BTreeSet<String> {
    let graph = references(model);
    let mut holders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (holder, targets) in &graph {
        for target in targets {
            holders.entry(target).or_default().push(holder);
        }
    }
    let mut queue: VecDeque<&str> = model
        .types
        .iter()
        .filter(|def| match &def.kind {
            TypeKind::Struct { fields, .. } => fields
                .iter()
                .any(|field| field.constraints.apply_to(&field.ty)),
            _ => false,
        })
        .map(|def| def.name.as_str())
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    while let Some(name) = queue.pop_front() {
        if seen.insert(name) {
            queue.extend(holders.get(name).into_iter().flatten().copied());
        }
    }
    seen.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use crate::model::Model;

    fn model(text: &str) -> Model {
        let spec = crate::load::load_str(std::path::Path::new("t.yaml"), text).unwrap();
        crate::model_of(&spec).unwrap().0
    }

    /// `(serialized, deserialized)` of the type `name`.
    fn directions(model: &Model, name: &str) -> (bool, bool) {
        let def = model.types.iter().find(|def| def.name == name).unwrap();
        (def.usage.serialized, def.usage.deserialized)
    }

    #[test]
    fn each_type_travels_the_ways_its_uses_say() {
        let model = model(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets:
    post:
      operationId: createPet
      parameters:
        - {name: kind, in: query, schema: {$ref: '#/components/schemas/Kind'}}
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}
      responses:
        '200':
          description: ok
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
        '400':
          description: bad
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
components:
  schemas:
    Kind: {type: string, enum: [cat, dog]}
    Name: {type: object, properties: {text: {type: string}}}
    NewPet: {type: object, properties: {name: {$ref: '#/components/schemas/Name'}, kind: {$ref: '#/components/schemas/Kind'}}}
    Pet: {type: object, properties: {name: {$ref: '#/components/schemas/Name'}, id: {type: integer}, owner: {$ref: '#/components/schemas/Owner'}}}
    Owner: {type: object, properties: {login: {type: string}}}
    Problem: {type: object, properties: {detail: {type: string}}}
    Unused: {type: object, properties: {owner: {$ref: '#/components/schemas/Owner'}}}
",
        );
        // Sent only: a request body and a parameter.
        assert_eq!(directions(&model, "NewPet"), (true, false));
        // Sent as a parameter and inside the body, never received.
        assert_eq!(directions(&model, "Kind"), (true, false));
        // Received only: a response, an error body, what a response holds.
        assert_eq!(directions(&model, "Pet"), (false, true));
        assert_eq!(directions(&model, "Problem"), (false, true));
        // Both: inside the request body and inside the response.
        assert_eq!(directions(&model, "Name"), (true, true));
        // Held by a schema nothing uses, which gets both, and so do the types it holds.
        assert_eq!(directions(&model, "Unused"), (true, true));
        assert_eq!(directions(&model, "Owner"), (true, true));
    }

    fn same_as<'m>(model: &'m Model, name: &str) -> Option<&'m str> {
        let def = model.types.iter().find(|def| def.name == name).unwrap();
        def.usage.same_as.as_deref()
    }

    #[test]
    fn identical_structs_share_the_code_of_the_first() {
        let model = model(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /boards:
    get:
      operationId: getBoard
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id, title]
                properties:
                  id: {type: string}
                  title: {type: string}
                  owner: {type: object, properties: {kind: {type: string, enum: [user, team]}}}
    post:
      operationId: importBoard
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [id, title]
              properties:
                id: {type: string}
                title: {type: string}
                owner: {type: object, properties: {kind: {type: string, enum: [user, team]}}}
      responses: {'204': {description: ok}}
    put:
      operationId: renameBoard
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [id, title]
              properties:
                id: {type: string, description: Another text.}
                title: {type: string}
      responses: {'204': {description: ok}}
components:
  schemas:
    Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}
    Other: {type: object, properties: {next: {$ref: '#/components/schemas/Other'}}}
",
        );
        // The enum, then the struct holding it, then the struct holding that one.
        assert_eq!(
            same_as(&model, "ImportBoardBodyOwnerKind"),
            Some("GetBoardResponseBodyOwnerKind")
        );
        assert_eq!(
            same_as(&model, "ImportBoardBodyOwner"),
            Some("GetBoardResponseBodyOwner")
        );
        assert_eq!(
            same_as(&model, "ImportBoardBody"),
            Some("GetBoardResponseBody")
        );
        assert_eq!(same_as(&model, "GetBoardResponseBody"), None);
        // A field's doc differs: not the same.
        assert_eq!(same_as(&model, "RenameBoardBody"), None);
        // Each refers to itself: not found the same (nor looping).
        assert_eq!(same_as(&model, "Node"), None);
        assert_eq!(same_as(&model, "Other"), None);
        // The shared code is sent and received, builds values, and both names keep their own
        // struct of required fields (the alias's an alias of the first's).
        assert_eq!(directions(&model, "GetBoardResponseBody"), (true, true));
        assert_eq!(directions(&model, "ImportBoardBody"), (true, true));
        let def = |name: &str| model.types.iter().find(|def| def.name == name).unwrap();
        assert!(def("GetBoardResponseBody").usage.input);
        assert_eq!(
            def("GetBoardResponseBody").usage.required_type.as_deref(),
            Some("GetBoardResponseBodyRequired")
        );
        assert_eq!(
            def("ImportBoardBody").usage.required_type.as_deref(),
            Some("ImportBoardBodyRequired")
        );
    }

    #[test]
    fn webhook_payloads_are_received() {
        let model = model(
            "openapi: 3.1.0
info: {title: T, version: '1'}
webhooks:
  adopted:
    post:
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Adoption'}}}
      responses: {'200': {description: ok}}
paths:
  /a:
    post:
      operationId: send
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Adoption: {type: object, properties: {at: {type: string}}}
    Note: {type: object, properties: {text: {type: string}}}
",
        );
        assert_eq!(directions(&model, "Adoption"), (false, true));
        assert_eq!(directions(&model, "Note"), (true, false));
    }
}
