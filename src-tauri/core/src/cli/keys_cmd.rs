//! `switchboard keys set|list|delete|test PROVIDER` and `keys get` (OpenClaw's exec protocol).
//!
//! Keys go into the OS keychain only. `set` reads the key from stdin (with no echo when stdin is
//! a terminal); `list` shows where each provider's key comes from, never the key (the last four
//! characters of a keychain key at most); `test` makes one cheap authenticated call.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use clap::Subcommand;

use crate::catalog::{self, Locality};
use crate::config::{self, ApiKey, Config};
use crate::paths::Paths;
use crate::providers::key_test::{self, Outcome};
use crate::secrets::{self, KeyringStore, Resolver, SecretProviders, Store};
use crate::{Error, Result};

/// `switchboard keys …`
#[derive(Debug, Clone, Subcommand)]
pub enum KeysCommand {
    /// Store PROVIDER's API key in the OS keychain (read from stdin; no echo on a terminal).
    Set {
        /// The provider id (as under models.providers).
        provider: String,
    },
    /// Show each provider and where its key comes from (keychain, env:VAR, config-ref,
    /// plaintext, missing); never the key.
    List,
    /// Delete PROVIDER's key from the keychain.
    Delete {
        /// The provider id.
        provider: String,
    },
    /// Check PROVIDER's key with one authenticated call (list models): ok, rejected,
    /// unreachable or unexpected.
    Test {
        /// The provider id.
        provider: String,
    },
    /// OpenClaw's exec secret-provider protocol: a JSON request on stdin, the keys on stdout.
    /// Used by OpenClaw configs that `config import-openclaw --move-keys` rewrote.
    Get,
}

fn stdout_err(e: std::io::Error) -> Error {
    Error::io("<stdout>", e)
}

/// Runs `cmd` against the OS keychain and the process's stdin.
pub fn run(cmd: KeysCommand, paths: &Paths, out: &mut dyn Write) -> Result<()> {
    let stdin = std::io::stdin();
    let tty = stdin.is_terminal();
    execute(
        cmd,
        paths,
        &mut stdin.lock(),
        tty,
        out,
        &KeyringStore::default(),
    )
}

fn load(paths: &Paths) -> Result<config::Loaded> {
    config::load(&paths.config_file).map_err(|e| Error::InvalidInput(e.to_string()))
}

fn read_key(provider: &str, input: &mut dyn Read, tty: bool) -> Result<secrets::Secret> {
    let text = if tty {
        rpassword::prompt_password(format!("API key for {provider} (input hidden): "))
            .map_err(|e| Error::io("<tty>", e))?
    } else {
        let mut text = String::new();
        input
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| Error::io("<stdin>", e))?;
        text
    };
    secrets::from_input(text)
        .ok_or_else(|| Error::InvalidInput("no key given on stdin; nothing was stored".into()))
}

/// [`run`] with an explicit input, terminal flag and store (for tests).
pub fn execute(
    cmd: KeysCommand,
    paths: &Paths,
    input: &mut dyn Read,
    tty: bool,
    out: &mut dyn Write,
    store: &dyn Store,
) -> Result<()> {
    match cmd {
        KeysCommand::Set { provider } => {
            secrets::store::check_id(&provider)?;
            if let Some(placeholder) = catalog::placeholder(&provider) {
                return Err(Error::InvalidInput(format!(
                    "{provider} is a local server that needs no key (placeholder {placeholder:?}); \
                     if you turned its auth on, put the token in {} or give apiKey as ${{VAR}}",
                    catalog::env_var(&provider).unwrap_or("an environment variable")
                )));
            }
            let key = read_key(&provider, input, tty)?;
            store.set(&provider, &key)?;
            tracing::info!(
                provider,
                service = secrets::store::service(),
                "key stored in the keychain"
            );
            writeln!(
                out,
                "stored the key for {provider} in the OS keychain (service {})",
                secrets::store::service()
            )
            .map_err(stdout_err)
        }
        KeysCommand::Delete { provider } => {
            let existed = store.delete(&provider)?;
            let what = if existed {
                "deleted the key for"
            } else {
                "no key in the keychain for"
            };
            writeln!(out, "{what} {provider}").map_err(stdout_err)
        }
        KeysCommand::List => {
            let loaded = load(paths)?;
            for (id, status) in list(&loaded.config, store, &|n| std::env::var(n).ok())? {
                writeln!(out, "{id}\t{status}").map_err(stdout_err)?;
            }
            Ok(())
        }
        KeysCommand::Test { provider } => test(&provider, paths, out, store),
        KeysCommand::Get => Ok(secrets::exec::serve(input, out, store)?),
    }
}

