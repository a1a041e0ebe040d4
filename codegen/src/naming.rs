//! Rust names from CloudFormation names: word splitting, `snake_case`, `UpperCamelCase`,
//! enum variants, singular forms, keywords, and deterministic claiming of unique names.

use std::collections::BTreeSet;

/// Split a CloudFormation name or value into words.
///
/// Non-alphanumeric characters separate chunks; inside a chunk a word starts at a capital
/// after a lowercase letter or digit, and an acronym ends before the capital that starts the
/// next word (`SSESpecification` → `SSE`, `Specification`). An acronym followed by one
/// lowercase letter keeps it (`IPv6`, `GBs`, `IDs`); digits stay with the word before them
/// (`EC2`, `Ipv6`, `Route53`).
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !chunk.is_empty() {
            let start = out.len();
            split_chunk(chunk.as_bytes(), &mut out);
            merge_mixed_case_terms(&mut out, start);
        }
    }
    out
}

/// Rejoin the mixed-case terms the capital rule splits: binary units (`GiB`, `MiB`),
/// `vCPU` and `OAuth`, so that `MemoryGiBPerVCpu` is `memory_gib_per_vcpu`.
fn merge_mixed_case_terms(words: &mut Vec<String>, start: usize) {
    let mut i = start;
    while i + 1 < words.len() {
        let (a, b) = (&words[i], &words[i + 1]);
        let b_lower = b.to_ascii_lowercase();
        let merge = (matches!(a.as_str(), "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei") && b == "B")
            || (matches!(a.as_str(), "V" | "v") && b_lower.starts_with("cpu"))
            || (a == "O" && b_lower.starts_with("auth"));
        if merge {
            let joined = format!("{a}{b}");
            words[i] = joined;
            words.remove(i + 1);
        } else {
            i += 1;
        }
    }
}

fn split_chunk(cs: &[u8], out: &mut Vec<String>) {
    let n = cs.len();
    let mut i = 0;
    while i < n {
        let start = i;
        let c = cs[i];
        if c.is_ascii_uppercase() {
            let mut j = i;
            while j < n && cs[j].is_ascii_uppercase() {
                j += 1;
            }
            let mut k = j;
            while k < n && cs[k].is_ascii_lowercase() {
                k += 1;
            }
            let (run, lower) = (j - i, k - j);
            i = if run == 1 || lower == 0 {
                // `Word`, or an acronym at the end / before digits: `VPC`, `EC2`
                if run == 1 { k } else { j }
            } else if lower == 1 && (k == n || !cs[k].is_ascii_lowercase()) {
                // `IPv6`, `GBs`, `IDs`
                k
            } else {
                // `SSESpecification`: the last capital starts the next word
                j - 1
            };
        } else if c.is_ascii_lowercase() {
            while i < n && cs[i].is_ascii_lowercase() {
                i += 1;
            }
        } else {
            while i < n && cs[i].is_ascii_digit() {
                i += 1;
            }
            while i < n && cs[i].is_ascii_lowercase() {
                i += 1;
            }
        }
        while i < n && cs[i].is_ascii_digit() {
            i += 1;
        }
        out.push(String::from_utf8_lossy(&cs[start..i]).into_owned());
    }
}

