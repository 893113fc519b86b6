//! The tray menu's first line: the route health in words. Linux tray hosts show no tooltip, so
//! without it the state would be told by the icon's colour alone.

use std::time::{SystemTime, UNIX_EPOCH};

use switchboard_core::router::{Health, Overall, ProviderState};

/// "Ready — lmstudio/qwen", "On fallback — lmstudio/qwen · hosted resting for 4 min",
/// "No route — open Setup".
pub(crate) fn status_line(health: &Health) -> String {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    status_line_at(health, now_ms)
}

fn status_line_at(health: &Health, now_ms: u64) -> String {
    let resting: Vec<String> = health
        .providers
        .iter()
        .filter_map(|p| match p.state {
            ProviderState::Ok => None,
            ProviderState::Down if p.until_ms.is_none() => {
                Some(format!("{} not reachable", p.provider))
            }
            ProviderState::Cooldown | ProviderState::Down => Some(match p.until_ms {
                Some(until) => {
                    let minutes = until.saturating_sub(now_ms).div_ceil(60_000).max(1);
                    format!("{} resting for {minutes} min", p.provider)
                }
                None => format!("{} resting", p.provider),
            }),
        })
        .collect();
    let current = health.current.as_deref();
    match (health.overall, current) {
        (Overall::OnPrimary, Some(model)) => format!("Ready — {model}"),
        (Overall::OnFallback, Some(model)) if resting.is_empty() => {
            format!("On fallback — {model}")
        }
        (Overall::OnFallback, Some(model)) => {
            format!("On fallback — {model} · {}", resting.join(", "))
        }
        // No route answers: say who is resting or unreachable; with none, nothing is set up.
        _ if resting.is_empty() => "No route — open Setup".to_owned(),
        _ => format!("No route — {}", resting.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::router::ProviderHealth;

    fn provider(id: &str, state: ProviderState, until_ms: Option<u64>) -> ProviderHealth {
        ProviderHealth {
            provider: id.into(),
            state,
            until_ms,
            reason: None,
            cooling: Vec::new(),
            local: false,
            reachable: None,
            checked_ms: None,
        }
    }

    #[test]
    fn the_status_line_says_the_route_health_in_words() {
        let ready = Health {
            overall: Overall::OnPrimary,
            current: Some("lmstudio/qwen".into()),
            providers: vec![provider("lmstudio", ProviderState::Ok, None)],
        };
        assert_eq!(status_line_at(&ready, 0), "Ready — lmstudio/qwen");
        let fallback = Health {
            overall: Overall::OnFallback,
            current: Some("lmstudio/qwen".into()),
            providers: vec![
                provider("hosted", ProviderState::Cooldown, Some(200_000)),
                provider("lmstudio", ProviderState::Ok, None),
                provider("other", ProviderState::Down, None),
            ],
        };
        assert_eq!(
            status_line_at(&fallback, 0),
            "On fallback — lmstudio/qwen · hosted resting for 4 min, other not reachable"
        );
        assert_eq!(
            status_line_at(&Health::default(), 0),
            "No route — open Setup"
        );
        let unreachable = Health {
            overall: Overall::NoRoute,
            current: None,
            providers: vec![provider("hosted", ProviderState::Down, None)],
        };
        assert_eq!(
            status_line_at(&unreachable, 0),
            "No route — hosted not reachable"
        );
        let resting = Health {
            overall: Overall::NoRoute,
            current: None,
            providers: vec![provider("hosted", ProviderState::Cooldown, Some(30_000))],
        };
        assert_eq!(
            status_line_at(&resting, 0),
            "No route — hosted resting for 1 min"
        );
    }
}
