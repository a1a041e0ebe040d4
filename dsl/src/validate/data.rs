//! The constraint data of every resource type (`dsl/data/schemas.bin`, written by
//! `codegen/regenerate.sh`; its layout is documented in `codegen/src/constraints.rs`): a
//! header line, a fixed-size index of type names read in place (binary search, nothing to
//! parse at start-up), then each type's reduced schema as compact JSON compressed with raw
//! DEFLATE, decoded into a [`Node`] tree the first time a template uses the type.

use std::sync::OnceLock;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::model::render::Json;

static DATA: &[u8] = include_bytes!("../../data/schemas.bin");

const MAGIC: &[u8] = b"FFSCHEMAS 2\n";
const RECORD: usize = 20;

/// A node of a decoded reduced schema. Strings borrow from the decoded text, which lives as
/// long as the process (like the tree), so `&'static str` identifies a schema string.
#[derive(Debug, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'static str),
    Arr(Box<[Node]>),
    /// Entries in the schema's order (few per object: a linear search beats hashing).
    Obj(Box<[(&'static str, Node)]>),
}

impl Node {
    /// The value of `key` when this is an object that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Obj(m) => m.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&'static str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Node::Num(x) => Some(*x),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Node]> {
        match self {
            Node::Arr(a) => Some(a),
            _ => None,
        }
    }

    pub(crate) fn as_object(&self) -> Option<&[(&'static str, Node)]> {
        match self {
            Node::Obj(m) => Some(m),
            _ => None,
        }
    }

    /// The strings of an array node (other items skipped).
    pub(crate) fn strs(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.as_array()
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
    }
}

/// Deserializes a [`Node`] from `'static` input: unescaped strings are borrowed, strings with
/// escapes are unescaped once and kept for the life of the process (they are schema data,
/// decoded at most once per type).
struct NodeVisitor;

impl<'de: 'static> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }
    fn visit_i64<E>(self, x: i64) -> Result<Node, E> {
        Ok(Node::Num(x as f64))
    }
    fn visit_u64<E>(self, x: u64) -> Result<Node, E> {
        Ok(Node::Num(x as f64))
    }
    fn visit_f64<E>(self, x: f64) -> Result<Node, E> {
        Ok(Node::Num(x))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Node, E> {
        Ok(Node::Str(s))
    }
    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::Str(Box::leak(s.into())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(v) = seq.next_element::<Node>()? {
            out.push(v);
        }
        Ok(Node::Arr(out.into_boxed_slice()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some(k) = map.next_key::<Key>()? {
            out.push((k.0, map.next_value::<Node>()?));
        }
        Ok(Node::Obj(out.into_boxed_slice()))
    }
}

impl<'de: 'static> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// An object key, borrowed like the strings of [`Node`].
struct Key(&'static str);

impl<'de: 'static> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl<'de: 'static> Visitor<'de> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key, E> {
                Ok(Key(s))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(Key(Box::leak(s.into())))
            }
        }
        d.deserialize_str(V)
    }
}

/// The index, read in place from [`DATA`].
struct Index {
    /// The provenance line (JSON).
    header: Json,
    count: usize,
    records: &'static [u8],
    names: &'static [u8],
    data: &'static [u8],
    /// Decoded schemas, one slot per type (allocated on first decode).
    decoded: OnceLock<Box<[OnceLock<Option<Node>>]>>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        read_index(DATA).unwrap_or(Index {
            header: Json::Null,
            count: 0,
            records: &[],
            names: &[],
            data: &[],
            decoded: OnceLock::new(),
        })
    })
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let bytes: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(bytes) as usize)
}

fn read_index(data: &'static [u8]) -> Option<Index> {
    let rest = data.strip_prefix(MAGIC)?;
    let nl = rest.iter().position(|&b| b == b'\n')?;
    let header: Json = serde_json::from_slice(&rest[..nl]).ok()?;
    let rest = &rest[nl + 1..];
    let count = u32_at(rest, 0)?;
    let names_len = u32_at(rest, 4)?;
    let records = rest.get(8..8 + count * RECORD)?;
    let names = rest.get(8 + count * RECORD..8 + count * RECORD + names_len)?;
    let data = rest.get(8 + count * RECORD + names_len..)?;
    Some(Index {
        header,
        count,
        records,
        names,
        data,
        decoded: OnceLock::new(),
    })
}

impl Index {
    /// Record `i`: (name, data offset, compressed length, JSON length).
    fn record(&self, i: usize) -> Option<(&'static str, usize, usize, usize)> {
        let r = self.records.get(i * RECORD..(i + 1) * RECORD)?;
        let (name_at, name_len) = (u32_at(r, 0)?, u32_at(r, 4)?);
        let name = std::str::from_utf8(self.names.get(name_at..name_at + name_len)?).ok()?;
        Some((name, u32_at(r, 8)?, u32_at(r, 12)?, u32_at(r, 16)?))
    }

