//! The payload's JSON check: one pass over the bytes that builds nothing.
//!
//! It accepts exactly what `serde_json` accepts as a [`serde_json::Value`] (RFC 8259, strings
//! UTF-8 with paired surrogate escapes, numbers inside `f64`'s range), nested at most
//! `max_depth` deep. It was a serde visitor; this scanner does the same work in about a third of
//! the instructions (issue 13): strings, most of a push envelope's bytes, are searched with
//! `memchr`'s SIMD for their closing quote and checked for control characters in a loop the
//! compiler vectorises, where serde_json steps through them eight bytes at a time. The caller
//! checks UTF-8 first, for the whole body at once.
//!
//! Numbers that could leave `f64`'s range (an exponent, or more than 300 integer digits) are
//! handed to `serde_json` itself, so the edge of the range is decided by the same code that
//! later parses them. `testing::json_reference` keeps the serde visitor as the reference that the
//! differential tests and the fuzz target compare this scanner against.

/// Why the bytes are not acceptable, and where (a byte offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub(crate) at: usize,
    pub(crate) what: &'static str,
}

impl Invalid {
    /// The reason with a 1-based line and column, as serde_json words its errors.
    pub(crate) fn describe(&self, text: &[u8]) -> String {
        let before = &text[..self.at.min(text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |n| n + 1);
        format!("{} at line {line} column {}", self.what, column + 1)
    }
}

/// Checks that `text` (already known to be UTF-8) is one JSON value, white space around it,
/// arrays and objects nested at most `max_depth` deep.
pub(crate) fn check(text: &[u8], max_depth: usize) -> Result<(), Invalid> {
    let mut scanner = Scanner::new(text);
    scanner.space();
    scanner.value(max_depth)?;
    scanner.end()
}

/// A cursor over JSON text that is known to be UTF-8, checking as it goes. [`check`] walks a
/// whole document with it; the push decoder (`pubsub::gather`) walks the envelope with it,
/// reading the members it needs and skipping (while checking) the others.
pub(crate) struct Scanner<'a> {
    s: &'a [u8],
    /// The offset of the next byte to read.
    pub(crate) i: usize,
    /// Whether the text has any byte below U+0020 at all (strings are checked only if so).
    controls: bool,
}

impl<'a> Scanner<'a> {
    /// A cursor at the start of `text` (already known to be UTF-8).
    pub(crate) fn new(text: &'a [u8]) -> Self {
        // Bytes below U+0020 are only allowed as white space between tokens; a text without
        // any (compact JSON, the usual push) cannot have one in a string, so strings skip the
        // check.
        let controls = text.iter().copied().min().is_some_and(|least| least < 0x20);
        Scanner {
            s: text,
            i: 0,
            controls,
        }
    }

    /// After the document's value: only white space may follow.
    pub(crate) fn end(&mut self) -> Result<(), Invalid> {
        self.space();
        if self.i < self.s.len() {
            return Err(self.invalid("trailing characters"));
        }
        Ok(())
    }

    pub(crate) fn invalid(&self, what: &'static str) -> Invalid {
        Invalid { at: self.i, what }
    }