/// Each provider (configured ones, then the catalog's hosted ones with a key somewhere) and its
/// key's source, never the key.
pub fn list(
    config: &Config,
    store: &dyn Store,
    env: config::env::Lookup<'_>,
) -> Result<Vec<(String, String)>> {
    let mut ids: Vec<String> = config.providers.iter().map(|p| p.id.clone()).collect();
    for known in catalog::all()
        .iter()
        .filter(|p| p.locality == Locality::Hosted)
    {
        if !ids.iter().any(|i| i == known.id) {
            ids.push(known.id.to_owned());
        }
    }
    let set = |v: &str| env(v).is_some_and(|x| !x.is_empty());
    let mut rows = Vec::new();
    for id in ids {
        let key = config.provider(&id).and_then(|p| p.api_key.as_ref());
        let local = catalog::placeholder(&id).is_some();
        let stored = if local { None } else { store.get(&id)? };
        let conventional = catalog::env_var(&id).filter(|v| set(v));
        let status = match (stored, key) {
            (Some(s), _) => s
                .hint()
                .map_or("keychain".to_owned(), |h| format!("keychain (…{h})")),
            (None, Some(ApiKey::Template(t))) => {
                let names = config::env::referenced_names(t);
                let unset = names.iter().any(|n| !set(n));
                format!(
                    "env:{}{}",
                    names.join(","),
                    if unset { " (unset)" } else { "" }
                )
            }
            (None, Some(ApiKey::Ref(r))) if r.source == "env" => format!("env:{}", r.id),
            (None, Some(ApiKey::Ref(r))) => format!("config-ref ({}:{})", r.source, r.provider),
            (None, _) if conventional.is_some() => {
                format!("env:{}", conventional.unwrap_or_default())
            }
            (None, Some(ApiKey::Plain(_))) => "plaintext (in the config file)".to_owned(),
            (None, None) if local => "local (no key needed)".to_owned(),
            (None, None) if config.provider(&id).is_none() => continue,
            (None, None) => "missing".to_owned(),
        };
        rows.push((id, status));
    }
    Ok(rows)
}

fn test(provider_id: &str, paths: &Paths, out: &mut dyn Write, store: &dyn Store) -> Result<()> {
    let loaded = load(paths)?;
    let fallback = config::Provider {
        id: provider_id.to_owned(),
        ..config::Provider::default()
    };
    let provider = loaded.config.provider(provider_id).unwrap_or(&fallback);
    let (base, api) =
        key_test::endpoint_for(provider_id, None, None, provider).ok_or_else(|| {
            Error::InvalidInput(format!(
                "{provider_id}: no baseUrl in the config and not a built-in provider"
            ))
        })?;
    let resolver =
        Resolver::new(store).with_secret_providers(SecretProviders::from_root(&loaded.resolved));
    let resolved = secrets::require(resolver.resolve(provider_id, provider)?, provider_id)?;
    let key = match (&resolved.secret, resolved.placeholder) {
        (Some(k), _) => k.clone(),
        (None, Some(p)) => secrets::Secret::new(p.to_owned()),
        (None, None) => {
            return Err(Error::InvalidInput(format!(
                "{provider_id}: no key to test"
            )))
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("<runtime>", e))?;
    let outcome = runtime.block_on(key_test::test_key(&base, &api, &key));
    let line = match &outcome {
        Outcome::Ok => "ok".to_owned(),
        Outcome::Rejected { status } => {
            format!("rejected (HTTP {status}): the key is wrong, revoked or lacks access")
        }
        Outcome::Unreachable { reason } => format!("unreachable: {reason}"),
        Outcome::Unexpected { reason } => format!("unexpected: {reason}"),
    };
    writeln!(out, "{provider_id}: {line}").map_err(stdout_err)?;
    if outcome == Outcome::Ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{provider_id}: the key test did not pass ({line})"
        )))
    }
}

/// `config import-openclaw --move-keys`: moves the OpenClaw file's plaintext keys into the
/// keychain and rewrites it with exec secret refs to this binary.
pub fn move_openclaw_keys(file: &Path, out: &mut dyn Write) -> Result<()> {
    let exe = std::env::current_exe().map_err(|e| Error::io("<current executable>", e))?;
    let moved = secrets::import::move_keys(file, &KeyringStore::default(), &exe, &|n| {
        std::env::var(n).ok()
    })?;
    if moved.providers.is_empty() {
        return writeln!(
            out,
            "no plaintext keys in {}; nothing moved",
            file.display()
        )
        .map_err(stdout_err);
    }
    writeln!(
        out,
        "moved {} key(s) into the OS keychain: {}",
        moved.providers.len(),
        moved.providers.join(", ")
    )
    .map_err(stdout_err)?;
    writeln!(
        out,
        "rewrote {} to read them through `{} keys get`",
        file.display(),
        exe.display()
    )
    .map_err(stdout_err)?;
    if let Some(backup) = &moved.backup {
        writeln!(out, "the old file is at {}: it still holds the plaintext keys; delete it once OpenClaw works", backup.display())
            .map_err(stdout_err)?;
    }
    Ok(())
}
