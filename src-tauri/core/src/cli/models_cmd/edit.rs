//! `switchboard models primary|fallback|alias`: headless route edits, as OpenClaw's
//! `models set` offers them. Each is one validated profile edit ([`crate::config::profile`]
//! through [`view::apply`]): a refused edit changes nothing, and a save edits only the lines
//! it changes (comments stay).

use std::io::Write;

use clap::Subcommand;

use super::{env, Exit};
use crate::config::view::{self, ConfigView, EditInput};
use crate::config::{ConfigError, Severity};
use crate::paths::Paths;

/// A route edit.
#[derive(Debug, Clone, Subcommand)]
pub enum RouteEdit {
    /// Set the primary route (a `provider/model` ref or an alias); the fallbacks stay.
    Primary {
        /// The ref or alias.
        #[arg(value_name = "REF")]
        model_ref: String,
    },
    /// Add or remove a fallback route.
    #[command(subcommand)]
    Fallback(FallbackEdit),
    /// Set the alias of a `provider/model` ref, or remove it with `--remove`.
    Alias {
        /// The `provider/model` ref.
        #[arg(value_name = "REF")]
        model_ref: String,
        /// The alias.
        #[arg(required_unless_present = "remove", conflicts_with = "remove")]
        name: Option<String>,
        /// Remove the ref's alias.
        #[arg(long)]
        remove: bool,
    },
}

/// `switchboard models fallback …`
#[derive(Debug, Clone, Subcommand)]
pub enum FallbackEdit {
    /// Append a fallback (tried after the primary and the fallbacks before it).
    Add {
        /// The ref or alias.
        #[arg(value_name = "REF")]
        model_ref: String,
    },
    /// Remove a fallback.
    Remove {
        /// The ref or alias, as listed by `switchboard models`.
        #[arg(value_name = "REF")]
        model_ref: String,
    },
}

/// The profile edit `edit` means for the config as `view` shows it.
pub(super) fn input_for(edit: &RouteEdit, view: &ConfigView) -> Result<EditInput, ConfigError> {
    let routes = |what: &str| ConfigError::NotFound {
        what: format!(
            "a primary route ({what}: set one first with `switchboard models primary REF`)"
        ),
    };
    Ok(match edit {
        RouteEdit::Primary { model_ref } => EditInput::SetRoutes {
            primary: model_ref.clone(),
            fallbacks: view
                .fallbacks
                .iter()
                .filter(|f| *f != model_ref)
                .cloned()
                .collect(),
        },
        RouteEdit::Fallback(FallbackEdit::Add { model_ref }) => {
            let primary = view
                .primary
                .clone()
                .ok_or_else(|| routes("a fallback needs one"))?;
            if primary == *model_ref || view.fallbacks.contains(model_ref) {
                return Err(ConfigError::rejected(
                    "agents.defaults.model.fallbacks",
                    format!("\"{model_ref}\" is already a route"),
                ));
            }
            let mut fallbacks = view.fallbacks.clone();
            fallbacks.push(model_ref.clone());
            EditInput::SetRoutes { primary, fallbacks }
        }
        RouteEdit::Fallback(FallbackEdit::Remove { model_ref }) => {
            let primary = view
                .primary
                .clone()
                .ok_or_else(|| routes("no fallbacks without one"))?;
            if !view.fallbacks.contains(model_ref) {
                return Err(ConfigError::NotFound {
                    what: format!("fallback \"{model_ref}\""),
                });
            }
            EditInput::SetRoutes {
                primary,
                fallbacks: view
                    .fallbacks
                    .iter()
                    .filter(|f| *f != model_ref)
                    .cloned()
                    .collect(),
            }
        }
        RouteEdit::Alias {
            model_ref,
            name: Some(name),
            remove: false,
        } => EditInput::SetAlias {
            model_ref: model_ref.clone(),
            alias: name.clone(),
        },
        RouteEdit::Alias { model_ref, .. } => EditInput::RemoveAlias {
            model_ref: model_ref.clone(),
        },
    })
}

/// Applies `edit` to the config in `paths` and prints the routes and aliases it leaves.
pub(super) fn run(
    edit: &RouteEdit,
    paths: &Paths,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let file = &paths.config_file;
    let result = view::load(file, &env).and_then(|before| {
        let input = input_for(edit, &before)?;
        view::apply(file, before.revision.as_deref(), input, &env)
    });
    let written = result.and_then(|after| {
        summary(&after, out).map_err(|e| ConfigError::io("<stdout>", e))?;
        Ok(after)
    });
    match written {
        Ok(after) => {
            for d in after
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
            {
                // If stderr is gone there is nobody left to tell.
                let _ignored = writeln!(err, "{}: {}: warning: {}", d.file, d.path, d.message);
            }
            Exit::Success
        }
        Err(e) => {
            let text = crate::logging::redact::redact(&e.to_string()).into_owned();
            let _ignored = writeln!(err, "switchboard: {text}");
            Exit::Failure
        }
    }
}

fn summary(view: &ConfigView, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Saved {}", view.path)?;
    let mut routes: Vec<&str> = view.primary.iter().map(String::as_str).collect();
    routes.extend(view.fallbacks.iter().map(String::as_str));
    writeln!(
        out,
        "Routes: {}",
        if routes.is_empty() {
            "(none)".to_owned()
        } else {
            routes.join(" → ")
        }
    )?;
    let aliases: Vec<String> = view
        .aliases
        .iter()
        .map(|a| format!("{} = {}", a.alias, a.model_ref))
        .collect();
    writeln!(
        out,
        "Aliases: {}",
        if aliases.is_empty() {
            "(none)".to_owned()
        } else {
            aliases.join(", ")
        }
    )
}
