//! The catalog of known providers, for the UI's presets, server names and ports.

use switchboard_core::catalog::{self, KnownProvider};

use crate::error::IpcError;

/// Every known provider (id, name, default base URL, wire API, auth style, key variable,
/// placeholder, port, local or hosted), in the catalog's order. Static data: no state, no I/O.
#[tauri::command]
#[tracing::instrument(err)]
pub(crate) async fn catalog_providers() -> Result<Vec<KnownProvider>, IpcError> {
    Ok(catalog::all().to_vec())
}