    fn name(&self, i: usize) -> &'static str {
        self.record(i).map_or("", |r| r.0)
    }

    /// The name of record `i` as bytes (no UTF-8 check: the binary search compares bytes,
    /// which orders like `str`).
    fn name_bytes(&self, i: usize) -> &'static [u8] {
        let name = || {
            let r = self.records.get(i * RECORD..(i + 1) * RECORD)?;
            let (at, len) = (u32_at(r, 0)?, u32_at(r, 4)?);
            self.names.get(at..at + len)
        };
        name().unwrap_or_default()
    }

    fn find(&self, type_name: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.name_bytes(mid).cmp(type_name.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn decode(&self, i: usize) -> Option<Node> {
        let (_, offset, len, raw_len) = self.record(i)?;
        let packed = self.data.get(offset..offset + len)?;
        let mut raw = vec![0u8; raw_len];
        let n = miniz_oxide::inflate::decompress_slice_iter_to_slice(
            &mut raw,
            std::iter::once(packed),
            false,
            true,
        )
        .ok()?;
        if n != raw_len {
            return None;
        }
        // The text lives as long as the tree that borrows from it: the process.
        let raw: &'static [u8] = Box::leak(raw.into_boxed_slice());
        serde_json::from_slice(raw).ok()
    }
}

/// The reduced schema of `type_name`, or `None` when the schema set does not have it.
pub(crate) fn schema(type_name: &str) -> Option<&'static Node> {
    let idx = index();
    let i = idx.find(type_name)?;
    let slots = idx
        .decoded
        .get_or_init(|| (0..idx.count).map(|_| OnceLock::new()).collect());
    slots[i].get_or_init(|| idx.decode(i)).as_ref()
}

/// Every type name of the schema set, sorted.
pub(crate) fn type_names() -> impl Iterator<Item = &'static str> {
    let idx = index();
    (0..idx.count).map(|i| idx.name(i))
}

/// Whether the schema set has `type_name` (decodes nothing).
pub(crate) fn has_type(type_name: &str) -> bool {
    index().find(type_name).is_some()
}

/// Where the data comes from: `{"cfn_lint", "region", "schema_date", "types", "raw_bytes", ...}`.
pub(crate) fn provenance() -> &'static Json {
    &index().header
}

/// Size of the embedded file (compressed), in bytes.
pub(crate) fn embedded_bytes() -> usize {
    DATA.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_sorted_and_every_type_decodes_its_own_name_set() {
        let names: Vec<&str> = type_names().collect();
        assert!(names.len() > 1000, "{} types", names.len());
        assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted, unique");
        for probe in [names[0], names[names.len() / 2], names[names.len() - 1]] {
            assert!(has_type(probe), "{probe}");
        }
        assert!(!has_type("AWS::ECS::Nope"));
        assert!(!has_type(""));
    }

    #[test]
    fn a_schema_decodes_to_its_constraints() {
        let s = schema("AWS::Logs::LogGroup").expect("decodes");
        let retention = s
            .get("properties")
            .and_then(|p| p.get("RetentionInDays"))
            .expect("RetentionInDays");
        assert_eq!(
            retention.get("type").and_then(Node::as_str),
            Some("integer")
        );
        let allowed: Vec<f64> = retention
            .get("enum")
            .and_then(Node::as_array)
            .expect("enum")
            .iter()
            .filter_map(Node::as_f64)
            .collect();
        assert!(
            allowed.contains(&30.0) && !allowed.contains(&15.0),
            "{allowed:?}"
        );
        assert!(
            s.get("attributes")
                .expect("attributes")
                .strs()
                .any(|a| a == "Arn")
        );
        // Decoded once: the same tree comes back.
        assert!(std::ptr::eq(s, schema("AWS::Logs::LogGroup").unwrap()));
    }

    #[test]
    fn escaped_strings_are_unescaped() {
        let n: Node =
            serde_json::from_slice(br#"{"pattern":"^\\d+$","a":["x\"y",1.5,true,null]}"#).unwrap();
        assert_eq!(n.get("pattern").and_then(Node::as_str), Some(r"^\d+$"));
        let a = n.get("a").and_then(Node::as_array).unwrap();
        assert_eq!(a[0], Node::Str("x\"y"));
        assert_eq!(a[1], Node::Num(1.5));
        assert_eq!(a[2], Node::Bool(true));
        assert_eq!(a[3], Node::Null);
    }
}
