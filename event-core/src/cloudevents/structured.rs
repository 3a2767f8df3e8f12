//! Structured content mode (HTTP binding §3.2) with the JSON event format.

use std::collections::BTreeMap;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use bytes::Bytes;
use serde_json::value::RawValue;

use super::attributes::AttributesBuilder;
use super::{CloudEventAttributes, CloudEventError};
use crate::payload::depth_exceeds;

/// Standard alphabet, padding optional when decoding.
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The data of a structured CloudEvent, from [`from_structured`](super::from_structured).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum StructuredData {
    /// The event has no data: no `data` or `data_base64` member, or only `null` ones.
    None,
    /// The `data` member's JSON text, exactly as sent: numbers keep every digit and white
    /// space is kept. A JSON string stays a JSON string, quotes included (text data is sent
    /// that way).
    Json(Bytes),
    /// The bytes decoded from the `data_base64` member (standard base64, padding optional).
    Binary(Bytes),
}

/// What a JSON value is, from its first byte (the value is known to be valid JSON).
fn first_byte(raw: &RawValue) -> u8 {
    raw.get().as_bytes().first().copied().unwrap_or(b'n')
}

fn describe(first: u8) -> &'static str {
    match first {
        b'{' => "an object",
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    }
}

pub(super) fn from_structured(
    body: &[u8],
) -> Result<(CloudEventAttributes, StructuredData), CloudEventError> {
    // Check the syntax first on its own: syntax errors name a position, never the text found.
    let whole: &RawValue =
        serde_json::from_slice(body).map_err(|e| CloudEventError::InvalidJson(e.to_string()))?;
    let first = first_byte(whole);
    if first != b'{' {
        return Err(CloudEventError::InvalidJson(format!(
            "expected a JSON object, found {}",
            describe(first)
        )));
    }
    // serde_json skips raw values without a depth limit; bound the nesting so that the data
    // (one level below the event object) is at most `MAX_DEPTH` deep, like any payload.
    if depth_exceeds(whole.get().as_bytes(), crate::MAX_DEPTH + 1) {
        return Err(CloudEventError::InvalidJson(format!(
            "`data` is nested more than {} levels deep",
            crate::MAX_DEPTH
        )));
    }
    // A repeated member: the last one counts.
    let members: BTreeMap<String, &RawValue> = serde_json::from_str(whole.get())
        .map_err(|e| CloudEventError::InvalidJson(e.to_string()))?;

    let mut builder = AttributesBuilder::default();
    let mut data = None;
    let mut data_base64 = None;
    for (name, raw) in members {
        let first = first_byte(raw);
        if first == b'n' {
            // JSON format §2.4: a `null` attribute is treated as absent.
            continue;
        }
        match name.as_str() {
            "data" => data = Some(raw),
            "data_base64" => data_base64 = Some(raw),
            "id" | "source" | "specversion" | "type" | "time" | "subject" | "dataschema"
            | "datacontenttype" => {
                let value: String = serde_json::from_str(raw.get())
                    .map_err(|_| CloudEventError::InvalidAttribute(name.clone()))?;
                builder.set(&name, value);
            }
            _ => {
                let value = match first {
                    b'"' => serde_json::from_str(raw.get())
                        .map_err(|_| CloudEventError::InvalidAttribute(name.clone()))?,
                    b'{' | b'[' => return Err(CloudEventError::InvalidAttribute(name)),
                    // A number or a boolean: its JSON text, every digit kept.
                    _ => raw.get().to_owned(),
                };
                builder.set(&name, value);
            }
        }
    }

    let data = match (data, data_base64) {
        (Some(_), Some(_)) => return Err(CloudEventError::BothDataAndDataBase64),
        (Some(raw), None) => StructuredData::Json(Bytes::copy_from_slice(raw.get().as_bytes())),
        (None, Some(raw)) => {
            let text: String =
                serde_json::from_str(raw.get()).map_err(|_| CloudEventError::InvalidDataBase64)?;
            let bytes = LENIENT_STANDARD
                .decode(text.as_bytes())
                .map_err(|_| CloudEventError::InvalidDataBase64)?;
            StructuredData::Binary(Bytes::from(bytes))
        }
        (None, None) => StructuredData::None,
    };
    Ok((builder.finish()?, data))
}
