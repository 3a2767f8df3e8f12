//! The well-known types the event data uses: `google.protobuf.Timestamp`, `Duration` and
//! `google.type.LatLng`, each decodable from protobuf and from its proto3 JSON form.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::json;

/// A point in time (`google.protobuf.Timestamp`): seconds and nanoseconds since the Unix epoch,
/// UTC. In JSON an RFC 3339 string (`"2024-05-01T12:00:00.123456Z"`; any offset is accepted and
/// converted to UTC).
///
/// ```
/// use gcp_events_core::google_events::Timestamp;
///
/// let t: Timestamp = serde_json::from_str(r#""2020-04-23T07:38:57.230Z""#)?;
/// assert_eq!((t.seconds, t.nanos), (1_587_627_537, 230_000_000));
/// assert_eq!(t.to_datetime().unwrap().to_rfc3339(), "2020-04-23T07:38:57.230+00:00");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::prost::Message)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second, 0 to 999 999 999.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl Timestamp {
    /// The time as a `chrono` UTC time; `None` when out of `chrono`'s range or the nanoseconds
    /// are out of bounds.
    pub fn to_datetime(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.seconds, u32::try_from(self.nanos).ok()?)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Self {
            seconds: t.timestamp(),
            nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let t = self
            .to_datetime()
            .ok_or_else(|| serde::ser::Error::custom("timestamp out of range"))?;
        // proto3 JSON: 0, 3, 6 or 9 fractional digits, as few as the value needs.
        let format = match self.nanos {
            0 => SecondsFormat::Secs,
            n if n % 1_000_000 == 0 => SecondsFormat::Millis,
            n if n % 1_000 == 0 => SecondsFormat::Micros,
            _ => SecondsFormat::Nanos,
        };
        s.serialize_str(&t.to_rfc3339_opts(format, true))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| Timestamp::from(t.with_timezone(&Utc)))
                    .map_err(|_| E::custom("not an RFC 3339 timestamp"))
            }
        }
        d.deserialize_str(V)
    }
}

/// A span of time (`google.protobuf.Duration`). In JSON a decimal number of seconds with an
/// `s` suffix (`"1.5s"`, `"-3s"`).
///
/// ```
/// use gcp_events_core::google_events::Duration;
///
/// let d: Duration = serde_json::from_str(r#""1.000340012s""#)?;
/// assert_eq!((d.seconds, d.nanos), (1, 340_012));
/// assert_eq!(serde_json::to_string(&d)?, r#""1.000340012s""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
pub struct Duration {
    /// Whole seconds (negative for a negative span).
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds, of the same sign as `seconds`.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let negative = self.seconds < 0 || self.nanos < 0;
        let (secs, nanos) = (self.seconds.unsigned_abs(), self.nanos.unsigned_abs());
        let sign = if negative { "-" } else { "" };
        let text = match nanos {
            0 => format!("{sign}{secs}s"),
            n if n % 1_000_000 == 0 => format!("{sign}{secs}.{:03}s", n / 1_000_000),
            n if n % 1_000 == 0 => format!("{sign}{secs}.{:06}s", n / 1_000),
            n => format!("{sign}{secs}.{n:09}s"),
        };
        s.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        parse_duration(&text).ok_or_else(|| de::Error::custom("not a duration like \"1.5s\""))
    }
}

fn parse_duration(text: &str) -> Option<Duration> {
    let body = text.strip_suffix('s')?;
    let (negative, body) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let nanos: i32 = format!("{fraction:0<9}").parse().ok()?;
    Some(if negative {
        Duration {
            seconds: -seconds,
            nanos: -nanos,
        }
    } else {
        Duration { seconds, nanos }
    })
}

/// A point on Earth (`google.type.LatLng`), in degrees.
#[derive(Clone, Copy, PartialEq, ::prost::Message, Serialize, Deserialize)]
pub struct LatLng {
    /// Latitude, -90 to +90.
    #[prost(double, tag = "1")]
    #[serde(
        default,
        with = "json::double",
        skip_serializing_if = "json::is_default"
    )]
    pub latitude: f64,
    /// Longitude, -180 to +180.
    #[prost(double, tag = "2")]
    #[serde(
        default,
        with = "json::double",
        skip_serializing_if = "json::is_default"
    )]
    pub longitude: f64,
}
