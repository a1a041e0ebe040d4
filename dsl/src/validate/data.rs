//! The constraint data of every resource type (`dsl/data/schemas.bin`, written by
//! `codegen/regenerate.sh`; its layout is documented in `codegen/src/constraints.rs`): a
//! header line, a fixed-size index of type names read in place (binary search, nothing to
//! parse at start-up), then each type's reduced schema as compact JSON compressed with raw
//! DEFLATE (or, for the types ferroform generates, the JSON itself, read in place), decoded
//! into a [`Node`] tree the first time a template uses the type.

use std::sync::OnceLock;

use crate::model::render::Json;

static DATA: &[u8] = include_bytes!("../../data/schemas.bin");

const MAGIC: &[u8] = b"FFSCHEMAS 3\n";
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
    /// A definition of the type's schema, parsed on first use: most templates use few of a
    /// type's definitions, so decoding skips over the rest.
    Lazy(&'static str, OnceLock<Box<Node>>),
}

impl Node {
    /// The node itself; a [`Node::Lazy`] definition is parsed now (once).
    pub(crate) fn force(&self) -> &Node {
        match self {
            Node::Lazy(text, node) => {
                node.get_or_init(|| Box::new(parse(text).unwrap_or(Node::Null)))
            }
            n => n,
        }
    }

