//! An event receiver on axum: `cargo run -p gcp-events-examples --bin axum-receiver`.

use gcp_events_examples as example;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = example::settings()?;
    let metrics = example::Metrics::from_settings(&settings)?;
    // The service is a tower::Service: any tower layer can stand in front of it, here one that
    // opens a span per HTTP request (seen with RUST_LOG=tower_http=debug).
    let mut app = gcp_events_axum::router(example::service(&settings).await?);
    if let Some(metrics) = metrics {
        app = app.route(
            "/metrics",
            axum::routing::get(move || async move {
                (
                    [("content-type", example::Metrics::CONTENT_TYPE)],
                    metrics.render(),
                )
            }),
        );
    }
    let app = app.layer(tower_http::trace::TraceLayer::new_for_http());
    let listener = tokio::net::TcpListener::bind(example::listen_addr()?).await?;
    example::announce(listener.local_addr()?, "axum");
    axum::serve(listener, app)
        .with_graceful_shutdown(example::shutdown_signal())
        .await?;
    Ok(())
}
