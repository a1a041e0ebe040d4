//! The YAML template reader: YAML as CloudFormation reads it, into the JSON tree ferroform
//! renders, with a position on every error and bounds on what hostile input can cost.
//!
//! Built on the event parser of `saphyr-parser` (events with positions); this module turns
//! the events into a [`Json`] value:
//!
//! * **YAML 1.1 scalars.** AWS: "CloudFormation supports the YAML Version 1.1 specification
//!   with a few exceptions" (AWS CloudFormation User Guide, *Template formats*). Plain
//!   scalars are resolved as PyYAML's resolver does (the reader cfn-lint uses, and the same
//!   word list as SnakeYAML's): `yes`/`no`/`on`/`off`/`true`/`false` in three case forms are
//!   booleans (`y`/`n` stay text, as in both readers, although the YAML 1.1 `bool` type
//!   lists them), `0755` is octal, `0x1F` hex, `0b101` binary, `1_000` and `1:20`
//!   (sexagesimal) are integers, `1.5`, `1_0.5`, `6.8e+5` and `1:20.5` are floats (a float
//!   needs a `.`; `1e3` is text, as in PyYAML), `~`/`null`/`Null`/`NULL`/empty are null.
//!   `.inf`, `-.inf` and `.nan` are refused with a clear error (JSON, and so CloudFormation's
//!   JSON model, has no such number; PyYAML makes a float of them). Timestamps (`2024-01-01`)
//!   stay text (CloudFormation does not support the timestamp type, same page). Quoted and
//!   block scalars are always text. See <https://yaml.org/type/bool.html>,
//!   <https://yaml.org/type/int.html>, <https://yaml.org/type/float.html>.
//! * **Tags.** Any `!Name` is the intrinsic `Fn::Name` (`!Ref` and `!Condition` keep their
//!   names), as cfn-lint reads them; a tagged scalar is the text as written, and
//!   `!GetAtt A.B` is `[A, B]`. A scalar with YAML's non-specific tag `!` is resolved as a
//!   plain one, as PyYAML does (`! "Ref": X` is the key `Ref`). The standard `!!str`, `!!int`, `!!float`, `!!bool`,
//!   `!!null`, `!!seq`, `!!map` work; other tags are refused.
//! * **Duplicate keys** at any depth are an error naming the key and both lines (YAML 1.1
//!   §3.2.1.1: the keys of a mapping are unique; cfn-lint refuses them too).
//! * **Aliases** (`*name`) are expanded, within a budget ([`ALIAS_BUDGET_PER_BYTE`] per
//!   byte of input, at most [`ALIAS_BUDGET_CAP`]); every use is
//!   reported ([`AliasUse`]): CloudFormation does not support aliases (same AWS page) unless
//!   `aws cloudformation package` or SAM expanded them first (cfn-lint W1101). Merge keys
//!   (`<<: *base`, `<<: [*a, *b]`) are applied as the YAML merge type says
//!   (<https://yaml.org/type/merge.html>): the mapping's own keys win, and in a list the
//!   earlier mapping wins (PyYAML 6.0.4, in cfn-lint's venv, lets the later one win: cfn-lint
//!   differs there). CloudFormation itself does not support merge keys (same AWS page).
//! * **Nesting** deeper than [`MAX_NESTING`] mappings and sequences is refused (the scanner
//!   of `saphyr-parser` also stops at 255 nested flow collections); the work is linear.
//! * **Characters** outside YAML's printable set (YAML 1.1 §5.1, `c-printable`) are refused
//!   with their line, as PyYAML does.

use std::borrow::Cow;
use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};

use super::json::{Json, JsonMap};

/// The deepest nesting of mappings and lists (objects and arrays) a template may have, in
/// JSON and YAML alike: 127 levels, what serde_json's recursion limit allows (it refuses
/// the 128th), so both readers refuse the same input. That is far above what a
/// CloudFormation template needs (an intrinsic inside a policy inside a resource is about
/// a dozen levels).
pub const MAX_NESTING: usize = 127;

