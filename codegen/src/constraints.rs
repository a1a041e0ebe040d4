//! The constraint data of every resource type of the region (`dsl/data/schemas.bin`): what
//! the validator checks for the ~1,850 types, most of which have no generated Rust types,
//! and for SAM's `AWS::Serverless::*` types (cfn-lint's `providers/sam.json`), which never
//! have any. A SAM type's `Fn::GetAtt` accepts any attribute (see [`crate::fixups`]).
//!
//! Each schema is reduced to its constraints (descriptions, handlers, tagging and the like
//! dropped; `oneOf`/`anyOf`/`allOf` folded into the node they decorate), written as compact
//! JSON and compressed on its own with raw DEFLATE, so the validator decodes one type at a time
//! (the generated types are not compressed: see [`emit`]).
//!
//! File layout (integers are little-endian `u32`; the index is read in place, never parsed):
//!
//! ```text
//! FFSCHEMAS 3\n
//! {"generator":...,"cfn_lint":...,"region":...,"schema_date":...,"types":N,"sam_types":N,"raw_bytes":N}\n
//! N, NAMES_LEN
//! N records, sorted by type name: name offset, name length, data offset, compressed
//!   length (0: the JSON itself, not compressed), JSON length (offsets relative to the
//!   names blob and the data block)
//! <names blob: the type names, concatenated (NAMES_LEN bytes)>
//! <data block: the schemas (compressed, or the JSON itself), concatenated>
//! ```
//!
//! A reduced schema node keeps: `type` (string or list), `$ref` (definition name only),
//! `enum` (from `enum`, or from cfn-lint's `enumCaseInsensitive` list with `ci: true` added,
//! which the validator compares ignoring case; `const` becomes a one-value enum), `pattern`, `format` (a list of cfn-lint's identifier and CIDR formats, one of which a string
//! must have: see `formats` below), `minLength`, `maxLength`, `minimum`, `maximum`,
//! `multipleOf` (when above zero), `minItems`, `maxItems`, `minProperties`, `maxProperties`,
//! `uniqueItems` (only when true), `uniqueKeys` (cfn-lint's: no two mapping items of a list
//! with the same values for these keys), `properties`, `patternProperties` (the reduced
//! schemas of the values of keys matching each pattern), `required`, `additionalProperties: false` (only when no `patternProperties`
//! or alternatives make other keys legal; an `anyOf`/`oneOf` whose only mapping alternative
//! is a closed mapping with properties gives its `required` and closedness, which the
//! validator applies to mapping values only: see `only_mapping_alternative`; an `allOf`
//! alternative that is closed and names every property of the node closes it),
//! `additionalProperties` as a schema (that of the values of keys no property names; SAM's
//! are dropped by a fixup), `cases` (`{"key": K, "of": {value: node}}`, for alternatives told
//! apart by the one value each allows for property K, kept whole instead of folded: an IoT
//! FleetWise decoder manifest's network interfaces by `Type`; see `tagged_alternatives`), `dependentExcluded` (`{"A": ["B", ...]}`: when
//! property A is set, none of the B may be; only names the node's `properties` has, see
//! `excluded` below), `prefixItems` (the schemas of a list's first items), `dependentRequired` (`{"A": ["B", ...]}`: when A is set, every B
//! must be; also from draft 4's `dependencies` of that form; the same filtering), `requiredSets` (`[{"one" | "any": [[names], ...]}]`:
//! exactly one, or at least one, of the groups of properties must be all set; from
//! `requiredXor`, `requiredOr` and alternatives that only require properties, see
//! `required_sets` below) and `items` (with `prefixItems`, the list bounds and uniqueness
//! also from the one `anyOf`/`oneOf` alternative that takes a list, when only one does: a
//! list value satisfies the node only through it; see `only_list_alternative`). A type's root adds `definitions` and
//! `attributes` (what `Fn::GetAtt` accepts: dotted names, `*` for any segment, a trailing
//! `.*` for any suffix, or `*` alone for anything; see [`crate::getatt`]) and, for a type whose
//! service AWS has shut down, is shutting down or keeps in maintenance mode, `lifecycle`
//! (`{"status": "shutdown" | "sunset" | "maintenance", "date": "YYYY-MM-DD"}`, the date
//! optional), as cfn-lint's schemas record it from
//! <https://docs.aws.amazon.com/general/latest/gr/full_shutdown_services.html>, and, when
//! the template sets every part of the type's primary identifier, `primaryIdentifier` (the
//! names of those properties; see `writable_identifier` below), and `readOnly`, the names of
//! the top-level properties AWS sets and a template cannot (see `read_only_properties`).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::emit::Provenance;
use crate::getatt;
use crate::source::SchemaSet;

/// The file's first line.
pub const MAGIC: &str = "FFSCHEMAS 3\n";

/// What [`emit`] produced.
pub struct Constraints {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Number of types.
    pub types: usize,
    /// Size of the compact JSON before compression.
    pub raw_bytes: usize,
    /// The patterns of the schemas.
    pub patterns: Patterns,
}

