//! Over real HTTP: a handler that panics answers 500 and leaves the connection usable.

use axum::routing::{get, post};
use axum::Router;

/// A handler with a bug.
async fn boom() -> &'static str {
    tokio::task::yield_now().await;
    panic!("handler bug")
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_the_connection_lives_on() {
    let app: Router = Router::new()
        .route("/boom", post(boom))
        .route("/ok", get(|| async { "fine" }))
        // The server's own per-request layer.
        .layer(axum::middleware::from_fn(
            hfh_server::server::guard_connection,
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    // One client, one pooled connection: both requests must travel over it.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let boom = client
        .post(format!("http://{addr}/boom"))
        .body("{\"a\": 1}")
        .send()
        .await
        .expect("an answer, not a dropped connection");
    assert_eq!(boom.status(), 500);
    let body = boom.text().await.unwrap();
    assert!(body.contains("handler bug"), "{body}");
    let ok = client
        .get(format!("http://{addr}/ok"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.text().await.unwrap(), "fine");
}
