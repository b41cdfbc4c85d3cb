//! What a regeneration changed in the public API (cargo-semver-checks' lints on
//! cargo-public-api's listings): [`compare`] reads the old and the new [`crate::api`] listing,
//! classifies each change by the table [`RULES`], and gives a verdict: `major` when anything
//! breaks, `minor` when everything is additive, `patch` when only documentation changed.
//!
//! Reading a listing never fails: one that someone edited into something unreadable gives a
//! report that says so in one line, and no verdict.

use crate::api;
use crate::write::GeneratedFile;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;

/// How much a change matters to the code built on the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Code that compiled against the old client may not compile, or may behave differently
    /// against the server.
    Breaking,
    /// Something new; existing code is unaffected.
    Additive,
    /// Only documentation changed.
    Docs,
}

impl Class {
    /// The word a report line starts with.
    pub fn word(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Docs => "docs",
        }
    }
}

/// One change, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// Its class.
    pub class: Class,
    /// What happened, e.g. `field removed`.
    pub what: String,
    /// The item, as users name it, e.g. `types::Pet.name`.
    pub item: String,
    /// The type or value concerned (`String`, `i32 -> i64`), when there is one.
    pub detail: Option<String>,
}

impl fmt::Display for ApiChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}  {}: {}", self.class.word(), self.what, self.item)?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}

/// The semver verdict of a regeneration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Something breaks.
    Major,
    /// Only additions (and perhaps documentation).
    Minor,
    /// Only documentation.
    Patch,
    /// Nothing changed.
    Unchanged,
}

impl Verdict {
    /// `major`, `minor`, `patch` or `unchanged`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Major => "major",
            Verdict::Minor => "minor",
            Verdict::Patch => "patch",
            Verdict::Unchanged => "unchanged",
        }
    }
}

/// Why a report has no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// There is no earlier listing: the client is generated for the first time.
    FirstGeneration,
    /// The earlier listing cannot be read; the reason, with its line.
    Unreadable(String),
}

/// What a regeneration changed in the public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every change, sorted: breaking first, then additive, then documentation; within each
    /// class by item, then by what happened.
    pub changes: Vec<ApiChange>,
    /// Set when the listings could not be compared (then `changes` is empty).
    pub note: Option<Note>,
}

impl Report {
    /// The report of a first generation.
    pub fn first_generation() -> Report {
        Report {
            changes: Vec::new(),
            note: Some(Note::FirstGeneration),
        }
    }

    fn unreadable(reason: String) -> Report {
        Report {
            changes: Vec::new(),
            note: Some(Note::Unreadable(reason)),
        }
    }

    /// The verdict; `None` when the listings could not be compared.
    pub fn verdict(&self) -> Option<Verdict> {
        if self.note.is_some() {
            return None;
        }
        let has = |class| self.changes.iter().any(|c| c.class == class);
        Some(if has(Class::Breaking) {
            Verdict::Major
        } else if has(Class::Additive) {
            Verdict::Minor
        } else if has(Class::Docs) {
            Verdict::Patch
        } else {
            Verdict::Unchanged
        })
    }

    /// Whether anything breaks.
    pub fn is_breaking(&self) -> bool {
        self.verdict() == Some(Verdict::Major)
    }

    /// How many changes are of `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
}

impl fmt::Display for Report {
    /// One line per change, then the verdict line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.note {
            Some(Note::FirstGeneration) => {
                return writeln!(
                    f,
                    "public API: first generation (no earlier {} to compare with)",
                    api::LISTING_FILE
                );
            }
            Some(Note::Unreadable(reason)) => {
                return writeln!(
                    f,
                    "public API: the committed listing cannot be read ({reason}); no report"
                );
            }
            None => {}
        }
        for change in &self.changes {
            writeln!(f, "{change}")?;
        }
        match self.verdict() {
            None | Some(Verdict::Unchanged) => writeln!(f, "public API: unchanged"),
            Some(verdict) => writeln!(
                f,
                "public API: {} ({} breaking, {} additive, {} documentation)",
                verdict.word(),
                self.count(Class::Breaking),
                self.count(Class::Additive),
                self.count(Class::Docs)
            ),
        }
    }
}

/// The report of a regeneration into `out_dir`: the listing among `files` (the new one)
/// compared with the one on disk at the same place (the old one), read before anything is
/// written. No file there is a first generation; one that cannot be read is a note.
pub fn regeneration(out_dir: &Path, files: &[GeneratedFile]) -> Report {
    let Some(new) = files
        .iter()
        .find(|f| f.path.file_name().is_some_and(|n| n == api::LISTING_FILE))
    else {
        return Report::unreadable(format!("no {} was generated", api::LISTING_FILE));
    };
    let path = out_dir.join(&new.path);
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(old) => compare(&old, &new.contents),
            Err(_) => Report::unreadable(format!("{} is not UTF-8", path.display())),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Report::first_generation(),
        Err(error) => Report::unreadable(format!("{}: {error}", path.display())),
    }
}

/// Compares two listings and classifies every change.
pub fn compare(old_listing: &str, new_listing: &str) -> Report {
    let old = match parse(old_listing) {
        Ok(old) => old,
        Err(reason) => return Report::unreadable(reason),
    };
    let new = match parse(new_listing) {
        Ok(new) => new,
        Err(reason) => {
            return Report::unreadable(format!("the new listing: {reason} (a generator bug)"));
        }
    };
    let mut changes = Vec::new();
    for (key, before) in &old {
        match new.get(key) {
            None if has_owner(&new, before) => {
                changes.push(classify(&Event::Removed, before, before, &old));
            }
            None => {} // its owner's removal is the change
            Some(after) => {
                let mut attrs: Vec<Attr> = before
                    .attrs
                    .keys()
                    .chain(after.attrs.keys())
                    .copied()
                    .collect();
                attrs.sort();
                attrs.dedup();
                for attr in attrs {
                    if differs(attr, before, after) {
                        changes.push(classify(&Event::Changed(attr), before, after, &old));
                    }
                }
            }
        }
    }
    for (key, after) in &new {
        if !old.contains_key(key) && has_owner(&old, after) {
            changes.push(classify(&Event::Added, after, after, &old));
        }
    }
    changes.sort_by(|a, b| {
        (a.class, &a.item, &a.what, &a.detail).cmp(&(b.class, &b.item, &b.what, &b.detail))
    });
    changes.dedup();
    Report {
        changes,
        note: None,
    }
}

/// What a line describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A method on `Client`.
    Operation,
    /// Its request type.
    Request,
    /// A caller parameter.
    Param,
    /// The request body.
    Body,
    /// One media type the body can be sent as.
    BodyMedia,
    /// What the method returns on success.
    Returns,
    /// One success status.
    Response,
    /// The typed response headers' struct.
    Headers,
    /// One typed response header.
    Header,
    /// The operation's error enum.
    Errors,
    /// One documented error status.
    Error,
    /// The page stream of an `x-pagination` operation.
    Stream,
    /// A named type.
    Type,
    /// A struct field.
    Field,
    /// A struct's additional properties.
    Additional,
    /// A string enum value.
    Value,
    /// A union variant.
    Variant,
}

