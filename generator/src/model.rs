//! The intermediate model: plain data, names fixed, `$ref`s resolved, sorted.
//!
//! Lowering builds it from a spec; emitters read it. Tests can build and inspect it without a
//! spec file. After lowering, nothing in the model can make emission fail.

/// Everything the emitters need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    /// What the runtime needs to know about the service.
    pub service: Service,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by method name.
    pub operations: Vec<Operation>,
    /// The Cargo features that gate operations by tag and the types only they reach; `None`
    /// when every item is always compiled (the default of `generate`).
    pub features: Option<TagFeatures>,
    /// The named types of webhook payloads (OpenAPI 3.1 `webhooks`), sorted: what the service
    /// sends to the user's endpoint rather than what a call returns.
    pub webhook_payloads: Vec<String>,
}

/// One Cargo feature per operation tag: an operation is compiled when one of its tags'
/// features is on, a type when some compiled operation (or an always-compiled item) reaches
/// it. Webhook payloads, and the types only they reach, have a feature of their own, off by
/// default ([`TagFeatures::webhooks`]). Operations without tags, and the types they or nothing
/// reach, are always compiled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TagFeatures {
    /// Every tag's feature, sorted, with the tag it stands for (all of them in `default`).
    pub features: Vec<(String, String)>,
    /// The feature of the webhook payload types (`webhooks`, unless a tag took that name),
    /// when the spec has webhooks: not in `default`, since calling the API never needs them.
    pub webhooks: Option<String>,
    /// The features gating each operation, by method name (absent: always compiled).
    pub operations: std::collections::HashMap<String, Vec<String>>,
    /// The features gating each type, by name (absent: always compiled).
    pub types: std::collections::HashMap<String, Vec<String>>,
}

impl TagFeatures {
    /// The feature that makes every type implement both `Serialize` and `Deserialize`; without
    /// it a type implements only the directions it travels. Not in `default`.
    pub const FULL_SERDE: &'static str = "full-serde";

    /// The `#[cfg(…)]` line for an item gated by `features` (`None` when it is always on).
    pub fn cfg(features: Option<&Vec<String>>) -> Option<String> {
        let features = features.filter(|f| !f.is_empty())?;
        let list: Vec<String> = features
            .iter()
            .map(|f| format!("feature = {f:?}"))
            .collect();
        Some(match list.as_slice() {
            [one] => format!("#[cfg({one})]"),
            _ => format!("#[cfg(any({}))]", list.join(", ")),
        })
    }
}

/// Service-level facts from `info`, `servers`, security schemes and root extensions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server's URL template (empty when the spec has no server).
    pub server_url: String,
    /// That server's variables, in spec order.
    pub server_variables: Vec<ServerVariable>,
    /// `x-region-env-prefix`.
    pub region_env_prefix: Option<String>,
    /// `x-request-id-header`, default `X-Request-Id`.
    pub request_id_header: String,
    /// Security schemes, in spec order.
    pub auth_schemes: Vec<AuthScheme>,
    /// The environment variables the client reads (`x-environment`).
    pub environment: Environment,
    /// The parameters marked `x-client-parameter`, by wire name.
    pub client_parameters: Vec<ClientParameter>,
    /// `x-error-fields`: (code field, message field) pairs, in order of preference.
    pub error_fields: Vec<(String, String)>,
    /// `x-content-type-without-body`: the `Content-Type` of requests without a body.
    pub content_type_without_body: Option<String>,
}

/// A parameter set once on the client (`x-client-parameter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientParameter {
    /// The name in the spec.
    pub wire: String,
    /// The builder method that sets it.
    pub setter: String,
    /// Doc comment text.
    pub doc: Option<String>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `enum`: the allowed values.
    pub allowed: Vec<String>,
}

/// The environment variables a generated client reads its configuration from: the spec's
/// root extension `x-environment`, or `<TITLE>_ENDPOINT` and `<TITLE>_TOKEN` without it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// The region.
    pub region: Vec<String>,
    /// An explicit endpoint.
    pub endpoint: Vec<String>,
    /// Client parameters: (parameter name, variables).
    pub client_parameters: Vec<(String, Vec<String>)>,
    /// AK/SK pairs: (ak, sk, security token).
    pub ak_sk: Vec<(String, String, Option<String>)>,
    /// A token.
    pub token: Vec<String>,
}

