//! A stand-in for the central banks: a small HTTP server on 127.0.0.1 that answers each
//! path with the body, status and delay a test chose, and counts what it was asked.
//! It stops answering after a bounded number of requests, so a runaway retry loop
//! ends the test instead of spinning.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{StatusCode, Uri, header};
use axum::response::Response;
use tokio::net::TcpListener;

/// More requests than any test makes; the server answers 429 beyond it.
const MAX_REQUESTS: usize = 500;

/// What one path answers.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    delay: Duration,
}

impl Reply {
    /// 200 with an XML body.
    pub fn xml(body: impl Into<Vec<u8>>) -> Self {
        Self { status: 200, body: body.into(), content_type: "text/xml; charset=UTF-8", delay: Duration::ZERO }
    }

    /// 200 with a JSON body.
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Self { status: 200, body: body.into(), content_type: "application/json", delay: Duration::ZERO }
    }

    /// 200 with an HTML page, as a bank's maintenance notice arrives.
    pub fn html(body: &str) -> Self {
        Self {
            status: 200,
            body: body.as_bytes().to_vec(),
            content_type: "text/html; charset=utf-8",
            delay: Duration::ZERO,
        }
    }

    /// A bare status code.
    pub fn status(status: u16) -> Self {
        Self { status, body: format!("HTTP {status}").into_bytes(), content_type: "text/plain", delay: Duration::ZERO }
    }

    /// The same answer, after waiting `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// The same answer cut off after `bytes` bytes, as a dropped download ends.
    pub fn truncated(mut self, bytes: usize) -> Self {
        self.body.truncate(bytes);
        self
    }
}

#[derive(Default)]
struct State {
    replies: HashMap<String, Reply>,
    requests: Vec<String>,
}

/// The running server.
pub struct FixtureServer {
    address: String,
    state: Arc<Mutex<State>>,
}

impl FixtureServer {
    /// Starts on a free port of 127.0.0.1, answering 404 until told otherwise.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let app = Router::new().fallback(move |uri: Uri| answer(Arc::clone(&shared), uri));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let address = format!("http://{}", listener.local_addr().expect("local address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { address, state }
    }

    /// Makes `path` (without the query) answer `reply` from now on.
    pub fn serve(&self, path: &str, reply: Reply) {
        self.state.lock().expect("fixture state").replies.insert(path.to_owned(), reply);
    }

    /// The absolute address of `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.address)
    }

    /// Requests whose path is `path`, with their queries, in order.
    pub fn requests_to(&self, path: &str) -> Vec<String> {
        let state = self.state.lock().expect("fixture state");
        state.requests.iter().filter(|r| r.split('?').next() == Some(path)).cloned().collect()
    }

    /// How many requests went to `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.requests_to(path).len()
    }
}

async fn answer(state: Arc<Mutex<State>>, uri: Uri) -> Response {
    let reply = {
        let mut state = state.lock().expect("fixture state");
        if state.requests.len() >= MAX_REQUESTS {
            None
        } else {
            state.requests.push(uri.path_and_query().map_or_else(|| uri.path().to_owned(), ToString::to_string));
            Some(state.replies.get(uri.path()).cloned().unwrap_or_else(|| Reply::status(404)))
        }
    };
    let reply = reply.unwrap_or_else(|| Reply::status(429));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    Response::builder()
        .status(StatusCode::from_u16(reply.status).expect("a valid status"))
        .header(header::CONTENT_TYPE, reply.content_type)
        .body(Body::from(reply.body))
        .expect("a response")
}
