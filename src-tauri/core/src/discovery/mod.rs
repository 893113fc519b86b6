//! Local server discovery: which LLM servers run on this machine, what they serve, and how to
//! turn them into provider profiles.
//!
//! A [`Scanner`] probes every known server on the loopback address in parallel, each request with
//! a short connect and response timeout, and returns one [`DetectedServer`] per target in a
//! [`ScanReport`]. LM Studio comes first (port 1234): it is confirmed by `GET /lmstudio-greeting`,
//! and its richest model list is read (`/api/v1/models`, else `/api/v0/models`, else
//! `/v1/models`). A port that answers but is not the expected server is reported as
//! [`Status::OtherService`] ("port in use by another service"), never as that server. Ollama,
//! vLLM, llama.cpp (also on 9931, its announced next default), LiteLLM and Jan are recognised by
//! their own fingerprints. A user-added base URL, and a default port where another server
//! answers, are identified by the same fingerprints, with the same facts as on the server's own
//! port; a URL none of them matches is scanned as a generic OpenAI-compatible server. Every
//! reply body is read up to 1 MiB, no more.
//!
//! Each model carries the seed's [`Warning`]s (small context, aggressive quantization or a small
//! checkpoint, not loaded, no tool use). [`profile`] writes a detected server into the config
//! through the config core's profile edits; [`jit`] gets an LM Studio model into memory (just in
//! time with an idle TTL, or kept loaded on request); [`download`] downloads one through LM
//! Studio and [`candidate`] picks which, from the seed's advice and this machine's memory;
//! [`watch`] re-scans in the background and publishes [`watch::HealthEvent`]s.
//!
//! ```no_run
//! # async fn demo() -> Result<(), switchboard_core::discovery::DiscoveryError> {
//! use switchboard_core::discovery::{ScanOptions, Scanner};
//! let report = Scanner::new(ScanOptions::loopback())?.scan().await;
//! for server in &report.servers {
//!     println!("{} {}", server.kind.label(), server.status.label());
//! }
//! # Ok(()) }
//! ```

pub mod candidate;
pub mod download;
mod error;
mod http;
pub mod jit;
mod lmstudio;
mod others;
pub mod profile;
mod scan;
pub mod suggest;
mod types;
pub mod warnings;
pub mod watch;

pub use error::{DiscoveryError, DiscoveryErrorKind};
pub use jit::{
    idle_ttl_for, load_model, warm_up, LoadOptions, LoadState, LoadedModel, IDLE_TTL_SECONDS,
    KEEP_LOADED_ADVICE,
};
pub use scan::{
    ScanOptions, Scanner, Target, DEFAULT_TIMEOUT, EXTRA_PORTS, FINGERPRINTED, FINGERPRINTED_LAST,
};
pub use types::{
    DetectedModel, DetectedServer, ModelType, ScanReport, ServerKind, Status, Suggestion, Warning,
    MIN_CONTEXT,
};