/// Reduce, compress and index every type of `set`, SAM's among them. The types in
/// `generated` (those ferroform has Rust types for, so the ones its constructs write and
/// nearly every synthesized template holds) are written as their JSON itself (compressed
/// length 0), which the validator reads in place: about 180 KB more in the binary, and no
/// decompression, copy or zeroed buffer for them at validation (inflating the 16 types of
/// a 50-service stack took 1.3 M instructions of its 28 M; DEFLATE's stored blocks, tried
/// next, still cost a decompressor's state and a copy for each).
pub fn emit(
    set: &SchemaSet,
    generated: &[String],
    provenance: &Provenance,
) -> Result<Constraints, String> {
    // Sorted by type name, without duplicates (a SAM type the region also had would be
    // written once, from the region's schema).
    let all: BTreeSet<&String> = set.types.keys().chain(set.sam_types.keys()).collect();
    let mut records: Vec<[u32; 5]> = Vec::with_capacity(all.len());
    let mut names = Vec::new();
    let mut data = Vec::new();
    let mut raw_bytes = 0;
    let mut patterns = Patterns::default();
    let u32_of = |n: usize, what: &str| {
        u32::try_from(n).map_err(|_| format!("constraint data: {what} {n} does not fit in 32 bits"))
    };
    for type_name in &all {
        let (_, mut schema) = set.load(type_name)?;
        crate::fixups::patch_schema(type_name, &mut schema);
        let reduced = reduce_type(type_name, &schema, &mut patterns);
        let json = serde_json::to_vec(&reduced).map_err(|e| format!("{type_name}: {e}"))?;
        raw_bytes += json.len();
        // `None` for the generated types: their JSON itself is written (compressed length 0).
        let compressed = (!generated.contains(*type_name))
            .then(|| miniz_oxide::deflate::compress_to_vec(&json, 9));
        records.push([
            u32_of(names.len(), "name offset")?,
            u32_of(type_name.len(), "name length")?,
            u32_of(data.len(), "data offset")?,
            u32_of(compressed.as_ref().map_or(0, Vec::len), "compressed length")?,
            u32_of(json.len(), "JSON length")?,
        ]);
        names.extend_from_slice(type_name.as_bytes());
        data.extend_from_slice(compressed.as_deref().unwrap_or(&json));
    }
    let header = serde_json::json!({
        "generator": "ferroform-codegen",
        "cfn_lint": provenance.cfn_lint,
        "region": provenance.region,
        "schema_date": provenance.schema_date,
        "types": all.len(),
        "sam_types": set.sam_types.len(),
        "raw_bytes": raw_bytes,
    });
    let mut bytes = Vec::with_capacity(data.len() + names.len() + records.len() * 20 + 256);
    bytes.extend_from_slice(MAGIC.as_bytes());
    bytes.extend_from_slice(header.to_string().as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(&u32_of(records.len(), "type count")?.to_le_bytes());
    bytes.extend_from_slice(&u32_of(names.len(), "names length")?.to_le_bytes());
    for r in &records {
        for x in r {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
    }
    bytes.extend_from_slice(&names);
    bytes.extend_from_slice(&data);
    Ok(Constraints {
        bytes,
        types: all.len(),
        raw_bytes,
        patterns,
    })
}

/// The reduced schema of one type: its root node, `definitions` and `attributes`; the
/// patterns met go to `patterns`.
pub fn reduce_type(type_name: &str, schema: &Value, patterns: &mut Patterns) -> Value {
    let defs = schema.get("definitions").and_then(Value::as_object);
    let mut r = Reducer {
        defs,
        type_name,
        patterns,
    };
    let mut root = r.reduce(schema);
    let Value::Object(m) = &mut root else {
        return root;
    };
    m.remove("$ref");
    if let Some(defs) = defs {
        let reduced: Map<String, Value> =
            defs.iter().map(|(k, v)| (k.clone(), r.reduce(v))).collect();
        m.insert("definitions".into(), Value::Object(reduced));
    }
    if let Some(lc) = lifecycle(schema) {
        m.insert("lifecycle".into(), lc);
    }
    if let Some(ids) = writable_identifier(schema) {
        m.insert("primaryIdentifier".into(), ids);
    }
    if let Some(names) = read_only_properties(type_name, schema) {
        m.insert("readOnly".into(), names);
    }
    m.insert(
        "attributes".into(),
        Value::Array(
            getatt::getatts(type_name, schema)
                .accepted
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
    );
    root
}

/// The type's primary identifier as the names of the properties that make it, when the
/// template sets them: each is a top-level property (`/properties/Name`) and none is
/// read-only. An identifier AWS assigns (an `Arn`, an `Id`) is left out: two resources can
/// never share one.
fn writable_identifier(schema: &Value) -> Option<Value> {
    let ids = schema.get("primaryIdentifier")?.as_array()?;
    let read_only = strings(schema, "readOnlyProperties");
    let names = ids
        .iter()
        .map(|id| {
            let id = id.as_str()?;
            let name = id.strip_prefix("/properties/")?;
            (!name.contains('/') && !read_only.contains(&id)).then(|| Value::String(name.into()))
        })
        .collect::<Option<Vec<Value>>>()?;
    (!names.is_empty()).then_some(Value::Array(names))
}

/// The top-level properties the schema lists as read-only (`readOnlyProperties`: "can be
/// returned by a read or list request, but can't be set by the user"), which a template
/// then sets for nothing (`FF2037`). A property the schema also lists as required,
/// create-only or write-only is left out: those lists contradict the first, and such a
/// property is taken as one a template may set (CodeArtifact's `EncryptionKey`, Signer's
/// `ProfileName`). SAM's types have none: their schemas are derived from SAM's, not AWS's
/// registry, and list properties SAM takes (a state machine's `Name`) as read-only.
/// <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
fn read_only_properties(type_name: &str, schema: &Value) -> Option<Value> {
    if type_name.starts_with(crate::source::SAM_PREFIX) {
        return None;
    }
    let settable: Vec<&str> = ["createOnlyProperties", "writeOnlyProperties"]
        .into_iter()
        .flat_map(|key| strings(schema, key))
        .collect();
    let required = strings(schema, "required");
    let props = schema.get("properties").and_then(Value::as_object)?;
    let names: Vec<Value> = strings(schema, "readOnlyProperties")
        .into_iter()
        .filter(|p| !settable.contains(p))
        .filter_map(|p| p.strip_prefix("/properties/"))
        .filter(|name| !name.contains('/') && props.contains_key(*name) && !required.contains(name))
        .map(|name| Value::String(name.into()))
        .collect();
    (!names.is_empty()).then_some(Value::Array(names))
}

/// The strings of the list `key` of `schema` (pointers, names); none when it has no such list.
fn strings<'s>(schema: &'s Value, key: &str) -> Vec<&'s str> {
    schema
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The type's service lifecycle, when the schema records one with a known status: the
/// status and, when given, the date.
fn lifecycle(schema: &Value) -> Option<Value> {
    let lc = schema.get("lifecycle")?;
    let status = lc.get("status").and_then(Value::as_str)?;
    if !matches!(status, "shutdown" | "sunset" | "maintenance") {
        return None;
    }
    let mut out = Map::new();
    out.insert("status".into(), Value::String(status.into()));
    if let Some(date) = lc.get("date").and_then(Value::as_str) {
        out.insert("date".into(), Value::String(date.into()));
    }
    Some(Value::Object(out))
}

/// The identifier formats of a node, as `format` keeps them: the list of cfn-lint's
/// `AWS::<Service>::<Resource>.<Kind>` names (`AWS::EC2::SecurityGroup.Id`) a value may have.
/// The node's own, or, when it has none, those of its `anyOf` (else `oneOf`) alternatives
/// provided every alternative names one: the value must have one of them (an alternative
/// without a format accepts anything, so then there is nothing to keep). CIDR blocks
/// (`ipv4-network`, `ipv6-network`) are kept too; other formats (`date-time`, `json`...) are
/// not.
fn formats(n: &Map<String, Value>, defs: Option<&Map<String, Value>>) -> Option<Value> {
    let identifier = |format: Option<&Value>| {
        format
            .and_then(Value::as_str)
            .filter(|f| f.starts_with("AWS::") || matches!(*f, "ipv4-network" | "ipv6-network"))
            .map(|f| Value::String(f.to_owned()))
    };
    if let Some(f) = identifier(n.get("format")) {
        return Some(Value::Array(vec![f]));
    }
    for key in ["anyOf", "oneOf"] {
        let Some(alts) = n.get(key).and_then(Value::as_array) else {
            continue;
        };
        let all: Option<Vec<Value>> = alts
            .iter()
            .map(|alt| {
                let resolved = ref_def(alt, defs).unwrap_or(alt);
                identifier(resolved.get("format"))
            })
            .collect();
        if let Some(mut all) = all.filter(|a| !a.is_empty()) {
            all.dedup();
            return Some(Value::Array(all));
        }
    }
    None
}

/// The node's `dependentExcluded` (`{"A": ["B", ...]}`: when A is set, no B may be), kept
/// only for names that are properties of the node (`props`, alternatives' included): cfn-lint
/// has an entry or two naming no property of their node (S3's `RedirectAllRequestsTo`
/// definition lists itself), which could never apply there. Entries come from AWS's schemas
/// and from cfn-lint's patches, its encoding of what AWS's API references say.
fn excluded(n: &Map<String, Value>, props: &Map<String, Value>) -> Option<Value> {
    own_names(&["dependentExcluded"], n, props)
}

/// The node's `dependentRequired` (`{"A": ["B", ...]}`: when A is set, every B must be),
/// and draft 4's `dependencies` when its value is a list of names (a schema as the value is
/// not kept), kept for names that are properties of the node, as `dependentExcluded` is.
fn dependent_required(n: &Map<String, Value>, props: &Map<String, Value>) -> Option<Value> {
    own_names(&["dependentRequired", "dependencies"], n, props)
}

/// The entries of the node's `keys` (each `{"A": ["B", ...]}`), merged, with only the names
/// that are properties of the node (`props`) and that are not A itself; an entry left with
/// no B is dropped.
fn own_names(keys: &[&str], n: &Map<String, Value>, props: &Map<String, Value>) -> Option<Value> {
    let kept: Map<String, Value> = keys
        .iter()
        .filter_map(|key| n.get(*key).and_then(Value::as_object))
        .flatten()
        .filter(|(a, _)| props.contains_key(a.as_str()))
        .filter_map(|(a, bs)| {
            let bs: Vec<Value> = bs
                .as_array()?
                .iter()
                .filter(|b| b.as_str().is_some_and(|b| b != a && props.contains_key(b)))
                .cloned()
                .collect();
            (!bs.is_empty()).then(|| (a.clone(), Value::Array(bs)))
        })
        .collect();
    (!kept.is_empty()).then_some(Value::Object(kept))
}

/// Which of the node's properties must be set together, one way or another, as a list of
/// `{"one": GROUPS}` (exactly one group complete) and `{"any": GROUPS}` (at least one),
/// each group a list of property names that must all be set:
/// - cfn-lint's `requiredXor: [A, B]` (exactly one of them) and `requiredOr: [A, B]` (at
///   least one), its encoding of what AWS's API references say;
/// - a `oneOf` (exactly one) or `anyOf` (at least one) whose alternatives only require
///   properties (`{"required": [...]}`, as JSON Schema reads them: an alternative holds when
///   all of its properties are set). Alternatives that also describe properties or types
///   are not kept (their folding above stays lenient).
///
/// A set naming a property the node does not have is dropped whole: it could never be met.
fn required_sets(n: &Map<String, Value>, props: &Map<String, Value>) -> Option<Value> {
    let names = |v: &Value| -> Option<Vec<Value>> {
        let a = v.as_array()?;
        let all = a
            .iter()
            .all(|x| x.as_str().is_some_and(|x| props.contains_key(x)));
        (all && !a.is_empty()).then(|| a.clone())
    };
    let mut sets = Vec::new();
    for (key, kind) in [("requiredXor", "one"), ("requiredOr", "any")] {
        let groups: Option<Vec<Value>> = n
            .get(key)
            .and_then(names)
            .map(|ns| ns.into_iter().map(|x| Value::Array(vec![x])).collect());
        if let Some(g) = groups.filter(|g| !g.is_empty()) {
            sets.push(serde_json::json!({ kind: g }));
        }
    }
    for (key, kind) in [("oneOf", "one"), ("anyOf", "any")] {
        let Some(alts) = n.get(key).and_then(Value::as_array) else {
            continue;
        };
        let groups: Option<Vec<Value>> = alts
            .iter()
            .map(|alt| {
                let a = alt.as_object()?;
                if a.keys().any(|k| k != "required" && k != "description") {
                    return None;
                }
                names(a.get("required")?).map(Value::Array)
            })
            .collect();
        if let Some(g) = groups.filter(|g| !g.is_empty()) {
            sets.push(serde_json::json!({ kind: g }));
        }
    }
    (!sets.is_empty()).then_some(Value::Array(sets))
}

/// When a node without properties of its own has alternatives (`anyOf` or `oneOf`) of which
/// exactly one takes a mapping, and that one is a mapping with properties (SAM's
/// `Location: string | {ApplicationId, SemanticVersion}`): that alternative's required
/// properties and whether it is closed. `None` when several alternatives (or one that
/// takes anything) could take a mapping: no single set of rules then holds.
fn only_mapping_alternative(
    n: &Map<String, Value>,
    alts: &[Value],
    defs: Option<&Map<String, Value>>,
) -> Option<(Vec<Value>, bool)> {
    if n.contains_key("properties") || n.contains_key("patternProperties") {
        return None;
    }
    let mut found = None;
    for alt in alts {
        let resolved = ref_def(alt, defs).unwrap_or(alt);
        let a = resolved.as_object()?;
        let takes_mapping = match a.get("type") {
            Some(Value::String(t)) => t == "object",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
            // Untyped: a mapping when it has properties; anything when it has nothing.
            _ => true,
        };
        if !takes_mapping {
            continue;
        }
        if found.is_some() || !a.contains_key("properties") {
            return None;
        }
        // An alternative of its own alternatives is not looked into.
        if ["anyOf", "oneOf", "allOf"]
            .iter()
            .any(|k| a.contains_key(*k))
        {
            return None;
        }
        let required = a
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let closed = a.get("additionalProperties") == Some(&Value::Bool(false))
            && !a.contains_key("patternProperties");
        found = Some((required, closed));
    }
    found
}

/// When exactly one of a node's `anyOf`/`oneOf` alternatives takes a scalar, and it takes
/// only text with allowed values (SAM's `Tracing: intrinsic | Active | PassThrough |
/// Disabled`), those values: a scalar satisfies the node only through it. `None` when an
/// alternative is untyped without properties or items (it could take anything), or several
/// take scalars.
fn only_text_alternative_enum<'a>(
    n: &'a Map<String, Value>,
    defs: Option<&'a Map<String, Value>>,
) -> Option<&'a Value> {
    let ((Some(alts), None) | (None, Some(alts))) = (n.get("anyOf"), n.get("oneOf")) else {
        return None;
    };
    let mut found = None;
    for alt in alts.as_array()? {
        let a = ref_def(alt, defs).unwrap_or(alt).as_object()?;
        let types: Vec<&str> = match a.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if a.contains_key("properties") || a.contains_key("items") => continue,
            _ => return None,
        };
        let scalar = types
            .iter()
            .any(|t| matches!(*t, "string" | "number" | "integer" | "boolean"));
        if !scalar {
            continue;
        }
        if found.is_some()
            || types != ["string"]
            || a.contains_key("anyOf")
            || a.contains_key("oneOf")
        {
            return None;
        }
        found = Some(a.get("enum").filter(|e| e.is_array())?);
    }
    found
}

