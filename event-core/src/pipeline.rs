//! The request pipeline as typed phases, each a small function with its own error:
//!
//! [`head`](crate::head) (target, method, auth, query, limits) →
//! [`delivery`](crate::delivery) (format, body, payload) → naming the event (the URL, or the
//! CloudEvent's type and subject) → [`dispatch`](crate::dispatch) → [`respond`](crate::respond).
//!
//! Between delivery and dispatch, with idempotency on, the delivery is claimed (a duplicate
//! stops there); dispatch runs under the handler timeout; the claim is then settled.
//!
//! Every phase returns `Result<_, RequestError>`; the first refusal becomes the response.
//! Handlers are looked up once: from the URL in the head (so an unknown kind is refused before
//! the body is read), or from the CloudEvent after delivery.

use http::{Request, Response};
use http_body::Body;
use tokio::sync::OwnedSemaphorePermit;

use crate::conclude::{self, refuse};
use crate::config::Inner;
use crate::delivery::{self, Delivered, Settings};
use crate::dispatch;
use crate::error::{BoxError, RequestError};
use crate::event::{Event, EventContext};
use crate::format::DeliveryFormat;
use crate::handler::Handlers;
use crate::head::{self, Head, Target};
use crate::idempotency::{self, Skip};
use crate::outcome::Outcome;
use crate::respond::ResponseBody;
use crate::trace::TraceContext;

/// The trace attribute's name, searched for in push bodies; built once, since building a
/// searcher costs about as much as the search over a typical envelope.
static TRACE_ATTRIBUTE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"googclient_traceparent"));

/// An event that passed head, delivery and naming, with what it holds while it is handled.
struct Accepted<'a> {
    handlers: Handlers<'a>,
    event: Event,
    /// Its place among the events in flight, released when the answer is ready.
    _permit: Option<OwnedSemaphorePermit>,
}

/// Runs one request through every phase; also says how it ended and, once known, its format.
pub(crate) async fn run<B>(
    inner: &Inner,
    request: Request<B>,
    span: tracing::Span,
) -> (Response<ResponseBody>, Outcome, Option<DeliveryFormat>)
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let mut format = None;
    let (response, outcome) = match accept(inner, request, &span, &mut format).await {
        Ok(accepted) => finish(inner, accepted, &span).await,
        Err(err) => refuse(inner, &err),
    };
    (response, outcome, format)
}

/// Head, delivery and naming: the event and its handlers, or why the request is refused.
async fn accept<'a, B>(
    inner: &'a Inner,
    request: Request<B>,
    span: &tracing::Span,
    format: &mut Option<DeliveryFormat>,
) -> Result<Accepted<'a>, RequestError>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    let (parts, body) = request.into_parts();
    let Head {
        target,
        claims,
        parameters,
        permit,
    } = head::check(inner, &parts).await?;
    let settings = Settings {
        body_limit: inner.body_limit,
        unwrapped_push: inner.unwrapped_push,
        attribute_headers: &inner.attribute_headers,
        sources: &inner.sources,
        caller: claims.as_ref(),
    };
    let cloud_events_only = matches!(target, Target::CloudEvents);
    let delivered =
        delivery::deliver(&settings, &parts.headers, body, cloud_events_only, format).await?;
    let (kind, reference, handlers) = match target {
        Target::Named {
            kind,
            reference,
            handlers,
        } => (kind, reference, handlers),
        Target::CloudEvents => {
            // `deliver` refused anything but a CloudEvent here.
            let ce = delivered
                .cloud_event
                .as_ref()
                .ok_or(RequestError::NotACloudEvent)?;
            let kind = ce.event_type.clone();
            let handlers = inner.handlers_for(&kind);
            if handlers.is_empty() {
                return Err(RequestError::NoHandler { kind });
            }
            (kind, ce.reference().to_owned(), handlers)
        }
    };
    span.record("kind", kind.as_str());
    span.record("reference", reference.as_str());
    let Delivered {
        format,
        payload,
        cloud_event,
        pubsub,
        cloud_tasks,
        scheduler,
    } = delivered;
    let context = EventContext {
        trace: None,
        claims,
        cloud_event,
        format,
        cloud_tasks,
        scheduler,
    };
    let mut event = Event::assemble(kind, reference, parameters, payload, context, pubsub);
    // The trace: headers and CloudEvent first; the message attribute only when neither has one.
    // Reading it needs the push decoded (the handler then finds it cached), so a body that does
    // not even contain the attribute's name is not decoded for it: most are not, and a no-op or
    // non-push handler should not pay for a decode. (An attribute name written with JSON
    // escapes is missed; Google's client libraries never write one.)
    let trace =
        TraceContext::of_delivery(&parts.headers, event.context().cloud_event.as_ref(), || {
            let decoded = event.context().format == DeliveryFormat::UnwrappedPush;
            let named = || TRACE_ATTRIBUTE.find(event.payload().bytes()).is_some();
            if decoded || named() {
                event.pubsub().ok().map(|m| &m.attributes)
            } else {
                None
            }
        });
    if let Some(trace) = &trace {
        span.record("trace_id", trace.trace_id.as_str());
    }
    event.set_trace(trace);
    Ok(Accepted {
        handlers,
        event,
        _permit: permit,
    })
}

/// Claim (with idempotency), dispatch (under the deadline), settle the claim, respond. A
/// delivery that a transactional handler takes goes to the inbox instead.
async fn finish(
    inner: &Inner,
    accepted: Accepted<'_>,
    span: &tracing::Span,
) -> (Response<ResponseBody>, Outcome) {
    let event = &accepted.event;
    let _in_flight = inner.meter.in_flight();
    #[cfg(feature = "postgres")]
    if let Some(inbox) = &inner.inbox {
        if accepted
            .handlers
            .iter()
            .any(|route| route.is_transactional())
        {
            return crate::transact::finish(inner, inbox, accepted.handlers, event, span).await;
        }
    }
    let claim = match &inner.idempotency {
        Some((settings, lease)) => {
            let reuse = inner.sources.task_reuse;
            match idempotency::claim(settings, *lease, reuse, event).await {
                Ok(claim) => claim,
                Err(Skip::Done) => return conclude::done_before(),
                Err(Skip::Refused(err)) => return refuse(inner, &err),
            }
        }
        None => None,
    };
    let dispatch = dispatch::run(accepted.handlers, event, None);
    let (dispatched, took) = conclude::within_deadline(inner, dispatch).await;
    conclude::record_message_id(span, event);
    if let Some(claim) = claim {
        if conclude::handled(&dispatched) {
            claim.complete().await;
        } else {
            claim.release().await;
        }
    }
    conclude::answer(inner, event, dispatched, took)
}
