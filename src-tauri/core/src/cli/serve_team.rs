//! `switchboard serve` for a team: where the router state is shared (`--state`), where it
//! listens (`--listen`, beyond loopback only when per-person tokens exist, with a warning that
//! TLS belongs in a reverse proxy in front), and the per-person tokens
//! (`serve token add NAME [--budget-daily USD]`, `token list`, `token remove NAME`).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use super::serve_args::{ServeArgs, TokenAction, TokenCommand};
use super::Exit;
use crate::gateway::people::{LivePeople, People, PeopleError, FILE_NAME};
use crate::gateway::Gate;
use crate::logging::redact::redact;
use crate::paths::Paths;
use crate::secrets::Secret;
use crate::state::{StateError, StateStore};

/// Why `serve` refused its team options.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// The people file could not be read or changed.
    #[error(transparent)]
    People(#[from] PeopleError),
    /// `--state` is unusable.
    #[error(transparent)]
    State(#[from] StateError),
    /// `--listen` is not an address.
    #[error("--listen {0}: expected an IP address (0.0.0.0, 192.168.1.5, ::) or IP:PORT")]
    BadListen(String),
    /// `--listen` beyond loopback with nobody's token but the owner's.
    #[error(
        "--listen {0} reaches beyond this machine: add per-person tokens first \
         (`switchboard serve token add NAME`), so every request names who sent it"
    )]
    NoPeople(SocketAddr),
    /// `token remove` named nobody.
    #[error("no token named {0:?} (see `switchboard serve token list`)")]
    NoSuchName(String),
    /// Writing to the terminal failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The people file in the data dir.
pub fn people_file(paths: &Paths) -> PathBuf {
    paths.data_dir.join(FILE_NAME)
}

/// What `serve` runs with beyond the router: the shared state, the address and the people.
#[derive(Debug)]
pub struct Team {
    /// Where cooldowns, health and counters are shared.
    pub store: StateStore,
    /// Where to listen.
    pub addr: SocketAddr,
    /// People with their own tokens, as the file was at the start.
    pub people: Arc<People>,
    /// That file, read again by the gate when it changes.
    pub people_file: PathBuf,
}

/// `--listen` (an IP or IP:PORT; `None`: loopback) with `port` when it names none.
fn listen_addr(listen: Option<&str>, port: u16) -> Result<SocketAddr, TeamError> {
    let Some(text) = listen else {
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    };
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let bare = text.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, port))
        .map_err(|_| TeamError::BadListen(text.to_owned()))
}

impl Team {
    /// Checks the options: the state store opens, the address parses, and an address beyond
    /// loopback has people with tokens (then the TLS warning goes to `err`).
    pub fn prepare(
        args: &ServeArgs,
        paths: &Paths,
        err: &mut dyn Write,
    ) -> Result<Team, TeamError> {
        let addr = listen_addr(args.listen.as_deref(), args.port)?;
        let file = people_file(paths);
        let people = People::load(&file)?;
        if !addr.ip().is_loopback() {
            if people.is_empty() {
                return Err(TeamError::NoPeople(addr));
            }
            writeln!(
                err,
                "switchboard: warning: listening on {addr}, beyond this machine, over plain \
                 HTTP: put TLS in a reverse proxy in front (Caddy or nginx; README \"Running \
                 for a team\")"
            )?;
        }
        let store = StateStore::open(&args.state, &paths.data_dir)?;
        Ok(Team {
            store,
            addr,
            people: Arc::new(people),
            people_file: file,
        })
    }

    /// The startup line about the state (connecting to Redis once, so an unreachable one is
    /// said at once).
    pub async fn describe_state(&self) -> String {
        let people = match self.people.people.len() {
            0 => String::new(),
            1 => "; 1 person token".to_owned(),
            n => format!("; {n} person tokens"),
        };
        match &self.store {
            StateStore::Redis(redis) if !redis.connect().await => format!(
                "state: {} — unreachable now: the fallback is used until it answers{people}",
                self.store.describe()
            ),
            _ => format!("state: {}{people}", self.store.describe()),
        }
    }

    /// The gate over `owner`'s token and the people's (the file read again when it changes).
    pub fn gate(&self, owner: Secret) -> Result<Gate, TeamError> {
        Ok(Gate {
            owner,
            people: Arc::new(LivePeople::watch(&self.people_file)?),
            any_host: !self.addr.ip().is_loopback(),
        })
    }
}

/// Runs `serve token …`; what it did on `out`, problems on `err`.
pub fn run_token(
    command: &TokenCommand,
    args: &ServeArgs,
    paths: &Paths,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let TokenCommand::Token(action) = command;
    match token(action, args, paths, out) {
        Ok(()) => Exit::Success,
        Err(e) => {
            let _ignored = writeln!(err, "switchboard: {}", redact(&e.to_string()));
            Exit::Failure
        }
    }
}

fn token(
    action: &TokenAction,
    args: &ServeArgs,
    paths: &Paths,
    out: &mut dyn Write,
) -> Result<(), TeamError> {
    let file = people_file(paths);
    let mut people = People::load(&file)?;
    match action {
        TokenAction::Add { name, budget_daily } => {
            let token = people.add(name, *budget_daily)?;
            people.save(&file)?;
            writeln!(out, "{}", token.expose())?;
            writeln!(
                out,
                "# the token for {name}, shown this once (only its hash is kept in {}); \
                 copy that file to every gateway of the team",
                file.display()
            )?;
        }
        TokenAction::Remove { name } => {
            if !people.remove(name) {
                return Err(TeamError::NoSuchName(name.clone()));
            }
            people.save(&file)?;
            writeln!(
                out,
                "removed {name} (running gateways refuse it from their next request)"
            )?;
        }
        TokenAction::List => list(&people, args, paths, out)?,
    }
    Ok(())
}

fn list(
    people: &People,
    args: &ServeArgs,
    paths: &Paths,
    out: &mut dyn Write,
) -> Result<(), TeamError> {
    if people.is_empty() {
        writeln!(
            out,
            "no person tokens (add one: switchboard serve token add NAME)"
        )?;
        return Ok(());
    }
    let store = StateStore::open(&args.state, &paths.data_dir)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    writeln!(
        out,
        "{:<24} {:>12} {:>12} {:>9}",
        "NAME", "BUDGET/DAY", "SPENT TODAY", "REQUESTS"
    )?;
    for person in &people.people {
        let today = runtime.block_on(store.today(&person.tally_key()));
        let budget = person
            .budget_daily_usd
            .map_or_else(|| "-".to_owned(), |b| format!("${b:.2}"));
        writeln!(
            out,
            "{:<24} {:>12} {:>12} {:>9}",
            person.name,
            budget,
            format!("${:.4}", today.usd),
            today.requests
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_takes_an_ip_or_ip_and_port() {
        let addr = |s| listen_addr(Some(s), 4141).expect(s);
        assert_eq!(addr("0.0.0.0").to_string(), "0.0.0.0:4141");
        assert_eq!(addr("10.0.0.2:8080").to_string(), "10.0.0.2:8080");
        assert_eq!(addr("::").to_string(), "[::]:4141");
        assert_eq!(addr("[::1]:9").to_string(), "[::1]:9");
        assert_eq!(
            listen_addr(None, 7).expect("default").to_string(),
            "127.0.0.1:7"
        );
        assert!(matches!(
            listen_addr(Some("example.com"), 1),
            Err(TeamError::BadListen(_))
        ));
    }
}