/// YAML aliases may copy at most this many nodes, per byte of the input text (with a floor
/// of 10,000 for small texts): a template without aliases holds at most about two nodes per
/// byte, so ten is generous, while an alias "bomb" (an anchor of a thousand items aliased
/// ten thousand times) is refused after copying a bounded amount. A node is a value of the
/// tree; 64 bytes of copied text count as one more.
pub const ALIAS_BUDGET_PER_BYTE: usize = 10;

/// The most nodes YAML aliases may copy, whatever the input size: 1,000,000 (cfn-lint
/// refuses templates that expand to more than 250,000 nodes in all).
pub const ALIAS_BUDGET_CAP: usize = 1_000_000;

/// One use of a YAML alias (`*name`) in a template read by
/// [`Template::parse_full`](crate::Template::parse_full).
///
/// CloudFormation does not support YAML aliases ("CloudFormation doesn't support the
/// following features: ... Aliases", AWS CloudFormation User Guide, *Template formats*):
/// a template that uses them only deploys after `aws cloudformation package` or SAM has
/// expanded them (cfn-lint reports each one as W1101). ferroform expands them, so the
/// template reads as those tools would give it, and reports every use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasUse {
    /// 1-based line of the `*`.
    pub line: usize,
    /// 1-based column (in characters) of the `*`.
    pub column: usize,
    /// The anchor name (without `*`).
    pub anchor: String,
}

/// A problem found while reading, with its 1-based line and column (characters).
#[derive(Debug)]
pub(crate) struct ReadError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// How many "units" of alias expansion a YAML text of `len` bytes may use: one unit per
/// node an alias copies plus one per 64 bytes of text it copies.
pub(crate) fn alias_budget(len: usize) -> usize {
    (len.saturating_mul(ALIAS_BUDGET_PER_BYTE)).clamp(10_000, ALIAS_BUDGET_CAP)
}

/// Read YAML `text` (without a BOM) into JSON; `Json::Null` for an empty stream.
pub(crate) fn read(text: &str) -> Result<(Json, Vec<AliasUse>), ReadError> {
    check_printable(text)?;
    let mut loader = Loader {
        text,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
        documents: 0,
        aliases: Vec::new(),
        alias_spent: 0,
        alias_budget: alias_budget(text.len()),
        cursor: (0, 0),
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let m = e.marker();
            let message = if e.info().contains("recursion limit exceeded") {
                nesting_message()
            } else {
                format!("invalid YAML: {}", e.info())
            };
            ReadError {
                line: m.line(),
                column: m.col() + 1,
                message,
            }
        })?;
        if loader.event(event, span.start)? {
            break;
        }
    }
    Ok((loader.root.map_or(Json::Null, |n| n.value), loader.aliases))
}

/// The message for input nested deeper than [`MAX_NESTING`] (JSON and YAML alike).
pub(crate) fn nesting_message() -> String {
    format!(
        "nesting deeper than {MAX_NESTING} levels (mappings and lists inside each other); \
         no CloudFormation template needs that many"
    )
}

fn at(m: Marker, message: String) -> ReadError {
    ReadError {
        line: m.line(),
        column: m.col() + 1,
        message,
    }
}

/// YAML 1.1 §5.1: only printable characters may appear in a stream (escapes in
/// double-quoted scalars aside).
fn check_printable(text: &str) -> Result<(), ReadError> {
    let printable = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    let Some(bad) = text.find(|c: char| !printable(c)) else {
        return Ok(());
    };
    let (line, column) = line_col(text, bad);
    let c = text[bad..].chars().next().unwrap_or('\0');
    Err(ReadError {
        line,
        column,
        message: format!(
            "invalid YAML: the control character U+{:04X} cannot appear in YAML (YAML 1.1 \
             §5.1 allows only printable characters); write it as an escape inside a \
             double-quoted string (\"\\x{:02X}\")",
            c as u32, c as u32
        ),
    })
}

