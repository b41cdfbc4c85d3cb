//! Schemas: JSON Schema 2020-12 (as OpenAPI 3.1 uses it) → the OpenAPI 3.0 schema object.
//!
//! - `true` → `{}`, `false` → `{not: {}}`;
//! - `anyOf`/`oneOf` of one schema and `{type: "null"}` → that schema, `nullable: true` (a
//!   `$ref` as `allOf: [{$ref}]`); with several other schemas, their union, `nullable: true`;
//! - `$ref` with siblings → `allOf: [{$ref}]` beside the siblings; references rewritten to
//!   where their target is now (`$defs`, `$anchor`, `$id`, pointers into schemas);
//! - `const` → a one-value `enum` (typed from the value when the schema has no type);
//! - `type` lists: `"null"` → `nullable: true`; several other types → `anyOf` of one schema
//!   per type, each with the keywords that apply to it; `type: "null"` → only `null`;
//! - `examples` → `example` (the first); numeric `exclusiveMinimum`/`exclusiveMaximum` → the
//!   3.0 bound and flag; `contentEncoding: base64` → `format: byte`, a binary
//!   `contentMediaType` → `format: binary`; `prefixItems` → `x-prefix-items`;
//!   `unevaluatedProperties`/`unevaluatedItems` where they mean `additionalProperties`/`items`;
//! - what 3.0 cannot type (`if`, `patternProperties`, `$dynamicRef`, …) is dropped with a
//!   warning at the keyword saying what the client does instead.
//!
//! A schema being rewritten is a [`Work`]: its keywords, each with the input pointer it came
//! from, so that keywords can move between schemas (into a branch, out of a merged `anyOf`
//! branch) and every part of the output still maps back to the place the user wrote.

use super::index::{Target, component_pointer, is_component, looks_like_reference};
use super::{Converter, MAX_DEPTH, join, uri};
use indexmap::IndexMap;
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// A schema being rewritten.
struct Work<'a> {
    /// Its keywords, in order.
    entries: IndexMap<String, Entry<'a>>,
    /// Where the schema came from in the input.
    old: String,
    /// The base URI its references are resolved against.
    base: String,
}

/// One keyword's value and where it came from.
struct Entry<'a> {
    value: Slot<'a>,
    origin: String,
}

