//! Reading a request body under the limit, for any `http_body::Body`.

use bytes::{Buf, Bytes, BytesMut};
use http::header::CONTENT_LENGTH;
use http::HeaderMap;
use http_body::Body;
use http_body_util::BodyExt;

use crate::error::{BoxError, RequestError};

/// The most the reader allocates up front from a declared length; past that the buffer grows
/// as bytes actually arrive, so a client that declares 16 MiB and sends nothing costs little.
const MAX_PREALLOCATION: usize = 1 << 20;

/// The declared `Content-Length`, if there is a valid one.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Reads the whole body, refusing it once more than `limit` bytes arrive, and refusing a body
/// that ends before its declared length. A single-frame body is kept without copying.
pub(crate) async fn read<B>(
    body: B,
    limit: usize,
    declared: Option<u64>,
) -> Result<Bytes, RequestError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let too_large = || RequestError::PayloadTooLarge { limit };
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total: usize = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| RequestError::BodyRead(e.into().to_string()))?;
        let Ok(mut data) = frame.into_data() else {
            continue; // trailers carry nothing we use
        };
        let len = data.remaining();
        total = total.checked_add(len).ok_or_else(too_large)?;
        if total > limit {
            return Err(too_large());
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(data.copy_to_bytes(len)),
            (Some(head), None) => {
                let want = declared.map_or(0, |d| usize::try_from(d).unwrap_or(usize::MAX));
                let mut buf =
                    BytesMut::with_capacity(want.clamp(total, MAX_PREALLOCATION.max(total)));
                buf.extend_from_slice(head);
                while data.has_remaining() {
                    let chunk = data.chunk();
                    let n = chunk.len();
                    buf.extend_from_slice(chunk);
                    data.advance(n);
                }
                rest = Some(buf);
            }
            (Some(_), Some(buf)) => {
                while data.has_remaining() {
                    let chunk = data.chunk();
                    let n = chunk.len();
                    buf.extend_from_slice(chunk);
                    data.advance(n);
                }
            }
        }
    }
    if let Some(declared) = declared {
        if declared != total as u64 {
            return Err(RequestError::BodyRead(format!(
                "body has {total} bytes, Content-Length declared {declared}"
            )));
        }
    }
    Ok(match (first, rest) {
        (_, Some(buf)) => buf.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}
