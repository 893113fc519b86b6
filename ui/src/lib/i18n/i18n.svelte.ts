/**
 * The one place the window's words come from: every UI string is a message key looked up here
 * (`t('chat.send')`), in the language chosen in Settings or, for "system", the desktop's: its
 * locale as the app reports it (`LANG`, from `settings_get`), then the webview's
 * `navigator.languages`. The words themselves are in `messages/` (one file per area, English and
 * Korean side by side, typed so a key missing in one language does not compile); the tray has
 * its own small table in Rust.
 *
 * Built on i18next: it is framework-free (the stores in `.svelte.ts` files and plain modules
 * such as `errorLabels.ts` translate too, not only components), needs no compiler step or
 * generated files (Paraglide does), is not built on `svelte/store` (svelte-i18n is, and this
 * app uses runes only), and brings CLDR plural rules (`_one`/`_other`) and interpolation. The
 * language itself is a rune here, so every `t()` in a template or `$derived` re-runs when it
 * changes.
 */
import i18next, { type i18n } from 'i18next';
import { MESSAGES, type Lang, type MessageKey } from './messages';

export type { Lang, MessageKey } from './messages';

/** The `language` setting: a language, or the system's. */
export type LanguageSetting = 'system' | Lang;

export const LANGS: readonly Lang[] = ['en', 'ko'];

/** Where the last language setting is remembered, so the next start paints in it at once. */
export const LANGUAGE_STORAGE_KEY = 'switchboard.language';
/** Where the desktop's locale, as the app last reported it, is remembered (for the same reason). */
export const LOCALE_STORAGE_KEY = 'switchboard.systemLocale';

/** Values put into a message: `{{name}}` placeholders, and `count` for plurals. */
export type MessageValues = Record<string, string | number>;

const instance: i18n = i18next.createInstance();
void instance.init({
  resources: {
    en: { translation: MESSAGES.en },
    ko: { translation: MESSAGES.ko },
  },
  lng: 'en',
  fallbackLng: 'en',
  // Keys are flat ("chat.send"); messages contain ':' and '.'.
  keySeparator: false,
  nsSeparator: false,
  // Svelte escapes what it renders; `{@html}` is never fed a message.
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
});

let current = $state<Lang>('en');
/**
 * The desktop's locale as the app reports it (`LANG`): a webview does not always know it (WebKit
 * reads the C library's locale, which is "C" when that locale is not installed).
 */
let systemLocale: string | null = null;

/** Takes the desktop's locale (from `settings_get`) into account for the `system` language. */
export function setSystemLocale(locale: string | null): void {
  systemLocale = locale;
}

/** The language the window speaks now. */
export function language(): Lang {
  return current;
}

/** The language a BCP 47 tag or POSIX locale names (`ko-KR`, `ko_KR.UTF-8` → `ko`), if spoken. */
export function langOf(tag: string | null | undefined): Lang | undefined {
  const code = (tag ?? '')
    .trim()
    .toLowerCase()
    .split(/[-_.@]/)[0];
  return LANGS.find((lang) => lang === code);
}

/** The language for `setting`: itself, or the first spoken one of `preferred` (else English). */
export function resolveLanguage(
  setting: LanguageSetting,
  preferred: readonly string[] = systemLanguages(),
): Lang {
  if (setting !== 'system') return setting;
  for (const tag of preferred) {
    const lang = langOf(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** The desktop's languages, most preferred first: its locale, then the webview's. */
function systemLanguages(): readonly string[] {
  const webview =
    typeof navigator === 'undefined'
      ? []
      : navigator.languages.length > 0
        ? navigator.languages
        : [navigator.language];
  return systemLocale ? [systemLocale, ...webview] : webview;
}

/** Speaks `setting`'s language from now on, and says so on `<html lang>` (screen readers). */
export function applyLanguage(
  setting: LanguageSetting,
  root: HTMLElement = document.documentElement,
): Lang {
  const lang = resolveLanguage(setting);
  current = lang;
  root.lang = lang;
  return lang;
}

function isSetting(value: unknown): value is LanguageSetting {
  return value === 'system' || LANGS.includes(value as Lang);
}

/** Remembers `setting` (and the desktop's locale) for the next start. */
export function rememberLanguage(setting: LanguageSetting): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, setting);
    if (systemLocale) localStorage.setItem(LOCALE_STORAGE_KEY, systemLocale);
    else localStorage.removeItem(LOCALE_STORAGE_KEY);
  } catch {
    // Storage can be unavailable; the language then applies once the settings load.
  }
}

/** Applies the language setting remembered from the last run, or the system's (before mounting). */
export function applyRememberedLanguage(root: HTMLElement = document.documentElement): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    systemLocale = localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    // As if nothing was remembered.
  }
  return applyLanguage(isSetting(stored) ? stored : 'system', root);
}

/** A message key without its plural suffix: `chat.models` for `chat.models_one`/`_other`. */
export type MessageId = MessageKey extends infer K
  ? K extends `${infer Base}_${'one' | 'other'}`
    ? Base
    : K
  : never;

/**
 * The message `key` in the current language, with `values` filled in. Plural messages take
 * `count` and pick `_one`/`_other` by the language's plural rules.
 */
export function t(key: MessageId, values?: MessageValues): string {
  const lng = current;
  return instance.t(key, { ...values, lng });
}

/** The message `key` in `lang` (tests, and checks that must not depend on the current one). */
export function tIn(lang: Lang, key: MessageId, values?: MessageValues): string {
  return instance.t(key, { ...values, lng: lang });
}

/**
 * A token count as LM Studio shows context sizes, in decimal units: 128000 → "128K",
 * 196608 → "197K", 1048576 → "1M", 2500000 → "2.5M"; under 1000 as it is; none: "unknown".
 */
export function formatTokens(tokens: number | null | undefined): string {
  if (tokens === null || tokens === undefined) return t('model.unknown');
  if (tokens < 1000) return String(tokens);
  const thousands = Math.round(tokens / 1000);
  if (thousands < 1000) return `${thousands}K`;
  const millions = Math.round(tokens / 100_000) / 10;
  return `${millions}M`;
}

/** `HH:MM` (24-hour, local time): the same in both languages. */
export { formatClock } from './format';
