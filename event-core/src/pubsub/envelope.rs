//! Making push envelopes.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use super::error::MakeError;
use super::wire;

/// The wire form of a Pub/Sub push request body, as Pub/Sub's default "wrapped"
/// push sends it: `{"message": {...}, "subscription": "...", "deliveryAttempt": n}`.
///
/// Made with [`PushEnvelope::builder`]; written out with [`to_bytes`](Self::to_bytes),
/// [`to_json_string`](Self::to_json_string) or [`to_value`](Self::to_value), which all give
/// the same JSON (one serialisation, three output types), or through its [`Serialize`] impl
/// to embed it in other JSON. Member names are camelCase; options that
/// were not set are left out (never `null`). The legacy snake_case duplicates that real pushes
/// also carry (`message_id`, `publish_time`) are not written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushEnvelope {
    message: PushMessage,
    subscription: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_attempt: Option<u32>,
}

/// The `message` member of a [`PushEnvelope`], in wire form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct PushMessage {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publish_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ordering_key: Option<String>,
}

impl PushEnvelope {
    /// Starts an envelope for a subscription, normally `projects/{project}/subscriptions/{id}`.
    ///
    /// ```
    /// use gcp_events_core::pubsub::PushEnvelope;
    ///
    /// fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let envelope = PushEnvelope::builder("projects/my-project/subscriptions/my-sub")
    ///         .json(&serde_json::json!({"hello": "world"}))?
    ///         .attribute("origin", "docs")
    ///         .message_id("1234")
    ///         .publish_time(chrono::DateTime::parse_from_rfc3339("2022-08-12T11:00:25.226743+02:00")?)
    ///         .delivery_attempt(1)
    ///         .build();
    ///
    ///     let value = envelope.to_value();
    ///     assert_eq!(value["message"]["data"], "eyJoZWxsbyI6IndvcmxkIn0=");
    ///     assert_eq!(value["message"]["publishTime"], "2022-08-12T09:00:25.226743000Z");
    ///     assert_eq!(value["message"]["attributes"]["origin"], "docs");
    ///     assert_eq!(value["deliveryAttempt"], 1);
    ///     assert!(value["message"].get("orderingKey").is_none()); // not set: left out
    ///     Ok(())
    /// }
    /// ```
    pub fn builder(subscription: impl Into<String>) -> PushEnvelopeBuilder {
        PushEnvelopeBuilder {
            envelope: PushEnvelope {
                message: PushMessage {
                    data: None,
                    attributes: BTreeMap::new(),
                    message_id: None,
                    publish_time: None,
                    ordering_key: None,
                },
                subscription: subscription.into(),
                delivery_attempt: None,
            },
        }
    }

    /// The envelope as compact JSON bytes, ready to be sent as a request body.
    pub fn to_bytes(&self) -> Vec<u8> {
        // serde_json only fails on writer I/O errors (a `Vec` never fails), non-string map keys
        // (every key here is a `String`) or a failing custom `Serialize` (there is none here),
        // so the fallback is never taken.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The envelope as compact JSON text (the same text as [`to_bytes`](Self::to_bytes)).
    pub fn to_json_string(&self) -> String {
        // Cannot fail, see `to_bytes`.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The envelope as a JSON value (the same JSON as [`to_bytes`](Self::to_bytes)).
    pub fn to_value(&self) -> serde_json::Value {
        // Cannot fail, see `to_bytes`.
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Builds a [`PushEnvelope`]; start with [`PushEnvelope::builder`].
///
/// Every setter may be called again; the last call wins (attributes accumulate, with the
/// last value kept for a repeated name).
#[derive(Debug, Clone)]
#[must_use = "call `build` to get the envelope"]
pub struct PushEnvelopeBuilder {
    envelope: PushEnvelope,
}

impl PushEnvelopeBuilder {
    /// Sets the data to the JSON serialization of `data` (`data` = base64 of the JSON text).
    ///
    /// # Errors
    /// [`MakeError::DataNotSerializable`] when serde_json cannot serialize `data`.
    pub fn json<T: Serialize + ?Sized>(self, data: &T) -> Result<Self, MakeError> {
        let json = serde_json::to_vec(data).map_err(MakeError::DataNotSerializable)?;
        Ok(self.bytes(json))
    }

    /// Sets the data to raw bytes (`data` = their base64). Empty data is left out of the JSON,
    /// as Pub/Sub does; it decodes back to empty data either way.
    pub fn bytes(mut self, data: impl AsRef<[u8]>) -> Self {
        let data = data.as_ref();
        self.envelope.message.data = (!data.is_empty()).then(|| wire::encode_base64(data));
        self
    }

    /// Adds one attribute (replacing an earlier value of the same name).
    pub fn attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.envelope
            .message
            .attributes
            .insert(key.into(), value.into());
        self
    }

    /// Adds attributes (replacing earlier values of the same names).
    pub fn attributes<I, K, V>(mut self, iter: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.envelope
            .message
            .attributes
            .extend(iter.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Sets `messageId`.
    pub fn message_id(mut self, id: impl Into<String>) -> Self {
        self.envelope.message.message_id = Some(id.into());
        self
    }

    /// Sets `orderingKey`. An empty key means "no ordering key" and is left out, as Pub/Sub does.
    pub fn ordering_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.envelope.message.ordering_key = (!key.is_empty()).then_some(key);
        self
    }

    /// Sets `publishTime`, from any time zone: it is written in UTC with exactly nine
    /// fractional digits and `Z`, e.g. `2022-08-12T09:00:25.226743000Z`.
    ///
    /// Only instants in the years 0000–9999 have an RFC 3339 form; others are written with
    /// more year digits or a sign, which the decoder rejects.
    pub fn publish_time<Tz: TimeZone>(mut self, t: DateTime<Tz>) -> Self {
        let utc = t.with_timezone(&Utc);
        self.envelope.message.publish_time = Some(wire::format_timestamp(&utc));
        self
    }

    /// Sets the top-level `deliveryAttempt` (Pub/Sub sends it only to subscriptions with a
    /// dead-letter policy; 1 on the first delivery).
    pub fn delivery_attempt(mut self, n: u32) -> Self {
        self.envelope.delivery_attempt = Some(n);
        self
    }

    /// Finishes the envelope.
    pub fn build(self) -> PushEnvelope {
        self.envelope
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn outputs_agree() {
        let e = PushEnvelope::builder("projects/p/subscriptions/s")
            .bytes("é\"\\\u{1}")
            .attribute("k\n", "v\u{2028}")
            .message_id("1")
            .ordering_key("o")
            .delivery_attempt(7)
            .build();
        let from_bytes: serde_json::Value = serde_json::from_slice(&e.to_bytes()).unwrap();
        let from_string: serde_json::Value = serde_json::from_str(&e.to_json_string()).unwrap();
        assert_eq!(from_bytes, e.to_value());
        assert_eq!(from_string, e.to_value());
        assert_eq!(serde_json::to_value(&e).unwrap(), e.to_value());
    }

    #[test]
    fn empty_data_and_ordering_key_are_left_out() {
        let e = PushEnvelope::builder("s")
            .bytes([])
            .ordering_key("")
            .build();
        assert_eq!(e.to_json_string(), r#"{"message":{},"subscription":"s"}"#);
    }

    #[test]
    fn unserializable_json_is_an_error() {
        let mut map = BTreeMap::new();
        map.insert((1, 2), 3);
        let err = PushEnvelope::builder("s").json(&map).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("Failed to make Pub/Sub message"));
    }
}
