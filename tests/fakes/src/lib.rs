//! Fake provider servers that speak the exact wire formats Switchboard talks to, on a random
//! loopback port, with scripted replies and injected faults.
//!
//! Each fake runs on its own thread with its own Tokio runtime, so sync and async tests use it
//! alike; it stops when its [`FakeServer`] handle is dropped. This crate does not depend on
//! `switchboard-core`: the fakes follow the providers' documented wire formats, not our client.
#![deny(missing_docs)]

pub mod anthropic;
pub mod foreign;
pub mod lines;
pub mod litellm;
pub mod llama;
pub mod lmstudio;
mod lmstudio_jobs;
mod lmstudio_script;
pub mod local_servers;
pub mod openai;
pub mod peer;
pub mod responses;
mod server;
mod stream;
mod tools;

pub use server::{FakeServer, RecordedRequest};
pub use stream::{refused_addr, SilentServer};