/// One server variable.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerVariable {
    /// Its name.
    pub name: String,
    /// Its default.
    pub default: String,
    /// Allowed values; empty when any is allowed.
    pub allowed: Vec<String>,
}

/// A security scheme the runtime can apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// API key (token) in a header.
    ApiKeyHeader(String),
    /// API key in a query parameter.
    ApiKeyQuery(String),
    /// API key in a cookie.
    ApiKeyCookie(String),
    /// HTTP bearer.
    Bearer,
    /// HTTP basic.
    Basic,
    /// AK/SK request signing (`x-signer: sdk-hmac-sha256`), with the headers it fills from
    /// client parameters (`x-client-parameter-headers`: header, parameter).
    SdkHmacSha256 {
        /// (header name, client parameter) pairs, in spec order.
        parameter_headers: Vec<(String, String)>,
        /// `x-signature-errors`: how the service words a refusal of a signature.
        signature_errors: SignatureErrors,
    },
}

/// A signed scheme's `x-signature-errors`: texts of the service's error messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignatureErrors {
    /// Texts meaning the signature's time was refused (`expired`).
    pub expired: Vec<String>,
    /// Texts meaning the signature does not match (`mismatch`).
    pub mismatch: Vec<String>,
    /// `canonical_request`: (the text the echoed canonical request follows, its line
    /// separator).
    pub canonical_request: Option<(String, String)>,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Doc comment text.
    pub doc: Option<String>,
    /// Marked `deprecated`.
    pub deprecated: bool,
    /// What it is.
    pub kind: TypeKind,
    /// Sent as a `multipart/form-data` body somewhere (binary properties become file parts).
    pub multipart: bool,
    /// How operations use it (computed once every operation is lowered).
    pub usage: Usage,
}

/// How the operations use a named type, which decides what is generated for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from some operation's parameters or request body: callers build values of it,
    /// so a struct gets a constructor and setters.
    pub input: bool,
    /// Used as (an item of) a parameter: a string enum gets `ParamValue`.
    pub param: bool,
    /// Some value inside it has constraints to check before sending: it implements `Validate`.
    pub validated: bool,
    /// For an input struct with two or more required fields: the name of the struct of those
    /// fields its constructor takes (named at the call site, so two strings cannot be swapped).
    pub required_type: Option<String>,
    /// For a string enum with the same values as one named earlier, or a struct with the same
    /// fields (the same inline schema repeated across operations): that type's name. This one
    /// is emitted as an alias of it, so its name stays while the code is written once.
    pub same_as: Option<String>,
    /// Reachable from what the client sends (a parameter or a request body), or from nothing:
    /// the type needs `Serialize`.
    pub serialized: bool,
    /// Reachable from what the service answers (a response or error body or header, a page
    /// item, a streamed item or event, a webhook payload), or from nothing: the type needs
    /// `Deserialize`. A type nothing reaches gets both, and so does everything it holds.
    pub deserialized: bool,
}

impl Usage {
    /// Whether the type implements `Serialize` and `Deserialize` without the
    /// [`TagFeatures::FULL_SERDE`] feature: in a crate with features, only the directions it
    /// travels; in one without (`has_features` false), both.
    pub fn serde_directions(&self, has_features: bool) -> (bool, bool) {
        if !has_features || self.serialized == self.deserialized {
            return (true, true);
        }
        (self.serialized, self.deserialized)
    }
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// The properties, in spec order.
        fields: Vec<Field>,
        /// Typed `additionalProperties` next to the known ones, kept in a flattened map.
        additional: Option<TypeRef>,
    },
    /// A string enum; unknown values the server may add later are kept in a fallback variant.
    StringEnum {
        /// The variants, in spec order.
        variants: Vec<EnumVariant>,
    },
    /// `oneOf` / `anyOf`: one of several shapes.
    Union {
        /// The variants, in spec order.
        variants: Vec<UnionVariant>,
        /// The discriminator property, when the spec gives one and every variant is an object.
        tag: Option<String>,
    },
    /// A name for another type (`type X = Vec<Y>`), with its constraints.
    Alias {
        /// The aliased type.
        target: TypeRef,
        /// Constraints of the aliased value.
        constraints: Constraints,
    },
}