/// Whether an alternative takes any mapping: typed `object` (alone or among others) with
/// nothing that constrains a mapping's keys or values.
fn takes_any_mapping(alt: &Value) -> bool {
    let Some(a) = alt.as_object() else {
        return false;
    };
    let object = match a.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
        _ => false,
    };
    object
        && a.get("additionalProperties") != Some(&Value::Bool(false))
        && !a.get("additionalProperties").is_some_and(Value::is_object)
        && ![
            "properties",
            "patternProperties",
            "required",
            "minProperties",
            "maxProperties",
            "anyOf",
            "oneOf",
            "allOf",
            "$ref",
        ]
        .iter()
        .any(|k| a.contains_key(*k))
}

/// When all of a node's `anyOf` (or `oneOf`) alternatives are mappings told apart by one
/// property each requires with a single allowed value of its own (network interfaces:
/// `Type: CAN_INTERFACE`, `Type: OBD_INTERFACE`...), that property's name and the alternatives by its value: a
/// mapping with one of those values can satisfy only that alternative, so it is checked
/// against it whole (what JSON Schema says the node means), and a mapping with another
/// value satisfies none. `None` for anything less clear-cut (both keywords, an `allOf`, an
/// alternative that is no mapping with properties, two alternatives with the same value).
fn tagged_alternatives<'a>(
    n: &'a Map<String, Value>,
    defs: Option<&'a Map<String, Value>>,
) -> Option<(String, Vec<(String, &'a Value)>)> {
    let alts = match (n.get("anyOf"), n.get("oneOf")) {
        (Some(a), None) | (None, Some(a)) => a.as_array()?,
        _ => return None,
    };
    if alts.len() < 2 || n.contains_key("allOf") {
        return None;
    }
    // Each alternative's (property, value) pairs that could tell it apart.
    let mut tags: Vec<Vec<(&str, &str)>> = Vec::new();
    for alt in alts {
        let a = ref_def(alt, defs).unwrap_or(alt).as_object()?;
        let props = a.get("properties")?.as_object()?;
        let required = a.get("required")?.as_array()?;
        let own: Vec<(&str, &str)> = required
            .iter()
            .filter_map(Value::as_str)
            .filter_map(|k| {
                let p = props.get(k)?;
                let value = match (p.get("enum").and_then(Value::as_array), p.get("const")) {
                    (Some(e), _) if e.len() == 1 => e[0].as_str()?,
                    (None, Some(c)) => c.as_str()?,
                    _ => return None,
                };
                Some((k, value))
            })
            .collect();
        tags.push(own);
    }
    let first = tags.first()?;
    first.iter().find_map(|&(key, _)| {
        let mut cases = Vec::with_capacity(alts.len());
        for (alt, own) in alts.iter().zip(&tags) {
            let &(_, value) = own.iter().find(|(k, _)| *k == key)?;
            if cases.iter().any(|(v, _): &(String, &Value)| v == value) {
                return None;
            }
            cases.push((value.to_owned(), alt));
        }
        Some((key.to_owned(), cases))
    })
}

/// An alternative as written (its own keywords beside a `$ref`: `maxItems: 2`) over the
/// definition its `$ref` names.
struct ListAlternative<'a> {
    own: &'a Map<String, Value>,
    def: Option<&'a Map<String, Value>>,
}