/// 1-based line and column (in characters) of byte offset `at` of `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// A finished node: its value, how many expansion units copying it costs, how deep it is.
struct Node {
    value: Json,
    cost: usize,
    height: usize,
}

fn text_cost(s: &str) -> usize {
    1 + s.len() / 64
}

/// A mapping key waiting for its value.
struct PendingKey {
    name: String,
    line: usize,
    merge: bool,
}

enum Body {
    Seq(Vec<Json>),
    Map {
        /// Key -> (line of the key, value).
        entries: IndexMap<String, (usize, Json)>,
        key: Option<PendingKey>,
        /// Mappings merged in with `<<`, in PyYAML's order.
        merged: Vec<JsonMap>,
    },
}

struct Frame {
    body: Body,
    anchor: usize,
    /// `Fn::Name` (or `Ref`, `Condition`) when tagged with a short-form intrinsic.
    intrinsic: Option<String>,
    cost: usize,
    height: usize,
}

struct Loader<'t> {
    text: &'t str,
    stack: Vec<Frame>,
    /// By anchor id: the finished anchored node (None while it is being built).
    anchors: Vec<Option<Node>>,
    root: Option<Node>,
    documents: usize,
    aliases: Vec<AliasUse>,
    alias_spent: usize,
    alias_budget: usize,
    /// (char index, byte index) of the last alias name looked up.
    cursor: (usize, usize),
}

/// What a tag asks for.
enum TagKind<'a> {
    /// No tag, or the non-specific `!`.
    None { nonspecific: bool },
    /// `!!name` (tag:yaml.org,2002:name).
    Core(&'a str),
    /// `!Name`: an intrinsic, with its long name.
    Intrinsic(String),
    /// Anything else (shown as written).
    Other(String),
}

fn tag_kind(tag: Option<&Tag>) -> TagKind<'_> {
    let Some(tag) = tag else {
        return TagKind::None { nonspecific: false };
    };
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.handle.is_empty() && tag.suffix == "!" {
        return TagKind::None { nonspecific: true };
    }
    if tag.handle == CORE {
        return TagKind::Core(&tag.suffix);
    }
    if let Some(core) = tag
        .suffix
        .strip_prefix(CORE)
        .filter(|_| tag.handle.is_empty())
    {
        return TagKind::Core(core);
    }
    let local = if tag.handle == "!" {
        Some(tag.suffix.as_str())
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix('!')
    } else {
        None
    };
    match local {
        Some(name) if !name.is_empty() => TagKind::Intrinsic(match name {
            "Ref" | "Condition" => name.to_owned(),
            _ => format!("Fn::{name}"),
        }),
        _ => TagKind::Other(format!("{}{}", tag.handle, tag.suffix)),
    }
}

fn unsupported_tag(shown: &str) -> String {
    format!(
        "invalid YAML: the tag `{shown}` is not supported: CloudFormation reads the \
         short-form intrinsic tags (`!Ref`, `!Sub`, `!GetAtt` ...) and YAML's standard \
         `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`, `!!map`"
    )
}

