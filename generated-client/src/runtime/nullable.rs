//! Serde support for optional, nullable fields, where absent, `null` and a value are three
//! different things to send (as in PATCH-like bodies): `None` is not sent, `Some(None)` is
//! sent as `null`, `Some(Some(value))` is sent as the value.
//!
//! Generated code uses it as
//! `#[serde(default, skip_serializing_if = "Option::is_none", with = "crate::runtime::nullable")]`
//! on fields of type `Option<Option<T>>`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Writes `Some(Some(v))` as `v` and anything else as `null` (`None` is skipped by the field's
/// `skip_serializing_if`).
pub fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(Some(value)) => value.serialize(serializer),
        _ => serializer.serialize_none(),
    }
}

/// Reads `null` as `Some(None)` and a value as `Some(Some(v))`; an absent field stays `None`
/// through the field's `default`.
pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::runtime::nullable"
        )]
        name: Option<Option<String>>,
    }

    #[test]
    fn three_states_round_trip() {
        let cases = [
            (Patch { name: None }, "{}"),
            (Patch { name: Some(None) }, r#"{"name":null}"#),
            (
                Patch {
                    name: Some(Some("x".into())),
                },
                r#"{"name":"x"}"#,
            ),
        ];
        for (value, json) in cases {
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
            assert_eq!(serde_json::from_str::<Patch>(json).unwrap(), value);
        }
    }
}