/// One attribute of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attr {
    /// The HTTP method.
    Method,
    /// The path template.
    Path,
    /// A type kind (`struct`, `enum`, `union`, `alias`).
    TypeKind,
    /// The type, as users see it.
    Type,
    /// `required` or `optional`.
    Required,
    /// Where a parameter goes.
    Location,
    /// The name on the wire.
    Wire,
    /// An alias's target.
    Target,
    /// A union's discriminator property, or a variant's discriminator value.
    Tag,
    /// The stream method.
    StreamMethod,
    /// The stream's item type.
    Item,
    /// The `nullable` flag.
    Nullable,
    /// The `flatten` flag.
    Flatten,
    /// The `input` flag.
    Input,
    /// The `output` flag.
    Output,
    /// The `no-serialize` flag.
    NoSerialize,
    /// The `no-deserialize` flag.
    NoDeserialize,
    /// The `deprecated` flag.
    Deprecated,
    /// The doc hash.
    Doc,
}

/// The shape of one kind of line: its word, whether a name follows the owner, its positional
/// words, its flags and its `key=value` pairs.
struct Shape {
    kind: Kind,
    word: &'static str,
    named: bool,
    positional: &'static [Attr],
    flags: &'static [(&'static str, Attr)],
    pairs: &'static [(&'static str, Attr)],
}

const DEPRECATED: (&str, Attr) = ("deprecated", Attr::Deprecated);
const DOC: (&str, Attr) = ("doc", Attr::Doc);
const WIRE: (&str, Attr) = ("wire", Attr::Wire);

const SHAPES: &[Shape] = &[
    Shape {
        kind: Kind::Operation,
        word: "operation",
        named: false,
        positional: &[Attr::Method],
        flags: &[DEPRECATED],
        pairs: &[("path", Attr::Path), DOC],
    },
    Shape {
        kind: Kind::Request,
        word: "request",
        named: false,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[],
    },
    Shape {
        kind: Kind::Param,
        word: "param",
        named: true,
        positional: &[Attr::Type, Attr::Required, Attr::Location],
        flags: &[DEPRECATED],
        pairs: &[WIRE, DOC],
    },
    Shape {
        kind: Kind::Body,
        word: "body",
        named: false,
        positional: &[Attr::Type, Attr::Required],
        flags: &[],
        pairs: &[DOC],
    },
    Shape {
        kind: Kind::BodyMedia,
        word: "body-media",
        named: true,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[],
    },
    Shape {
        kind: Kind::Returns,
        word: "returns",
        named: false,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[],
    },
    Shape {
        kind: Kind::Response,
        word: "response",
        named: true,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[DOC],
    },
    Shape {
        kind: Kind::Headers,
        word: "headers",
        named: false,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[],
    },
    Shape {
        kind: Kind::Header,
        word: "header",
        named: true,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[WIRE, DOC],
    },
    Shape {
        kind: Kind::Errors,
        word: "errors",
        named: false,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[],
    },
    Shape {
        kind: Kind::Error,
        word: "error",
        named: true,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[DOC],
    },
    Shape {
        kind: Kind::Stream,
        word: "stream",
        named: false,
        positional: &[Attr::StreamMethod],
        flags: &[],
        pairs: &[("item", Attr::Item)],
    },
    Shape {
        kind: Kind::Type,
        word: "type",
        named: false,
        positional: &[Attr::TypeKind],
        flags: &[
            ("input", Attr::Input),
            ("output", Attr::Output),
            ("no-serialize", Attr::NoSerialize),
            ("no-deserialize", Attr::NoDeserialize),
            DEPRECATED,
        ],
        pairs: &[("target", Attr::Target), ("tag", Attr::Tag), DOC],
    },
    Shape {
        kind: Kind::Field,
        word: "field",
        named: true,
        positional: &[Attr::Type, Attr::Required],
        flags: &[
            ("nullable", Attr::Nullable),
            ("flatten", Attr::Flatten),
            DEPRECATED,
        ],
        pairs: &[WIRE, DOC],
    },
    Shape {
        kind: Kind::Additional,
        word: "additional",
        named: false,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[],
    },
    Shape {
        kind: Kind::Value,
        word: "value",
        named: true,
        positional: &[],
        flags: &[],
        pairs: &[WIRE, DOC],
    },
    Shape {
        kind: Kind::Variant,
        word: "variant",
        named: true,
        positional: &[Attr::Type],
        flags: &[],
        pairs: &[("tag", Attr::Tag)],
    },
];

/// One parsed line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    kind: Kind,
    owner: String,
    name: Option<String>,
    attrs: BTreeMap<Attr, String>,
}

type Key = (Kind, String, Option<String>);

impl Entry {
    fn key(&self) -> Key {
        (self.kind, self.owner.clone(), self.name.clone())
    }

    fn get(&self, attr: Attr) -> Option<&str> {
        self.attrs.get(&attr).map(String::as_str)
    }

    fn has(&self, attr: Attr) -> bool {
        self.attrs.contains_key(&attr)
    }

    fn required(&self) -> bool {
        self.get(Attr::Required) == Some("required")
    }

    /// The head line of the item this line belongs to (an operation or a type).
    fn owner_key(&self) -> Key {
        let kind = match self.kind {
            Kind::Type | Kind::Field | Kind::Additional | Kind::Value | Kind::Variant => Kind::Type,
            _ => Kind::Operation,
        };
        (kind, self.owner.clone(), None)
    }

    /// How users name the item.
    fn item(&self) -> String {
        let owner = &self.owner;
        let name = self.name.as_deref().unwrap_or_default();
        match self.kind {
            Kind::Operation | Kind::Type => owner.clone(),
            Kind::Request => format!("{owner} request"),
            Kind::Param => format!("{owner}({name})"),
            Kind::Body => format!("{owner} body"),
            Kind::BodyMedia => format!("{owner} body {}", api::quote(name)),
            Kind::Returns => format!("{owner} returns"),
            Kind::Response => format!("{owner} response {name}"),
            Kind::Headers => format!("{owner} headers"),
            Kind::Header => format!("{owner} header {name}"),
            Kind::Errors => format!("{owner} errors"),
            Kind::Error => format!("{owner} error {name}"),
            Kind::Stream => format!("{owner} stream"),
            Kind::Field => format!("{owner}.{name}"),
            Kind::Additional => format!("{owner} additional properties"),
            Kind::Value | Kind::Variant => format!("{owner}::{name}"),
        }
    }

    /// What a report says about the item when it is added or removed.
    fn summary(&self) -> Option<String> {
        match self.kind {
            Kind::Operation => None,
            Kind::Type => self.get(Attr::TypeKind).map(str::to_owned),
            Kind::Value => self.get(Attr::Wire).map(api::quote),
            Kind::Stream => self.get(Attr::Item).map(str::to_owned),
            _ => self.get(Attr::Type).map(|ty| match ty {
                "()" => "no body".to_owned(),
                ty => ty.to_owned(),
            }),
        }
    }

