//! The whole request pipeline (`EventService::handle`) on any method, target, headers and
//! body. Invariants: no panic; a status from the documented set; a 2xx only when the handler
//! ran; nothing dispatched on a 4xx or 5xx.
#![no_main]

use std::sync::OnceLock;

use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use gcp_events_core::pubsub::AttributeHeaders;
use gcp_events_core::{handler_fn, EventService};
use http::{HeaderName, HeaderValue, Method, Request};
use http_body_util::Full;
use libfuzzer_sys::fuzz_target;

const DOCUMENTED: &[u16] = &[201, 400, 401, 403, 404, 405, 409, 413, 414, 415, 503, 504];

static DISPATCHED: AtomicUsize = AtomicUsize::new(0);

fn service() -> &'static (EventService, tokio::runtime::Runtime) {
    static S: OnceLock<(EventService, tokio::runtime::Runtime)> = OnceLock::new();
    S.get_or_init(|| {
        let service = EventService::builder()
            .allow_unauthenticated()
            .cloud_events_path("/")
            .body_limit(64 * 1024)
            .unwrapped_attribute_headers(AttributeHeaders::AllExceptTransport)
            .handler(handler_fn(|event| async move {
                let _ = event.pubsub();
                DISPATCHED.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }))
            .build()
            .expect("valid config");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        (service, runtime)
    })
}

fuzz_target!(|input: (String, String, Vec<(String, Vec<u8>)>, Vec<u8>)| {
    let (method, target, headers, body) = input;
    let method = if method.is_empty() {
        Method::POST
    } else {
        match Method::from_bytes(method.as_bytes()) {
            Ok(m) => m,
            Err(_) => return,
        }
    };
    let target = if target.starts_with('/') {
        target
    } else {
        format!("/gcp-events/events/{target}")
    };
    let Ok(mut request) = Request::builder()
        .method(method)
        .uri(target.as_str())
        .body(body)
    else {
        return;
    };
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_bytes(&value),
        ) {
            request.headers_mut().append(n, v);
        }
    }
    if !request.headers().contains_key("host") {
        request
            .headers_mut()
            .insert("host", HeaderValue::from_static("localhost"));
    }
    let request = request.map(|b| Full::new(Bytes::from(b)));
    let (service, runtime) = service();
    let before = DISPATCHED.load(Ordering::SeqCst);
    let response = runtime.block_on(service.handle(request));
    let status = response.status().as_u16();
    assert!(DOCUMENTED.contains(&status), "undocumented status {status}");
    assert_eq!(response.headers()["content-type"], "application/json");
    let dispatched = DISPATCHED.load(Ordering::SeqCst) - before;
    if response.status().is_success() {
        assert_eq!(dispatched, 1, "a 2xx without the handler having run");
    } else {
        assert_eq!(dispatched, 0, "dispatched, then answered {status}");
    }
});