enum Slot<'a> {
    /// A value of the input (borrowed: it is the input value at the entry's origin) or one made
    /// here (owned).
    Value(Cow<'a, Value>),
    /// A list of schemas being rearranged (`allOf`, `anyOf`, `oneOf`).
    Schemas(Vec<Sub<'a>>),
}

/// A schema in a list being rearranged.
enum Sub<'a> {
    /// A schema of the input at `origin`.
    Input { value: &'a Value, origin: String },
    /// A schema made here from a value (its parts came from `origin`).
    Owned { value: Value, origin: String },
    /// A schema made here (a branch of a type list, an `allOf` part holding a `$ref`).
    Made(Work<'a>),
}

impl<'a> Entry<'a> {
    fn input(value: Cow<'a, Value>, origin: String) -> Entry<'a> {
        Entry {
            value: Slot::Value(value),
            origin,
        }
    }

    fn made(value: Value, origin: &str) -> Entry<'a> {
        Entry {
            value: Slot::Value(Cow::Owned(value)),
            origin: origin.to_owned(),
        }
    }

    fn value(&self) -> Option<&Value> {
        match &self.value {
            Slot::Value(value) => Some(value),
            Slot::Schemas(_) => None,
        }
    }

    /// The schemas of a list-valued keyword, or `None` when the value is not a list.
    fn into_schemas(self) -> Result<Vec<Sub<'a>>, Entry<'a>> {
        match self.value {
            Slot::Schemas(subs) => Ok(subs),
            Slot::Value(Cow::Borrowed(Value::Array(items))) => Ok(items
                .iter()
                .enumerate()
                .map(|(position, value)| Sub::Input {
                    value,
                    origin: format!("{}/{position}", self.origin),
                })
                .collect()),
            Slot::Value(Cow::Owned(Value::Array(items))) => Ok(items
                .into_iter()
                .enumerate()
                .map(|(position, value)| Sub::Owned {
                    value,
                    origin: format!("{}/{position}", self.origin),
                })
                .collect()),
            value => Err(Entry {
                value,
                origin: self.origin,
            }),
        }
    }
}

impl<'a> Work<'a> {
    /// A work for an object value; other values give an empty work.
    fn from_value(value: Cow<'a, Value>, origin: &str, base: &str) -> Work<'a> {
        let entries = match value {
            Cow::Borrowed(Value::Object(map)) => map
                .iter()
                .map(|(key, child)| {
                    (
                        key.clone(),
                        Entry::input(Cow::Borrowed(child), join(origin, key)),
                    )
                })
                .collect(),
            Cow::Owned(Value::Object(map)) => map
                .into_iter()
                .map(|(key, child)| {
                    let origin = join(origin, &key);
                    (key, Entry::input(Cow::Owned(child), origin))
                })
                .collect(),
            _ => IndexMap::new(),
        };
        Work {
            entries,
            old: origin.to_owned(),
            base: base.to_owned(),
        }
    }

    fn has(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key).and_then(Entry::value)
    }

    fn take(&mut self, key: &str) -> Option<Entry<'a>> {
        self.entries.shift_remove(key)
    }

    fn set(&mut self, key: &str, entry: Entry<'a>) {
        self.entries.insert(key.to_owned(), entry);
    }

    /// Adds a schema at the start or the end of `allOf`; gives it back when `allOf` is there
    /// but is not a list.
    fn add_all_of(&mut self, sub: Sub<'a>, first: bool) -> Result<(), Sub<'a>> {
        let (mut subs, origin) = match self.take("allOf") {
            None => (Vec::new(), self.old.clone()),
            Some(entry) => {
                let origin = entry.origin.clone();
                match entry.into_schemas() {
                    Ok(subs) => (subs, origin),
                    Err(entry) => {
                        self.set("allOf", entry);
                        return Err(sub);
                    }
                }
            }
        };
        if first {
            subs.insert(0, sub);
        } else {
            subs.push(sub);
        }
        self.set(
            "allOf",
            Entry {
                value: Slot::Schemas(subs),
                origin,
            },
        );
        Ok(())
    }
}

/// Keywords that only describe a schema: a schema with nothing else may absorb the one
/// non-null branch of its `anyOf`.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "nullable",
    "$comment",
    "$schema",
    "$vocabulary",
];

/// Keywords dropped without a word: they mean nothing to a client, or have been read already.
const QUIET: &[&str] = &[
    "$comment",
    "$schema",
    "$vocabulary",
    "$id",
    "$anchor",
    "minContains",
    "maxContains",
];

/// Keywords 3.0 cannot say, and what the client does instead.
const UNTYPED: &[(&str, &str)] = &[
    (
        "$dynamicRef",
        "`$dynamicRef` is not typed: the reference is not followed, and the schema's other \
         keywords still apply",
    ),
    (
        "$dynamicAnchor",
        "`$dynamicAnchor` is not typed: a `$ref` to it is followed as to an `$anchor`; \
         `$dynamicRef`s are not",
    ),
    (
        "if",
        "`if` is not typed: the client does not check the condition, nor apply `then` or `else`",
    ),
    ("then", "`then` is not typed: the client does not apply it"),
    ("else", "`else` is not typed: the client does not apply it"),
    (
        "dependentSchemas",
        "`dependentSchemas` is not typed: the client does not apply schemas that depend on \
         which properties are present",
    ),
    (
        "dependentRequired",
        "`dependentRequired` is not typed: the client does not check which properties must \
         appear together",
    ),
    (
        "dependencies",
        "`dependencies` is not typed: the client does not check which properties must appear \
         together",
    ),
    (
        "contains",
        "`contains` is not typed: the client does not check that some item matches",
    ),
    (
        "propertyNames",
        "`propertyNames` is not typed: property names are not checked",
    ),
    (
        "contentSchema",
        "`contentSchema` is not typed: the encoded content is kept as a string",
    ),
    (
        "unevaluatedProperties",
        "`unevaluatedProperties` is not typed next to subschemas: the properties no subschema \
         declares are not checked",
    ),
    (
        "unevaluatedItems",
        "`unevaluatedItems` is not typed next to subschemas: the items no subschema declares \
         are not checked",
    ),
];

/// Keywords that apply to one JSON type only, with that type (`number` covers `integer`).
const TYPED_KEYWORDS: &[(&str, &str)] = &[
    ("minLength", "string"),
    ("maxLength", "string"),
    ("pattern", "string"),
    ("contentEncoding", "string"),
    ("contentMediaType", "string"),
    ("minimum", "number"),
    ("maximum", "number"),
    ("exclusiveMinimum", "number"),
    ("exclusiveMaximum", "number"),
    ("multipleOf", "number"),
    ("items", "array"),
    ("prefixItems", "array"),
    ("additionalItems", "array"),
    ("minItems", "array"),
    ("maxItems", "array"),
    ("uniqueItems", "array"),
    ("properties", "object"),
    ("required", "object"),
    ("additionalProperties", "object"),
    ("minProperties", "object"),
    ("maxProperties", "object"),
];

/// Keywords that make other schemas apply to the same value (for `unevaluated*`).
const APPLICATORS: &[&str] = &[
    "$ref",
    "$dynamicRef",
    "allOf",
    "anyOf",
    "oneOf",
    "if",
    "dependentSchemas",
];

impl<'a> Converter<'a> {
    /// Converts the schema `value` (from the input at `origin`) to stand at `new`.
    /// `hoistable`: the value is the input's value at `origin`, so if that schema moved into
    /// `components/schemas`, a `$ref` to it takes its place.
    pub(super) fn schema(
        &mut self,
        value: Cow<'a, Value>,
        origin: &str,
        new: &str,
        base: &str,
        depth: usize,
        hoistable: bool,
    ) -> Value {
        self.place(new, origin);
        if depth > MAX_DEPTH {
            self.warn(
                origin,
                format!(
                    "this schema is nested more than {MAX_DEPTH} levels deep: from here on \
                     it is any JSON value"
                ),
            );
            return json!({});
        }
        if hoistable && let Some(name) = self.index.hoist.get(origin) {
            return json!({ "$ref": component_pointer(name) });
        }
        match value.as_ref() {
            Value::Bool(true) => return json!({}),
            Value::Bool(false) => return json!({ "not": {} }),
            Value::Object(_) => {}
            _ => return value.into_owned(),
        }
        let mut base = base.to_owned();
        if let Some(id) = value.get("$id").and_then(Value::as_str)
            && !id.starts_with('#')
        {
            base = uri::split_fragment(&uri::resolve(&base, id)).0.to_owned();
        }
        let work = Work::from_value(value, origin, &base);
        self.rewrite(work, new, depth)
    }

    fn sub_schema(&mut self, sub: Sub<'a>, new: &str, base: &str, depth: usize) -> Value {
        match sub {
            Sub::Input { value, origin } => {
                self.schema(Cow::Borrowed(value), &origin, new, base, depth, true)
            }
            Sub::Owned { value, origin } => {
                self.schema(Cow::Owned(value), &origin, new, base, depth, false)
            }
            Sub::Made(work) => {
                self.place(new, &work.old);
                if depth > MAX_DEPTH {
                    self.warn(
                        &work.old,
                        format!(
                            "this schema is nested more than {MAX_DEPTH} levels deep: from here \
                             on it is any JSON value"
                        ),
                    );
                    return json!({});
                }
                self.rewrite(work, new, depth)
            }
        }
    }

    fn rewrite(&mut self, mut work: Work<'a>, new: &str, depth: usize) -> Value {
        // A merged branch may bring its own union with null.
        for _ in 0..4 {
            let any_of = self.null_union(&mut work, "anyOf");
            let one_of = self.null_union(&mut work, "oneOf");
            if !any_of && !one_of {
                break;
            }
        }
        null_all_of(&mut work);
        self.drop_keywords(&mut work);
        if let Some(reference) = self.reference(&mut work, new) {
            return reference;
        }
        let inferred = self.constant(&mut work);
        self.types(&mut work);
        self.values(&mut work, inferred);
        self.emit(work, new, depth)
    }

    /// `anyOf`/`oneOf` with `{type: "null"}` branches. True when the one other branch was merged
    /// into the schema (which may bring another union to look at).
    fn null_union(&mut self, work: &mut Work<'a>, key: &str) -> bool {
        let Some(Entry {
            value: Slot::Value(Cow::Borrowed(Value::Array(branches))),
            origin,
        }) = work.entries.get(key)
        else {
            return false;
        };
        let branches: &'a Vec<Value> = branches;
        let origin = origin.clone();
        let Some(null_at) = branches.iter().position(is_null_schema) else {
            return false;
        };
        let null_origin = format!("{origin}/{null_at}");
        let mut others: Vec<(usize, &'a Value)> = branches
            .iter()
            .enumerate()
            .filter(|(_, branch)| !is_null_schema(branch))
            .collect();
        work.take(key);
        work.set("nullable", Entry::made(Value::Bool(true), &null_origin));
        let only_null = |work: &mut Work<'a>| {
            if !work.has("enum") {
                work.set("enum", Entry::made(json!([null]), &null_origin));
            }
        };
        if others.len() != 1 {
            if others.is_empty() {
                only_null(work);
            } else {
                let subs = others
                    .into_iter()
                    .map(|(position, value)| Sub::Input {
                        value,
                        origin: format!("{origin}/{position}"),
                    })
                    .collect();
                work.set(
                    key,
                    Entry {
                        value: Slot::Schemas(subs),
                        origin,
                    },
                );
            }
            return false;
        }
        let Some((position, branch)) = others.pop() else {
            return false;
        };
        let branch_origin = format!("{origin}/{position}");
        match branch {
            // `anyOf: [true, {type: null}]`: anything, or null.
            Value::Bool(true) => return false,
            Value::Object(map) if map.is_empty() => return false,
            Value::Bool(false) => {
                only_null(work);
                return false;
            }
            _ => {}
        }
        let reference_only = branch.as_object().is_some_and(|map| {
            map.contains_key("$ref")
                && map
                    .keys()
                    .all(|k| k == "$ref" || QUIET.contains(&k.as_str()))
        }) || self.index.hoist.contains_key(&branch_origin);
        let names_itself = ["$id", "$anchor", "$dynamicAnchor"]
            .iter()
            .any(|k| branch.get(k).is_some());
        let outer_describes_only = work.entries.keys().all(|k| {
            ANNOTATIONS.contains(&k.as_str())
                || QUIET.contains(&k.as_str())
                || matches!(k.as_str(), "$defs" | "definitions")
                || k.starts_with("x-")
        });
        match branch {
            Value::Object(map) if !reference_only && !names_itself && outer_describes_only => {
                // The branch's keywords join the schema's; the schema's own description, title
                // and default win.
                for (k, v) in map {
                    if !work.has(k) {
                        work.set(k, Entry::input(Cow::Borrowed(v), join(&branch_origin, k)));
                    }
                }
                true
            }
            _ => {
                let sub = Sub::Input {
                    value: branch,
                    origin: branch_origin,
                };
                if let Err(sub) = work.add_all_of(sub, false) {
                    work.set(
                        key,
                        Entry {
                            value: Slot::Schemas(vec![sub]),
                            origin,
                        },
                    );
                }
                false
            }
        }
    }

    fn drop_keywords(&mut self, work: &mut Work<'a>) {
        for key in QUIET {
            work.take(key);
        }
        for key in ["$defs", "definitions"] {
            // Their schemas are in `components/schemas` now.
            if let Some(entry) = work.take(key)
                && !entry.value().is_some_and(Value::is_object)
            {
                self.warn(
                    &entry.origin,
                    format!("`{key}` must be a mapping of schemas: it is left out"),
                );
            }
        }
        // Without subschemas, the properties (items) nothing else evaluates are exactly those
        // `additionalProperties` (`items`) would take.
        let applies_alone = !APPLICATORS.iter().any(|k| work.has(k));
        if applies_alone
            && !work.has("additionalProperties")
            && !work.has("patternProperties")
            && let Some(entry) = work.take("unevaluatedProperties")
        {
            work.set("additionalProperties", entry);
        }
        if applies_alone
            && !work.has("items")
            && !work.has("contains")
            && let Some(entry) = work.take("unevaluatedItems")
        {
            work.set("items", entry);
        }
        if let Some(entry) = work.take("patternProperties") {
            self.warn(
                &entry.origin,
                "`patternProperties` is not typed: the extra properties are kept as JSON values",
            );
            if !work.has("additionalProperties") {
                work.set(
                    "additionalProperties",
                    Entry::made(Value::Bool(true), &entry.origin),
                );
            }
        }
        for (key, message) in UNTYPED {
            if let Some(entry) = work.take(key) {
                self.warn(&entry.origin, *message);
            }
        }
    }

    /// `$ref`: alone, the rewritten reference (returned); with siblings, the first `allOf`
    /// part.
    fn reference(&mut self, work: &mut Work<'a>, new: &str) -> Option<Value> {
        let entry = work.entries.get("$ref")?;
        let reference = entry.value()?.as_str()?.to_owned();
        if work.entries.len() == 1 {
            let origin = entry.origin.clone();
            let rewritten = self.schema_ref(&reference, &work.base, &origin);
            self.place(&join(new, "$ref"), &origin);
            return Some(json!({ "$ref": rewritten }));
        }
        let entry = work.take("$ref")?;
        let mut part = Work {
            entries: IndexMap::new(),
            old: work.old.clone(),
            base: work.base.clone(),
        };
        part.set("$ref", entry);
        if let Err(Sub::Made(mut part)) = work.add_all_of(Sub::Made(part), true) {
            // `allOf` is there but is not a list: 3.0 then ignores the siblings.
            if let Some(entry) = part.take("$ref") {
                work.set("$ref", entry);
            }
        }
        None
    }

    /// Where a schema reference points now.
    fn schema_ref(&mut self, reference: &str, base: &str, at: &str) -> String {
        match self.index.resolve(self.input, reference, base) {
            Target::Pointer(target) => {
                if let Some(name) = self.index.hoist.get(&target) {
                    component_pointer(name)
                } else if is_component(&target) {
                    target
                } else {
                    reference.to_owned()
                }
            }
            Target::Unknown => {
                let fragment = uri::split_fragment(reference).1;
                if !fragment.is_empty() && !fragment.starts_with('/') {
                    self.warn(
                        at,
                        format!("`$ref: {reference}` names no `$anchor` or `$id` of this document"),
                    );
                }
                reference.to_owned()
            }
        }
    }

    /// `const: v` → `enum: [v]`; gives the JSON type of `v` for a schema without a type.
    fn constant(&mut self, work: &mut Work<'a>) -> Option<&'static str> {
        let entry = work.take("const")?;
        let Slot::Value(value) = entry.value else {
            return None;
        };
        let value = value.into_owned();
        let kind = json_type(&value);
        if value.is_null() {
            work.set("nullable", Entry::made(Value::Bool(true), &entry.origin));
        }
        work.set(
            "enum",
            Entry::made(Value::Array(vec![value]), &entry.origin),
        );
        kind
    }

    /// `type: [..]` and `type: "null"`.
    fn types(&mut self, work: &mut Work<'a>) {
        let Some(entry) = work.entries.get("type") else {
            return;
        };
        let origin = entry.origin.clone();
        let names: Vec<(String, usize)> = match entry.value() {
            Some(Value::String(name)) if name == "null" => vec![(name.clone(), 0)],
            Some(Value::Array(items)) => {
                let mut names: Vec<(String, usize)> = Vec::new();
                for (position, item) in items.iter().enumerate() {
                    let Some(name) = item.as_str() else {
                        // Not a list of type names: later phases report it.
                        return;
                    };
                    if !names.iter().any(|(n, _)| n == name) {
                        names.push((name.to_owned(), position));
                    }
                }
                names
            }
            _ => return,
        };
        work.take("type");
        if names.is_empty() {
            self.warn(&origin, "`type: []` allows no value: it is left out");
            return;
        }
        let nullable = names.iter().any(|(n, _)| n == "null");
        let mut rest: Vec<(String, usize)> =
            names.into_iter().filter(|(n, _)| n != "null").collect();
        // Every integer is a number.
        if rest.iter().any(|(n, _)| n == "number") {
            rest.retain(|(n, _)| n != "integer");
        }
        // An `enum` (or `const`) admits only some of the types.
        if let Some(Value::Array(values)) = work.get("enum") {
            let admitted: Vec<(String, usize)> = rest
                .iter()
                .filter(|(n, _)| values.iter().any(|v| has_type(v, n)))
                .cloned()
                .collect();
            if !admitted.is_empty() {
                rest = admitted;
            }
        }
        if nullable {
            work.set("nullable", Entry::made(Value::Bool(true), &origin));
        }
        match rest.as_slice() {
            [] => {
                if !work.has("enum") {
                    work.set("enum", Entry::made(json!([null]), &origin));
                }
            }
            [(name, position)] => {
                work.set(
                    "type",
                    Entry::made(Value::from(name.as_str()), &format!("{origin}/{position}")),
                );
            }
            _ => self.split_types(work, &rest, &origin),
        }
    }

    /// One `anyOf` branch per type, each with the keywords that apply to it.
    fn split_types(&mut self, work: &mut Work<'a>, types: &[(String, usize)], origin: &str) {
        let mut branches: Vec<(String, Work<'a>)> = types
            .iter()
            .map(|(name, position)| {
                let mut branch = Work {
                    entries: IndexMap::new(),
                    old: work.old.clone(),
                    base: work.base.clone(),
                };
                branch.set(
                    "type",
                    Entry::made(Value::from(name.as_str()), &format!("{origin}/{position}")),
                );
                (name.clone(), branch)
            })
            .collect();
        let find = |branches: &mut Vec<(String, Work<'a>)>, wanted: &str| {
            branches
                .iter_mut()
                .position(|(name, _)| name == wanted || (wanted == "number" && name == "integer"))
        };
        for (key, owner) in TYPED_KEYWORDS {
            if let Some(entry) = work.take(key)
                && let Some(at) = find(&mut branches, owner)
                && let Some((_, branch)) = branches.get_mut(at)
            {
                branch.set(key, entry);
            }
        }
        if let Some(entry) = work.take("format") {
            let numeric = match entry.value().and_then(Value::as_str) {
                Some("int32" | "int64") => Some("integer"),
                Some("float" | "double") => Some("number"),
                _ => None,
            };
            let at = numeric
                .and_then(|n| find(&mut branches, n).or_else(|| find(&mut branches, "number")))
                .or_else(|| find(&mut branches, "string"));
            if let Some((_, branch)) = at.and_then(|at| branches.get_mut(at)) {
                branch.set("format", entry);
            }
        }
        if let Some(entry) = work.take("enum") {
            let values: Vec<Value> = match entry.value() {
                Some(Value::Array(values)) => values.clone(),
                _ => Vec::new(),
            };
            for (name, branch) in &mut branches {
                let own: Vec<Value> = values
                    .iter()
                    .filter(|v| has_type(v, name))
                    .cloned()
                    .collect();
                branch.set("enum", Entry::made(Value::Array(own), &entry.origin));
            }
        }
        let subs: Vec<Sub<'a>> = branches
            .into_iter()
            .map(|(_, branch)| Sub::Made(branch))
            .collect();
        if work.has("anyOf") {
            // The schema's own `anyOf` stays; the type branches are another part of `allOf`.
            let mut part = Work {
                entries: IndexMap::new(),
                old: work.old.clone(),
                base: work.base.clone(),
            };
            part.set(
                "anyOf",
                Entry {
                    value: Slot::Schemas(subs),
                    origin: work.old.clone(),
                },
            );
            if work.add_all_of(Sub::Made(part), false).is_err() {
                self.warn(
                    origin,
                    "a list of types next to `anyOf` needs `allOf` to be a list: the types are \
                     left out",
                );
            }
        } else {
            work.set(
                "anyOf",
                Entry {
                    value: Slot::Schemas(subs),
                    origin: work.old.clone(),
                },
            );
        }
    }

    /// `examples`, numeric exclusive bounds, `contentEncoding`/`contentMediaType`,
    /// `prefixItems` (and array-valued `items`), and the type of a `const`.
    fn values(&mut self, work: &mut Work<'a>, inferred: Option<&'static str>) {
        if let Some(entry) = work.take("examples") {
            match entry.value() {
                Some(Value::Array(examples)) => {
                    if let Some(first) = examples.first()
                        && !work.has("example")
                    {
                        let first = first.clone();
                        work.set(
                            "example",
                            Entry::made(first, &format!("{}/0", entry.origin)),
                        );
                    }
                }
                _ => self.warn(
                    &entry.origin,
                    "`examples` in a schema is a list of values; this one is not, so it is left \
                     out",
                ),
            }
        }
        for (exclusive, inclusive, lower) in [
            ("exclusiveMinimum", "minimum", true),
            ("exclusiveMaximum", "maximum", false),
        ] {
            let Some(Value::Number(bound)) = work.get(exclusive) else {
                continue;
            };
            let bound = bound.clone();
            let Some(entry) = work.take(exclusive) else {
                continue;
            };
            let inclusive_is_tighter = work
                .get(inclusive)
                .and_then(Value::as_f64)
                .zip(bound.as_f64())
                .is_some_and(|(inclusive, exclusive)| {
                    if lower {
                        inclusive > exclusive
                    } else {
                        inclusive < exclusive
                    }
                });
            if !inclusive_is_tighter {
                work.set(inclusive, Entry::made(Value::Number(bound), &entry.origin));
                work.set(exclusive, Entry::made(Value::Bool(true), &entry.origin));
            }
        }
        self.content(work);
        self.prefix_items(work);
        if let Some(kind) = inferred
            && !["type", "allOf", "anyOf", "oneOf", "not"]
                .iter()
                .any(|k| work.has(k))
        {
            let origin = work
                .entries
                .get("enum")
                .map_or_else(|| work.old.clone(), |e| e.origin.clone());
            work.set("type", Entry::made(Value::from(kind), &origin));
        }
    }

    /// `contentEncoding: base64` → `format: byte`; `binary` and a non-text `contentMediaType`
    /// without encoding → `format: binary`.
    fn content(&mut self, work: &mut Work<'a>) {
        let encoding = work.take("contentEncoding");
        let media = work.take("contentMediaType");
        let is_string = match work.get("type") {
            Some(Value::String(t)) => t == "string",
            None => !["allOf", "anyOf", "oneOf", "$ref", "properties", "items"]
                .iter()
                .any(|k| work.has(k)),
            _ => false,
        };
        let format = match &encoding {
            Some(entry) => match entry.value().and_then(Value::as_str) {
                Some(e) if e.eq_ignore_ascii_case("base64") => Some(("byte", entry.origin.clone())),
                Some(e) if e.eq_ignore_ascii_case("binary") => {
                    Some(("binary", entry.origin.clone()))
                }
                _ => None,
            },
            None => media.as_ref().and_then(|entry| {
                entry
                    .value()
                    .and_then(Value::as_str)
                    .filter(|m| is_binary_media(m))
                    .map(|_| ("binary", entry.origin.clone()))
            }),
        };
        if let Some((format, origin)) = format
            && is_string
            && !work.has("format")
        {
            if !work.has("type") {
                work.set("type", Entry::made(Value::from("string"), &origin));
            }
            work.set("format", Entry::made(Value::from(format), &origin));
        }
    }

    fn prefix_items(&mut self, work: &mut Work<'a>) {
        let legacy = matches!(work.get("items"), Some(Value::Array(_)));
        let additional = work.take("additionalItems");
        let (entry, rest) = match (work.take("prefixItems"), legacy) {
            (Some(prefix), false) => (prefix, None),
            (Some(prefix), true) => {
                if let Some(items) = work.take("items") {
                    self.warn(
                        &items.origin,
                        "a list of `items` next to `prefixItems` is left out",
                    );
                }
                (prefix, None)
            }
            // `items: [a, b]`, `additionalItems: c` is how JSON Schema before 2020-12 wrote
            // `prefixItems: [a, b]`, `items: c`.
            (None, true) => match work.take("items") {
                Some(items) => (items, additional),
                None => return,
            },
            (None, false) => return,
        };
        if !entry.value().is_some_and(Value::is_array) {
            self.warn(
                &entry.origin,
                "`prefixItems` must be a list of schemas: it is left out",
            );
            return;
        }
        let origin = entry.origin.clone();
        work.set("x-prefix-items", entry);
        if let Some(rest) = rest {
            work.set("items", rest);
        }
        if !work.has("items") {
            work.set("items", Entry::made(json!({}), &origin));
        }
        if !work.has("type") {
            work.set("type", Entry::made(Value::from("array"), &origin));
        }
    }

    /// Writes the rewritten schema, converting the schemas inside it.
    fn emit(&mut self, work: Work<'a>, new: &str, depth: usize) -> Value {
        let Work { entries, old, base } = work;
        let mut out = Map::new();
        for (key, entry) in entries {
            let key_new = join(new, &key);
            if entry.origin != join(&old, &key) {
                self.place(&key_new, &entry.origin);
            }
            let origin = entry.origin;
            let value = match entry.value {
                Slot::Schemas(subs) => {
                    let mut items = Vec::with_capacity(subs.len());
                    for (position, sub) in subs.into_iter().enumerate() {
                        let item_new = format!("{key_new}/{position}");
                        items.push(self.sub_schema(sub, &item_new, &base, depth + 1));
                    }
                    Value::Array(items)
                }
                Slot::Value(value) => match key.as_str() {
                    "properties" => self.schema_map(value, &origin, &key_new, &base, depth),
                    "additionalProperties" if value.is_boolean() => value.into_owned(),
                    "items" | "not" | "additionalProperties" => {
                        let hoistable = matches!(value, Cow::Borrowed(_));
                        self.schema(value, &origin, &key_new, &base, depth + 1, hoistable)
                    }
                    "allOf" | "anyOf" | "oneOf" | "x-prefix-items" => {
                        self.schema_list(value, &origin, &key_new, &base, depth)
                    }
                    "discriminator" => self.discriminator(value, &origin, &base),
                    _ => value.into_owned(),
                },
            };
            out.insert(key, value);
        }
        Value::Object(out)
    }

    fn schema_map(
        &mut self,
        value: Cow<'a, Value>,
        origin: &str,
        new: &str,
        base: &str,
        depth: usize,
    ) -> Value {
        match value {
            Cow::Borrowed(Value::Object(map)) => {
                let mut out = Map::new();
                for (name, child) in map {
                    let converted = self.schema(
                        Cow::Borrowed(child),
                        &join(origin, name),
                        &join(new, name),
                        base,
                        depth + 1,
                        true,
                    );
                    out.insert(name.clone(), converted);
                }
                Value::Object(out)
            }
            Cow::Owned(Value::Object(map)) => {
                let mut out = Map::new();
                for (name, child) in map {
                    let converted = self.schema(
                        Cow::Owned(child),
                        &join(origin, &name),
                        &join(new, &name),
                        base,
                        depth + 1,
                        false,
                    );
                    out.insert(name, converted);
                }
                Value::Object(out)
            }
            other => other.into_owned(),
        }
    }

    fn schema_list(
        &mut self,
        value: Cow<'a, Value>,
        origin: &str,
        new: &str,
        base: &str,
        depth: usize,
    ) -> Value {
        match value {
            Cow::Borrowed(Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(position, item)| {
                        self.schema(
                            Cow::Borrowed(item),
                            &format!("{origin}/{position}"),
                            &format!("{new}/{position}"),
                            base,
                            depth + 1,
                            true,
                        )
                    })
                    .collect(),
            ),
            Cow::Owned(Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(position, item)| {
                        self.schema(
                            Cow::Owned(item),
                            &format!("{origin}/{position}"),
                            &format!("{new}/{position}"),
                            base,
                            depth + 1,
                            false,
                        )
                    })
                    .collect(),
            ),
            other => other.into_owned(),
        }
    }

    /// Mapping targets that are references point where their schemas are now.
    fn discriminator(&mut self, value: Cow<'a, Value>, origin: &str, base: &str) -> Value {
        let mut value = value.into_owned();
        let mapping_at = join(origin, "mapping");
        if let Some(Value::Object(mapping)) = value.get_mut("mapping") {
            for (name, target) in mapping.iter_mut() {
                if let Value::String(text) = target
                    && looks_like_reference(text)
                {
                    *text = self.schema_ref(text, base, &join(&mapping_at, name));
                }
            }
        }
        value
    }
}

/// `{type: "null"}` (and `type: ["null"]`, `const: null`, `enum: [null]`), perhaps described.
/// `allOf: [X, {type: "null"}]`, as some generators write a nullable `X`: read as `X` or null
/// (taken literally it admits only a null that `X` admits too, which is not what was meant), so
/// the `{type: "null"}` parts become `nullable: true`. An `allOf` of null parts alone is left.
fn null_all_of<'a>(work: &mut Work<'a>) {
    let Some(Entry {
        value: Slot::Value(Cow::Borrowed(Value::Array(parts))),
        origin,
    }) = work.entries.get("allOf")
    else {
        return;
    };
    let parts: &'a Vec<Value> = parts;
    let Some(null_at) = parts.iter().position(is_null_schema) else {
        return;
    };
    let origin = origin.clone();
    let others: Vec<Sub<'a>> = parts
        .iter()
        .enumerate()
        .filter(|(_, part)| !is_null_schema(part))
        .map(|(position, value)| Sub::Input {
            value,
            origin: format!("{origin}/{position}"),
        })
        .collect();
    if others.is_empty() {
        return;
    }
    if !work.has("nullable") {
        work.set(
            "nullable",
            Entry::made(Value::Bool(true), &format!("{origin}/{null_at}")),
        );
    }
    work.set(
        "allOf",
        Entry {
            value: Slot::Schemas(others),
            origin,
        },
    );
}

