//! Logging: `tracing` to a rotated file in the log directory, and to stderr.
//!
//! Every byte that leaves through a log writer passes [`redact::redact`] first, so an API key that
//! slips into a log message is replaced by `[REDACTED]` before it reaches a file or a terminal.
//! Panic messages take the same path (see [`install_panic_hook`]).

pub mod redact;

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Environment variable with a `tracing` filter that overrides the default levels.
pub const LOG_FILTER_ENV: &str = "SWITCHBOARD_LOG";
/// How many rotated daily log files are kept.
pub const KEPT_LOG_FILES: usize = 7;

/// Who is logging: the desktop app logs more to stderr than a CLI command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogTarget {
    /// The desktop app: info to the file and to stderr.
    App,
    /// A CLI subcommand: info to the file, only warnings and errors to stderr.
    Cli,
}

/// Keeps the background log writer alive; dropping it flushes the file.
#[must_use = "dropping the guard stops file logging"]
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

/// Starts logging to `log_dir` (created if needed) and stderr.
///
/// A log directory that cannot be created is not fatal: logging falls back to stderr alone and
/// says so once. Calling this twice keeps the first setup.
pub fn init(log_dir: &Path, target: LogTarget) -> LogGuard {
    let stderr_level = match target {
        LogTarget::App => "info",
        LogTarget::Cli => "warn",
    };
    let filter = |default: &str| {
        EnvFilter::try_from_env(LOG_FILTER_ENV).unwrap_or_else(|_| EnvFilter::new(default))
    };
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(Redacting(io::stderr))
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .with_filter(filter(stderr_level));

    let private = crate::private_files::private_dir(log_dir);
    let tightened = matches!(private, Ok(true));
    let file = private.map_err(|e| e.to_string()).and_then(|_| {
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("switchboard")
            .filename_suffix("log")
            .max_log_files(KEPT_LOG_FILES)
            .build(log_dir)
            .map_err(|e| e.to_string())
    });
    let (file_layer, guard, file_problem) = match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(Redacting(writer))
                .with_ansi(false)
                .with_filter(filter("info"));
            (Some(layer), Some(guard), None)
        }
        Err(problem) => (None, None, Some(problem)),
    };

    let installed = tracing_subscriber::registry()
        .with(stderr_layer)
        .with(file_layer)
        .try_init()
        .is_ok();
    if installed {
        install_panic_hook();
        if tightened {
            tracing::info!(
                "{} was readable by other users; now 0700",
                log_dir.display()
            );
        }
        if let Some(problem) = file_problem {
            tracing::warn!(dir = %log_dir.display(), %problem, "cannot write log files; logging to stderr only");
        }
    }
    LogGuard { _file: guard }
}

/// Replaces the default panic hook with one that redacts the message and logs it.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        let text = format!("panic: {info}");
        let redacted = redact::redact(&text);
        tracing::error!(location = location.unwrap_or_default(), "{redacted}");
        let _ignored = writeln!(io::stderr(), "{redacted}");
    }));
}

/// A [`MakeWriter`] whose writers redact each log record before passing it on.
#[derive(Debug, Clone)]
pub struct Redacting<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.0.make_writer(),
            pending: Vec::new(),
        }
    }
}

/// Buffers one log record and writes it redacted when flushed or dropped.
///
/// The `fmt` layer asks for a fresh writer per record, so buffering until drop sees a whole
/// record; a secret split across two `write` calls is still caught.
#[derive(Debug)]
pub struct RedactingWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let text = String::from_utf8_lossy(&self.pending);
            self.inner.write_all(redact::redact(&text).as_bytes())?;
            self.pending.clear();
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        // Nowhere to report a failed log write; losing the record is the only option.
        let _ignored = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().expect("lock").clone()).expect("utf-8")
        }
    }

    #[test]
    fn a_registered_key_never_reaches_the_log() {
        let secret = "lm-test-4f9a8b7c6d5e4f3a2b1c";
        redact::register_secret(secret);
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Redacting(move || sink.clone()))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(api_key = secret, "sending request with key {secret}");
            tracing::warn!("header: Authorization: Bearer {secret}");
        });
        let text = captured.text();
        assert!(!text.contains(secret), "log leaked the key: {text}");
        assert!(text.contains("[REDACTED]"), "no redaction marker: {text}");
        assert_eq!(text.lines().count(), 2);
    }

    #[test]
    fn a_secret_split_across_writes_is_still_redacted() {
        let secret = "split-secret-value-0123456789";
        redact::register_secret(secret);
        let captured = Captured::default();
        {
            let mut writer = RedactingWriter {
                inner: captured.clone(),
                pending: Vec::new(),
            };
            writer.write_all(b"key=split-secret-").expect("write");
            writer.write_all(b"value-0123456789 done\n").expect("write");
        }
        assert_eq!(captured.text(), "key=[REDACTED] done\n");
    }

    #[test]
    fn file_logging_writes_a_redacted_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("switchboard")
            .filename_suffix("log")
            .max_log_files(KEPT_LOG_FILES)
            .build(dir.path())
            .expect("appender");
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Redacting(appender))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("calling provider with sk-proj-abcdefghijklmnopqrstuvwx0123");
        });
        let entries: Vec<_> = std::fs::read_dir(dir.path()).expect("read dir").collect();
        assert_eq!(entries.len(), 1);
        let path = entries[0].as_ref().expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        assert!(
            name.starts_with("switchboard.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(&path).expect("read log");
        assert!(text.contains("calling provider with [REDACTED]"), "{text}");
        assert!(!text.contains("abcdefghijklmnop"), "{text}");
    }
}