    /// The next byte, not consumed.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Skips white space.
    pub(crate) fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// One value at `i` (white space already skipped), with `depth` levels of nesting left.
    pub(crate) fn value(&mut self, depth: usize) -> Result<(), Invalid> {
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(|_| ()),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.invalid("expected value")),
            None => Err(self.invalid("EOF while parsing a value")),
        }
    }

    pub(crate) fn deeper(&self, depth: usize) -> Result<usize, Invalid> {
        depth
            .checked_sub(1)
            .ok_or_else(|| self.invalid("nested too deep"))
    }

    fn object(&mut self, depth: usize) -> Result<(), Invalid> {
        let inner = self.deeper(depth)?;
        self.i += 1;
        self.space();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.string()?;
                }
                Some(_) => return Err(self.invalid("key must be a string")),
                None => return Err(self.invalid("EOF while parsing an object")),
            }
            self.space();
            if self.peek() != Some(b':') {
                return Err(self.invalid("expected `:`"));
            }
            self.i += 1;
            self.space();
            self.value(inner)?;
            if self.closed(b'}', "expected `,` or `}`")? {
                return Ok(());
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), Invalid> {
        let inner = self.deeper(depth)?;
        self.i += 1;
        self.space();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.value(inner)?;
            if self.closed(b']', "expected `,` or `]`")? {
                return Ok(());
            }
        }
    }

    /// After a member or an element: `,` (then the next one follows: false) or `close` (the
    /// container ends: true), either after optional white space.
    #[inline(always)]
    pub(crate) fn closed(&mut self, close: u8, expected: &'static str) -> Result<bool, Invalid> {
        self.space();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                self.space();
                Ok(false)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(true)
            }
            _ => Err(self.invalid(expected)),
        }
    }

    pub(crate) fn literal(&mut self, word: &'static [u8]) -> Result<(), Invalid> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.invalid("expected value"))
        }
    }

    /// A string at `i` (its opening quote): no control character, only JSON's escapes, and
    /// `\u` surrogates only in pairs (a lone one cannot become a Rust `str`). Whether it has
    /// an escape; `i` ends just past the closing quote.
    pub(crate) fn string(&mut self) -> Result<bool, Invalid> {
        self.i += 1;
        let mut escaped = false;
        loop {
            let rest = &self.s[self.i..];
            let Some(n) = memchr::memchr2(b'"', b'\\', rest) else {
                return Err(self.control(rest).unwrap_or(Invalid {
                    at: self.s.len(),
                    what: "EOF while parsing a string",
                }));
            };
            if let Some(invalid) = self.control(&rest[..n]) {
                return Err(invalid);
            }
            self.i += n + 1;
            if rest[n] == b'"' {
                return Ok(escaped);
            }
            escaped = true;
            self.escape()?;
        }
    }

    /// The first control character (U+0000–U+001F) of `span`, which starts at `i`. The
    /// smallest byte is found with no early exit, so it compiles to SIMD (`pminub`); the
    /// position is looked for only on failure.
    fn control(&self, span: &[u8]) -> Option<Invalid> {
        if !self.controls || span.iter().copied().min().is_none_or(|least| least >= 0x20) {
            return None;
        }
        let n = span.iter().position(|&b| b < 0x20).unwrap_or_default();
        Some(Invalid {
            at: self.i + n,
            what: "control character (\\u0000-\\u001F) found while parsing a string",
        })
    }

    /// The escape after a backslash (`i` is just past it).
    fn escape(&mut self) -> Result<(), Invalid> {
        match self.peek() {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.i += 1;
                Ok(())
            }
            Some(b'u') => {
                self.i += 1;
                match self.hex4()? {
                    0xDC00..=0xDFFF => Err(self.invalid("lone leading surrogate in hex escape")),
                    0xD800..=0xDBFF => {
                        if self.s[self.i..].starts_with(b"\\u") {
                            self.i += 2;
                            match self.hex4()? {
                                0xDC00..=0xDFFF => Ok(()),
                                _ => Err(self.invalid("lone leading surrogate in hex escape")),
                            }
                        } else {
                            Err(self.invalid("unexpected end of hex escape"))
                        }
                    }
                    _ => Ok(()),
                }
            }
            Some(_) => Err(self.invalid("invalid escape")),
            None => Err(self.invalid("EOF while parsing a string")),
        }
    }

    fn hex4(&mut self) -> Result<u16, Invalid> {
        let mut n: u16 = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                Some(_) => return Err(self.invalid("invalid escape")),
                None => return Err(self.invalid("EOF while parsing a string")),
            };
            n = n << 4 | u16::from(digit);
            self.i += 1;
        }
        Ok(n)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, inside `f64`'s range.
    pub(crate) fn number(&mut self) -> Result<(), Invalid> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let integer = match self.peek() {
            Some(b'0') => {
                self.i += 1;
                1
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.invalid("invalid number")),
        };
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.invalid("invalid number"));
            }
        }
        let mut exponent = false;
        if let Some(b'e' | b'E') = self.peek() {
            exponent = true;
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.invalid("invalid number"));
            }
        }
        // Without an exponent, up to 300 integer digits are always below f64::MAX (~1.8e308).
        if (exponent || integer > 300)
            && serde_json::from_slice::<f64>(&self.s[start..self.i]).is_err()
        {
            return Err(Invalid {
                at: start,
                what: "number out of range",
            });
        }
        Ok(())
    }
}

/// The serde visitor this scanner replaced, kept as the reference it is tested against: a
/// `Check(n)` accepts one value nested at most `n` deep, reading every string as a `str` and
/// every number as a number, building nothing.
#[cfg(any(test, feature = "test-util"))]
pub(crate) mod reference;

#[cfg(test)]
mod tests;