/// Words joined in `UpperCamelCase`, each word capitalized and the rest lowercased
/// (`VPCGatewayAttachment` → `VpcGatewayAttachment`). Two words that meet digit to digit
/// are joined with `_` (`1.0` → `1_0`). May start with a digit; see [`type_name`].
pub fn camel_words(words: &[String]) -> String {
    let mut out = String::new();
    for w in words {
        if out.ends_with(|c: char| c.is_ascii_digit())
            && w.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('_');
        }
        let mut chars = w.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// An `UpperCamelCase` type name (struct, enum, resource).
pub fn type_name(s: &str) -> String {
    let name = camel_words(&words(s));
    if name.is_empty() {
        "Unnamed".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else {
        name
    }
}

/// A `snake_case` identifier, before keyword escaping.
pub fn snake(s: &str) -> String {
    let w = words(s);
    let mut out = w
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out.push_str("field");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    out
}

const STRICT_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// An identifier as written in Rust source: keywords become raw identifiers (`r#type`),
/// except `self`, `Self`, `crate` and `super`, which cannot be raw and get a trailing `_`.
pub fn ident(name: &str) -> String {
    match name {
        "self" | "Self" | "crate" | "super" | "_" => format!("{name}_"),
        n if STRICT_KEYWORDS.contains(&n) => format!("r#{n}"),
        n => n.to_owned(),
    }
}

/// The file and module name of a resource type (`TaskDefinition` → `task_definition`).
pub fn module_name(type_last: &str) -> String {
    snake(type_last)
}

/// An enum variant for a value: the `UpperCamelCase` of its alphanumeric words
/// (`MUTABLE_WITH_EXCLUSION` → `MutableWithExclusion`, `ecs:service:DesiredCount` →
/// `EcsServiceDesiredCount`); a leading digit gets a `V` (`1.0` → `V1_0`); a value with no
/// letters or digits is named after its symbols (`*` → `Asterisk`, `""` → `Empty`).
pub fn variant_name(value: &str) -> String {
    let name = camel_words(&words(value));
    if name.is_empty() {
        if value.is_empty() {
            return "Empty".to_owned();
        }
        let mut out = String::new();
        for c in value.chars() {
            out.push_str(match c {
                '*' => "Asterisk",
                '+' => "Plus",
                '-' => "Dash",
                '/' => "Slash",
                '.' => "Dot",
                ':' => "Colon",
                '_' => "Underscore",
                ' ' => "Space",
                '#' => "Hash",
                '@' => "At",
                '$' => "Dollar",
                '%' => "Percent",
                '=' => "Equals",
                _ => "Symbol",
            });
        }
        return out;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if name == "Self" {
        "SelfValue".to_owned()
    } else {
        name
    }
}

/// Variant names for the values of an enum, in order: collisions (`lowestPrice` and
/// `lowest-price`) and the reserved `Other` get `Alt`, `Alt2`, ... in schema order.
pub fn variant_names(values: &[String]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    taken.insert("Other".to_owned());
    values
        .iter()
        .map(|v| {
            let base = variant_name(v);
            let mut name = base.clone();
            let mut n = 1;
            while taken.contains(&name) {
                name = if n == 1 {
                    format!("{base}Alt")
                } else {
                    format!("{base}Alt{n}")
                };
                n += 1;
            }
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// The singular of an `UpperCamelCase` plural name, for the items of an array
/// (`RequiresCompatibilities` → `RequiresCompatibility`, `Addresses` → `Address`); a name
/// that does not look plural gets `Item` (`Status` → `StatusItem`).
pub fn singular(name: &str) -> String {
    let rules: &[(&str, &str)] = &[
        ("ies", "y"),
        ("sses", "ss"),
        ("shes", "sh"),
        ("ches", "ch"),
        ("xes", "x"),
        ("iases", "ias"),
        ("tuses", "tus"),
    ];
    for (suffix, repl) in rules {
        if let Some(stem) = name.strip_suffix(suffix)
            && stem.len() >= 2
        {
            return format!("{stem}{repl}");
        }
    }
    if name.ends_with('s')
        && !name.ends_with("ss")
        && !name.ends_with("us")
        && !name.ends_with("is")
        && name.len() > 2
    {
        return name[..name.len() - 1].to_owned();
    }
    format!("{name}Item")
}

/// `owner` followed by `prop`, without repeating the words they share: the longest run of
/// trailing words of `owner` that starts `prop` is written once
/// (`LogConfiguration` + `ConfigurationType` → `LogConfigurationType`). When `prop` is
/// entirely made of such words the plain concatenation is used instead, so the result never
/// equals `owner`.
pub fn join_names(owner: &str, prop: &str) -> String {
    let ow = words(owner);
    let pw = words(prop);
    let max = ow.len().min(pw.len().saturating_sub(1));
    for k in (1..=max).rev() {
        let tail = &ow[ow.len() - k..];
        let head = &pw[..k];
        if tail
            .iter()
            .zip(head)
            .all(|(a, b)| a.eq_ignore_ascii_case(b))
        {
            return format!("{owner}{}", camel_words(&pw[k..]));
        }
    }
    format!("{owner}{prop}")
}

/// Names that generated types must not take in a resource module: the runtime items the
/// module imports and the prelude types the generated code names.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    // imported runtime items
    "Document",
    "Handle",
    "Json",
    "JsonMap",
    "List",
    "Map",
    "PropertyType",
    "Render",
    "RenderCx",
    "Resource",
    "Value",
    // prelude items the generated code uses or users expect
    "Box",
    "Clone",
    "Debug",
    "Default",
    "Eq",
    "From",
    "Hash",
    "Into",
    "Option",
    "PartialEq",
    "Result",
    "Self",
    "String",
    "ToOwned",
    "ToString",
    "Vec",
];

/// Claims unique names in one namespace, deterministically: the first free candidate wins,
/// and when all are taken the last one gets `2`, `3`, ...
#[derive(Debug, Default)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    /// A namer with `reserved` already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Namer {
            taken: reserved.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Take `name` if it is free.
    pub fn try_claim(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_owned())
    }

    /// Take the first free candidate (candidates must not be empty).
    pub fn claim(&mut self, candidates: &[String]) -> String {
        for c in candidates {
            if self.taken.insert(c.clone()) {
                return c.clone();
            }
        }
        let last = candidates.last().expect("at least one candidate");
        let sep = if last.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{last}{sep}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .expect("an unbounded range has a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    fn field_ident(cfn_name: &str) -> String {
        ident(&snake(cfn_name))
    }

    #[test]
    fn splits_words_around_acronyms_and_digits() {
        assert_eq!(w("VpcId"), ["Vpc", "Id"]);
        assert_eq!(w("SSESpecification"), ["SSE", "Specification"]);
        assert_eq!(w("IPv6Address"), ["IPv6", "Address"]);
        assert_eq!(w("CidrIpv6"), ["Cidr", "Ipv6"]);
        assert_eq!(w("EC2InstanceId"), ["EC2", "Instance", "Id"]);
        assert_eq!(w("MemorySizeInGBs"), ["Memory", "Size", "In", "GBs"]);
        assert_eq!(
            w("ecs:service:DesiredCount"),
            ["ecs", "service", "Desired", "Count"]
        );
        assert_eq!(w("KMS_DSSE"), ["KMS", "DSSE"]);
        assert_eq!(w("awsvpcConfiguration"), ["awsvpc", "Configuration"]);
        assert_eq!(w("MemoryGiBPerVCpu"), ["Memory", "GiB", "Per", "VCpu"]);
        assert_eq!(
            w("ConnectorOAuthRequest"),
            ["Connector", "OAuth", "Request"]
        );
        assert_eq!(w("XAxis"), ["X", "Axis"]);
    }

    #[test]
    fn snake_case_fields() {
        assert_eq!(field_ident("VpcId"), "vpc_id");
        assert_eq!(field_ident("CidrIpv6"), "cidr_ipv6");
        assert_eq!(field_ident("SSESpecification"), "sse_specification");
        assert_eq!(field_ident("IPv6Address"), "ipv6_address");
        assert_eq!(field_ident("VPCZoneIdentifier"), "vpc_zone_identifier");
        assert_eq!(field_ident("KMSKeyARN"), "kms_key_arn");
        assert_eq!(field_ident("AwsvpcConfiguration"), "awsvpc_configuration");
        assert_eq!(field_ident("MemoryMiB"), "memory_mib");
        assert_eq!(field_ident("VCpuCount"), "vcpu_count");
        assert_eq!(field_ident("OAuth2GrantType"), "oauth2_grant_type");
        assert_eq!(field_ident("YAxis"), "y_axis");
        assert_eq!(field_ident("Type"), "r#type");
        assert_eq!(field_ident("Match"), "r#match");
        assert_eq!(field_ident("Self"), "self_");
        assert_eq!(field_ident("Crate"), "crate_");
        assert_eq!(field_ident("Super"), "super_");
    }

    #[test]
    fn camel_case_types_and_modules() {
        assert_eq!(type_name("VPC"), "Vpc");
        assert_eq!(type_name("VPCGatewayAttachment"), "VpcGatewayAttachment");
        assert_eq!(type_name("EIP"), "Eip");
        assert_eq!(type_name("AwsVpcConfiguration"), "AwsVpcConfiguration");
        assert_eq!(
            type_name("EFSVolumeConfiguration"),
            "EfsVolumeConfiguration"
        );
        assert_eq!(module_name("TaskDefinition"), "task_definition");
        assert_eq!(
            module_name("VPCGatewayAttachment"),
            "vpc_gateway_attachment"
        );
        assert_eq!(module_name("EIP"), "eip");
    }

    #[test]
    fn enum_variants() {
        assert_eq!(
            variant_name("MUTABLE_WITH_EXCLUSION"),
            "MutableWithExclusion"
        );
        assert_eq!(variant_name("AES256"), "Aes256");
        assert_eq!(variant_name("KMS_DSSE"), "KmsDsse");
        assert_eq!(variant_name("awsvpc"), "Awsvpc");
        assert_eq!(
            variant_name("ecs:service:DesiredCount"),
            "EcsServiceDesiredCount"
        );
        assert_eq!(
            variant_name("ECSServiceAverageCPUUtilization"),
            "EcsServiceAverageCpuUtilization"
        );
        assert_eq!(variant_name("t2.micro"), "T2Micro");
        assert_eq!(variant_name("1.0"), "V1_0");
        assert_eq!(variant_name("2160p"), "V2160p");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("*"), "Asterisk");
        let vals: Vec<String> = ["GLACIER", "Glacier", "OTHER", "lowest-price", "lowestPrice"]
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(
            variant_names(&vals),
            [
                "Glacier",
                "GlacierAlt",
                "OtherAlt",
                "LowestPrice",
                "LowestPriceAlt"
            ]
        );
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("RequiresCompatibilities"), "RequiresCompatibility");
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("Subnets"), "Subnet");
        assert_eq!(singular("Aliases"), "Alias");
        assert_eq!(singular("Status"), "StatusItem");
        assert_eq!(singular("Data"), "DataItem");
    }

    #[test]
    fn joined_names_do_not_stutter() {
        assert_eq!(join_names("PortMapping", "Protocol"), "PortMappingProtocol");
        assert_eq!(
            join_names("LogConfiguration", "ConfigurationType"),
            "LogConfigurationType"
        );
        assert_eq!(join_names("FooStatus", "Status"), "FooStatusStatus");
    }

    #[test]
    fn namer_is_first_come_with_numbered_fallback() {
        let mut n = Namer::with_reserved(["Option"]);
        let c = |v: &[&str]| {
            v.iter()
                .map(std::string::ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(n.claim(&c(&["Option", "OptionProperty"])), "OptionProperty");
        assert_eq!(n.claim(&c(&["Type"])), "Type");
        assert_eq!(n.claim(&c(&["Type"])), "Type2");
        assert_eq!(n.claim(&c(&["V1"])), "V1");
        assert_eq!(n.claim(&c(&["V1"])), "V1_2");
    }
}
