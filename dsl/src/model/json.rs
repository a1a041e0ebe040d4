//! The JSON tree of a template: what rendering writes, what the readers return, what the
//! validator walks.

/// The JSON tree of a rendered template (objects keep insertion order).
pub type Json = serde_json::Value;
/// A JSON object of a rendered template.
pub type JsonMap = serde_json::Map<String, Json>;

/// The most entries an object has for [`Field::field`] to compare keys one by one.
const SCAN_UP_TO: usize = 8;

/// A key's value in an object, found without hashing the key when the object is small.
///
/// serde_json's objects hash every looked-up key with SipHash, whose cost is the same for
/// an object of 3 entries as of 300; the validator looks up tens of thousands of keys, most in
/// the few-entry objects of properties, where comparing keys one by one is several times
/// cheaper (a difference in length settles most comparisons). Larger objects (a template's
/// `Resources`) are looked up through the hash as before. The result is `get`'s: an
/// object's keys are unique.
pub(crate) trait Field {
    /// The value of `key`, when `self` is an object that has it.
    fn field(&self, key: &str) -> Option<&Json>;
}

impl Field for JsonMap {
    #[inline]
    fn field(&self, key: &str) -> Option<&Json> {
        if self.len() <= SCAN_UP_TO {
            self.iter().find_map(|(k, v)| (k == key).then_some(v))
        } else {
            self.get(key)
        }
    }
}

impl Field for Json {
    #[inline]
    fn field(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m.field(key),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Field, Json, SCAN_UP_TO};
    use serde_json::json;

    /// Objects on both sides of the bound, every key present and absent, answer as `get`.
    #[test]
    fn field_answers_as_get() {
        for n in [0, 1, SCAN_UP_TO - 1, SCAN_UP_TO, SCAN_UP_TO + 1, 40] {
            let mut m = crate::model::json::JsonMap::new();
            for i in 0..n {
                m.insert(format!("K{i}"), json!(i));
            }
            let v = Json::Object(m.clone());
            for i in 0..=n {
                let k = format!("K{i}");
                assert_eq!(m.field(&k), m.get(&k), "{n} entries, {k}");
                assert_eq!(v.field(&k), v.get(&k), "{n} entries, {k}");
            }
            assert_eq!(v.field("K"), None);
        }
        assert_eq!(json!(["K0"]).field("K0"), None);
        assert_eq!(json!("K0").field("K0"), None);
        assert_eq!(json!({"A": null}).field("A"), Some(&Json::Null));
    }
}