    /// The type without the `Option`s that optionality and nullability add, so that a change
    /// of either is not also a change of type.
    fn inner_type(&self) -> Option<&str> {
        let ty = self.get(Attr::Type)?;
        let layers = match self.kind {
            Kind::Param | Kind::Body => usize::from(!self.required()),
            Kind::Header => 1,
            Kind::Field if !self.has(Attr::Flatten) => {
                usize::from(!self.required()) + usize::from(self.has(Attr::Nullable))
            }
            _ => 0,
        };
        let mut ty = ty;
        for _ in 0..layers {
            match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
                Some(inner) => ty = inner,
                None => break,
            }
        }
        Some(ty)
    }
}

fn has_owner(listing: &HashMap<Key, Entry>, entry: &Entry) -> bool {
    let owner = entry.owner_key();
    owner == entry.key() || listing.contains_key(&owner)
}

fn differs(attr: Attr, before: &Entry, after: &Entry) -> bool {
    match attr {
        Attr::Type => before.inner_type() != after.inner_type(),
        _ => before.get(attr) != after.get(attr),
    }
}

/// What happened to a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// One attribute differs.
    Changed(Attr),
}

/// A condition on a change, beyond its kind and event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Always.
    Always,
    /// The added line is `required`.
    Required,
    /// The added line is `optional`.
    Optional,
    /// The added line is `required` and belongs to a type that was output-only (only read, so
    /// nobody built it).
    RequiredInOutputOnly,
    /// The attribute became `required`.
    BecameRequired,
    /// The attribute became `optional`.
    BecameOptional,
    /// The flag was set.
    Gained,
    /// The flag was cleared.
    Lost,
}

/// One rule of the table: a kind (`None`: any), an event and a condition give a class and the
/// words of the report line.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The kind of line it applies to; `None` for every kind.
    pub kind: Option<Kind>,
    /// What happened.
    pub event: Event,
    /// The further condition.
    pub when: When,
    /// The class it gives.
    pub class: Class,
    /// What the report line says.
    pub what: &'static str,
}

const fn rule(kind: Kind, event: Event, when: When, class: Class, what: &'static str) -> Rule {
    Rule {
        kind: Some(kind),
        event,
        when,
        class,
        what,
    }
}

use Class::{Additive, Breaking, Docs};
use Event::{Added, Changed, Removed};
use When::{Always, BecameOptional, BecameRequired, Gained, Lost, Optional, Required};

/// The rules, first match wins. A change no rule names is breaking (`… changed`).
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // Operations.
    rule(Kind::Operation, Removed, Always, Breaking, "operation removed"),
    rule(Kind::Operation, Added, Always, Additive, "operation added"),
    rule(Kind::Operation, Changed(Attr::Method), Always, Breaking, "HTTP method changed"),
    rule(Kind::Operation, Changed(Attr::Path), Always, Breaking, "path changed"),
    rule(Kind::Request, Changed(Attr::Type), Always, Breaking, "request type renamed"),
    // Parameters: set by name, so one becoming optional changes no caller.
    rule(Kind::Param, Removed, Always, Breaking, "parameter removed"),
    rule(Kind::Param, Added, Required, Breaking, "required parameter added"),
    rule(Kind::Param, Added, Optional, Additive, "optional parameter added"),
    rule(Kind::Param, Changed(Attr::Type), Always, Breaking, "parameter type changed"),
    rule(Kind::Param, Changed(Attr::Required), BecameRequired, Breaking, "parameter made required"),
    rule(Kind::Param, Changed(Attr::Required), BecameOptional, Additive, "parameter made optional"),
    rule(Kind::Param, Changed(Attr::Location), Always, Breaking, "parameter location changed"),
    rule(Kind::Param, Changed(Attr::Wire), Always, Breaking, "parameter wire name changed"),
    // Request bodies.
    rule(Kind::Body, Removed, Always, Breaking, "body removed"),
    rule(Kind::Body, Added, Required, Breaking, "required body added"),
    rule(Kind::Body, Added, Optional, Additive, "optional body added"),
    rule(Kind::Body, Changed(Attr::Type), Always, Breaking, "body type changed"),
    rule(Kind::Body, Changed(Attr::Required), BecameRequired, Breaking, "body made required"),
    rule(Kind::Body, Changed(Attr::Required), BecameOptional, Additive, "body made optional"),
    rule(Kind::BodyMedia, Removed, Always, Breaking, "body media type removed"),
    rule(Kind::BodyMedia, Added, Always, Additive, "body media type added"),
    rule(Kind::BodyMedia, Changed(Attr::Type), Always, Breaking, "body media type's type changed"),
    // Success responses: a single body becoming a choice of several changes `returns`.
    rule(Kind::Returns, Changed(Attr::Type), Always, Breaking, "success type changed"),
    rule(Kind::Response, Removed, Always, Breaking, "success status removed"),
    rule(Kind::Response, Added, Always, Additive, "success status added"),
    rule(Kind::Response, Changed(Attr::Type), Always, Breaking, "success response type changed"),
    rule(Kind::Headers, Removed, Always, Breaking, "response headers removed"),
    rule(Kind::Headers, Added, Always, Additive, "response headers added"),
    rule(Kind::Headers, Changed(Attr::Type), Always, Breaking, "response headers type renamed"),
    rule(Kind::Header, Removed, Always, Breaking, "response header removed"),
    rule(Kind::Header, Added, Always, Additive, "response header added"),
    rule(Kind::Header, Changed(Attr::Type), Always, Breaking, "response header type changed"),
    rule(Kind::Header, Changed(Attr::Wire), Always, Breaking, "response header wire name changed"),
    // Errors.
    rule(Kind::Errors, Removed, Always, Breaking, "error type removed"),
    rule(Kind::Errors, Added, Always, Additive, "error type added"),
    rule(Kind::Errors, Changed(Attr::Type), Always, Breaking, "error type renamed"),
    rule(Kind::Error, Removed, Always, Breaking, "error status removed"),
    rule(Kind::Error, Added, Always, Additive, "error status added"),
    rule(Kind::Error, Changed(Attr::Type), Always, Breaking, "error body type changed"),
    // Page streams.
    rule(Kind::Stream, Removed, Always, Breaking, "stream removed"),
    rule(Kind::Stream, Added, Always, Additive, "stream added"),
    rule(Kind::Stream, Changed(Attr::StreamMethod), Always, Breaking, "stream method renamed"),
    rule(Kind::Stream, Changed(Attr::Item), Always, Breaking, "stream item type changed"),
    // Types. A direction change breaks nothing by itself: an output-only type becoming input
    // gains a constructor nobody called yet, and a type leaving a direction shows up as the
    // change of the parameter, body or response that used it.
    rule(Kind::Type, Removed, Always, Breaking, "type removed"),
    rule(Kind::Type, Added, Always, Additive, "type added"),
    rule(Kind::Type, Changed(Attr::TypeKind), Always, Breaking, "type kind changed"),
    rule(Kind::Type, Changed(Attr::Target), Always, Breaking, "alias target changed"),
    rule(Kind::Type, Changed(Attr::Tag), Always, Breaking, "union discriminator changed"),
    rule(Kind::Type, Changed(Attr::Input), Gained, Additive, "type now used in requests"),
    rule(Kind::Type, Changed(Attr::Input), Lost, Additive, "type no longer used in requests"),
    rule(Kind::Type, Changed(Attr::Output), Gained, Additive, "type now used in responses"),
    rule(Kind::Type, Changed(Attr::Output), Lost, Additive, "type no longer used in responses"),
    // A type implements only the serde directions it travels (without `full-serde`): code that
    // serialized or read it by hand breaks when it loses one.
    rule(Kind::Type, Changed(Attr::NoSerialize), Gained, Breaking, "type no longer implements Serialize (without `full-serde`)"),
    rule(Kind::Type, Changed(Attr::NoSerialize), Lost, Additive, "type now implements Serialize"),
    rule(Kind::Type, Changed(Attr::NoDeserialize), Gained, Breaking, "type no longer implements Deserialize (without `full-serde`)"),
    rule(Kind::Type, Changed(Attr::NoDeserialize), Lost, Additive, "type now implements Deserialize"),
    // Fields: an input type's constructor takes the required values, an output type's readers
    // see `T` or `Option<T>`, so optionality matters both ways.
    rule(Kind::Field, Removed, Always, Breaking, "field removed"),
    rule(Kind::Field, Added, Optional, Additive, "optional field added"),
    rule(
        Kind::Field,
        Added,
        When::RequiredInOutputOnly,
        Additive,
        "required field added to an output type",
    ),
    rule(Kind::Field, Added, Required, Breaking, "required field added to an input type"),
    rule(Kind::Field, Changed(Attr::Type), Always, Breaking, "field type changed"),
    rule(Kind::Field, Changed(Attr::Required), BecameRequired, Breaking, "field made required"),
    rule(Kind::Field, Changed(Attr::Required), BecameOptional, Breaking, "field made optional"),
    rule(Kind::Field, Changed(Attr::Nullable), Gained, Breaking, "field made nullable"),
    rule(Kind::Field, Changed(Attr::Nullable), Lost, Breaking, "field no longer nullable"),
    rule(Kind::Field, Changed(Attr::Wire), Always, Breaking, "field wire name changed"),
    rule(Kind::Additional, Removed, Always, Breaking, "additional properties removed"),
    rule(Kind::Additional, Added, Always, Additive, "additional properties added"),
    rule(Kind::Additional, Changed(Attr::Type), Always, Breaking, "additional properties type changed"),
    // Enum values and union variants.
    rule(Kind::Value, Removed, Always, Breaking, "enum value removed"),
    rule(Kind::Value, Added, Always, Additive, "enum value added"),
    rule(Kind::Value, Changed(Attr::Wire), Always, Breaking, "enum value's wire text changed"),
    rule(Kind::Variant, Removed, Always, Breaking, "union variant removed"),
    rule(Kind::Variant, Added, Always, Additive, "union variant added"),
    rule(Kind::Variant, Changed(Attr::Type), Always, Breaking, "union variant type changed"),
    rule(Kind::Variant, Changed(Attr::Tag), Always, Breaking, "union variant tag changed"),
    // Any item.
    Rule {
        kind: None,
        event: Changed(Attr::Deprecated),
        when: Gained,
        class: Additive,
        what: "marked deprecated",
    },
    Rule {
        kind: None,
        event: Changed(Attr::Deprecated),
        when: Lost,
        class: Additive,
        what: "no longer deprecated",
    },
    Rule {
        kind: None,
        event: Changed(Attr::Doc),
        when: Always,
        class: Docs,
        what: "description changed",
    },
];