impl Loader<'_> {
    /// Handle one event; true at the end of the stream.
    fn event(&mut self, event: Event<'_>, start: Marker) -> Result<bool, ReadError> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(at(
                        start,
                        "invalid YAML: a second document (`---`) in the stream; a template \
                         is one YAML document"
                            .to_owned(),
                    ));
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::Alias(id) => self.alias(id, start)?,
            Event::Scalar(value, style, anchor, tag) => {
                self.scalar(value, style, anchor, tag.as_deref(), start)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(
                    Body::Seq(Vec::new()),
                    anchor,
                    tag.as_deref(),
                    start,
                    "a list",
                )?;
            }
            Event::MappingStart(anchor, tag) => {
                let body = Body::Map {
                    entries: IndexMap::new(),
                    key: None,
                    merged: Vec::new(),
                };
                self.open(body, anchor, tag.as_deref(), start, "a mapping")?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(start)?,
        }
        Ok(false)
    }

    /// True when the next node is a mapping key.
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Map { key: None, .. },
                ..
            })
        )
    }

    fn open(
        &mut self,
        body: Body,
        anchor: usize,
        tag: Option<&Tag>,
        start: Marker,
        what: &str,
    ) -> Result<(), ReadError> {
        if self.expecting_key() {
            return Err(at(
                start,
                format!("invalid YAML: a mapping key must be a plain scalar (a name), not {what}"),
            ));
        }
        if self.stack.len() >= MAX_NESTING {
            return Err(at(start, nesting_message()));
        }
        let is_seq = matches!(body, Body::Seq(_));
        let intrinsic = match tag_kind(tag) {
            TagKind::None { .. } => None,
            TagKind::Core("seq") if is_seq => None,
            TagKind::Core("map") if !is_seq => None,
            TagKind::Core(other) => return Err(at(start, unsupported_tag(&format!("!!{other}")))),
            TagKind::Intrinsic(long) => Some(long),
            TagKind::Other(shown) => return Err(at(start, unsupported_tag(&shown))),
        };
        if intrinsic.is_some() && self.stack.len() + 1 >= MAX_NESTING {
            return Err(at(start, nesting_message()));
        }
        self.start_anchor(anchor);
        self.stack.push(Frame {
            body,
            anchor,
            intrinsic,
            cost: 1,
            height: 1,
        });
        Ok(())
    }

    fn start_anchor(&mut self, anchor: usize) {
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            // A redefined anchor name gets a new id; an id is never reused.
            self.anchors[anchor] = None;
        }
    }

    fn close(&mut self, end: Marker) -> Result<(), ReadError> {
        let Some(frame) = self.stack.pop() else {
            return Err(at(
                end,
                "invalid YAML: unbalanced end of a collection".to_owned(),
            ));
        };
        let value = match frame.body {
            Body::Seq(items) => Json::Array(items),
            Body::Map {
                entries,
                key,
                merged,
            } => {
                if let Some(k) = key {
                    // The parser always gives a value; keep the key with null to be safe.
                    let mut entries = entries;
                    entries.insert(k.name, (k.line, Json::Null));
                    Json::Object(entries.into_iter().map(|(k, (_, v))| (k, v)).collect())
                } else if merged.is_empty() {
                    Json::Object(entries.into_iter().map(|(k, (_, v))| (k, v)).collect())
                } else {
                    // The merged pairs first (in a list, the last mapping first), then the
                    // mapping's own: a later pair replaces the value and keeps the first
                    // position, so own keys win, then earlier mappings of a list.
                    let mut out = JsonMap::new();
                    for m in merged {
                        for (k, v) in m {
                            out.insert(k, v);
                        }
                    }
                    for (k, (_, v)) in entries {
                        out.insert(k, v);
                    }
                    Json::Object(out)
                }
            }
        };
        let (value, cost, height) = match frame.intrinsic {
            Some(long) => (wrap(long, value), frame.cost + 1, frame.height + 1),
            None => (value, frame.cost, frame.height),
        };
        self.finish(
            Node {
                value,
                cost,
                height,
            },
            frame.anchor,
            end,
        )
    }

    /// A finished node: remember it when anchored, then place it in its parent.
    fn finish(&mut self, node: Node, anchor: usize, pos: Marker) -> Result<(), ReadError> {
        if anchor > 0 {
            let copy = Node {
                value: node.value.clone(),
                cost: node.cost,
                height: node.height,
            };
            if self.anchors.len() <= anchor {
                self.anchors.resize_with(anchor + 1, || None);
            }
            self.anchors[anchor] = Some(copy);
        }
        self.place(node, pos)
    }

    fn place(&mut self, node: Node, pos: Marker) -> Result<(), ReadError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.cost = frame.cost.saturating_add(node.cost);
        frame.height = frame.height.max(node.height + 1);
        match &mut frame.body {
            Body::Seq(items) => items.push(node.value),
            Body::Map {
                entries,
                key,
                merged,
            } => {
                let Some(k) = key.take() else {
                    // place() is called for values only; keys go through set_key().
                    return Err(at(
                        pos,
                        "invalid YAML: a mapping key must be a plain scalar".to_owned(),
                    ));
                };
                if k.merge {
                    match node.value {
                        Json::Object(m) => merged.push(m),
                        Json::Array(items) => {
                            let mut maps = Vec::with_capacity(items.len());
                            for item in items {
                                match item {
                                    Json::Object(m) => maps.push(m),
                                    _ => return Err(at(pos, merge_message())),
                                }
                            }
                            maps.reverse();
                            merged.extend(maps);
                        }
                        _ => return Err(at(pos, merge_message())),
                    }
                } else {
                    entries.insert(k.name, (k.line, node.value));
                }
            }
        }
        Ok(())
    }

    /// A scalar (or an alias to a scalar) read as a key of the mapping on top of the stack.
    fn set_key(&mut self, name: String, merge: bool, pos: Marker) -> Result<(), ReadError> {
        let line = pos.line();
        let Some(Frame {
            body: Body::Map { entries, key, .. },
            cost,
            ..
        }) = self.stack.last_mut()
        else {
            return Ok(());
        };
        *cost = cost.saturating_add(text_cost(&name));
        if !merge && let Some((first, _)) = entries.get(&name) {
            let shown = if name.chars().count() > 80 {
                format!("{}...", name.chars().take(80).collect::<String>())
            } else {
                name.clone()
            };
            return Err(at(
                pos,
                format!(
                    "invalid YAML: duplicate key `{}` at line {line} (first at line \
                     {first}); a key may appear once in a mapping",
                    shown.escape_debug()
                ),
            ));
        }
        *key = Some(PendingKey { name, line, merge });
        Ok(())
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        start: Marker,
    ) -> Result<(), ReadError> {
        let kind = tag_kind(tag);
        let plain = style == ScalarStyle::Plain;
        if self.expecting_key() {
            let name = match kind {
                TagKind::None { nonspecific } => {
                    if plain && !nonspecific && value == "<<" {
                        self.start_anchor(anchor);
                        return self.set_key(value.into_owned(), true, start);
                    }
                    if plain || nonspecific {
                        key_text(resolve_plain(&value).map_err(|m| at(start, m))?)
                            .map_err(|m| at(start, m))?
                    } else {
                        value.into_owned()
                    }
                }
                TagKind::Core(core) => {
                    key_text(resolve_core(core, &value).map_err(|m| at(start, m))?)
                        .map_err(|m| at(start, m))?
                }
                TagKind::Intrinsic(long) => {
                    return Err(at(
                        start,
                        format!(
                            "invalid YAML: a mapping key must be a plain scalar (a name), \
                             not the intrinsic `{long}`"
                        ),
                    ));
                }
                TagKind::Other(shown) => return Err(at(start, unsupported_tag(&shown))),
            };
            if anchor > 0 {
                self.start_anchor(anchor);
                let cost = text_cost(&name);
                self.anchors[anchor] = Some(Node {
                    value: Json::String(name.clone()),
                    cost,
                    height: 0,
                });
            }
            return self.set_key(name, false, start);
        }
        let (value, cost) = match kind {
            TagKind::None { nonspecific } => {
                let cost = text_cost(&value);
                if plain || nonspecific {
                    (resolve_plain(&value).map_err(|m| at(start, m))?, cost)
                } else {
                    (Json::String(value.into_owned()), cost)
                }
            }
            TagKind::Core(core) => (
                resolve_core(core, &value).map_err(|m| at(start, m))?,
                text_cost(&value),
            ),
            TagKind::Intrinsic(long) => {
                let cost = text_cost(&value) + 1;
                (wrap(long, Json::String(value.into_owned())), cost)
            }
            TagKind::Other(shown) => return Err(at(start, unsupported_tag(&shown))),
        };
        let height = usize::from(value.is_object());
        if self.stack.len() + height > MAX_NESTING {
            return Err(at(start, nesting_message()));
        }
        self.start_anchor(anchor);
        self.finish(
            Node {
                value,
                cost,
                height,
            },
            anchor,
            start,
        )
    }

    /// The anchor name of the alias at `pos` (`*name`), read from the text.
    fn alias_name(&mut self, pos: Marker) -> String {
        let target = pos.index();
        if target < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (mut ci, mut bi) = self.cursor;
        let mut chars = self.text[bi..].chars();
        while ci < target {
            match chars.next() {
                Some(c) => {
                    ci += 1;
                    bi += c.len_utf8();
                }
                None => break,
            }
        }
        self.cursor = (ci, bi);
        let rest = &self.text[bi..];
        let rest = rest.strip_prefix('*').unwrap_or(rest);
        rest.chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect()
    }

    fn alias(&mut self, id: usize, start: Marker) -> Result<(), ReadError> {
        let name = self.alias_name(start);
        let Some(Some(node)) = self.anchors.get(id) else {
            return Err(at(
                start,
                format!(
                    "invalid YAML: the alias `*{name}` refers to the node that contains it \
                     (a recursive alias)"
                ),
            ));
        };
        self.aliases.push(AliasUse {
            line: start.line(),
            column: start.col() + 1,
            anchor: name.clone(),
        });
        self.alias_spent = self.alias_spent.saturating_add(node.cost);
        if self.alias_spent > self.alias_budget {
            return Err(at(
                start,
                format!(
                    "invalid YAML: the aliases copy more than {} nodes (at `*{name}`), the \
                     limit for a {}-byte text ({ALIAS_BUDGET_PER_BYTE} per byte of input, at \
                     least 10000, at most {ALIAS_BUDGET_CAP}); CloudFormation does not \
                     support YAML aliases: write the values out",
                    self.alias_budget,
                    self.text.len(),
                ),
            ));
        }
        if self.stack.len() + node.height > MAX_NESTING {
            return Err(at(start, nesting_message()));
        }
        let node = Node {
            value: node.value.clone(),
            cost: node.cost,
            height: node.height,
        };
        if self.expecting_key() {
            let name = key_text(node.value).map_err(|m| at(start, m))?;
            return self.set_key(name, false, start);
        }
        self.place(node, start)
    }
}

