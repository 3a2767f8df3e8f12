//! An event receiver on poem: `cargo run -p gcp-events-examples --bin poem-receiver`.

use gcp_events_examples as example;
use poem::error::NotFoundError;
use poem::listener::TcpAcceptor;
use poem::EndpointExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = example::settings()?;
    let mut app = poem::Route::new();
    if let Some(metrics) = example::Metrics::from_settings(&settings)? {
        app = app.at(
            "/metrics",
            poem::get(poem::endpoint::make_sync(move |_| {
                poem::Response::builder()
                    .content_type(example::Metrics::CONTENT_TYPE)
                    .body(metrics.render())
            })),
        );
    }
    // The service in front of the app's other routes (here /metrics, when on).
    let app = gcp_events_poem::mount(example::service(&settings).await?, app)
        // poem's 404 has a "not found" body; answer an empty one, as axum and warp do.
        .catch_error(|_: NotFoundError| async { poem::http::StatusCode::NOT_FOUND });
    let listener = tokio::net::TcpListener::bind(example::listen_addr()?).await?;
    example::announce(listener.local_addr()?, "poem");
    // No timeout (`None`): like axum and warp, wait for in-flight requests however long they take.
    poem::Server::new_with_acceptor(TcpAcceptor::from_tokio(listener)?)
        .run_with_graceful_shutdown(app, example::shutdown_signal(), None)
        .await?;
    Ok(())
}