/// One string enum value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The Rust name.
    pub name: String,
    /// The value on the wire.
    pub wire: String,
    /// Doc comment text.
    pub doc: Option<String>,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust name.
    pub name: String,
    /// The discriminator value, for tagged unions.
    pub tag_value: Option<String>,
    /// The payload.
    pub ty: TypeRef,
}

/// A property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    /// Doc comment text.
    pub doc: Option<String>,
    /// The type (without the `Option` for optionality).
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// Marked `deprecated`.
    pub deprecated: bool,
    /// Constraints checked before sending.
    pub constraints: Constraints,
    /// `readOnly: true`.
    pub read_only: bool,
    /// `writeOnly: true`.
    pub write_only: bool,
    /// The schema's `default`, as JSON text.
    pub default: Option<String>,
    /// A union flattened into the struct (`#[serde(flatten)]`); `wire` is empty.
    pub flatten: bool,
}

/// A reference to a type, as used in a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (integers without format or `int64`).
    I64,
    /// `f32` (`format: float`).
    F32,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// Any JSON value (`serde_json::Value`).
    Json,
    /// Raw bytes (`format: binary`): `bytes::Bytes`.
    Bytes,
    /// `format: date-time`: `chrono::DateTime<chrono::FixedOffset>`.
    DateTime,
    /// `format: date`: `chrono::NaiveDate`.
    Date,
    /// `format: uuid`: `uuid::Uuid`.
    Uuid,
    /// A named type from [`Model::types`].
    Named(String),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `(A, B, …)`: an array with one type per position (JSON Schema `prefixItems`).
    Tuple(Vec<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Box<T>`, to break a recursive cycle.
    Boxed(Box<TypeRef>),
    /// `Option<T>`: an array item, a map value or a response body that may be `null`
    /// (`nullable: true`, or `type: [T, "null"]`).
    Nullable(Box<TypeRef>),
}

impl TypeRef {
    /// A one-word name for the type, used to name union variants of inline schemas.
    pub fn word(&self) -> &'static str {
        match self {
            TypeRef::String => "String",
            TypeRef::I32 | TypeRef::I64 => "Integer",
            TypeRef::F32 | TypeRef::F64 => "Number",
            TypeRef::Bool => "Boolean",
            TypeRef::Json => "Value",
            TypeRef::Bytes => "Bytes",
            TypeRef::DateTime => "DateTime",
            TypeRef::Date => "Date",
            TypeRef::Uuid => "Uuid",
            TypeRef::Named(_) | TypeRef::Boxed(_) => "Object",
            TypeRef::Array(_) | TypeRef::Tuple(_) => "Array",
            TypeRef::Map(_) => "Map",
            TypeRef::Nullable(inner) => inner.word(),
        }
    }

    /// Whether values of this type may contain a named type (so they need validating).
    pub fn contains_named(&self) -> bool {
        match self {
            TypeRef::Named(_) => true,
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Boxed(inner)
            | TypeRef::Nullable(inner) => inner.contains_named(),
            TypeRef::Tuple(items) => items.iter().any(TypeRef::contains_named),
            _ => false,
        }
    }
}

/// A number from the spec, exact: integers stay integers (a bound above 2^53 keeps every
/// digit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// A whole number.
    Integer(i64),
    /// Any other number (finite).
    Float(f64),
}

impl Limit {
    /// The value as a float (exact up to 2^53).
    pub fn as_f64(self) -> f64 {
        match self {
            Limit::Integer(value) => value as f64,
            Limit::Float(value) => value,
        }
    }
}

/// A numeric bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: Limit,
    /// `exclusiveMinimum` / `exclusiveMaximum`.
    pub exclusive: bool,
}

/// The spec's constraints on one value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minimum`.
    pub minimum: Option<Bound>,
    /// `maximum`.
    pub maximum: Option<Bound>,
    /// `multipleOf` (positive).
    pub multiple_of: Option<Limit>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// String `enum` values on a parameter that is not a named enum.
    pub one_of_values: Vec<String>,
    /// The constraints of each item, for arrays.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    /// Whether there is nothing to check.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// Whether some constraint applies to a value of `ty` (a `minimum` on a string does not):
    /// exactly when the generated code checks something.
    pub fn apply_to(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String => {
                self.min_length.is_some() || self.max_length.is_some() || self.pattern.is_some()
            }
            TypeRef::I32 | TypeRef::I64 | TypeRef::F32 | TypeRef::F64 => {
                self.minimum.is_some() || self.maximum.is_some() || self.multiple_of.is_some()
            }
            TypeRef::Array(item) => {
                self.min_items.is_some()
                    || self.max_items.is_some()
                    || self.unique_items
                    || self
                        .items
                        .as_ref()
                        .is_some_and(|items| items.apply_to(item))
            }
            TypeRef::Nullable(inner) => self.apply_to(inner),
            _ => false,
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// One operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The Rust name.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Doc comment text.
    pub doc: Option<String>,
    /// The type.
    pub ty: TypeRef,
    /// `required: true`.
    pub required: bool,
    /// Marked `deprecated`.
    pub deprecated: bool,
    /// Constraints checked before sending.
    pub constraints: Constraints,
    /// `x-client-parameter: true`: the value comes from the client, not the request.
    pub from_client: bool,
    /// The schema's `default` (what the server assumes when it is not sent), as JSON text.
    pub default: Option<String>,
    /// For query arrays: repeat the key (`explode: true`, the default) or join the values.
    pub explode: bool,
    /// What joins the values of an array that is not exploded: `,` (`form`, `simple`), ` `
    /// (`spaceDelimited`), `|` (`pipeDelimited`), a tab (Swagger 2.0 `tsv`).
    pub separator: String,
    /// `style: deepObject` (query objects as `name[key]=value`).
    pub deep_object: bool,
    /// Whether the type is a scalar, a string enum or an array of them; other query
    /// parameters (objects, maps, unions) are written through serde in their style.
    pub simple: bool,
    /// Declared with `content: application/json`: the value is sent as JSON text.
    pub json: bool,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, sent as is.
    Literal(String),
    /// A parameter, by its wire name.
    Param(String),
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The media types the caller can send, in spec order (at least one).
    pub media: Vec<BodyMedia>,
    /// The name of the enum the caller picks a media type with, when there are several.
    pub choice_type: String,
    /// `required: true`.
    pub required: bool,
    /// Doc comment text.
    pub doc: Option<String>,
    /// The name of the call's method that sends the body from a file or a stream, when it is
    /// one binary media type (`upload`, unless a parameter has it).
    pub upload: Option<String>,
    /// The name of the call's method that sends a file part of a `multipart/form-data` body
    /// from a file or a stream (`upload_part`, unless a parameter has it).
    pub upload_part: Option<String>,
}

/// One media type a request body can be sent as.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyMedia {
    /// The variant name in the choice enum, e.g. `Json`, `Form`.
    pub variant: String,
    /// The media type.
    pub content_type: String,
    /// How it is serialised.
    pub encoding: BodyEncoding,
    /// The type.
    pub ty: TypeRef,
}