fn is_null_schema(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.len() == 1 && types.first() == Some(&json!("null")),
        _ => false,
    };
    let null_value =
        map.get("const") == Some(&Value::Null) || map.get("enum") == Some(&json!([null]));
    (null_type || null_value)
        && map.keys().all(|k| {
            matches!(k.as_str(), "type" | "const" | "enum")
                || ANNOTATIONS.contains(&k.as_str())
                || k.starts_with("x-")
        })
}

/// The JSON Schema type of a value (`integer` for whole numbers).
fn json_type(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    })
}

/// Whether a value is of a JSON Schema type (`number` includes the integers, `integer`
/// includes whole floats such as `1.0`).
fn has_type(value: &Value, name: &str) -> bool {
    match (name, value) {
        ("null", Value::Null) | ("boolean", Value::Bool(_)) | ("string", Value::String(_)) => true,
        ("array", Value::Array(_))
        | ("object", Value::Object(_))
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// Media types whose content is not text (a string of them is bytes).
fn is_binary_media(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let texty = essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || essence.ends_with("+yaml")
        || matches!(
            essence.as_str(),
            "application/json"
                | "application/xml"
                | "application/yaml"
                | "application/x-yaml"
                | "application/javascript"
                | "application/ecmascript"
                | "application/x-www-form-urlencoded"
                | "application/graphql"
                | "application/sql"
        );
    !essence.is_empty() && !texty
}
