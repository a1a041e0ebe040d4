//! The constraint data of every resource type (`dsl/data/schemas.bin`, written by
//! `codegen/regenerate.sh`): an index of type names, then each type's reduced schema as
//! compact JSON compressed with raw DEFLATE, decoded the first time a template uses the type.

use std::sync::OnceLock;

use crate::model::render::Json;

static DATA: &[u8] = include_bytes!("../../data/schemas.bin");

const MAGIC: &[u8] = b"FFSCHEMAS 1\n";

struct Index {
    /// The provenance line (JSON).
    header: Json,
    /// Sorted by type name: (name, offset, length) into `DATA[data_start..]`.
    entries: Vec<(&'static str, usize, usize)>,
    data_start: usize,
    /// Decoded schemas, one slot per entry.
    decoded: Vec<OnceLock<Option<Json>>>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        parse_index(DATA).unwrap_or_else(|| Index {
            header: Json::Null,
            entries: Vec::new(),
            data_start: 0,
            decoded: Vec::new(),
        })
    })
}

fn parse_index(data: &'static [u8]) -> Option<Index> {
    let rest = data.strip_prefix(MAGIC)?;
    let nl = rest.iter().position(|&b| b == b'\n')?;
    let header: Json = serde_json::from_slice(&rest[..nl]).ok()?;
    let mut pos = MAGIC.len() + nl + 1;
    let mut entries = Vec::with_capacity(2000);
    loop {
        let line_end = pos + data.get(pos..)?.iter().position(|&b| b == b'\n')?;
        let line = std::str::from_utf8(&data[pos..line_end]).ok()?;
        pos = line_end + 1;
        if line.is_empty() {
            break;
        }
        let mut parts = line.split(' ');
        let name = parts.next()?;
        let offset = parts.next()?.parse().ok()?;
        let len = parts.next()?.parse().ok()?;
        entries.push((name, offset, len));
    }
    let decoded = entries.iter().map(|_| OnceLock::new()).collect();
    Some(Index {
        header,
        entries,
        data_start: pos,
        decoded,
    })
}

/// The reduced schema of `type_name`, or `None` when the schema set does not have it.
pub(crate) fn schema(type_name: &str) -> Option<&'static Json> {
    let idx = index();
    let i = idx
        .entries
        .binary_search_by(|(n, _, _)| (*n).cmp(type_name))
        .ok()?;
    idx.decoded[i]
        .get_or_init(|| {
            let (_, offset, len) = idx.entries[i];
            let start = idx.data_start + offset;
            let packed = DATA.get(start..start + len)?;
            let raw = miniz_oxide::inflate::decompress_to_vec(packed).ok()?;
            serde_json::from_slice(&raw).ok()
        })
        .as_ref()
}

/// Every type name of the schema set, sorted.
pub(crate) fn type_names() -> impl Iterator<Item = &'static str> {
    index().entries.iter().map(|(n, _, _)| *n)
}

/// Where the data comes from: `{"cfn_lint", "region", "schema_date", "types", "raw_bytes", ...}`.
pub(crate) fn provenance() -> &'static Json {
    &index().header
}

/// Size of the embedded file (compressed), in bytes.
pub(crate) fn embedded_bytes() -> usize {
    DATA.len()
}
