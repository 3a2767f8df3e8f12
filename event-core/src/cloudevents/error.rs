//! Errors of the CloudEvents parser.

/// Why a request is not an acceptable CloudEvent.
///
/// The [`Display`](std::fmt::Display) texts are short and can be logged or returned as is: they
/// name attributes and headers but never repeat attribute *values*, which may be large or
/// hostile. Every variant means a malformed request (answer 400), except
/// [`BatchNotSupported`](Self::BatchNotSupported) (answer 415).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudEventError {
    /// A required attribute (`id`, `source`, `specversion` or `type`) is absent, `null` or
    /// empty. Holds the attribute's name.
    #[error("CloudEvent attribute `{0}` is missing or empty")]
    MissingAttribute(&'static str),

    /// `specversion` is not `1.0`. Holds the value
    /// found, for inspection; the message does not repeat it.
    #[error("CloudEvent `specversion` is not supported; only 1.0 is")]
    UnsupportedSpecVersion(String),

    /// An attribute that must be an RFC 3339 timestamp is not one. Holds the attribute's name
    /// (`time`).
    #[error("CloudEvent attribute `{0}` is not an RFC 3339 timestamp")]
    InvalidTime(String),

    /// A header value cannot be decoded: a malformed quoted-string, a `%` not followed by two
    /// hex digits, or bytes that are not UTF-8 once percent-decoded (binary mode). Holds the
    /// header's name, e.g. `ce-subject`.
    #[error("CloudEvent header `{0}` is not correctly encoded (percent-encoded UTF-8 expected)")]
    InvalidHeaderEncoding(String),

    /// A header appears more than once (binary mode). Holds the header's name.
    #[error("CloudEvent header `{0}` appears more than once")]
    DuplicateHeader(String),

    /// A binary-mode request has both a `ce-datacontenttype` and a `Content-Type` header
    /// (HTTP binding §3.1.1: the data's media type is the `Content-Type`).
    #[error(
        "a binary-mode CloudEvent must not have both a `ce-datacontenttype` and a `Content-Type` header"
    )]
    DataContentTypeConflict,

    /// A structured event has both a `data` and a `data_base64` member (JSON format §3.1).
    #[error("a CloudEvent must not have both `data` and `data_base64`")]
    BothDataAndDataBase64,

    /// `data_base64` is not a string of standard base64.
    #[error("CloudEvent `data_base64` is not a string of standard base64")]
    InvalidDataBase64,

    /// An attribute has a value of the wrong JSON type (structured mode): a context attribute
    /// that is not a string, or an extension that is an object or an array. Holds the
    /// attribute's name.
    #[error("CloudEvent attribute `{0}` has a value of the wrong type")]
    InvalidAttribute(String),

    /// A structured body is not valid JSON, or not a JSON object. Holds the parser's
    /// description (position and kind of problem, never the text found).
    #[error("the CloudEvent is not a valid JSON object: {0}")]
    InvalidJson(String),

    /// The request is a batch of CloudEvents (`application/cloudevents-batch+json`), which this
    /// library does not accept; nothing of it is parsed.
    #[error(
        "batched CloudEvents (application/cloudevents-batch+json) are not supported; send one event per request"
    )]
    BatchNotSupported,
}
