//! The gathering pass behind `RawEnvelope::from_slice`: one walk over the body with the
//! payload check's scanner (`json_check`), checking the whole document as it goes, recording the
//! members the decoder knows (strings borrowed from the body when they have no escape) and
//! skipping the rest.
//!
//! It replaced a serde visitor (kept in `stream.rs` as the reference the tests compare it
//! against) because on a push the serde pass cost about three times the scanner's instructions
//! for the same bytes (issue 13): `message.data`, most of the body, is found with `memchr`'s SIMD
//! instead of being stepped through, and UTF-8 is checked once for the whole body. The rare
//! parts that need real parsing, strings with escapes and numbers, are handed to `serde_json`
//! on their own span, so they decode exactly as before.

use std::borrow::Cow;

use super::decode::{Field, RawEnvelope, RawMessage};
use super::error::DecodeError;
use super::wire::JsonKind;
use crate::json_check::{Invalid, Scanner};

/// serde_json's recursion limit: it refuses a 128th level of nesting. The gathering pass
/// refuses the same documents, so `from_slice` accepts what a parse into a `Value` does.
const SERDE_DEPTH: usize = 127;

impl<'a> RawEnvelope<'a> {
    /// Gathers the members of a body; fails only when the body is not JSON or not an object.
    pub(crate) fn from_slice(body: &'a [u8]) -> Result<Self, DecodeError> {
        let Ok(text) = simdutf8::basic::from_utf8(body) else {
            let at = simdutf8::compat::from_utf8(body).map_or_else(|e| e.valid_up_to(), |_| 0);
            return Err(DecodeError::InvalidJson {
                reason: format!("invalid UTF-8 at byte {at}"),
            });
        };
        let mut walk = Walk {
            text,
            scanner: Scanner::new(body),
        };
        let invalid = |invalid: Invalid| DecodeError::InvalidJson {
            reason: invalid.describe(body),
        };
        walk.scanner.space();
        let found = walk
            .object_or(SERDE_DEPTH, Walk::envelope_member)
            .map_err(invalid)?;
        walk.scanner.end().map_err(invalid)?;
        found.map_err(|kind| DecodeError::NotAnObject {
            found: kind.describe(),
        })
    }
}

/// The scanner, with the same text as a `str` to borrow strings from.
struct Walk<'a> {
    text: &'a str,
    scanner: Scanner<'a>,
}

/// What a member callback adds to the value being gathered.
type Gathered<T> = Result<T, Invalid>;

impl<'a> Walk<'a> {
    /// The value at the cursor, with `depth` levels of nesting left: for an object, `T` built
    /// by calling `member` at each member (with the cursor at its value, which it must
    /// consume, and the depth left inside the object); for another value, skipped, its type.
    fn object_or<T: Default>(
        &mut self,
        depth: usize,
        mut member: impl FnMut(&mut Self, Cow<'a, str>, usize, &mut T) -> Gathered<()>,
    ) -> Gathered<Result<T, JsonKind>> {
        if self.scanner.peek() != Some(b'{') {
            return self.field(depth).map(|field| Err(field.kind()));
        }
        let inner = self.scanner.deeper(depth)?;
        let mut out = T::default();
        self.scanner.i += 1;
        self.scanner.space();
        if self.scanner.peek() == Some(b'}') {
            self.scanner.i += 1;
            return Ok(Ok(out));
        }
        loop {
            let key = match self.scanner.peek() {
                Some(b'"') => self.string()?,
                Some(_) => return Err(self.scanner.invalid("key must be a string")),
                None => return Err(self.scanner.invalid("EOF while parsing an object")),
            };
            self.scanner.space();
            if self.scanner.peek() != Some(b':') {
                return Err(self.scanner.invalid("expected `:`"));
            }
            self.scanner.i += 1;
            self.scanner.space();
            member(self, key, inner, &mut out)?;
            if self.scanner.closed(b'}', "expected `,` or `}`")? {
                return Ok(Ok(out));
            }
        }
    }

    /// The string at the cursor (its opening quote), borrowed unless it has escapes.
    fn string(&mut self) -> Gathered<Cow<'a, str>> {
        let start = self.scanner.i;
        let escaped = self.scanner.string()?;
        let end = self.scanner.i;
        let quoted = self
            .text
            .get(start..end)
            .ok_or_else(|| self.scanner.invalid("invalid string"))?;
        if !escaped {
            // Between the quotes (ASCII, so on character boundaries).
            return Ok(Cow::Borrowed(
                quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or(""),
            ));
        }
        serde_json::from_str::<String>(quoted)
            .map(Cow::Owned)
            .map_err(|_| self.scanner.invalid("invalid escape"))
    }

    /// Any value at the cursor, recorded as a [`Field`]; arrays and objects are skipped.
    fn field(&mut self, depth: usize) -> Gathered<Field<'a>> {
        Ok(match self.scanner.peek() {
            Some(b'"') => Field::Str(self.string()?),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.scanner.i;
                self.scanner.number()?;
                let span = self.text.get(start..self.scanner.i).unwrap_or("");
                serde_json::from_str::<serde_json::Number>(span)
                    .map_or(Field::Other(JsonKind::Number), Field::Num)
            }
            Some(b't') => {
                self.scanner.literal(b"true")?;
                Field::Other(JsonKind::Bool)
            }
            Some(b'f') => {
                self.scanner.literal(b"false")?;
                Field::Other(JsonKind::Bool)
            }
            Some(b'n') => {
                self.scanner.literal(b"null")?;
                Field::Other(JsonKind::Null)
            }
            Some(b'[') => {
                self.scanner.value(depth)?;
                Field::Other(JsonKind::Array)
            }
            Some(b'{') => {
                self.scanner.value(depth)?;
                Field::Other(JsonKind::Object)
            }
            Some(_) => return Err(self.scanner.invalid("expected value")),
            None => return Err(self.scanner.invalid("EOF while parsing a value")),
        })
    }

    fn envelope_member(
        &mut self,
        key: Cow<'a, str>,
        depth: usize,
        raw: &mut RawEnvelope<'a>,
    ) -> Gathered<()> {
        match key.as_ref() {
            "message" => {
                raw.message = Some(self.object_or(depth, Self::message_member)?);
            }
            "subscription" => raw.subscription = self.field(depth)?,
            "deliveryAttempt" => raw.delivery_attempt = self.field(depth)?,
            "delivery_attempt" => raw.delivery_attempt_snake = self.field(depth)?,
            _ => self.scanner.value(depth)?,
        }
        Ok(())
    }

    fn message_member(
        &mut self,
        key: Cow<'a, str>,
        depth: usize,
        raw: &mut RawMessage<'a>,
    ) -> Gathered<()> {
        if key == "attributes" {
            raw.attributes = match self.object_or(depth, |walk, key, depth, out: &mut Vec<_>| {
                out.push((key.into_owned(), walk.field(depth)?));
                Ok(())
            })? {
                Err(JsonKind::Null) => None,
                other => Some(other),
            };
            return Ok(());
        }
        match raw.scalar_mut(&key) {
            Some(slot) => *slot = self.field(depth)?,
            None => self.scanner.value(depth)?,
        }
        Ok(())
    }
}