impl Body {
    /// Whether values of the body may contain a named type (so they need validating).
    pub fn contains_named(&self) -> bool {
        self.media.iter().any(|m| m.ty.contains_named())
    }
}

/// How a body is put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// `application/json` and `+json`.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Raw bytes (`application/octet-stream` and other binary types).
    Bytes,
    /// `text/plain`.
    Text,
}

/// The status a response case matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One code, e.g. 200.
    Code(u16),
    /// A range, e.g. 2 for `2XX`.
    Range(u16),
    /// `default`.
    Default,
}

/// One documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCase {
    /// Which statuses it covers.
    pub status: StatusMatch,
    /// The variant name, when the operation's responses become an enum.
    pub variant: String,
    /// Its description.
    pub doc: Option<String>,
    /// How the body is read; `None` when there is no body.
    pub body: Option<(BodyEncoding, TypeRef)>,
    /// The response headers the spec declares for it.
    pub headers: Vec<ResponseHeader>,
}

/// A response header the spec declares.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// The Rust name.
    pub name: String,
    /// The header name on the wire.
    pub wire: String,
    /// Doc comment text.
    pub doc: Option<String>,
    /// A scalar type (`String` for anything else).
    pub ty: TypeRef,
}

/// How a paginated operation walks its pages (`x-pagination`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The name of the method of the operation's call that streams every item (`stream`).
    pub stream_method: String,
    /// Rust name of the offset parameter.
    pub offset_param: String,
    /// Its type (an integer).
    pub offset_type: TypeRef,
    /// Rust name of the total-count field of the response.
    pub count_field: String,
    /// Whether that field is required (not an `Option`).
    pub count_required: bool,
    /// Rust name of the items field of the response.
    pub items_field: String,
    /// Whether that field is required (not an `Option`).
    pub items_required: bool,
    /// The type of one item.
    pub item_type: TypeRef,
}

