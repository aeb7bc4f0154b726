//! The HTTP client the banks are asked with: a browser-like User-Agent (CBT refuses
//! curl's), a timeout on every request, a cap on the body, and retries with doubling
//! delays. A response is only a success once its bank's parser accepted it, so a
//! half-delivered file or a maintenance page is retried like a dropped connection.

use std::time::Duration;

use reqwest::StatusCode;

use super::document::ParseError;
use crate::config::RatesSettings;

/// Largest body read; the biggest real payload is about 26 kB.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Longest wait between two attempts, however many there were.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

/// Sent with every request.
const USER_AGENT: &str =
    concat!("Mozilla/5.0 (compatible; Qalam/", env!("CARGO_PKG_VERSION"), "; news site exchange-rate ticker)");

/// Why a source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The address is not an `http` or `https` URL.
    #[error("{0:?} is not an http(s) address")]
    Address(String),
    /// No answer in time.
    #[error("no answer from {url} within {} ms", .timeout.as_millis())]
    Timeout {
        /// The address asked.
        url: String,
        /// The limit.
        timeout: Duration,
    },
    /// Connection refused, DNS failure, reset…
    #[error("cannot reach {url}: {reason}")]
    Network {
        /// The address asked.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// An answer other than 200.
    #[error("{url} answered HTTP {status}")]
    Status {
        /// The address asked.
        url: String,
        /// The status code.
        status: u16,
    },
    /// A body over the size cap.
    #[error("{url} sent more than {MAX_BODY_BYTES} bytes")]
    TooLarge {
        /// The address asked.
        url: String,
    },
    /// An answer that is not the bank's data.
    #[error("{url}: {source}")]
    Parse {
        /// The address asked.
        url: String,
        /// What is wrong with it.
        source: ParseError,
    },
}

impl FetchError {
    /// Whether asking again may help: not for a bad address nor for a 4xx answer (the
    /// CBT answers 404 on Sundays).
    fn retryable(&self) -> bool {
        match self {
            Self::Address(_) => false,
            Self::Status { status, .. } => !(400..500).contains(status),
            _ => true,
        }
    }
}

/// Fetches and parses the banks' publications.
#[derive(Debug, Clone)]
pub struct RatesClient {
    http: reqwest::Client,
    timeout: Duration,
    retries: u32,
    retry_delay: Duration,
}

impl RatesClient {
    /// A client with the timeouts and retries of `settings`.
    pub fn new(settings: &RatesSettings) -> Result<Self, reqwest::Error> {
        let timeout = Duration::from_millis(settings.timeout_ms);
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()?;
        Ok(Self {
            http,
            timeout,
            retries: settings.retries,
            retry_delay: Duration::from_millis(settings.retry_delay_ms),
        })
    }

    /// GETs `url` and parses the body with `parse`, retrying as the settings say.
    pub async fn fetch<T>(&self, url: &str, parse: impl Fn(&[u8]) -> Result<T, ParseError>) -> Result<T, FetchError> {
        let mut attempt = 0;
        loop {
            let result = match self.get(url).await {
                Ok(body) => parse(&body).map_err(|source| FetchError::Parse { url: url.to_owned(), source }),
                Err(e) => Err(e),
            };
            match result {
                Ok(parsed) => return Ok(parsed),
                Err(e) if attempt < self.retries && e.retryable() => {
                    let delay = self.retry_delay.saturating_mul(2u32.saturating_pow(attempt)).min(MAX_RETRY_DELAY);
                    tracing::info!(error = %e, attempt = attempt + 1, delay_ms = delay.as_millis(), "rate source failed; retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn get(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| FetchError::Address(url.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::Address(url.to_owned()));
        }
        let network = |e: reqwest::Error| {
            if e.is_timeout() {
                FetchError::Timeout { url: url.to_owned(), timeout: self.timeout }
            } else {
                FetchError::Network { url: url.to_owned(), reason: error_chain(&e) }
            }
        };
        let mut response = self
            .http
            .get(parsed)
            .header(reqwest::header::ACCEPT, "application/xml, text/xml, application/json;q=0.9, */*;q=0.5")
            .send()
            .await
            .map_err(network)?;
        if response.status() != StatusCode::OK {
            return Err(FetchError::Status { url: url.to_owned(), status: response.status().as_u16() });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(FetchError::TooLarge { url: url.to_owned() });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// An error and its causes on one line: reqwest's own message alone says only
/// "error sending request".
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
