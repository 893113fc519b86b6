//! The tray's words in every language it speaks: one table ([`Msg::text`]) with a row per
//! message and a column per [`Lang`], so a message missing in one language does not compile.
//! The window's words live in the UI's i18n module; the tray is drawn by Rust, so it keeps its
//! own (short) table, chosen by the same setting ([`Lang::resolve`]).
//!
//! It also keeps the language the tray uses now, in the app's state ([`set_language`]), so a
//! menu rebuilt after a health or config change speaks the chosen language.

use std::sync::atomic::{AtomicBool, Ordering};

use switchboard_core::settings::Language;
use tauri::{AppHandle, Manager, Runtime};

/// A language the tray speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Lang {
    /// English (also for every locale the tray does not speak).
    #[default]
    En,
    /// Korean.
    Ko,
}

impl Lang {
    /// The language for `setting`; for [`Language::System`], the locale in `env`
    /// (`crate::settings::system_locale`): Korean for `ko…`, else English.
    pub(crate) fn resolve(setting: Language, env: impl Fn(&str) -> Option<String>) -> Lang {
        match setting {
            Language::En => Lang::En,
            Language::Ko => Lang::Ko,
            Language::System => {
                let locale = crate::settings::system_locale(env).unwrap_or_default();
                if locale.to_ascii_lowercase().starts_with("ko") {
                    Lang::Ko
                } else {
                    Lang::En
                }
            }
        }
    }
}

/// Every message the tray shows. `{model}`, `{provider}` and `{minutes}` are filled in by
/// [`Msg::fill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Msg {
    OpenSwitchboard,
    NewChat,
    PrimaryModel,
    NoModelsConfigured,
    Redetect,
    Quit,
    TooltipReady,
    TooltipFallback,
    TooltipNoRoute,
    /// "Ready — {model}".
    Ready,
    /// "On fallback — {model}".
    OnFallback,
    /// "No route — {why}" (`{why}` is the list of resting or unreachable providers).
    NoRoute,
    /// With no route and nobody resting: nothing is set up yet.
    NoRouteOpenSetup,
    /// "{provider} not reachable".
    NotReachable,
    /// "{provider} resting".
    Resting,
    /// "{provider} resting for {minutes} min".
    RestingFor,
    /// The offline switch in the menu.
    Offline,
    /// The status line's prefix while offline.
    OfflineShort,
    /// "Spent today {today} · this month {month}".
    Spent,
}

impl Msg {
    /// Every message, for tests.
    #[cfg(test)]
    pub(crate) const ALL: [Msg; 19] = [
        Msg::OpenSwitchboard,
        Msg::NewChat,
        Msg::PrimaryModel,
        Msg::NoModelsConfigured,
        Msg::Redetect,
        Msg::Quit,
        Msg::TooltipReady,
        Msg::TooltipFallback,
        Msg::TooltipNoRoute,
        Msg::Ready,
        Msg::OnFallback,
        Msg::NoRoute,
        Msg::NoRouteOpenSetup,
        Msg::NotReachable,
        Msg::Resting,
        Msg::RestingFor,
        Msg::Offline,
        Msg::OfflineShort,
        Msg::Spent,
    ];

    /// The table: `(English, Korean)` for every message.
    const fn row(self) -> (&'static str, &'static str) {
        match self {
            Msg::OpenSwitchboard => ("Open Switchboard", "Switchboard 열기"),
            Msg::NewChat => ("New chat", "새 채팅"),
            Msg::PrimaryModel => ("Primary model", "주 모델"),
            Msg::NoModelsConfigured => ("No models configured", "구성된 모델 없음"),
            Msg::Redetect => ("Re-detect local servers", "로컬 서버 다시 찾기"),
            Msg::Quit => ("Quit", "종료"),
            Msg::TooltipReady => (
                "Switchboard — on the primary route",
                "Switchboard — 주 경로 사용 중",
            ),
            Msg::TooltipFallback => (
                "Switchboard — on a fallback route",
                "Switchboard — 폴백 경로 사용 중",
            ),
            Msg::TooltipNoRoute => (
                "Switchboard — no route yet: open Setup",
                "Switchboard — 아직 경로 없음: 설정 마법사를 여세요",
            ),
            Msg::Ready => ("Ready — {model}", "준비됨 — {model}"),
            Msg::OnFallback => ("On fallback — {model}", "폴백 사용 중 — {model}"),
            Msg::NoRoute => ("No route — {why}", "경로 없음 — {why}"),
            Msg::NoRouteOpenSetup => ("No route — open Setup", "경로 없음 — 설정 마법사를 여세요"),
            Msg::NotReachable => ("{provider} not reachable", "{provider} 연결 안 됨"),
            Msg::Resting => ("{provider} resting", "{provider} 대기 중"),
            Msg::RestingFor => (
                "{provider} resting for {minutes} min",
                "{provider} {minutes}분간 대기 중",
            ),
            Msg::Offline => (
                "Offline — nothing leaves this machine",
                "오프라인 — 아무것도 이 컴퓨터를 벗어나지 않음",
            ),
            Msg::OfflineShort => ("Offline", "오프라인"),
            Msg::Spent => (
                "Spent today {today} · this month {month}",
                "사용 비용: 오늘 {today} · 이번 달 {month}",
            ),
        }
    }