/// Classifies one change: `before` and `after` are the same entry for an addition or a
/// removal; `old` is the whole old listing (for the direction of a field's type).
fn classify(event: &Event, before: &Entry, after: &Entry, old: &HashMap<Key, Entry>) -> ApiChange {
    let holds = |when: When| match when {
        When::Always => true,
        When::Required => after.required(),
        When::Optional => !after.required(),
        When::RequiredInOutputOnly => {
            after.required()
                && old
                    .get(&after.owner_key())
                    .is_some_and(|owner| owner.has(Attr::Output) && !owner.has(Attr::Input))
        }
        When::BecameRequired => after.required(),
        When::BecameOptional => !after.required(),
        When::Gained => match event {
            Event::Changed(attr) => after.has(*attr),
            _ => false,
        },
        When::Lost => match event {
            Event::Changed(attr) => !after.has(*attr),
            _ => false,
        },
    };
    let found = RULES.iter().find(|rule| {
        rule.kind.is_none_or(|kind| kind == after.kind) && rule.event == *event && holds(rule.when)
    });
    let (class, what) = match found {
        Some(rule) => (rule.class, rule.what.to_owned()),
        None => (
            Class::Breaking,
            match event {
                Event::Added => "added".to_owned(),
                Event::Removed => "removed".to_owned(),
                Event::Changed(attr) => format!("{} changed", attr_word(*attr)),
            },
        ),
    };
    let detail = match event {
        Event::Added | Event::Removed => after.summary(),
        Event::Changed(
            Attr::Doc
            | Attr::Deprecated
            | Attr::Input
            | Attr::Output
            | Attr::NoSerialize
            | Attr::NoDeserialize,
        ) => None,
        Event::Changed(attr) => {
            let show = |entry: &Entry| match attr {
                Attr::Path | Attr::Wire | Attr::Tag => entry
                    .get(*attr)
                    .map(api::quote)
                    .unwrap_or_else(|| "none".to_owned()),
                Attr::Nullable | Attr::Flatten => {
                    if entry.has(*attr) { "yes" } else { "no" }.to_owned()
                }
                _ => entry.get(*attr).unwrap_or("none").to_owned(),
            };
            Some(format!("{} -> {}", show(before), show(after)))
        }
    };
    ApiChange {
        class,
        what,
        item: after.item(),
        detail,
    }
}

fn attr_word(attr: Attr) -> &'static str {
    match attr {
        Attr::Method => "HTTP method",
        Attr::Path => "path",
        Attr::TypeKind => "kind",
        Attr::Type => "type",
        Attr::Required => "optionality",
        Attr::Location => "location",
        Attr::Wire => "wire name",
        Attr::Target => "target",
        Attr::Tag => "tag",
        Attr::StreamMethod => "stream method",
        Attr::Item => "item type",
        Attr::Nullable => "nullability",
        Attr::Flatten => "flattening",
        Attr::Input => "direction",
        Attr::Output => "direction",
        Attr::NoSerialize | Attr::NoDeserialize => "serde traits",
        Attr::Deprecated => "deprecation",
        Attr::Doc => "description",
    }
}

/// Reads a listing into its entries by key; `Err` names the first line it cannot read.
/// (A hash map: the order of entries does not matter, changes are sorted in the end.)
fn parse(listing: &str) -> Result<HashMap<Key, Entry>, String> {
    let mut entries = HashMap::new();
    for (index, line) in listing.lines().enumerate() {
        let number = index.saturating_add(1);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(rest) = comment.split("listing format ").nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                if digits.parse::<u32>().ok() != Some(api::FORMAT) {
                    return Err(format!(
                        "line {number}: written in listing format {digits}, and this generator reads format {}",
                        api::FORMAT
                    ));
                }
            }
            continue;
        }
        let entry = parse_line(line).map_err(|reason| format!("line {number}: {reason}"))?;
        if entries.insert(entry.key(), entry).is_some() {
            return Err(format!("line {number}: the item is listed twice"));
        }
    }
    Ok(entries)
}