fn merge_message() -> String {
    "invalid YAML: a merge key (`<<`) takes a mapping or a list of mappings".to_owned()
}

/// `{long: inner}`; `!GetAtt A.B` is `[A, B]`.
fn wrap(long: String, inner: Json) -> Json {
    let inner = match (long.as_str(), inner) {
        ("Fn::GetAtt", Json::String(s)) => match s.split_once('.') {
            Some((res, attr)) => {
                Json::Array(vec![Json::String(res.into()), Json::String(attr.into())])
            }
            None => Json::String(s),
        },
        (_, other) => other,
    };
    let mut m = JsonMap::with_capacity(1);
    m.insert(long, inner);
    Json::Object(m)
}

/// A resolved scalar as a mapping key (PyYAML keys may be booleans or numbers; JSON's are
/// text: `true`, `31`).
fn key_text(v: Json) -> Result<String, String> {
    match v {
        Json::String(s) => Ok(s),
        Json::Bool(b) => Ok(b.to_string()),
        Json::Number(n) => Ok(n.to_string()),
        Json::Null => Err(
            "invalid YAML: a mapping key is null (empty, `~` or `null`); quote it if the \
             name is meant"
                .to_owned(),
        ),
        _ => Err("invalid YAML: a mapping key must be a plain scalar (a name)".to_owned()),
    }
}

