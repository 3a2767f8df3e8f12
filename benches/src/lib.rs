//! Benchmarks for gcp-events (criterion files under benches/, load and soak runs under
//! src/bin/), and what they share: the push decoder a user would write by hand, the baseline
//! the library's decode is measured against.

use std::collections::HashMap;

use base64::Engine as _;
use serde::Deserialize;

/// A push envelope as a user would declare it with serde.
#[derive(Debug, Deserialize)]
pub struct HandEnvelope {
    /// The message.
    pub message: HandMessage,
    /// `projects/P/subscriptions/S`.
    pub subscription: String,
}

/// The message inside [`HandEnvelope`].
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandMessage {
    /// The data, base64.
    #[serde(default)]
    pub data: Option<String>,
    /// The attributes.
    #[serde(default)]
    pub attributes: HashMap<String, String>,
    /// The message id.
    #[serde(default)]
    pub message_id: Option<String>,
    /// The publish time, as text.
    #[serde(default)]
    pub publish_time: Option<String>,
    /// The ordering key.
    #[serde(default)]
    pub ordering_key: Option<String>,
}

/// Decodes a push by hand: the typed envelope, then base64 of `data` (no intermediate copy of
/// the envelope); `None` when it is not one.
pub fn hand_decode(body: &[u8]) -> Option<(HandEnvelope, Vec<u8>)> {
    let mut envelope: HandEnvelope = serde_json::from_slice(body).ok()?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(envelope.message.data.take().unwrap_or_default())
        .ok()?;
    Some((envelope, data))
}