/// One token of a line: a word, a quoted string, or `key=value`; whether a `:` ends it.
#[derive(Debug, PartialEq, Eq)]
struct Token {
    key: Option<String>,
    value: String,
    ends_name: bool,
}

fn tokens(line: &str) -> Result<Vec<Token>, String> {
    let bytes = line.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if at(i) == Some(b' ') {
            i += 1;
            continue;
        }
        let start = i;
        let mut key = None;
        while let Some(b) = at(i) {
            if b == b' ' || b == b'"' {
                break;
            }
            if b == b'=' && key.is_none() {
                key = Some(line[start..i].to_owned());
                i += 1;
                break;
            }
            i += 1;
        }
        let value_start = if key.is_some() { i } else { start };
        let (value, quoted) = if at(i) == Some(b'"') {
            if key.is_none() && i != start {
                return Err("a quote inside a word".to_owned());
            }
            let mut end = i + 1;
            loop {
                match at(end) {
                    None => return Err("a quoted text is not closed".to_owned()),
                    Some(b'\\') => end += 2,
                    Some(b'"') => break,
                    Some(_) => end += 1,
                }
            }
            let text = line.get(i..=end).ok_or("a quoted text is not closed")?;
            let value: String = match text.get(1..text.len().saturating_sub(1)) {
                // Most texts have nothing to unescape.
                Some(inner) if !inner.contains('\\') && !inner.chars().any(char::is_control) => {
                    inner.to_owned()
                }
                _ => serde_json::from_str(text)
                    .map_err(|error| format!("a quoted text does not read: {error}"))?,
            };
            i = end + 1;
            (value, true)
        } else {
            while let Some(b) = at(i) {
                if b == b' ' || b == b'"' {
                    break;
                }
                i += 1;
            }
            if at(i) == Some(b'"') {
                return Err("a quote inside a word".to_owned());
            }
            (line[value_start..i].to_owned(), false)
        };
        let mut value = value;
        let mut ends_name = false;
        if quoted && at(i) == Some(b':') {
            ends_name = true;
            i += 1;
        } else if !quoted && value.ends_with(':') {
            ends_name = true;
            value.pop();
        }
        if at(i).is_some_and(|b| b != b' ') {
            return Err("a quoted text runs into the next word".to_owned());
        }
        out.push(Token {
            key,
            value,
            ends_name,
        });
    }
    Ok(out)
}

