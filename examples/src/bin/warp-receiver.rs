//! An event receiver on warp: `cargo run -p gcp-events-examples --bin warp-receiver`.

use gcp_events_examples as example;
use warp::Filter as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let settings = example::settings()?;
    let metrics = example::Metrics::from_settings(&settings)?;
    // GET /metrics when metrics are on; otherwise the route rejects, as any unknown path does.
    let metrics_route = warp::path!("metrics").and(warp::get()).and_then(move || {
        let metrics = metrics.clone();
        async move {
            match metrics {
                Some(m) => Ok(warp::reply::with_header(
                    m.render(),
                    "content-type",
                    example::Metrics::CONTENT_TYPE,
                )),
                None => Err(warp::reject::not_found()),
            }
        }
    });
    let routes = gcp_events_warp::filter(example::service(&settings).await?).or(metrics_route);
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
