//! The HTTP side: one `reqwest` client (rustls, redirects only within one origin so keys never
//! travel elsewhere), sending a [`Target`] a request and driving its reply as an
//! [`EventStream`] with first-byte and idle timeouts and cancellation.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::{Stream, StreamExt};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::redirect::Policy;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::auth::auth_headers;
use super::body::{earliest, Body, Chunk};
use super::classify::{http_error, retry_after, ERROR_BODY_CAP};
use super::error::{ProviderError, ProviderErrorKind as Kind};
use super::sse::{SseEvent, SseParser};
use super::target::{Api, Target};
use super::types::{ChatRequest, Completion, Event, StopReason};
use super::wire::{Decoder, Prepared};
use super::{anthropic, completions, responses};

/// Non-streaming replies are read up to this size.
const BODY_CAP: usize = 64 * 1024 * 1024;
const MAX_REDIRECTS: usize = 5;

/// Sends chat requests to providers. Cheap to clone; reuse one for connection pooling.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
}

/// The redirect rule: follow a few, and only to the same origin (scheme, host, port), so the
/// `Authorization` / `x-api-key` headers are never sent anywhere else. A redirect elsewhere is
/// not followed and is reported as an error.
fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt| {
        let first = attempt.previous().first().cloned();
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if first.is_some_and(|f| f.origin() == attempt.url().origin()) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

impl Client {
    /// A client whose connections time out after `connect` (TCP and TLS).
    pub fn new(connect: Duration) -> Result<Client, ProviderError> {
        Client::with_hosts(connect, &[])
    }

    /// [`Client::new`] with names resolved to fixed addresses instead of through DNS, as a
    /// hosts file would (tests give a hosted name to a fake server on this machine).
    pub fn with_hosts(
        connect: Duration,
        hosts: &[(&str, std::net::SocketAddr)],
    ) -> Result<Client, ProviderError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(connect)
            .redirect(same_origin_redirects())
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")));
        for (name, addr) in hosts {
            builder = builder.resolve(name, *addr);
        }
        let http = builder
            .build()
            .map_err(|e| ProviderError::from_reqwest(e, "cannot set up the HTTP client"))?;
        Ok(Client { http })
    }

    /// The HTTP client (same-origin redirects only), for the key test.
    pub(super) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request` to `target`; the reply (streamed or not) comes as events. Cancelling
    /// `cancel` (or dropping the stream) closes the connection.
    pub async fn send(
        &self,
        target: &Target,
        request: &ChatRequest,
        cancel: CancellationToken,
    ) -> Result<EventStream, ProviderError> {
        let prepared = prepare(target, request)?;
        let url = format!("{}{}", target.base_url, prepared.path);
        let body = serde_json::to_vec(&prepared.body)
            .map_err(|e| ProviderError::new(Kind::BadRequest, e.to_string()))?;
        let headers = headers(target, request.stream)?;
        let sent = tokio::time::Instant::now();
        let deadline = sent + target.timeouts.first_byte;
        let total = target.timeouts.total.map(|t| sent + t);
        let send = self.http.post(url).headers(headers).body(body).send();
        let response = tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(ProviderError::new(Kind::Cancelled, "cancelled before the reply")),
            r = tokio::time::timeout_at(earliest(deadline, total), send) => match r {
                Err(_) => return Err(ProviderError::new(Kind::Timeout, format!(
                    "no reply within {} s",
                    target.timeouts.first_byte.min(target.timeouts.total.unwrap_or(Duration::MAX)).as_secs_f64()))),
                Ok(Err(e)) => return Err(ProviderError::from_reqwest(e, "the request failed")),
                Ok(Ok(response)) => response,
            },
        };
        let status = response.status();
        let is_sse = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let after = retry_after(response.headers());
        let mut body = Body {
            bytes: Box::pin(response.bytes_stream()),
            deadline: Some(deadline),
            idle: target.timeouts.idle,
            idle_until: deadline,
            total,
            total_limit: target.timeouts.total.unwrap_or_default(),
            cancel: cancel.clone(),
            first_byte: Arc::new(OnceLock::new()),
        };
        if status.is_redirection() {
            return Err(ProviderError::new(
                Kind::Protocol,
                "the server redirected to another origin; not followed, so the key is not sent there",
            )
            .with_status(status.as_u16()));
        }
        if !status.is_success() {
            let bytes = body.read_all(ERROR_BODY_CAP).await?;
            return Err(http_error(status.as_u16(), after, &bytes));
        }
        let mut decoder = prepared.decoder;
        if request.stream && is_sse {
            return Ok(EventStream::driven(body, decoder));
        }
        // Not a stream (asked for, or a server that answered with plain JSON, maybe an error).
        let bytes = body.read_all(BODY_CAP).await?;
        let first_byte = body.first_byte.clone();
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ProviderError::new(Kind::Protocol, format!("the reply is not JSON: {e}"))
        })?;
        let mut events = Vec::new();
        decoder.body(&value, &mut events)?;
        Ok(EventStream::ready(events, first_byte))
    }

    /// Sends `request` and collects the whole answer.
    pub async fn complete(
        &self,
        target: &Target,
        request: &ChatRequest,
        cancel: CancellationToken,
    ) -> Result<Completion, ProviderError> {
        let mut stream = self.send(target, request, cancel).await?;
        let mut completion = Completion::default();
        while let Some(event) = stream.next().await {
            completion.add(event?);
        }
        Ok(completion)
    }
}

fn prepare(target: &Target, request: &ChatRequest) -> Result<Prepared, ProviderError> {
    // LM Studio loads the model just in time; the idle TTL lets it unload it again (see
    // `discovery::jit`). Its OpenAI-compatible endpoints take `ttl` in the body.
    let with_ttl = |mut prepared: Prepared| {
        if let Some(ttl) = crate::discovery::idle_ttl_for(&target.provider) {
            prepared.body["ttl"] = serde_json::json!(ttl);
        }
        prepared
    };
    match Api::from_name(&target.api) {
        Some(Api::OpenAiCompletions) => Ok(with_ttl(completions::prepare(target, request))),
        Some(Api::OpenAiResponses) => Ok(with_ttl(responses::prepare(target, request))),
        Some(Api::AnthropicMessages) => anthropic::prepare(target, request),
        None => Err(ProviderError::new(
            Kind::Unsupported,
            format!(
                "api \"{}\" (provider {}) is not supported yet; use openai-completions, openai-responses or anthropic-messages",
                target.api, target.provider
            ),
        )),
    }
}

fn headers(target: &Target, stream: bool) -> Result<HeaderMap, ProviderError> {
    let mut map = HeaderMap::new();
    map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    map.insert(
        ACCEPT,
        HeaderValue::from_static(if stream {
            "text/event-stream"
        } else {
            "application/json"
        }),
    );
    let api = Api::from_name(&target.api);
    auth_headers(&mut map, api, target.auth_header, target.key.as_ref())?;
    let secret = |value: &str, what: &str| -> Result<HeaderValue, ProviderError> {
        let mut v = HeaderValue::from_str(value).map_err(|_| {
            ProviderError::new(Kind::Config, format!("{what} is not a valid header value"))
        })?;
        v.set_sensitive(true);
        Ok(v)
    };
    for (name, value) in &target.headers {
        let what = format!("header {name}");
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            ProviderError::new(Kind::Config, format!("{what} is not a valid header name"))
        })?;
        map.insert(name, secret(value.expose(), &what)?);
    }
    Ok(map)
}

/// The normalized events of one reply: `Ok` events end with [`Event::Done`], or an `Err` ends
/// the stream. A stream that ends before the provider says it is done gives a
/// [`Kind::Truncated`] error, never a silent success.
pub struct EventStream {
    inner: Pin<Box<dyn Stream<Item = Result<Event, ProviderError>> + Send>>,
    first_byte: Arc<OnceLock<Instant>>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

struct Driver {
    body: Option<Body>,
    parser: SseParser,
    decoder: Box<dyn Decoder>,
    queue: VecDeque<Event>,
    error: Option<ProviderError>,
    sse: Vec<SseEvent>,
    out: Vec<Event>,
}

impl Driver {
    /// Decodes parsed SSE events; stops the body once the provider said it is done.
    fn decode(&mut self) {
        for event in self.sse.drain(..) {
            match self.decoder.event(&event, &mut self.out) {
                Ok(false) => {}
                Ok(true) => {
                    self.body = None;
                    break;
                }
                Err(e) => {
                    self.error = Some(e);
                    self.body = None;
                    break;
                }
            }
        }
        self.sse.clear();
        self.queue.extend(self.out.drain(..));
    }

    async fn next(&mut self) -> Option<Result<Event, ProviderError>> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Some(Ok(event));
            }
            if let Some(error) = self.error.take() {
                return Some(Err(error));
            }
            let body = self.body.as_mut()?;
            match body.next().await {
                Ok(Chunk::Bytes(bytes)) => {
                    self.parser.push(&bytes, &mut self.sse);
                    if !self.sse.is_empty() {
                        body.progress();
                    }
                    if self.parser.overflowed() {
                        self.error = Some(ProviderError::new(
                            Kind::Protocol,
                            "a stream event is too large",
                        ));
                        self.body = None;
                    }
                    self.decode();
                }
                Ok(Chunk::End) => {
                    self.parser.finish(&mut self.sse);
                    self.decode();
                    if self.body.take().is_some() && self.error.is_none() {
                        self.error = Some(ProviderError::new(
                            Kind::Truncated,
                            "the stream ended before the provider said it was done",
                        ));
                    }
                }
                Ok(Chunk::Cancelled) => {
                    self.body = None; // closes the connection
                    self.queue.push_back(Event::Done(StopReason::Cancelled));
                }
                Err(e) => {
                    self.body = None;
                    self.error = Some(e);
                }
            }
        }
    }
}

impl EventStream {
    fn driven(body: Body, decoder: Box<dyn Decoder>) -> Self {
        let first_byte = body.first_byte.clone();
        let driver = Driver {
            body: Some(body),
            parser: SseParser::new(),
            decoder,
            queue: VecDeque::new(),
            error: None,
            sse: Vec::new(),
            out: Vec::new(),
        };
        let inner = futures_util::stream::unfold(driver, |mut d| async move {
            let item = d.next().await?;
            Some((item, d))
        });
        EventStream {
            inner: Box::pin(inner),
            first_byte,
        }
    }

    fn ready(events: Vec<Event>, first_byte: Arc<OnceLock<Instant>>) -> Self {
        EventStream {
            inner: Box::pin(futures_util::stream::iter(events.into_iter().map(Ok))),
            first_byte,
        }
    }

    /// When the first byte of the reply body arrived (for latency measurements).
    pub fn first_byte_at(&self) -> Option<Instant> {
        self.first_byte.get().copied()
    }
}

impl Stream for EventStream {
    type Item = Result<Event, ProviderError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}