    /// The message in `lang`, placeholders left in.
    pub(crate) const fn text(self, lang: Lang) -> &'static str {
        let (en, ko) = self.row();
        match lang {
            Lang::En => en,
            Lang::Ko => ko,
        }
    }

    /// The message in `lang` with each `{name}` replaced by its value.
    pub(crate) fn fill(self, lang: Lang, values: &[(&str, &str)]) -> String {
        let mut text = self.text(lang).to_owned();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

/// The language the tray speaks now (true: Korean), kept in the app's state.
#[derive(Debug, Default)]
struct TrayLang(AtomicBool);

/// Makes `lang` the tray's language for every menu built from now on.
pub(crate) fn set_language<R: Runtime>(app: &AppHandle<R>, lang: Lang) {
    let korean = lang == Lang::Ko;
    match app.try_state::<TrayLang>() {
        Some(state) => state.0.store(korean, Ordering::Relaxed),
        None => {
            app.manage(TrayLang(AtomicBool::new(korean)));
        }
    }
}

/// The tray's language now (English until [`set_language`] is called).
pub(crate) fn language<R: Runtime>(app: &AppHandle<R>) -> Lang {
    match app.try_state::<TrayLang>() {
        Some(state) if state.0.load(Ordering::Relaxed) => Lang::Ko,
        _ => Lang::En,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_its_own_words_in_both_languages() {
        for lang in [Lang::En, Lang::Ko] {
            let texts: std::collections::HashSet<_> =
                Msg::ALL.iter().map(|m| m.text(lang)).collect();
            assert_eq!(texts.len(), Msg::ALL.len(), "{lang:?}");
        }
        for msg in Msg::ALL {
            let (en, ko) = msg.row();
            assert!(!en.is_empty() && !ko.is_empty(), "{msg:?}");
            assert_ne!(en, ko, "{msg:?} is not translated");
            // The same placeholders in both.
            let holes = |text: &str| {
                let mut names: Vec<String> = text
                    .split('{')
                    .skip(1)
                    .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
                    .collect();
                names.sort();
                names
            };
            assert_eq!(holes(en), holes(ko), "{msg:?}");
        }
        assert_eq!(
            Msg::RestingFor.fill(Lang::Ko, &[("provider", "hosted"), ("minutes", "4")]),
            "hosted 4분간 대기 중"
        );
    }

    #[test]
    fn the_language_follows_the_setting_then_the_locale() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let korean = env(&[("LANG", "ko_KR.UTF-8")]);
        assert_eq!(Lang::resolve(Language::System, korean), Lang::Ko);
        assert_eq!(Lang::resolve(Language::En, korean), Lang::En);
        assert_eq!(Lang::resolve(Language::Ko, env(&[])), Lang::Ko);
        assert_eq!(Lang::resolve(Language::System, env(&[])), Lang::En);
        assert_eq!(
            Lang::resolve(Language::System, env(&[("LANG", "de_DE.UTF-8")])),
            Lang::En
        );
        // LC_ALL wins over LANG; an empty one is skipped.
        assert_eq!(
            Lang::resolve(
                Language::System,
                env(&[("LC_ALL", "C.UTF-8"), ("LANG", "ko_KR.UTF-8")])
            ),
            Lang::En
        );
        assert_eq!(
            Lang::resolve(
                Language::System,
                env(&[("LC_ALL", ""), ("LANG", "ko_KR.UTF-8")])
            ),
            Lang::Ko
        );
    }
}