static BOOL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
        .expect("valid")
});
static FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    )
    .expect("valid")
});
static INT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
    )
    .expect("valid")
});

/// An untagged plain scalar, resolved as PyYAML's YAML 1.1 resolver does (the patterns are
/// those of the YAML 1.1 types, as PyYAML writes them; `=`, `<<` and timestamps stay text).
pub(crate) fn resolve_plain(s: &str) -> Result<Json, String> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Json::Null),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if matches!(
        first,
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O'
    ) && BOOL.is_match(s)
    {
        return Ok(Json::Bool(matches!(
            s.to_ascii_lowercase().as_str(),
            "yes" | "true" | "on"
        )));
    }
    if !matches!(first, b'-' | b'+' | b'.' | b'0'..=b'9') {
        return Ok(Json::String(s.to_owned()));
    }
    if FLOAT.is_match(s) {
        return to_float(s);
    }
    if INT.is_match(s) {
        return to_int(s);
    }
    Ok(Json::String(s.to_owned()))
}

/// A scalar with a standard tag (`!!int 0x1F`, `!!str 1`).
fn resolve_core(core: &str, s: &str) -> Result<Json, String> {
    match core {
        "str" => Ok(Json::String(s.to_owned())),
        "null" => Ok(Json::Null),
        "bool" => match s.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" => Ok(Json::Bool(true)),
            "no" | "false" | "off" => Ok(Json::Bool(false)),
            _ => Err(format!(
                "invalid YAML: `!!bool {s}` is not a YAML 1.1 boolean (yes, no, true, false, \
                 on, off)"
            )),
        },
        "int" => {
            if INT.is_match(s) {
                to_int(s)
            } else {
                Err(format!(
                    "invalid YAML: `!!int {s}` is not a YAML 1.1 integer"
                ))
            }
        }
        "float" => to_float(s),
        other => Err(unsupported_tag(&format!("!!{other}"))),
    }
}