/// How a streamed success is read, piece by piece as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamKind {
    /// `text/event-stream`: server-sent events; `end` is a `data` that ends the stream
    /// (`x-stream-end`, e.g. `[DONE]`).
    Events {
        /// The `data` that ends the stream, when the spec names one.
        end: Option<String>,
    },
    /// `application/x-ndjson` or `application/jsonl`: one JSON value per line.
    Lines,
    /// `application/json-seq`: JSON values after record separators.
    Records,
    /// Any other body that is not JSON: the bytes, chunk by chunk.
    Bytes,
}

/// A success the caller can read as it arrives: a method of the operation's call besides
/// `send()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    /// The method's name (`events`, `items` or `download`, unless a parameter has it).
    pub method: String,
    /// How the body is read.
    pub kind: StreamKind,
    /// The media type asked for with `Accept`.
    pub media_type: String,
    /// The type of one event's data or one item (`Bytes` for a download); unused when the
    /// events are keyed.
    pub item: TypeRef,
    /// Events whose data type depends on their `event` field (an OpenAPI 3.2 `itemSchema`
    /// that is a `oneOf` of event shapes, each naming its `event`): decoded into this enum.
    pub keyed: Option<KeyedEvents>,
}

/// The enum of a stream's events, one variant per event type.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedEvents {
    /// The enum's name (in the operations module).
    pub name: String,
    /// One variant per event type, in the spec's order.
    pub variants: Vec<EventVariant>,
}

/// One event type of a keyed stream.
#[derive(Debug, Clone, PartialEq)]
pub struct EventVariant {
    /// The `event` field's value.
    pub event: String,
    /// The variant's name.
    pub variant: String,
    /// The type of its data.
    pub ty: TypeRef,
    /// Doc comment text.
    pub doc: Option<String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The `operationId` (or the name made from method and path).
    pub id: String,
    /// The method name.
    pub method_name: String,
    /// The request type's name.
    pub request_type: String,
    /// The response enum's name, used when success responses have different bodies.
    pub response_type: String,
    /// The typed response headers' struct name, when success responses declare headers.
    pub headers_type: Option<String>,
    /// The HTTP method, upper case.
    pub http_method: String,
    /// The path template, as in the spec.
    pub path: String,
    /// The path template, split.
    pub path_parts: Vec<PathPart>,
    /// Doc comment text (summary and description).
    pub doc: Option<String>,
    /// Marked `deprecated`.
    pub deprecated: bool,
    /// Parameters in spec order (path-item ones first), auth headers left out.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Success responses, sorted by status.
    pub responses: Vec<ResponseCase>,
    /// Documented error responses (4xx, 5xx, `default` next to successes), sorted by status.
    pub errors: Vec<ResponseCase>,
    /// The name of the operation's error enum, when it documents errors.
    pub error_type: Option<String>,
    /// Safe to retry.
    pub idempotent: bool,
    /// `x-pagination`.
    pub pagination: Option<Pagination>,
    /// The success read as it arrives, when the answer is a stream or not JSON.
    pub streamed: Option<Streamed>,
    /// The operation's `tags`, in the spec's order.
    pub tags: Vec<String>,
}
