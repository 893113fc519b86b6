import { afterEach, describe, expect, it } from 'vitest';
import {
  LANGS,
  applyLanguage,
  applyRememberedLanguage,
  formatTokens,
  langOf,
  language,
  rememberLanguage,
  resolveLanguage,
  setSystemLocale,
  t,
  tIn,
} from './i18n.svelte';
import { AREAS, MESSAGES } from './messages';

/** `{{name}}` placeholders of a message, sorted. */
function holes(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
}

afterEach(() => {
  localStorage.clear();
  applyLanguage('en');
});

describe('messages', () => {
  it('has every key in both languages, none empty, with the same placeholders', () => {
    const en = Object.keys(MESSAGES.en).sort();
    expect(en.length).toBeGreaterThan(400);
    for (const lang of LANGS) {
      const table = MESSAGES[lang];
      expect(Object.keys(table).sort()).toEqual(en);
      for (const [key, text] of Object.entries(table)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(holes(text), `${lang} ${key}`).toEqual(
          holes(MESSAGES.en[key as keyof typeof MESSAGES.en]),
        );
      }
    }
  });

  it('has each key in one area only (merging the areas would hide a second one)', () => {
    const seen = new Map<string, string>();
    for (const [area, table] of Object.entries(AREAS)) {
      for (const key of Object.keys(table)) {
        expect(seen.get(key), `${key} in ${area}`).toBeUndefined();
        seen.set(key, area);
      }
    }
    expect(seen.size).toBe(Object.keys(MESSAGES.en).length);
  });

  it('writes Korean in Korean: every message that has English words has Hangul too', () => {
    const untranslated = Object.entries(MESSAGES.ko).filter(([key, ko]) => {
      const en = MESSAGES.en[key as keyof typeof MESSAGES.en];
      // Names (LM Studio, English, OK) may stay as they are; sentences may not. LM Studio's own
      // button, "Start server", is quoted as it reads in LM Studio.
      return /[a-z]{3,} [a-z]{3,}/i.test(en) && !/\p{Script=Hangul}/u.test(ko);
    });
    expect(untranslated.map(([key]) => key)).toEqual(['find.startServer']);
  });

  it('has both plural forms of every plural message', () => {
    for (const key of Object.keys(MESSAGES.en)) {
      const base = /^(.*)_(one|other)$/.exec(key)?.[1];
      if (base === undefined) continue;
      expect(Object.keys(MESSAGES.en)).toContain(`${base}_one`);
      expect(Object.keys(MESSAGES.en)).toContain(`${base}_other`);
    }
    expect(tIn('en', 'add.models', { count: 1 })).toBe('1 model');
    expect(tIn('en', 'add.models', { count: 5 })).toBe('5 models');
    expect(tIn('ko', 'add.models', { count: 5 })).toBe('모델 5개');
  });
});

describe('language', () => {
  it('takes the language from a locale or a BCP 47 tag', () => {
    expect(langOf('ko_KR.UTF-8')).toBe('ko');
    expect(langOf('ko-KR')).toBe('ko');
    expect(langOf('KO')).toBe('ko');
    expect(langOf('en-US')).toBe('en');
    expect(langOf('de-DE')).toBeUndefined();
    expect(langOf('')).toBeUndefined();
    expect(langOf(undefined)).toBeUndefined();
  });

  it('follows the setting, else the first spoken system language, else English', () => {
    expect(resolveLanguage('ko', ['en-US'])).toBe('ko');
    expect(resolveLanguage('en', ['ko-KR'])).toBe('en');
    expect(resolveLanguage('system', ['ko-KR', 'en-US'])).toBe('ko');
    expect(resolveLanguage('system', ['de-DE', 'ko'])).toBe('ko');
    expect(resolveLanguage('system', ['de-DE'])).toBe('en');
    expect(resolveLanguage('system', [])).toBe('en');
  });

  it('switches every message and <html lang> at once', () => {
    const root = document.createElement('html');
    expect(applyLanguage('ko', root)).toBe('ko');
    expect(language()).toBe('ko');
    expect(root.lang).toBe('ko');
    expect(t('nav.settings')).toBe('설정');
    expect(t('route.serverModels', { name: 'LM Studio', count: 5 })).toBe('LM Studio (5)');
    applyLanguage('en', root);
    expect(t('nav.settings')).toBe('Settings');
    expect(root.lang).toBe('en');
  });

  it("follows the desktop's locale as the app reports it, before the webview's", () => {
    setSystemLocale('ko_KR.UTF-8');
    expect(resolveLanguage('system')).toBe('ko');
    rememberLanguage('system');
    setSystemLocale(null);
    // jsdom's navigator speaks en-US.
    expect(resolveLanguage('system')).toBe('en');
    // The next start remembers the locale too, so it paints in Korean at once.
    expect(applyRememberedLanguage(document.createElement('html'))).toBe('ko');
    setSystemLocale(null);
  });

  it('starts in the remembered language, or the system one', () => {
    const root = document.createElement('html');
    localStorage.setItem('switchboard.language', 'ko');
    expect(applyRememberedLanguage(root)).toBe('ko');
    localStorage.setItem('switchboard.language', 'klingon');
    // jsdom's navigator speaks en-US.
    expect(applyRememberedLanguage(root)).toBe('en');
  });
});

describe('formatTokens', () => {
  it('shows context sizes in decimal K and M, as LM Studio does', () => {
    expect(formatTokens(128000)).toBe('128K');
    expect(formatTokens(196608)).toBe('197K');
    expect(formatTokens(131072)).toBe('131K');
    expect(formatTokens(32768)).toBe('33K');
    expect(formatTokens(4096)).toBe('4K');
    expect(formatTokens(999)).toBe('999');
    expect(formatTokens(999_600)).toBe('1M');
    expect(formatTokens(1_048_576)).toBe('1M');
    expect(formatTokens(2_500_000)).toBe('2.5M');
    expect(formatTokens(0)).toBe('0');
  });

  it('says when the size is not known, in the current language', () => {
    expect(formatTokens(null)).toBe('unknown');
    applyLanguage('ko', document.createElement('html'));
    expect(formatTokens(undefined)).toBe('알 수 없음');
  });
});
