import { afterEach, describe, expect, it } from 'vitest';
import { applyLanguage } from '../../lib/i18n/i18n.svelte';
import type { KeyStatus } from '../../lib/ipc';
import { keyIsThere, keyNeedsCare, keyStateText } from './keyState';

const status = (s: Partial<KeyStatus>): KeyStatus => ({
  provider: 'p',
  state: 'missing',
  var: null,
  hint: null,
  detail: 'core words',
  ...s,
});

afterEach(() => applyLanguage('en'));

describe('where a key comes from', () => {
  it('is worded from the state, not from core’s English', () => {
    expect(keyStateText(status({ state: 'keychain', hint: '1234' }))).toBe(
      'set in keychain · …1234',
    );
    expect(keyStateText(status({ state: 'env_unset', var: 'WORK_KEY' }))).toBe(
      'from env WORK_KEY (not set)',
    );
  });

  it('speaks Korean in a Korean window', () => {
    applyLanguage('ko');
    expect(keyStateText(status({ state: 'plaintext' }))).toBe(
      '구성 파일에 평문으로 있음: 키체인으로 옮기세요',
    );
    expect(keyStateText(status({ state: 'env', var: 'OPENAI_API_KEY' }))).toBe(
      '환경 변수 OPENAI_API_KEY에서',
    );
  });

  it('marks a variable that is named but not set as needing care, not as there', () => {
    expect(keyIsThere('env_unset')).toBe(false);
    expect(keyNeedsCare('env_unset')).toBe(true);
    expect(keyIsThere('env')).toBe(true);
  });
});