fn parse_line(line: &str) -> Result<Entry, String> {
    let tokens = tokens(line)?;
    let colon = tokens
        .iter()
        .position(|t| t.ends_name)
        .ok_or("no `:` after the item's name")?;
    let (name_part, value_part) = tokens.split_at(colon.saturating_add(1));
    if let Some(token) = name_part.iter().find(|t| t.key.is_some()) {
        return Err(format!(
            "`{}=` in the item's name",
            token.key.as_deref().unwrap_or_default()
        ));
    }
    let word = name_part
        .first()
        .map(|t| t.value.as_str())
        .unwrap_or_default();
    let shape = SHAPES
        .iter()
        .find(|s| s.word == word)
        .ok_or_else(|| format!("unknown item kind `{word}`"))?;
    let owner = name_part.get(1).map(|t| t.value.clone());
    let name = name_part.get(2).map(|t| t.value.clone());
    let expected = if shape.named { 3 } else { 2 };
    let (Some(owner), true) = (owner, name_part.len() == expected) else {
        return Err(format!(
            "`{word}` takes {} before the `:`",
            if shape.named {
                "an owner and a name"
            } else {
                "an owner"
            }
        ));
    };
    let mut attrs = BTreeMap::new();
    let mut positional = shape.positional.iter();
    for token in value_part {
        if token.ends_name {
            return Err("a second `:` after the item's name".to_owned());
        }
        let attr = match &token.key {
            Some(key) => shape
                .pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, attr)| *attr)
                .ok_or_else(|| format!("unknown `{key}=` for `{word}`"))?,
            None => match positional.next() {
                Some(attr) => *attr,
                None => shape
                    .flags
                    .iter()
                    .find(|(flag, _)| *flag == token.value)
                    .map(|(_, attr)| *attr)
                    .ok_or_else(|| format!("unknown word `{}` for `{word}`", token.value))?,
            },
        };
        if attr == Attr::Required && token.value != "required" && token.value != "optional" {
            return Err(format!(
                "`{}` where `required` or `optional` belongs",
                token.value
            ));
        }
        let value = if token.key.is_none() && shape.flags.iter().any(|(_, a)| *a == attr) {
            String::new()
        } else {
            token.value.clone()
        };
        if attrs.insert(attr, value).is_some() {
            return Err(format!("`{word}` has {} twice", attr_word(attr)));
        }
    }
    if positional.next().is_some() {
        return Err(format!("`{word}` lacks a value"));
    }
    Ok(Entry {
        kind: shape.kind,
        owner,
        name,
        attrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "# @generated by the generator from spec.yaml: do not edit.\n# The public API of the generated client (listing format 1), one item per line.\n";

    const BASE: &str = "\
operation Client::show_pet: GET path=\"/pets/{pet_id}\" doc=0000000000000001
request Client::show_pet: operations::ShowPetRequest
param Client::show_pet pet_id: String required path wire=\"pet_id\"
param Client::show_pet verbose: Option<bool> optional query wire=\"verbose\"
body Client::show_pet: Option<types::Query> optional
body-media Client::show_pet \"application/json\": types::Query
returns Client::show_pet: types::Pet
response Client::show_pet 200: types::Pet
headers Client::show_pet: operations::ShowPetResponseHeaders
header Client::show_pet x_request_id: Option<String> wire=\"X-Request-Id\"
errors Client::show_pet: operations::ShowPetError
error Client::show_pet 404: types::Error
stream Client::show_pet: Client::show_pet_stream item=types::Pet
type types::Error: struct output
field types::Error message: Option<String> optional wire=\"message\"
type types::Ids: alias input target=Vec<String>
type types::Kind: enum output
value types::Kind Cat: wire=\"cat\"
value types::Kind Dog: wire=\"dog\"
type types::Pet: struct output doc=0000000000000002
field types::Pet name: String required wire=\"name\"
field types::Pet tag: Option<String> optional wire=\"tag\"
type types::Query: struct input
field types::Query text: String required wire=\"text\"
additional types::Query: Map<String>
type types::Shape: union output tag=\"kind\"
variant types::Shape Circle: types::Circle tag=\"circle\"
";

    /// The report lines of `BASE` edited by replacing `from` with `to` (each must occur).
    fn lines_after(edits: &[(&str, &str)]) -> Vec<String> {
        let mut new = BASE.to_owned();
        for (from, to) in edits {
            assert!(
                new.contains(from),
                "the edit's text {from:?} is not in the listing"
            );
            new = new.replacen(from, to, 1);
        }
        let report = compare(&format!("{HEADER}{BASE}"), &format!("{HEADER}{new}"));
        assert_eq!(report.note, None);
        report.changes.iter().map(ApiChange::to_string).collect()
    }

    fn one(edits: &[(&str, &str)]) -> String {
        let lines = lines_after(edits);
        assert_eq!(lines.len(), 1, "{lines:#?}");
        lines.into_iter().next().unwrap_or_default()
    }

    /// Every rule of the table, each by a listing edit and the one line it gives.
    #[test]
    fn each_rule_classifies_its_change() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            // Operations.
            (
                &[(
                    "\nerror Client::show_pet 404: types::Error\n",
                    "\noperation Client::add_pet: POST path=\"/pets\"\nerror Client::show_pet 404: types::Error\n",
                )],
                "additive  operation added: Client::add_pet",
            ),
            (
                &[(": GET path", ": PUT path")],
                "breaking  HTTP method changed: Client::show_pet (GET -> PUT)",
            ),
            (
                &[("\"/pets/{pet_id}\"", "\"/pet/{pet_id}\"")],
                "breaking  path changed: Client::show_pet (\"/pets/{pet_id}\" -> \"/pet/{pet_id}\")",
            ),
            (
                &[("operations::ShowPetRequest", "operations::GetPetRequest")],
                "breaking  request type renamed: Client::show_pet request (operations::ShowPetRequest -> operations::GetPetRequest)",
            ),
            // Parameters.
            (
                &[(
                    "param Client::show_pet verbose: Option<bool> optional query wire=\"verbose\"\n",
                    "",
                )],
                "breaking  parameter removed: Client::show_pet(verbose) (Option<bool>)",
            ),
            (
                &[(
                    "wire=\"verbose\"\n",
                    "wire=\"verbose\"\nparam Client::show_pet zone: String required header wire=\"X-Zone\"\n",
                )],
                "breaking  required parameter added: Client::show_pet(zone) (String)",
            ),
            (
                &[(
                    "wire=\"verbose\"\n",
                    "wire=\"verbose\"\nparam Client::show_pet zone: Option<String> optional header wire=\"X-Zone\"\n",
                )],
                "additive  optional parameter added: Client::show_pet(zone) (Option<String>)",
            ),
            (
                &[("pet_id: String required", "pet_id: i64 required")],
                "breaking  parameter type changed: Client::show_pet(pet_id) (String -> i64)",
            ),
            (
                &[("verbose: Option<bool> optional", "verbose: bool required")],
                "breaking  parameter made required: Client::show_pet(verbose) (optional -> required)",
            ),
            (
                &[("pet_id: String required", "pet_id: Option<String> optional")],
                "additive  parameter made optional: Client::show_pet(pet_id) (required -> optional)",
            ),
            (
                &[("optional query wire", "optional header wire")],
                "breaking  parameter location changed: Client::show_pet(verbose) (query -> header)",
            ),
            (
                &[("wire=\"verbose\"", "wire=\"Verbose\"")],
                "breaking  parameter wire name changed: Client::show_pet(verbose) (\"verbose\" -> \"Verbose\")",
            ),
            // Bodies.
            (
                &[("body Client::show_pet: Option<types::Query> optional\n", "")],
                "breaking  body removed: Client::show_pet body (Option<types::Query>)",
            ),
            (
                &[(
                    "show_pet: Option<types::Query> optional",
                    "show_pet: types::Query required",
                )],
                "breaking  body made required: Client::show_pet body (optional -> required)",
            ),
            (
                &[(
                    "body Client::show_pet: Option<types::Query>",
                    "body Client::show_pet: Option<types::Other>",
                )],
                "breaking  body type changed: Client::show_pet body (Option<types::Query> -> Option<types::Other>)",
            ),
            (
                &[(
                    "\"application/json\": types::Query\n",
                    "\"application/json\": types::Query\nbody-media Client::show_pet \"text/plain\": String\n",
                )],
                "additive  body media type added: Client::show_pet body \"text/plain\" (String)",
            ),
            (
                &[(
                    "body-media Client::show_pet \"application/json\": types::Query\n",
                    "",
                )],
                "breaking  body media type removed: Client::show_pet body \"application/json\" (types::Query)",
            ),
            // Success responses.
            (
                &[(
                    "returns Client::show_pet: types::Pet",
                    "returns Client::show_pet: operations::ShowPetResponse",
                )],
                "breaking  success type changed: Client::show_pet returns (types::Pet -> operations::ShowPetResponse)",
            ),
            (
                &[(
                    "response Client::show_pet 200: types::Pet\n",
                    "response Client::show_pet 200: types::Pet\nresponse Client::show_pet 202: types::Pet\n",
                )],
                "additive  success status added: Client::show_pet response 202 (types::Pet)",
            ),
            (
                &[("response Client::show_pet 200: types::Pet\n", "")],
                "breaking  success status removed: Client::show_pet response 200 (types::Pet)",
            ),
            (
                &[("200: types::Pet", "200: types::Kind")],
                "breaking  success response type changed: Client::show_pet response 200 (types::Pet -> types::Kind)",
            ),
            (
                &[(
                    "header Client::show_pet x_request_id: Option<String> wire=\"X-Request-Id\"\n",
                    "",
                )],
                "breaking  response header removed: Client::show_pet header x_request_id (Option<String>)",
            ),
            (
                &[(
                    "wire=\"X-Request-Id\"\n",
                    "wire=\"X-Request-Id\"\nheader Client::show_pet x_total: Option<i64> wire=\"X-Total\"\n",
                )],
                "additive  response header added: Client::show_pet header x_total (Option<i64>)",
            ),
            (
                &[("x_request_id: Option<String>", "x_request_id: Option<i64>")],
                "breaking  response header type changed: Client::show_pet header x_request_id (Option<String> -> Option<i64>)",
            ),
            // Errors.
            (
                &[(
                    "error Client::show_pet 404: types::Error\n",
                    "error Client::show_pet 404: types::Error\nerror Client::show_pet 500: ()\n",
                )],
                "additive  error status added: Client::show_pet error 500 (no body)",
            ),
            (
                &[("error Client::show_pet 404: types::Error\n", "")],
                "breaking  error status removed: Client::show_pet error 404 (types::Error)",
            ),
            (
                &[("404: types::Error", "404: types::Problem")],
                "breaking  error body type changed: Client::show_pet error 404 (types::Error -> types::Problem)",
            ),
            (
                &[("errors Client::show_pet: operations::ShowPetError\n", "")],
                "breaking  error type removed: Client::show_pet errors (operations::ShowPetError)",
            ),
            // Streams.
            (
                &[(
                    "stream Client::show_pet: Client::show_pet_stream item=types::Pet\n",
                    "",
                )],
                "breaking  stream removed: Client::show_pet stream (types::Pet)",
            ),
            (
                &[("item=types::Pet", "item=types::Kind")],
                "breaking  stream item type changed: Client::show_pet stream (types::Pet -> types::Kind)",
            ),
            // Types.
            (
                &[("type types::Ids: alias input target=Vec<String>\n", "")],
                "breaking  type removed: types::Ids (alias)",
            ),
            (
                &[(
                    "type types::Ids:",
                    "type types::Code: enum output\ntype types::Ids:",
                )],
                "additive  type added: types::Code (enum)",
            ),
            (
                &[(
                    "type types::Kind: enum output",
                    "type types::Kind: struct output",
                )],
                "breaking  type kind changed: types::Kind (enum -> struct)",
            ),
            (
                &[("target=Vec<String>", "target=Vec<i64>")],
                "breaking  alias target changed: types::Ids (Vec<String> -> Vec<i64>)",
            ),
            (
                &[("tag=\"kind\"", "tag=\"type\"")],
                "breaking  union discriminator changed: types::Shape (\"kind\" -> \"type\")",
            ),
            (
                &[(
                    "type types::Pet: struct output",
                    "type types::Pet: struct input output",
                )],
                "additive  type now used in requests: types::Pet",
            ),
            // Fields.
            (
                &[("field types::Pet name: String required wire=\"name\"\n", "")],
                "breaking  field removed: types::Pet.name (String)",
            ),
            (
                &[(
                    "field types::Query text: String required wire=\"text\"\n",
                    "",
                )],
                "breaking  field removed: types::Query.text (String)",
            ),
            (
                &[(
                    "wire=\"tag\"\n",
                    "wire=\"tag\"\nfield types::Pet age: Option<i64> optional wire=\"age\"\n",
                )],
                "additive  optional field added: types::Pet.age (Option<i64>)",
            ),
            (
                &[(
                    "wire=\"tag\"\n",
                    "wire=\"tag\"\nfield types::Pet age: i64 required wire=\"age\"\n",
                )],
                "additive  required field added to an output type: types::Pet.age (i64)",
            ),
            (
                &[(
                    "wire=\"text\"\n",
                    "wire=\"text\"\nfield types::Query limit: i64 required wire=\"limit\"\n",
                )],
                "breaking  required field added to an input type: types::Query.limit (i64)",
            ),
            (
                &[("tag: Option<String> optional", "tag: Option<i64> optional")],
                "breaking  field type changed: types::Pet.tag (Option<String> -> Option<i64>)",
            ),
            (
                &[("tag: Option<String> optional", "tag: String required")],
                "breaking  field made required: types::Pet.tag (optional -> required)",
            ),
            (
                &[("name: String required", "name: Option<String> optional")],
                "breaking  field made optional: types::Pet.name (required -> optional)",
            ),
            (
                &[(
                    "name: String required wire",
                    "name: Option<String> required nullable wire",
                )],
                "breaking  field made nullable: types::Pet.name (no -> yes)",
            ),
            (
                &[("wire=\"name\"", "wire=\"Name\"")],
                "breaking  field wire name changed: types::Pet.name (\"name\" -> \"Name\")",
            ),
            (
                &[("additional types::Query: Map<String>\n", "")],
                "breaking  additional properties removed: types::Query additional properties (Map<String>)",
            ),
            // Enum values and union variants.
            (
                &[("value types::Kind Cat: wire=\"cat\"\n", "")],
                "breaking  enum value removed: types::Kind::Cat (\"cat\")",
            ),
            (
                &[(
                    "wire=\"dog\"\n",
                    "wire=\"dog\"\nvalue types::Kind Fish: wire=\"fish\"\n",
                )],
                "additive  enum value added: types::Kind::Fish (\"fish\")",
            ),
            (
                &[("wire=\"dog\"", "wire=\"hound\"")],
                "breaking  enum value's wire text changed: types::Kind::Dog (\"dog\" -> \"hound\")",
            ),
            (
                &[(
                    "variant types::Shape Circle: types::Circle tag=\"circle\"\n",
                    "",
                )],
                "breaking  union variant removed: types::Shape::Circle (types::Circle)",
            ),
            (
                &[(
                    "tag=\"circle\"\n",
                    "tag=\"circle\"\nvariant types::Shape Square: types::Square tag=\"square\"\n",
                )],
                "additive  union variant added: types::Shape::Square (types::Square)",
            ),
            (
                &[("Circle: types::Circle", "Circle: types::Round")],
                "breaking  union variant type changed: types::Shape::Circle (types::Circle -> types::Round)",
            ),
            // Any item.
            (
                &[(
                    "type types::Error: struct output",
                    "type types::Error: struct output deprecated",
                )],
                "additive  marked deprecated: types::Error",
            ),
            (
                &[("doc=0000000000000002", "doc=0000000000000003")],
                "docs  description changed: types::Pet",
            ),
            (
                &[(
                    "value types::Kind Cat: wire=\"cat\"",
                    "value types::Kind Cat: wire=\"cat\" doc=0000000000000004",
                )],
                "docs  description changed: types::Kind::Cat",
            ),
        ];
        for (edits, expected) in cases {
            assert_eq!(one(edits), *expected, "{edits:?}");
        }
    }

    #[test]
    fn removing_an_operation_is_one_change_not_one_per_part() {
        let without: String = BASE
            .lines()
            .filter(|line| !line.contains(" Client::show_pet"))
            .map(|line| format!("{line}\n"))
            .collect();
        let report = compare(BASE, &without);
        let lines: Vec<String> = report.changes.iter().map(ApiChange::to_string).collect();
        assert_eq!(lines, ["breaking  operation removed: Client::show_pet"]);
        assert_eq!(report.verdict(), Some(Verdict::Major));

        let added = compare(&without, BASE);
        let lines: Vec<String> = added.changes.iter().map(ApiChange::to_string).collect();
        assert_eq!(lines, ["additive  operation added: Client::show_pet"]);
        assert_eq!(added.verdict(), Some(Verdict::Minor));
    }

    #[test]
    fn a_type_added_with_its_fields_is_one_change() {
        let new = format!(
            "{BASE}type types::Toy: struct output\nfield types::Toy name: String required wire=\"name\"\n"
        );
        let report = compare(BASE, &new);
        assert_eq!(
            report.to_string(),
            "additive  type added: types::Toy (struct)\npublic API: minor (0 breaking, 1 additive, 0 documentation)\n"
        );
    }

    #[test]
    fn a_required_field_added_to_an_output_type_that_becomes_input_is_not_breaking() {
        let report = compare(
            BASE,
            &BASE
                .replace(
                    "type types::Pet: struct output",
                    "type types::Pet: struct input output",
                )
                .replace(
                    "wire=\"tag\"\n",
                    "wire=\"tag\"\nfield types::Pet age: i64 required wire=\"age\"\n",
                ),
        );
        assert_eq!(report.verdict(), Some(Verdict::Minor), "{report}");
        assert_eq!(report.changes.len(), 2, "{report}");
    }

    #[test]
    fn losing_a_serde_direction_is_breaking_and_gaining_one_is_not() {
        let one_way = BASE.replace(
            "type types::Pet: struct output",
            "type types::Pet: struct output no-serialize",
        );
        let lost = compare(BASE, &one_way);
        let lines: Vec<String> = lost.changes.iter().map(ApiChange::to_string).collect();
        assert_eq!(
            lines,
            ["breaking  type no longer implements Serialize (without `full-serde`): types::Pet"]
        );
        assert_eq!(lost.verdict(), Some(Verdict::Major));
        let gained = compare(&one_way, BASE);
        assert_eq!(gained.verdict(), Some(Verdict::Minor), "{gained}");
    }

    #[test]
    fn a_field_losing_its_option_to_nullability_changes_nothing_else() {
        // Required and nullable is `Option<T>` too: only nullability changed, not the type.
        let lines = lines_after(&[(
            "name: String required wire",
            "name: Option<String> required nullable wire",
        )]);
        assert_eq!(
            lines,
            ["breaking  field made nullable: types::Pet.name (no -> yes)"]
        );
    }

    #[test]
    fn the_report_is_sorted_and_ends_with_the_verdict() {
        let new = BASE
            .replace("doc=0000000000000002", "doc=0000000000000009")
            .replace("value types::Kind Cat: wire=\"cat\"\n", "")
            .replace(
                "wire=\"dog\"\n",
                "wire=\"dog\"\nvalue types::Kind Fish: wire=\"fish\"\n",
            )
            .replace(
                "field types::Error message: Option<String> optional wire=\"message\"\n",
                "",
            )
            .replace("GET path", "POST path");
        let report = compare(BASE, &new);
        assert_eq!(
            report.to_string(),
            "\
breaking  HTTP method changed: Client::show_pet (GET -> POST)
breaking  field removed: types::Error.message (Option<String>)
breaking  enum value removed: types::Kind::Cat (\"cat\")
additive  enum value added: types::Kind::Fish (\"fish\")
docs  description changed: types::Pet
public API: major (3 breaking, 1 additive, 1 documentation)
"
        );
        assert!(report.is_breaking());
    }

    #[test]
    fn verdicts() {
        let same = compare(BASE, BASE);
        assert_eq!(same.verdict(), Some(Verdict::Unchanged));
        assert_eq!(same.to_string(), "public API: unchanged\n");
        let docs = compare(
            BASE,
            &BASE.replace("doc=0000000000000001", "doc=0000000000000005"),
        );
        assert_eq!(docs.verdict(), Some(Verdict::Patch));
        assert!(
            docs.to_string()
                .ends_with("public API: patch (0 breaking, 0 additive, 1 documentation)\n")
        );
        assert!(!docs.is_breaking());
        // Header comments and line endings are not the API.
        let crlf = format!("{HEADER}{BASE}").replace('\n', "\r\n");
        assert_eq!(compare(&crlf, BASE).verdict(), Some(Verdict::Unchanged));
        let first = Report::first_generation();
        assert_eq!(first.verdict(), None);
        assert!(!first.is_breaking());
        assert_eq!(
            first.to_string(),
            "public API: first generation (no earlier public-api.txt to compare with)\n"
        );
    }

    #[test]
    fn an_unreadable_old_listing_is_a_one_line_note() {
        let cases = [
            (
                "operation Client::x GET\n",
                "line 1: no `:` after the item's name",
            ),
            (
                "gadget Client::x: GET\n",
                "line 1: unknown item kind `gadget`",
            ),
            (
                "operation Client::x: GET path=\"/a\n",
                "line 1: a quoted text is not closed",
            ),
            (
                "operation Client::x: GET path=\"\\q\"\n",
                "line 1: a quoted text does not read",
            ),
            (
                "operation Client::x: GET shiny\n",
                "line 1: unknown word `shiny` for `operation`",
            ),
            (
                "operation Client::x: GET colour=red\n",
                "line 1: unknown `colour=` for `operation`",
            ),
            (
                "param Client::x: String required path\n",
                "line 1: `param` takes an owner and a name before the `:`",
            ),
            (
                "param Client::x id: String maybe path\n",
                "line 1: `maybe` where `required` or `optional` belongs",
            ),
            (
                "param Client::x id: String\n",
                "line 1: `param` lacks a value",
            ),
            (
                "field types::A b: String required wire=\"b\" wire=\"c\"\n",
                "line 1: `field` has wire name twice",
            ),
            (
                "type types::A: struct\ntype types::A: enum\n",
                "line 2: the item is listed twice",
            ),
            (
                "# The public API (listing format 7)\n",
                "line 1: written in listing format 7, and this generator reads format 1",
            ),
            (
                "operation Client::x: GET pa\"th\"\n",
                "line 1: a quote inside a word",
            ),
            (
                "operation Client::x: GET path=\"/\"x\n",
                "line 1: a quoted text runs into the next word",
            ),
            (
                "type types::A: struct: enum\n",
                "line 1: a second `:` after the item's name",
            ),
            (
                "operation Client::x: GET path=\"\\",
                "line 1: a quoted text is not closed",
            ),
            (
                "operation Client::x: GET path=\"é\\",
                "line 1: a quoted text is not closed",
            ),
        ];
        for (old, reason) in cases {
            let report = compare(old, BASE);
            let text = report.to_string();
            assert_eq!(text.lines().count(), 1, "{old:?}: {text}");
            assert!(
                text.starts_with(&format!(
                    "public API: the committed listing cannot be read ({reason}"
                )),
                "{old:?}: {text}"
            );
            assert!(text.ends_with("; no report\n"), "{text}");
            assert_eq!(report.verdict(), None);
            assert!(!report.is_breaking());
        }
    }

    #[test]
    fn any_text_reads_or_is_a_note_never_a_panic() {
        // Every prefix of a real listing and some byte soup.
        let full = format!("{HEADER}{BASE}");
        for end in (0..full.len()).filter(|i| full.is_char_boundary(*i)) {
            let _ = compare(&full[..end], BASE);
        }
        for soup in [
            "\"",
            "a: \"",
            "::: ::",
            "= = =",
            "\u{0}\u{ffff}",
            "x=\"\\u12",
            "type : :",
        ] {
            let _ = compare(soup, BASE);
        }
    }

    #[test]
    fn the_listing_of_a_model_reads_back() {
        // What `api::listing` writes, this module reads; the tests of the `tests` package
        // compare listings of real specs.
        let entries = parse(BASE).unwrap();
        assert_eq!(entries.len(), BASE.lines().count());
        let header = parse(&api::format_line());
        assert_eq!(header.map(|e| e.len()), Ok(0));
    }

    #[test]
    fn regeneration_reads_the_listing_beside_the_new_one() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let files = [GeneratedFile {
            path: std::path::PathBuf::from("src/generated/public-api.txt"),
            contents: BASE.to_owned(),
        }];
        assert_eq!(regeneration(dir.path(), &files), Report::first_generation());
        let listing = dir.path().join("src/generated/public-api.txt");
        std::fs::create_dir_all(dir.path().join("src/generated")).unwrap_or_default();
        std::fs::write(
            &listing,
            BASE.replace(
                "wire=\"dog\"\n",
                "wire=\"dog\"\nvalue types::Kind Fish: wire=\"fish\"\n",
            ),
        )
        .unwrap_or_default();
        let report = regeneration(dir.path(), &files);
        assert_eq!(
            report.to_string(),
            "breaking  enum value removed: types::Kind::Fish (\"fish\")\npublic API: major (1 breaking, 0 additive, 0 documentation)\n"
        );
        std::fs::write(&listing, [0xff, 0xfe]).unwrap_or_default();
        let report = regeneration(dir.path(), &files);
        assert!(
            matches!(&report.note, Some(Note::Unreadable(reason)) if reason.ends_with("is not UTF-8")),
            "{report}"
        );
        assert!(matches!(
            regeneration(dir.path(), &[]).note,
            Some(Note::Unreadable(_))
        ));
    }
}