impl ListAlternative<'_> {
    /// A keyword of the alternative: its own, else its definition's.
    fn get(&self, key: &str) -> Option<&Value> {
        self.own
            .get(key)
            .or_else(|| self.def.and_then(|d| d.get(key)))
    }
}

/// When exactly one of a node's `anyOf`/`oneOf` alternatives takes a list (a DynamoDB key
/// schema's `oneOf`: the list of keys, or its JSON text as an object or string), that one:
/// a list value satisfies the node only by satisfying it. `None` when several could take a
/// list, one is untyped (it could take anything) or has alternatives of its own.
fn only_list_alternative<'a>(
    n: &'a Map<String, Value>,
    defs: Option<&'a Map<String, Value>>,
) -> Option<ListAlternative<'a>> {
    let mut found = None;
    for key in ["anyOf", "oneOf"] {
        for alt in n.get(key).and_then(Value::as_array).into_iter().flatten() {
            let own = alt.as_object()?;
            let def = match ref_def(alt, defs) {
                Some(d) => Some(d.as_object()?),
                // A `$ref` to a definition the schema lacks: nothing is known of it.
                None if own.contains_key("$ref") => return None,
                None => None,
            };
            let a = ListAlternative { own, def };
            let takes_list = match a.get("type") {
                Some(Value::String(t)) => t == "array",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "array"),
                _ => return None,
            };
            if !takes_list {
                continue;
            }
            if found.is_some()
                || ["anyOf", "oneOf", "allOf"]
                    .iter()
                    .any(|k| a.get(k).is_some())
            {
                return None;
            }
            found = Some(a);
        }
    }
    found
}

/// The definition an alternative's `$ref` names, when it names one the schema has.
fn ref_def<'a>(alt: &'a Value, defs: Option<&'a Map<String, Value>>) -> Option<&'a Value> {
    let name = alt.get("$ref").and_then(Value::as_str).and_then(def_name)?;
    defs?.get(name)
}

/// `uniqueKeys` as kept: a non-empty list of property names.
fn unique_keys(v: Option<&Value>) -> Option<&Value> {
    v.filter(|k| {
        k.as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string))
    })
}

fn def_name(r: &str) -> Option<&str> {
    r.strip_prefix("#/definitions/")
}

/// The string patterns met while reducing, for the generator's report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Patterns {
    /// Every distinct pattern the data keeps (the validator checks each, if it compiles).
    pub kept: BTreeSet<String>,
    /// Patterns of `oneOf`/`anyOf`/`allOf` alternatives, which the data does not keep (the
    /// validator checks only the properties and types of alternatives).
    pub in_alternatives: BTreeSet<String>,
    /// The types with a `pattern` that is not a string (dropped from the data).
    pub not_strings: BTreeSet<String>,
}

/// Reduces the nodes of one schema.
struct Reducer<'a> {
    defs: Option<&'a Map<String, Value>>,
    type_name: &'a str,
    patterns: &'a mut Patterns,
}