fn non_finite(s: &str) -> String {
    format!(
        "invalid YAML: `{s}` is a YAML 1.1 float (infinity or not-a-number) that JSON, and so \
         CloudFormation, cannot hold; quote it (\"{s}\") to mean the text"
    )
}

/// PyYAML's float constructor: `_` dropped, `.inf`/`.nan`, base-60 with `:`.
fn to_float(s: &str) -> Result<Json, String> {
    let v = s.replace('_', "").to_ascii_lowercase();
    let (neg, body) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v.as_str()),
    };
    if body == ".inf" || body == ".nan" {
        return Err(non_finite(s));
    }
    let parse = |p: &str| -> Result<f64, String> {
        let mut t = p.to_owned();
        if t.starts_with('.') {
            t.insert(0, '0');
        }
        t = t.replace(".e", ".0e");
        if t.ends_with('.') {
            t.push('0');
        }
        t.parse::<f64>()
            .map_err(|_| format!("invalid YAML: `{s}` is not a number"))
    };
    let mut value = if body.contains(':') {
        let mut total = 0.0;
        for part in body.split(':') {
            total = total * 60.0 + parse(part)?;
        }
        total
    } else {
        parse(body)?
    };
    if neg {
        value = -value;
    }
    serde_json::Number::from_f64(value)
        .map(Json::Number)
        .ok_or_else(|| non_finite(s))
}

