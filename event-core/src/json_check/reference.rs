//! The serde visitor this scanner replaced, kept as the reference it is tested against: a
//! `Check(n)` accepts one value nested at most `n` deep, reading every string as a `str` and
//! every number as a number, building nothing.

/// Whether the reference accepts `raw` (UTF-8 checked by serde_json string by string).
pub(crate) fn accepts(raw: &[u8], max_depth: usize) -> bool {
    let mut de = serde_json::Deserializer::from_slice(raw);
    serde::de::DeserializeSeed::deserialize(Check(max_depth), &mut de)
        .and_then(|()| de.end())
        .is_ok()
}

struct Check(usize);

impl<'de> serde::de::DeserializeSeed<'de> for Check {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Check {
    fn deeper<E: serde::de::Error>(&self) -> Result<Check, E> {
        self.0
            .checked_sub(1)
            .map(Check)
            .ok_or_else(|| E::custom("nested too deep"))
    }
}

struct Key;

impl<'de> serde::de::DeserializeSeed<'de> for Key {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(Check(0))
    }
}

impl<'de> serde::de::Visitor<'de> for Check {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let inner = self.deeper()?;
        while seq.next_element_seed(Check(inner.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let inner = self.deeper()?;
        while map.next_key_seed(Key)?.is_some() {
            map.next_value_seed(Check(inner.0))?;
        }
        Ok(())
    }
}
