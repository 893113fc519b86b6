//! The tray menu's first line: the route health in words. Linux tray hosts show no tooltip, so
//! without it the state would be told by the icon's colour alone.

use std::time::{SystemTime, UNIX_EPOCH};

use switchboard_core::router::{Health, Overall, ProviderState};

use super::text::{Lang, Msg};

/// "Ready — lmstudio/qwen", "On fallback — lmstudio/qwen · hosted resting for 4 min",
/// "No route — open Setup", in `lang`.
pub(crate) fn status_line(health: &Health, lang: Lang) -> String {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    status_line_at(health, lang, now_ms)
}

fn status_line_at(health: &Health, lang: Lang, now_ms: u64) -> String {
    let resting: Vec<String> = health
        .providers
        .iter()
        .filter_map(|p| {
            let provider = ("provider", p.provider.as_str());
            match p.state {
                ProviderState::Ok => None,
                ProviderState::Down if p.until_ms.is_none() => {
                    Some(Msg::NotReachable.fill(lang, &[provider]))
                }
                ProviderState::Cooldown | ProviderState::Down => Some(match p.until_ms {
                    Some(until) => {
                        let minutes = until.saturating_sub(now_ms).div_ceil(60_000).max(1);
                        let minutes = minutes.to_string();
                        Msg::RestingFor.fill(lang, &[provider, ("minutes", &minutes)])
                    }
                    None => Msg::Resting.fill(lang, &[provider]),
                }),
            }
        })
        .collect();
    let current = health.current.as_deref();
    match (health.overall, current) {
        (Overall::OnPrimary, Some(model)) => Msg::Ready.fill(lang, &[("model", model)]),
        (Overall::OnFallback, Some(model)) if resting.is_empty() => {
            Msg::OnFallback.fill(lang, &[("model", model)])
        }
        (Overall::OnFallback, Some(model)) => {
            let model = format!("{model} · {}", resting.join(", "));
            Msg::OnFallback.fill(lang, &[("model", &model)])
        }
        // No route answers: say who is resting or unreachable; with none, nothing is set up.
        _ if resting.is_empty() => Msg::NoRouteOpenSetup.text(lang).to_owned(),
        _ => Msg::NoRoute.fill(lang, &[("why", &resting.join(", "))]),
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
        assert_eq!(status_line_at(&ready, Lang::En, 0), "Ready — lmstudio/qwen");
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
            status_line_at(&fallback, Lang::En, 0),
            "On fallback — lmstudio/qwen · hosted resting for 4 min, other not reachable"
        );
        assert_eq!(
            status_line_at(&Health::default(), Lang::En, 0),
            "No route — open Setup"
        );
        let unreachable = Health {
            overall: Overall::NoRoute,
            current: None,
            providers: vec![provider("hosted", ProviderState::Down, None)],
        };
        assert_eq!(
            status_line_at(&unreachable, Lang::En, 0),
            "No route — hosted not reachable"
        );
        let resting = Health {
            overall: Overall::NoRoute,
            current: None,
            providers: vec![provider("hosted", ProviderState::Cooldown, Some(30_000))],
        };
        assert_eq!(
            status_line_at(&resting, Lang::En, 0),
            "No route — hosted resting for 1 min"
        );
        // The same lines in Korean.
        assert_eq!(
            status_line_at(&ready, Lang::Ko, 0),
            "준비됨 — lmstudio/qwen"
        );
        assert_eq!(
            status_line_at(&fallback, Lang::Ko, 0),
            "폴백 사용 중 — lmstudio/qwen · hosted 4분간 대기 중, other 연결 안 됨"
        );
        assert_eq!(
            status_line_at(&Health::default(), Lang::Ko, 0),
            "경로 없음 — 설정 마법사를 여세요"
        );
    }
}
