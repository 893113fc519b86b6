//! Integration tests of `switchboard_core::secrets` against a real gnome-keyring in a private
//! D-Bus session with a throw-away home (never the user's keychain): keychain round trips, the
//! `keys` CLI, a grep for a known key over every output, log and file, the no-keychain error,
//! OpenClaw's exec protocol and (with `SWITCHBOARD_OPENCLAW_HOME`) OpenClaw itself.

mod child;
mod cli;
mod elsewhere;
mod keychain;
mod leak;
mod openclaw;
mod session;
