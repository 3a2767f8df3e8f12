//! An event receiver on axum: `cargo run -p gcp-events-examples --bin axum-receiver`.

use gcp_events_examples as example;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    example::init_logging();
    let app = gcp_events_axum::router(example::service()?);
    let listener = tokio::net::TcpListener::bind(example::listen_addr()?).await?;
    example::announce(listener.local_addr()?, "axum");
    axum::serve(listener, app)
        .with_graceful_shutdown(example::shutdown_signal())
        .await?;
    Ok(())
}