    /// The value of `key` when this is an object that has it.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self.force() {
            Node::Obj(m) => m.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&'static str> {
        match self.force() {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self.force() {
            Node::Num(x) => Some(*x),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Node]> {
        match self.force() {
            Node::Arr(a) => Some(a),
            _ => None,
        }
    }

    pub(crate) fn as_object(&self) -> Option<&[(&'static str, Node)]> {
        match self.force() {
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

/// Parses the compact JSON of a reduced schema (as codegen writes it: no whitespace) into a
/// [`Node`] tree: strings without escapes are borrowed, the few with escapes (patterns) are
/// unescaped once and kept for the life of the process. About four times faster than a
/// general-purpose deserializer on this input. `None` on anything malformed.
pub(crate) fn parse(text: &'static str) -> Option<Node> {
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        i: 0,
        items: Vec::with_capacity(64),
        entries: Vec::with_capacity(64),
        in_definitions: false,
    };
    let n = p.value(0)?;
    (p.i == p.b.len()).then_some(n)
}

struct Parser {
    s: &'static str,
    b: &'static [u8],
    i: usize,
    /// Scratch stacks: the items / entries of the lists / objects being parsed, moved into
    /// an exact-size slice when each closes (one allocation per node, no regrowth).
    items: Vec<Node>,
    entries: Vec<(&'static str, Node)>,
    /// Parsing the values of the root's `definitions` object: kept as [`Node::Lazy`].
    in_definitions: bool,
}

impl Parser {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > 128 {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.i += 1;
                let mark = self.entries.len();
                if self.eat(b'}').is_some() {
                    return Some(Node::Obj(Box::new([])));
                }
                loop {
                    let k = self.string()?;
                    self.eat(b':')?;
                    let v = if depth == 1 && self.in_definitions {
                        self.skip()?
                    } else {
                        self.in_definitions = depth == 0 && k == "definitions";
                        let v = self.value(depth + 1)?;
                        self.in_definitions = false;
                        v
                    };
                    self.entries.push((k, v));
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(Node::Obj(self.entries.drain(mark..).collect()));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mark = self.items.len();
                if self.eat(b']').is_some() {
                    return Some(Node::Arr(Box::new([])));
                }
                loop {
                    let v = self.value(depth + 1)?;
                    self.items.push(v);
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(Node::Arr(self.items.drain(mark..).collect()));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Node::Str),
            b't' => self.word("true", Node::Bool(true)),
            b'f' => self.word("false", Node::Bool(false)),
            b'n' => self.word("null", Node::Null),
            _ => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    self.i += 1;
                }
                self.s.get(start..self.i)?.parse().ok().map(Node::Num)
            }
        }
    }

    /// A value left unparsed: its text, checked only for balanced brackets and strings.
    fn skip(&mut self) -> Option<Node> {
        let start = self.i;
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    loop {
                        match self.peek()? {
                            b'"' => break,
                            b'\\' => self.i += 2,
                            _ => self.i += 1,
                        }
                    }
                    self.i += 1;
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' if depth == 0 => break,
                b'}' | b']' => {
                    depth -= 1;
                    self.i += 1;
                }
                b',' if depth == 0 => break,
                _ => self.i += 1,
            }
            if depth == 0 && matches!(self.b.get(self.i), Some(b',' | b'}' | b']')) {
                break;
            }
        }
        // An empty value (`"A":}`) is no value: malformed.
        let text = self.s.get(start..self.i).filter(|t| !t.is_empty())?;
        Some(Node::Lazy(text, OnceLock::new()))
    }

    fn word(&mut self, w: &str, n: Node) -> Option<Node> {
        let end = self.i + w.len();
        (self.b.get(self.i..end)? == w.as_bytes()).then(|| {
            self.i = end;
            n
        })
    }

    fn string(&mut self) -> Option<&'static str> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return self.s.get(start..self.i - 1);
                }
                b'\\' => return self.escaped(start),
                _ => self.i += 1,
            }
        }
    }

    /// The rest of a string that has escapes, from its start.
    fn escaped(&mut self, start: usize) -> Option<&'static str> {
        let mut out = String::from(self.s.get(start..self.i)?);
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(Box::leak(out.into_boxed_str()));
                }
                b'\\' => {
                    let c = match *self.b.get(self.i + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4(self.i + 2)?;
                            self.i += 6;
                            let cp = if (0xD800..0xDC00).contains(&hi)
                                && self.b.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                let lo = self.hex4(self.i + 2)?;
                                self.i += 6;
                                0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)? & 0x3FF)
                            } else {
                                hi
                            };
                            // A lone surrogate cannot be a Rust string: U+FFFD, as lossy
                            // decoders do (no schema string has one).
                            out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                            continue;
                        }
                        _ => return None,
                    };
                    out.push(c);
                    self.i += 2;
                }
                _ => {
                    // Copy up to the next quote or backslash (whole UTF-8 sequences).
                    let from = self.i;
                    while self.peek().is_some_and(|c| c != b'"' && c != b'\\') {
                        self.i += 1;
                    }
                    out.push_str(self.s.get(from..self.i)?);
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        u32::from_str_radix(self.s.get(at..at + 4)?, 16).ok()
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
    /// Record `i`: (name, data offset, compressed length (0: not compressed), JSON length).
    fn record(&self, i: usize) -> Option<(&'static str, usize, usize, usize)> {
        let name = std::str::from_utf8(self.name_bytes(i)?).ok()?;
        let r = self.records.get(i * RECORD..(i + 1) * RECORD)?;
        Some((name, u32_at(r, 8)?, u32_at(r, 12)?, u32_at(r, 16)?))
    }

    fn name(&self, i: usize) -> &'static str {
        self.record(i).map_or("", |r| r.0)
    }

    /// The name of record `i` as bytes (no UTF-8 check: the binary search compares bytes,
    /// which orders like `str`).
    fn name_bytes(&self, i: usize) -> Option<&'static [u8]> {
        let r = self.records.get(i * RECORD..(i + 1) * RECORD)?;
        let (at, len) = (u32_at(r, 0)?, u32_at(r, 4)?);
        self.names.get(at..at + len)
    }

    fn find(&self, type_name: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self
                .name_bytes(mid)
                .unwrap_or_default()
                .cmp(type_name.as_bytes())
            {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn decode(&self, i: usize) -> Option<Node> {
        parse(self.text(i)?)
    }

    /// The JSON text of record `i`: read in place when it is not compressed (the generated
    /// types), else inflated once into a buffer that lives as long as the process (the
    /// decoded tree borrows from it).
    fn text(&self, i: usize) -> Option<&'static str> {
        let (_, offset, len, raw_len) = self.record(i)?;
        if len == 0 {
            return std::str::from_utf8(self.data.get(offset..offset + raw_len)?).ok();
        }
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
        Some(Box::leak(String::from_utf8(raw).ok()?.into_boxed_str()))
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

/// Every CloudFormation type name of the schema set, sorted: not SAM's (see [`is_sam`]).
pub(crate) fn type_names() -> impl Iterator<Item = &'static str> {
    let idx = index();
    (0..idx.count).map(|i| idx.name(i)).filter(|t| !is_sam(t))
}

/// Whether the schema set has the CloudFormation type `type_name` (decodes nothing).
pub(crate) fn has_type(type_name: &str) -> bool {
    !is_sam(type_name) && index().find(type_name).is_some()
}

/// Whether `type_name` is one of SAM's `AWS::Serverless::*` types. The data has their
/// schemas ([`schema`] gives them), for the checks of a template with the SAM transform, but
/// they are not CloudFormation types: [`type_names`] and [`has_type`] leave them out.
pub(crate) fn is_sam(type_name: &str) -> bool {
    type_name.starts_with("AWS::Serverless::")
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
        // SAM's types: schemas, but not CloudFormation types.
        assert!(!has_type("AWS::Serverless::Function"));
        assert!(!names.iter().any(|t| is_sam(t)));
        assert!(schema("AWS::Serverless::Function").is_some());
    }

    /// The parts the index reads in place follow each other as the layout says (records,
    /// names, data), and the data runs to the end of the file.
    #[test]
    fn the_index_parts_tile_the_file() {
        let idx = index();
        assert_eq!(idx.records.len(), idx.count * RECORD);
        assert_eq!(idx.records.as_ptr_range().end, idx.names.as_ptr());
        assert_eq!(idx.names.as_ptr_range().end, idx.data.as_ptr());
        assert_eq!(idx.data.as_ptr_range().end, DATA.as_ptr_range().end);
        // The last name (in record order, the names are written in order) ends the blob.
        let last = idx.name_bytes(idx.count - 1).unwrap();
        assert_eq!(last.as_ptr_range().end, idx.names.as_ptr_range().end);
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

    /// The tree as a serde_json value, to compare with serde_json's own parse.
    fn to_json(n: &Node) -> Json {
        match n.force() {
            Node::Lazy(..) => unreachable!("forced"),
            Node::Null => Json::Null,
            Node::Bool(b) => Json::Bool(*b),
            Node::Num(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
            Node::Str(s) => Json::String((*s).to_owned()),
            Node::Arr(a) => Json::Array(a.iter().map(to_json).collect()),
            Node::Obj(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| ((*k).to_owned(), to_json(v)))
                    .collect(),
            ),
        }
    }

    /// Numbers as f64, like the tree keeps them.
    fn floats(v: &Json) -> Json {
        match v {
            Json::Number(n) => n
                .as_f64()
                .and_then(serde_json::Number::from_f64)
                .map_or(Json::Null, Json::Number),
            Json::Array(a) => Json::Array(a.iter().map(floats).collect()),
            Json::Object(m) => {
                Json::Object(m.iter().map(|(k, v)| (k.clone(), floats(v))).collect())
            }
            other => other.clone(),
        }
    }

    #[test]
    fn every_schema_parses_as_serde_json_parses_it() {
        let idx = index();
        assert!(idx.count > 1000);
        let mut plain = 0;
        for i in 0..idx.count {
            let (name, _, len, _) = idx.record(i).unwrap();
            plain += usize::from(len == 0);
            let text = idx.text(i).unwrap_or_else(|| panic!("{name} has no text"));
            let expected: Json = serde_json::from_str(text).unwrap();
            let ours = parse(text).unwrap_or_else(|| panic!("{name} does not parse"));
            assert_eq!(to_json(&ours), floats(&expected), "{name}");
        }
        // The generated types are read in place, the others inflated: both kinds are here.
        assert!(
            plain > 50 && plain < idx.count / 2,
            "{plain} not compressed"
        );
    }

    #[test]
    fn malformed_text_is_refused() {
        for bad in [
            "",
            "{",
            r#"{"a"}"#,
            r#"{"a":}"#,
            "[1,]",
            "[1 2]",
            r#""x"#,
            "tru",
            r#"{"a":1}x"#,
            r#""\q""#,
            r#""\u12""#,
            "-",
            "{1:2}",
            // A definition left unparsed is still checked for being there.
            r#"{"definitions":{"A":}}"#,
            r#"{"definitions":{"A":,"B":1}}"#,
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }

    /// Lists and mappings nest up to 128 levels below the root (the bound keeps a corrupt
    /// file from exhausting the stack); one more is refused.
    #[test]
    fn nesting_is_bounded() {
        let parses = |text: String| parse(Box::leak(text.into_boxed_str())).is_some();
        let lists = |n: usize| "[".repeat(n) + &"]".repeat(n);
        // `{"a":` n times, then `1`: the value 1 is at depth n.
        let mappings = |n: usize| r#"{"a":"#.repeat(n) + "1" + &"}".repeat(n);
        assert!(parses(lists(129)));
        assert!(!parses(lists(130)));
        assert!(parses(mappings(128)));
        assert!(!parses(mappings(129)));
    }

    /// The root's `definitions` are kept as text until one is used; everything else is
    /// parsed at once.
    #[test]
    fn definitions_are_parsed_on_first_use() {
        let n = parse(r#"{"properties":{"P":{"$ref":"A"}},"definitions":{"A":{"type":"string"},"B":[1]},"x":{"definitions":{"C":1}}}"#)
            .unwrap();
        let lazy = |v: &Node| matches!(v, Node::Lazy(_, cell) if cell.get().is_none());
        let Node::Obj(root) = &n else {
            panic!("an object")
        };
        let entries = |key: &str| -> &[(&'static str, Node)] {
            match &root.iter().find(|(k, _)| *k == key).unwrap().1 {
                Node::Obj(m) => m,
                other => panic!("{key}: {other:?}"),
            }
        };
        assert!(entries("definitions").iter().all(|(_, v)| lazy(v)));
        assert!(!entries("properties").iter().any(|(_, v)| lazy(v)));
        // Only the root's: a `definitions` key deeper down is plain data.
        let Node::Obj(inner) = &entries("x")[0].1 else {
            panic!("x.definitions")
        };
        assert!(!inner.iter().any(|(_, v)| lazy(v)));
        // Used, a definition is parsed once and kept.
        let a = n.get("definitions").and_then(|d| d.get("A")).unwrap();
        assert_eq!(a.get("type").and_then(Node::as_str), Some("string"));
        assert!(matches!(a, Node::Lazy(_, cell) if cell.get().is_some()));
    }

    #[test]
    fn escaped_strings_are_unescaped() {
        let n = parse(r#"{"pattern":"^\\d+$","a":["x\"y",1.5,true,null,"\u00e9\ud83d\ude00/\/"]}"#)
            .unwrap();
        assert_eq!(n.get("pattern").and_then(Node::as_str), Some(r"^\d+$"));
        let a = n.get("a").and_then(Node::as_array).unwrap();
        assert_eq!(a[0], Node::Str("x\"y"));
        assert_eq!(a[1], Node::Num(1.5));
        assert_eq!(a[2], Node::Bool(true));
        assert_eq!(a[3], Node::Null);
        assert_eq!(a[4], Node::Str("é😀//"));
        // Every one-letter escape JSON has.
        let n = parse(r#"["\b\f\n\r\t|"]"#).unwrap();
        assert_eq!(n.as_array().unwrap()[0], Node::Str("\u{8}\u{c}\n\r\t|"));
    }
}
