//! An event receiver on warp: `cargo run -p gcp-events-examples --bin warp-receiver`.

use gcp_events_examples as example;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    example::init_logging();
    let routes = gcp_events_warp::filter(example::service().await?);
    let listener = tokio::net::TcpListener::bind(example::listen_addr()?).await?;
    example::announce(listener.local_addr()?, "warp");
    // After the signal warp stops accepting and waits for open connections to finish.
    warp::serve(routes)
        .incoming(listener)
        .graceful(example::shutdown_signal())
        .run()
        .await;
    Ok(())
}