/// PyYAML's int constructor: `_` dropped, `0b`, `0x`, leading `0` octal, base-60 with `:`.
/// Integers beyond 64 bits become floats, as serde_json reads them from JSON.
fn to_int(s: &str) -> Result<Json, String> {
    let v = s.replace('_', "");
    let (neg, body) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v.as_str()),
    };
    let bad = || format!("invalid YAML: `{s}` is not a YAML 1.1 integer");
    let digits = |text: &str, radix: u32| -> Result<(u128, f64, bool), String> {
        if text.is_empty() {
            return Err(bad());
        }
        let mut exact: Option<u128> = Some(0);
        let mut approx = 0.0f64;
        for c in text.chars() {
            let d = c.to_digit(radix).ok_or_else(bad)?;
            exact = exact
                .and_then(|e| e.checked_mul(u128::from(radix)))
                .and_then(|e| e.checked_add(u128::from(d)));
            approx = approx * f64::from(radix) + f64::from(d);
        }
        Ok((exact.unwrap_or(0), approx, exact.is_some()))
    };
    let (exact, approx, fits) = if body == "0" {
        (0, 0.0, true)
    } else if let Some(b) = body.strip_prefix("0b") {
        digits(b, 2)?
    } else if let Some(h) = body.strip_prefix("0x") {
        digits(h, 16)?
    } else if body.starts_with('0') {
        digits(body, 8)?
    } else if body.contains(':') {
        let mut exact: Option<u128> = Some(0);
        let mut approx = 0.0f64;
        for part in body.split(':') {
            let (e, a, f) = digits(part, 10)?;
            exact = exact
                .filter(|_| f)
                .and_then(|x| x.checked_mul(60))
                .and_then(|x| x.checked_add(e));
            approx = approx * 60.0 + a;
        }
        (exact.unwrap_or(0), approx, exact.is_some())
    } else {
        let (e, _, f) = digits(body, 10)?;
        // correctly rounded, as serde_json reads a too-large JSON integer
        (e, body.parse::<f64>().map_err(|_| bad())?, f)
    };
    if fits {
        if neg {
            if let Ok(i) = i64::try_from(exact) {
                return Ok(Json::from(-i));
            }
            if exact == 1u128 << 63 {
                return Ok(Json::from(i64::MIN));
            }
        } else if let Ok(u) = u64::try_from(exact) {
            return Ok(Json::from(u));
        }
    }
    let f = if neg { -approx } else { approx };
    serde_json::Number::from_f64(f)
        .map(Json::Number)
        .ok_or_else(|| non_finite(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(s: &str) -> Json {
        resolve_plain(s).unwrap()
    }

    #[test]
    fn yaml_1_1_scalars_resolve_as_pyyaml_does() {
        for t in [
            "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(r(t), json!(true), "{t}");
        }
        for f in [
            "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        ] {
            assert_eq!(r(f), json!(false), "{f}");
        }
        for s in [
            "y", "n", "Y", "N", "yEs", "tRUE", "1e3", "08", "0o17", "=", "<<", "-.5",
        ] {
            assert_eq!(r(s), json!(s), "{s}");
        }
        assert_eq!(r("2024-01-01"), json!("2024-01-01"));
        assert_eq!(r("0755"), json!(493));
        assert_eq!(r("0x1F"), json!(31));
        assert_eq!(r("-0b101"), json!(-5));
        assert_eq!(r("1_000"), json!(1000));
        assert_eq!(r("1:20"), json!(80));
        assert_eq!(r("190:20:30"), json!(685_230));
        assert_eq!(r("-0"), json!(0));
        assert_eq!(r("1.5"), json!(1.5));
        assert_eq!(r("1."), json!(1.0));
        assert_eq!(r(".5"), json!(0.5));
        assert_eq!(r("6.8523015e+5"), json!(685_230.15));
        assert_eq!(r("1:20.5"), json!(80.5));
        assert_eq!(r("9223372036854775807"), json!(i64::MAX));
        assert_eq!(r("-9223372036854775808"), json!(i64::MIN));
        assert_eq!(r("18446744073709551615"), json!(u64::MAX));
        assert_eq!(r("99999999999999999999"), json!(1e20));
        for n in ["~", "null", "Null", "NULL", ""] {
            assert_eq!(r(n), Json::Null, "{n}");
        }
        for bad in [".inf", "-.Inf", "+.INF", ".nan", ".NaN", "1.0e+400"] {
            let e = resolve_plain(bad).unwrap_err();
            assert!(e.contains("cannot hold"), "{bad}: {e}");
        }
    }

    #[test]
    fn alias_budget_is_proportional_and_capped() {
        assert_eq!(alias_budget(0), 10_000);
        assert_eq!(alias_budget(5_000), 50_000);
        assert_eq!(alias_budget(10_000_000), ALIAS_BUDGET_CAP);
    }
}
