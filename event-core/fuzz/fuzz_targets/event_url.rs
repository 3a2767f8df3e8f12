//! Event URL build → request → handler round trip (SPEC U1, U2): whatever kind, reference and
//! parameters build into a URL, the handler receives exactly them back.
#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use std::sync::Mutex;

use gcp_events_core::{handler_fn, Event, EventService};
use libfuzzer_sys::fuzz_target;

/// The last event dispatched (only the last: a fuzzing run dispatches millions).
static LAST: Mutex<Option<Event>> = Mutex::new(None);

fn service() -> &'static (EventService, tokio::runtime::Runtime) {
    static S: OnceLock<(EventService, tokio::runtime::Runtime)> = OnceLock::new();
    S.get_or_init(|| {
        let service = EventService::builder()
            .allow_unauthenticated()
            .max_uri_length(1 << 20)
            .handler(handler_fn(|event| async move {
                *LAST.lock().expect("lock") = Some(event);
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

fuzz_target!(|input: (String, String, Vec<(String, String)>)| {
    let (kind, reference, parameters) = input;
    let (service, runtime) = service();
    let Ok(url) = service
        .event_url(kind.clone(), reference.clone())
        .parameters(parameters.clone())
        .base_url("")
        .build()
    else {
        return;
    };
    let request = http::Request::post(url.as_str())
        .header("host", "localhost")
        .body(String::from("{}"))
        .expect("a URL the builder made is a valid request target");
    *LAST.lock().expect("lock") = None;
    let status = runtime.block_on(service.handle(request)).status();
    assert_eq!(status, 201, "{url}");
    let event = LAST.lock().expect("lock").take().expect("dispatched");
    assert_eq!(
        (event.kind(), event.reference()),
        (kind.as_str(), reference.as_str())
    );
    let expected: BTreeMap<String, String> = parameters.into_iter().collect();
    assert_eq!(event.parameters(), &expected, "{url}");
});
