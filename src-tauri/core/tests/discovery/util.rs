//! Shared helpers: scanning chosen kinds at chosen ports.

use std::time::Duration;

use switchboard_core::discovery::{
    DetectedModel, DetectedServer, ScanOptions, ScanReport, Scanner, ServerKind,
};
use switchboard_fakes::FakeServer;

/// The port of a fake.
pub(crate) fn port(fake: &FakeServer) -> u16 {
    fake.addr().port()
}

/// Scans exactly `targets` with a 400 ms deadline.
pub(crate) async fn scan(targets: &[(ServerKind, u16)]) -> ScanReport {
    let options =
        ScanOptions::ports(targets.iter().copied()).with_timeout(Duration::from_millis(400));
    Scanner::new(options).expect("client").scan().await
}

/// Probes one `kind` at `port`.
pub(crate) async fn probe(kind: ServerKind, port: u16) -> DetectedServer {
    let report = scan(&[(kind, port)]).await;
    report.servers.into_iter().next().expect("one server")
}

/// The model `id` of `server`.
pub(crate) fn model<'a>(server: &'a DetectedServer, id: &str) -> &'a DetectedModel {
    server
        .models
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no model {id} in {:?}", server.models))
}

/// The warning codes of a model.
pub(crate) fn codes(model: &DetectedModel) -> Vec<&'static str> {
    model.warnings.iter().map(|w| w.code()).collect()
}