impl Reducer<'_> {
    /// Reduce one schema node (see the module documentation).
    fn reduce(&mut self, node: &Value) -> Value {
        let Some(n) = node.as_object() else {
            return Value::Object(Map::new());
        };
        let mut out = Map::new();
        self.value_constraints(n, &mut out);
        let mut props = Map::new();
        if let Some(p) = n.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                props.insert(k.clone(), self.reduce(v));
            }
        }
        if n.get("properties").is_none()
            && n.get("patternProperties").is_none()
            && let Some((key, cases)) = tagged_alternatives(n, self.defs)
        {
            // Told apart by one property: each alternative stays whole (nothing is folded, so
            // a mapping whose tag is an expression is only checked to be a mapping).
            let of: Map<String, Value> = cases
                .into_iter()
                .map(|(tag, alt)| {
                    let reduced = match alt.get("$ref").and_then(Value::as_str).and_then(def_name) {
                        Some(name) => serde_json::json!({ "$ref": name }),
                        None => self.reduce(alt),
                    };
                    (tag, reduced)
                })
                .collect();
            out.entry("type")
                .or_insert_with(|| Value::String("object".into()));
            out.insert("cases".into(), serde_json::json!({ "key": key, "of": of }));
            return Value::Object(out);
        }
        let mut closed = n.get("additionalProperties") == Some(&Value::Bool(false))
            && !n.contains_key("patternProperties");
        let mut required: Vec<Value> = n
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // Alternatives: their properties become legal here, their types widen ours; only
        // `allOf` adds required properties. Their other constraints are not checked (lenient).
        let (mut alt_types, alt_untyped) =
            self.alternatives(n, &mut props, &mut closed, &mut required);
        if !out.contains_key("enum")
            && let Some(allowed) = only_text_alternative_enum(n, self.defs)
        {
            // Text can only be that alternative: its allowed values hold for every scalar.
            out.insert("enum".into(), allowed.clone());
        }
        if !out.contains_key("type") && !out.contains_key("$ref") && !alt_untyped {
            alt_types.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            alt_types.dedup();
            match alt_types.len() {
                0 => {}
                1 => {
                    out.insert("type".into(), alt_types.remove(0));
                }
                _ => {
                    out.insert("type".into(), Value::Array(alt_types));
                }
            }
        }
        if let Some(x) = excluded(n, &props) {
            out.insert("dependentExcluded".into(), x);
        }
        if let Some(x) = dependent_required(n, &props) {
            out.insert("dependentRequired".into(), x);
        }
        if let Some(x) = required_sets(n, &props) {
            out.insert("requiredSets".into(), x);
        }
        if !props.is_empty() {
            out.insert("properties".into(), Value::Object(props));
        }
        // The schemas of the values of keys matching each pattern (a tag map's values); the
        // patterns are checked against keys, not kept with the value patterns.
        if let Some(pp) = n.get("patternProperties").and_then(Value::as_object) {
            let reduced: Map<String, Value> = pp
                .iter()
                .filter(|(_, v)| v.is_object())
                .map(|(k, v)| (k.clone(), self.reduce(v)))
                .collect();
            if !reduced.is_empty() {
                out.insert("patternProperties".into(), Value::Object(reduced));
            }
        }
        if !required.is_empty() {
            required.dedup();
            out.insert("required".into(), Value::Array(required));
        }
        if closed {
            out.insert("additionalProperties".into(), Value::Bool(false));
        } else if let Some(extra) = n
            .get("additionalProperties")
            .filter(|a| a.as_object().is_some_and(|m| !m.is_empty()))
        {
            // The schema of the values of the keys no property or pattern names (SAM's
            // `Events`, a mapping of event names to event sources).
            out.insert("additionalProperties".into(), self.reduce(extra));
        }
        self.list_items(n.get("items"), n.get("prefixItems"), &mut out);
        if !n.contains_key("items")
            && !n.contains_key("prefixItems")
            && let Some(alt) = only_list_alternative(n, self.defs)
        {
            self.list_alternative(&alt, &mut out);
        }
        Value::Object(out)
    }

    /// `items` and `prefixItems` (the first items' own schemas, a DynamoDB key schema: the
    /// HASH key, then the RANGE key; each holds besides `items`), reduced, into `out`.
    fn list_items(
        &mut self,
        items: Option<&Value>,
        first: Option<&Value>,
        out: &mut Map<String, Value>,
    ) {
        if let Some(items) = items.filter(|i| i.is_object()) {
            out.insert("items".into(), self.reduce(items));
        }
        if let Some(first) = first.and_then(Value::as_array)
            && !first.is_empty()
        {
            let reduced: Vec<Value> = first.iter().map(|f| self.reduce(f)).collect();
            out.insert("prefixItems".into(), Value::Array(reduced));
        }
    }

    /// The list keywords of the one alternative that takes a list ([`only_list_alternative`])
    /// into `out`: a list value can only be that alternative, so they hold for every list
    /// (and constrain nothing else).
    fn list_alternative(&mut self, alt: &ListAlternative, out: &mut Map<String, Value>) {
        self.list_items(alt.get("items"), alt.get("prefixItems"), out);
        for key in ["minItems", "maxItems"] {
            if let Some(v) = alt.get(key).filter(|v| v.is_number())
                && !out.contains_key(key)
            {
                out.insert(key.into(), v.clone());
            }
        }
        if alt.get("uniqueItems") == Some(&Value::Bool(true)) {
            out.insert("uniqueItems".into(), Value::Bool(true));
        }
        if let Some(keys) = unique_keys(alt.get("uniqueKeys"))
            && !out.contains_key("uniqueKeys")
        {
            out.insert("uniqueKeys".into(), keys.clone());
        }
    }

    /// The node's own constraints on a value: `$ref`, type, enum, pattern, bounds, format.
    fn value_constraints(&mut self, n: &Map<String, Value>, out: &mut Map<String, Value>) {
        let defs = self.defs;
        if let Some(r) = n.get("$ref").and_then(Value::as_str)
            && let Some(name) = def_name(r)
        {
            out.insert("$ref".into(), Value::String(name.to_owned()));
        }
        if let Some(t) = n.get("type") {
            out.insert("type".into(), t.clone());
        } else if n.get("format").and_then(Value::as_str) == Some("json") && !n.contains_key("$ref")
        {
            // A JSON value without a type (an IAM managed policy's `PolicyDocument`, the one
            // such node of the schema set) takes what the template reference's `Json` type
            // takes, as the schemas write it where they give one: a mapping or its JSON text.
            out.insert("type".into(), serde_json::json!(["object", "string"]));
        }
        if n.get("uniqueItems") == Some(&Value::Bool(true)) {
            out.insert("uniqueItems".into(), Value::Bool(true));
        }
        // cfn-lint's keyword: the items of a list are mappings no two of which have the same
        // values for these keys (a container's environment variables, by `Name`).
        if let Some(keys) = unique_keys(n.get("uniqueKeys")) {
            out.insert("uniqueKeys".into(), keys.clone());
        }
        if let Some(e) = n.get("enum").filter(|e| e.is_array()) {
            out.insert("enum".into(), e.clone());
        } else if let Some(e) = n.get("enumCaseInsensitive").filter(|e| e.is_array()) {
            // cfn-lint's own keyword (its schema patches, from the AWS documentation's
            // allowed values): a list of values a string matches ignoring case.
            out.insert("enum".into(), e.clone());
            out.insert("ci".into(), Value::Bool(true));
        } else if let Some(c) = n.get("const") {
            out.insert("enum".into(), Value::Array(vec![c.clone()]));
        }
        for key in [
            "pattern",
            "minLength",
            "maxLength",
            "minimum",
            "maximum",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
            "multipleOf",
        ] {
            if let Some(v) = n.get(key) {
                let keep = match key {
                    "pattern" => {
                        match v.as_str() {
                            Some(p) => self.patterns.kept.insert(p.to_owned()),
                            None => self.patterns.not_strings.insert(self.type_name.to_owned()),
                        };
                        v.is_string()
                    }
                    // A step of zero or less is no step (JSON Schema: "strictly greater
                    // than 0").
                    "multipleOf" => v.as_f64().is_some_and(|x| x > 0.0),
                    _ => v.is_number(),
                };
                if keep {
                    out.insert(key.into(), v.clone());
                }
            }
        }
        if let Some(f) = formats(n, defs) {
            out.insert("format".into(), f);
        }
    }

    /// Fold the node's `allOf`, `anyOf` and `oneOf` alternatives into `props`, `closed` and
    /// `required`: the types they allow, and whether one allows any type.
    fn alternatives(
        &mut self,
        n: &Map<String, Value>,
        props: &mut Map<String, Value>,
        closed: &mut bool,
        required: &mut Vec<Value>,
    ) -> (Vec<Value>, bool) {
        let defs = self.defs;
        let mut alt_types: Vec<Value> = Vec::new();
        let mut alt_untyped = false;
        for (key, all) in [("allOf", true), ("anyOf", false), ("oneOf", false)] {
            let Some(alts) = n.get(key).and_then(Value::as_array) else {
                continue;
            };
            // An alternative that takes any mapping (`{"type": "object"}` and nothing else):
            // a mapping then satisfies the node whatever the other alternatives' properties
            // say (SAM's `EndpointConfiguration: object | EndpointConfiguration | string`).
            let any_mapping = !all
                && alts
                    .iter()
                    .any(|alt| takes_any_mapping(ref_def(alt, defs).unwrap_or(alt)));
            for alt in alts {
                let resolved = ref_def(alt, defs).unwrap_or(alt);
                let Some(a) = resolved.as_object() else {
                    continue;
                };
                if let Some(p) = a.get("pattern").and_then(Value::as_str) {
                    self.patterns.in_alternatives.insert(p.to_owned());
                }
                match a.get("type") {
                    Some(Value::String(t)) => alt_types.push(Value::String(t.clone())),
                    Some(Value::Array(ts)) => alt_types.extend(ts.iter().cloned()),
                    _ => {
                        if a.contains_key("properties") {
                            alt_types.push(Value::String("object".into()));
                        } else if !a.contains_key("required") {
                            alt_untyped = true;
                        }
                    }
                }
                if let Some(p) = a.get("properties").and_then(Value::as_object)
                    && !any_mapping
                {
                    for (k, v) in p {
                        props.entry(k.clone()).or_insert_with(|| self.reduce(v));
                    }
                }
                // An alternative opens the node only when it names properties the node does
                // not have (or patterns): one that constrains the node's own properties (an
                // RDS cluster's `MasterUsername` that is not `rdsadmin`) makes no other key
                // legal.
                let own = n.get("properties").and_then(Value::as_object);
                let new_names = a
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| p.keys().any(|k| !own.is_some_and(|o| o.contains_key(k))));
                if a.get("additionalProperties") != Some(&Value::Bool(false))
                    && (new_names || a.contains_key("patternProperties"))
                {
                    *closed = false;
                }
                if all && let Some(r) = a.get("required").and_then(Value::as_array) {
                    required.extend(r.iter().cloned());
                }
            }
            if !all && let Some((r, alt_closed)) = only_mapping_alternative(n, alts, defs) {
                // A mapping can only be this alternative: its required properties and its
                // closedness hold for every mapping value (a string or list value is not
                // checked against them).
                required.extend(r);
                *closed = alt_closed;
            }
        }
        // A mapping satisfies every `allOf` alternative: one that is closed (without
        // patterns) and names every property the node now has closes the node (SAM wraps its
        // event sources' closed property sets so: `Properties: {allOf: [{$ref: ...}]}`).
        let closes = |alt: &Value| {
            ref_def(alt, defs)
                .unwrap_or(alt)
                .as_object()
                .is_some_and(|a| {
                    a.get("additionalProperties") == Some(&Value::Bool(false))
                        && !a.contains_key("patternProperties")
                        && a.get("properties")
                            .and_then(Value::as_object)
                            .is_some_and(|p| props.keys().all(|k| p.contains_key(k)))
                })
        };
        if !n.contains_key("patternProperties")
            && n.get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|alts| alts.iter().any(closes))
        {
            *closed = true;
        }
        (alt_types, alt_untyped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn descriptions_go_alternatives_fold_and_refs_shorten() {
        let schema = json!({
            "typeName": "AWS::X::Y",
            "description": "gone",
            "properties": {
                "A": {"type": "string", "description": "gone", "pattern": "^a$", "maxLength": 3},
                "B": {"$ref": "#/definitions/B"},
                "C": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"D": {"type": "integer"}}}]}
            },
            "definitions": {"B": {"type": "object", "additionalProperties": false,
                                  "properties": {"E": {"enumCaseInsensitive": ["x"]},
                                                 "F": {"enum": ["y"]}},
                                  "anyOf": [{"required": ["E"]}]}},
            "required": ["A"],
            "additionalProperties": false,
            "readOnlyProperties": ["/properties/Arn", "/properties/Endpoint/Address"],
            "handlers": {"create": {}}
        });
        let mut patterns = Patterns::default();
        let r = reduce_type("AWS::X::Y", &schema, &mut patterns);
        assert_eq!(
            r,
            json!({
                "properties": {
                    "A": {"type": "string", "pattern": "^a$", "maxLength": 3},
                    "B": {"$ref": "B"},
                    "C": {"type": ["object", "string"], "properties": {"D": {"type": "integer"}}}
                },
                "required": ["A"],
                "additionalProperties": false,
                "definitions": {"B": {"type": "object", "properties": {"E": {"enum": ["x"], "ci": true},
                                                                        "F": {"enum": ["y"]}},
                                      "additionalProperties": false,
                                      "requiredSets": [{"any": [["E"]]}]}},
                "attributes": ["Arn", "Endpoint.Address"]
            })
        );
    }

    #[test]
    fn the_only_mapping_alternative_gives_its_required_properties_and_closedness() {
        let schema = json!({
            "properties": {
                "Location": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/Loc"}]},
                "Either": {"oneOf": [{"$ref": "#/definitions/Loc"},
                                     {"type": "object", "properties": {"Url": {"type": "string"}},
                                      "required": ["Url"]}]},
                "Loose": {"anyOf": [{"$ref": "#/definitions/Loc"}, {}]}
            },
            "definitions": {"Loc": {"type": "object", "additionalProperties": false,
                                    "properties": {"ApplicationId": {"type": "string"},
                                                   "SemanticVersion": {"type": "string"}},
                                    "required": ["ApplicationId", "SemanticVersion"]}}
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        let loc = &r["properties"]["Location"];
        assert_eq!(loc["required"], json!(["ApplicationId", "SemanticVersion"]));
        assert_eq!(loc["additionalProperties"], json!(false));
        assert_eq!(loc["type"], json!(["object", "string"]));
        // Two alternatives take a mapping, or one takes anything: no rule of either holds.
        for open in ["Either", "Loose"] {
            let n = &r["properties"][open];
            assert!(n.get("required").is_none(), "{open}: {n}");
            assert!(n.get("additionalProperties").is_none(), "{open}: {n}");
        }
    }

    #[test]
    fn pattern_properties_keep_the_schemas_of_their_values() {
        let schema = json!({
            "properties": {
                "Tags": {"type": "object", "additionalProperties": false,
                         "patternProperties": {"^[a-z]+$": {"type": "string", "maxLength": 3},
                                               "^x": true}}
            }
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        let tags = &r["properties"]["Tags"];
        assert_eq!(
            tags["patternProperties"],
            json!({"^[a-z]+$": {"type": "string", "maxLength": 3}}),
            "{tags}"
        );
        // Patterns make other keys legal: the node is not closed.
        assert!(tags.get("additionalProperties").is_none(), "{tags}");
    }

    #[test]
    fn an_alternative_opens_a_closed_node_only_with_names_the_node_lacks() {
        let closed = |alternative: Value| {
            let schema = json!({
                "additionalProperties": false,
                "properties": {"Engine": {"type": "string"}, "MasterUsername": {"type": "string"}},
                "allOf": [alternative]
            });
            reduce_type("AWS::X::Y", &schema, &mut Patterns::default()).get("additionalProperties")
                == Some(&json!(false))
        };
        // An RDS cluster's: a constraint on its own property keeps it closed...
        assert!(closed(
            json!({"properties": {"MasterUsername": {"not": {"enum": ["rdsadmin"]}}}})
        ));
        // ... a property it does not have, or patterns, make other keys legal.
        assert!(!closed(
            json!({"properties": {"Port": {"type": "integer"}}})
        ));
        assert!(!closed(json!({"patternProperties": {"^X": {}}})));
    }

    /// SAM's event sources: a mapping of names to alternatives told apart by `Type`, each
    /// with its closed property set wrapped in an `allOf`.
    #[test]
    fn alternatives_told_apart_by_one_property_stay_whole_and_values_of_other_keys_keep_theirs() {
        let schema = json!({
            "properties": {
                "Events": {"additionalProperties": {"anyOf": [
                    {"$ref": "#/definitions/ApiEvent"},
                    {"$ref": "#/definitions/QueueEvent"}
                ]}, "type": "object"}
            },
            "definitions": {
                "ApiEvent": {"type": "object", "additionalProperties": false,
                             "required": ["Type", "Properties"],
                             "properties": {"Type": {"enum": ["Api"]},
                                            "Properties": {"allOf": [{"$ref": "#/definitions/ApiProps"}]}}},
                "ApiProps": {"type": "object", "additionalProperties": false,
                             "required": ["Path"], "properties": {"Path": {"type": "string"}}},
                "QueueEvent": {"type": "object", "required": ["Type"],
                               "properties": {"Type": {"const": "SQS"}, "Queue": {"type": "string"}}}
            }
        });
        let r = reduce_type("AWS::Serverless::X", &schema, &mut Patterns::default());
        assert_eq!(
            r["properties"]["Events"]["additionalProperties"],
            json!({"type": "object", "cases": {"key": "Type", "of": {
                "Api": {"$ref": "ApiEvent"}, "SQS": {"$ref": "QueueEvent"}}}}),
            "{r}"
        );
        // The allOf of one closed definition closes the node (its properties are all the
        // definition's) and gives its required properties.
        let props = &r["definitions"]["ApiEvent"]["properties"]["Properties"];
        assert_eq!(props["additionalProperties"], json!(false), "{props}");
        assert_eq!(props["required"], json!(["Path"]), "{props}");

        // Not told apart: two alternatives with the same value, or one without the property,
        // fold as before (no cases).
        for second in [
            json!({"properties": {"Type": {"enum": ["Api"]}}, "required": ["Type"]}),
            json!({"properties": {"Type": {"enum": ["SQS"]}}}),
        ] {
            let schema = json!({"properties": {"E": {"anyOf": [
                {"properties": {"Type": {"enum": ["Api"]}}, "required": ["Type"]}, second]}}});
            let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
            assert!(r["properties"]["E"].get("cases").is_none(), "{r}");
        }
        // An alternative that takes any mapping: the others' properties do not hold.
        let schema = json!({"properties": {"E": {"anyOf": [
            {"type": "object"},
            {"type": "object", "properties": {"Type": {"type": "array"}}},
            {"type": "string"}]}}});
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        assert!(r["properties"]["E"].get("properties").is_none(), "{r}");
        assert_eq!(
            r["properties"]["E"]["type"],
            json!(["object", "string"]),
            "{r}"
        );
        // The one alternative that takes text gives its allowed values; not when another
        // takes scalars too.
        let tracing = |other: Value| {
            let schema = json!({"properties": {"T": {"anyOf": [
                other, {"type": "string", "enum": ["Active", "PassThrough"]}]}}});
            reduce_type("AWS::X::Y", &schema, &mut Patterns::default())["properties"]["T"]
                .get("enum")
                .cloned()
        };
        assert_eq!(
            tracing(json!({"type": "object"})),
            Some(json!(["Active", "PassThrough"]))
        );
        assert_eq!(tracing(json!({"type": "boolean"})), None);
        assert_eq!(tracing(json!({})), None);
        // An allOf alternative that lacks a property the node has does not close it.
        let schema = json!({"properties": {"E": {
            "properties": {"Extra": {"type": "string"}},
            "allOf": [{"additionalProperties": false, "properties": {"A": {}}}]}}});
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        assert!(
            r["properties"]["E"].get("additionalProperties").is_none(),
            "{r}"
        );
    }

    /// A `format: json` node without a type takes a mapping or its JSON text; a typed one
    /// keeps its own type.
    #[test]
    fn an_untyped_json_value_takes_a_mapping_or_text() {
        let schema = json!({"properties": {
            "Doc": {"format": "json", "maxLength": 10},
            "Typed": {"type": "object", "format": "json"},
            "Text": {"maxLength": 10}
        }});
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        assert_eq!(r["properties"]["Doc"]["type"], json!(["object", "string"]));
        assert_eq!(r["properties"]["Typed"]["type"], json!("object"));
        assert!(r["properties"]["Text"].get("type").is_none());
    }

    #[test]
    fn the_only_list_alternative_gives_its_items_bounds_and_uniqueness() {
        let schema = json!({
            "properties": {
                // A DynamoDB key schema: the list of keys, or its JSON text.
                "Keys": {"minItems": 1,
                         "oneOf": [{"$ref": "#/definitions/Keys", "maxItems": 2},
                                   {"type": ["object", "string"], "format": "json"}]},
                "TwoLists": {"anyOf": [{"$ref": "#/definitions/Keys"},
                                       {"type": "array", "items": {"type": "string"}}]},
                "Untyped": {"anyOf": [{"$ref": "#/definitions/Keys"}, {}]}
            },
            "definitions": {"Keys": {"type": "array", "uniqueItems": true, "maxItems": 5,
                                     "uniqueKeys": ["Name"],
                                     "items": {"type": "object", "required": ["Name"],
                                               "properties": {"Name": {"type": "string"},
                                                              "Kind": {"enum": ["HASH", "RANGE"]}}},
                                     "prefixItems": [{"properties": {"Kind": {"const": "HASH"}}}]}}
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        let keys = &r["properties"]["Keys"];
        assert_eq!(keys["items"]["required"], json!(["Name"]), "{keys}");
        assert_eq!(
            keys["items"]["properties"]["Kind"]["enum"],
            json!(["HASH", "RANGE"])
        );
        assert_eq!(
            keys["prefixItems"][0]["properties"]["Kind"]["enum"],
            json!(["HASH"])
        );
        // The alternative's own maxItems over its definition's; the node's own minItems kept.
        assert_eq!(keys["maxItems"], json!(2));
        assert_eq!(keys["minItems"], json!(1));
        assert_eq!(keys["uniqueItems"], json!(true));
        assert_eq!(keys["uniqueKeys"], json!(["Name"]));
        // Two alternatives take a list, or one takes anything: no list rule of either holds.
        for open in ["TwoLists", "Untyped"] {
            let n = &r["properties"][open];
            assert!(n.get("items").is_none(), "{open}: {n}");
            assert!(n.get("uniqueItems").is_none(), "{open}: {n}");
        }
    }

    #[test]
    fn identifier_formats_are_kept_as_lists_and_alternatives_only_when_all_name_one() {
        let schema = json!({
            "properties": {
                "Vpc": {"type": "string", "format": "AWS::EC2::VPC.Id"},
                "When": {"type": "string", "format": "date-time"},
                "Key": {"type": "string", "anyOf": [{"format": "AWS::KMS::Key.Arn"},
                                                    {"$ref": "#/definitions/Alias"}]},
                "Role": {"type": "string", "anyOf": [{"format": "AWS::IAM::Role.Arn"},
                                                     {"enum": [""]}]},
                "Groups": {"type": "array", "format": "AWS::EC2::SecurityGroup.Ids",
                           "items": {"$ref": "#/definitions/Group"}}
            },
            "definitions": {"Alias": {"format": "AWS::KMS::Alias.AliasName"},
                            "Group": {"type": "string", "format": "AWS::EC2::SecurityGroup.Id"}}
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        let p = &r["properties"];
        assert_eq!(p["Vpc"]["format"], json!(["AWS::EC2::VPC.Id"]));
        assert!(p["When"].get("format").is_none(), "{}", p["When"]);
        assert_eq!(
            p["Key"]["format"],
            json!(["AWS::KMS::Key.Arn", "AWS::KMS::Alias.AliasName"])
        );
        assert!(p["Role"].get("format").is_none(), "{}", p["Role"]);
        assert_eq!(
            p["Groups"]["format"],
            json!(["AWS::EC2::SecurityGroup.Ids"])
        );
        assert_eq!(
            r["definitions"]["Group"]["format"],
            json!(["AWS::EC2::SecurityGroup.Id"])
        );
    }

    #[test]
    fn dependent_excluded_is_kept_for_the_node_s_own_properties_only() {
        let schema = json!({
            "properties": {"A": {"type": "string"}, "B": {"type": "string"},
                           "C": {"$ref": "#/definitions/C"}},
            "dependentExcluded": {"A": ["B", "Gone"], "B": ["A"], "Gone": ["A"], "C": ["Gone"]},
            "definitions": {"C": {"type": "object", "properties": {"X": {"type": "string"}},
                                  "dependentExcluded": {"C": ["X"]}}}
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        assert_eq!(r["dependentExcluded"], json!({"A": ["B"], "B": ["A"]}));
        let c = &r["definitions"]["C"];
        assert!(c.get("dependentExcluded").is_none(), "{c}");
    }

    #[test]
    fn required_sets_and_dependent_required_are_kept_for_the_node_s_own_properties() {
        let schema = json!({
            "properties": {"A": {"type": "string"}, "B": {"type": "string"},
                           "C": {"type": "string"}, "D": {"$ref": "#/definitions/D"}},
            "requiredXor": ["A", "B"],
            "requiredOr": ["B", "Gone"],
            "oneOf": [{"required": ["A"]}, {"required": ["B", "C"], "description": "both"}],
            "anyOf": [{"required": ["A"]}, {"required": ["B"], "properties": {"B": {}}}],
            "dependentRequired": {"A": ["C", "Gone"], "Gone": ["A"], "B": ["Gone"]},
            "definitions": {"D": {"type": "object", "properties": {"X": {"type": "string"}},
                                  "anyOf": [{"required": ["X"]}]}}
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        // requiredOr names a property the node lacks, the anyOf has an alternative that
        // describes more than what it requires: neither is kept.
        assert_eq!(
            r["requiredSets"],
            json!([{"one": [["A"], ["B"]]}, {"one": [["A"], ["B", "C"]]}])
        );
        assert_eq!(r["dependentRequired"], json!({"A": ["C"]}));
        assert_eq!(
            r["definitions"]["D"]["requiredSets"],
            json!([{"any": [["X"]]}])
        );
    }

    #[test]
    fn sizes_of_mappings_steps_unique_keys_and_draft_4_dependencies_are_kept() {
        let schema = json!({
            "properties": {
                "Tags": {"type": "object", "maxProperties": 50, "minProperties": 1},
                "Percent": {"type": "number", "multipleOf": 0.1},
                "Odd": {"type": "number", "multipleOf": 0},
                "Env": {"type": "array", "uniqueKeys": ["Name"], "items": {"type": "object"}},
                "Min": {"type": "integer"}, "Max": {"type": "integer"}
            },
            "dependencies": {"Min": ["Max"], "Max": {"required": ["Min"]}}
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        let p = &r["properties"];
        assert_eq!(p["Tags"]["maxProperties"], json!(50));
        assert_eq!(p["Tags"]["minProperties"], json!(1));
        assert_eq!(p["Percent"]["multipleOf"], json!(0.1));
        assert!(p["Odd"].get("multipleOf").is_none(), "{}", p["Odd"]);
        assert_eq!(p["Env"]["uniqueKeys"], json!(["Name"]));
        let keys = json!({"properties": {"Keys": {"type": "array", "items": {"type": "object"},
            "prefixItems": [{"properties": {"KeyType": {"const": "HASH", "type": "string"}}},
                            {"properties": {"KeyType": {"const": "RANGE", "type": "string"}}}]}}});
        let first = reduce_type("AWS::X::Y", &keys, &mut Patterns::default());
        assert_eq!(
            first["properties"]["Keys"]["prefixItems"][1],
            json!({"properties": {"KeyType": {"enum": ["RANGE"], "type": "string"}}})
        );
        // A list of names is kept; a schema as the value is not.
        assert_eq!(r["dependentRequired"], json!({"Min": ["Max"]}));
    }

    #[test]
    fn a_primary_identifier_is_kept_when_the_template_sets_it() {
        let mut p = Patterns::default();
        let named = json!({"properties": {"Name": {"type": "string"}, "Arn": {"type": "string"}},
                           "primaryIdentifier": ["/properties/Name"],
                           "readOnlyProperties": ["/properties/Arn"]});
        assert_eq!(
            reduce_type("A::B::C", &named, &mut p)["primaryIdentifier"],
            json!(["Name"])
        );
        for ids in [
            json!(["/properties/Arn"]),
            json!(["/properties/Name", "/properties/Arn"]),
            json!(["/properties/Config/Name"]),
            json!([]),
        ] {
            let mut s = named.clone();
            s["primaryIdentifier"] = ids;
            let r = reduce_type("A::B::C", &s, &mut p);
            assert!(r.get("primaryIdentifier").is_none(), "{r}");
        }
    }

    #[test]
    fn read_only_top_level_properties_are_kept_unless_another_list_says_they_are_set() {
        let schema = json!({
            "properties": {"Name": {"type": "string"}, "Arn": {"type": "string"},
                           "Key": {"type": "string"}, "Owner": {"type": "string"},
                           "Id": {"type": "string"}, "Endpoint": {"type": "object"}},
            "required": ["Id"],
            "readOnlyProperties": ["/properties/Arn", "/properties/Key", "/properties/Owner",
                                   "/properties/Id", "/properties/Endpoint/Address",
                                   "/properties/Gone"],
            "createOnlyProperties": ["/properties/Key"],
            "writeOnlyProperties": ["/properties/Owner"]
        });
        let r = reduce_type("AWS::X::Y", &schema, &mut Patterns::default());
        // Key, Owner and Id contradict (create-only, write-only, required); a nested pointer
        // and one naming no property are not kept.
        assert_eq!(r["readOnly"], json!(["Arn"]));
        let none = json!({"properties": {"Name": {"type": "string"}}});
        let r = reduce_type("AWS::X::Y", &none, &mut Patterns::default());
        assert!(r.get("readOnly").is_none(), "{r}");
        // SAM's schemas are not AWS's registry schemas: their lists are not taken.
        let r = reduce_type("AWS::Serverless::X", &schema, &mut Patterns::default());
        assert!(r.get("readOnly").is_none(), "{r}");
    }

    #[test]
    fn a_known_lifecycle_is_kept_and_an_unknown_status_dropped() {
        let mut patterns = Patterns::default();
        let gone = json!({"typeName": "AWS::X::Y", "properties": {},
                          "lifecycle": {"status": "shutdown", "date": "2024-05-01", "note": "x"}});
        let r = reduce_type("AWS::X::Y", &gone, &mut patterns);
        assert_eq!(
            r["lifecycle"],
            json!({"status": "shutdown", "date": "2024-05-01"})
        );
        let undated = json!({"properties": {}, "lifecycle": {"status": "sunset"}});
        let r = reduce_type("AWS::X::Y", &undated, &mut patterns);
        assert_eq!(r["lifecycle"], json!({"status": "sunset"}));
        let odd = json!({"properties": {}, "lifecycle": {"status": "preview"}});
        let r = reduce_type("AWS::X::Y", &odd, &mut patterns);
        assert!(r.get("lifecycle").is_none(), "{r}");
    }
}
